import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { describeField, listKnownKinds } from '../../../src/core/schema/hover';
import { combinedSchema, kubeconformFileName, standaloneSchema, writeKubeconformSchemas } from '../../../src/core/schema/kubeconformExport';
import { apiAvailability, schemaIndex, schemasDir, supportedReleases } from '../../../src/core/schema/store';

const repoRoot = path.resolve(__dirname, '../../../..');

test('schemas/ is found from the compiled module and covers 1.28–1.36 compactly', () => {
  assert.equal(schemasDir(), path.join(repoRoot, 'schemas'));
  assert.deepEqual(supportedReleases(), ['1.28', '1.29', '1.30', '1.31', '1.32', '1.33', '1.34', '1.35', '1.36']);
  let total = 0;
  for (const f of readdirSync(schemasDir())) total += statSync(path.join(schemasDir(), f)).size;
  assert.ok(total < 4 * 1024 * 1024, `schemas/ is ${total} bytes`);
  assert.ok(schemaIndex().groups.includes('apps') && schemaIndex().groups.includes(''));
});

test('the availability table says which release serves which apiVersion and kind', () => {
  const a = apiAvailability();
  assert.deepEqual(a.releases, supportedReleases());
  assert.deepEqual(a.apiVersions['apps/v1'].Deployment, supportedReleases());
  assert.deepEqual(a.apiVersions['flowcontrol.apiserver.k8s.io/v1beta3'].FlowSchema, ['1.28', '1.29', '1.30', '1.31']);
  assert.deepEqual(a.apiVersions['flowcontrol.apiserver.k8s.io/v1'].FlowSchema[0], '1.29');
});

test('hover descriptions: type, requiredness and text for nested fields', () => {
  const replicas = describeField('1.36', 'apps/v1', 'Deployment', ['spec', 'replicas']);
  assert.equal(replicas?.type, 'integer (int32)');
  assert.equal(replicas?.required, false);
  assert.match(replicas?.description ?? '', /desired pods/i);
  const containers = describeField('1.36', 'apps/v1', 'Deployment', ['spec', 'template', 'spec', 'containers']);
  assert.equal(containers?.type, '[]Container');
  assert.equal(containers?.required, true);
  const image = describeField('1.36', 'apps/v1', 'Deployment', ['spec', 'template', 'spec', 'containers', 0, 'image']);
  assert.equal(image?.type, 'string');
  assert.match(image?.description ?? '', /image name/i);
  const cpu = describeField('1.36', 'apps/v1', 'Deployment', ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'cpu']);
  assert.match(cpu?.type ?? '', /^Quantity/);
  const target = describeField('1.36', 'v1', 'Service', ['spec', 'ports', 0, 'targetPort']);
  assert.equal(target?.type, 'integer or string');
  const type = describeField('1.36', 'v1', 'Service', ['spec', 'type']);
  assert.equal(type?.type, 'string: one of ClusterIP, NodePort, LoadBalancer, ExternalName');
  const item = describeField('1.36', 'v1', 'Service', ['spec', 'ports', 0]);
  assert.equal(item?.type, 'ServicePort');
  assert.match(item?.description ?? '', /port/i);
  const root = describeField('1.36', 'apps/v1', 'Deployment', []);
  assert.equal(root?.type, 'Deployment');
  assert.match(root?.description ?? '', /declarative updates/);
  assert.equal(describeField('1.36', 'apps/v1', 'Deployment', ['spec', 'nope']), undefined);
  assert.equal(describeField('1.36', 'example.com/v1', 'Widget', ['spec']), undefined);
});

test('listKnownKinds follows the release', () => {
  const k36 = listKnownKinds('1.36').map((k) => `${k.apiVersion} ${k.kind}`);
  const k28 = listKnownKinds('1.28').map((k) => `${k.apiVersion} ${k.kind}`);
  assert.ok(k36.includes('apps/v1 Deployment') && k36.includes('v1 Service'));
  assert.ok(k28.includes('flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema'));
  assert.ok(!k36.includes('flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema'));
});

test("kubeconform file names follow its registry's convention", () => {
  assert.equal(kubeconformFileName('apps/v1', 'Deployment'), 'deployment-apps-v1.json');
  assert.equal(kubeconformFileName('v1', 'Service'), 'service-v1.json');
  assert.equal(kubeconformFileName('networking.k8s.io/v1', 'Ingress'), 'ingress-networking-v1.json');
  assert.equal(kubeconformFileName('autoscaling/v2', 'HorizontalPodAutoscaler'), 'horizontalpodautoscaler-autoscaling-v2.json');
});

test('standalone schemas are written in the kubeconform layout and validate like we do', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kt-schema-test-'));
  try {
    const out = writeKubeconformSchemas(dir, '1.36');
    assert.equal(out, path.join(dir, 'v1.36.0-standalone-strict'));
    for (const f of [
      'deployment-apps-v1.json',
      'service-v1.json',
      'ingress-networking-v1.json',
      'horizontalpodautoscaler-autoscaling-v2.json',
      'configmap-v1.json',
    ]) {
      assert.ok(existsSync(path.join(out, f)), f);
    }
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync(path.join(out, 'daemonset-apps-v1.json'), 'utf8')));
    const ds = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'a', creationTimestamp: null },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'a', image: 'b', ports: [{ containerPort: 80 }] }] } },
      },
    };
    assert.equal(validate(ds), true, JSON.stringify(validate.errors));
    assert.equal(validate({ ...ds, spec: { ...ds.spec, replicas: 3 } }), false);
    assert.equal(validate({ ...ds, kind: 'Deployment' }), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(standaloneSchema('1.36', 'example.com/v1', 'Widget'), undefined);
});

test(
  'the committed schemas are what the generator produces from the OpenAPI documents',
  { skip: !existsSync(path.resolve(repoRoot, '../shared/kubernetes-openapi')) && 'OpenAPI input not present' },
  () => {
    const out = mkdtempSync(path.join(tmpdir(), 'kt-schemas-gen-'));
    try {
      const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/generate-schemas.mjs'), '--out', out], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const committed = readdirSync(schemasDir()).sort();
      assert.deepEqual(readdirSync(out).sort(), committed);
      for (const f of committed) {
        assert.ok(readFileSync(path.join(out, f)).equals(readFileSync(path.join(schemasDir(), f))), `${f} differs: run npm run schemas`);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
);

test('several kinds combine into one schema with shared definitions (for editor-side validators)', () => {
  const schema = combinedSchema('1.36', [
    ['apps/v1', 'Deployment'],
    ['v1', 'Service'],
  ]);
  const validate = new Ajv({ strict: false }).compile(schema);
  assert.equal(
    validate({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 'http' }] } }),
    true,
    JSON.stringify(validate.errors),
  );
  assert.equal(validate({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { replicas: 1 } }), false);
});
