/**
 * `kubectl rollout status` for what was just applied: each Deployment, StatefulSet and DaemonSet
 * is watched (client-node's Watch, one field-selected watch per workload) until it is available,
 * fails (ProgressDeadlineExceeded) or the time is up. On a timeout or failure the result says
 * why: the conditions, the pods that are not ready and their reasons, and recent Warning events
 * (ImagePullBackOff, FailedScheduling, ...).
 */
import type { Range, ResourceRef } from '../findings';
import type { Resource } from '../parse/manifestParser';
import type { ApplyProgress, RolloutResult, RolloutStatus } from './applyTypes';
import { ClusterError, type ClusterClient } from './clusterClient';
import { loadClientNode } from './clientNodeLoader';

export const ROLLOUT_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const MAX_EVENTS = 5;

export interface RolloutTarget {
  id: string;
  ref: ResourceRef;
  file: string;
  range: Range;
  resource?: Resource;
}

export interface RolloutOptions {
  /** Total time for all targets (they are watched in parallel). */
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (e: ApplyProgress) => void;
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Evaluates a workload's status like kubectl rollout status does. */
export function rolloutState(obj: Obj): { status: RolloutStatus; message: string; ready?: number; desired?: number } {
  const kind = obj.kind as string;
  const spec = obj.spec ?? {};
  const st = obj.status ?? {};
  const generation = obj.metadata?.generation ?? 0;
  const observed = st.observedGeneration ?? 0;
  if (observed < generation) return { status: 'progressing', message: `waiting for the ${kind} controller to see generation ${generation}` };
  if (kind === 'Deployment') {
    const desired = spec.replicas ?? 1;
    const progressing = (st.conditions ?? []).find((c: Obj) => c.type === 'Progressing');
    const available = st.availableReplicas ?? 0;
    if (progressing?.reason === 'ProgressDeadlineExceeded')
      return { status: 'failed', message: `exceeded its progress deadline (${available}/${desired} available)`, ready: available, desired };
    const updated = st.updatedReplicas ?? 0;
    if (updated < desired) return { status: 'progressing', message: `${updated} of ${desired} new replicas updated`, ready: available, desired };
    if ((st.replicas ?? 0) > updated)
      return { status: 'progressing', message: `${(st.replicas ?? 0) - updated} old replicas pending termination`, ready: available, desired };
    if (available < updated) return { status: 'progressing', message: `${available} of ${updated} updated replicas available`, ready: available, desired };
    return { status: 'available', message: `${available}/${desired} replicas available`, ready: available, desired };
  }
  if (kind === 'StatefulSet') {
    const desired = spec.replicas ?? 1;
    const ready = st.readyReplicas ?? 0;
    if (ready < desired) return { status: 'progressing', message: `${ready} of ${desired} pods ready`, ready, desired };
    const strategy = spec.updateStrategy ?? {};
    if (strategy.type === 'OnDelete')
      return { status: 'available', message: `${ready}/${desired} pods ready (OnDelete: pods update when deleted)`, ready, desired };
    const partition = strategy.rollingUpdate?.partition ?? 0;
    if (partition > 0) {
      const updated = st.updatedReplicas ?? 0;
      if (updated < desired - partition)
        return { status: 'progressing', message: `${updated} of ${desired - partition} pods updated (partition ${partition})`, ready, desired };
    } else if (st.updateRevision && st.currentRevision !== st.updateRevision) {
      return { status: 'progressing', message: `${st.updatedReplicas ?? 0} of ${desired} pods at revision ${st.updateRevision}`, ready, desired };
    }
    return { status: 'available', message: `${ready}/${desired} pods ready`, ready, desired };
  }
  if (kind === 'DaemonSet') {
    const desired = st.desiredNumberScheduled ?? 0;
    const updated = st.updatedNumberScheduled ?? 0;
    const available = st.numberAvailable ?? 0;
    if (updated < desired) return { status: 'progressing', message: `${updated} of ${desired} pods updated`, ready: available, desired };
    if (available < desired) return { status: 'progressing', message: `${available} of ${desired} updated pods available`, ready: available, desired };
    return { status: 'available', message: `${available}/${desired} pods available`, ready: available, desired };
  }
  return { status: 'available', message: 'no rollout to wait for' };
}

/** Waits for every target in parallel; never throws (an unreachable cluster becomes a failed result). */
export async function waitForRollouts(client: ClusterClient, targets: readonly RolloutTarget[], opts: RolloutOptions): Promise<RolloutResult[]> {
  // Not AbortSignal.timeout(): held only weakly inside AbortSignal.any(), Node 20 can garbage-collect
  // it before it fires (nodejs/node#57736) and the wait never ends. A timer we own cannot vanish.
  const deadline = new AbortController();
  const clock = setTimeout(() => deadline.abort(new DOMException('rollout wait timed out', 'TimeoutError')), opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([deadline.signal, opts.signal]) : deadline.signal;
  let done = 0;
  try {
    return await Promise.all(
      targets.map(async (t) => {
        const result = await waitForOne(client, t, signal, opts);
        done++;
        opts.onProgress?.({ type: 'rollout', rollout: result, done, total: targets.length });
        return result;
      }),
    );
  } finally {
    clearTimeout(clock);
  }
}

async function waitForOne(client: ClusterClient, t: RolloutTarget, signal: AbortSignal, opts: RolloutOptions): Promise<RolloutResult> {
  const base = { id: t.id, ref: t.ref, file: t.file, range: t.range, conditions: [] as string[], events: [] as string[], pods: [] as string[] };
  const info = await client.resourceFor(t.ref.apiVersion, t.ref.kind).catch(() => undefined);
  if (!info) return { ...base, status: 'failed', message: `cannot look up ${t.ref.kind} on the server` };
  const collection = client.objectPath({ ...t.ref, name: '' }, info);
  let last: Obj | undefined;
  let lastState: ReturnType<typeof rolloutState> = { status: 'progressing', message: 'waiting for the first status' };
  try {
    await watchUntil(client, collection, t.ref.name, signal, (obj) => {
      last = obj;
      lastState = rolloutState(obj);
      return lastState.status === 'available' || lastState.status === 'failed';
    });
  } catch (e) {
    if (!(e instanceof ClusterError) || (e.kind !== 'timeout' && e.kind !== 'cancelled')) {
      return { ...base, status: 'failed', message: e instanceof Error ? e.message : String(e) };
    }
  }
  if (lastState.status === 'available')
    return { ...base, status: 'available', message: lastState.message, readyReplicas: lastState.ready, desiredReplicas: lastState.desired };
  const userCancelled = opts.signal?.aborted === true;
  if (userCancelled)
    return {
      ...base,
      status: 'cancelled',
      message: `stopped waiting: ${lastState.message}`,
      readyReplicas: lastState.ready,
      desiredReplicas: lastState.desired,
    };
  const why = last ? await diagnose(client, t, last) : { conditions: [], pods: [], events: [] };
  return {
    ...base,
    ...why,
    status: lastState.status === 'failed' ? 'failed' : 'timeout',
    message: lastState.status === 'failed' ? lastState.message : `${lastState.message} after ${Math.round(opts.timeoutMs / 1000)} s`,
    readyReplicas: lastState.ready,
    desiredReplicas: lastState.desired,
  };
}

/**
 * Reads the object, then watches it from that resourceVersion until `done(obj)` says so or the
 * signal fires; a watch the server closes (timeoutSeconds, a restart) is opened again.
 */
async function watchUntil(client: ClusterClient, collection: string, name: string, signal: AbortSignal, done: (obj: Obj) => boolean): Promise<void> {
  const k8s = loadClientNode();
  const aborted = () => new ClusterError(signal.reason?.name === 'TimeoutError' ? 'timeout' : 'cancelled', 'rollout wait ended', client.server);
  let backoff = 250;
  while (!signal.aborted) {
    const res = await client.request({ method: 'GET', path: `${collection}/${encodeURIComponent(name)}`, signal });
    if (res.status !== 200) throw new Error(`reading ${name}: HTTP ${res.status}`);
    const obj = res.body as Obj;
    if (done(obj)) return;
    const finished = await new Promise<boolean | Error>((resolve) => {
      let controller: AbortController | undefined;
      let settled = false;
      const settle = (v: boolean | Error) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        controller?.abort();
        resolve(v);
      };
      const onAbort = () => settle(false);
      signal.addEventListener('abort', onAbort, { once: true });
      new k8s.Watch(client.kubeConfig)
        .watch(
          collection,
          { fieldSelector: `metadata.name=${name}`, resourceVersion: obj.metadata?.resourceVersion, timeoutSeconds: 60, allowWatchBookmarks: false },
          (phase: string, o: Obj) => {
            if ((phase === 'ADDED' || phase === 'MODIFIED') && done(o)) settle(true);
            if (phase === 'DELETED') settle(new Error(`${name} was deleted while waiting for its rollout`));
          },
          () => settle(false),
        )
        .then(
          (c) => {
            controller = c;
            if (settled) c.abort();
          },
          () => settle(false),
        );
    });
    if (finished instanceof Error) throw finished;
    if (finished) return;
    if (signal.aborted) break;
    // The watch ended without an answer (server timeout, resourceVersion too old): read again.
    await new Promise((r) => setTimeout(r, backoff));
    backoff = Math.min(backoff * 2, 2000);
  }
  throw aborted();
}

/** Why a workload is not available: conditions, pods that are not ready, recent Warning events. */
async function diagnose(client: ClusterClient, t: RolloutTarget, obj: Obj): Promise<{ conditions: string[]; pods: string[]; events: string[] }> {
  const conditions = ((obj.status?.conditions ?? []) as Obj[])
    .filter((c) => c.status !== 'True' || c.reason === 'ProgressDeadlineExceeded' || c.type === 'ReplicaFailure')
    .map((c) => `${c.type}=${c.status}${c.reason ? `: ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}`);
  const ns = t.ref.namespace ?? 'default';
  const pods: string[] = [];
  const podNames = new Set<string>();
  const selector = labelSelectorString(obj.spec?.selector);
  const budget = { timeoutMs: 5000 };
  try {
    if (selector) {
      const res = await client.request({
        method: 'GET',
        path: `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`,
        query: { labelSelector: selector },
        ...budget,
      });
      for (const p of ((res.body as Obj)?.items ?? []) as Obj[]) {
        podNames.add(p.metadata?.name);
        const reason = podProblem(p);
        if (reason) pods.push(`pod/${p.metadata?.name}: ${reason}`);
      }
    }
  } catch {
    /* best effort: the timeout itself is already the answer */
  }
  const events: string[] = [];
  try {
    const res = await client.request({
      method: 'GET',
      path: `/api/v1/namespaces/${encodeURIComponent(ns)}/events`,
      query: { fieldSelector: 'type=Warning' },
      ...budget,
    });
    const name = t.ref.name;
    const mine = ((res.body as Obj)?.items ?? []).filter((e: Obj) => {
      const n = e.involvedObject?.name as string | undefined;
      return n === name || (n !== undefined && podNames.has(n)) || (n !== undefined && e.involvedObject?.kind === 'ReplicaSet' && n.startsWith(`${name}-`));
    }) as Obj[];
    mine.sort((a, b) => eventTime(a) - eventTime(b));
    for (const e of mine.slice(-MAX_EVENTS))
      events.push(`${String(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name}: ${e.reason}: ${String(e.message ?? '').trim()}`);
  } catch {
    /* best effort */
  }
  return { conditions, pods, events };
}

function eventTime(e: Obj): number {
  return Date.parse(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? '') || 0;
}

/** The first reason a pod is not ready: a waiting/terminated container, or an unschedulable pod. */
export function podProblem(p: Obj): string | undefined {
  for (const cs of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])] as Obj[]) {
    const w = cs.state?.waiting;
    if (w?.reason && w.reason !== 'PodInitializing' && w.reason !== 'ContainerCreating') return `${w.reason}${w.message ? `: ${w.message}` : ''}`;
    const term = cs.state?.terminated;
    if (term && term.exitCode !== 0) return `${term.reason ?? 'Terminated'} (exit ${term.exitCode})`;
  }
  const scheduled = (p.status?.conditions ?? []).find((c: Obj) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') return `${scheduled.reason ?? 'Unschedulable'}${scheduled.message ? `: ${scheduled.message}` : ''}`;
  const ready = (p.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');
  if (ready && ready.status !== 'True') return `not ready (${p.status?.phase ?? 'Unknown'})`;
  return undefined;
}

/** A LabelSelector as a query string (`a=b,c in (x,y)`). */
export function labelSelectorString(sel: Obj | undefined): string {
  if (!sel) return '';
  const parts: string[] = Object.entries((sel.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`);
  for (const e of (sel.matchExpressions ?? []) as Obj[]) {
    const values = ((e.values ?? []) as string[]).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(`${e.key}`);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}
