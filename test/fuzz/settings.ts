import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PipelineWorker } from './watchdog';

/**
 * Budgets: small and fixed in the test suite, larger under `npm run fuzz`
 * (FUZZ_RUNS=runs of the main property, FUZZ_SEED=seed; the other properties scale from FUZZ_RUNS).
 */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 100);
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_260_611);
/** Size of the large input that gives the time-per-MB figure (bytes). */
export const FUZZ_LARGE_BYTES = Number(process.env.FUZZ_LARGE_BYTES ?? 2 * 1024 * 1024);

export const ROOT = path.resolve(__dirname, '../../..');
export const ARTIFACTS = path.join(ROOT, '.test-artifacts');

export const runs = (share: number, min = 10): number => Math.max(min, Math.round(FUZZ_RUNS * share));

/** fast-check parameters: the seed is fixed, so a failure replays; the path is printed on failure. */
export const params = (numRuns: number) => ({ seed: FUZZ_SEED, numRuns, endOnFailure: true, verbose: 1 as const });

export interface FuzzSummary {
  file: string;
  seed: number;
  inputs: number;
  bytes: number;
  worstMs: number;
  worstLabel: string;
  /** Worst time per MB over inputs of at least 64 KB (smaller ones measure start-up, not throughput). */
  worstMsPerMb: number;
  worstMsPerMbLabel: string;
  peakHeapMb: number;
  maxRssMb: number;
}

/** Prints the figures and appends them to .test-artifacts/fuzz-report.jsonl for docs/reliability.md. */
export function report(file: string, worker: PipelineWorker): FuzzSummary {
  let worstMs = 0;
  let worstLabel = '';
  let worstMsPerMb = 0;
  let worstMsPerMbLabel = '';
  let bytes = 0;
  for (const s of worker.samples) {
    bytes += s.bytes;
    if (s.ms > worstMs) {
      worstMs = s.ms;
      worstLabel = `${s.label} (${(s.bytes / 1024).toFixed(1)} KB)`;
    }
    if (s.bytes >= 64 * 1024) {
      const perMb = s.ms / (s.bytes / (1024 * 1024));
      if (perMb > worstMsPerMb) {
        worstMsPerMb = perMb;
        worstMsPerMbLabel = `${s.label} (${(s.bytes / 1024 / 1024).toFixed(2)} MB)`;
      }
    }
  }
  const summary: FuzzSummary = {
    file,
    seed: FUZZ_SEED,
    inputs: worker.samples.length,
    bytes,
    worstMs: Math.round(worstMs * 10) / 10,
    worstLabel,
    worstMsPerMb: Math.round(worstMsPerMb),
    worstMsPerMbLabel,
    peakHeapMb: Math.round(worker.peakHeap / 1024 / 1024),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  if (worker.slowest) saveFailure(`slowest-${file}`, worker.slowest.files, [`${worker.slowest.label}: ${Math.round(worker.slowest.msPerMb)} ms/MB`]);
  process.stdout.write(`# fuzz ${file}: ${JSON.stringify(summary)}\n`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.appendFileSync(path.join(ARTIFACTS, 'fuzz-report.jsonl'), JSON.stringify({ at: new Date().toISOString(), runs: FUZZ_RUNS, ...summary }) + '\n');
  return summary;
}

/** Keeps a failing input as files (replayable with scripts/fuzz.mjs --replay DIR). */
export function saveFailure(label: string, files: { name: string; text: string }[], violations: string[]): string {
  // One folder per property: while fast-check shrinks, the last (smallest) failing input wins.
  const dir = path.join(ARTIFACTS, 'fuzz', label.replace(/[^a-z0-9]+/gi, '-'));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  files.forEach((f, i) => fs.writeFileSync(path.join(dir, `${i}-${path.basename(f.name)}`), f.text));
  fs.writeFileSync(path.join(dir, 'violations.txt'), violations.join('\n') + '\n');
  return dir;
}
