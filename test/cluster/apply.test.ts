/**
 * The apply engine, rollout status, delete and the `apply`/`delete` CLI against the real local
 * control plane (test/cluster/controlPlane.ts: etcd, kube-apiserver, controller-manager,
 * scheduler, kwok). One control plane for the whole file; each test works in its own namespace.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startControlPlane, freePorts, type ControlPlane } from './controlPlane';
import { runCliProcess, cliPath } from './processHelpers';
import { WorkspaceIndex } from '../../src/core/index/workspaceIndex';
import type { Resource } from '../../src/core/parse/manifestParser';
import { openCluster, prepareApply, deleteResources, loadKubeconfig, applyTier, type ApplyProgress, type ClusterClient } from '../../src/core/cluster';
import { literalPath } from '../../src/core/cluster/requestPath';
import { stringAt } from '../../src/core/cluster/serverObject';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const examples = path.join(repoRoot, 'examples', 'zoomcamp');
const runCli = (args: string[], env: NodeJS.ProcessEnv, cwd = repoRoot) => runCliProcess(args, env, cwd);

/** Parses every YAML file of a folder (or the given texts) into resources, as the CLI does. */
function resourcesOf(files: Record<string, string>): Resource[] {
  const index = new WorkspaceIndex();
  for (const [file, text] of Object.entries(files)) index.setFile(file, text, { explicit: true });
  return index.resources();
}

function readFolder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) if (/\.ya?ml$/.test(name)) out[path.join(dir, name)] = fs.readFileSync(path.join(dir, name), 'utf8');
  return out;
}

/** A temp folder holding the given files; returns its path. */
function writeFolder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-apply-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** 0-based line of the first line containing `needle` in `text`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `"${needle}" not in text`);
  return i;
}

function namespaceYaml(name: string): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
}

