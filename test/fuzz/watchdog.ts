import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FuzzFile, PipelineOptions, PipelineReport } from './pipeline';

/**
 * A generous bound per input: it catches hangs and runaway work, not slowness. The measured times
 * go to the report; nothing asserts on speed.
 */
export const WATCHDOG_MS = Number(process.env.FUZZ_WATCHDOG_MS ?? 20_000);

export interface Measured {
  report: PipelineReport;
  heapUsed: number;
}

/**
 * The pipeline in a worker thread with a watchdog. The worker's stack is the size of Node's main
 * thread stack (about 1 MB, what the extension host has), so deep nesting overflows where it would
 * in the editor; its heap is capped so an alias bomb that allocates without end shows up as a failure.
 */
export class PipelineWorker {
  private worker: Worker | undefined;
  private nextId = 0;
  /** Every input's size and time, for the report. */
  readonly samples: { bytes: number; ms: number; label: string }[] = [];
  peakHeap = 0;
  /** The input with the worst time per byte (inputs of 64 KB or more), kept to look at. */
  slowest: { msPerMb: number; label: string; files: FuzzFile[] } | undefined;

  private start(): Worker {
    const w = new Worker(path.join(__dirname, 'pipelineWorker.js'), { resourceLimits: { stackSizeMb: 1, maxOldGenerationSizeMb: 3072 } });
    w.unref();
    return w;
  }

  async run(files: FuzzFile[], options: PipelineOptions = {}, label = 'input'): Promise<PipelineReport> {
    const w = (this.worker ??= this.start());
    const id = ++this.nextId;
    const result = await new Promise<Measured>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
      };
      const onMessage = (m: Measured & { id: number }) => {
        if (m.id !== id) return;
        cleanup();
        resolve(m);
      };
      const onError = (e: Error) => {
        cleanup();
        this.worker = undefined;
        reject(new Error(`the pipeline worker died on ${label}: ${e.message}`));
      };
      const onExit = (code: number) => {
        cleanup();
        this.worker = undefined;
        reject(new Error(`the pipeline worker exited (${code}) on ${label}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        this.worker = undefined;
        void w.terminate();
        reject(new Error(`no answer within ${WATCHDOG_MS} ms on ${label} (hang?)`));
      }, WATCHDOG_MS);
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage({ id, files, options });
    });
    this.samples.push({ bytes: result.report.bytes, ms: result.report.ms, label });
    const perMb = result.report.ms / (result.report.bytes / (1024 * 1024));
    if (result.report.bytes >= 64 * 1024 && perMb > (this.slowest?.msPerMb ?? 0)) this.slowest = { msPerMb: perMb, label, files };
    this.peakHeap = Math.max(this.peakHeap, result.heapUsed);
    return result.report;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
