import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, at, crossFindings, fixture, located, none, single, withCode, zoomcamp } from './crossHelpers';

const deployment = (opts: { name?: string; replicas?: string; resources?: string; kind?: string } = {}) => `apiVersion: apps/v1
kind: ${opts.kind ?? 'Deployment'}
metadata:
  name: ${opts.name ?? 'gateway'}
spec:
${opts.replicas ?? ''}  selector:
    matchLabels:
      app: gateway
  template:
    metadata:
      labels:
        app: gateway
    spec:
      containers:
        - name: gateway
          image: clothing-gateway:002
${opts.resources ?? ''}          ports:
            - containerPort: 9696
`;

const hpa = (opts: { ref?: string; metrics?: string; apiVersion?: string; extra?: string } = {}) => `apiVersion: ${opts.apiVersion ?? 'autoscaling/v2'}
kind: HorizontalPodAutoscaler
metadata:
  name: gateway-hpa
spec:
  scaleTargetRef:
${opts.ref ?? '    apiVersion: apps/v1\n    kind: Deployment\n    name: gateway\n'}  minReplicas: 1
  maxReplicas: 3
${opts.extra ?? ''}${
  opts.metrics ??
  '  metrics:\n    - type: Resource\n      resource:\n        name: cpu\n        target:\n          type: Utilization\n          averageUtilization: 50\n'
}`;

const LIMITS = '          resources:\n            limits:\n              cpu: 100m\n';

// ---------------------------------------------------------------- hpa-target-missing

test('hpa-target-missing: a near name is a warning with a fix to the existing workload (a guess never raises the severity)', () => {
  const h = hpa({ ref: '    apiVersion: apps/v1\n    kind: Deployment\n    name: gatewy\n' });
  const files = { 'deploy.yaml': deployment({ resources: LIMITS }), 'hpa.yaml': h };
  const f = single(crossFindings(files), 'hpa-target-missing');
  assert.equal(f.severity, 'warning');
  assert.equal(at(f), located('hpa.yaml', h, 'gatewy'));
  assert.equal(
    f.message,
    'The autoscaler targets Deployment gatewy, which is not defined in namespace default: HorizontalPodAutoscaler gateway-hpa has nothing to scale. Did you mean Deployment gateway?',
  );
  assert.deepEqual(f.related?.map(at), [located('deploy.yaml', files['deploy.yaml'], 'gateway')]);
  const fixed = applyFix(files, f.fixes![0]);
  assert.equal(fixed['hpa.yaml'], hpa());
  none(crossFindings(fixed));
});

test('hpa-target-missing: nothing similar is a warning; other kinds with that name do not count', () => {
  const h = hpa({ ref: '    apiVersion: apps/v1\n    kind: StatefulSet\n    name: gateway\n' });
  const f = single(crossFindings({ 'deploy.yaml': deployment({ resources: LIMITS }), 'hpa.yaml': h }), 'hpa-target-missing');
  assert.equal(f.severity, 'warning');
  assert.equal(f.fixes, undefined);
  assert.equal(at(f), located('hpa.yaml', h, 'gateway', 1));
  none(crossFindings({ 'deploy.yaml': deployment({ resources: LIMITS }), 'hpa.yaml': hpa() }), 'hpa-target-missing');
});

// ---------------------------------------------------------------- hpa-target-kind-invalid

test('hpa-target-kind-invalid: a plural or lower-case kind is an error with a fix', () => {
  for (const kind of ['Deployments', 'deployment', 'deploy']) {
    const h = hpa({ ref: `    apiVersion: apps/v1\n    kind: ${kind}\n    name: gateway\n` });
    const files = { 'deploy.yaml': deployment({ resources: LIMITS }), 'hpa.yaml': h };
    const f = single(crossFindings(files), 'hpa-target-kind-invalid');
    assert.equal(f.severity, 'error');
    assert.equal(at(f), located('hpa.yaml', h, kind));
    assert.match(f.message, new RegExp(`^kind ${kind} is not a Kubernetes kind: write Deployment`));
    const fixed = applyFix(files, f.fixes![0]);
    assert.equal(fixed['hpa.yaml'], hpa());
    none(crossFindings(fixed));
  }
});

test('hpa-target-kind-invalid: a removed API group is an error, an old version of apps a warning', () => {
  const old = hpa({ ref: '    apiVersion: extensions/v1beta1\n    kind: Deployment\n    name: gateway\n' });
  const files = { 'deploy.yaml': deployment({ resources: LIMITS }), 'hpa.yaml': old };
  const f = single(crossFindings(files), 'hpa-target-kind-invalid');
  assert.equal(f.severity, 'error');
  assert.equal(at(f), located('hpa.yaml', old, 'extensions/v1beta1'));
  assert.equal(
    f.message,
    'Deployment is served by apps/v1, not extensions/v1beta1 (extensions/v1beta1 was removed in Kubernetes 1.16): the autoscaler looks the target up in API group extensions and cannot find it.',
  );
  const fixed = applyFix(files, f.fixes![0]);
  assert.equal(fixed['hpa.yaml'], hpa());
  none(crossFindings(fixed));

  const beta = hpa({ ref: '    apiVersion: apps/v1beta1\n    kind: Deployment\n    name: gateway\n' });
  const g = single(crossFindings({ 'deploy.yaml': deployment({ resources: LIMITS }), 'hpa.yaml': beta }), 'hpa-target-kind-invalid');
  assert.equal(g.severity, 'warning');
  assert.match(g.message, /only uses the API group, so it still finds Deployment gateway/);
  assert.equal(applyFix({ 'deploy.yaml': '', 'hpa.yaml': beta }, g.fixes![0])['hpa.yaml'], hpa());
});

