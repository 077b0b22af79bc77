import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifestFile } from '../../src/core/parse/manifestParser';
import { rangeOf } from '../../src/core/parse/locate';
import { WorkspaceIndex } from '../../src/core/index/workspaceIndex';

/** Two containers sharing resources and probes through an anchor, the way people DRY manifests. */
const MERGED = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - &base
          name: web
          image: registry.local/web:1.0
          imagePullPolicy: IfNotPresent
          resources:
            requests: {cpu: 100m, memory: 64Mi}
          readinessProbe: {httpGet: {path: /ready, port: 8080}}
          livenessProbe: {httpGet: {path: /health, port: 8080}}
        - <<: *base
          name: sidecar
          image: registry.local/sidecar:1.0
`;

test('a `<<: *anchor` merge is resolved: the merged fields are part of the object', () => {
  const f = parseManifestFile('merge.yaml', MERGED);
  assert.deepEqual(f.findings, []);
  const containers = (f.resources[0].object.spec as any).template.spec.containers;
  assert.equal(containers[1].name, 'sidecar');
  assert.equal(containers[1].imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(containers[1].resources, { requests: { cpu: '100m', memory: '64Mi' } });
  assert.equal(containers[1]['<<'], undefined, 'the merge key itself is not a field');
});

test('validation sees merged fields: the sidecar gets no missing-resources or unknown-field finding for "<<"', () => {
  const index = new WorkspaceIndex();
  index.setFile('merge.yaml', MERGED);
  const codes = (index.analyze().byFile.get('merge.yaml') ?? []).map((x) => x.code);
  assert.ok(!codes.includes('schema-unknown-field'), codes.join(', '));
  assert.ok(!codes.some((c) => c.startsWith('missing-')), codes.join(', '));
});

test('a bad merged field is reported where the anchor defines it', () => {
  const text = MERGED.replace('imagePullPolicy: IfNotPresent', 'imagePullPolicy: Sometimes');
  const index = new WorkspaceIndex();
  index.setFile('merge.yaml', text);
  const enumErrors = (index.analyze().byFile.get('merge.yaml') ?? []).filter((x) => x.code === 'schema-enum');
  // Once for each container, both on the line of the anchor (line 15, 0-based 14), on the value.
  assert.equal(enumErrors.length, 2, JSON.stringify(enumErrors));
  const line = text.split('\n').findIndex((l) => l.includes('Sometimes'));
  for (const e of enumErrors) {
    assert.equal(e.range.start.line, line);
    assert.equal(text.split('\n')[line].slice(e.range.start.character, e.range.end.character), 'Sometimes');
  }
});

test('a field the merging mapping sets itself is located there, not in the anchor', () => {
  const f = parseManifestFile('merge.yaml', MERGED);
  const lines = MERGED.split('\n');
  const name = rangeOf(f.resources[0], ['spec', 'template', 'spec', 'containers', 1, 'name'], 'value');
  assert.equal(lines[name.start.line].slice(name.start.character, name.end.character), 'sidecar');
  const policy = rangeOf(f.resources[0], ['spec', 'template', 'spec', 'containers', 1, 'imagePullPolicy'], 'value');
  assert.equal(lines[policy.start.line].trim(), 'imagePullPolicy: IfNotPresent');
});

test('merging a scalar is a YAML error on the merge value, not a crash or an alias-limit finding', () => {
  const f = parseManifestFile('bad.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  <<: 5\n');
  assert.equal(f.resources.length, 0);
  assert.equal(f.findings.length, 1, JSON.stringify(f.findings));
  assert.equal(f.findings[0].code, 'yaml-syntax');
  assert.match(f.findings[0].message, /Merge sources must be maps/);
  assert.deepEqual(f.findings[0].range.start, { line: 4, character: 6 });
});
