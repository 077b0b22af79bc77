/**
 * The cluster layer against a HOSTILE FAKE API SERVER (hostileServer.ts) — only for faults a real
 * kube-apiserver cannot be made to produce: bodies that never end, sockets that never answer,
 * endless discovery and watch lines, discovery that names "../" resources, objects whose fields
 * have the wrong types, messages that echo credentials or carry terminal escapes. Each test says
 * what was refused or bounded, and checks with the server's own record that nothing else was sent.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import type { Resource } from '../../../src/core/parse/manifestParser';
import { openCluster, prepareApply, deleteResources, ClusterError, BODY_LIMITS } from '../../../src/core/cluster';
import { readLiveState } from '../../../src/core/cluster/liveState';
import { forwardService } from '../../../src/core/cluster/portForward';
import { literalPath } from '../../../src/core/cluster/requestPath';
import { runCliProcess as runCli, strings } from '../../cluster/processHelpers';
import { coreDiscovery, drip, endless, hostileKubeconfig, json, silent, startHostileServer, version, type HostileServer } from './hostileServer';

function resourcesOf(text: string, file = '/hostile/app.yaml'): Resource[] {
  const index = new WorkspaceIndex();
  index.setFile(file, text, { explicit: true });
  return index.resources();
}

const CONFIGMAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  mode: fast\n';

describe('a hostile API server (a fake: faults a real server cannot produce)', { timeout: 120_000 }, () => {
  const servers: HostileServer[] = [];
  const start = async (...args: Parameters<typeof startHostileServer>) => {
    const s = await startHostileServer(...args);
    servers.push(s);
    return s;
  };
  after(async () => {
    for (const s of servers) await s.close();
  });

  test('an endless /version is cut at 64 KiB; the probe says so instead of growing without end', async () => {
    const streamed = { bytes: 0 };
    const s = await start({ '/version': endless('{"gitVersion":"v1.36.3","padding":"' + 'x'.repeat(4096), streamed) });
    const client = openCluster(undefined, { kubeconfig: hostileKubeconfig(s.url) });
    const r = await client.probe();
    client.close();
    assert.equal(r.errorKind, 'too-large');
    assert.equal(r.error, 'the answer to GET /version is larger than 64 KiB; gave up reading it');
    // What the server managed to push before the client closed the stream: socket buffers, not the endless body.
    process.stderr.write(`# endless /version: the server wrote ${(streamed.bytes / 1024).toFixed(0)} KiB before the client stopped reading\n`);
    assert.ok(streamed.bytes < 64 * 1024 * 1024, `${streamed.bytes} bytes streamed`);
  });

  test('a redirect is not followed: the other server never hears from us', async () => {
    const elsewhere = await start({ '/version': version });
    const s = await start({
      '/version': (_req, res) => {
        res.writeHead(302, { location: `${elsewhere.url}/version` });
        res.end();
      },
    });
    const client = openCluster(undefined, { kubeconfig: hostileKubeconfig(s.url) });
    const r = await client.probe();
    client.close();
    assert.equal(r.errorKind, 'http');
    assert.equal(r.error, `${s.url}: HTTP 302`);
    assert.deepEqual(elsewhere.received, []);
  });

  test('a body that trickles forever and a socket that never answers both end at the deadline, with the server named', async () => {
    const s = await start({ '/version': drip(50), '/api/v1': silent });
    const client = openCluster(undefined, { kubeconfig: hostileKubeconfig(s.url), timeoutMs: 1000 });
    const trickle = await client.probe();
    assert.equal(trickle.errorKind, 'timeout');
    assert.equal(trickle.error, `no answer from ${s.url} within 1 s (GET /version) — is the cluster running?`);
    await assert.rejects(
      client.request({ method: 'GET', path: literalPath('/api/v1') }),
      (e: unknown) =>
        e instanceof ClusterError && e.kind === 'timeout' && e.message === `no answer from ${s.url} within 1 s (GET /api/v1) — is the cluster running?`,
    );
    client.close();
  });

  test('endless discovery is refused once (not once per resource), and nothing else is sent', async () => {
    const s = await start({
      '/version': version,
      '/api/v1': endless('{"name":"configmaps","kind":"ConfigMap","namespaced":true,"verbs":[]},', undefined, '{"resources":['),
    });
    const client = openCluster(undefined, { kubeconfig: hostileKubeconfig(s.url), timeoutMs: 20_000 });
    const many = resourcesOf(Array.from({ length: 5 }, (_, i) => CONFIGMAP.replace('settings', `cm-${i}`)).join('---\n'));
    const plan = (await prepareApply(client, many)).plan;
    client.close();
    assert.equal(plan.summary.error, 5);
    for (const p of plan.resources) {
      assert.equal(p.findings[0].code, 'apply-failed');
      assert.match(p.findings[0].message, /the answer to GET \/api\/v1 is larger than 16 MiB; gave up reading it/);
    }
    assert.deepEqual(
      s.received.map((r) => `${r.method} ${r.url}`),
      ['GET /api/v1'],
    );
  });

  test('discovery that names a "../" resource: nothing is sent for that kind, on apply or delete', async () => {
    const s = await start({ '/version': version, '/api/v1': coreDiscovery([{ name: '../../namespaces/default', kind: 'ConfigMap' }]) });
    const client = openCluster(undefined, { kubeconfig: hostileKubeconfig(s.url) });
    const resources = resourcesOf(CONFIGMAP);
    const plan = (await prepareApply(client, resources)).plan;
    const deleted = await deleteResources(client, resources, { wait: false });
    client.close();
    for (const f of [plan.resources[0].findings[0], deleted.outcomes[0].findings[0]]) {
      assert.equal(f.code, 'apply-invalid-object');
      assert.match(
        f.message,
        /the server's discovery of v1 gives ConfigMap a resource name that is not valid .*"\.\.\/\.\.\/namespaces\/default".*nothing was sent for it/,
      );
      assert.equal(f.range.start.line, 1, 'on the kind');
    }
    assert.ok(
      s.received.every((r) => r.method === 'GET' && r.url === '/api/v1'),
      s.received.map((r) => `${r.method} ${r.url}`).join(', '),
    );
  });

  test('an endless answer to the dry-run is cut at 16 MiB and reported on that resource', async () => {
    const s = await start({
      '/version': version,
      '/api/v1': coreDiscovery([{ name: 'configmaps', kind: 'ConfigMap' }]),
      '/api/v1/namespaces/default/configmaps/settings': endless('{"kind":"ConfigMap","data":{"k":"' + 'v'.repeat(8192)),
    });
    const client = openCluster(undefined, { kubeconfig: hostileKubeconfig(s.url), timeoutMs: 30_000 });
    const plan = (await prepareApply(client, resourcesOf(CONFIGMAP))).plan;
    client.close();
    assert.equal(plan.resources[0].action, 'error');
    assert.equal(plan.resources[0].findings[0].code, 'apply-failed');
    assert.match(plan.resources[0].findings[0].message, /PATCH \/api\/v1\/namespaces\/default\/configmaps\/settings is larger than 16 MiB/);
    assert.equal(BODY_LIMITS.object, 16 * 1024 * 1024);
  });

  test('a watch event without an end of line is cut at the event ceiling', async () => {
    const s = await start({ '/api/v1/namespaces/default/pods': endless('a'.repeat(65536), undefined, '{"type":"ADDED","object":{"metadata":{"name":"') });
    const client = openCluster(undefined, { kubeconfig: hostileKubeconfig(s.url) });
    let events = 0;
    await assert.rejects(
      client.watch(literalPath('/api/v1/namespaces/default/pods'), () => events++),
      (e: unknown) =>
        e instanceof ClusterError && e.kind === 'too-large' && /an event of watch \/api\/v1\/namespaces\/default\/pods is larger than 16 MiB/.test(e.message),
    );
    client.close();
    assert.equal(events, 0);
    assert.match(s.received[0].url, /^\/api\/v1\/namespaces\/default\/pods\?watch=true$/);
  });

  describe('credentials and Secret values echoed back', () => {
    const TOKEN = 'kt-hostile-token-0123456789';
    // Non-ASCII, a quote, a newline and <>& — every escape an encoder might apply.
    const SECRET = 'pä"ss\nword<&>-kt-7f3a';
    const DECODED = 'decoded-secret-kt-91c2';
    const forms = (v: string) => [
      v,
      JSON.stringify(v).slice(1, -1),
      JSON.stringify(v)
        .slice(1, -1)
        .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      JSON.stringify(v)
        .slice(1, -1)
        .replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`),
      Buffer.from(v).toString('base64'),
    ];
    const echo = [...forms(SECRET), ...forms(DECODED), ...forms(TOKEN)].join(' | ');
    const secretYaml = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: default\nstringData:\n  password: ${JSON.stringify(SECRET)}\ndata:\n  other: ${Buffer.from(DECODED).toString('base64')}\n`;
    let s: HostileServer;
    let kubeconfig: string;
    let dir: string;

    before(async () => {
      s = await start({
        '/version': version,
        '/api/v1': coreDiscovery([
          { name: 'secrets', kind: 'Secret' },
          { name: 'configmaps', kind: 'ConfigMap' },
        ]),
        // An admission webhook (as a fake could) that denies with everything it was sent, every way it could be written.
        '/api/v1/namespaces/default/secrets/creds': (_req, res) =>
          json(res, 422, {
            kind: 'Status',
            status: 'Failure',
            reason: 'Invalid',
            code: 422,
            message: `admission webhook "echo.example.com" denied the request: ${echo}`,
            details: { causes: [{ field: 'stringData[password]', message: `Invalid value: ${echo}` }] },
          }),
        // A proxy that quotes the Authorization header, with terminal escapes in the text.
        '/api/v1/namespaces/default/configmaps/settings': (req, res) =>
          json(res, 401, {
            kind: 'Status',
            code: 401,
            message: `\u001b]0;pwned\u0007\u001b[2J\u001b[31minvalid ${String(req.headers.authorization)} (${Buffer.from(TOKEN).toString('base64')})`,
          }),
      });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-echo-'));
      kubeconfig = hostileKubeconfig(s.url, { dir });
      fs.writeFileSync(path.join(dir, 'secret.yaml'), secretYaml);
      fs.writeFileSync(path.join(dir, 'settings.yaml'), CONFIGMAP);
    });

    const assertClean = (text: string, where: string) => {
      for (const f of [...forms(SECRET), ...forms(DECODED), ...forms(TOKEN)]) assert.ok(!text.includes(f), `${where} shows ${JSON.stringify(f)}:\n${text}`);
    };

    test('the engine: findings keep the field and the words, never a value in any form', async () => {
      const client = openCluster(undefined, { kubeconfig });
      const plan = (await prepareApply(client, resourcesOf(secretYaml + '---\n' + CONFIGMAP))).plan;
      client.close();
      const [secret, settings] = plan.resources;
      assert.equal(secret.findings[0].code, 'apply-rejected');
      assert.match(secret.findings[0].message, /^the server rejected Secret "creds": stringData\[password\]: Invalid value: \*\*\* \| \*\*\*/);
      assert.equal(settings.findings[0].code, 'apply-forbidden');
      assert.match(settings.findings[0].message, /invalid Bearer \*\*\* \(\*\*\*\)/);
      assertClean(strings(plan), 'the plan');
    });

    test('the CLI: text output escapes terminal control characters; JSON output shows no value either', async () => {
      const env = { ...process.env, KUBECONFIG: kubeconfig };
      const text = await runCli(['apply', '--skip-validation', '--no-wait', '--dry-run', '.'], env, dir);
      assert.equal(text.code, 1, text.stderr);
      assertClean(text.stdout + text.stderr, 'text output');
      assert.ok(
        !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text.stdout + text.stderr),
        `a control character reached the terminal:\n${JSON.stringify(text.stdout)}`,
      );
      assert.match(text.stdout, /\\x1b\]0;pwned\\x07\\x1b\[2J/);
      const out = await runCli(['apply', '--skip-validation', '--no-wait', '--dry-run', '-o', 'json', '.'], env, dir);
      assertClean(strings(JSON.parse(out.stdout)) + out.stdout + out.stderr, 'JSON output');
      const report = JSON.parse(out.stdout) as { findings: Array<{ code: string }> };
      assert.deepEqual(report.findings.map((f) => f.code).sort(), ['apply-forbidden', 'apply-rejected']);
    });
  });

  test('objects whose fields have the wrong types: the live state reads what it can and never throws', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default', resourceVersion: '5' },
      spec: { replicas: '3', selector: { matchLabels: { app: 'web' }, matchExpressions: 'all' } },
      status: { readyReplicas: {}, conditions: 'Available' },
    };
    const pods = [
      { metadata: { name: 42, namespace: 'default' } },
      {
        metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web' } },
        status: {
          phase: 7,
          conditions: [null, 'x', { type: 'Ready', status: true }],
          containerStatuses: [{ restartCount: '9', state: { waiting: { reason: 7 } } }],
        },
      },
      { metadata: { name: 'web-2', namespace: 'default', labels: { app: 'web' }, resourceVersion: 3 } },
    ];
    const list = (items: unknown[]) => (_req: unknown, res: import('node:http').ServerResponse) =>
      json(res, 200, { kind: 'List', metadata: { resourceVersion: '9' }, items });
    const s = await start({}, (req, res) => {
      const url = req.url ?? '';
      if (url.includes('watch=true'))
        json(res, 200, {}); // one non-event line, then the stream ends
      else if (url.startsWith('/apis/apps/v1/namespaces/default/deployments')) list([deployment, 'garbage', { metadata: {} }])(req, res);
      else if (url.startsWith('/api/v1/namespaces/default/pods')) list(pods)(req, res);
      else json(res, 404, { kind: 'Status', code: 404 });
    });
    const client = openCluster(undefined, { kubeconfig: hostileKubeconfig(s.url) });
    const snapshot = await readLiveState(client, [{ kind: 'Deployment', namespace: 'default', name: 'web' }], { timeoutMs: 20_000 });
    client.close();
    assert.equal(snapshot.error, undefined);
    assert.deepEqual(snapshot.nodes['Deployment/default/web'], {
      exists: true,
      desiredReplicas: 1,
      readyReplicas: 0,
      pods: [
        { name: 'web-1', phase: 'Unknown', ready: false },
        // web-2 has a resourceVersion that is not a string: never cached.
      ],
    });
  });

  test('ready pods whose names are not pod names are never port-forwarded to', async () => {
    const s = await start({
      '/api/v1/namespaces/default/services/gateway': (_req, res) =>
        json(res, 200, { kind: 'Service', metadata: { name: 'gateway' }, spec: { selector: { app: 'gw' }, ports: [{ port: 80, targetPort: 9696 }] } }),
      '/api/v1/namespaces/default/pods': (req, res) => {
        if ((req.url ?? '').includes('watch=true')) {
          res.end();
          return;
        }
        const ready = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
        json(res, 200, {
          kind: 'PodList',
          metadata: { resourceVersion: '1' },
          items: ['../../nodes/x', 'a/b', '..'].map((name) => ({ metadata: { name, namespace: 'default', labels: { app: 'gw' } }, status: ready })),
        });
      },
    });
    const client = openCluster(undefined, { kubeconfig: hostileKubeconfig(s.url) });
    await assert.rejects(
      forwardService(client, { service: 'gateway' }),
      /cannot port-forward to Service default\/gateway: the server lists ready pods whose names are not pod names; not used/,
    );
    await assert.rejects(
      forwardService(client, { service: '../..' }),
      /cannot port-forward to Service "default\/\.\.\/\.\.": metadata\.name of Service "\.\.\/\.\." is not valid/,
    );
    client.close();
    assert.ok(!s.received.some((r) => /portforward|\.\./.test(r.url)), s.received.map((r) => r.url).join(', '));
  });

  test("the server URL's user:password@ and ?token= are never sent and never shown; no path follows a query string", async () => {
    const s = await start({ '/version': version, '/api/v1': (_req, res) => json(res, 500, { message: 'boom' }) });
    const kubeconfig = hostileKubeconfig(s.url.replace('http://', 'http://admin:pa55word-kt@') + '/?token=leak-kt-123#frag');
    const client = openCluster(undefined, { kubeconfig });
    const probe = await client.probe();
    assert.equal(probe.version, 'v1.36.3');
    await assert.rejects(
      client.resourceFor('v1', 'ConfigMap'),
      (e: Error) => !/pa55word|leak-kt/.test(e.message) && /discovery of v1: boom \(HTTP 500\)/.test(e.message),
    );
    client.close();
    assert.deepEqual(
      s.received.map((r) => r.url),
      ['/version', '/api/v1'],
    );
    for (const r of s.received) assert.ok(!/Basic/.test(String(r.headers.authorization)), 'user:password@ sent as basic auth');
    assert.equal(client.server, s.url);
  });
});
