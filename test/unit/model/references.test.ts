import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { ResourceIndex } from '../../../src/core/index/resourceIndex';
import { parseManifestFile, type Resource } from '../../../src/core/parse/manifestParser';
import { rangeOf } from '../../../src/core/parse/locate';
import { computeReferences, referencesOf, type Reference } from '../../../src/core/model/references';

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures');

function load(dir: string): WorkspaceIndex {
  const index = new WorkspaceIndex();
  for (const name of readdirSync(join(FIXTURES, dir)).sort()) index.setFile(`${dir}/${name}`, readFileSync(join(FIXTURES, dir, name), 'utf8'));
  return index;
}

const id = (r: Resource | undefined) => (r ? `${r.kind}/${r.name}` : '-');
const edge = (ref: Reference) => `${ref.type} ${id(ref.from)} -> ${id(ref.target)}${ref.problem ? ` [${ref.problem.reason}]` : ''}`;

function indexOf(text: string, defaultNamespace = 'default'): ResourceIndex {
  return new ResourceIndex(parseManifestFile('t.yaml', text).resources, defaultNamespace);
}

test('the lesson topology as data: entry point → gateway → model service → model pods, scaling range, ingress', () => {
  const { index } = load('zoomcamp').analyze();
  const refs = referencesOf(index);
  assert.deepEqual(refs.all.map(edge).sort(), [
    'calls Deployment/gateway -> Service/tf-serving-clothing-model',
    'routes Ingress/clothing -> Service/gateway',
    'scales HorizontalPodAutoscaler/gateway-hpa -> Deployment/gateway',
    'selects Service/gateway -> Deployment/gateway',
    'selects Service/tf-serving-clothing-model -> Deployment/tf-serving-clothing-model',
  ]);
  // Service port → targetPort → containerPort.
  const gw = refs.selects.find((r) => r.from.name === 'gateway')!;
  assert.deepEqual(
    gw.ports.map((m) => ({
      port: m.servicePort.port,
      targetPort: m.servicePort.targetPort,
      status: m.status,
      podPort: m.podPort,
      container: m.containerPort?.container.name,
      path: m.containerPort?.path.join('.'),
    })),
    [{ port: 80, targetPort: 9696, status: 'declared', podPort: 9696, container: 'gateway', path: 'spec.template.spec.containers.0.ports.0' }],
  );
  const hpa = refs.scales[0];
  assert.deepEqual([hpa.minReplicas, hpa.maxReplicas], [1, 3]);
  assert.deepEqual(hpa.metrics, [
    { resource: 'cpu', targetType: 'Utilization', utilization: 50, path: ['spec', 'metrics', 0, 'resource', 'name'], container: undefined, defaulted: false },
  ]);
  const route = refs.routes[0];
  assert.deepEqual([route.serviceName, route.port?.number, route.servicePort?.port, route.httpPath, route.isDefault], ['gateway', 80, 80, '/', false]);
  const call = refs.calls[0];
  assert.deepEqual(
    [call.envName, call.container.name, call.namespace, call.address.form, call.servicePort?.port],
    ['TF_SERVING_HOST', 'gateway', 'default', 'fqdn', 8500],
  );
  assert.deepEqual(call.path, ['spec', 'template', 'spec', 'containers', 0, 'env', 0, 'value']);
  // Lookups both ways, and one computation per analysis pass.
  const svc = index.first('Service', 'default', 'gateway')!;
  assert.deepEqual(refs.to(svc).map(edge), ['routes Ingress/clothing -> Service/gateway']);
  assert.deepEqual(refs.from(svc).map(edge), ['selects Service/gateway -> Deployment/gateway']);
  assert.equal(referencesOf(index), refs);
});

