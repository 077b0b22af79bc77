import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  EXPECTATIONS_FILE,
  REAL_WORLD,
  REPOSITORIES,
  keyOf,
  readExpectations,
  trainingSetPresent,
  validateRepository,
  writeExpectations,
  type FoundFinding,
  type RepositoryCounts,
} from './realWorld';

/**
 * Zero false errors and under 5 % false warnings on repositories no one here wrote. Any error or
 * warning that is not in the judged expectations fails the test (judge it, see docs/precision.md),
 * and so does an expected one that is gone (the expectations are stale).
 */

// The training set lives beside the project (never copied into it); without it there is nothing to measure.
const absent = trainingSetPresent() ? false : `${REAL_WORLD} is absent: the precision check needs the training set (see docs/precision.md)`;

test('every error and warning on the training set is judged; none of the errors and under 5 % of the warnings are false', { skip: absent }, async () => {
  const counts: Record<string, RepositoryCounts> = {};
  const found: FoundFinding[] = [];
  for (const repository of REPOSITORIES) {
    const r = await validateRepository(repository);
    counts[repository] = r.counts;
    found.push(...r.findings);
  }
  if (process.env.KUBE_TOPOLOGY_PRECISION_UPDATE === '1') {
    writeExpectations(counts, found, existsSync(EXPECTATIONS_FILE) ? readExpectations() : undefined);
  }
  const expected = readExpectations();
  const byKey = new Map(expected.findings.map((f) => [f.key, f]));
  const foundKeys = new Set(found.map(keyOf));
  const unjudged = found.filter((f) => byKey.get(keyOf(f))?.holds == null);
  const stale = expected.findings.filter((f) => !foundKeys.has(f.key));
  assert.deepEqual(
    unjudged.map((f) => `${keyOf(f)}: ${f.message}`),
    [],
    'new findings on the training set: judge them in test/precision/realWorldExpectations.json',
  );
  assert.deepEqual(
    stale.map((f) => f.key),
    [],
    'expected findings that are gone: regenerate with KUBE_TOPOLOGY_PRECISION_UPDATE=1',
  );
  assert.deepEqual(counts, expected.repositories, 'resources, findings and units per repository');

  const judged = found.map((f) => ({ f, holds: byKey.get(keyOf(f))!.holds }));
  const falseErrors = judged.filter((j) => j.f.severity === 'error' && j.holds === false);
  const warnings = judged.filter((j) => j.f.severity === 'warning');
  const falseWarnings = warnings.filter((j) => j.holds === false);
  const errors = judged.filter((j) => j.f.severity === 'error');
  console.log(
    `precision: ${errors.length} errors (${falseErrors.length} false), ${warnings.length} warnings (${falseWarnings.length} false, ` +
      `${warnings.length ? ((100 * falseWarnings.length) / warnings.length).toFixed(1) : '0.0'} %)`,
  );
  assert.deepEqual(
    falseErrors.map((j) => keyOf(j.f)),
    [],
    'no false errors',
  );
  assert.ok(falseWarnings.length * 20 < Math.max(warnings.length, 1), `false warnings ${falseWarnings.length} of ${warnings.length} (target under 5 %)`);
});
