/**
 * The live-state watcher against the real control plane (kwok plays the kubelet, metrics-server
 * feeds the HPA): what the overlay shows must match what the cluster says, from watches.
 */
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startControlPlane, type ControlPlane } from './controlPlane';
import { kubectl, eventually, kwokDefaultPodStages, IMAGE_PULL_BACKOFF_STAGE, FAIL_LABEL } from './liveHelpers';
import {
  watchLiveState,
  readLiveState,
  hpaMetrics,
  livePod,
  KIND_HINT,
  LOAD_BALANCER_HINT,
  type LiveTarget,
  type LiveWatcher,
} from '../../src/core/cluster/liveState';
import { connectLive } from '../../src/core/cluster/liveConnection';
import type { LiveSnapshot } from '../../src/core/cluster/liveTypes';
import { runCli } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/cliIo';

const ns = `kt-live-${process.pid}`;
const SECRET_VALUE = 'c2VjcmV0LXZhbHVlLW5ldmVyLXNob3du'; // base64 of a value that must never show up

function manifests(): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: gateway, namespace: ${ns}}
spec:
  replicas: 2
  selector: {matchLabels: {app: gateway}}
  template:
    metadata:
      labels: {app: gateway}
      annotations: {kwok.x-k8s.io/usage-cpu: 100m}
    spec:
      containers:
      - name: gateway
        image: kt-gateway:v1
        ports: [{containerPort: 9696}]
        resources: {requests: {cpu: 250m}}
---
apiVersion: v1
kind: Service
metadata: {name: gateway, namespace: ${ns}}
spec:
  type: LoadBalancer
  selector: {app: gateway}
  ports: [{port: 80, targetPort: 9696}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: gateway, namespace: ${ns}}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: gateway}
  minReplicas: 2
  maxReplicas: 5
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: model, namespace: ${ns}}
spec:
  replicas: 1
  selector: {matchLabels: {app: model}}
  template:
    metadata:
      labels: {app: model, ${FAIL_LABEL}: image-pull}
    spec:
      containers:
      - name: model
        image: kt-model:latest
