/**
 * `kubectl rollout status` for what was just applied: each Deployment, StatefulSet and DaemonSet
 * is watched (one field-selected watch per workload, through the client's bounded watch) until it
 * is available, fails (ProgressDeadlineExceeded) or the time is up. On a timeout or failure the
 * result says why: the conditions, the pods that are not ready and their reasons, and recent
 * Warning events (ImagePullBackOff, FailedScheduling, ...).
 *
 * What the server sends is read with serverObject.ts: a field of the wrong type counts as absent.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Range, ResourceRef } from '../findings';
import type { Resource } from '../parse/manifestParser';
import type { ApplyProgress, RolloutResult, RolloutStatus } from './applyTypes';
import { BODY_LIMITS, ClusterError, type ClusterClient } from './clusterClient';
import { resourcePath, type ApiPath } from './requestPath';
import { asNumber, asObject, asString, conditionsAt, numberAt, objectAt, objectsAt, stringAt, stringMapAt, stringsAt, type JsonObject } from './serverObject';
import { errorText } from '../errorText';

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

type RolloutState = { status: RolloutStatus; message: string; ready?: number; desired?: number };

/** Evaluates a workload's status like kubectl rollout status does. */
export function rolloutState(obj: unknown): RolloutState {
  const kind = stringAt(obj, 'kind') ?? '';
  const n = (...keys: string[]) => numberAt(obj, ...keys);
  const generation = n('metadata', 'generation') ?? 0;
  const observed = n('status', 'observedGeneration') ?? 0;
  if (observed < generation) return { status: 'progressing', message: `waiting for the ${kind} controller to see generation ${generation}` };
  if (kind === 'Deployment') return deploymentState(obj);
  if (kind === 'StatefulSet') return statefulSetState(obj);
  if (kind === 'DaemonSet') {
    const desired = n('status', 'desiredNumberScheduled') ?? 0;
    const updated = n('status', 'updatedNumberScheduled') ?? 0;
    const available = n('status', 'numberAvailable') ?? 0;
    if (updated < desired) return { status: 'progressing', message: `${updated} of ${desired} pods updated`, ready: available, desired };
    if (available < desired) return { status: 'progressing', message: `${available} of ${desired} updated pods available`, ready: available, desired };
    return { status: 'available', message: `${available}/${desired} pods available`, ready: available, desired };
  }
  return { status: 'available', message: 'no rollout to wait for' };
}

function deploymentState(obj: unknown): RolloutState {
  const desired = numberAt(obj, 'spec', 'replicas') ?? 1;
  const available = numberAt(obj, 'status', 'availableReplicas') ?? 0;
  const progressing = conditionsAt(obj, 'status', 'conditions').find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded')
    return { status: 'failed', message: `exceeded its progress deadline (${available}/${desired} available)`, ready: available, desired };
  const updated = numberAt(obj, 'status', 'updatedReplicas') ?? 0;
  const replicas = numberAt(obj, 'status', 'replicas') ?? 0;
  if (updated < desired) return { status: 'progressing', message: `${updated} of ${desired} new replicas updated`, ready: available, desired };
  if (replicas > updated) return { status: 'progressing', message: `${replicas - updated} old replicas pending termination`, ready: available, desired };
  if (available < updated) return { status: 'progressing', message: `${available} of ${updated} updated replicas available`, ready: available, desired };
  return { status: 'available', message: `${available}/${desired} replicas available`, ready: available, desired };
}