test('broken references carry their reason, the nearest candidate and what exists elsewhere', () => {
  const { index } = load('cross/recommender').analyze();
  const refs = referencesOf(index);
  assert.deepEqual(refs.all.map(edge).sort(), [
    'calls Deployment/ui -> - [other-namespace]',
    'calls Deployment/ui -> Service/model-serving [port-missing]',
    'calls Job/training -> Service/feature-store',
    'calls Job/training -> Service/model-serving',
    'routes Ingress/movies -> Service/ui [port-missing]',
    'scales HorizontalPodAutoscaler/model-serving -> Deployment/model-serving',
    'selects Service/feature-store -> StatefulSet/feature-store',
    'selects Service/model-serving -> - [no-match]',
    'selects Service/ui -> Deployment/ui',
    'uses Job/training -> ConfigMap/pipeline-settings',
  ]);
  const noMatch = refs.selects.find((r) => r.problem)!.problem!;
  assert.equal(noMatch.reason, 'no-match');
  if (noMatch.reason === 'no-match') {
    assert.equal(id(noMatch.nearest?.workload), 'Deployment/model-serving');
    assert.deepEqual(noMatch.nearest?.differences, [{ key: 'app', selectorValue: 'model-server', labelValue: 'model-serving' }]);
  }
  const other = refs.calls.find((r) => r.problem?.reason === 'other-namespace')!;
  assert.equal(other.namespace, 'movies');
  if (other.problem?.reason === 'other-namespace')
    assert.deepEqual(
      other.problem.candidates.map((c) => `${c.namespace}/${c.name}`),
      ['data/feature-store'],
    );
  const port = refs.routes[0].problem!;
  assert.deepEqual(port.reason === 'port-missing' ? [port.port, port.ports.map((p) => p.port)] : [], [3000, [80]]);
  assert.equal(refs.duplicates.length, 1);
  assert.deepEqual(
    refs.duplicates[0].map((r) => r.file),
    ['cross/recommender/feature-store.yaml', 'cross/recommender/pipeline.yaml'],
  );
});

