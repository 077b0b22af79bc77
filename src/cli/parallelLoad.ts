import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { availableParallelism, loadavg } from 'node:os';
import { WorkspaceIndex } from '../core/index/workspaceIndex';
import type { PortableFile } from '../core/parse/manifestParser';
import type { FileContext } from '../core/index/applyUnits';
import { isKustomizationFile } from '../core/index/kustomization';
import type { AnalysisOptions } from '../core/rules/types';
import { schemasAvailable } from '../core/schema/store';

/**
 * Parsing and per-resource checks of a large input, spread over worker threads.
 *
 * YAML parsing dominates `validate` on a big repository, and every file parses on its own, so the
 * files are split between this thread and workers. Each worker parses its share and runs the
 * per-document checks; it sends back plain data without YAML trees (those are rebuilt here
 * only for resources a cross-resource finding must point into). Cross-resource checks need every
 * resource and run here, as before. Findings and their order are the same as a single-thread run.
 */

export interface LoadEntry {
  file: string;
  text: string;
  explicit: boolean;
  /** What the unit plan says about the file (set for entries sent to a worker). */
  context?: FileContext;
}

interface WorkerInput {
  kind: typeof WORKER_KIND;
  options: AnalysisOptions;
  entries: LoadEntry[];
}

const WORKER_KIND = 'kube-topology/parse-worker';

/**
 * Below this much YAML, starting a worker costs more than it saves. Since plain block YAML is read
 * without the YAML library (blockYaml.ts), a worker's fixed costs — loading the bundle again and
 * cloning its results back — outweigh the parse it takes over: at 2,000 and 20,000 resources
 * (0.8 and 8 MB) one worker used 35–50 % more CPU than none and was not faster
 * (docs/performance.md). Past 32 MB the parse share is large enough to try.
 */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

/** Worker threads worth starting for this input: 0 means parse here. */
export function workerCount(entries: readonly LoadEntry[]): number {
  let bytes = 0;
  for (const e of entries) bytes += e.text.length;
  if (bytes < PARALLEL_MIN_BYTES || !schemasAvailable()) return 0;
  const cores = availableParallelism();
  // On a machine already busier than its cores, a worker gets no core of its own and only adds
  // its start-up (loading the bundle again) to the total.
  if (loadavg()[0] >= cores) return 0;
  // One thread per core, this one included; past four the cross-resource pass here dominates.
  return Math.max(0, Math.min(cores, 4) - 1);
}

/** Fills `index` with `entries`, parsed here and in `workers` worker threads. */
export async function loadInParallel(index: WorkspaceIndex, entries: readonly LoadEntry[], workers: number): Promise<void> {
  if (workers <= 0) {
    for (const e of entries) index.setFile(e.file, e.text, { explicit: e.explicit });
    return;
  }
  // This thread starts at once while workers still load the bundle, so it takes a larger share.
  const shares = [1.15, ...Array<number>(workers).fill(1)];
  // Per-document checks depend on each file's place in the apply units (a kustomize patch is
  // checked as a patch): workers get it from the same plan this index will make.
  const plan = index.previewPlan(entries);
  // Kustomization files are read here (they are small, and this index plans the units).
  for (const e of entries) if (isKustomizationFile(e.file)) index.setFile(e.file, e.text, { explicit: e.explicit });
  const parts = splitBySize(
    entries.filter((e) => !isKustomizationFile(e.file)).map((e) => ({ ...e, context: plan.contextOf(e.file) })),
    shares,
  );
  const started = parts.slice(1).map((part) => runWorker(index.getOptions(), part));
  for (const e of parts[0]) index.setFile(e.file, e.text, { explicit: e.explicit });
  index.checkDocuments();
  for (let w = 0; w < started.length; w++) {
    let files: PortableFile[];
    try {
      files = await started[w];
    } catch {
      // A worker that cannot start (resource limits, a broken install) only costs speed.
      for (const e of parts[w + 1]) index.setFile(e.file, e.text, { explicit: e.explicit });
      continue;
    }
    for (const f of files) index.adoptFile(f, plan.contextOf(f.file));
  }
  index.orderFiles(entries.map((e) => e.file));
}

/** Consecutive runs of entries whose sizes follow `shares`. */
function splitBySize(entries: readonly LoadEntry[], shares: number[]): LoadEntry[][] {
  let total = 0;
  for (const e of entries) total += e.text.length;
  const sum = shares.reduce((a, b) => a + b, 0);
  const parts: LoadEntry[][] = shares.map(() => []);
  let part = 0;
  let filled = 0;
  let bound = (total * shares[0]) / sum;
  for (const e of entries) {
    while (part < shares.length - 1 && filled >= bound) {
      part++;
      bound += (total * shares[part]) / sum;
    }
    parts[part].push(e);
    filled += e.text.length;
  }
  return parts;
}

function runWorker(options: AnalysisOptions, entries: LoadEntry[]): Promise<PortableFile[]> {
  return new Promise((resolve, reject) => {
    const input: WorkerInput = { kind: WORKER_KIND, options, entries };
    // This module's own file: the CLI bundle (dist/cli.js), or the compiled module in tests.
    const worker = new Worker(__filename, { workerData: input });
    worker.once('message', (files: PortableFile[]) => {
      resolve(files);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`parse worker exited with ${code}`)));
  });
}

function workerMain(input: WorkerInput): void {
  const index = new WorkspaceIndex(input.options);
  const out: PortableFile[] = [];
  for (const e of input.entries) {
    if (!index.setFile(e.file, e.text, { explicit: e.explicit })) continue;
    const portable = index.exportFile(e.file, e.context);
    if (portable) out.push(portable);
  }
  parentPort!.postMessage(out);
}

/** True in a thread started by {@link runWorker}; the CLI entry point then does nothing else. */
export const isParseWorker = !isMainThread && (workerData as WorkerInput | undefined)?.kind === WORKER_KIND;

if (isParseWorker) workerMain(workerData as WorkerInput);
