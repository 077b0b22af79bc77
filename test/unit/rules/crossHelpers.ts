import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { Finding, Fix, Range } from '../../../src/core/findings';
import { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import type { DeclaredUnit } from '../../../src/core/index/applyUnits';
import type { AnalysisOptions } from '../../../src/core/rules/types';
import { CROSS_RULES } from '../../../src/core/rules/cross/crossResourceRules';
import { metaOf } from '../../../src/core/rules/types';

/** Test support for the cross-resource rules: the real pipeline, edits applied to text. */

export const CROSS_CODES = new Set(metaOf(CROSS_RULES).map((r) => r.code));

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures');

export function fixture(dir: string, name: string): string {
  return readFileSync(join(FIXTURES, dir, name), 'utf8');
}

/** Every fixture file of a directory, keyed `dir/name`. */
export function fixtureSet(dir: string, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) out[`${dir}/${n}`] = fixture(dir, n);
  return out;
}

export const ZOOMCAMP_FILES = [
  'gateway-deployment.yaml',
  'gateway-service.yaml',
  'gateway-hpa.yaml',
  'model-deployment.yaml',
  'model-service.yaml',
  'ingress.yaml',
];

export function zoomcamp(): Record<string, string> {
  return fixtureSet('zoomcamp', ZOOMCAMP_FILES);
}

/** Cross-resource findings (only this module's codes) of the files, through the real pipeline. */
export function crossFindings(
  files: Record<string, string>,
  options: Partial<AnalysisOptions> = {},
  units: { declared?: DeclaredUnit[]; explicit?: boolean } = {},
): Finding[] {
  const index = new WorkspaceIndex(options);
  if (units.declared) index.setUnitSettings({ declared: units.declared });
  for (const [file, text] of Object.entries(files)) index.setFile(file, text, { explicit: units.explicit });
  const out: Finding[] = [];
  for (const list of index.analyze().byFile.values()) for (const f of list) if (CROSS_CODES.has(f.code) || f.code === 'internal-error') out.push(f);
  return out;
}

export function withCode(findings: Finding[], code: string): Finding[] {
  return findings.filter((f) => f.code === code);
}

/** `file:line:char-line:char`, 0-based like the core. */
export function where(file: string, r: Range): string {
  return `${file}:${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

export function at(f: { file: string; range: Range }): string {
  return where(f.file, f.range);
}

/** Range of the n-th occurrence of `needle` in `text` (0-based lines/characters). */
export function find(text: string, needle: string, occurrence = 0): Range {
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset === -1) throw new Error(`"${needle}" (#${occurrence}) not in text`);
  }
  const pos = (o: number) => {
    const before = text.slice(0, o);
    const line = before.split('\n').length - 1;
    return { line, character: o - (before.lastIndexOf('\n') + 1) };
  };
  return { start: pos(offset), end: pos(offset + needle.length) };
}

export function located(file: string, text: string, needle: string, occurrence = 0): string {
  return where(file, find(text, needle, occurrence));
}

function offsetOf(text: string, line: number, character: number): number {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) return text.length;
    offset = nl + 1;
  }
  return offset + character;
}

/** Applies a fix's edits to the files it touches and returns the new file set. */
export function applyFix(files: Record<string, string>, fix: Fix): Record<string, string> {
  const out = { ...files };
  const byFile = new Map<string, typeof fix.edits>();
  for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [file, edits] of byFile) {
    let text = out[file];
    assert.ok(text !== undefined, `fix edits unknown file ${file}`);
    const sorted = edits
      .map((e) => ({
        s: offsetOf(text, e.range.start.line, e.range.start.character),
        e: offsetOf(text, e.range.end.line, e.range.end.character),
        t: e.newText,
      }))
      .sort((a, b) => b.s - a.s);
    for (const e of sorted) text = text.slice(0, e.s) + e.t + text.slice(e.e);
    out[file] = text;
  }
  return out;
}

/** Exactly one finding with this code; returns it. */
export function single(findings: Finding[], code: string): Finding {
  const list = withCode(findings, code);
  assert.equal(
    list.length,
    1,
    `expected one ${code}, got ${list.length}: ${JSON.stringify(
      list.map((f) => `${at(f)} ${f.message}`),
      null,
      1,
    )}`,
  );
  return list[0];
}

export function none(findings: Finding[], code?: string): void {
  const list = code ? withCode(findings, code) : findings;
  assert.deepEqual(
    list.map((f) => `${f.code} ${at(f)} ${f.message}`),
    [],
  );
}
