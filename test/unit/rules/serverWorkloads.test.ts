import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, covered, findingsOf, fixture, span, where, yaml } from '../../fixtures/server/analyzeHarness';

// Positions in these tests are 1-based line:column, as an editor shows them.

const DEPLOYMENT_HEAD = ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: gateway', 'spec:'];
const CONTAINERS = ['    spec:', '      containers:', '        - name: gateway', '          image: zoomcamp-10-gateway:002'];

// ---------------------------------------------------------------- selector-template-mismatch

test('a selector label the pod template lacks is an error on the template labels, fixed by adding the label', () => {
  const text = yaml(
    ...DEPLOYMENT_HEAD,
    '  selector:',
    '    matchLabels:',
    '      app: gateway',
    '      tier: web',
    '  template:',
    '    metadata:',
    '      labels:',
    '        app: gateway',
    ...CONTAINERS,
  );
  const [f, ...rest] = findingsOf(text, 'selector-template-mismatch');
  assert.equal(rest.length, 0);
  assert.equal(f.severity, 'error');
  assert.equal(span(f), '12:7-12:13');
  assert.match(f.message, /tier=web \(missing from the template\)/);
  assert.deepEqual(
    f.related?.map((r) => `${r.range.start.line + 1}:${r.range.start.character + 1}`),
    ['9:7'],
  );
  assert.equal(f.fixes?.[0].preferred, true);
  assert.equal(f.fixes?.[0].title, 'Add tier: web to the pod template labels');
  const fixed = applyFix(text, f);
  assert.equal(
    fixed,
    yaml(
      ...DEPLOYMENT_HEAD,
      '  selector:',
      '    matchLabels:',
      '      app: gateway',
      '      tier: web',
      '  template:',
      '    metadata:',
      '      labels:',
      '        app: gateway',
      '        tier: web',
      ...CONTAINERS,
    ),
  );
  assert.deepEqual(findingsOf(fixed, 'selector-template-mismatch'), []);
});

test('a label with a different value names both values; the fix changes the template value and is not preferred', () => {
  const text = yaml(
    ...DEPLOYMENT_HEAD,
    '  selector:',
    '    matchLabels:',
    '      app: gateway',
    '  template:',
    '    metadata:',
    '      labels:',
    '        app: gw  # short name',
    ...CONTAINERS,
  );
  const [f] = findingsOf(text, 'selector-template-mismatch');
  assert.match(f.message, /app=gateway \(the template has app=gw\)/);
  assert.equal(f.fixes?.[0].preferred, false);
  const fixed = applyFix(text, f, 'Set the pod template labels to match the selector (app: gateway)');
  assert.ok(fixed.includes('        app: gateway  # short name\n'), fixed);
  assert.deepEqual(findingsOf(fixed, 'selector-template-mismatch'), []);
});

test('the DaemonSet fixture whose selector does not match its pods is rejected, with both differences named', () => {
  const text = fixture('server/daemonset-selector-mismatch.yaml');
  const [f, ...rest] = findingsOf(text, 'selector-template-mismatch');
  assert.equal(rest.length, 0);
  assert.equal(where(f), '15:7');
  assert.match(f.message, /DaemonSet log-agent/);
  assert.match(f.message, /tier=node \(missing from the template\); app=log-agent \(the template has app=log-shipper\)/);
  assert.deepEqual(
    f.related?.map((r) => r.range.start.line + 1),
    [12, 11],
  );
  const fixed = applyFix(text, f, 'Set the pod template labels to match the selector (tier: node, app: log-agent)');
  assert.ok(fixed.includes('      labels:\n        app: log-agent\n        tier: node\n    spec:\n'), fixed);
  assert.deepEqual(findingsOf(fixed, 'selector-template-mismatch'), []);
});

test('a template without metadata gets metadata and labels above its spec', () => {
  const text = yaml(...DEPLOYMENT_HEAD, '  selector:', '    matchLabels:', '      app: gateway', '  template:', ...CONTAINERS);
  const [f] = findingsOf(text, 'selector-template-mismatch');
  assert.equal(where(f), '9:3'); // no labels yet: the template key
  const fixed = applyFix(text, f);
  assert.equal(
    fixed,
    yaml(
      ...DEPLOYMENT_HEAD,
      '  selector:',
      '    matchLabels:',
      '      app: gateway',
      '  template:',
      '    metadata:',
      '      labels:',
      '        app: gateway',
      ...CONTAINERS,
    ),
  );
  assert.deepEqual(findingsOf(fixed, 'selector-template-mismatch'), []);
});

