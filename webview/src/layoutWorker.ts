/**
 * The layout worker: runs the shared layout (src/core/graph/layout) off the UI thread. Bundled into
 * one file by scripts/build.mjs and started from a blob: URL (a webview may not start workers from
 * its resource origin, and `importScripts` does not work there).
 *
 * It keeps the component cache between requests, so after a one-resource edit only the component
 * that changed is laid out again.
 */
import { ComponentCache, layoutGraph } from '../../src/core/graph/layout/layout';
import { createEngine } from './layoutEngine';
import type { LayoutRequest, LayoutResponse } from './layoutMessages';
import { errorText } from '../../src/core/errorText';

interface WorkerScope {
  onmessage: ((ev: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: LayoutResponse): void;
}

const scope = self as unknown as WorkerScope;
const engine = createEngine();
const cache = new ComponentCache();

scope.onmessage = (ev) => {
  const { seq, graph, memory, aspect, viewport, liveRows } = ev.data;
  layoutGraph(graph, engine, { memory, cache, aspect, viewport, liveRows }).then(
    (run) => scope.postMessage({ seq, layout: run.layout, memory: run.memory, stats: run.stats }),
    (e: unknown) => scope.postMessage({ seq, error: errorText(e) }),
  );
};
