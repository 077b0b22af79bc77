import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { WorkspaceIndex } from '../../src/core/index/workspaceIndex';
import { parseManifestFile, setFastPaths } from '../../src/core/parse/manifestParser';
import { parseJsonObject } from '../../src/core/parse/jsonDocument';
import { parseBlockObject } from '../../src/core/parse/blockYaml';
import { splitDocuments } from '../../src/core/parse/documentSplitter';
import { assertSpansAgree, type SpanAnswers } from '../support/blockAgreement';

/**
 * Plain JSON documents are read with JSON.parse (src/core/parse/jsonDocument.ts), plain block YAML
 * with the block reader (blockYaml.ts); everything else comes from the YAML parser, and so does
 * every range the block reader's spans cannot give. The paths must give the same findings and the
 * same objects: compared over the fixtures and ../shared/real-world, as they are and with every
 * object they hold written as JSON (indented and on one line). test/fuzz/blockYaml.test.ts compares
 * the block reader on generated documents.
 */

const REPO = join(__dirname, '..', '..', '..');
const FIXTURES = join(REPO, 'test', 'fixtures');
const REAL_WORLD = join(REPO, '..', 'shared', 'real-world');

function manifestFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === '.git') continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...manifestFiles(p));
    else if (/\.(ya?ml|json)$/.test(name) && st.size < 2_000_000) out.push(p);
  }
  return out.sort();
}

/** The files as they are, plus each object in them written as JSON, indented and on one line. */
function inputs(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of manifestFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    const rel = relative(dir, file);
    out.set(`/in/${rel}`, text);
    setFastPaths(false);
    const parsed = parseManifestFile(file, text);
    setFastPaths(true);
    parsed.resources.forEach((r, i) => {
      out.set(`/json/${rel}.${i}.json`, JSON.stringify(r.object, null, 2));
      out.set(`/json/${rel}.${i}.line.json`, JSON.stringify(r.object));
    });
  }
  return out;
}

function analysis(files: Map<string, string>, fast: boolean): string {
  setFastPaths(fast);
  try {
    const index = new WorkspaceIndex();
    for (const [name, text] of files) index.setFile(name, text, { explicit: true });
    const result = index.analyze();
    const byFile = [...result.byFile.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    const objects = result.resources.map((r) => [r.id, r.apiVersion, r.kind, r.name, r.namespace, r.object]);
    return JSON.stringify({ byFile, objects });
  } finally {
    setFastPaths(true);
  }
}

function assertSamePaths(dir: string): void {
  const files = inputs(dir);
  const jsonDocs = [...files.entries()].filter(([name, text]) => name.endsWith('.json') && parseJsonObject(text));
  assert.ok(jsonDocs.length > 0, 'some documents take the JSON path');
  const blockDocs = [...files.entries()].filter(([name, text]) => name.startsWith('/in/') && splitDocuments(text).some((c) => parseBlockObject(c.text)));
  assert.ok(blockDocs.length > 0, 'some documents take the block YAML path');
  const full = analysis(files, false);
  const fast = analysis(files, true);
  assert.equal(fast.length, full.length);
  assert.ok(fast === full, 'findings and objects are the same on both paths');
}

test('JSON documents read by JSON.parse give what the YAML parser gives: fixtures', () => {
  assertSamePaths(FIXTURES);
});

test(
  'JSON documents read by JSON.parse give what the YAML parser gives: ../shared/real-world',
  { skip: !existsSync(REAL_WORLD) && 'no ../shared/real-world here' },
  () => {
    assertSamePaths(REAL_WORLD);
  },
);

test('the JSON path is taken only where it reads what YAML reads', () => {
  const ok = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "v"}}';
  assert.ok(parseJsonObject(ok));
  assert.ok(parseJsonObject(`\n  ${ok}\n`));
  // A key twice (a finding on the YAML path), merge keys, templates, tabs, long integers, Lists, no kind: the YAML path.
  assert.equal(parseJsonObject('{"apiVersion": "v1", "kind": "ConfigMap", "data": {"k": "1", "k": "2"}}'), undefined);
  assert.equal(parseJsonObject('{"apiVersion": "v1", "kind": "ConfigMap", "data": {"<<": "x"}}'), undefined);
  assert.equal(parseJsonObject('{"apiVersion": "v1", "kind": "ConfigMap", "data": {"__proto__": "x"}}'), undefined);
  assert.equal(parseJsonObject('{"apiVersion": "v1", "kind": "ConfigMap", "data": {"k": "{{ .Values.x }}"}}'), undefined);
  assert.equal(parseJsonObject('{"apiVersion": "v1",\t"kind": "ConfigMap"}'), undefined);
  assert.equal(parseJsonObject('{"apiVersion": "v1", "kind": "Pod", "spec": {"x": 12345678901234567890}}'), undefined);
  assert.equal(parseJsonObject('{"apiVersion": "v1", "kind": "List", "items": []}'), undefined);
  assert.equal(parseJsonObject('{"apiVersion": "v1"}'), undefined);
  assert.equal(parseJsonObject('{"apiVersion": "v1", "kind": "ConfigMap",}'), undefined);
  assert.equal(parseJsonObject('apiVersion: v1\nkind: ConfigMap\n'), undefined);
});

