/**
 * The editor's load, at the core level: a workspace goes into a WorkspaceIndex, is analysed, then
 * takes keystrokes — one character changed in one file, that file re-set and the workspace
 * re-analysed, which is the synchronous task the extension host runs after each debounce. The
 * longest of those tasks is what a user would feel as a frozen editor.
 *
 * Used by test/stress/workspaceStress.test.ts (correctness asserted, figures printed) and by
 * bench/stressBench.ts (figures only).
 */
import { WorkspaceIndex, type AnalysisResult } from '../../src/core/index/workspaceIndex';
import { buildGraph } from '../../src/core/graph/buildGraph';
import type { GraphModel } from '../../src/core/graph/types';
import { appDocuments, bigFile } from '../../bench/manifestCorpus';

export interface StressFile {
  name: string;
  text: string;
}

export interface StressResult {
  name: string;
  files: number;
  lines: number;
  bytes: number;
  resources: number;
  /** First setFile of every file plus the first analyze(). */
  initialMs: number;
  keystrokes: number;
  /** setFile + analyze() per keystroke: the blocking task after each debounce. */
  longestKeystrokeMs: number;
  medianKeystrokeMs: number;
  /** analyze() alone, the longest. */
  longestAnalyzeMs: number;
  /** buildGraph() after a keystroke (an open topology panel, every `graphEvery` keystrokes), the longest. */
  longestGraphMs: number;
  /** A fresh index over the final texts, analysed once: what a full re-analysis costs. */
  freshAnalysisMs: number;
  peakHeapMb: number;
  /**
   * Heap in use after a full collection, with the index and the graph of the last keystroke alive
   * (what the editor keeps; `peakHeapMb` also counts garbage not yet collected and, at the end,
   * the fresh index built for the comparison). Undefined without --expose-gc.
   */
  liveHeapMb?: number;
  peakRssMb: number;
  findingsAtEnd: number;
  /** Findings and graph of the incremental index after the last keystroke, and of a fresh one. */
  incremental: { result: AnalysisResult; graph: GraphModel };
  fresh: { result: AnalysisResult; graph: GraphModel };
}

/** Deterministic choices (mulberry32), so two runs type the same keystrokes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One file of at least `lines` lines (gateway-style apps: Deployment, Service, HPA, ConfigMap, Ingress). */
export function singleFileWorkspace(lines: number): StressFile[] {
  return [{ name: '/stress/big/all-apps.yaml', text: bigFile(lines) }];
}

/**
 * `files` files of two documents each, with each app's five resources spread over neighbouring
 * files, so cross-resource checks and the graph join resources across files.
 */
export function manyFilesWorkspace(files: number): StressFile[] {
  const docs: string[] = [];
  for (let i = 0; docs.length < files * 2; i++) docs.push(...appDocuments(i));
  const out: StressFile[] = [];
  for (let f = 0; f < files; f++) out.push({ name: `/stress/ws/k8s/app-${String(f).padStart(4, '0')}.yaml`, text: `${docs[2 * f]}---\n${docs[2 * f + 1]}` });
  return out;
}

/** Where a keystroke lands: a selector value (breaks or mends a Service), an image tag, a replica count, a name. */
const TARGETS = [/^ {6}app: (app-\d+)$/gm, /image: registry\.local\/(app-\d+:1\.\d+)$/gm, /^ {2}maxReplicas: (\d+)$/gm, /^ {2}name: (app-\d+)$/gm];

function keystroke(text: string, rnd: () => number): string {
  for (let attempt = 0; attempt < TARGETS.length; attempt++) {
    const re = TARGETS[Math.floor(rnd() * TARGETS.length)];
    const hits = [...text.matchAll(re)];
    if (!hits.length) continue;
    const hit = hits[Math.floor(rnd() * hits.length)];
    const valueStart = hit.index + hit[0].length - hit[1].length;
    const at = valueStart + Math.floor(rnd() * hit[1].length);
    const kind = rnd();
    if (kind < 0.4) return text.slice(0, at) + 'abcxyz9'[Math.floor(rnd() * 7)] + text.slice(at + 1); // overtype
    if (kind < 0.7) return text.slice(0, at) + 'q' + text.slice(at); // insert
    if (hit[1].length > 1) return text.slice(0, at) + text.slice(at + 1); // delete
  }
  // Nothing matched (already typed over): type at the end of the first line.
  const nl = text.indexOf('\n');
  return text.slice(0, nl) + 'x' + text.slice(nl);
}