---
apiVersion: v1
kind: Secret
metadata: {name: model-token, namespace: ${ns}}
data: {token: ${SECRET_VALUE}}
`;
}

const targets: LiveTarget[] = [
  { kind: 'Deployment', namespace: ns, name: 'gateway' },
  { kind: 'Service', namespace: ns, name: 'gateway' },
  { kind: 'HorizontalPodAutoscaler', namespace: ns, name: 'gateway' },
  { kind: 'Deployment', namespace: ns, name: 'model' },
  { kind: 'Secret', namespace: ns, name: 'model-token' },
  { kind: 'ConfigMap', namespace: ns, name: 'never-applied' },
];
const id = (kind: string, name: string) => `${kind}/${ns}/${name}`;

describe('live state from watches', { timeout: 300_000 }, () => {
  let cp: ControlPlane;
  let watcher: LiveWatcher | undefined;
  const snapshots: LiveSnapshot[] = [];
  const latest = () => snapshots[snapshots.length - 1];
  const show = () => JSON.stringify(latest(), null, 1);

  before(async () => {
    cp = await startControlPlane({ kwokConfig: [...kwokDefaultPodStages(), IMAGE_PULL_BACKOFF_STAGE] });
    await kubectl(cp, ['create', 'namespace', ns]);
  });

  after(async () => {
    watcher?.dispose();
    if (cp?.external) await kubectl(cp, ['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
    await cp?.stop();
  });

  test('before anything is applied, every target is reported as not existing', async () => {
    const connection = connectLive({ kubeconfigPath: cp.kubeconfigPath, context: cp.adminContext });
    watcher = watchLiveState(connection, targets, (s) => snapshots.push(s), { debounceMs: 100 });
    const first = await eventually('the first snapshot', () => latest(), 30_000);
    assert.equal(first.context, cp.adminContext);
    assert.equal(first.error, undefined);
    for (const t of targets) assert.deepEqual(first.nodes[id(t.kind, t.name)], { exists: false }, t.kind);
  });

  test('after apply: ready/desired replicas, one Running+Ready dot per pod, endpoints, LoadBalancer pending', async () => {
    await kubectl(cp, ['apply', '--server-side', '-f', '-'], manifests());
    const s = await eventually(
      'gateway 2/2 with 2 endpoints',
      () => {
        const s = latest();
        const d = s.nodes[id('Deployment', 'gateway')];
        return d?.readyReplicas === 2 && d.pods?.length === 2 && d.pods.every((p) => p.ready) && s.nodes[id('Service', 'gateway')]?.endpoints === 2
          ? s
          : undefined;
      },
      60_000,
      show,
    );
    const gw = s.nodes[id('Deployment', 'gateway')];
    assert.equal(gw.exists, true);
    assert.equal(gw.desiredReplicas, 2);
    for (const p of gw.pods ?? []) {
      assert.equal(p.phase, 'Running');
      assert.equal(p.reason, undefined);
      assert.match(p.name, /^gateway-/);
    }
    // the dots are exactly the cluster's pods
    const names = (await kubectl(cp, ['get', 'pods', '-n', ns, '-l', 'app=gateway', '-o', 'jsonpath={.items[*].metadata.name}'])).split(' ').sort();
    assert.deepEqual(
      gw.pods?.map((p) => p.name),
      names,
    );
    const svc = s.nodes[id('Service', 'gateway')];
    assert.deepEqual(svc.loadBalancer, { pending: true, hint: LOAD_BALANCER_HINT });
    assert.equal(s.nodes[id('ConfigMap', 'never-applied')].exists, false);
    assert.equal(s.error, undefined);
  });

  test('a pod stuck in ImagePullBackOff shows the reason and the image in its message', async () => {
    const s = await eventually(
      'model pod in ImagePullBackOff',
      () => {
        const d = latest().nodes[id('Deployment', 'model')];
        return d?.pods?.[0]?.reason === 'ImagePullBackOff' ? latest() : undefined;
      },
      60_000,
      show,
    );
    const model = s.nodes[id('Deployment', 'model')];
    assert.equal(model.readyReplicas, 0);
    assert.equal(model.desiredReplicas, 1);
    assert.equal(model.pods?.length, 1);
    const pod = model.pods[0];
    assert.equal(pod.ready, false);
    assert.equal(pod.phase, 'Pending');
    assert.match(pod.message ?? '', /Back-off pulling image "kt-model:latest"/);
  });

  test('the HPA shows current/desired replicas and its CPU metric as people read it', async () => {
    const hpaId = id('HorizontalPodAutoscaler', 'gateway');
    // kwok reports 100m of the 250m requested: 40 % once metrics-server has scraped.
    const s = await eventually(
      'HPA with CPU 40% / 50%',
      () => {
        const h = latest().nodes[hpaId]?.hpa;
        return h && h.metrics[0] === 'CPU 40% / 50%' ? latest() : undefined;
      },
      150_000,
      show,
    );
    const h = s.nodes[hpaId].hpa!;
    assert.equal(h.currentReplicas, 2);
    assert.equal(h.desiredReplicas, 2);
    assert.deepEqual(h.metrics, ['CPU 40% / 50%']);
    const cli = JSON.parse(await kubectl(cp, ['get', 'hpa', 'gateway', '-n', ns, '-o', 'json']));
    assert.equal(cli.status.currentMetrics[0].resource.current.averageUtilization, 40);
  });

  test('Secrets are seen to exist but no value ever reaches a snapshot', () => {
    const secret = latest().nodes[id('Secret', 'model-token')];
    assert.deepEqual(secret, { exists: true });
    for (const snap of snapshots) assert.ok(!JSON.stringify(snap).includes(SECRET_VALUE));
  });

  test('changes arrive through the watch: scaling and deleting show up', async () => {
    await kubectl(cp, ['delete', 'hpa', 'gateway', '-n', ns]);
    await kubectl(cp, ['scale', 'deployment', 'gateway', '-n', ns, '--replicas=3']);
    await eventually(
      'gateway 3/3 with 3 endpoints and the HPA gone',
      () => {
        const s = latest();
        const d = s.nodes[id('Deployment', 'gateway')];
        return (
          d?.readyReplicas === 3 &&
          d.desiredReplicas === 3 &&
          d.pods?.length === 3 &&
          s.nodes[id('Service', 'gateway')]?.endpoints === 3 &&
          s.nodes[id('HorizontalPodAutoscaler', 'gateway')]?.exists === false
        );
      },
      60_000,
      show,
    );
    await kubectl(cp, ['delete', 'service', 'gateway', '-n', ns]);
    await eventually('Service gone', () => latest().nodes[id('Service', 'gateway')]?.exists === false, 30_000, show);
  });

  test('a forbidden watch sets error, keeps retrying, and recovers once access is granted', async () => {
    assert.ok(cp.restrictedContext, 'needs the restricted context');
    const restricted = connectLive({ kubeconfigPath: cp.kubeconfigPath, context: cp.restrictedContext });
    const seen: LiveSnapshot[] = [];
    const w = watchLiveState(restricted, targets.slice(0, 1), (s) => seen.push(s), { debounceMs: 50, retryBaseMs: 200, retryMaxMs: 1000 });
    try {
      const denied = await eventually(
        'a snapshot with a forbidden error',
        () => seen.find((s) => s.error),
        30_000,
        () => JSON.stringify(seen),
      );
      assert.match(denied.error!, /forbidden/);
      assert.match(denied.error!, /deployments in kt-live-/);
      assert.equal(denied.nodes[id('Deployment', 'gateway')], undefined, 'an unreadable resource is absent, not "not applied"');
      await kubectl(
        cp,
        ['apply', '-f', '-'],
        `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: live-reader, namespace: ${ns}}
