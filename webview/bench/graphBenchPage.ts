/**
 * Browser side of bench/graph.bench.mjs: the panel's own layout and drawing code (shared layout,
 * GraphView) with both engines, timed in Chromium. Bundled by the bench script, never shipped.
 */
import { ComponentCache, layoutGraph } from '../../src/core/graph/layout/layout';
import { ElkEngine } from '../../src/core/graph/layout/elkEngine';
import { DagreEngine } from '../../src/core/graph/layout/dagreEngine';
import type { LayoutEngine, LayoutMemory } from '../../src/core/graph/layout/types';
import type { GraphModel } from '../../src/core/graph/types';
import { GRAPH_CSS } from '../../src/core/graph/render/graphStyles';
import { GraphView } from '../src/graphView';

const engines: Record<string, LayoutEngine> = { elk: new ElkEngine(), dagre: new DagreEngine() };
const caches: Record<string, ComponentCache> = {};
const memories: Record<string, LayoutMemory | undefined> = {};
let view: GraphView | undefined;

const sheet = new CSSStyleSheet();
sheet.replaceSync(`${GRAPH_CSS} html, body { margin: 0; height: 100%; } #root { width: 100vw; height: 100vh; } #root > svg { width: 100%; height: 100%; }`);
document.adoptedStyleSheets = [sheet];

function frame(): Promise<number> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0)));
}

/** Lays out and paints a graph; `warm` reuses the engine's cache and memory (an edit). */
async function run(graph: GraphModel, engine: string, warm: boolean): Promise<{ layoutMs: number; paintMs: number; renderMs: number; computed: number; nodes: number }> {
  if (!warm || !caches[engine]) {
    caches[engine] = new ComponentCache();
    memories[engine] = undefined;
    const root = document.getElementById('root')!;
    root.replaceChildren();
    view = new GraphView(root, { activate() {}, hover() {}, escape() {}, viewChanged() {} });
  }
  const t0 = performance.now();
  const r = await layoutGraph(graph, engines[engine], { cache: caches[engine], memory: memories[engine], aspect: 2.2 });
  memories[engine] = r.memory;
  const t1 = performance.now();
  view!.render(graph, r.layout, new Map());
  // Full detail at 100 % for both engines (fit would zoom each engine's picture differently, and
  // the level of detail would then decide more than the engine).
  if (!warm) view!.setView({ x: 0, y: 0, k: 1 });
  const tr = performance.now();
  const t2 = await frame();
  return { layoutMs: t1 - t0, paintMs: t2 - t1, renderMs: tr - t1, computed: r.stats.computed, nodes: view!.nodeCount };
}

(globalThis as unknown as { ktBench: unknown }).ktBench = { run };
