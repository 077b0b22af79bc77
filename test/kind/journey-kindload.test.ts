/**
 * The kind part of the journey, for real: `kube-topology kind-load` puts locally built stand-in
 * images into a kind node (seen with crictl inside the node), the gateway + model topology runs on
 * them, the live state shows it (and the LoadBalancer pending with the kind hint, and the `:latest`
 * trap's pull error), and a port-forward to the gateway Service returns the model's answer, which
 * travelled gateway → model Service DNS → model pod. One cluster for the whole file.
 * Needs `sudo -E test/kind/prepare.sh` first; see test/kind/README.md.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildGatewayAndModelImages, createKindCluster, kindBinary, kindTestBedProblem, MODEL_ANSWER, runOk, type KindCluster } from './kindCluster';
import { runCli } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/cliIo';
import { connectLive } from '../../src/core/cluster/liveConnection';
import { readLiveState, watchLiveState, KIND_HINT, type LiveTarget } from '../../src/core/cluster/liveState';
import { forwardService } from '../../src/core/cluster/portForward';
import type { LiveSnapshot } from '../../src/core/cluster/liveTypes';

const log = (line: string): void => console.log(`  [kind] ${line}`);
const problem = kindTestBedProblem();
if (problem) throw new Error(`kind test bed not ready: ${problem}`);

const ns = `kt-journey-${randomBytes(3).toString('hex')}`;
// Tags of this file's own, so other tests' images with the usual tags do not matter.
const TAGS = { gateway: 'kt-gateway:kindload', model: 'kt-model:kindload' };
const MISSING_IMAGE = `kt-never-built:${randomBytes(3).toString('hex')}`;

let cluster: KindCluster | undefined;
let dir: string;

before(
  async () => {
    let t = Date.now();
    await buildGatewayAndModelImages(TAGS);
    log(`stand-in images built in ${Date.now() - t} ms`);
    t = Date.now();
    cluster = await createKindCluster({ log });
    log(`cluster ${cluster.name} ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-journey-'));
    fs.writeFileSync(path.join(dir, 'app.yaml'), appManifests());
    fs.writeFileSync(path.join(dir, 'extra.yaml'), extraManifests());
  },
  { timeout: 600_000 },
);

after(
  async () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    if (!cluster) return;
    if (cluster.reused) await cluster.kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']).catch(() => undefined);
    await cluster.delete();
  },
  { timeout: 180_000 },
);

function appManifests(): string {
  return `apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: model, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: model}}
  template:
    metadata: {labels: {app: model}}
    spec:
      containers:
      - name: model
        image: ${TAGS.model}
        imagePullPolicy: IfNotPresent
        ports: [{containerPort: 8500}]
        readinessProbe: {httpGet: {path: /, port: 8500}, periodSeconds: 2}
---
apiVersion: v1
kind: Service
metadata: {name: model, namespace: ${ns}}
spec: {selector: {app: model}, ports: [{port: 8500, targetPort: 8500}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: gateway, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: gateway}}
  template:
    metadata: {labels: {app: gateway}}
    spec:
      containers:
      - name: gateway
        image: ${TAGS.gateway}
        imagePullPolicy: IfNotPresent
        env: [{name: TF_SERVING_HOST, value: "model.${ns}.svc.cluster.local:8500"}]
        ports: [{name: http, containerPort: 9696}]
        readinessProbe: {tcpSocket: {port: 9696}, periodSeconds: 2}
---
apiVersion: v1
kind: Service
metadata: {name: gateway, namespace: ${ns}}
spec:
  type: LoadBalancer
  selector: {app: gateway}
  ports: [{port: 80, targetPort: http}]
`;
}

/** Never applied: a workload whose image was never built, which kind-load must call missing. */
function extraManifests(): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: never-built, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: never-built}}
  template:
    metadata: {labels: {app: never-built}}
    spec:
      containers: [{name: x, image: ${MISSING_IMAGE}}]
`;
}

function memoryIo(cwd: string): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', cwd, isTTY: false, readStdin: async () => '' } as CliIo & { out: string; err: string };
  io.stdout = (t) => (io.out += t);
  io.stderr = (t) => (io.err += t);
  return io;
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${url}: no answer in 30 s`)));
  });
}

async function crictlImages(c: KindCluster): Promise<string> {
  return runOk('docker', ['exec', `${c.name}-control-plane`, 'crictl', 'images']);
}