test('hpa-target-kind-invalid: kinds without a scale subresource, and custom kinds left alone', () => {
  const ds = hpa({ ref: '    apiVersion: apps/v1\n    kind: DaemonSet\n    name: gateway\n' });
  const f = single(crossFindings({ 'ds.yaml': deployment({ kind: 'DaemonSet', resources: LIMITS }), 'hpa.yaml': ds }), 'hpa-target-kind-invalid');
  assert.equal(at(f), located('hpa.yaml', ds, 'DaemonSet'));
  assert.match(f.message, /^An autoscaler cannot scale a DaemonSet: a DaemonSet runs exactly one pod per node\./);
  assert.equal(f.fixes, undefined);
  // An Argo Rollout (custom resource with /scale) that is not in the workspace is not judged.
  const rollout = hpa({ ref: '    apiVersion: argoproj.io/v1alpha1\n    kind: Rollout\n    name: gateway\n' });
  none(crossFindings({ 'hpa.yaml': rollout }));
  // No apiVersion in scaleTargetRef is accepted.
  none(crossFindings({ 'deploy.yaml': deployment({ resources: LIMITS }), 'hpa.yaml': hpa({ ref: '    kind: Deployment\n    name: gateway\n' }) }));
});

// ---------------------------------------------------------------- hpa-missing-resource-requests

test('hpa-missing-resource-requests: the lesson gateway has limits (which set requests): clean', () => {
  none(crossFindings(zoomcamp()), 'hpa-missing-resource-requests');
});

test('hpa-missing-resource-requests: no resources at all; the fix adds a requests block to the container', () => {
  const d = deployment();
  const h = hpa();
  const files = { 'deploy.yaml': d, 'hpa.yaml': h };
  const f = single(crossFindings(files), 'hpa-missing-resource-requests');
  assert.equal(f.severity, 'warning');
  assert.equal(at(f), located('hpa.yaml', h, 'cpu'));
  assert.equal(
    f.message,
    'The autoscaler scales Deployment gateway on CPU utilization (50%), but container gateway has no CPU request (nor a limit, which would set one): utilization cannot be computed, kubectl get hpa shows <unknown> and the workload never scales.',
  );
  assert.deepEqual(f.related?.map(at), [located('deploy.yaml', d, 'gateway', 3)]);
  assert.equal(f.fixes![0].title, 'Add resources.requests.cpu: 100m to container gateway');
  const fixed = applyFix(files, f.fixes![0]);
  assert.equal(
    fixed['deploy.yaml'],
    d.replace(
      '            - containerPort: 9696\n',
      '            - containerPort: 9696\n          resources:\n            requests:\n              cpu: 100m\n',
    ),
  );
  none(crossFindings(fixed));
});

test('hpa-missing-resource-requests: resources: {}, limits for another resource, requests for another resource', () => {
  const cases: [string, string][] = [
    ['          resources: {}\n', '          resources:\n            requests:\n              cpu: 100m\n'],
    [
      '          resources:\n            limits:\n              memory: 128Mi\n',
      '          resources:\n            limits:\n              memory: 128Mi\n            requests:\n              cpu: 100m\n',
    ],
    [
      '          resources:\n            requests:\n              memory: 64Mi\n',
      '          resources:\n            requests:\n              memory: 64Mi\n              cpu: 100m\n',
    ],
  ];
  for (const [before, after] of cases) {
    const files = { 'deploy.yaml': deployment({ resources: before }), 'hpa.yaml': hpa() };
    const f = single(crossFindings(files), 'hpa-missing-resource-requests');
    const fixed = applyFix(files, f.fixes![0]);
    assert.equal(fixed['deploy.yaml'], deployment({ resources: after }), before);
    none(crossFindings(fixed));
  }
});

