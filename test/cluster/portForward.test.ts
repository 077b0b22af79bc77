/**
 * forwardService against the real control plane: kwok's ClusterPortForward sends the container
 * port 9696 of any pod to an HTTP server this test runs, so a request through the forward travels
 * local socket → our listener → WebSocket → kube-apiserver → kwok's kubelet → that server.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { startControlPlane, type ControlPlane } from './controlPlane';
import { kubectl, eventually } from './liveHelpers';
import { forwardService, type ServiceForward } from '../../src/core/cluster/portForward';
import { connectLive } from '../../src/core/cluster/liveConnection';
import { runPortForward } from '../../src/cli/portForwardCommand';
import type { CliIo } from '../../src/cli/cliIo';

const ns = `kt-pf-${process.pid}`;

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // agent: false, so every request is its own connection (and its own WebSocket)
    const req = http.get(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error(`GET ${url}: no answer in 20 s`)));
  });
}

function listenOnFreePort(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

function freePort(): Promise<number> {
  const s = net.createServer();
  return new Promise((resolve) =>
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    }),
  );
}

describe('port-forward to a Service', { timeout: 240_000 }, () => {
  let cp: ControlPlane;
  let backend: http.Server;
  let requests = 0;
  let fwd: ServiceForward | undefined;

  before(async () => {
    backend = http.createServer((req, res) => {
      requests++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ answer: 'from the test backend', path: req.url }));
    });
    const backendPort = await listenOnFreePort(backend);
    cp = await startControlPlane({ metricsServer: false, portForwards: [{ ports: [9696], target: { address: '127.0.0.1', port: backendPort } }] });
    await kubectl(
      cp,
      ['apply', '--server-side', '-f', '-'],
      `apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: gateway, namespace: ${ns}}
spec:
  replicas: 1
  selector: {matchLabels: {app: gateway}}
  template:
    metadata: {labels: {app: gateway}}
    spec:
      containers:
      - name: gateway
        image: kt-gateway:v1
        ports: [{name: http, containerPort: 9696}]
---
apiVersion: v1
kind: Service
metadata: {name: gateway, namespace: ${ns}}
spec:
  selector: {app: gateway}
  ports:
  - {name: web, port: 80, targetPort: http}
  - {name: metrics, port: 9090, targetPort: 9090}
---
apiVersion: v1
kind: Service
metadata: {name: nobody, namespace: ${ns}}
spec:
  selector: {app: nobody}
  ports: [{port: 80}]
`,
    );
    await kubectl(cp, ['rollout', 'status', '-n', ns, 'deployment/gateway', '--timeout=60s']);
  });

  after(async () => {
    await fwd?.stop();
    await cp?.stop();
    await new Promise<void>((r) => backend?.close(() => r()));
  });

  test('a request through the forwarded URL reaches the server behind the pod (named targetPort resolved)', async () => {
    const connection = connectLive({ kubeconfigPath: cp.kubeconfigPath, context: cp.adminContext });
    fwd = await forwardService(connection, { namespace: ns, service: 'gateway', port: 'web' });
    assert.match(fwd.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(fwd.targetPort, 9696);
    const pod = (await kubectl(cp, ['get', 'pods', '-n', ns, '-l', 'app=gateway', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
    assert.equal(fwd.pod, pod);
    const before = requests;
    const r = await get(`${fwd.url}/predict`);
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), { answer: 'from the test backend', path: '/predict' });
    assert.equal(requests, before + 1);
    // a second connection works too (one WebSocket each)
    assert.equal((await get(`${fwd.url}/again`)).status, 200);
  });

  test('when the pod is deleted, the forward moves to the replacement pod', async () => {
    assert.ok(fwd);
    const old = fwd.pod as string;
    const changes: (string | undefined)[] = [];
    fwd.onDidChangePod((p) => changes.push(p));
    await kubectl(cp, ['delete', 'pod', '-n', ns, old, '--wait=true']);
    const next = await eventually(
      'a new ready pod',
      () => changes.find((p) => p && p !== old),
      60_000,
      () => JSON.stringify(changes),
    );
    assert.equal(fwd.pod, next);
    const live = (await kubectl(cp, ['get', 'pods', '-n', ns, '-l', 'app=gateway', '-o', 'jsonpath={.items[*].metadata.name}'])).trim().split(' ');
    assert.ok(live.includes(next), `${next} not among ${live.join(', ')}`);
    assert.ok(!live.includes(old), `${old} still exists`);
    // The old pod no longer exists: the apiserver would refuse a forward to it, so this answer
    // came through the new one.
    const r = await get(`${fwd.url}/after-replace`);
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).path, '/after-replace');
  });

  test('stop() closes the listener: the local port refuses connections', async () => {
    assert.ok(fwd);
    const port = fwd.localPort;
    await fwd.stop();
    await assert.rejects(get(`http://127.0.0.1:${port}/`), /ECONNREFUSED/);
    await fwd.stop(); // idempotent
    fwd = undefined;
  });

  test('clear errors: missing Service, ambiguous port, no ready pod, port in use', async () => {
    const connection = connectLive({ kubeconfigPath: cp.kubeconfigPath, context: cp.adminContext });
    await assert.rejects(forwardService(connection, { namespace: ns, service: 'missing' }), /Service kt-pf-\d+\/missing not found/);
    await assert.rejects(forwardService(connection, { namespace: ns, service: 'gateway' }), /has several ports \(80 \(web\), 9090 \(metrics\)\)/);
    await assert.rejects(forwardService(connection, { namespace: ns, service: 'gateway', port: 1234 }), /has no port 1234/);
    await assert.rejects(forwardService(connection, { namespace: ns, service: 'nobody' }), /no ready pod behind it \(selector app=nobody; no pods\)/);
    const blocker = net.createServer();
    const busy = await new Promise<number>((r) => blocker.listen(0, '127.0.0.1', () => r((blocker.address() as net.AddressInfo).port)));
    try {
      await assert.rejects(forwardService(connection, { namespace: ns, service: 'gateway', port: 80, localPort: busy }), /local port \d+ is already in use/);
    } finally {
      blocker.close();
    }
  });

  test('kube-topology port-forward prints the URL and forwards until stopped', async () => {
    const port = await freePort();
    let out = '';
    let err = '';
    const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: process.cwd(), isTTY: false, readStdin: () => Promise.resolve('') };
    const prev = process.env.KUBECONFIG;
    process.env.KUBECONFIG = cp.kubeconfigPath;
    const stop = new AbortController();
    const running = runPortForward(['--context', cp.adminContext, '--namespace', ns, 'gateway:80', '--local-port', String(port)], io, { signal: stop.signal });
    try {
      await eventually(
        'the URL on stdout',
        () => out.includes(`http://127.0.0.1:${port}`),
        30_000,
        () => out + err,
      );
      const r = await get(`http://127.0.0.1:${port}/cli`);
      assert.equal(JSON.parse(r.body).path, '/cli');
    } finally {
      stop.abort(); // what Ctrl-C does (a real SIGINT would also stop this test's control plane)
      if (prev === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = prev;
    }
    assert.equal(await running, 0, err);
    assert.match(out, /Forwarding http:\/\/127\.0\.0\.1:\d+ → Service kt-pf-\d+\/gateway port 80 \(pod gateway-[a-z0-9-]+, port 9696\)/);
    await assert.rejects(get(`http://127.0.0.1:${port}/`), /ECONNREFUSED/);
  });
});