rules:
- {apiGroups: ['', apps], resources: [pods, deployments], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: live-reader, namespace: ${ns}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: live-reader}
subjects: [{kind: User, name: ${cp.restrictedContext}, apiGroup: rbac.authorization.k8s.io}]
`,
      );
      const ok = await eventually(
        'the watch to recover',
        () => {
          const s = seen[seen.length - 1];
          return s && !s.error && s.nodes[id('Deployment', 'gateway')]?.readyReplicas === 3 ? s : undefined;
        },
        30_000,
        () => JSON.stringify(seen[seen.length - 1]),
      );
      assert.equal(ok.nodes[id('Deployment', 'gateway')].pods?.length, 3);
    } finally {
      w.dispose();
    }
  });

  test('readLiveState gives one snapshot; an unreachable server gives an error, not a hang', async () => {
    const connection = connectLive({ kubeconfigPath: cp.kubeconfigPath, context: cp.adminContext });
    const once = await readLiveState(connection, targets.slice(0, 1));
    assert.equal(once.nodes[id('Deployment', 'gateway')].readyReplicas, 3);

    // the same kubeconfig pointed at a port nothing listens on
    const closedPort = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const deadConfig = path.join(os.tmpdir(), `kt-dead-${process.pid}.kubeconfig`);
    fs.writeFileSync(deadConfig, fs.readFileSync(cp.kubeconfigPath, 'utf8').split(cp.server).join(`https://127.0.0.1:${closedPort}`), { mode: 0o600 });
    const dead = connectLive({ kubeconfigPath: deadConfig, context: cp.adminContext });
    fs.rmSync(deadConfig);
    const broken = await readLiveState(dead, targets.slice(0, 1), { kindHint: true });
    assert.match(broken.error ?? '', new RegExp(`cannot reach https://127\\.0\\.0\\.1:${closedPort} \\(connection refused\\)`));
    assert.deepEqual(broken.nodes, {});
  });

  test('kube-topology status prints the live state of what the files define (text and JSON)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-status-'));
    try {
      fs.writeFileSync(path.join(dir, 'app.yaml'), manifests());
      const run = async (args: string[]) => {
        let out = '';
        let err = '';
        const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: dir, isTTY: false, readStdin: () => Promise.resolve('') };
        const code = await runCli(args, io);
        return { code, out, err };
      };
      const prev = process.env.KUBECONFIG;
      process.env.KUBECONFIG = cp.kubeconfigPath;
      try {
        const json = await run(['status', '--context', cp.adminContext, '--output', 'json', 'app.yaml']);
        assert.equal(json.code, 0, json.err);
        const snap = JSON.parse(json.out) as LiveSnapshot;
        assert.equal(snap.nodes[id('Deployment', 'gateway')].readyReplicas, 3);
        assert.equal(snap.nodes[id('Service', 'gateway')].exists, false);
        assert.ok(!json.out.includes(SECRET_VALUE));
        const text = await run(['status', '--context', cp.adminContext, 'app.yaml']);
        assert.equal(text.code, 0, text.err);
        assert.match(text.out, /Deployment gateway\s+3\/3 ready/);
        assert.match(text.out, /ImagePullBackOff/);
        assert.match(text.out, /Service gateway\s+not applied/);
      } finally {
        if (prev === undefined) delete process.env.KUBECONFIG;
        else process.env.KUBECONFIG = prev;
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// KIND_HINT is what a kind context shows; pinned here so a wording change is deliberate.
test('the kind hint names port-forward and cloud-provider-kind', () => {
  assert.match(KIND_HINT, /port-forward/);
  assert.match(KIND_HINT, /cloud-provider-kind/);
});

test('HPA metrics read like kubectl: utilization, average values, pods metrics, unknown before data', () => {
  const spec = [
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
    { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '200Mi' } } },
    { type: 'Pods', pods: { metric: { name: 'requests_per_second' }, target: { type: 'AverageValue', averageValue: '10' } } },
    { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'model', target: { type: 'Utilization', averageUtilization: 70 } } },
  ];
  const current = [
    { type: 'Resource', resource: { name: 'memory', current: { averageValue: '120Mi' } } },
    { type: 'Pods', pods: { metric: { name: 'requests_per_second' }, current: { averageValue: '4' } } },
    { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'model', current: { averageUtilization: 81 } } },
  ];
  assert.deepEqual(hpaMetrics(spec, current), ['CPU <unknown> / 50%', 'memory 120Mi / 200Mi', 'requests_per_second 4 / 10', 'CPU (model) 81% / 70%']);
});

test('a pod dot carries the first reason that explains it: CrashLoopBackOff with restarts, Unschedulable, Terminating', () => {
  assert.deepEqual(
    livePod({
      metadata: { name: 'model-1' },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [{ restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } } }],
      },
    }),
    { name: 'model-1', phase: 'Running', ready: false, restarts: 4, reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' },
  );
  assert.deepEqual(
    livePod({
      metadata: { name: 'p' },
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available' }] },
    }),
    { name: 'p', phase: 'Pending', ready: false, reason: 'Unschedulable', message: '0/1 nodes are available' },
  );
  assert.equal(
    livePod({
      metadata: { name: 'p', deletionTimestamp: '2026-01-01T00:00:00Z' },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    }).reason,
    'Terminating',
  );
  assert.deepEqual(livePod({ metadata: { name: 'ok' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }), {
    name: 'ok',
    phase: 'Running',
    ready: true,
  });
});