test('labels written as a flow mapping are extended in place', () => {
  const text = yaml(
    ...DEPLOYMENT_HEAD,
    '  selector:',
    '    matchLabels: {app: gateway, tier: web}',
    '  template:',
    '    metadata:',
    '      labels: {app: gateway}',
    ...CONTAINERS,
  );
  const [f] = findingsOf(text, 'selector-template-mismatch');
  const fixed = applyFix(text, f);
  assert.ok(fixed.includes('      labels: {app: gateway, tier: web}\n'), fixed);
  assert.deepEqual(findingsOf(fixed, 'selector-template-mismatch'), []);
});

test('an unsatisfied matchExpression is reported without a fix', () => {
  const text = yaml(
    ...DEPLOYMENT_HEAD,
    '  selector:',
    '    matchExpressions:',
    '      - {key: tier, operator: In, values: [web, api]}',
    '  template:',
    '    metadata:',
    '      labels:',
    '        tier: batch',
    ...CONTAINERS,
  );
  const [f] = findingsOf(text, 'selector-template-mismatch');
  assert.match(f.message, /tier In \(web, api\) \(not satisfied by the template\)/);
  assert.equal(f.fixes?.length ?? 0, 0);
});

test('an empty selector is rejected', () => {
  const text = yaml(...DEPLOYMENT_HEAD, '  selector: {}', '  template:', '    metadata:', '      labels:', '        app: gateway', ...CONTAINERS);
  const [f] = findingsOf(text, 'selector-template-mismatch');
  assert.equal(span(f), '6:3-6:11');
  assert.match(f.message, /empty/);
  assert.match(f.message, /app: gateway/);
});

test('matching selectors, Jobs without manualSelector and look-alike custom kinds are not reported', () => {
  const matching = yaml(
    ...DEPLOYMENT_HEAD,
    '  selector:',
    '    matchLabels:',
    '      app: gateway',
    '  template:',
    '    metadata:',
    '      labels:',
    '        app: gateway',
    '        version: v2',
    ...CONTAINERS,
  );
  assert.deepEqual(findingsOf(matching, 'selector-template-mismatch'), []);
  const job = yaml(
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: train',
    'spec:',
    '  selector:',
    '    matchLabels:',
    '      x: y',
    '  template:',
    ...CONTAINERS,
  );
  assert.deepEqual(findingsOf(job, 'selector-template-mismatch'), []);
  const custom = matching.replace('apps/v1', 'example.com/v1').replace('      app: gateway\n  template', '      app: other\n  template');
  assert.deepEqual(findingsOf(custom, 'selector-template-mismatch'), []);
});

test('a Job with a hand-written selector but no manualSelector is an error, fixed by removing the selector', () => {
  const text = yaml(
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: train',
    'spec:',
    '  selector:',
    '    matchLabels:',
    '      job: train',
    '  template:',
    ...CONTAINERS,
  );
  const [f] = findingsOf(text, 'job-selector-not-generated');
  assert.equal(span(f), '6:3-6:11');
  assert.match(f.message, /not auto-generated/);
  const fixed = applyFix(text, f);
  assert.equal(fixed, yaml('apiVersion: batch/v1', 'kind: Job', 'metadata:', '  name: train', 'spec:', '  template:', ...CONTAINERS));
  assert.deepEqual(findingsOf(fixed, ['job-selector-not-generated', 'selector-template-mismatch']), []);
  const manual = text.replace('spec:\n  selector:', 'spec:\n  manualSelector: true\n  selector:');
  assert.deepEqual(findingsOf(manual, 'job-selector-not-generated'), []);
});

