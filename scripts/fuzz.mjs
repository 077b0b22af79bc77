#!/usr/bin/env node
// `npm run fuzz`: the fuzz properties of test/fuzz with a large budget.
//
//   npm run fuzz                      # FUZZ_RUNS=2000 (default here), a fresh seed each run
//   FUZZ_RUNS=500 FUZZ_SEED=7 npm run fuzz
//   npm run fuzz -- --replay DIR      # run the pipeline over the files saved in DIR and print what breaks
//
// Failing inputs are saved under .test-artifacts/fuzz/<property>/ (replay them with --replay);
// the figures of each run are appended to .test-artifacts/fuzz-report.jsonl.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args, env = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

if (run('npx', ['tsc', '-p', 'test/fuzz/tsconfig.json']) !== 0) process.exit(2);

const replay = process.argv.indexOf('--replay');
if (replay !== -1) {
  const dir = resolve(process.argv[replay + 1] ?? '.');
  const require = createRequire(import.meta.url);
  const { runPipeline } = require(join(root, 'out/test/fuzz/pipeline.js'));
  const files = readdirSync(dir)
    .filter((f) => f !== 'violations.txt')
    .sort()
    .map((f) => ({ name: `/fuzz/ws/${f.replace(/^\d+-/, '')}`, text: readFileSync(join(dir, f), 'utf8') }));
  const report = runPipeline(files);
  console.log(JSON.stringify({ ...report, violations: undefined }, null, 1));
  for (const v of report.violations) console.log(`VIOLATION ${v}`);
  process.exit(report.violations.length ? 1 : 0);
}

const env = {
  FUZZ_RUNS: process.env.FUZZ_RUNS ?? '2000',
  FUZZ_SEED: process.env.FUZZ_SEED ?? String(Date.now() % 2 ** 31),
  FUZZ_LARGE_BYTES: process.env.FUZZ_LARGE_BYTES ?? String(7 * 1024 * 1024),
};
console.log(`fuzz: FUZZ_RUNS=${env.FUZZ_RUNS} FUZZ_SEED=${env.FUZZ_SEED} (replay a run with the same values)`);
process.exit(run(process.execPath, ['--test', '--test-reporter=spec', 'out/test/fuzz/'], env));