function statefulSetState(obj: unknown): RolloutState {
  const desired = numberAt(obj, 'spec', 'replicas') ?? 1;
  const ready = numberAt(obj, 'status', 'readyReplicas') ?? 0;
  if (ready < desired) return { status: 'progressing', message: `${ready} of ${desired} pods ready`, ready, desired };
  if (stringAt(obj, 'spec', 'updateStrategy', 'type') === 'OnDelete')
    return { status: 'available', message: `${ready}/${desired} pods ready (OnDelete: pods update when deleted)`, ready, desired };
  const partition = numberAt(obj, 'spec', 'updateStrategy', 'rollingUpdate', 'partition') ?? 0;
  const updated = numberAt(obj, 'status', 'updatedReplicas') ?? 0;
  const updateRevision = stringAt(obj, 'status', 'updateRevision');
  if (partition > 0) {
    if (updated < desired - partition)
      return { status: 'progressing', message: `${updated} of ${desired - partition} pods updated (partition ${partition})`, ready, desired };
  } else if (updateRevision && stringAt(obj, 'status', 'currentRevision') !== updateRevision) {
    return { status: 'progressing', message: `${updated} of ${desired} pods at revision ${updateRevision}`, ready, desired };
  }
  return { status: 'available', message: `${ready}/${desired} pods ready`, ready, desired };
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
  let last: JsonObject | undefined;
  let lastState: RolloutState = { status: 'progressing', message: 'waiting for the first status' };
  try {
    const collection = client.objectPath({ ...t.ref, name: '' }, info);
    const object = client.objectPath(t.ref, info);
    await watchUntil(client, collection, object, t.ref.name, signal, (obj) => {
      last = obj;
      lastState = rolloutState(obj);
      return lastState.status === 'available' || lastState.status === 'failed';
    });
  } catch (e) {
    if (!(e instanceof ClusterError) || (e.kind !== 'timeout' && e.kind !== 'cancelled')) {
      return { ...base, status: 'failed', message: client.redact(errorText(e)) };
    }
  }
  if (lastState.status === 'available')
    return { ...base, status: 'available', message: lastState.message, readyReplicas: lastState.ready, desiredReplicas: lastState.desired };
  if (opts.signal?.aborted === true)
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
async function watchUntil(
  client: ClusterClient,
  collection: ApiPath,
  objectPath: ApiPath,
  name: string,
  signal: AbortSignal,
  done: (obj: JsonObject) => boolean,
): Promise<void> {
  const aborted = () =>
    new ClusterError(
      signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError' ? 'timeout' : 'cancelled',
      'rollout wait ended',
      client.server,
    );
  let backoff = 250;
  while (!signal.aborted) {
    const res = await client.request({ method: 'GET', path: objectPath, signal });
    const obj = asObject(res.body);
    if (res.status !== 200 || !obj) throw new Error(`reading ${name}: HTTP ${res.status}`);
    if (done(obj)) return;
    const watch = new AbortController();
    const stop = () => watch.abort();
    signal.addEventListener('abort', stop, { once: true });
    const outcome: { finished: boolean | Error } = { finished: false };
    try {
      await client.watch(
        collection,
        (e) => {
          const o = asObject(e.object);
          if (!o || stringAt(o, 'metadata', 'name') !== name) return;
          if ((e.type === 'ADDED' || e.type === 'MODIFIED') && done(o)) outcome.finished = true;
          else if (e.type === 'DELETED') outcome.finished = new Error(`${name} was deleted while waiting for its rollout`);
          else return;
          watch.abort();
        },
        {
          signal: watch.signal,
          query: {
            fieldSelector: `metadata.name=${name}`,
            resourceVersion: stringAt(obj, 'metadata', 'resourceVersion'),
            timeoutSeconds: 60,
            allowWatchBookmarks: false,
          },
        },
      );
    } catch {
      // The watch broke (server restart, resourceVersion too old, idle): read again below.
    } finally {
      signal.removeEventListener('abort', stop);
    }
    if (outcome.finished instanceof Error) throw outcome.finished;
    if (outcome.finished) return;
    if (signal.aborted) break;
    await sleep(backoff, undefined, { signal }).catch(() => undefined);
    backoff = Math.min(backoff * 2, 2000);
  }
  throw aborted();
}

/** Why a workload is not available: conditions, pods that are not ready, recent Warning events. */
async function diagnose(client: ClusterClient, t: RolloutTarget, obj: JsonObject): Promise<{ conditions: string[]; pods: string[]; events: string[] }> {
  const conditions = conditionsAt(obj, 'status', 'conditions')
    .filter((c) => c.status !== 'True' || c.reason === 'ProgressDeadlineExceeded' || c.type === 'ReplicaFailure')
    .map((c) => client.redact(`${c.type}=${c.status}${c.reason ? `: ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}`));
  const ns = t.ref.namespace ?? 'default';
  const pods: string[] = [];
  const podNames = new Set<string>();
  const selector = labelSelectorString(objectAt(obj, 'spec', 'selector'));
  const budget = { timeoutMs: 5000, maxBytes: BODY_LIMITS.list };
  try {
    if (selector) {
      const res = await client.request({
        method: 'GET',
        path: resourcePath({ apiVersion: 'v1', resource: 'pods', namespace: ns }),
        query: { labelSelector: selector, limit: 200 },
        ...budget,
      });
      for (const p of objectsAt(res.body, 'items')) {
        const name = stringAt(p, 'metadata', 'name');
        if (!name) continue;
        podNames.add(name);
        const reason = podProblem(p);
        if (reason) pods.push(client.redact(`pod/${name}: ${reason}`));
      }
    }
  } catch {
    /* best effort: the timeout itself is already the answer */
  }
  const events: string[] = [];
  try {
    const res = await client.request({
      method: 'GET',
      path: resourcePath({ apiVersion: 'v1', resource: 'events', namespace: ns }),
      query: { fieldSelector: 'type=Warning', limit: 500 },
      ...budget,
    });
    const name = t.ref.name;
    const mine = objectsAt(res.body, 'items').filter((e) => {
      const n = stringAt(e, 'involvedObject', 'name');
      return n !== undefined && (n === name || podNames.has(n) || (stringAt(e, 'involvedObject', 'kind') === 'ReplicaSet' && n.startsWith(`${name}-`)));
    });
    mine.sort((a, b) => eventTime(a) - eventTime(b));
    for (const e of mine.slice(-MAX_EVENTS)) {
      const kind = (stringAt(e, 'involvedObject', 'kind') ?? '').toLowerCase();
      events.push(
        client.redact(`${kind}/${stringAt(e, 'involvedObject', 'name') ?? ''}: ${stringAt(e, 'reason') ?? ''}: ${(stringAt(e, 'message') ?? '').trim()}`),
      );
    }
  } catch {
    /* best effort */
  }
  return { conditions, pods, events };
}

function eventTime(e: JsonObject): number {
  const t = stringAt(e, 'lastTimestamp') ?? stringAt(e, 'eventTime') ?? stringAt(e, 'firstTimestamp') ?? stringAt(e, 'metadata', 'creationTimestamp') ?? '';
  return Date.parse(t) || 0;
}

/** The first reason a pod is not ready: a waiting/terminated container, or an unschedulable pod. */
export function podProblem(p: unknown): string | undefined {
  for (const cs of [...objectsAt(p, 'status', 'initContainerStatuses'), ...objectsAt(p, 'status', 'containerStatuses')]) {
    const wReason = stringAt(cs, 'state', 'waiting', 'reason');
    const wMessage = stringAt(cs, 'state', 'waiting', 'message');
    if (wReason && wReason !== 'PodInitializing' && wReason !== 'ContainerCreating') return `${wReason}${wMessage ? `: ${wMessage}` : ''}`;
    const term = objectAt(cs, 'state', 'terminated');
    const exitCode = asNumber(term?.exitCode);
    if (term && exitCode !== 0) return `${asString(term.reason) ?? 'Terminated'} (exit ${exitCode ?? '?'})`;
  }
  const conditions = conditionsAt(p, 'status', 'conditions');
  const scheduled = conditions.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') return `${scheduled.reason ?? 'Unschedulable'}${scheduled.message ? `: ${scheduled.message}` : ''}`;
  const ready = conditions.find((c) => c.type === 'Ready');
  if (ready && ready.status !== 'True') return `not ready (${stringAt(p, 'status', 'phase') ?? 'Unknown'})`;
  return undefined;
}

/** A LabelSelector as a query string (`a=b,c in (x,y)`). */
export function labelSelectorString(sel: unknown): string {
  if (!asObject(sel)) return '';
  const parts: string[] = Object.entries(stringMapAt(sel, 'matchLabels')).map(([k, v]) => `${k}=${v}`);
  for (const e of objectsAt(sel, 'matchExpressions')) {
    const key = asString(e.key);
    if (!key) continue;
    const values = stringsAt(e, 'values').join(',');
    const operator = asString(e.operator);
    if (operator === 'In') parts.push(`${key} in (${values})`);
    else if (operator === 'NotIn') parts.push(`${key} notin (${values})`);
    else if (operator === 'Exists') parts.push(key);
    else if (operator === 'DoesNotExist') parts.push(`!${key}`);
  }
  return parts.join(',');
}
