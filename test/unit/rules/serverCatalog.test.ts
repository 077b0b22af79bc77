import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SERVER_RULES } from '../../../src/core/rules/server/serverRules';
import { PRACTICE_RULES } from '../../../src/core/rules/practice/practiceRules';
import { RULES } from '../../../src/core/rules/catalog';
import { metaOf } from '../../../src/core/rules/types';
import { findingsOf, fixture, repoFile } from '../../fixtures/server/analyzeHarness';

const SERVER = metaOf(SERVER_RULES);
const PRACTICE = metaOf(PRACTICE_RULES);
const OURS = [...SERVER, ...PRACTICE];

test('every server and practice code is kebab-case, unique in the catalog, and in a fitting family', () => {
  for (const r of OURS) {
    assert.match(r.code, /^[a-z]+(-[a-z0-9]+)*$/, r.code);
    assert.equal(RULES.filter((x) => x.code === r.code).length, 1, `${r.code} is registered once`);
    assert.ok(r.title.length > 0 && !r.title.includes('\n'), r.code);
  }
  assert.ok(SERVER.every((r) => r.family === 'server'));
  assert.ok(PRACTICE.every((r) => ['kind', 'practice', 'security'].includes(r.family)));
});

test('every code has an entry in docs/rules-practice.md with its severity', () => {
  const doc = repoFile('docs/rules-practice.md');
  const entries = [...doc.matchAll(/^### `([a-z0-9-]+)` — (error|warning|info)/gm)].map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual(entries.sort(), OURS.map((r) => `${r.code} ${r.severity}`).sort());
});

test('shapes the schema rejects never make a server or practice check fail', () => {
  const all = findingsOf(fixture('server/odd-shapes.yaml'), ['internal-error', ...OURS.map((r) => r.code)]);
  assert.deepEqual(
    all.filter((f) => f.code === 'internal-error').map((f) => f.message),
    [],
  );
  // A string where ports belong is the schema's type error, not a Service without ports.
  assert.equal(all.filter((f) => f.code === 'service-missing-ports').length, 1, 'only the Service whose spec is null');
});
