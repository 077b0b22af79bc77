import { test } from 'node:test';
import assert from 'node:assert/strict';
import { at, crossFindings, located, none, single, withCode, zoomcamp } from './crossHelpers';

const inNamespace = (text: string, ns: string) => text.replace(/^metadata:\n {2}name: (.*)\n/m, `metadata:\n  name: $1\n  namespace: ${ns}\n`);

test('cross-namespace-reference: a Service whose pods exist only in another namespace', () => {
  const files = zoomcamp();
  files['zoomcamp/gateway-deployment.yaml'] = inNamespace(files['zoomcamp/gateway-deployment.yaml'], 'web');
  const list = crossFindings(files);
  none(list, 'service-selector-no-match');
  const svc = files['zoomcamp/gateway-service.yaml'];
  const f = withCode(list, 'cross-namespace-reference').find((x) => x.file === 'zoomcamp/gateway-service.yaml')!;
  assert.equal(f.severity, 'error');
  assert.equal(at(f), located('zoomcamp/gateway-service.yaml', svc, 'selector'));
  assert.equal(
    f.message,
    'Service gateway sets no namespace, so it goes to the namespace it is applied in (default here), but the pods with app=gateway are only in namespace web (Deployment gateway (web)). A Service only sends traffic to pods in its own namespace: put both in the same namespace.',
  );
  assert.deepEqual(f.related?.map(at), [located('zoomcamp/gateway-deployment.yaml', files['zoomcamp/gateway-deployment.yaml'], 'labels')]);
});

test('cross-namespace-reference: an autoscaler whose workload is in another namespace', () => {
  const files = zoomcamp();
  files['zoomcamp/gateway-hpa.yaml'] = inNamespace(files['zoomcamp/gateway-hpa.yaml'], 'web');
  const list = crossFindings(files);
  none(list, 'hpa-target-missing');
  const f = single(list, 'cross-namespace-reference');
  assert.equal(at(f), located('zoomcamp/gateway-hpa.yaml', files['zoomcamp/gateway-hpa.yaml'], 'gateway', 2));
  assert.equal(
    f.message,
    'HorizontalPodAutoscaler gateway-hpa is in namespace web, but Deployment gateway exists only in namespace default: an autoscaler can only scale workloads in its own namespace.',
  );
  assert.deepEqual(f.related?.map(at), [located('zoomcamp/gateway-deployment.yaml', files['zoomcamp/gateway-deployment.yaml'], 'gateway', 1)]);
});

test('the default namespace option decides where resources without metadata.namespace are', () => {
  const files = zoomcamp();
  // TF_SERVING_HOST names namespace default explicitly; with everything else in "ml" it points at the wrong namespace.
  const f = single(crossFindings(files, { defaultNamespace: 'ml' }), 'cross-namespace-reference');
  assert.match(f.message, /in namespace default, but Service tf-serving-clothing-model exists only in namespace ml: did you mean namespace ml\?/);
});