test('hpa-missing-resource-requests: memory metrics, autoscaling/v1, and the implicit 80% CPU target', () => {
  const mem = hpa({
    metrics:
      '  metrics:\n    - type: Resource\n      resource:\n        name: memory\n        target:\n          type: Utilization\n          averageUtilization: 70\n',
  });
  const f = single(crossFindings({ 'deploy.yaml': deployment({ resources: LIMITS }), 'hpa.yaml': mem }), 'hpa-missing-resource-requests');
  assert.equal(at(f), located('hpa.yaml', mem, 'memory'));
  assert.match(f.message, /on memory utilization \(70%\), but container gateway has no memory request/);
  const fixed = applyFix({ 'deploy.yaml': deployment({ resources: LIMITS }), 'hpa.yaml': mem }, f.fixes![0]);
  assert.equal(fixed['deploy.yaml'], deployment({ resources: LIMITS + '            requests:\n              memory: 128Mi\n' }));

  const v1 = `apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: gateway-hpa
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: gateway}
  maxReplicas: 3
  targetCPUUtilizationPercentage: 50
`;
  const g = single(crossFindings({ 'deploy.yaml': deployment(), 'hpa.yaml': v1 }), 'hpa-missing-resource-requests');
  assert.equal(at(g), located('hpa.yaml', v1, '50'));

  const implicit = hpa({ metrics: '' });
  const h = single(crossFindings({ 'deploy.yaml': deployment(), 'hpa.yaml': implicit }), 'hpa-missing-resource-requests');
  assert.equal(at(h), located('hpa.yaml', implicit, 'spec'));
  assert.match(h.message, /on CPU utilization \(80%, the default when no metric is set\)/);
});

test('hpa-missing-resource-requests: negatives (AverageValue targets, LimitRange defaults, ContainerResource on a covered container)', () => {
  const avg = hpa({
    metrics:
      '  metrics:\n    - type: Resource\n      resource:\n        name: cpu\n        target:\n          type: AverageValue\n          averageValue: 200m\n',
  });
  none(crossFindings({ 'deploy.yaml': deployment(), 'hpa.yaml': avg }), 'hpa-missing-resource-requests');
  const lr = 'apiVersion: v1\nkind: LimitRange\nmetadata: {name: defaults}\nspec:\n  limits:\n    - type: Container\n      defaultRequest: {cpu: 50m}\n';
  none(crossFindings({ 'deploy.yaml': deployment(), 'hpa.yaml': hpa(), 'lr.yaml': lr }), 'hpa-missing-resource-requests');
  const twoContainers = deployment({ resources: LIMITS }).replace(
    '      containers:\n',
    '      containers:\n        - name: sidecar\n          image: envoy\n',
  );
  const cr = hpa({
    metrics:
      '  metrics:\n    - type: ContainerResource\n      containerResource:\n        name: cpu\n        container: gateway\n        target:\n          type: Utilization\n          averageUtilization: 60\n',
  });
  none(crossFindings({ 'deploy.yaml': twoContainers, 'hpa.yaml': cr }), 'hpa-missing-resource-requests');
  // ... while a Resource metric needs every container covered: one fix edits both lacking containers.
  const both = twoContainers.replace(LIMITS, '');
  const files = { 'deploy.yaml': both, 'hpa.yaml': hpa() };
  const f = single(crossFindings(files), 'hpa-missing-resource-requests');
  assert.match(f.message, /containers sidecar, gateway have no CPU request/);
  assert.equal(f.fixes![0].edits.length, 2);
  none(crossFindings(applyFix(files, f.fixes![0])), 'hpa-missing-resource-requests');
});

// ---------------------------------------------------------------- hpa-fixed-replicas

test('hpa-fixed-replicas: replicas on an autoscaled workload is a warning on the workload; the fix removes the line', () => {
  const d = deployment({ replicas: '  replicas: 2 # start with two\n', resources: LIMITS });
  const h = hpa();
  const files = { 'deploy.yaml': d, 'hpa.yaml': h };
  const f = single(crossFindings(files), 'hpa-fixed-replicas');
  assert.equal(f.severity, 'warning');
  assert.equal(at(f), located('deploy.yaml', d, 'replicas: 2'));
  assert.equal(
    f.message,
    'Deployment gateway fixes replicas: 2, but HorizontalPodAutoscaler gateway-hpa owns its scale (scaling range 1–3 replicas): every kubectl apply of this file resets it to 2 until the autoscaler corrects it again. Remove spec.replicas and let the autoscaler decide.',
  );
  assert.deepEqual(f.related?.map(at), [located('hpa.yaml', h, 'gateway', 1)]);
  const fixed = applyFix(files, f.fixes![0]);
  assert.equal(fixed['deploy.yaml'], deployment({ resources: LIMITS }));
  none(crossFindings(fixed));
});

test('hpa-fixed-replicas: negatives (no replicas, no autoscaler, autoscaler for another workload)', () => {
  none(crossFindings({ 'deploy.yaml': deployment({ resources: LIMITS }), 'hpa.yaml': hpa() }), 'hpa-fixed-replicas');
  none(crossFindings({ 'deploy.yaml': deployment({ replicas: '  replicas: 2\n', resources: LIMITS }) }), 'hpa-fixed-replicas');
  const model = fixture('zoomcamp', 'model-deployment.yaml');
  none(crossFindings({ 'model.yaml': model, 'deploy.yaml': deployment({ resources: LIMITS }), 'hpa.yaml': hpa() }), 'hpa-fixed-replicas');
  assert.equal(withCode(crossFindings({ 'deploy.yaml': deployment({ replicas: '  replicas: 2\n' }), 'hpa.yaml': hpa() }), 'hpa-fixed-replicas').length, 1);
});
