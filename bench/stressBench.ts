/**
 * Editor stress figures for `npm run bench` (register with
 * `optional('stress', 'stressBench', 'runStressBench')` in bench/run.ts): a 50,000-line file and a
 * 2,000-file workspace take 100 keystrokes each (test/stress/stressScenario.ts). "ours" is the
 * longest blocking task after a keystroke (setFile + analyze), "peer" a fresh full analysis of
 * the same texts — what the editor would pay without the incremental index.
 */
import { figures, manyFilesWorkspace, runStress, singleFileWorkspace, type StressResult } from '../test/stress/stressScenario';

export interface StressBenchRow {
  name: string;
  ours: number;
  peer?: number;
  ratio?: number;
  unit?: string;
  details?: unknown;
}

function rows(r: StressResult): StressBenchRow[] {
  const details = figures(r);
  return [
    {
      name: `stress ${r.name}: longest keystroke (setFile + analyze)`,
      ours: r.longestKeystrokeMs,
      peer: r.freshAnalysisMs,
      ratio: r.longestKeystrokeMs / r.freshAnalysisMs,
      unit: 'ms',
      details,
    },
    {
      name: `stress ${r.name}: median keystroke`,
      ours: r.medianKeystrokeMs,
      peer: r.freshAnalysisMs,
      ratio: r.medianKeystrokeMs / r.freshAnalysisMs,
      unit: 'ms',
    },
    { name: `stress ${r.name}: peak heap`, ours: r.peakHeapMb, unit: 'MB', details: { peakRssMb: r.peakRssMb } },
    // What stays in use: the index and the graph after a full collection (needs node --expose-gc).
    ...(r.liveHeapMb !== undefined ? [{ name: `stress ${r.name}: heap in use after GC (target < 250 MB)`, ours: r.liveHeapMb, unit: 'MB' }] : []),
  ];
}

export async function runStressBench(): Promise<StressBenchRow[]> {
  return [
    ...rows(runStress('50,000-line file', singleFileWorkspace(50_000), { keystrokes: 100, seed: 1, graphEvery: 10 })),
    ...rows(runStress('2,000-file workspace', manyFilesWorkspace(2000), { keystrokes: 100, seed: 2, graphEvery: 10 })),
  ];
}