describe('apply engine against a real API server', { timeout: 600_000 }, () => {
  let cp: ControlPlane;
  let admin: ClusterClient;

  const get = async (apiPath: string) => admin.request({ method: 'GET', path: literalPath(apiPath) });

  before(async () => {
    const t = Date.now();
    // No metrics-server: an unavailable aggregated API would hold up namespace deletion.
    cp = await startControlPlane({ metricsServer: false });
    process.stderr.write(`# control plane ${cp.external ? 'reused' : 'started'} in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
    admin = openCluster(cp.adminContext, { kubeconfig: cp.kubeconfigPath });
  });

  after(async () => {
    admin?.close();
    await cp?.stop();
  });

  describe('the gateway + model topology', () => {
    const ns = 'kt-topology';
    const files = (): Record<string, string> => ({ ...readFolder(examples), [path.join(examples, '00-namespace.yaml')]: namespaceYaml(ns) });

    test('applying it creates every resource in dependency order and both Deployments become available', async () => {
      const resources = resourcesOf(files());
      assert.equal(resources.length, 7);
      const events: ApplyProgress[] = [];
      const session = await prepareApply(admin, resources, { namespace: ns, onProgress: (e) => events.push(e) });
      assert.deepEqual(session.plan.summary, { create: 7, update: 0, unchanged: 0, error: 0 });
      assert.deepEqual(session.plan.findings, []);

      const result = await session.apply({ rolloutTimeoutMs: 90_000, onProgress: (e) => events.push(e) });
      assert.deepEqual(result.findings, []);
      for (const o of result.outcomes) assert.deepEqual([o.ref.kind, o.ref.name, o.status, o.action], [o.ref.kind, o.ref.name, 'applied', 'create']);
      const appliedOrder = events.filter((e): e is Extract<ApplyProgress, { type: 'applied' }> => e.type === 'applied').map((e) => e.outcome.ref.kind);
      const tiers = appliedOrder.map((k) => applyTier(k));
      assert.deepEqual(
        tiers,
        [...tiers].sort((a, b) => a - b),
        `applied out of order: ${appliedOrder.join(', ')}`,
      );
      assert.equal(appliedOrder[0], 'Namespace');

      assert.deepEqual(result.rollouts.map((r) => [r.ref.name, r.status]).sort(), [
        ['gateway', 'available'],
        ['tf-serving-clothing-model', 'available'],
      ]);
      const gateway = (await get(`/apis/apps/v1/namespaces/${ns}/deployments/gateway`)).body as {
        status: { availableReplicas: number };
        metadata: { managedFields: Array<{ manager: string; operation: string }> };
      };
      assert.equal(gateway.status.availableReplicas, 1);
      assert.ok(
        gateway.metadata.managedFields.some((m) => m.manager === 'kube-topology' && m.operation === 'Apply'),
        'not applied by field manager kube-topology',
      );
      const pods = (await get(`/api/v1/namespaces/${ns}/pods`)).body as { items: Array<{ status: { phase: string } }> };
      assert.equal(pods.items.length, 2);
      for (const p of pods.items) assert.equal(p.status.phase, 'Running');
    });

    test('re-applying the same files reports every resource unchanged and writes nothing', async () => {
      const before = (await get(`/apis/apps/v1/namespaces/${ns}/deployments/gateway`)).body as { metadata: { resourceVersion: string } };
      const session = await prepareApply(admin, resourcesOf(files()), { namespace: ns });
      assert.deepEqual(session.plan.summary, { create: 0, update: 0, unchanged: 7, error: 0 });
      const result = await session.apply({ wait: false });
      assert.deepEqual(
        result.outcomes.map((o) => o.status),
        Array(7).fill('unchanged'),
      );
      const afterApply = (await get(`/apis/apps/v1/namespaces/${ns}/deployments/gateway`)).body as { metadata: { resourceVersion: string } };
      assert.equal(afterApply.metadata.resourceVersion, before.metadata.resourceVersion);
    });

    test('a changed replica count shows in the diff of that Deployment only', async () => {
      const changed = files();
      const modelFile = path.join(examples, 'model-deployment.yaml');
      changed[modelFile] = changed[modelFile].replace('spec:\n  selector:', 'spec:\n  replicas: 3\n  selector:');
      const plan = (await prepareApply(admin, resourcesOf(changed), { namespace: ns })).plan;
      assert.deepEqual(plan.summary, { create: 0, update: 1, unchanged: 6, error: 0 });
      const model = plan.resources.find((p) => p.action === 'update');
      assert.equal(model?.ref.name, 'tf-serving-clothing-model');
      assert.match(model?.diff?.unified ?? '', /^- {2}replicas: 1$/m);
      assert.match(model?.diff?.unified ?? '', /^\+ {2}replicas: 3$/m);
      assert.match(model?.diff?.live ?? '', /replicas: 1/);
      assert.match(model?.diff?.intended ?? '', /replicas: 3/);
      assert.doesNotMatch(model?.diff?.unified ?? '', /managedFields|resourceVersion|creationTimestamp/);
    });

    test('delete removes everything in reverse order, and a second delete reports it already gone', async () => {
      const resources = resourcesOf(files());
      const order: string[] = [];
      const result = await deleteResources(admin, resources, { namespace: ns, onProgress: (e) => e.type === 'deleted' && order.push(e.outcome.ref.kind) });
      assert.deepEqual(result.findings, []);
      assert.deepEqual(
        result.outcomes.map((o) => o.status),
        Array(7).fill('deleted'),
      );
      assert.equal(order[0], 'Ingress');
      assert.equal(order[order.length - 1], 'Namespace');
      assert.equal((await get(`/api/v1/namespaces/${ns}`)).status, 404);
      assert.equal((await get(`/apis/apps/v1/namespaces/${ns}/deployments/gateway`)).status, 404);

      const again = await deleteResources(admin, resources, { namespace: ns });
      assert.deepEqual(
        again.outcomes.map((o) => o.status),
        Array(7).fill('not-found'),
      );
    });
  });

  test('a resource the server rejects is reported at its file and line while the others are applied', async () => {
    const ns = 'kt-rejected';
    const deployment = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      'spec:',
      '  selector:',
      '    matchLabels: {app: web}',
      '  strategy:',
      '    type: RollingUpdate',
      '    rollingUpdate:',
      '      maxSurge: 0',
      '      maxUnavailable: 0',
      '  template:',
      '    metadata:',
      '      labels: {app: web}',
      '    spec:',
      '      containers:',
      '        - name: web',
      '          image: registry.k8s.io/pause:3.10',
      '',
    ].join('\n');
    const widget = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec: {size: 1}\n';
    const config = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n';
    const files = { '/w/ns.yaml': namespaceYaml(ns), '/w/web.yaml': deployment, '/w/widget.yaml': widget, '/w/config.yaml': config };
    const session = await prepareApply(admin, resourcesOf(files), { namespace: ns });
    const byName = new Map(session.plan.resources.map((p) => [p.ref.name, p]));
    // The namespace does not exist yet, so the Deployment's dry-run waits for it (it is created first).
    assert.equal(byName.get('w')?.action, 'error');
    const widgetFinding = byName.get('w')?.findings[0];
    assert.equal(widgetFinding?.code, 'apply-unknown-kind');
    assert.equal(widgetFinding?.file, '/w/widget.yaml');
    assert.equal(widgetFinding?.range.start.line, lineOf(widget, 'kind: Widget'));
    assert.match(widgetFinding?.message ?? '', /Widget.*example\.com\/v1.*CustomResourceDefinition/);

    const result = await session.apply({ wait: false });
    const outcome = new Map(result.outcomes.map((o) => [o.ref.name, o]));
    assert.equal(outcome.get(ns)?.status, 'applied');
    assert.equal(outcome.get('settings')?.status, 'applied');
    assert.equal(outcome.get('w')?.status, 'failed');
    assert.equal(outcome.get('web')?.status, 'failed');
    const rejected = outcome.get('web')?.findings ?? [];
    assert.equal(rejected[0]?.code, 'apply-rejected');
    assert.equal(rejected[0]?.file, '/w/web.yaml');
    assert.equal(rejected[0]?.range.start.line, lineOf(deployment, 'maxUnavailable: 0'));
    assert.match(rejected[0]?.message ?? '', /spec\.strategy\.rollingUpdate\.maxUnavailable.*may not be 0/);
    assert.equal((await get(`/api/v1/namespaces/${ns}/configmaps/settings`)).status, 200);
    assert.equal((await get(`/apis/apps/v1/namespaces/${ns}/deployments/web`)).status, 404);

    // Now that the namespace exists, the dry-run itself reports the rejection on the same line.
    const plan = (await prepareApply(admin, resourcesOf(files), { namespace: ns })).plan;
    const web = plan.resources.find((p) => p.ref.name === 'web');
    assert.equal(web?.action, 'error');
    assert.equal(web?.findings[0]?.range.start.line, lineOf(deployment, 'maxUnavailable: 0'));
  });

  test('a custom resource is applied after the CRD in the same files, once the kind is served', async () => {
    const crd = [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata:',
      '  name: gadgets.kt.example.com',
      'spec:',
      '  group: kt.example.com',
      '  scope: Namespaced',
      '  names: {plural: gadgets, singular: gadget, kind: Gadget}',
      '  versions:',
      '    - name: v1',
      '      served: true',
      '      storage: true',
      '      schema:',
      '        openAPIV3Schema:',
      '          type: object',
      '          properties:',
      '            spec: {type: object, properties: {size: {type: integer}}}',
      '',
    ].join('\n');
    const gadget = 'apiVersion: kt.example.com/v1\nkind: Gadget\nmetadata:\n  name: g1\nspec:\n  size: 3\n';
    const session = await prepareApply(admin, resourcesOf({ '/g/gadget.yaml': gadget, '/g/crd.yaml': crd }), { namespace: 'default' });
    assert.deepEqual(
      session.plan.resources.map((p) => [p.ref.kind, p.action]),
      [
        ['Gadget', 'create'],
        ['CustomResourceDefinition', 'create'],
      ],
    );
    const result = await session.apply({ wait: false });
    assert.deepEqual(result.findings, []);
    assert.deepEqual(
      result.outcomes.map((o) => o.status),
      ['applied', 'applied'],
    );
    const g = await get('/apis/kt.example.com/v1/namespaces/default/gadgets/g1');
    assert.equal((g.body as { spec: { size: number } }).spec.size, 3);
  });

  test('a field-manager conflict names the other manager, and force takes the field over', async () => {
    const ns = 'default';
    const cmPath = `/api/v1/namespaces/${ns}/configmaps/shared`;
    const other = await admin.request({
      method: 'PATCH',
      path: literalPath(cmPath),
      query: { fieldManager: 'other' },
      contentType: 'application/apply-patch+yaml',
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared', namespace: ns }, data: { level: 'low' } },
    });
    assert.equal(other.status, 201);
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  level: high\n  extra: "1"\n';
    const resources = resourcesOf({ '/c/shared.yaml': text });

    const session = await prepareApply(admin, resources, { namespace: ns });
    const planned = session.plan.resources[0];
    assert.equal(planned.action, 'error');
    assert.deepEqual(planned.conflictManagers, ['other']);
    assert.equal(planned.findings[0].code, 'apply-conflict');
    assert.match(planned.findings[0].message, /data\.level.*"other".*force/);
    assert.equal(planned.findings[0].range.start.line, lineOf(text, 'level: high'));

    const refused = await session.apply({ wait: false });
    assert.equal(refused.outcomes[0].status, 'failed');
    assert.equal(((await get(cmPath)).body as { data: Record<string, string> }).data.level, 'low');

    const forced = await session.apply({ wait: false, force: true });
    assert.equal(forced.outcomes[0].status, 'applied');
    const cm = (await get(cmPath)).body as { data: Record<string, string>; metadata: { managedFields: Array<{ manager: string; fieldsV1: unknown }> } };
    assert.equal(cm.data.level, 'high');
    const ours = cm.metadata.managedFields.find((m) => m.manager === 'kube-topology');
    assert.match(JSON.stringify(ours?.fieldsV1), /f:level/);
  });

  test('the restricted context gets a clear forbidden for every resource', async () => {
    assert.ok(cp.restrictedContext);
    const restricted = openCluster(cp.restrictedContext, { kubeconfig: cp.kubeconfigPath });
    try {
      const resources = resourcesOf(readFolder(examples));
      const plan = (await prepareApply(restricted, resources, { namespace: 'default' })).plan;
      assert.equal(plan.summary.error, 6);
      for (const p of plan.resources) {
        assert.equal(p.findings[0]?.code, 'apply-forbidden', `${p.ref.kind}: ${JSON.stringify(p.findings)}`);
        assert.match(p.findings[0].message, /forbidden: User "kt-restricted" cannot (patch|get) resource/);
        assert.equal(p.findings[0].range.start.line, lineOf(fs.readFileSync(p.file, 'utf8'), `name: ${p.ref.name}`));
      }
    } finally {
      restricted.close();
    }
  });

  test('Secret values never appear in the plan, the diff or the result', async () => {
    const ns = 'default';
    const first = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  password: hunter2-first-value\n  user: admin-user-name\n';
    await (await prepareApply(admin, resourcesOf({ '/s/secret.yaml': first }), { namespace: ns })).apply({ wait: false });
    const second = first.replace('hunter2-first-value', 'swordfish-second-value');
    const session = await prepareApply(admin, resourcesOf({ '/s/secret.yaml': second }), { namespace: ns });
    const planned = session.plan.resources[0];
    assert.equal(planned.action, 'update');
    assert.match(planned.diff?.unified ?? '', /^\+ {2}password: "\*\*\* \(changed\)"$/m);
    assert.match(planned.diff?.intended ?? '', /user: "\*\*\*"$/m);
    const result = await session.apply({ wait: false });
    assert.equal(result.outcomes[0].status, 'applied');
    const everything = JSON.stringify({ plan: session.plan, result });
    for (const secret of ['hunter2-first-value', 'swordfish-second-value', 'admin-user-name']) {
      assert.ok(!everything.includes(secret), `${secret} leaked`);
      assert.ok(!everything.includes(Buffer.from(secret).toString('base64')), `${secret} leaked as base64`);
    }
  });

  test("a Deployment that cannot be scheduled is reported with the scheduler's reason when the rollout times out", async () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: stuck',
      'spec:',
      '  selector:',
      '    matchLabels: {app: stuck}',
      '  template:',
      '    metadata:',
      '      labels: {app: stuck}',
      '    spec:',
      '      nodeSelector: {disktype: does-not-exist}',
      '      containers:',
      '        - name: stuck',
      '          image: registry.k8s.io/pause:3.10',
      '',
    ].join('\n');
    const result = await (await prepareApply(admin, resourcesOf({ '/d/stuck.yaml': text }), { namespace: 'default' })).apply({ rolloutTimeoutMs: 6000 });
    assert.equal(result.outcomes[0].status, 'applied');
    const rollout = result.rollouts[0];
    assert.equal(rollout.status, 'timeout');
    assert.match(rollout.message, /0 of 1 updated replicas available|0 of 1 new replicas/);
    assert.ok(
      rollout.pods.some((p) => /Unschedulable/.test(p)),
      `pods: ${rollout.pods.join(' | ')}`,
    );
    const finding = result.findings.find((f) => f.code === 'rollout-timeout');
    assert.equal(finding?.file, '/d/stuck.yaml');
    assert.equal(finding?.range.start.line, lineOf(text, 'name: stuck'));
    assert.match(finding?.message ?? '', /did not become available in time/);
  });

  test('cancelling before the writes skips every one of them and says so', async () => {
    const ns = 'kt-cancelled';
    const files = { '/x/ns.yaml': namespaceYaml(ns), '/x/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: never\ndata: {a: b}\n' };
    const controller = new AbortController();
    const session = await prepareApply(admin, resourcesOf(files), { namespace: ns });
    controller.abort();
    const result = await session.apply({ signal: controller.signal });
    assert.equal(result.cancelled, true);
    assert.deepEqual(
      result.outcomes.map((o) => o.status),
      ['skipped-cancelled', 'skipped-cancelled'],
    );
    assert.equal((await get(`/api/v1/namespaces/${ns}`)).status, 404);
  });

  test('an unreachable server (a closed port) is reported with the server and the reason', async () => {
    const [port] = await freePorts(1);
    const info = loadKubeconfig({ kubeconfig: cp.kubeconfigPath });
    const merged = structuredClone(info.merged);
    merged.clusters[0].cluster = { ...merged.clusters[0].cluster, server: `https://127.0.0.1:${port}` };
    const file = path.join(writeFolder({}), 'closed.yaml');
    fs.writeFileSync(file, JSON.stringify(merged));
    const client = openCluster(cp.adminContext, { kubeconfig: file });
    const t0 = Date.now();
    const probe = await client.probe();
    process.stderr.write(`# unreachable probe answered in ${Date.now() - t0} ms\n`);
    assert.equal(probe.reachable, false);
    assert.equal(probe.error, `cannot reach https://127.0.0.1:${port} (connection refused) — is the cluster running?`);
    const plan = (await prepareApply(client, resourcesOf(readFolder(examples)), { namespace: 'default' })).plan;
    assert.equal(plan.summary.error, 6);
    for (const p of plan.resources) assert.equal(p.findings[0].code, 'apply-unreachable');
    client.close();
  });

  test('an exec credential plugin (a real script) authenticates the connection', async () => {
    const kc = fs.readFileSync(cp.kubeconfigPath, 'utf8');
    const token = /- name: kt-admin\n {2}user:\n {4}token: (\S+)/.exec(kc)?.[1];
    assert.ok(token, 'admin token not found in the kubeconfig');
    const dir = writeFolder({});
    const plugin = path.join(dir, 'credential-plugin.sh');
    fs.writeFileSync(
      plugin,
      `#!/bin/sh\necho "$KT_CALLS" >> "${dir}/calls"\ncat <<EOF\n{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${token}"}}\nEOF\n`,
      { mode: 0o755 },
    );
    const info = loadKubeconfig({ kubeconfig: cp.kubeconfigPath });
    const merged = structuredClone(info.merged);
    merged.users.push({
      name: 'via-plugin',
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: './credential-plugin.sh',
          interactiveMode: 'Never',
          env: [{ name: 'KT_CALLS', value: 'x' }],
        },
      },
    });
    merged.contexts.push({ name: 'plugin-ctx', context: { cluster: merged.clusters[0].name, user: 'via-plugin' } });
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, JSON.stringify(merged));
    const loaded = loadKubeconfig({ kubeconfig: file });
    assert.equal(loaded.contexts.find((c) => c.name === 'plugin-ctx')?.execCommand, plugin);
    const client = openCluster('plugin-ctx', { kubeconfig: file });
    const probe = await client.probe();
    assert.equal(probe.error, undefined);
    assert.match(probe.version ?? '', /^v1\./);
    const list = await client.request({ method: 'GET', path: literalPath('/api/v1/namespaces/default/configmaps') });
    assert.equal(list.status, 200);
    assert.ok(fs.readFileSync(path.join(dir, 'calls'), 'utf8').includes('x'), 'the plugin did not run');
    client.close();
  });

  test('objects that share a collection are read with one LIST: unchanged, changed and deleted-since answer as single reads do', async () => {
    const ns = 'kt-list-read';
    const cm = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: "${value}"\n`;
    const files = (changed: string) => ({
      '/l/ns.yaml': namespaceYaml(ns),
      '/l/a.yaml': cm('a', '1'),
      '/l/b.yaml': cm('b', changed),
      '/l/c.yaml': cm('c', '1'),
      '/l/d.yaml': cm('d', '1'),
    });
    const first = await (await prepareApply(admin, resourcesOf(files('1')), { namespace: ns })).apply({ wait: false });
    assert.ok(first.outcomes.every((o) => o.status === 'applied'));
    // Deleted since: its dry-run is a create, which needs no read.
    assert.equal((await admin.request({ method: 'DELETE', path: literalPath(`/api/v1/namespaces/${ns}/configmaps/d`) })).status, 200);

    const sent: string[] = [];
    const spied = Object.create(admin) as ClusterClient;
    spied.request = (req) => {
      if (req.method === 'GET') sent.push(`${req.path}${req.query?.limit ? '?list' : ''}`);
      return admin.request(req);
    };
    const plan = (await prepareApply(spied, resourcesOf(files('2')), { namespace: ns })).plan;
    assert.deepEqual(plan.resources.map((p) => `${p.ref.name} ${p.action}`).sort(), ['a unchanged', 'b update', 'c unchanged', 'd create', `${ns} unchanged`]);
    assert.match(plan.resources.find((p) => p.ref.name === 'b')?.diff?.unified ?? '', /^\+ {2}k: "2"$/m);
    const reads = sent.filter((p) => p.includes('/configmaps'));
    assert.deepEqual(reads, [`/api/v1/namespaces/${ns}/configmaps?list`]);
  });

  test('the node:https request path and the client-node one get the same answers (version, list, 404, forbidden, a watch event)', async () => {
    const ns = 'kt-transports';
    const restrictedContext = cp.restrictedContext;
    assert.ok(restrictedContext);
    await admin.request({ method: 'POST', path: literalPath('/api/v1/namespaces'), body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } });
    const answers = async (transport: 'auto' | 'client-node') => {
      const a = openCluster(cp.adminContext, { kubeconfig: cp.kubeconfigPath, transport });
      const r = openCluster(restrictedContext, { kubeconfig: cp.kubeconfigPath, transport });
      try {
        const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { via: transport } });
        const controller = new AbortController();
        const events: string[] = [];
        const watching = a.watch(
          literalPath(`/api/v1/namespaces/${ns}/configmaps`),
          (e) => {
            const name = stringAt(e.object, 'metadata', 'name');
            if (e.type === 'ADDED' && name === `cm-${transport}`) {
              events.push(`${e.type} ${name}`);
              controller.abort();
            }
          },
          { signal: controller.signal },
        );
        const created = await a.request({ method: 'POST', path: literalPath(`/api/v1/namespaces/${ns}/configmaps`), body: cm(`cm-${transport}`) });
        await watching;
        return {
          kind: a.transportKind,
          version: (await a.probe()).version,
          list: (await a.request({ method: 'GET', path: literalPath(`/api/v1/namespaces/${ns}/configmaps`) })).status,
          created: created.status,
          missing: (await a.request({ method: 'GET', path: literalPath(`/api/v1/namespaces/${ns}/configmaps/none`) })).status,
          forbidden: (await r.request({ method: 'POST', path: literalPath(`/api/v1/namespaces/${ns}/configmaps`), body: cm('nope') })).status,
          events,
        };
      } finally {
        a.close();
        r.close();
      }
    };
    const https = await answers('auto');
    const clientNode = await answers('client-node');
    assert.equal(https.kind, 'https');
    assert.equal(clientNode.kind, 'client-node');
    assert.match(https.version ?? '', /^v1\./);
    assert.deepEqual({ ...https, kind: '', events: https.events.length }, { ...clientNode, kind: '', events: clientNode.events.length });
    assert.deepEqual([https.list, https.created, https.missing, https.forbidden, https.events], [200, 201, 404, 403, ['ADDED cm-auto']]);
    assert.deepEqual(clientNode.events, ['ADDED cm-client-node']);
  });

  describe('the CLI (dist/cli.js as a subprocess)', () => {
    let env: NodeJS.ProcessEnv;
    let dir: string;

    before(() => {
      assert.ok(fs.existsSync(cliPath), `${cliPath} missing: run node scripts/build.mjs`);
      env = { ...process.env, KUBECONFIG: cp.kubeconfigPath };
      const files: Record<string, string> = {};
      for (const [f, text] of Object.entries(readFolder(examples))) files[path.basename(f)] = text;
      dir = writeFolder(files);
    });

    test('apply prints a line per resource, waits for the Deployments and exits 0', async () => {
      const r = await runCli(['apply', '--context', cp.adminContext, '--timeout', '90s', dir], env);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^service\/gateway created$/m);
      assert.match(r.stdout, /^deployment\/gateway created$/m);
      assert.match(r.stdout, /^horizontalpodautoscaler\/tf-serving-clothing-model created$/m);
      assert.match(r.stdout, /^deployment\/tf-serving-clothing-model available \(1\/1 replicas available\)$/m);
      assert.match(r.stdout, /kt-admin: 6 created, 0 configured, 0 unchanged, 0 failed; 2\/2 workloads available/);
    });

    test('apply --dry-run --diff shows a changed replica count, writes nothing and never loads client-node', async () => {
      const file = path.join(dir, 'gateway-deployment.yaml');
      const original = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, original.replace('spec:\n  selector:', 'spec:\n  replicas: 2\n  selector:'));
      // Reports at exit which client-node modules the process loaded: the apply path needs none.
      const hook = path.join(writeFolder({}), 'loaded.js');
      fs.writeFileSync(
        hook,
        "process.on('exit', () => process.stderr.write(`client-node modules: ${Object.keys(require.cache).filter((f) => /client-node/.test(f)).length}\\n`));\n",
      );
      try {
        const r = await runCli(['apply', '--dry-run', '--diff', dir], { ...env, NODE_OPTIONS: `--require ${hook}` });
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stderr, /^client-node modules: 0$/m);
        assert.match(r.stdout, /^--- deployment\/gateway \(live\)$/m);
        assert.match(r.stdout, /^\+ {2}replicas: 2$/m);
        assert.match(r.stdout, /^deployment\/gateway configured \(dry run\)$/m);
        assert.match(r.stdout, /^service\/gateway unchanged$/m);
        const live = await admin.request({ method: 'GET', path: literalPath('/apis/apps/v1/namespaces/default/deployments/gateway') });
        assert.equal((live.body as { spec: { replicas: number } }).spec.replicas, 1);
      } finally {
        fs.writeFileSync(file, original);
      }
    });

    test('a rejected resource is printed as file:line:col with its code and the exit status is 1', async () => {
      const bad = writeFolder({
        'bad-service.yaml':
          'apiVersion: v1\nkind: Service\nmetadata:\n  name: bad\nspec:\n  clusterIP: 10.96.0.5\n  clusterIPs: [10.96.0.6]\n  ports:\n    - port: 80\n',
      });
      const r = await runCli(['apply', '--skip-validation', '--no-wait', bad], env, bad);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /^service\/bad failed$/m);
      assert.match(r.stdout, /bad-service\.yaml:\d+:\d+: error apply-rejected: the server rejected Service "bad": spec\.clusterIPs/);
    });

    test('validation errors stop the apply before anything is sent', async () => {
      const bad = writeFolder({ 'svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: no-ports\nspec:\n  ports:\n    - port: 70000\n' });
      const r = await runCli(['apply', bad], env, bad);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /not applied: validation found \d+ errors?/);
      assert.equal((await admin.request({ method: 'GET', path: literalPath('/api/v1/namespaces/default/services/no-ports') })).status, 404);
    });

    test('a context that is not local is refused without --yes, naming context and server', async () => {
      const info = loadKubeconfig({ kubeconfig: cp.kubeconfigPath });
      const merged = structuredClone(info.merged);
      merged.clusters.push({ name: 'far', cluster: { server: 'https://k8s.example.com:6443' } });
      merged.contexts.push({ name: 'prod-like', context: { cluster: 'far', user: 'kt-admin' } });
      const file = path.join(writeFolder({}), 'config');
      fs.writeFileSync(file, JSON.stringify(merged));
      const r = await runCli(['apply', '--kubeconfig', file, '--context', 'prod-like', dir], env);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /context "prod-like" \(https:\/\/k8s\.example\.com:6443\), which is not a local cluster/);
      assert.match(r.stderr, /pass --yes/);
    });

    test('a context called kind-* whose server is elsewhere is remote: apply and delete refuse without --yes and say why', async () => {
      const info = loadKubeconfig({ kubeconfig: cp.kubeconfigPath });
      const merged = structuredClone(info.merged);
      merged.clusters.push({ name: 'kind-dev', cluster: { server: 'https://203.0.113.7:6443' } });
      merged.contexts.push({ name: 'kind-dev', context: { cluster: 'kind-dev', user: 'kt-admin' } });
      const file = path.join(writeFolder({}), 'config');
      fs.writeFileSync(file, JSON.stringify(merged));
      for (const verb of ['apply', 'delete']) {
        const r = await runCli([verb, '--kubeconfig', file, '--context', 'kind-dev', dir], env);
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /context "kind-dev" \(https:\/\/203\.0\.113\.7:6443\), which is not a local cluster: its server is not on this machine/);
        assert.match(r.stderr, /a name like "kind-dev" does not make a cluster local/);
        assert.match(r.stderr, new RegExp(`pass --yes to ${verb} there anyway`));
      }
    });

    test('an unreachable cluster fails with one clear line and exit status 1', async () => {
      const [port] = await freePorts(1);
      const info = loadKubeconfig({ kubeconfig: cp.kubeconfigPath });
      const merged = structuredClone(info.merged);
      merged.clusters[0].cluster = { ...merged.clusters[0].cluster, server: `https://127.0.0.1:${port}` };
      const file = path.join(writeFolder({}), 'config');
      fs.writeFileSync(file, JSON.stringify(merged));
      const r = await runCli(['apply', '--kubeconfig', file, dir], env);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `kube-topology apply: cannot reach https://127.0.0.1:${port} (connection refused) — is the cluster running?\n`);
    });

    test('contexts lists both contexts as local and reachable, marking the current one', async () => {
      const r = await runCli(['contexts'], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^\\* kt-admin  ${cp.server.replace(/[.]/g, '\\.')}  local \\(loopback\\)  namespace default  reachable, v1\\.`, 'm'));
      assert.match(r.stdout, /^ {2}kt-restricted .* local \(loopback\)/m);
    });

    test('delete waits for a namespace to go without piling listeners on the Ctrl-C signal (no MaxListenersExceededWarning)', async () => {
      const ns = 'kt-wait-listeners';
      const files = writeFolder({
        'all.yaml': [
          namespaceYaml(ns),
          `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ${ns}}\ndata: {a: b}\n`,
          `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, namespace: ${ns}}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: w}}\n  template:\n    metadata: {labels: {app: w}}\n    spec:\n      containers: [{name: w, image: registry.k8s.io/pause:3.10}]\n`,
        ].join('---\n'),
      });
      const applied = await runCli(['apply', '--timeout', '60s', files], env);
      assert.equal(applied.code, 0, applied.stdout + applied.stderr);
      const t0 = Date.now();
      const r = await runCli(['delete', files], env);
      process.stderr.write(`# delete of namespace ${ns} with its Deployment took ${Date.now() - t0} ms\n`);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.stderr, '');
    });

    test('delete removes what the files define and exits 0; JSON output says what happened', async () => {
      const r = await runCli(['delete', dir], env);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      // One abort listener per wait used to pile up on the Ctrl-C signal (MaxListenersExceededWarning).
      assert.equal(r.stderr, '');
      assert.match(r.stdout, /^deployment\/gateway deleted$/m);
      assert.match(r.stdout, /kt-admin: 6 deleted, 0 already gone, 0 failed/);
      const again = await runCli(['delete', '--output', 'json', dir], env);
      assert.equal(again.code, 0);
      const json = JSON.parse(again.stdout) as { resources: Array<{ status: string }> };
      assert.deepEqual(
        json.resources.map((x) => x.status),
        Array(6).fill('not-found'),
      );
    });
  });
});
