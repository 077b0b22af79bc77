import workerSource from 'kt-layout-worker';
import type { GraphModel } from '../../src/core/graph/types';
import type { GraphLayout, LayoutMemory } from '../../src/core/graph/layout/types';
import type { LayoutStats } from '../../src/core/graph/layout/layout';
import type { LayoutRequest, LayoutResponse } from './layoutMessages';

export interface LayoutResult {
  layout: GraphLayout;
  memory: LayoutMemory;
  stats: LayoutStats;
}

/** A layout that runs longer than this while a newer graph waits is abandoned (the worker restarts). */
const STALE_AFTER_MS = 400;

/**
 * Talks to the layout worker. Only the newest graph matters: while a layout runs, later requests
 * replace each other, and a layout that has become stale and slow is cancelled by terminating the
 * worker (a running layout cannot be interrupted otherwise).
 */
export class LayoutClient {
  private worker: Worker | undefined;
  private url: string | undefined;
  private seq = 0;
  private running: { seq: number; started: number; resolve: (r: LayoutResult | undefined) => void; reject: (e: Error) => void } | undefined;
  private queued: { request: LayoutRequest; resolve: (r: LayoutResult | undefined) => void; reject: (e: Error) => void } | undefined;
  private staleTimer: ReturnType<typeof setTimeout> | undefined;

  /** Resolves with the layout, or `undefined` when a newer request superseded this one. */
  request(
    graph: GraphModel,
    memory: LayoutMemory,
    aspect: number,
    extra: Pick<LayoutRequest, 'viewport' | 'liveRows'> = {},
  ): Promise<LayoutResult | undefined> {
    return new Promise((resolve, reject) => {
      const request: LayoutRequest = { seq: ++this.seq, graph, memory, aspect, ...extra };
      if (this.queued) this.queued.resolve(undefined);
      this.queued = { request, resolve, reject };
      if (!this.running) this.next();
      else this.armStaleTimer();
    });
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = undefined;
    if (this.url) URL.revokeObjectURL(this.url);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    if (!this.url) this.url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
    const w = new Worker(this.url, { name: 'kube-topology-layout' });
    w.onmessage = (ev: MessageEvent<LayoutResponse>) => this.onResult(ev.data);
    w.onerror = (ev) => {
      ev.preventDefault();
      this.fail(new Error(ev.message || 'the layout worker failed'));
    };
    this.worker = w;
    return w;
  }

  private next(): void {
    const q = this.queued;
    if (!q) return;
    this.queued = undefined;
    let worker: Worker;
    try {
      worker = this.ensureWorker();
    } catch (e) {
      q.reject(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    this.running = { seq: q.request.seq, started: performance.now(), resolve: q.resolve, reject: q.reject };
    worker.postMessage(q.request);
  }

  private onResult(r: LayoutResponse): void {
    const run = this.running;
    if (!run || r.seq !== run.seq) return;
    this.running = undefined;
    this.clearStaleTimer();
    if (r.error !== undefined) run.reject(new Error(r.error));
    else run.resolve(this.queued ? undefined : { layout: r.layout, memory: r.memory, stats: r.stats });
    this.next();
  }

  private fail(e: Error): void {
    const run = this.running;
    this.running = undefined;
    this.worker?.terminate();
    this.worker = undefined;
    run?.reject(e);
    this.next();
  }

  private armStaleTimer(): void {
    if (this.staleTimer || !this.running) return;
    const wait = Math.max(0, STALE_AFTER_MS - (performance.now() - this.running.started));
    this.staleTimer = setTimeout(() => {
      this.staleTimer = undefined;
      if (!this.running || !this.queued) return;
      // Cancel: the user kept typing and this layout is for a graph nobody will see.
      const run = this.running;
      this.running = undefined;
      this.worker?.terminate();
      this.worker = undefined;
      run.resolve(undefined);
      this.next();
    }, wait);
  }

  private clearStaleTimer(): void {
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimer = undefined;
  }
}
