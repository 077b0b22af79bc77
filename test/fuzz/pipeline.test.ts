/**
 * Property-based fuzzing of parse → analyze (every rule, schemas on) → buildGraph. Each input runs
 * in a worker with a watchdog (see watchdog.ts); the properties are the invariants in pipeline.ts:
 * nothing throws, every finding has a catalogued code and a range inside its document, the graph
 * only references nodes it has and the webview accepts it, every quick fix applies and re-parses.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PipelineWorker } from './watchdog';
import type { FuzzFile, PipelineOptions } from './pipeline';
import { FUZZ_LARGE_BYTES, params, report, runs, saveFailure } from './settings';
import {
  KNOWN_KINDS,
  aliasBomb,
  aliasBombText,
  binaryText,
  deepNesting,
  deepNestingText,
  duplicateKeysText,
  emitWith,
  hugeNumbersText,
  junkText,
  multiDocument,
  mutatedDocument,
  objectOfKind,
  oddSeparatorsText,
  workspace,
} from './arbitraries';

const worker = new PipelineWorker();
after(async () => {
  report('pipeline', worker);
  await worker.close();
});

async function holds(files: FuzzFile[], label: string, options: PipelineOptions = {}): Promise<void> {
  const r = await worker.run(files, options, label);
  if (r.violations.length) saveFailure(label, files, r.violations);
  assert.deepEqual(
    r.violations,
    [],
    `${label}: ${r.violations.slice(0, 5).join('\n')}\n--- input ---\n${files.map((f) => `${f.name}:\n${JSON.stringify(f.text.slice(0, 2000))}`).join('\n')}`,
  );
}

const one = (text: string, name = '/fuzz/one.yaml'): FuzzFile[] => [{ name, text }];

describe('fuzzing parse → analyze → graph (fixed seed, bounded budget)', () => {
  test('a random workspace of valid, mutated, junk and binary files keeps every invariant', async () => {
    await fc.assert(
      fc.asyncProperty(workspace, (files) => holds(files, 'workspace')),
      params(runs(1)),
    );
  });

  test('multi-document files with separators in odd places keep every invariant', async () => {
    await fc.assert(
      fc.asyncProperty(multiDocument, (text) => holds(one(text), 'multi-document')),
      params(runs(0.5)),
    );
  });

  test('mutated manifests (inserted junk, duplicated lines, CRLF, tabs, BOM, lone CR, truncation) keep every invariant', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedDocument, (text) => holds(one(text), 'mutated')),
      params(runs(1)),
    );
  });

  test('text from every Unicode plane, lone surrogates and NULs never breaks the pipeline', async () => {
    await fc.assert(
      fc.asyncProperty(junkText, (text) => holds(one(text), 'unicode junk')),
      params(runs(0.5)),
    );
  });

  test('binary bytes read as text are refused or parsed without breaking the pipeline', async () => {
    await fc.assert(
      fc.asyncProperty(binaryText, (text) => holds(one(text, '/fuzz/blob.yaml'), 'binary')),
      params(runs(0.3)),
    );
  });

  test('alias bombs are stopped by the alias limit with a finding', async () => {
    await fc.assert(
      fc.asyncProperty(aliasBombText, async (text) => {
        const r = await worker.run(one(text), {}, 'alias bomb');
        assert.deepEqual(r.violations, []);
      }),
      params(runs(0.15)),
    );
    // The classic billion laughs: 10 levels of 10 aliases (10^10 strings if expanded).
    const r = await worker.run(one(aliasBomb(10, 10)), {}, 'billion laughs');
    assert.deepEqual(r.violations, []);
    assert.ok(r.codes.includes('yaml-alias-limit'), `billion laughs reported as ${r.codes.join(', ')}`);
  });

  test('deep nesting in every style is parsed or refused with a finding, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(deepNestingText, (text) => holds(one(text), 'deep nesting')),
      params(runs(0.15)),
    );
    // Flow nesting 20,000 deep overflows any recursive parser; block nesting grows quadratically
    // in bytes (indentation), so 2,000 levels is already megabytes.
    for (const [style, depth] of [
      ['block-map', 2000],
      ['block-seq', 2000],
      ['flow-seq', 20_000],
      ['flow-map', 20_000],
      ['mixed', 20_000],
    ] as const) {
      const r = await worker.run(one(deepNesting(style, depth)), {}, `deep ${style} ${depth}`);
      assert.deepEqual(r.violations, [], `${style}: ${r.violations.join('\n')}`);
      assert.ok(r.findings > 0 || r.nodes > 0, `${style}: something was reported`);
    }
  });

  test('numbers past every limit and duplicate keys keep every invariant', async () => {
    await fc.assert(
      fc.asyncProperty(hugeNumbersText, (text) => holds(one(text), 'huge numbers')),
      params(runs(0.2)),
    );
    await fc.assert(
      fc.asyncProperty(duplicateKeysText, async (text) => {
        const r = await worker.run(one(text), {}, 'duplicate keys');
        assert.deepEqual(r.violations, []);
        assert.ok(r.codes.includes('duplicate-key'), `duplicate keys reported as ${r.codes.join(', ')}`);
      }),
      params(runs(0.15)),
    );
  });

  test('document markers in odd places keep every invariant', async () => {
    await fc.assert(
      fc.asyncProperty(oddSeparatorsText, (text) => holds(one(text), 'odd separators')),
      params(runs(0.3)),
    );
  });

  test('every built-in kind of 1.36, with random fields drawn from its schema, keeps every invariant', async () => {
    assert.ok(KNOWN_KINDS.length > 150, `${KNOWN_KINDS.length} kinds`);
    const seeds = Math.max(1, Math.round(runs(0.02, 1)));
    for (const kind of KNOWN_KINDS) {
      for (let seed = 0; seed < seeds; seed++) {
        const objects = [objectOfKind(kind, seed * 7919 + 1), objectOfKind(kind, seed * 7919 + 2)];
        const text =
          emitWith(objects[0], { indent: 2, flowLevel: -1, lineWidth: 80, defaultStringType: 'PLAIN', json: false }) +
          '---\n' +
          emitWith(objects[1], { indent: 2, flowLevel: 1, lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', json: false });
        await holds(one(text, `/fuzz/kinds/${kind.kind}.yaml`), `${kind.apiVersion} ${kind.kind} #${seed}`);
      }
    }
  });

  test('a 50 MB file is refused as too large with a clear finding', async () => {
    const unit = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  k: v\n---\n';
    const text = unit.repeat(Math.ceil((50 * 1024 * 1024) / unit.length));
    const r = await worker.run(one(text, '/fuzz/huge.yaml'), { checkFixes: false }, '50 MB file');
    assert.deepEqual(r.violations, []);
    assert.deepEqual(r.codes, ['file-too-large']);
    assert.equal(r.findings, 1);
    assert.equal(r.nodes, 0);
  });

  test(`a large workspace file (${(FUZZ_LARGE_BYTES / 1024 / 1024).toFixed(1)} MB of generated documents) keeps every invariant`, async () => {
    // Built from the same generators, repeated until it is large; this input gives the time per MB.
    const sample = fc.sample(fc.array(multiDocument, { minLength: 20, maxLength: 20 }), { seed: 7, numRuns: 1 })[0].join('---\n');
    const text = Array.from({ length: Math.ceil(FUZZ_LARGE_BYTES / Math.max(1, sample.length)) }, (_, i) =>
      sample.replace(/name: (\S+)/g, `name: $1-${i}`),
    ).join('\n---\n');
    const r = await worker.run(one(text, '/fuzz/large.yaml'), { checkFixes: false }, 'large file');
    assert.deepEqual(r.violations.slice(0, 5), []);
    assert.ok(r.findings > 0);
  });
});
