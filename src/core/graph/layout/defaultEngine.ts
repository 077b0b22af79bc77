import type { LayoutEngine } from './types';
import { DagreEngine } from './dagreEngine';

/**
 * The engine every view uses: the panel's worker and `graph --output svg|html` call this, so the
 * picture is the same everywhere. dagre + our orthogonal router, chosen over ELK layered by
 * bench/graph.bench.mjs (which keeps measuring both).
 */
export function createDefaultEngine(): LayoutEngine {
  return new DagreEngine();
}
