/**
 * Editor stress at the core level: a 50,000-line file and a 2,000-file workspace, 100 keystrokes
 * each. Asserted: after the keystrokes the incremental index reports exactly what a fresh index
 * over the same texts reports (findings per file and the graph). Printed, not asserted: the
 * longest blocking task, peak heap and RSS (they depend on the machine and its load).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { figures, manyFilesWorkspace, runStress, singleFileWorkspace, type StressResult } from './stressScenario';

const ARTIFACTS = path.resolve(__dirname, '../../../.test-artifacts');

function byFileJson(r: StressResult['fresh']['result']): string {
  return JSON.stringify([...r.byFile.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function assertSameAsFresh(r: StressResult): void {
  assert.equal(r.incremental.result.byFile.size, r.fresh.result.byFile.size, 'same files');
  assert.equal(byFileJson(r.incremental.result), byFileJson(r.fresh.result), 'incremental findings equal a fresh analysis');
  assert.deepEqual(r.incremental.graph, r.fresh.graph, 'incremental graph equals a fresh one');
  // The keystrokes hit selectors, names and images: some must have left findings behind.
  assert.ok(r.findingsAtEnd > 0, 'the edits produced findings');
}

function print(r: StressResult): void {
  const f = figures(r);
  process.stdout.write(`# stress ${JSON.stringify(f)}\n`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.appendFileSync(path.join(ARTIFACTS, 'stress-report.jsonl'), JSON.stringify({ at: new Date().toISOString(), ...f }) + '\n');
}

test('a 50,000-line file takes 100 keystrokes and reports what a fresh analysis reports', () => {
  const ws = singleFileWorkspace(50_000);
  const r = runStress('50,000-line file', ws, { keystrokes: 100, seed: 1, graphEvery: 10 });
  print(r);
  assert.ok(r.lines >= 50_000, `${r.lines} lines`);
  assert.ok(r.resources > 2000, `${r.resources} resources`);
  assertSameAsFresh(r);
});

test('a 2,000-file workspace takes 100 keystrokes and reports what a fresh analysis reports', () => {
  const ws = manyFilesWorkspace(2000);
  const r = runStress('2,000-file workspace', ws, { keystrokes: 100, seed: 2, graphEvery: 10 });
  print(r);
  assert.equal(r.files, 2000);
  assert.equal(r.resources, 4000);
  assertSameAsFresh(r);
});
