/**
 * The plain block YAML reader (src/core/parse/blockYaml.ts) against the YAML path, on generated
 * documents: whenever the reader takes a document, the YAML path must read it without a finding
 * and to the same object; whenever the YAML path finds something wrong, the reader must have left
 * the document to it. Two generators: lines drawn from a list of troublemakers at random
 * indentation (most are refused; the point is that nothing wrong is accepted), and random objects
 * written by a YAML printer, some collections in flow style (most are accepted; the point is that
 * they read alike).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Document, visit } from 'yaml';
import { parseBlockObject } from '../../src/core/parse/blockYaml';
import { parseManifestFile, setFastPaths, type ParsedFile } from '../../src/core/parse/manifestParser';
import { assertSpansAgree, type SpanAnswers } from '../support/blockAgreement';

function parsed(text: string, fast: boolean): ParsedFile {
  setFastPaths(fast);
  try {
    return parseManifestFile('/fuzz.yaml', text);
  } finally {
    setFastPaths(true);
  }
}

function yamlPath(text: string): { findings: string[]; objects: unknown[] } {
  const full = parsed(text, false);
  return { findings: full.findings.map((f) => `${f.code}: ${f.message}`), objects: full.resources.map((r) => r.object) };
}

/**
 * Ranges and edits of a document the reader took, worked out from its spans where they can be,
 * against the YAML tree's. Returns how many of them came from the spans.
 */
function rangesAgree(text: string): number {
  const counts: SpanAnswers = { roots: 0, spans: 0, ranges: 0, edits: 0 };
  assertSpansAgree(parsed(text, true).resources[0], parsed(text, false).resources[0], `differs in\n${text}\n`, counts);
  return counts.roots + counts.spans + counts.ranges + counts.edits;
}

let quickRanges = 0;

/** The property: a document the reader takes reads the same, without findings, on the YAML path. */
function agrees(text: string): boolean {
  const fast = parseBlockObject(text);
  if (!fast) return true;
  const full = yamlPath(text);
  assert.deepEqual(full.findings, [], `the reader took a document the YAML path finds fault with:\n${text}`);
  assert.equal(full.objects.length, 1);
  assert.equal(JSON.stringify(fast), JSON.stringify(full.objects[0]), `read differently:\n${text}`);
  quickRanges += rangesAgree(text);
  return true;
}

const KEYS = ['a', 'b', 'name', 'x y', '"q"', "'s'", '"a\\u00e9"', '1', 'on', 'y', 'null', '__proto__', '<<', 'a#b', 'a #b', 'k:', '-k', '? k', '&a k', '!t k'];
const VALUES = [
  '',
  ' ',
  'v',
  'hello world',
  '1',
  '-1',
  '+1',
  '0644',
  '08',
  '1_000',
  '0x1F',
  '0b101',
  '1e3',
  '1.0',
  '1.50',
  '.inf',
  '-.Inf',
  '.nan',
  '~',
  'null',
  'Null',
  'yes',
  'On',
  'n',
  'true',
  'False',
  '2024-01-01',
  '12:30',
  '"dq"',
  '"a\\"b"',
  '"\\x41"',
  '"\\t\\u00e9\\/"',
  '"\\ud83d"',
  "'it''s'",
  "'open",
  '"open',
  'a: b',
  'a:b',
  'http://x:80/y',
  '# c',
  'v # c',
  'v#c',
  '"x" # c',
  "'x'#c",
  '"x" y',
  '[]',
  '{}',
  '[ ]',
  '[a]',
  '{a: 1}',
  '|',
  '|-',
  '|+',
  '|2',
  '| # c',
  '>',
  '>-',
  '&a v',
  '*a',
  '!!str 1',
  '!!binary aGk=',
  '- x',
  '-',
  '---',
  '...',
  '@x',
  '`x',
  '?x',
  ':x',
  '%x',
  'x:',
  'a  ',
  'é ü',
  '\u00a0x',
  'a\tb',
  'a\rb',
  '{{ .Values.x }}',
  // Flow collections: the ones on one line are read, the rest left to the YAML path.
  '{a: 1, b: [x, "y"]}',
  '[a, b]',
  '[ a , b ]',
  '[a,b]',
  '{a: b,c: d}',
  '{ a: b }',
  '{a: b, }',
  '[a,]',
  '[,]',
  '[a,,b]',
  '{a:b}',
  '{a: b:c}',
  '{a: b: c}',
  '{"a":1}',
  '{"a": 1}',
  "{'a': 'b'}",
  '[-1, -]',
  '[-a, - a]',
  '[-]',
  '{a: }',
  '{a}',
  '{a, b: c}',
  '[a: b]',
  '{a: [}',
  '[{k: v}, {k: w}]',
  '{x: http://h:80/p}',
  '[http://h:80, a:b]',
  '[a #c]',
  '[a, b] # c',
  '[a]x',
  '[a]#x',
  '{a: 1, a: 2}',
  '{<<: x}',
  '{__proto__: x}',
  '{on: 1, y: n}',
  '{1: x}',
  '{a : b}',
  "['q', \"r\", 'it''s']",
  '["a\\"b", "\\u00e9"]',
  '{ }',
  '[[]]',
  '[{}]',
  '[[a, [b]], {c: {d: e}}]',
  '{a: {}}',
  '[a b, c  d ]',
  '[true, 0644, ~, null, 1e3, .5, -0, 1_000]',
  '[!t a]',
  '[&x a, *x]',
  '[a]]',
  '{a: b}}',
  '[{a: b}: c]',
  '["a" ]',
  "['a'b]",
  '[a, {b: c, d: [e, f]}, "g"]',
  '[a, b',
  '{a: 1,',
  '[é, ü]',
  '[a?, b%, c@]',
  '[?a]',
  '[:a]',
  '[a:]',
  '{a: b?}',
];

