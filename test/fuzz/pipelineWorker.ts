/**
 * Runs the pipeline in a worker thread so a hang or a runaway allocation is caught from outside:
 * a synchronous infinite loop would block the test's own event loop, and with it any timer.
 */
import { parentPort } from 'node:worker_threads';
import { runPipeline, type FuzzFile, type PipelineOptions } from './pipeline';

interface Request {
  id: number;
  files: FuzzFile[];
  options: PipelineOptions;
}

// Library warnings land in the extension host's log on every keystroke: none may come from input.
const warnings: string[] = [];
process.on('warning', (w) => warnings.push(`${w.name}: ${w.message}`));

parentPort!.on('message', (req: Request) => {
  warnings.length = 0;
  const report = runPipeline(req.files, req.options);
  // emitWarning delivers on the next tick; answer after it.
  setImmediate(() => {
    for (const w of warnings) report.violations.push(`process warning: ${w.slice(0, 300)}`);
    parentPort!.postMessage({ id: req.id, report, heapUsed: process.memoryUsage().heapUsed });
  });
});
