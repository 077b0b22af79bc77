/**
 * The local control plane (controlPlane.ts) against the real @kubernetes/client-node: version,
 * kwok node, a Deployment whose pods run, a real RBAC `forbidden`, and a clean stop.
 * Set KUBE_TOPOLOGY_TEST_CONTEXT=<context> to run the same checks against a user's cluster
 * (e.g. kind-kind); nothing is started or stopped then.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { loadClientNode } from './clientNode';
import { startControlPlane, portOpen, readVersions, type ControlPlane } from './controlPlane';

type K8s = typeof import('@kubernetes/client-node');

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${last instanceof Error ? last.message : JSON.stringify(last)}` : ''}`);
    await sleep(250);
  }
}

/** PIDs whose command line mentions `needle` (the run's temp dir is in every component's flags). */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(needle)) pids.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return pids;
}

describe('local control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok, metrics-server)', { timeout: 240_000 }, () => {
  let k8s: K8s;
  let cp: ControlPlane;
  const namespace = `kt-test-${process.pid}`;

  const client = (context: string) => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cp.kubeconfigPath);
    kc.setCurrentContext(context);
    return kc;
  };

  before(async () => {
    k8s = loadClientNode();
    const t = Date.now();
    cp = await startControlPlane();
    process.stderr.write(
      `# control plane ${cp.external ? `reused (${cp.adminContext})` : 'started'} in ${((Date.now() - t) / 1000).toFixed(1)} s: ${cp.server}\n`,
    );
  });

  after(async () => {
    if (cp?.external) {
      // A user's cluster: leave it as found (a local one goes away whole).
      await client(cp.adminContext)
        .makeApiClient(k8s.CoreV1Api)
        .deleteNamespace({ name: namespace })
        .catch(() => {});
    }
    await cp?.stop(); // idempotent; the stop test already stopped it unless something failed
  });

  test('the apiserver is the pinned Kubernetes version', async () => {
    const version = await client(cp.adminContext).makeApiClient(k8s.VersionApi).getCode();
    if (cp.external) assert.match(version.gitVersion, /^v1\./);
    else assert.equal(version.gitVersion, readVersions().KUBE_VERSION);
  });

  test('the kwok node is Ready', async () => {
    const core = client(cp.adminContext).makeApiClient(k8s.CoreV1Api);
    const nodes = cp.nodeName ? [await core.readNode({ name: cp.nodeName })] : (await core.listNode()).items;
    assert.ok(nodes.length > 0, 'no node');
    for (const n of nodes) {
      const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
      assert.equal(ready?.status, 'True', `node ${n.metadata?.name} not Ready: ${JSON.stringify(ready)}`);
    }
  });

  test('a Deployment created by the admin reaches its ready replicas (pods Running)', async () => {
    const kc = client(cp.adminContext);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    const labels = { app: 'kt-smoke' };
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'kt-smoke', labels },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: 'pause',
                  image: 'registry.k8s.io/pause:3.10',
                  imagePullPolicy: 'IfNotPresent',
                  resources: { requests: { cpu: '10m', memory: '16Mi' } },
                },
              ],
            },
          },
        },
      },
    });
    const ready = await eventually(
      '2 ready replicas',
      async () => {
        const d = await apps.readNamespacedDeployment({ name: 'kt-smoke', namespace });
        return d.status?.readyReplicas === 2 ? d : undefined;
      },
      45_000,
    );
    assert.equal(ready.status?.availableReplicas, 2);
    const pods = (await core.listNamespacedPod({ namespace, labelSelector: 'app=kt-smoke' })).items;
    assert.equal(pods.length, 2);
    for (const p of pods) {
      assert.equal(p.status?.phase, 'Running', `pod ${p.metadata?.name}`);
      assert.ok(p.status?.podIP, `pod ${p.metadata?.name} has no IP`);
      if (cp.nodeName) assert.equal(p.spec?.nodeName, cp.nodeName);
    }
  });

  test('the restricted user gets a real 403 forbidden', async (t) => {
    if (!cp.restrictedContext) {
      t.skip('reused cluster without KUBE_TOPOLOGY_TEST_RESTRICTED_CONTEXT');
      return;
    }
    const core = client(cp.restrictedContext).makeApiClient(k8s.CoreV1Api);
    await assert.rejects(
      core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'kt-forbidden' }, data: { a: 'b' } } }),
      (e: unknown) => {
        assert.ok(e instanceof k8s.ApiException, `not an ApiException: ${String(e)}`);
        assert.equal(e.code, 403);
        const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
        assert.equal(body.reason, 'Forbidden');
        assert.match(body.message, /cannot create resource "configmaps"/);
        return true;
      },
    );
  });

  test('stop() ends every component and frees every port', async (t) => {
    if (cp.external) {
      t.skip('reused cluster: nothing to stop');
      return;
    }
    const pids = cp.pids();
    assert.equal(pids.length, 6, `expected 6 components, got pids ${pids.join(', ')}`);
    for (const [name, port] of Object.entries(cp.ports)) {
      // metrics-server may still be starting (start() does not wait for it by default).
      await eventually(`${name} listening on ${port} before stop`, async () => ((await portOpen(port)) ? true : undefined), 20_000);
    }
    const t0 = Date.now();
    await cp.stop();
    process.stderr.write(`# control plane stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    for (const [name, port] of Object.entries(cp.ports)) assert.equal(await portOpen(port), false, `${name} still listens on ${port}`);
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `pid ${pid} still exists`);
    assert.deepEqual(cp.pids(), []);
    assert.deepEqual(processesMentioning(cp.dir), [], 'a process still names the cluster dir');
    assert.equal(fs.existsSync(cp.dir), false, `${cp.dir} was not removed`);
  });

  test('a second control plane starts after the first one stopped', async (t) => {
    if (cp.external) {
      t.skip('reused cluster');
      return;
    }
    const first = cp;
    const t0 = Date.now();
    cp = await startControlPlane({ metricsServer: false });
    try {
      process.stderr.write(`# second control plane started in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      assert.notEqual(cp.dir, first.dir);
      const version = await client(cp.adminContext).makeApiClient(k8s.VersionApi).getCode();
      assert.equal(version.gitVersion, readVersions().KUBE_VERSION);
    } finally {
      await cp.stop();
    }
    assert.deepEqual(processesMentioning(cp.dir), []);
  });
});