export interface StressOptions {
  keystrokes?: number;
  seed?: number;
  /** Build the graph (an open topology panel) after every n-th keystroke; 0: only at the end. */
  graphEvery?: number;
}

export function runStress(name: string, workspace: StressFile[], o: StressOptions = {}): StressResult {
  const keystrokes = o.keystrokes ?? 100;
  const rnd = prng(o.seed ?? 42);
  const texts = new Map(workspace.map((f) => [f.name, f.text]));
  let peakHeap = 0;
  const sampleHeap = () => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  global.gc?.();

  const index = new WorkspaceIndex();
  const t0 = performance.now();
  for (const f of workspace) index.setFile(f.name, f.text);
  let result = index.analyze();
  const initialMs = performance.now() - t0;
  sampleHeap();

  const names = [...texts.keys()];
  const times: number[] = [];
  let longestAnalyzeMs = 0;
  let longestGraphMs = 0;
  let graph = buildGraph(result);
  for (let k = 0; k < keystrokes; k++) {
    const file = names[Math.floor(rnd() * names.length)];
    const next = keystroke(texts.get(file)!, rnd);
    texts.set(file, next);
    const start = performance.now();
    index.setFile(file, next);
    const a0 = performance.now();
    result = index.analyze();
    const end = performance.now();
    times.push(end - start);
    longestAnalyzeMs = Math.max(longestAnalyzeMs, end - a0);
    if (o.graphEvery && k % o.graphEvery === 0) {
      const g0 = performance.now();
      graph = buildGraph(result);
      longestGraphMs = Math.max(longestGraphMs, performance.now() - g0);
    }
    sampleHeap();
  }
  graph = buildGraph(result);
  let liveHeap: number | undefined;
  if (global.gc) {
    global.gc();
    liveHeap = process.memoryUsage().heapUsed;
  }

  const f0 = performance.now();
  const freshIndex = new WorkspaceIndex();
  for (const [n, text] of texts) freshIndex.setFile(n, text);
  const freshResult = freshIndex.analyze();
  const freshAnalysisMs = performance.now() - f0;
  const freshGraph = buildGraph(freshResult);
  sampleHeap();

  const sorted = [...times].sort((a, b) => a - b);
  let lines = 0;
  let bytes = 0;
  for (const t of texts.values()) {
    bytes += Buffer.byteLength(t, 'utf8');
    for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) lines++;
  }
  let findingsAtEnd = 0;
  for (const list of result.byFile.values()) findingsAtEnd += list.length;
  return {
    name,
    files: texts.size,
    lines,
    bytes,
    resources: result.resources.length,
    initialMs,
    keystrokes,
    longestKeystrokeMs: sorted[sorted.length - 1] ?? 0,
    medianKeystrokeMs: sorted[Math.floor(sorted.length / 2)] ?? 0,
    longestAnalyzeMs,
    longestGraphMs,
    freshAnalysisMs,
    peakHeapMb: Math.round(peakHeap / 1024 / 1024),
    ...(liveHeap !== undefined ? { liveHeapMb: Math.round(liveHeap / 1024 / 1024) } : {}),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    findingsAtEnd,
    incremental: { result, graph },
    fresh: { result: freshResult, graph: freshGraph },
  };
}

/** The figures without the analysis objects, for printing. */
export function figures(r: StressResult): Record<string, string | number> {
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    name: r.name,
    files: r.files,
    lines: r.lines,
    MB: round(r.bytes / 1024 / 1024),
    resources: r.resources,
    initialMs: round(r.initialMs),
    keystrokes: r.keystrokes,
    longestKeystrokeMs: round(r.longestKeystrokeMs),
    medianKeystrokeMs: round(r.medianKeystrokeMs),
    longestAnalyzeMs: round(r.longestAnalyzeMs),
    longestGraphMs: round(r.longestGraphMs),
    freshAnalysisMs: round(r.freshAnalysisMs),
    peakHeapMb: r.peakHeapMb,
    ...(r.liveHeapMb !== undefined ? { liveHeapMb: r.liveHeapMb } : {}),
    peakRssMb: r.peakRssMb,
    findingsAtEnd: r.findingsAtEnd,
  };
}
