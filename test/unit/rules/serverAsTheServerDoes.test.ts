import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf, where } from '../../fixtures/server/analyzeHarness';

/**
 * What the API server rejects that the schema does not say. Each case was checked with
 * `kubectl apply --dry-run=server` against a 1.36 API server (test/cluster).
 */

const pod = (spec: string, meta = '  name: p\n') => `apiVersion: v1\nkind: Pod\nmetadata:\n${meta}spec:\n${spec}`;
const container = (extra: string) => `  containers:\n    - name: c\n      image: nginx:1.27\n${extra}`;

test('missing-name: no metadata.name and no generateName is rejected; generateName (kubectl create) and tool configs are not reported', () => {
  const [f] = findingsOf('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\ndata: {}\n', 'missing-name');
  assert.equal(f.severity, 'error');
  assert.equal(where(f), '3:1');
  assert.match(f.message, /resource name may not be empty/);
  assert.equal(findingsOf('apiVersion: v1\nkind: ConfigMap\ndata: {}\n', 'missing-name').length, 1, 'no metadata at all');
  assert.deepEqual(findingsOf('apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\nspec: {}\n', 'missing-name'), []);
  // A kind cluster config: apiVersion and kind, no metadata; not a Kubernetes object.
  assert.deepEqual(findingsOf('apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes:\n  - role: control-plane\n', 'missing-name'), []);
});

test('negative-quantity: a negative request or limit, of a container or of the pod', () => {
  const list = findingsOf(
    pod(
      container('      resources:\n        requests: {cpu: "-100m", memory: 64Mi}\n        limits: {memory: -1Gi}\n') +
        '  resources:\n    limits: {cpu: "-1"}\n',
    ),
    'negative-quantity',
  );
  assert.deepEqual(
    list.map((f) => [where(f), f.severity]),
    [
      ['10:25', 'error'],
      ['11:26', 'error'],
      ['13:19', 'error'],
    ],
  );
  assert.match(list[0].message, /^Container c requests -100m cpu: quantities must be 0 or more/);
  assert.deepEqual(findingsOf(pod(container('      resources:\n        requests: {cpu: "0", memory: 0}\n')), 'negative-quantity'), []);
});

test('container-restart-policy: rejected on regular containers before 1.35 and on sidecars before 1.29; accepted from 1.35', () => {
  const regular = pod(container('      restartPolicy: Always\n'));
  assert.deepEqual(findingsOf(regular, 'container-restart-policy'), [], '1.36 accepts it (container restart rules, beta and on from 1.35)');
  assert.deepEqual(findingsOf(regular, 'container-restart-policy', { kubernetesVersion: '1.35' }), []);
  const [f] = findingsOf(regular, 'container-restart-policy', { kubernetesVersion: '1.34' });
  assert.equal(f.severity, 'error');
  assert.match(f.message, /API server of Kubernetes 1\.34 rejects: a regular container may not set restartPolicy before Kubernetes 1\.35/);

  const sidecar = pod(`  initContainers:\n    - name: shipper\n      image: fluent/fluent-bit:3.1\n      restartPolicy: Always\n${container('')}`);
  assert.deepEqual(findingsOf(sidecar, 'container-restart-policy', { kubernetesVersion: '1.29' }), []);
  assert.equal(findingsOf(sidecar, 'container-restart-policy', { kubernetesVersion: '1.28' }).length, 1);
  const never = sidecar.replace('restartPolicy: Always', 'restartPolicy: Never');
  assert.equal(findingsOf(never, 'container-restart-policy', { kubernetesVersion: '1.33' }).length, 1);
  assert.deepEqual(findingsOf(never, 'container-restart-policy', { kubernetesVersion: '1.36' }), []);
});

test('targetPort 0 is unset: the Service sends traffic to its port, and nothing is reported', () => {
  const deploy =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          ports: [{containerPort: 80}]\n';
  const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - port: 80\n      targetPort: 0\n';
  assert.deepEqual(findingsOf(`${deploy}---\n${svc}`, ['service-target-port-missing', 'port-out-of-range']), []);
});
