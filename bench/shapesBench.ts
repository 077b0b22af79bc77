import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { loadavg } from 'node:os';
import { SHAPES } from '../test/stress/quadraticShapes';
import type { BenchRow } from './benchRow';

/**
 * The shapes that were quadratic (test/stress/quadraticShapes.ts) at 1×, 2× and 4× size, each
 * analysed (parse + every check) in a fresh process. The peer of a 2× or 4× row is the 1× figure
 * scaled linearly, so the ratio says how far growth is from linear (1.00× = exactly linear;
 * quadratic growth would show 2× and 4×).
 */
const SIZES: Record<string, number> = { 'shared selector': 1000, 'one mapping': 12_500, 'one-line JSON': 20_000 };

interface ChildResult {
  ms: number;
  peakHeapMb: number;
  maxRssMb: number;
  resources: number;
  findings: number;
}

/** Fresh processes per size; the median run by time (one run of ~100 ms is at the mercy of a single hiccup). */
const RUNS = 3;

function measureOnce(shapeIndex: number, size: number): ChildResult {
  const child = path.join(__dirname, 'shapesChild.js');
  const r = spawnSync(process.execPath, [child, String(shapeIndex), String(size)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`shape ${SHAPES[shapeIndex].name} at ${size}: ${r.stderr.slice(0, 300)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

function measure(shapeIndex: number, size: number): ChildResult & { runsMs: number[] } {
  const runs = Array.from({ length: RUNS }, () => measureOnce(shapeIndex, size));
  const byTime = [...runs].sort((a, b) => a.ms - b.ms);
  return { ...byTime[Math.floor(RUNS / 2)], runsMs: runs.map((r) => r.ms) };
}

export function shapesBench(): BenchRow[] {
  const rows: BenchRow[] = [];
  SHAPES.forEach((shape, i) => {
    const base = SIZES[shape.name];
    let one: ChildResult | undefined;
    for (const k of [1, 2, 4]) {
      const size = base * k;
      const got = measure(i, size);
      one ??= got;
      const label = `${shape.name} ${k}× (${size.toLocaleString('en-US')} ${shape.unit})`;
      const details = `median of ${RUNS} processes [${got.runsMs.map((ms) => ms.toFixed(0)).join(', ')} ms]; peak heap ${got.peakHeapMb.toFixed(0)} MB, max RSS ${got.maxRssMb.toFixed(0)} MB, ${got.resources} resources, ${got.findings} findings, load ${loadavg()[0].toFixed(2)}`;
      rows.push({
        name: `shape ${label}: parse + analyze`,
        ours: got.ms,
        peerName: k > 1 ? `1× × ${k}` : undefined,
        peer: k > 1 ? one.ms * k : undefined,
        ratio: k > 1 ? got.ms / (one.ms * k) : undefined,
        unit: 'ms',
        target: k > 1 ? '≤ 1.25× linear' : undefined,
        pass: k > 1 ? got.ms <= one.ms * k * 1.25 : undefined,
        details,
      });
      rows.push({
        name: `shape ${label}: peak heap`,
        ours: got.peakHeapMb,
        peerName: k > 1 ? `1× × ${k}` : undefined,
        peer: k > 1 ? one.peakHeapMb * k : undefined,
        ratio: k > 1 ? got.peakHeapMb / (one.peakHeapMb * k) : undefined,
        unit: 'MB',
      });
    }
  });
  return rows;
}