test('kind-load lists the images, says which are missing locally, loads the present ones into the node', { timeout: 300_000 }, async () => {
  assert.ok(cluster);
  const before = await crictlImages(cluster);
  assert.doesNotMatch(before, /kindload/, 'a fresh node already has the stand-ins?');
  const prev = process.env.KUBE_TOPOLOGY_KIND;
  process.env.KUBE_TOPOLOGY_KIND = kindBinary();
  const io = memoryIo(dir);
  let code: number;
  const t = Date.now();
  try {
    code = await runCli(['kind-load', '--cluster', cluster.name, 'app.yaml', 'extra.yaml'], io);
  } finally {
    if (prev === undefined) delete process.env.KUBE_TOPOLOGY_KIND;
    else process.env.KUBE_TOPOLOGY_KIND = prev;
  }
  log(`kind-load of 2 images took ${Date.now() - t} ms`);
  assert.equal(code, 1, `a missing image makes the exit status 1\n${io.out}${io.err}`);
  assert.match(io.out, new RegExp(`present  ${TAGS.model}  — Deployment model`));
  assert.match(io.out, new RegExp(`present  ${TAGS.gateway}  — Deployment gateway`));
  assert.match(io.out, new RegExp(`missing  ${MISSING_IMAGE}  — Deployment never-built`));
  assert.match(io.out, new RegExp(`\\[1/2\\] loading ${TAGS.model} into kind cluster ${cluster.name}`));
  assert.match(io.out, new RegExp(`Loaded into kind cluster ${cluster.name}: ${TAGS.model}, ${TAGS.gateway}\\n`));
  const inNode = await crictlImages(cluster);
  assert.match(inNode, /docker\.io\/library\/kt-gateway\s+kindload/);
  assert.match(inNode, /docker\.io\/library\/kt-model\s+kindload/);
  assert.doesNotMatch(inNode, /kt-never-built/);
});

test('kind-load names a cluster that does not exist, with the ones that do', { timeout: 120_000 }, async () => {
  assert.ok(cluster);
  const prev = process.env.KUBE_TOPOLOGY_KIND;
  process.env.KUBE_TOPOLOGY_KIND = kindBinary();
  const io = memoryIo(dir);
  try {
    assert.equal(await runCli(['kind-load', '--cluster', 'kt-no-such-cluster', 'app.yaml'], io), 2);
  } finally {
    if (prev === undefined) delete process.env.KUBE_TOPOLOGY_KIND;
    else process.env.KUBE_TOPOLOGY_KIND = prev;
  }
  assert.match(io.err, new RegExp(`kind cluster "kt-no-such-cluster" not found \\(kind get clusters: .*${cluster.name}`));
});

test('with the images loaded, the topology runs; the live state shows it and the LoadBalancer pending with the kind hint', { timeout: 300_000 }, async () => {
  assert.ok(cluster);
  await cluster.kubectl(['apply', '-f', path.join(dir, 'app.yaml')]);
  await cluster.kubectl(['rollout', 'status', '-n', ns, 'deployment/model', 'deployment/gateway', '--timeout=180s']);
  const connection = connectLive({ kubeconfigPath: cluster.kubeconfigPath, context: cluster.context });
  const targets: LiveTarget[] = [
    { kind: 'Deployment', namespace: ns, name: 'model' },
    { kind: 'Deployment', namespace: ns, name: 'gateway' },
    { kind: 'Service', namespace: ns, name: 'gateway' },
  ];
  const s = await readLiveState(connection, targets);
  assert.equal(s.error, undefined);
  for (const name of ['model', 'gateway']) {
    const d = s.nodes[`Deployment/${ns}/${name}`];
    assert.equal(d.readyReplicas, 1, name);
    assert.equal(d.pods?.length, 1, name);
    assert.equal(d.pods?.[0].phase, 'Running');
    assert.equal(d.pods?.[0].ready, true);
  }
  const svc = s.nodes[`Service/${ns}/gateway`];
  assert.equal(svc.endpoints, 1);
  assert.deepEqual(svc.loadBalancer, { pending: true, hint: KIND_HINT });
});

test('port-forward to the gateway Service returns the model answer that came through Service DNS', { timeout: 120_000 }, async () => {
  assert.ok(cluster);
  const connection = connectLive({ kubeconfigPath: cluster.kubeconfigPath, context: cluster.context });
  const fwd = await forwardService(connection, { namespace: ns, service: 'gateway', port: 80 });
  try {
    assert.equal(fwd.targetPort, 9696);
    const r = await get(`${fwd.url}/cgi-bin/predict`);
    assert.equal(r.status, 200, r.body);
    const body = JSON.parse(r.body);
    assert.equal(body.gateway, 'kt-gateway');
    assert.equal(body.model_host, `model.${ns}.svc.cluster.local:8500`);
    assert.deepEqual(body.model_answer, MODEL_ANSWER);
  } finally {
    await fwd.stop();
  }
});

test('the :latest trap: an image never loaded shows ErrImagePull/ImagePullBackOff with the image on the pod dot', { timeout: 180_000 }, async () => {
  assert.ok(cluster);
  // Built locally but never loaded, with :latest and no pull policy: the kubelet tries a registry.
  await cluster.kubectl(['create', 'deployment', 'trap', '-n', ns, '--image=kt-model:latest']);
  const connection = connectLive({ kubeconfigPath: cluster.kubeconfigPath, context: cluster.context });
  const id = `Deployment/${ns}/trap`;
  const seen: LiveSnapshot[] = [];
  const w = watchLiveState(connection, [{ kind: 'Deployment', namespace: ns, name: 'trap' }], (s) => seen.push(s));
  try {
    const deadline = Date.now() + 150_000;
    let pod;
    while (!pod && Date.now() < deadline) {
      pod = seen[seen.length - 1]?.nodes[id]?.pods?.find((p) => p.reason === 'ErrImagePull' || p.reason === 'ImagePullBackOff');
      if (!pod) await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(pod, `no pull error seen; last: ${JSON.stringify(seen[seen.length - 1])}`);
    assert.equal(pod.ready, false);
    assert.match(pod.message ?? '', /kt-model:latest/);
  } finally {
    w.dispose();
  }
});
