/**
 * The pure parts of the apply engine: server field paths to YAML ranges, server errors to
 * findings, the diff, Secret redaction, apply order, rollout evaluation, CLI durations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { parseFieldPath, resolveFieldPath, findingsForResponse, conflictManagers } from '../../../src/core/cluster/serverErrors';
import { unifiedDiff } from '../../../src/core/cluster/textDiff';
import { diffObjects, redactSecret, sameObject, secretStrings } from '../../../src/core/cluster/objectCompare';
import { Redactor } from '../../../src/core/cluster/redaction';
import { applyTier, groupByTier } from '../../../src/core/cluster/applyOrder';
import { rolloutState, labelSelectorString, podProblem } from '../../../src/core/cluster/rolloutStatus';
import { parseDuration } from '../../../src/cli/clusterCommon';

const deployment = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: gateway',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: sidecar',
  '          image: busybox',
  '        - name: gateway',
  '          image: gateway:1',
  '          ports:',
  '            - containerPort: 9696',
  '',
].join('\n');

function resource(text = deployment) {
  const index = new WorkspaceIndex();
  index.setFile('/m/d.yaml', text, { explicit: true });
  return index.resources()[0];
}

test('server field paths parse indexes, list selectors and map keys with dots', () => {
  assert.deepEqual(parseFieldPath('spec.template.spec.containers[0].image'), ['spec', 'template', 'spec', 'containers', 0, 'image']);
  assert.deepEqual(parseFieldPath('.spec.template.spec.containers[name="gateway"].ports[containerPort=9696,protocol="TCP"]'), [
    'spec',
    'template',
    'spec',
    'containers',
    { match: { name: 'gateway' } },
    'ports',
    { match: { containerPort: 9696, protocol: 'TCP' } },
  ]);
  assert.deepEqual(parseFieldPath('metadata.labels[app.kubernetes.io/name]'), ['metadata', 'labels', 'app.kubernetes.io/name']);
});

test('list selectors resolve to the index of the matching item, stopping where nothing matches', () => {
  const r = resource();
  assert.deepEqual(resolveFieldPath(r.object, parseFieldPath('.spec.template.spec.containers[name="gateway"].image')), [
    'spec',
    'template',
    'spec',
    'containers',
    1,
    'image',
  ]);
  assert.deepEqual(resolveFieldPath(r.object, parseFieldPath('.spec.template.spec.containers[name="nope"].image')), ['spec', 'template', 'spec', 'containers']);
});

test('a 422 cause is reported on the line of the field it names', () => {
  const r = resource();
  const [f] = findingsForResponse(
    {
      status: 422,
      body: {
        kind: 'Status',
        reason: 'Invalid',
        message: 'Deployment.apps "gateway" is invalid',
        details: { causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers[1].image' }] },
      },
    },
    { resource: r, namespace: 'default', redact: (t: string) => t, verb: 'dry-run' },
  );
  assert.equal(f.code, 'apply-rejected');
  assert.equal(f.range.start.line, 11);
  assert.equal(f.message, 'the server rejected Deployment "gateway": spec.template.spec.containers[1].image: Required value');
});

test('a server-side apply conflict names the manager and underlines the contested field', () => {
  const r = resource();
  const body = {
    kind: 'Status',
    status: 'Failure',
    reason: 'Conflict',
    code: 409,
    message: 'Apply failed with 1 conflict: conflict with "helm" using apps/v1: .spec.template.spec.containers[name="gateway"].image',
    details: {
      causes: [
        { reason: 'FieldManagerConflict', message: 'conflict with "helm" using apps/v1', field: '.spec.template.spec.containers[name="gateway"].image' },
      ],
    },
  };
  const [f] = findingsForResponse({ status: 409, body }, { resource: r, namespace: 'default', redact: (t: string) => t, verb: 'apply' });
  assert.equal(f.code, 'apply-conflict');
  assert.equal(f.range.start.line, 11);
  assert.match(
    f.message,
    /spec\.template\.spec\.containers\[name="gateway"\]\.image of Deployment "gateway" is managed by "helm" \(apps\/v1\).*--force-conflicts/,
  );
  assert.deepEqual(conflictManagers(body), ['helm']);
});

test('strict decoding errors point at the unknown field; 403 and missing namespaces get their own codes', () => {
  const r = resource();
  const ctx = { resource: r, namespace: 'shop', redact: (t: string) => t, verb: 'dry-run' };
  const [unknown] = findingsForResponse(
    {
      status: 400,
      body: { reason: 'BadRequest', message: '.spec.template.spec.containers[name="gateway"].ports: unknown field "spec.template.spec.containers[1].ports"' },
    },
    ctx,
  );
  assert.equal(unknown.code, 'apply-rejected');
  assert.equal(unknown.range.start.line, 12);
  const [forbidden] = findingsForResponse(
    { status: 403, body: { reason: 'Forbidden', message: 'deployments.apps "gateway" is forbidden: User "x" cannot patch resource "deployments"' } },
    ctx,
  );
  assert.equal(forbidden.code, 'apply-forbidden');
  assert.equal(forbidden.range.start.line, 3);
  const [ns] = findingsForResponse(
    { status: 404, body: { reason: 'NotFound', message: 'namespaces "shop" not found', details: { name: 'shop', kind: 'namespaces' } } },
    ctx,
  );
  assert.equal(ns.code, 'apply-namespace-missing');
  assert.match(ns.message, /namespace "shop" does not exist/);
});

test('Secret values are scrubbed from server messages', () => {
  const text = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  token: abc-secret-123\ndata:\n  b: c2VjcmV0LWI=\n';
  const r = resource(text);
  const secrets = new Redactor().add(...secretStrings(r.object));
  assert.equal(secrets.scrub('value "abc-secret-123" and secret-b and YWJjLXNlY3JldC0xMjM='), 'value "***" and *** and ***');
  const [f] = findingsForResponse(
    { status: 422, body: { message: 'x', details: { causes: [{ field: 'stringData[token]', message: 'Invalid value: "abc-secret-123"' }] } } },
    { resource: r, redact: (t) => secrets.scrub(t), verb: 'apply' },
  );
  assert.ok(!f.message.includes('abc-secret-123'), f.message);
});

test('redacted Secrets show which keys change without showing values', () => {
  const live = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"a":"b2xk"}}' } },
    data: { a: Buffer.from('old').toString('base64'), same: 'eA==' },
  };
  const intended = { ...live, data: { a: Buffer.from('new').toString('base64'), same: 'eA==', added: 'eQ==' } };
  const d = diffObjects(live, intended, 'secret/s');
  assert.match(d.unified, /^- {2}a: "\*\*\*"$/m);
  assert.match(d.unified, /^\+ {2}a: "\*\*\* \(changed\)"$/m);
  assert.match(d.unified, /^\+ {2}added: "\*\*\* \(new\)"$/m);
  assert.doesNotMatch(d.unified, /^[-+] +same/m, 'an unchanged value is not a change');
  assert.ok(!JSON.stringify(d).includes('b2xk'));
  assert.deepEqual(redactSecret({ kind: 'ConfigMap', data: { a: 'visible' } }), { kind: 'ConfigMap', data: { a: 'visible' } });
});

test('objects that differ only in bookkeeping and status are the same', () => {
  const a = {
    kind: 'ConfigMap',
    metadata: { name: 'x', resourceVersion: '1', managedFields: [{ manager: 'a' }], generation: 1 },
    data: { k: 'v' },
    status: { x: 1 },
  };
  const b = { kind: 'ConfigMap', data: { k: 'v' }, metadata: { generation: 2, name: 'x', resourceVersion: '2', managedFields: [] } };
  assert.equal(sameObject(a, b), true);
  assert.equal(sameObject(a, { ...b, data: { k: 'w' } }), false);
});

test('the unified diff prints hunks with context like diff -u', () => {
  const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n') + '\n';
  const after = ['a', 'b', 'c', 'd', 'E', 'f', 'g', 'h', 'i', 'j', 'k'].join('\n') + '\n';
  assert.equal(
    unifiedDiff(before, after, { fromLabel: 'l', toLabel: 'r' }),
    ['--- l', '+++ r', '@@ -2,9 +2,10 @@', ' b', ' c', ' d', '-e', '+E', ' f', ' g', ' h', ' i', ' j', '+k', ''].join('\n'),
  );
  assert.equal(unifiedDiff('same\n', 'same\n'), '');
  assert.equal(unifiedDiff('', 'x\n'), '--- live\n+++ intended\n@@ -0,0 +1,1 @@\n+x\n');
});

test('apply order puts namespaces, CRDs and config before workloads, HPAs and ingress; delete reverses it', () => {
  const kinds = [
    'Ingress',
    'HorizontalPodAutoscaler',
    'Deployment',
    'Widget',
    'Service',
    'ConfigMap',
    'CustomResourceDefinition',
    'Namespace',
    'ServiceAccount',
  ];
  assert.deepEqual(groupByTier(kinds, applyTier).flat(), [
    'Namespace',
    'CustomResourceDefinition',
    'ServiceAccount',
    'ConfigMap',
    'Service',
    'Deployment',
    'HorizontalPodAutoscaler',
    'Ingress',
    'Widget',
  ]);
  assert.deepEqual(groupByTier(kinds, applyTier, true).flat(), [
    'Widget',
    'Ingress',
    'HorizontalPodAutoscaler',
    'Deployment',
    'Service',
    'ConfigMap',
    'ServiceAccount',
    'CustomResourceDefinition',
    'Namespace',
  ]);
});

test('rollout status follows kubectl: updated, old replicas gone, available; a progress deadline fails', () => {
  const d = (status: object, spec: object = { replicas: 2 }) => ({
    kind: 'Deployment',
    metadata: { generation: 2 },
    spec,
    status: { observedGeneration: 2, ...status },
  });
  assert.equal(rolloutState({ kind: 'Deployment', metadata: { generation: 3 }, spec: {}, status: { observedGeneration: 2 } }).status, 'progressing');
  assert.deepEqual(rolloutState(d({ updatedReplicas: 1, replicas: 2, availableReplicas: 1 })), {
    status: 'progressing',
    message: '1 of 2 new replicas updated',
    ready: 1,
    desired: 2,
  });
  assert.equal(rolloutState(d({ updatedReplicas: 2, replicas: 3, availableReplicas: 2 })).message, '1 old replicas pending termination');
  assert.equal(rolloutState(d({ updatedReplicas: 2, replicas: 2, availableReplicas: 2 })).status, 'available');
  assert.equal(rolloutState(d({ conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] })).status, 'failed');
  assert.equal(
    rolloutState({
      kind: 'StatefulSet',
      metadata: { generation: 1 },
      spec: { replicas: 2 },
      status: { observedGeneration: 1, readyReplicas: 2, currentRevision: 'a', updateRevision: 'b', updatedReplicas: 1 },
    }).status,
    'progressing',
  );
  assert.equal(
    rolloutState({
      kind: 'DaemonSet',
      metadata: { generation: 1 },
      spec: {},
      status: { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 },
    }).status,
    'available',
  );
});

test('pod problems and label selectors read like kubectl prints them', () => {
  assert.equal(
    podProblem({ status: { containerStatuses: [{ state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "x:latest"' } } }] } }),
    'ImagePullBackOff: Back-off pulling image "x:latest"',
  );
  assert.equal(
    podProblem({
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available' }] },
    }),
    'Unschedulable: 0/1 nodes are available',
  );
  assert.equal(
    labelSelectorString({
      matchLabels: { app: 'a' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['x', 'y'] },
        { key: 'old', operator: 'DoesNotExist' },
      ],
    }),
    'app=a,tier in (x,y),!old',
  );
});

test('CLI durations', () => {
  assert.equal(parseDuration('120s', '--timeout'), 120_000);
  assert.equal(parseDuration('1m30s', '--timeout'), 90_000);
  assert.equal(parseDuration('500ms', '--timeout'), 500);
  assert.equal(parseDuration('2', '--timeout'), 2000);
  assert.throws(() => parseDuration('soon', '--timeout'), /--timeout must be a duration like 120s/);
  assert.throws(() => parseDuration('10x', '--timeout'), /--timeout must be a duration/);
});
