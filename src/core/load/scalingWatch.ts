/**
 * Watches what a load run drives: each HPA behind the Service and its target workload's pods (the
 * live-state watcher, list + watch), and the Events the HPA controller writes about them
 * (SuccessfulRescale with its reason). Calls back with the scalers and the new timeline lines.
 */
import { listAll, watchSource, type LiveConnection } from '../cluster/liveConnection';
import { targetNodeId, watchLiveState, type LiveTarget } from '../cluster/liveState';
import type { ClusterClient } from '../cluster/clusterClient';
import { resourcePath } from '../cluster/requestPath';
import { asNumber, at, stringAt } from '../cluster/serverObject';
import type { LoadScaler, TimelineEntry } from './loadTypes';
import type { LoadTarget } from './loadTarget';
import { eventEntry, scalerChanges, scalerFrom } from './scalingTimeline';

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

function eventTime(e: unknown): number {
  return Date.parse(stringAt(e, 'lastTimestamp') ?? stringAt(e, 'eventTime') ?? stringAt(e, 'metadata', 'creationTimestamp') ?? '') || Date.now();
}

/** Only Events about HPAs are asked for (the API server filters; a busy namespace sends the rest to no one). */
const HPA_EVENTS = { fieldSelector: 'involvedObject.kind=HorizontalPodAutoscaler' };
/** Waits before listing and watching again after a failure: doubling from 1 s, at most 30 s. */
const RETRY_MS = { first: 1000, max: 30_000 };

/**
 * The namespace's Events about these HPAs from `startMs` on: a list (paged and bounded) for the
 * resourceVersion, then the connection's bounded watch from it; when the watch ends it starts again
 * from the last version seen (a 410 re-lists), waiting longer after each failure in a row.
 */
function watchHpaEvents(
  client: ClusterClient & LiveConnection,
  namespace: string,
  hpas: ReadonlySet<string>,
  startMs: number,
  onEntry: (e: TimelineEntry) => void,
): { dispose(): void } {
  let disposed = false;
  let abort: AbortController | undefined;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;
  let version = '';
  const seen = new Set<string>();
  const path = resourcePath({ apiVersion: 'v1', resource: 'events', namespace });
  const watch = watchSource(client, () => disposed);

  const consider = (e: unknown) => {
    if (stringAt(e, 'involvedObject', 'kind') !== 'HorizontalPodAutoscaler' || !hpas.has(stringAt(e, 'involvedObject', 'name') ?? '')) return;
    const when = eventTime(e);
    if (when < startMs - 1000) return; // from before this run
    const count = asNumber(at(e, 'count')) ?? asNumber(at(e, 'series', 'count')) ?? 0;
    const key = `${stringAt(e, 'metadata', 'uid') ?? ''}:${count}:${stringAt(e, 'lastTimestamp') ?? ''}`;
    if (seen.has(key)) return;
    if (seen.size > 5000) seen.clear();
    seen.add(key);
    onEntry(
      eventEntry(
        {
          reason: stringAt(e, 'reason'),
          message: client.redact(stringAt(e, 'message') ?? ''),
          involvedObject: { kind: 'HorizontalPodAutoscaler', name: stringAt(e, 'involvedObject', 'name') },
        },
        when - startMs,
      ),
    );
  };

  const start = async () => {
    if (disposed) return;
    try {
      if (!version) {
        const list = await listAll(client, path, HPA_EVENTS);
        for (const e of list.items) consider(e);
        version = list.metadata.resourceVersion;
      }
      abort = await watch.watch(
        path,
        { ...HPA_EVENTS, resourceVersion: version || undefined, allowWatchBookmarks: true },
        (phase, obj) => {
          if (phase === 'ERROR') {
            if (asNumber(at(obj, 'code')) === 410) version = '';
            return;
          }
          failures = 0;
          const rv = stringAt(obj, 'metadata', 'resourceVersion');
          if (rv) version = rv;
          if (phase === 'ADDED' || phase === 'MODIFIED') consider(obj);
        },
        (err) => restart(err != null),
      );
    } catch {
      restart(true);
    }
  };
  const restart = (failed: boolean) => {
    if (disposed || retry) return;
    failures = failed ? failures + 1 : 0;
    retry = setTimeout(
      () => {
        retry = undefined;
        void start();
      },
      Math.min(RETRY_MS.max, RETRY_MS.first * 2 ** Math.max(0, failures - 1)),
    );
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
