import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifestFile, DocumentCache } from '../../src/core/parse/manifestParser';
import { splitDocuments } from '../../src/core/parse/documentSplitter';
import { rangeOf, formatPath } from '../../src/core/parse/locate';

const TWO_DOCS = `# leading comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: gateway
spec:
  replicas: 2
---
apiVersion: v1
kind: Service
metadata:
  name: gateway
spec:
  ports:
    - port: 80
      targetPort: 9696
`;

test('a multi-document file yields one resource per document with file positions', () => {
  const f = parseManifestFile('a.yaml', TWO_DOCS);
  assert.equal(f.resources.length, 2);
  assert.deepEqual(
    f.resources.map((r) => `${r.kind}/${r.name}`),
    ['Deployment/gateway', 'Service/gateway'],
  );
  const svc = f.resources[1];
  const r = rangeOf(svc, ['spec', 'ports', 0, 'targetPort']);
  assert.deepEqual(r, { start: { line: 15, character: 18 }, end: { line: 15, character: 22 } });
  const key = rangeOf(f.resources[0], ['spec', 'replicas'], 'key');
  assert.deepEqual(key, { start: { line: 6, character: 2 }, end: { line: 6, character: 10 } });
});

test('a missing path falls back to the deepest existing key', () => {
  const f = parseManifestFile('a.yaml', TWO_DOCS);
  const r = rangeOf(f.resources[0], ['spec', 'template', 'spec']);
  assert.equal(r.start.line, 5);
  assert.equal(formatPath(['spec', 'containers', 0, 'image']), 'spec.containers[0].image');
});

test('the splitter keeps leading comments with the first document and splits at column-0 markers only', () => {
  const chunks = splitDocuments('# c\n---\na: 1\n---\nb: |\n  --- not a marker\n...\nc: 2\n');
  assert.deepEqual(
    chunks.map((c) => c.startLine),
    [0, 3, 7],
  );
  assert.equal(chunks[1].text, '---\nb: |\n  --- not a marker\n...\n');
});

test('duplicate keys and syntax errors are findings at their range, not exceptions', () => {
  const f = parseManifestFile('bad.yaml', 'apiVersion: v1\nkind: Service\nkind: Pod\n---\nfoo: [1, 2\n');
  const codes = f.findings.map((x) => `${x.code}@${x.range.start.line}`);
  assert.ok(codes.includes('duplicate-key@2'), codes.join());
  assert.ok(
    f.findings.some((x) => x.code === 'yaml-syntax' && x.range.start.line >= 4),
    codes.join(),
  );
});

test('kind: List items become resources and missing kind/apiVersion is reported on the object', () => {
  const f = parseManifestFile(
    'l.yaml',
    'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- metadata: {name: b}\n',
  );
  assert.equal(f.resources.length, 2);
  assert.equal(f.resources[1].id, 'l.yaml#0.1');
  const missing = f.findings.filter((x) => x.code === 'missing-kind' || x.code === 'missing-api-version');
  assert.equal(missing.length, 2);
  assert.equal(missing[0].range.start.line, 6);
});

test('JSON manifests, empty and comment-only files parse cleanly', () => {
  assert.equal(parseManifestFile('a.json', '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x"}}').resources.length, 1);
  for (const t of ['', '# only a comment\n', '---\n---\n']) {
    const f = parseManifestFile('e.yaml', t);
    assert.equal(f.resources.length, 0);
    assert.equal(f.findings.length, 0, JSON.stringify(f.findings));
  }
});

test('an alias bomb becomes a finding instead of a hang', () => {
  let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 9; i++)
    text += `a${i}: &a${i} [${Array(10)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;
  const f = parseManifestFile('bomb.yaml', text);
  assert.ok(f.findings.some((x) => x.code === 'yaml-alias-limit'));
});

test('the document cache re-parses only changed documents', () => {
  const cache = new DocumentCache();
  const a = parseManifestFile('a.yaml', TWO_DOCS, { cache });
  const b = parseManifestFile('a.yaml', TWO_DOCS.replace('replicas: 2', 'replicas: 3'), { cache });
  assert.notEqual(a.documents[0].parsed, b.documents[0].parsed);
  assert.equal(a.documents[1].parsed, b.documents[1].parsed);
});

test('an edit keeps the placed documents and resources of the documents it did not touch or move (the same objects)', () => {
  const cache = new DocumentCache();
  const a = parseManifestFile('a.yaml', TWO_DOCS, { cache });
  // A value changes in the first document: the second reads the same and stays on its line.
  const b = parseManifestFile('a.yaml', TWO_DOCS.replace('replicas: 2', 'replicas: 3'), { cache, previous: a });
  assert.notEqual(b.resources[0], a.resources[0]);
  assert.equal(b.documents[1], a.documents[1]);
  assert.equal(b.resources[1], a.resources[1]);
  // A line added to the first document moves the second: a new placed document, at its new line.
  const c = parseManifestFile('a.yaml', TWO_DOCS.replace('replicas: 2', 'replicas: 2\n  paused: false'), { cache, previous: b });
  assert.notEqual(c.resources[1], b.resources[1]);
  assert.equal(c.resources[1].doc.startLine, b.resources[1].doc.startLine + 1);
  assert.equal(c.documents[1].parsed, b.documents[1].parsed, 'moved, not parsed again');
  // Another file's previous parse is never taken for this one's.
  const d = parseManifestFile('other.yaml', TWO_DOCS.replace('replicas: 2', 'replicas: 3'), { cache, previous: b });
  assert.notEqual(d.resources[1], b.resources[1]);
  assert.equal(d.resources[1].file, 'other.yaml');
});
