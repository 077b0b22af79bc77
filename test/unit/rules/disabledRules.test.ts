import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { ALL_RULES } from '../../../src/core/rules/catalog';
import type { AnalysisOptions } from '../../../src/core/rules/types';

const FIXTURES = join(__dirname, '../../../../test/fixtures');

function manifests(dir: string, out: [string, string][] = []): [string, string][] {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) manifests(full, out);
    else if (/\.(ya?ml|json)$/.test(name)) out.push([full, readFileSync(full, 'utf8')]);
  }
  return out;
}

function findings(files: [string, string][], options: Partial<AnalysisOptions>): string[] {
  const index = new WorkspaceIndex(options);
  for (const [file, text] of files) index.setFile(file, text, { explicit: true });
  const out: string[] = [];
  for (const [file, list] of index.analyze().byFile)
    for (const f of list) out.push(`${file}:${f.range.start.line}:${f.range.start.character} ${f.code} ${f.message}`);
  return out.sort();
}

// A rule whose codes are all off does not run; what is left must be exactly what running it and
// dropping its findings gives — no rule may depend on another having run.
test('switching a rule off drops its findings and changes nothing else', () => {
  const files = manifests(FIXTURES);
  const all = findings(files, {});
  assert.ok(all.length > 100, `the fixtures have findings (${all.length})`);
  for (const rule of ALL_RULES) {
    const codes = rule.meta.map((m) => m.code);
    const expected = all.filter((line) => !codes.includes(line.split(' ')[1]));
    assert.deepEqual(findings(files, { disabledRules: codes }), expected, `with ${codes.join(', ')} off`);
    const off = Object.fromEntries(codes.map((c) => [c, 'off' as const]));
    if (rule === ALL_RULES[0]) assert.deepEqual(findings(files, { severityOverrides: off }), expected, `with ${codes.join(', ')} set to off`);
  }
});
