/**
 * One quadratic-shape measurement in a fresh process (so peak memory is this shape's alone):
 * `node out/bench/shapesChild.js SHAPE_INDEX SIZE` prints one JSON line. Measured after a
 * warm-up on a tiny input of every shape, so the figure is the shape's, not start-up's.
 */
import { performance } from 'node:perf_hooks';
import { WorkspaceIndex } from '../src/core/index/workspaceIndex';
import { SHAPES } from '../test/stress/quadraticShapes';

const [shapeArg, sizeArg] = process.argv.slice(2);
const shape = SHAPES[Number(shapeArg)];
const { name, text } = shape.file(Number(sizeArg));
// Warm-up: schemas and rule modules load on first use; that fixed cost is not the shape's.
for (const s of SHAPES) {
  const warm = s.file(2);
  new WorkspaceIndex().setFile(warm.name, warm.text, { explicit: true });
}
{
  const warm = new WorkspaceIndex();
  warm.setFile('/warm/all.yaml', SHAPES[0].file(2).text, { explicit: true });
  warm.analyze();
}
let peakHeap = 0;
const sample = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 5);
const t0 = performance.now();
const index = new WorkspaceIndex();
index.setFile(name, text, { explicit: true });
const result = index.analyze();
const ms = performance.now() - t0;
clearInterval(sample);
peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
const findings = result.byFile.get(name)?.length ?? 0;
process.stdout.write(
  `${JSON.stringify({ ms, peakHeapMb: peakHeap / 1048576, maxRssMb: process.resourceUsage().maxRSS / 1024, resources: result.resources.length, findings })}\n`,
);