test('port mapping statuses: declared by name, undeclared number, missing name, no ports', () => {
  const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: a}
spec:
  template:
    metadata: {labels: {app: a}}
    spec:
      containers:
        - name: web
          image: x
          ports: [{name: http, containerPort: 8080}, {name: dns, containerPort: 53, protocol: UDP}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b}
spec:
  template:
    metadata: {labels: {app: b}}
    spec:
      containers: [{name: web, image: x}]
---
apiVersion: v1
kind: Service
metadata: {name: a}
spec:
  selector: {app: a}
  ports:
    - {name: web, port: 80, targetPort: http}
    - {name: alt, port: 8081}
    - {name: admin, port: 9000, targetPort: admin}
    - {name: dns, port: 53, targetPort: 53, protocol: UDP}
---
apiVersion: v1
kind: Service
metadata: {name: b}
spec:
  selector: {app: b}
  ports: [{port: 80, targetPort: 8080}]
`;
  const refs = computeReferences(indexOf(text));
  const [a, b] = refs.selects;
  assert.deepEqual(
    a.ports.map((m) => `${m.servicePort.name}:${m.status}:${m.podPort ?? '-'}`),
    ['web:declared:8080', 'alt:undeclared:8081', 'admin:named-missing:-', 'dns:declared:53'],
  );
  assert.equal(a.ports[3].containerPort?.protocol, 'UDP');
  assert.deepEqual(
    b.ports.map((m) => m.status),
    ['no-ports'],
  );
});

test('HPA targets: kind and apiVersion problems, custom kinds, metrics of every API version', () => {
  const hpa = (name: string, ref: string, rest = '', apiVersion = 'autoscaling/v2') =>
    `apiVersion: ${apiVersion}\nkind: HorizontalPodAutoscaler\nmetadata: {name: ${name}}\nspec:\n  scaleTargetRef: ${ref}\n  maxReplicas: 5\n${rest}---\n`;
  const text =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: x}]}}}\n---\n' +
    hpa('a', '{apiVersion: apps/v1, kind: Deployments, name: web}') +
    hpa('b', '{apiVersion: extensions/v1beta1, kind: Deployment, name: web}') +
    hpa('c', '{apiVersion: apps/v1beta2, kind: Deployment, name: web}') +
    hpa('d', '{apiVersion: apps/v1, kind: DaemonSet, name: web}') +
    hpa('e', '{apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: web}') +
    hpa('f', '{kind: Deployment, name: wbe}') +
    hpa('g', '{kind: Deployment, name: web}', '  targetCPUUtilizationPercentage: 70\n', 'autoscaling/v1') +
    hpa('h', '{kind: Deployment, name: web}', '', 'autoscaling/v1') +
    hpa('j', '{apiVersion: apps/v1beta1, kind: Deployment, name: nothing-like-it}') +
    hpa(
      'i',
      '{kind: Deployment, name: web}',
      '  metrics:\n    - {type: Resource, resource: {name: memory, targetAverageUtilization: 75}}\n    - {type: Pods, pods: {metric: {name: qps}}}\n',
      'autoscaling/v2beta1',
    );
  const refs = computeReferences(indexOf(text));
  const byName = new Map(refs.scales.map((r) => [r.from.name, r]));
  assert.deepEqual(byName.get('a')!.problem, { reason: 'kind-invalid', detail: 'unknown-kind', expectedKind: 'Deployment', expectedApiVersion: 'apps/v1' });
  assert.equal(id(byName.get('a')!.target), 'Deployment/web', 'the meant workload is known, for the graph');
  assert.deepEqual(byName.get('b')!.problem, { reason: 'kind-invalid', detail: 'api-group', expectedApiVersion: 'apps/v1' });
  assert.deepEqual(byName.get('c')!.problem, { reason: 'kind-invalid', detail: 'api-version', expectedApiVersion: 'apps/v1' });
  assert.deepEqual(byName.get('d')!.problem, { reason: 'kind-invalid', detail: 'not-scalable' });
  assert.deepEqual(byName.get('e')!.problem, { reason: 'out-of-scope' });
  assert.deepEqual(byName.get('j')!.problem, { reason: 'not-found', nearest: undefined }, 'a missing target outweighs an old apiVersion');
  assert.deepEqual(byName.get('f')!.problem, { reason: 'not-found', nearest: undefined }, 'wbe: three letters are too few for a guess');
  assert.deepEqual(
    byName.get('g')!.metrics.map((m) => [m.resource, m.utilization, m.defaulted, m.path.join('.')]),
    [['cpu', 70, false, 'spec.targetCPUUtilizationPercentage']],
  );
  assert.deepEqual(
    byName.get('h')!.metrics.map((m) => [m.resource, m.utilization, m.defaulted, m.path.join('.')]),
    [['cpu', 80, true, 'spec']],
  );
  assert.deepEqual(
    byName.get('i')!.metrics.map((m) => [m.resource, m.targetType, m.utilization]),
    [['memory', 'Utilization', 75]],
  );
});

test('workload → ConfigMap/Secret references from env, envFrom and volumes, with missing keys', () => {
  const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {MODEL_NAME: clothing}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {token: x}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: c
          image: x
          env:
            - {name: MODEL, valueFrom: {configMapKeyRef: {name: settings, key: MODEL_NAME}}}
            - {name: VERSION, valueFrom: {configMapKeyRef: {name: settings, key: MODEL_VERSION}}}
            - {name: TOKEN, valueFrom: {secretKeyRef: {name: creds, key: token}}}
          envFrom:
            - configMapRef: {name: setings}
            - secretRef: {name: tls, optional: true}
      volumes:
        - {name: a, configMap: {name: settings}}
        - {name: b, secret: {secretName: creds}}
        - {name: c, projected: {sources: [{configMap: {name: settings}}, {secret: {name: creds}}]}}
`;
  const refs = computeReferences(indexOf(text));
  assert.deepEqual(
    refs.uses.map(
      (u) =>
        `${u.via} ${u.targetKind}/${u.name}${u.key ? `[${u.key}]` : ''}${u.optional ? ' optional' : ''} -> ${id(u.target)}${u.problem ? ` ${u.problem.reason}` : ''}`,
    ),
    [
      'env ConfigMap/settings[MODEL_NAME] -> ConfigMap/settings',
      'env ConfigMap/settings[MODEL_VERSION] -> ConfigMap/settings key-missing',
      'env Secret/creds[token] -> Secret/creds',
      'envFrom ConfigMap/setings -> - not-found',
      'envFrom Secret/tls optional -> - not-found',
      'volume ConfigMap/settings -> ConfigMap/settings',
      'volume Secret/creds -> Secret/creds',
      'volume ConfigMap/settings -> ConfigMap/settings',
      'volume Secret/creds -> Secret/creds',
    ],
  );
  const typo = refs.uses[3].problem!;
  assert.equal(typo.reason === 'not-found' && id(typo.nearest), 'ConfigMap/settings');
});

test('the graph and the findings never disagree: every broken reference has a finding at its path, no working one does', () => {
  for (const dir of ['zoomcamp', 'cross/recommender']) {
    const ws = load(dir);
    const result = ws.analyze();
    const refs = referencesOf(result.index);
    const all = [...result.byFile.values()].flat();
    const atPath = (ref: Reference) => {
      const r = rangeOf(ref.from, ref.path, 'value');
      return all.filter(
        (f) => f.file === ref.from.file && f.range.start.line >= r.start.line && f.range.start.line <= r.end.line + 3 && f.resource?.name === ref.from.name,
      );
    };
    for (const ref of refs.all) {
      if (ref.type === 'uses' || ref.problem?.reason === 'out-of-scope') continue;
      const crossCodes = atPath(ref).filter((f) => /^(service-|hpa-target|ingress-|cross-namespace)/.test(f.code));
      if (ref.problem) assert.ok(crossCodes.length > 0, `${dir}: no finding for broken ${edge(ref)}`);
      else
        assert.deepEqual(
          crossCodes.map((f) => f.code),
          [],
          `${dir}: finding on working ${edge(ref)}`,
        );
    }
  }
});
