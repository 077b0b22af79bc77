import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRulesDoc, undocumentedCodes } from '../../scripts/rulesDoc';
import { RULES } from '../../src/core/rules/catalog';

const docsDir = join(__dirname, '..', '..', '..', 'docs');

test('every rule code is explained in one of the docs/rules-*.md files', () => {
  assert.deepEqual(undocumentedCodes(docsDir), []);
});

test('docs/rules.md is generated from the catalog and up to date (npm run docs:rules)', () => {
  assert.equal(readFileSync(join(docsDir, 'rules.md'), 'utf8'), renderRulesDoc(docsDir));
});

test('docs/rules.md has an anchor per code, which editor code links point at', () => {
  const text = readFileSync(join(docsDir, 'rules.md'), 'utf8');
  for (const r of RULES) assert.ok(text.includes(`<a id="${r.code}"></a>`), r.code);
});
