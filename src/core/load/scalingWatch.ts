/**
 * Watches what a load run drives: each HPA behind the Service and its target workload's pods (the
 * live-state watcher, list + watch), and the Events the HPA controller writes about them
 * (SuccessfulRescale with its reason). Calls back with the scalers and the new timeline lines.
 */
import { loadClientNode } from '../cluster/clientNodeLoader';
import { guardedWatch, type LiveConnection } from '../cluster/liveConnection';
import { targetNodeId, watchLiveState, type LiveTarget } from '../cluster/liveState';
import type { ClusterClient } from '../cluster/clusterClient';
import type { LoadScaler, TimelineEntry } from './loadTypes';
import type { LoadTarget } from './loadTarget';
import { eventEntry, scalerChanges, scalerFrom } from './scalingTimeline';
import { listItems, str, type EventObject } from './apiObjects';

export interface ScalingWatch {
  scalers(): LoadScaler[];
  dispose(): void;
}

export function watchScaling(
  client: ClusterClient & LiveConnection,
  target: LoadTarget,
  o: { startMs: number; onChange(entries: TimelineEntry[], scalers: LoadScaler[]): void },
): ScalingWatch {
  const ns = target.namespace;
  const targets: LiveTarget[] = target.autoscalers.flatMap((a) => [
    { kind: 'HorizontalPodAutoscaler', namespace: ns, name: a.name },
    { kind: a.target.kind, namespace: ns, name: a.target.name },
  ]);
  let current: LoadScaler[] = [];
  let disposed = false;
  const live = targets.length
    ? watchLiveState(client, targets, (snapshot) => {
        const at = Date.now() - o.startMs;
        const next: LoadScaler[] = [];
        const entries: TimelineEntry[] = [];
        for (const a of target.autoscalers) {
          const s = scalerFrom(
            a,
            snapshot.nodes[targetNodeId({ kind: 'HorizontalPodAutoscaler', namespace: ns, name: a.name })],
            snapshot.nodes[targetNodeId({ kind: a.target.kind, namespace: ns, name: a.target.name })],
          );
          if (!s) continue;
          entries.push(
            ...scalerChanges(
              current.find((c) => c.name === s.name),
              s,
              at,
            ),
          );
          next.push(s);
        }
        current = next;
        if (!disposed) o.onChange(entries, current);
      })
    : undefined;
  const events = target.autoscalers.length
    ? watchHpaEvents(client, ns, new Set(target.autoscalers.map((a) => a.name)), o.startMs, (e) => o.onChange([e], current))
    : undefined;
  return {
    scalers: () => current,
    dispose() {
      disposed = true;
      live?.dispose();
      events?.dispose();
    },
  };
}

function eventTime(e: EventObject): number {
  return Date.parse(str(e.lastTimestamp) ?? str(e.eventTime) ?? str(e.metadata?.creationTimestamp) ?? '') || Date.now();
}

/**
 * The namespace's Events about these HPAs from `startMs` on: a list for the resourceVersion, then a
 * watch from it; when the watch ends it starts again from the last version seen (a 410 re-lists).
 */
function watchHpaEvents(
  client: ClusterClient & LiveConnection,
  namespace: string,
  hpas: ReadonlySet<string>,
  startMs: number,
  onEntry: (e: TimelineEntry) => void,
): { dispose(): void } {
  const k8s = loadClientNode();
  let disposed = false;
  let abort: AbortController | undefined;
  let retry: NodeJS.Timeout | undefined;
  let version = '';
  const seen = new Set<string>();
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`;
  const watch = guardedWatch(new k8s.Watch(client.kubeConfig), () => disposed);

  const consider = (e: EventObject) => {
    const obj = e.involvedObject;
    if (obj?.kind !== 'HorizontalPodAutoscaler' || !hpas.has(str(obj.name) ?? '')) return;
    const at = eventTime(e);
    if (at < startMs - 1000) return; // from before this run
    const key = `${str(e.metadata?.uid) ?? ''}:${Number(e.count ?? e.series?.count ?? 0)}:${str(e.lastTimestamp) ?? ''}`;
    if (seen.has(key)) return;
    if (seen.size > 5000) seen.clear();
    seen.add(key);
    onEntry(eventEntry(e, at - startMs));
  };

  const start = async () => {
    if (disposed) return;
    try {
      if (!version) {
        const res = await client.request({ method: 'GET', path });
        if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
        for (const e of listItems<EventObject>(res.body)) consider(e);
        version = str((res.body as { metadata?: { resourceVersion?: unknown } }).metadata?.resourceVersion) ?? '';
      }
      abort = await watch.watch(
        path,
        { resourceVersion: version || undefined, allowWatchBookmarks: true },
        (phase: string, obj: unknown) => {
          if (!obj || typeof obj !== 'object') return;
          if (phase === 'ERROR') {
            if ((obj as { code?: unknown }).code === 410) version = '';
            return;
          }
          const e = obj as EventObject;
          const rv = str(e.metadata?.resourceVersion);
          if (rv) version = rv;
          if (phase === 'ADDED' || phase === 'MODIFIED') consider(e);
        },
        () => restart(),
      );
    } catch {
      restart();
    }
  };
  const restart = () => {
    if (disposed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void start();
    }, 1000);
  };
  void start();
  return {
    dispose() {
      disposed = true;
      if (retry) clearTimeout(retry);
      abort?.abort();
    },
  };
}