test('a Job with manualSelector and a ReplicationController are held to their selectors', () => {
  const job = yaml(
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: train',
    'spec:',
    '  manualSelector: true',
    '  selector:',
    '    matchLabels:',
    '      job: train',
    '  template:',
    ...CONTAINERS,
  );
  assert.equal(findingsOf(job, 'selector-template-mismatch').length, 1);
  const rc = yaml(
    'apiVersion: v1',
    'kind: ReplicationController',
    'metadata:',
    '  name: old',
    'spec:',
    '  selector:',
    '    app: old',
    '  template:',
    '    metadata:',
    '      labels:',
    '        app: new',
    ...CONTAINERS,
  );
  const [f] = findingsOf(rc, 'selector-template-mismatch');
  assert.equal(where(f), '10:7');
  assert.deepEqual(
    f.related?.map((r) => r.range.start.line + 1),
    [7],
  );
});

// ---------------------------------------------------------------- invalid-name

test('a Service name with uppercase and underscore is an error on the name value', () => {
  const text = yaml('apiVersion: v1', 'kind: Service', 'metadata:', '  name: TF_Serving', 'spec:', '  ports:', '    - port: 8500');
  const [f] = findingsOf(text, 'invalid-name');
  assert.equal(span(f), '4:9-4:19');
  assert.match(f.message, /^Service name "TF_Serving" must be a DNS-1123 label/);
  assert.match(f.message, /uppercase letters are not allowed/);
});

test('a Service name starting with a digit is rejected before 1.36 and accepted from 1.36 (relaxed Service names)', () => {
  const text = yaml('apiVersion: v1', 'kind: Service', 'metadata:', '  name: 2048-game', 'spec:', '  ports:', '    - port: 80');
  const [old] = findingsOf(text, 'invalid-name', { kubernetesVersion: '1.35' });
  assert.match(old.message, /must start with a letter/);
  assert.deepEqual(findingsOf(text, 'invalid-name', { kubernetesVersion: '1.36' }), []);
});

test('dots are fine in a Deployment name but not in a StatefulSet or Namespace name', () => {
  const named = (apiVersion: string, kind: string, name: string) => yaml(`apiVersion: ${apiVersion}`, `kind: ${kind}`, 'metadata:', `  name: ${name}`);
  assert.deepEqual(findingsOf(named('apps/v1', 'Deployment', 'gateway.v2'), 'invalid-name'), []);
  const [dots] = findingsOf(named('apps/v1', 'Deployment', 'gateway.v2'), 'name-not-dns-label');
  assert.equal(dots.severity, 'warning');
  assert.equal(span(dots), '4:9-4:19');
  assert.match(dots.message, /contains dots/);
  assert.deepEqual(findingsOf(named('apps/v1', 'DaemonSet', 'log.agent'), ['invalid-name', 'name-not-dns-label']), []);
  assert.deepEqual(findingsOf(named('apps/v1', 'Deployment', 'gateway'), 'name-not-dns-label'), []);
  const [sts] = findingsOf(named('apps/v1', 'StatefulSet', 'db.primary'), 'invalid-name');
  assert.match(sts.message, /hostname/);
  assert.equal(findingsOf(named('v1', 'Namespace', 'ml.zoomcamp'), 'invalid-name').length, 1);
  assert.deepEqual(findingsOf(named('example.com/v1', 'Widget', 'Any_Name'), 'invalid-name'), []);
});

test('names still holding Helm or envsubst placeholders are not judged', () => {
  const text = yaml(
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: "{{ .Release.Name }}-Gateway"',
    '  namespace: ${NAMESPACE}',
    '  labels:',
    '    chart: "{{ .Chart.Name }}"',
  );
  assert.deepEqual(findingsOf(text, ['invalid-name', 'invalid-label']), []);
});

test('a CronJob name longer than 52 characters is rejected', () => {
  const name = 'nightly-retraining-of-the-clothing-classification-xyz';
  assert.equal(name.length, 53);
  const [f] = findingsOf(yaml('apiVersion: batch/v1', 'kind: CronJob', 'metadata:', `  name: ${name}`), 'invalid-name');
  assert.match(f.message, /at most 52 characters \(it has 53\)/);
});

test('an invalid metadata.namespace is reported on its value', () => {
  const text = yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: settings', '  namespace: ML_Zoomcamp');
  const [f] = findingsOf(text, 'invalid-name');
  assert.equal(span(f), '5:14-5:25');
  assert.match(f.message, /^Namespace "ML_Zoomcamp"/);
});

