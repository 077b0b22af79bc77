import type { GraphModel } from '../../src/core/graph/types';
import type { GraphLayout, LayoutMemory } from '../../src/core/graph/layout/types';
import type { LayoutStats } from '../../src/core/graph/layout/layout';

/** Between the webview's main thread and its layout worker (internal; never crosses to the host). */
export interface LayoutRequest {
  seq: number;
  graph: GraphModel;
  memory: LayoutMemory;
  aspect: number;
  /** The drawing area, so the layout can pick the direction that shows the graph larger. */
  viewport?: { width: number; height: number };
  /** Rows of live chips to reserve under each card, by node id. */
  liveRows?: Record<string, number>;
}

export type LayoutResponse = { seq: number; layout: GraphLayout; memory: LayoutMemory; stats: LayoutStats; error?: undefined } | { seq: number; error: string };