test('a finding in a JSON document points where the YAML parser locates it', () => {
  const text = '{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "metadata": {"name": "web"},\n  "spec": {"ports": [{"port": "http-x"}]}\n}\n';
  const at = (fast: boolean) => {
    setFastPaths(fast);
    try {
      const index = new WorkspaceIndex();
      index.setFile('/svc.json', text, { explicit: true });
      return index.analyze().byFile.get('/svc.json')!;
    } finally {
      setFastPaths(true);
    }
  };
  const fast = at(true);
  assert.ok(fast.length > 0, 'the invalid port is reported');
  assert.deepEqual(fast, at(false));
});

function assertSameRanges(dir: string): void {
  const counts: SpanAnswers = { roots: 0, spans: 0, ranges: 0, edits: 0 };
  for (const file of manifestFiles(dir)) {
    const text = readFileSync(file, 'utf8').replace(/\r(?!\n)/g, '\n');
    setFastPaths(false);
    const full = parseManifestFile(file, text);
    setFastPaths(true);
    const fast = parseManifestFile(file, text);
    fast.resources.forEach((r, i) => {
      if (parseBlockObject(r.doc.parsed.text)) assertSpansAgree(r, full.resources[i], file, counts);
    });
  }
  assert.ok(counts.ranges > 1000, `ranges came from the block reader's spans (${counts.ranges})`);
  assert.ok(counts.roots > 20, `objects' ranges came from the block reader's spans (${counts.roots})`);
  assert.ok(counts.spans > 500, `spans of keys and values came from the block reader (${counts.spans})`);
  assert.ok(counts.edits > 100, `places to append to or delete from a mapping came from the block reader (${counts.edits})`);
}

test('ranges from the block reader are those of the YAML tree, on every path and part: fixtures', () => {
  assertSameRanges(FIXTURES);
});

test(
  'ranges from the block reader are those of the YAML tree, on every path and part: ../shared/real-world',
  { skip: !existsSync(REAL_WORLD) && 'no ../shared/real-world here' },
  () => {
    assertSameRanges(REAL_WORLD);
  },
);

test('the block YAML path is taken only where it reads what YAML reads', () => {
  const ok = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a # c\ndata:\n  k: "v"\n  list:\n  - 1\n  - x: |\n      line\n';
  assert.deepEqual(parseBlockObject(ok), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v', list: [1, { x: 'line\n' }] } });
  assert.deepEqual(parseBlockObject(`---\n${ok}`), parseBlockObject(ok));
  // Flow collections that close on their line.
  const flow = 'apiVersion: v1\nkind: ConfigMap\ndata:\n  k: [a, "b", {c: 1, d: [e]}] # c\n  r: { cpu: 100m, memory: 128Mi }\n  e: [ ]\n';
  assert.deepEqual(parseBlockObject(flow)?.data, { k: ['a', 'b', { c: 1, d: ['e'] }], r: { cpu: '100m', memory: '128Mi' }, e: [] });
  const refused = [
    'data:\n  k: 1\n  k: 2', // a key twice: a finding on the YAML path
    'data:\n  <<: {}',
    'data: &a\n  k: 1',
    'data:\n  k: *a',
    'data:\n  k: !!str 1',
    'data:\n  k: [a,\n    b]', // a flow collection over two lines
    'data:\n  k: [a, b,]', // a trailing comma
    'data:\n  k: {"a":1}', // JSON's key: value without a space
    'data:\n  k: {a: 1, a: 2}',
    'data:\n  k: [a: b]', // a one-pair mapping in a sequence
    'data:\n  k: {a}',
    'data:\n  k: >\n    folded',
    'data:\n  k: |+\n    kept\n',
    'data:\n  k: plain\n    continued',
    'data:\n  k: "two\n    lines"',
    'data:\n  k: a: b',
    'data:\n  k: {{ .Values.x }}',
    'data:\n\tk: tab',
    'data:\n  yes: key that is a boolean',
    'data:\n   k: 1\n  j: 2', // bad indentation
  ];
  for (const body of refused) assert.equal(parseBlockObject(`apiVersion: v1\nkind: ConfigMap\n${body}\n`), undefined, body);
  assert.equal(parseBlockObject('apiVersion: v1\nkind: List\nitems: []\n'), undefined);
  assert.equal(parseBlockObject('apiVersion: v1\n'), undefined);
  assert.equal(parseBlockObject('apiVersion: v1\r\nkind: ConfigMap\r\n'), undefined);
});