test('an invalid container name is fixed by renaming it to a valid label', () => {
  const text = yaml(
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: model',
    'spec:',
    '  containers:',
    '    - name: TF_Serving',
    '      image: tensorflow/serving:2.14.0',
  );
  const [f] = findingsOf(text, 'invalid-name');
  assert.equal(where(f), '7:13');
  const fixed = applyFix(text, f);
  assert.ok(fixed.includes('    - name: tf-serving\n'), fixed);
  assert.deepEqual(findingsOf(fixed, 'invalid-name'), []);
});

// ---------------------------------------------------------------- invalid-label / invalid-annotation

test('bad label keys and values are reported on the key or the value', () => {
  const long = 'x'.repeat(64);
  const text = yaml(
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: settings',
    '  labels:',
    '    my app: gateway',
    `    build: ${long}`,
    '    Example.com/team: ml',
    '    app.kubernetes.io/version: v1.0-beta',
    '    release: ""',
  );
  const found = findingsOf(text, 'invalid-label');
  assert.deepEqual(found.map(where), ['6:5', '7:12', '8:5']);
  assert.match(found[1].message, /at most 63 characters \(it has 64\)/);
  assert.match(found[2].message, /prefix "Example.com"/);
});

test('pod template and selector labels are checked too', () => {
  const text = yaml(
    ...DEPLOYMENT_HEAD,
    '  selector:',
    '    matchLabels:',
    '      app: hello world',
    '  template:',
    '    metadata:',
    '      labels:',
    '        app: hello world',
    ...CONTAINERS,
  );
  assert.deepEqual(findingsOf(text, 'invalid-label').map(where), ['8:12', '12:14']);
});

test('annotation keys are checked and more than 256 KiB of annotations is rejected', () => {
  const text = yaml(
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: settings',
    '  annotations:',
    '    kube topology/owner: me',
    '    example.com/ok: fine',
  );
  const [bad, ...rest] = findingsOf(text, 'invalid-annotation');
  assert.equal(rest.length, 0, 'example.com/ok is a valid key');
  assert.equal(where(bad), '6:5');
  const big = yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: settings', '  annotations:', `    notes: ${'a'.repeat(256 * 1024)}`);
  const [size] = findingsOf(big, 'invalid-annotation');
  assert.equal(span(size), '5:3-5:14');
  assert.match(size.message, /257 KiB/);
});

// ---------------------------------------------------------------- duplicate-container-name

test('a container name used twice in a pod, across init containers too, is an error on the second', () => {
  const text = yaml(
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: model',
    'spec:',
    '  initContainers:',
    '    - name: model',
    '      image: busybox:1.36',
    '  containers:',
    '    - name: model',
    '      image: tensorflow/serving:2.14.0',
    '    - name: sidecar',
    '      image: busybox:1.36',
  );
  const [f, ...rest] = findingsOf(text, 'duplicate-container-name');
  assert.equal(rest.length, 0);
  // Regular containers come first in the walk, so the init container is the duplicate.
  assert.equal(where(f), '7:13');
  assert.equal(f.related?.[0].range.start.line, 9);
});

// ---------------------------------------------------------------- requests-exceed-limits

const RESOURCES_POD = (requests: string[], limits: string[]) =>
  yaml(
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: model',
    'spec:',
    '  containers:',
    '    - name: model',
    '      image: tensorflow/serving:2.14.0',
    '      resources:',
    '        requests:',
    ...requests.map((l) => `          ${l}`),
    '        limits:',
    ...limits.map((l) => `          ${l}`),
  );

test('a CPU request above its limit is an error on the request, with fixes to lower the request or raise the limit', () => {
  const text = RESOURCES_POD(['cpu: 500m', 'memory: 1Gi'], ['cpu: 250m', 'memory: 1024Mi']);
  const [f, ...rest] = findingsOf(text, 'requests-exceed-limits');
  assert.equal(rest.length, 0, 'memory 1Gi equals 1024Mi');
  assert.equal(span(f), '11:16-11:20');
  assert.equal(covered(text, f), '500m');
  assert.equal(f.related?.[0].range.start.line, 13);
  const lowered = applyFix(text, f, 'Lower requests.cpu to the limit (250m)');
  assert.ok(lowered.includes('        requests:\n          cpu: 250m\n'), lowered);
  assert.deepEqual(findingsOf(lowered, 'requests-exceed-limits'), []);
  const raised = applyFix(text, f, 'Raise limits.cpu to the request (500m)');
  assert.ok(raised.includes('        limits:\n          cpu: 500m\n'), raised);
  assert.deepEqual(findingsOf(raised, 'requests-exceed-limits'), []);
});

