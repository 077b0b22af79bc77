import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifestFile } from '../../src/core/parse/manifestParser';
import { goInteger, goYamlOnlyReading } from '../../src/core/parse/goYamlSchema';
import { WorkspaceIndex } from '../../src/core/index/workspaceIndex';

/** YAML read the way kubectl reads it (sigs.k8s.io/yaml over go-yaml v2), not as YAML 1.2. */

const CM = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n${data}`;

function dataOf(text: string): Record<string, unknown> {
  const f = parseManifestFile('a.yaml', text);
  assert.deepEqual(
    f.findings.filter((x) => x.severity === 'error'),
    [],
  );
  return f.resources[0].object.data as Record<string, unknown>;
}

test('YAML 1.1 booleans and integers, as go-yaml v2 resolves plain scalars', () => {
  const data = dataOf(
    CM(
      '  a: yes\n  b: "yes"\n  c: on\n  d: Y\n  e: off\n  f: NO\n  g: true\n  h: 0644\n  i: 1_000\n  j: 0b101\n  k: 08\n  l: 0x1F\n  m: 12:30\n  date: 2001-12-14\n',
    ),
  );
  assert.deepEqual(data, {
    a: true,
    b: 'yes',
    c: true,
    d: true,
    e: false,
    f: false,
    g: true,
    h: 420,
    i: 1000,
    j: 5,
    k: 8,
    l: 31,
    m: '12:30',
    date: '2001-12-14',
  });
  // Keys too: sigs.k8s.io/yaml writes the boolean key `n` as "false".
  assert.deepEqual(dataOf(CM('  n: x\n')), { false: 'x' });
  assert.equal(goInteger('-0o17'), -15);
  assert.equal(goYamlOnlyReading('on'), 'the boolean true');
  assert.equal(goYamlOnlyReading('0644'), 'the number 420');
  assert.equal(goYamlOnlyReading('true'), undefined, 'read alike by every YAML parser');
  assert.equal(goYamlOnlyReading('1.10'), undefined);
});

test('!!binary is the string it encodes, not a mapping', () => {
  assert.deepEqual(dataOf(CM('  greeting: !!binary aGVsbG8=\n')), { greeting: 'hello' });
});

test('a boolean where a string is required is the schema error the API server gives, explained', () => {
  const index = new WorkspaceIndex();
  index.setFile('/p/a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    canary: on\n');
  const [f] = [...index.analyze().byFile.values()].flat().filter((x) => x.code === 'schema-type');
  assert.equal(
    f.message,
    'metadata.labels.canary must be a string, got true (kubectl reads on as the boolean true: YAML 1.1, as go-yaml reads it) — quote it: "on"',
  );
  assert.equal(f.fixes?.[0].edits[0].newText, '"on"');
});

test('multi-line quoted scalars whose continuation lines are not indented parse as kubectl reads them', () => {
  const text =
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    description: \'first line\n    second line\'\n    other: "a\n  b"\ndata:\n  k: v\n';
  const f = parseManifestFile('a.yaml', text);
  assert.deepEqual(f.findings, []);
  const meta = f.resources[0].object.metadata as Record<string, Record<string, string>>;
  assert.deepEqual(meta.annotations, { description: 'first line second line', other: 'a b' });
  // Lines keep their numbers: data.k is still on line 11.
  assert.equal(f.documents[0].parsed.lines.position(f.documents[0].parsed.text.indexOf('k: v')).line, 10);
  // A quote that is never closed is still a syntax error.
  assert.equal(parseManifestFile('a.yaml', "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 'x\n").findings[0].code, 'yaml-syntax');
});

test('lone CR line breaks are line breaks', () => {
  const f = parseManifestFile('a.yaml', 'apiVersion: v1\rkind: ConfigMap\rmetadata:\r  name: x\rdata:\r  k: v\r');
  assert.deepEqual(f.findings, []);
  assert.equal(f.resources[0].name, 'x');
});

test('a duplicate key is a warning naming the key and its first line; the last value wins and the rest is checked', () => {
  const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: ClusterIP\n  ports: [{port: 80}]\n  type: Loadbalancer\n';
  const index = new WorkspaceIndex();
  index.setFile('/p/a.yaml', text);
  const findings = index.analyze().byFile.get('/p/a.yaml')!;
  const dup = findings.find((f) => f.code === 'duplicate-key')!;
  assert.equal(dup.severity, 'warning');
  assert.equal(dup.message, 'Key "type" appears twice in this mapping (first on line 6): kubectl keeps this last value and drops the first one.');
  assert.equal(dup.range.start.line, 7);
  assert.deepEqual(
    dup.related?.map((r) => [r.file, r.range.start.line]),
    [['/p/a.yaml', 5]],
  );
  // The value kubectl keeps is checked like any other.
  assert.ok(findings.some((f) => f.code === 'schema-enum'));
});

test('Go templates: `{{ }}` in YAML structure is a template; inside strings it is data', () => {
  const index = new WorkspaceIndex();
  const helm = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ include "x.fullname" . }}\nspec:\n  type: {{ .Values.type }}\n';
  const dashboard = CM('  dash.json: |\n    {"legend": "{{instance}}"}\n  alert: "{{ $labels.instance }} is down"\n');
  assert.equal(index.setFile('/p/templates-outside-a-chart.yaml', helm), false);
  assert.equal(index.setFile('/p/dashboards.yaml', dashboard), true);
  const result = index.analyze();
  assert.deepEqual(result.skipped, [{ file: '/p/templates-outside-a-chart.yaml', reason: 'template' }]);
  assert.deepEqual(result.byFile.get('/p/dashboards.yaml'), []);
});