const CM = (name: string, ns?: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
${ns ? `  namespace: ${ns}\n` : ''}data:
  key: value
`;

test('duplicate-resource: within one file an error; across the files of a folder nothing declares, a note (they may be alternatives)', () => {
  const a = `${CM('settings')}---\n${CM('settings')}`;
  const b = CM('settings');
  const list = withCode(crossFindings({ 'a.yaml': a, 'b.yaml': b }), 'duplicate-resource');
  assert.deepEqual(list.map(at), [located('a.yaml', a, 'settings'), located('a.yaml', a, 'settings', 1), located('b.yaml', b, 'settings')]);
  assert.deepEqual(
    list.map((f) => f.severity),
    ['error', 'error', 'info'],
  );
  assert.equal(
    list[0].message,
    'ConfigMap settings in namespace default is defined 3 times (also in this file, b.yaml): kubectl apply keeps only the last one applied and silently replaces the others. Rename or remove one.',
  );
  assert.match(
    list[2].message,
    /^ConfigMap settings in namespace default is also defined in a\.yaml in this folder\. Applied as one \(`kubectl apply -f \.`\)/,
  );
  assert.deepEqual(list[2].related?.map(at), [located('a.yaml', a, 'settings'), located('a.yaml', a, 'settings', 1)]);
});

test('duplicate-resource: across files of a declared unit or of the files named on the command line, an error', () => {
  const files = { 'k8s/a.yaml': CM('settings'), 'k8s/b.yaml': CM('settings') };
  const declared = withCode(crossFindings(files, {}, { declared: [{ name: 'k8s', paths: ['k8s'] }] }), 'duplicate-resource');
  assert.deepEqual(
    declared.map((f) => [f.severity, f.unit]),
    [
      ['error', 'k8s'],
      ['error', 'k8s'],
    ],
  );
  // A file in the same folder is named as its reader sees it beside them, not by its full path.
  assert.match(declared[0].message, /\(also in b\.yaml\)/);
  const nested = withCode(
    crossFindings({ 'k8s/a.yaml': CM('settings'), 'k8s/extra/b.yaml': CM('settings') }, {}, { declared: [{ name: 'k8s', paths: ['k8s'], recursive: true }] }),
    'duplicate-resource',
  );
  assert.match(nested[0].message, /\(also in k8s\/extra\/b\.yaml\)/);
  const named = withCode(crossFindings(files, {}, { explicit: true }), 'duplicate-resource');
  assert.deepEqual(
    named.map((f) => f.severity),
    ['error', 'error'],
  );
});

test('duplicate-resource: old and new API groups of one kind are the same object; cluster-scoped kinds have no namespace', () => {
  const deploy = (apiVersion: string) => `apiVersion: ${apiVersion}\nkind: Deployment\nmetadata:\n  name: web\nspec: {}\n`;
  assert.equal(withCode(crossFindings({ 'a.yaml': `${deploy('apps/v1')}---\n${deploy('extensions/v1beta1')}` }), 'duplicate-resource').length, 2);
  const ns = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n';
  const list = withCode(crossFindings({ 'a.yaml': `${ns}---\n${ns.replace('shop\n', 'shop\n  namespace: ignored\n')}` }), 'duplicate-resource');
  assert.equal(list.length, 2);
  assert.match(list[0].message, /^Namespace shop is defined 2 times/);
});

test('duplicate-resource: negatives (other namespace, other kind, other API group, kustomize overlays)', () => {
  none(crossFindings({ 'a.yaml': CM('settings'), 'b.yaml': CM('settings', 'prod') }), 'duplicate-resource');
  none(crossFindings({ 'a.yaml': CM('gateway'), 'b.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: gateway\n' }), 'duplicate-resource');
  const gw = (group: string) => `apiVersion: ${group}/v1\nkind: Gateway\nmetadata:\n  name: main\n`;
  none(crossFindings({ 'a.yaml': gw('gateway.networking.k8s.io'), 'b.yaml': gw('networking.istio.io') }), 'duplicate-resource');
  // The usual base/overlays layout (kustomization.yaml written without kind is not indexed at all).
  none(
    crossFindings({
      'deploy/base/kustomization.yaml': 'resources:\n  - settings.yaml\n',
      'deploy/base/settings.yaml': CM('settings'),
      'deploy/overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\npatches:\n  - path: settings.yaml\n',
      'deploy/overlays/prod/settings.yaml': CM('settings'),
    }),
    'duplicate-resource',
  );
  // Any folder with a Kustomization object is a root of its own.
  const kustomization = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - settings.yaml\n';
  none(
    crossFindings({
      'app/kustomization.yaml': kustomization,
      'app/settings.yaml': CM('settings'),
      'app-staging/kustomization.yaml': kustomization,
      'app-staging/settings.yaml': CM('settings'),
    }),
    'duplicate-resource',
  );
  // ... but two copies that one kustomization builds are duplicates: kustomize refuses to build.
  const both = kustomization.replace('  - settings.yaml\n', '  - a.yaml\n  - b.yaml\n');
  const twice = withCode(crossFindings({ 'app/kustomization.yaml': both, 'app/a.yaml': CM('settings'), 'app/b.yaml': CM('settings') }), 'duplicate-resource');
  assert.deepEqual(
    twice.map((f) => f.severity),
    ['error', 'error'],
  );
  assert.match(twice[0].message, /kustomize refuses to build the unit \(`kubectl apply -k app` fails/);
});