test('equal quantities in different units are not reported', () => {
  assert.deepEqual(findingsOf(RESOURCES_POD(['cpu: "0.5"', 'memory: 500M'], ['cpu: 500m', 'memory: 0.5G']), 'requests-exceed-limits'), []);
  assert.deepEqual(findingsOf(RESOURCES_POD(['cpu: 1'], ['cpu: 1000m']), 'requests-exceed-limits'), []);
  assert.equal(findingsOf(RESOURCES_POD(['memory: 1.5Gi'], ['memory: 1Gi']), 'requests-exceed-limits').length, 1);
  assert.equal(findingsOf(RESOURCES_POD(['memory: 512M'], ['memory: 0.5G']), 'requests-exceed-limits').length, 1, '0.5G is 500M');
});

// ---------------------------------------------------------------- negative-replicas

test('negative replicas are an error; zero is fine', () => {
  const text = (n: number) => yaml(...DEPLOYMENT_HEAD, `  replicas: ${n}`);
  const [f] = findingsOf(text(-1), 'negative-replicas');
  assert.equal(span(f), '6:13-6:15');
  assert.deepEqual(findingsOf(text(0), 'negative-replicas'), []);
});

// ---------------------------------------------------------------- hpa-replica-range / hpa-invalid-target

const HPA = (...spec: string[]) =>
  yaml(
    'apiVersion: autoscaling/v2',
    'kind: HorizontalPodAutoscaler',
    'metadata:',
    '  name: gateway',
    'spec:',
    '  scaleTargetRef:',
    '    apiVersion: apps/v1',
    '    kind: Deployment',
    '    name: gateway',
    ...spec,
  );

test('minReplicas above maxReplicas is an error on maxReplicas, with a fix that swaps them', () => {
  const text = HPA('  minReplicas: 5', '  maxReplicas: 2');
  const [f] = findingsOf(text, 'hpa-replica-range');
  assert.equal(span(f), '11:16-11:17');
  assert.equal(f.related?.[0].range.start.line, 9);
  const fixed = applyFix(text, f, 'Swap them: minReplicas 2, maxReplicas 5');
  assert.ok(fixed.endsWith('  minReplicas: 2\n  maxReplicas: 5\n'), fixed);
  assert.deepEqual(findingsOf(fixed, 'hpa-replica-range'), []);
});

test('minReplicas 0 is rejected (scale to zero is an alpha feature)', () => {
  const [f] = findingsOf(HPA('  minReplicas: 0', '  maxReplicas: 3'), 'hpa-replica-range');
  assert.equal(where(f), '10:16');
  assert.match(f.message, /HPAScaleToZero/);
  assert.deepEqual(findingsOf(HPA('  minReplicas: 1', '  maxReplicas: 3'), 'hpa-replica-range'), []);
});

test('a utilization target of 0 and a non-positive averageValue are rejected; 50% is fine', () => {
  const metric = (target: string[]) =>
    HPA(
      '  maxReplicas: 3',
      '  metrics:',
      '    - type: Resource',
      '      resource:',
      '        name: cpu',
      '        target:',
      ...target.map((l) => `          ${l}`),
    );
  const [zero] = findingsOf(metric(['type: Utilization', 'averageUtilization: 0']), 'hpa-invalid-target');
  assert.equal(where(zero), '17:31');
  const [value] = findingsOf(metric(['type: AverageValue', 'averageValue: "0"']), 'hpa-invalid-target');
  assert.equal(where(value), '17:25');
  assert.deepEqual(findingsOf(metric(['type: Utilization', 'averageUtilization: 50']), 'hpa-invalid-target'), []);
  const v1 = yaml(
    'apiVersion: autoscaling/v1',
    'kind: HorizontalPodAutoscaler',
    'metadata:',
    '  name: gateway',
    'spec:',
    '  maxReplicas: 3',
    '  targetCPUUtilizationPercentage: -20',
  );
  assert.equal(findingsOf(v1, 'hpa-invalid-target').length, 1);
});