const line = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.tuple(fc.nat(8), fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)).map(([i, k, v]) => `${' '.repeat(i)}${k}:${v ? ` ${v}` : ''}`),
  },
  { weight: 3, arbitrary: fc.tuple(fc.nat(8), fc.constantFrom(...VALUES)).map(([i, v]) => `${' '.repeat(i)}-${v ? ` ${v}` : ''}`) },
  { weight: 3, arbitrary: fc.tuple(fc.nat(8), fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)).map(([i, k, v]) => `${' '.repeat(i)}- ${k}: ${v}`) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.nat(10), fc.constantFrom('text', '# not a comment here?', 'key: in a block', '- item', '', '  '))
      .map(([i, t]) => `${' '.repeat(i)}${t}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', '# comment', '  # indented comment', '---', '--- # c', '...', '%YAML 1.2', '\t- tab') },
);

const troublemakers = fc
  .tuple(fc.boolean(), fc.constantFrom('ConfigMap', 'Deployment', 'List'), fc.array(line, { maxLength: 14 }), fc.constantFrom('', '\n', '\n\n', '\n  \n'))
  .map(([marker, kind, lines, end]) => `${marker ? '---\n' : ''}apiVersion: v1\nkind: ${kind}\n${lines.join('\n')}${end}`);

test('a document of troublemaker lines is either read as the YAML path reads it or left to it', () => {
  let taken = 0;
  fc.assert(
    fc.property(troublemakers, (text) => {
      if (parseBlockObject(text)) taken++;
      return agrees(text);
    }),
    { numRuns: 4000, seed: 18 },
  );
  process.stdout.write(`# troublemakers taken by the reader: ${taken} of 4000\n`);
  assert.ok(taken > 200, `the reader takes some (took ${taken} of 4000)`);
});

const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('yes', 'no', 'on', '0644', '1_000', '1e3', '.5', '-0', 'null', '~', '', ' lead', 'trail ', 'a: b', '# x', 'x #y', '- z', "it's", 'say "hi"'),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 30 }).map((s) => `${s}\nsecond line\n`),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('map'), tie('seq')),
  map: fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), tie('node'), { maxKeys: 5 }),
  seq: fc.array(tie('node'), { maxLength: 4 }),
})).map;

/** Some collections printed in flow style (`{a: 1}`, `[x, y]`), as the flags say, in the order they are visited. */
function withFlow(data: unknown, flags: boolean[]): Document {
  const doc = new Document({ apiVersion: 'v1', kind: 'ConfigMap', data });
  let n = 0;
  visit(doc, {
    Map: (_, node) => void (node.flow = flags[n++ % flags.length] && n > 1),
    Seq: (_, node) => void (node.flow = flags[n++ % flags.length]),
  });
  return doc;
}

const printed = fc
  .tuple(
    value,
    fc.constantFrom(2, 4),
    fc.boolean(),
    fc.constantFrom<'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE'>('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'),
    fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
  )
  .map(([data, indent, indentSeq, defaultStringType, flags]) =>
    withFlow(data, flags).toString({ indent, indentSeq, defaultStringType, lineWidth: 0, flowCollectionPadding: flags[0] }),
  );

test('objects written by a YAML printer (block style, some collections flow) read alike on both paths', () => {
  let taken = 0;
  fc.assert(
    fc.property(printed, (text) => {
      if (parseBlockObject(text)) taken++;
      return agrees(text);
    }),
    { numRuns: 3000, seed: 18 },
  );
  process.stdout.write(`# printed documents taken by the reader: ${taken} of 3000\n`);
  assert.ok(taken > 1000, `the reader takes most printed documents (took ${taken} of 3000)`);
  assert.ok(quickRanges > 10_000, `ranges come from the spans (${quickRanges})`);
});
