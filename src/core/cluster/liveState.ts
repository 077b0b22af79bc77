/**
 * Live state of the resources a topology shows, from watches (list + watch with resourceVersion,
 * through client-node's ListWatch cache fed by the connection's bounded list and watch), never
 * from polling loops.
 *
 * One ListWatch per (kind, namespace) the targets need, plus Pods for workloads and EndpointSlices
 * for Services. A 410 Gone re-lists (ListWatch does that itself); any other failure sets `error`
 * on the snapshot and the feed is restarted with exponential backoff until it works again or the
 * watcher is disposed. Secret objects are stripped to their metadata before anything stores them.
 * A target whose namespace is not a valid namespace name is never asked for (requestPath.ts).
 *
 * The snapshot is read with serverObject.ts: a field of the wrong type counts as absent.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { nodeId } from '../graph/types';
import { labelSelectorMatches, isClusterScoped, type LabelExpression } from '../model/kinds';
import type { LiveNodeState, LivePod, LiveSnapshot } from './liveTypes';
import { loadClientNode } from './clientNodeLoader';
import { describeClusterError, isKindConnection, listAll, metadataOnly, watchSource, type LiveConnection } from './liveConnection';
import { RefusedPathError, resourcePath, type ApiPath } from './requestPath';
import {
  asNumber,
  asString,
  at,
  conditionsAt,
  numberAt,
  objectAt,
  objectsAt,
  scalarText,
  stringAt,
  stringMapAt,
  type Condition,
  type JsonObject,
} from './serverObject';

export interface LiveTarget {
  kind: string;
  /** Ignored for cluster-scoped kinds; default `default` for namespaced ones. */
  namespace?: string;
  name: string;
}

export interface LiveWatchOptions {
  /** Quiet time after the last change before a snapshot is emitted (default 200 ms). */
  debounceMs?: number;
  /** First retry delay after a broken watch; doubles up to retryMaxMs (defaults 1 s, 30 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Time allowed for one list request before it counts as failed (default 15 s). */
  listTimeoutMs?: number;
  /** Explain a pending LoadBalancer in kind terms (default: the context is a kind context). */
  kindHint?: boolean;
}

export interface LiveWatcher {
  dispose(): void;
}

/** Where each kind lives in the API. Kinds not listed here (custom resources) are left out of snapshots. */
interface KindInfo {
  apiVersion: string;
  plural: string;
}
const KINDS: Record<string, KindInfo> = {
  Pod: { apiVersion: 'v1', plural: 'pods' },
  Service: { apiVersion: 'v1', plural: 'services' },
  ConfigMap: { apiVersion: 'v1', plural: 'configmaps' },
  Secret: { apiVersion: 'v1', plural: 'secrets' },
  ServiceAccount: { apiVersion: 'v1', plural: 'serviceaccounts' },
  PersistentVolumeClaim: { apiVersion: 'v1', plural: 'persistentvolumeclaims' },
  PersistentVolume: { apiVersion: 'v1', plural: 'persistentvolumes' },
  ReplicationController: { apiVersion: 'v1', plural: 'replicationcontrollers' },
  Namespace: { apiVersion: 'v1', plural: 'namespaces' },
  Deployment: { apiVersion: 'apps/v1', plural: 'deployments' },
  StatefulSet: { apiVersion: 'apps/v1', plural: 'statefulsets' },
  DaemonSet: { apiVersion: 'apps/v1', plural: 'daemonsets' },
  ReplicaSet: { apiVersion: 'apps/v1', plural: 'replicasets' },
  Job: { apiVersion: 'batch/v1', plural: 'jobs' },
  CronJob: { apiVersion: 'batch/v1', plural: 'cronjobs' },
  HorizontalPodAutoscaler: { apiVersion: 'autoscaling/v2', plural: 'horizontalpodautoscalers' },
  EndpointSlice: { apiVersion: 'discovery.k8s.io/v1', plural: 'endpointslices' },
  Ingress: { apiVersion: 'networking.k8s.io/v1', plural: 'ingresses' },
  IngressClass: { apiVersion: 'networking.k8s.io/v1', plural: 'ingressclasses' },
  NetworkPolicy: { apiVersion: 'networking.k8s.io/v1', plural: 'networkpolicies' },
  PodDisruptionBudget: { apiVersion: 'policy/v1', plural: 'poddisruptionbudgets' },
  Role: { apiVersion: 'rbac.authorization.k8s.io/v1', plural: 'roles' },
  RoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', plural: 'rolebindings' },
  ClusterRole: { apiVersion: 'rbac.authorization.k8s.io/v1', plural: 'clusterroles' },
  ClusterRoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', plural: 'clusterrolebindings' },
  StorageClass: { apiVersion: 'storage.k8s.io/v1', plural: 'storageclasses' },
};

/** Kinds whose pods the overlay draws, with the replica fields they report. */
const REPLICATED = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);
const POD_OWNERS = new Set([...REPLICATED, 'DaemonSet', 'Job', 'Pod']);

export const KIND_HINT = 'kind has no load balancer: use port-forward, or run cloud-provider-kind';
export const LOAD_BALANCER_HINT = 'no load balancer has assigned an address yet: use port-forward to reach it';

/** True when the watcher can say something about this kind. */
export function isWatchableKind(kind: string): boolean {
  return kind in KINDS;
}

/** The node id of a target, as the graph keys it. */
export function targetNodeId(t: LiveTarget): string {
  return nodeId(t.kind, namespaceOf(t), t.name);
}

function namespaceOf(t: { kind: string; namespace?: string }): string | undefined {
  return isClusterScoped(t.kind) ? undefined : t.namespace || 'default';
}

function feedKey(kind: string, namespace: string | undefined): string {
  return `${kind}|${namespace ?? ''}`;
}

/** The collection path of a feed; RefusedPathError for a namespace that is not a namespace name. */
function collectionPath(info: KindInfo, namespace: string | undefined): ApiPath {
  return resourcePath({ apiVersion: info.apiVersion, resource: info.plural, namespace });
}

/** The (kind, namespace) pairs to list and watch for these targets. */
export function feedsFor(targets: readonly LiveTarget[]): { kind: string; namespace?: string }[] {
  const feeds = new Map<string, { kind: string; namespace?: string }>();
  const add = (kind: string, namespace: string | undefined) => feeds.set(feedKey(kind, namespace), { kind, namespace });
  for (const t of targets) {
    if (!isWatchableKind(t.kind)) continue;
    const ns = namespaceOf(t);
    add(t.kind, ns);
    if (POD_OWNERS.has(t.kind)) add('Pod', ns);
    if (t.kind === 'Service') add('EndpointSlice', ns);
  }
  return [...feeds.values()];
}

// ---------------------------------------------------------------------------------------------
// the watcher

interface Feed {
  kind: string;
  namespace?: string;
  informer: { start(): Promise<void>; stop(): Promise<void>; list(namespace?: string): readonly KubernetesObject[] };
  synced: boolean;
  /** Failed at least once since the last successful start (the snapshot is "settled" either way). */
  failedOnce: boolean;
  failedThisRun: boolean;
  error?: string;
  attempt: number;
  retryTimer?: NodeJS.Timeout;
}

/**
 * Watches the targets and calls `onSnapshot` with the whole state after changes (debounced). The
 * first snapshot comes once every feed has listed (or failed). Never throws after it returns;
 * failures show as `error` on the snapshots.
 */
export function watchLiveState(
  connection: LiveConnection,
  targets: readonly LiveTarget[],
  onSnapshot: (s: LiveSnapshot) => void,
  opts: LiveWatchOptions = {},
): LiveWatcher {
  const k8s = loadClientNode();
  const debounceMs = opts.debounceMs ?? 200;
  const retryBaseMs = opts.retryBaseMs ?? 1000;
  const retryMaxMs = opts.retryMaxMs ?? 30_000;
  const listTimeoutMs = opts.listTimeoutMs ?? 15_000;
  const kindHint = opts.kindHint ?? isKindConnection(connection);

  let disposed = false;
  let emitTimer: NodeJS.Timeout | undefined;
  let updatedAt = Date.now();
  const feeds = new Map<string, Feed>();
  /** Feeds never started because their namespace is not valid: said once on every snapshot. */
  const refused: string[] = [];

  const settled = () => [...feeds.values()].every((f) => f.synced || f.failedOnce);

  const emit = () => {
    emitTimer = undefined;
    if (disposed) return;
    const errors = [...refused, ...[...feeds.values()].filter((f) => f.error).map((f) => f.error as string)];
    const snapshot = buildLiveSnapshot(
      targets,
      (kind, namespace) => {
        const f = feeds.get(feedKey(kind, namespace));
        return f?.synced ? f.informer.list(namespace) : undefined;
      },
      { context: connection.context.name, updatedAt, kindHint, error: errors.length ? [...new Set(errors)].join('; ') : undefined },
    );
    try {
      onSnapshot(snapshot);
    } catch {
      // a failing consumer must not stop the watches
    }
  };

  const changed = () => {
    if (disposed) return;
    updatedAt = Date.now();
    if (!settled()) return;
    if (emitTimer) clearTimeout(emitTimer);
    emitTimer = setTimeout(emit, debounceMs);
  };

  const run = async (feed: Feed) => {
    if (disposed) return;
    feed.failedThisRun = false;
    try {
      await feed.informer.start();
    } catch (e) {
      fail(feed, e);
    }
    if (disposed) {
      void feed.informer.stop();
      return;
    }
    if (!feed.failedThisRun) {
      feed.synced = true;
      feed.attempt = 0;
      feed.error = undefined;
      changed();
    }
  };

  const fail = (feed: Feed, e: unknown) => {
    if (disposed) return;
    feed.failedThisRun = true;
    feed.failedOnce = true;
    const where = `${KINDS[feed.kind].plural}${feed.namespace ? ` in ${feed.namespace}` : ''}`;
    feed.error = `watching ${where}: ${describeClusterError(e, connection)}`;
    changed();
    if (feed.retryTimer) return;
    const delay = Math.min(retryBaseMs * 2 ** feed.attempt, retryMaxMs);
    feed.attempt++;
    feed.retryTimer = setTimeout(() => {
      feed.retryTimer = undefined;
      void run(feed);
    }, delay);
  };

  for (const { kind, namespace } of feedsFor(targets)) {
    const info = KINDS[kind];
    let path: ApiPath;
    try {
      path = collectionPath(info, namespace);
    } catch (e) {
      if (!(e instanceof RefusedPathError)) throw e;
      refused.push(`not watching ${info.plural}: ${e.message}`);
      continue;
    }
    // Secrets: metadata only, on the list and the watch path, so data never sits in the cache.
    const strip = kind === 'Secret' ? metadataOnly : undefined;
    const listFn = async () => {
      const list = await listAll(connection, path, {}, { timeoutMs: listTimeoutMs, transform: strip });
      // disposed while listing: fail quietly instead of letting ListWatch start a watch
      if (disposed) throw new Error('disposed');
      return list;
    };
    const source = watchSource(connection, () => disposed, strip);
    const informer = new k8s.ListWatch<KubernetesObject>(path, source as never, listFn, false);
    const feed: Feed = { kind, namespace, informer, synced: false, failedOnce: false, failedThisRun: false, attempt: 0 };
    informer.on('add', changed);
    informer.on('update', changed);
    informer.on('delete', changed);
    informer.on('error', (e: unknown) => fail(feed, e));
    feeds.set(feedKey(kind, namespace), feed);
  }

  if (feeds.size === 0) {
    // Nothing watchable (or nothing valid): say so once, asynchronously like every other snapshot.
    emitTimer = setTimeout(emit, 0);
  }
  for (const feed of feeds.values()) void run(feed);

  return {
    dispose() {
      if (disposed) return;
      disposed = true;
      if (emitTimer) clearTimeout(emitTimer);
      for (const f of feeds.values()) {
        if (f.retryTimer) clearTimeout(f.retryTimer);
        void f.informer.stop();
      }
    },
  };
}

/**
 * One snapshot, then stops: for `kube-topology status`. Rejects only if nothing settles within
 * `timeoutMs` (a watch error still resolves, with `error` set).
 */
export function readLiveState(
  connection: LiveConnection,
  targets: readonly LiveTarget[],
  opts: LiveWatchOptions & { timeoutMs?: number } = {},
): Promise<LiveSnapshot> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      w.dispose();
      reject(new Error(`no answer from ${connection.context.server || connection.context.name} within ${(opts.timeoutMs ?? 20_000) / 1000} s`));
    }, opts.timeoutMs ?? 20_000);
    const w = watchLiveState(
      connection,
      targets,
      (s) => {
        clearTimeout(timer);
        w.dispose();
        resolve(s);
      },
      { debounceMs: 0, ...opts, retryBaseMs: opts.retryBaseMs ?? 60_000 },
    );
  });
}

// ---------------------------------------------------------------------------------------------
// snapshot: pure functions over what the server sent (read with serverObject.ts, never trusted)

export interface SnapshotContext {
  context: string;
  updatedAt: number;
  kindHint: boolean;
  error?: string;
}

/**
 * Builds a snapshot from what the feeds hold. `lookup(kind, namespace)` returns the objects of that
 * kind in that namespace, or undefined when that feed has not listed (its targets stay absent).
 */
export function buildLiveSnapshot(
  targets: readonly LiveTarget[],
  lookup: (kind: string, namespace: string | undefined) => readonly unknown[] | undefined,
  ctx: SnapshotContext,
): LiveSnapshot {
  const nodes: Record<string, LiveNodeState> = {};
  for (const t of targets) {
    if (!isWatchableKind(t.kind)) continue;
    const ns = namespaceOf(t);
    const objects = lookup(t.kind, ns);
    if (!objects) continue;
    const obj = objects.find((o) => stringAt(o, 'metadata', 'name') === t.name);
    const id = targetNodeId(t);
    if (!obj) {
      nodes[id] = { exists: false };
      continue;
    }
    const state: LiveNodeState = { exists: true };
    if (POD_OWNERS.has(t.kind)) {
      Object.assign(state, workloadState(t.kind, obj));
      const pods = lookup('Pod', ns);
      if (pods) state.pods = podsOf(t.kind, obj, pods).map(livePod);
    } else if (t.kind === 'HorizontalPodAutoscaler') {
      Object.assign(state, hpaState(obj));
    } else if (t.kind === 'Service') {
      Object.assign(state, serviceState(obj, lookup('EndpointSlice', ns), ctx.kindHint));
    }
    nodes[id] = state;
  }
  const snapshot: LiveSnapshot = { context: ctx.context, updatedAt: ctx.updatedAt, nodes };
  if (ctx.error) snapshot.error = ctx.error;
  return snapshot;
}

/** A count the server reports: a non-negative integer, else 0. */
function count(v: unknown): number {
  const n = asNumber(v);
  return n !== undefined && n >= 0 ? Math.floor(n) : 0;
}

function workloadState(kind: string, o: unknown): Partial<LiveNodeState> {
  const out: Partial<LiveNodeState> = {};
  if (REPLICATED.has(kind)) {
    const replicas = numberAt(o, 'spec', 'replicas');
    out.desiredReplicas = replicas !== undefined ? count(replicas) : 1;
    out.readyReplicas = count(numberAt(o, 'status', 'readyReplicas'));
  } else if (kind === 'DaemonSet') {
    out.desiredReplicas = count(numberAt(o, 'status', 'desiredNumberScheduled'));
    out.readyReplicas = count(numberAt(o, 'status', 'numberReady'));
  }
  const conditions = conditionsAt(o, 'status', 'conditions');
  const stalled =
    conditions.find((c) => c.type === 'ReplicaFailure' && c.status === 'True') ??
    conditions.find((c) => c.type === 'Progressing' && c.status === 'False') ??
    conditions.find((c) => c.type === 'Available' && c.status === 'False') ??
    conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  if (stalled) out.condition = conditionText(stalled);
  return out;
}

function conditionText(c: Condition): string {
  return `${c.reason ?? c.type}${c.message ? `: ${c.message}` : ''}`;
}

function podsOf(kind: string, owner: unknown, pods: readonly unknown[]): unknown[] {
  if (kind === 'Pod') return [owner];
  // ReplicationController selectors are plain maps; the others are LabelSelectors.
  const selector: { matchLabels?: Record<string, string>; matchExpressions?: LabelExpression[] } =
    kind === 'ReplicationController' ? { matchLabels: stringMapAt(owner, 'spec', 'selector') } : labelSelectorOf(objectAt(owner, 'spec', 'selector'));
  return pods
    .filter((p) => labelSelectorMatches(selector, stringMapAt(p, 'metadata', 'labels')))
    .sort((a, b) => ((stringAt(a, 'metadata', 'name') ?? '') < (stringAt(b, 'metadata', 'name') ?? '') ? -1 : 1));
}

/** A LabelSelector with only well-formed parts (an empty one selects nothing, as for the server). */
function labelSelectorOf(sel: JsonObject | undefined): { matchLabels?: Record<string, string>; matchExpressions?: LabelExpression[] } {
  if (!sel) return {};
  const expressions: LabelExpression[] = [];
  for (const e of objectsAt(sel, 'matchExpressions')) {
    const key = asString(e.key);
    const operator = asString(e.operator);
    if (key && operator)
      expressions.push({ key, operator, values: Array.isArray(e.values) ? e.values.filter((v): v is string => typeof v === 'string') : undefined });
  }
  return { matchLabels: stringMapAt(sel, 'matchLabels'), ...(expressions.length ? { matchExpressions: expressions } : {}) };
}

/** One pod as a dot: phase, readiness, and why it is not ready. */
export function livePod(p: unknown): LivePod {
  const conditions = conditionsAt(p, 'status', 'conditions');
  const ready = conditions.some((c) => c.type === 'Ready' && c.status === 'True');
  const init = objectsAt(p, 'status', 'initContainerStatuses');
  const main = objectsAt(p, 'status', 'containerStatuses');
  const restarts = [...init, ...main].reduce((n, cs) => n + count(cs.restartCount), 0);
  const phase = stringAt(p, 'status', 'phase') ?? 'Unknown';
  const pod: LivePod = { name: stringAt(p, 'metadata', 'name') ?? '', phase, ready };
  if (restarts) pod.restarts = restarts;
  let why: { reason?: string; message?: string } | undefined;
  if (stringAt(p, 'metadata', 'deletionTimestamp')) why = { reason: 'Terminating' };
  for (const cs of init) {
    if (why) break;
    const waiting = containerState(cs, 'waiting');
    const terminated = objectAt(cs, 'state', 'terminated');
    if (waiting.reason && waiting.reason !== 'PodInitializing') why = { reason: `Init:${waiting.reason}`, message: waiting.message };
    else if (terminated && asNumber(terminated.exitCode) !== 0)
      why = { reason: `Init:${asString(terminated.reason) ?? 'Error'}`, message: asString(terminated.message) };
  }
  for (const cs of main) {
    if (why || ready) break;
    const waiting = containerState(cs, 'waiting');
    const terminated = containerState(cs, 'terminated');
    if (waiting.reason) why = waiting;
    else if (terminated.reason) why = terminated;
  }
  const podReason = stringAt(p, 'status', 'reason');
  if (!why && !ready && podReason) why = { reason: podReason, message: stringAt(p, 'status', 'message') };
  if (!why && !ready) {
    const c =
      conditions.find((x) => x.type === 'PodScheduled' && x.status === 'False') ??
      (phase === 'Running' ? conditions.find((x) => x.type === 'Ready' && x.status === 'False') : undefined);
    if (c?.reason) why = { reason: c.reason, message: c.message };
  }
  if (why?.reason) pod.reason = why.reason;
  if (why?.message) pod.message = why.message;
  return pod;
}

function containerState(cs: unknown, which: 'waiting' | 'terminated'): { reason?: string; message?: string } {
  return { reason: stringAt(cs, 'state', which, 'reason'), message: stringAt(cs, 'state', which, 'message') };
}

function hpaState(o: unknown): Partial<LiveNodeState> {
  const out: Partial<LiveNodeState> = {
    hpa: {
      currentReplicas: count(numberAt(o, 'status', 'currentReplicas')),
      desiredReplicas: count(numberAt(o, 'status', 'desiredReplicas')),
      metrics: hpaMetrics(objectsAt(o, 'spec', 'metrics'), objectsAt(o, 'status', 'currentMetrics')),
    },
  };
  const conditions = conditionsAt(o, 'status', 'conditions');
  const stuck =
    conditions.find((c) => c.type === 'ScalingActive' && c.status === 'False') ?? conditions.find((c) => c.type === 'AbleToScale' && c.status === 'False');
  if (stuck) out.condition = conditionText(stuck);
  return out;
}

const RESOURCE_LABEL: Record<string, string> = { cpu: 'CPU', memory: 'memory' };

/** The source key of each metric type in a MetricSpec / MetricStatus. */
const METRIC_SOURCE: Record<string, string> = {
  Resource: 'resource',
  ContainerResource: 'containerResource',
  Pods: 'pods',
  Object: 'object',
  External: 'external',
};

/** HPA metrics as people read them: "CPU 37% / 50%", "memory 120Mi / 200Mi", "<unknown>" before metrics arrive. */
export function hpaMetrics(spec: readonly unknown[], current: readonly unknown[]): string[] {
  return spec.map((m) => {
    const type = stringAt(m, 'type') ?? '';
    const key = METRIC_SOURCE[type];
    if (!key) return type || '<unknown metric>';
    const src = objectAt(m, key);
    const cur = current.find((c) => stringAt(c, 'type') === type && sameMetric(type, src, objectAt(c, key)));
    const now = objectAt(cur, key, 'current');
    const pair = targetPair(objectAt(src, 'target'), now);
    if (type === 'Resource' || type === 'ContainerResource') {
      const name = stringAt(src, 'name') ?? '?';
      return `${RESOURCE_LABEL[name] ?? name}${type === 'ContainerResource' ? ` (${stringAt(src, 'container') ?? '?'})` : ''} ${pair}`;
    }
    const metric = stringAt(src, 'metric', 'name') ?? '?';
    if (type === 'Object') return `${metric} (${stringAt(src, 'describedObject', 'kind') ?? '?'} ${stringAt(src, 'describedObject', 'name') ?? '?'}) ${pair}`;
    return `${metric} ${pair}`;
  });
}

function sameMetric(type: string, spec: JsonObject | undefined, cur: JsonObject | undefined): boolean {
  if (type === 'Resource') return stringAt(cur, 'name') === stringAt(spec, 'name');
  if (type === 'ContainerResource') return stringAt(cur, 'name') === stringAt(spec, 'name') && stringAt(cur, 'container') === stringAt(spec, 'container');
  return stringAt(cur, 'metric', 'name') === stringAt(spec, 'metric', 'name');
}

function targetPair(target: JsonObject | undefined, current: JsonObject | undefined): string {
  if (stringAt(target, 'type') === 'Utilization') {
    const now = asNumber(current?.averageUtilization);
    return `${now !== undefined ? `${now}%` : '<unknown>'} / ${scalarText(target?.averageUtilization) ?? '?'}%`;
  }
  const key = stringAt(target, 'type') === 'Value' ? 'value' : 'averageValue';
  const now = scalarText(current?.[key]) ?? scalarText(current?.averageValue) ?? scalarText(current?.value);
  return `${now ?? '<unknown>'} / ${scalarText(target?.[key]) ?? '?'}`;
}

function serviceState(svc: unknown, slices: readonly unknown[] | undefined, kindHint: boolean): Partial<LiveNodeState> {
  const out: Partial<LiveNodeState> = {};
  const type = stringAt(svc, 'spec', 'type') ?? 'ClusterIP';
  const name = stringAt(svc, 'metadata', 'name') ?? '';
  if (type !== 'ExternalName' && slices) out.endpoints = readyEndpoints(name, slices);
  if (type === 'LoadBalancer') {
    const addresses = objectsAt(svc, 'status', 'loadBalancer', 'ingress')
      .map((i) => asString(i.ip) ?? asString(i.hostname))
      .filter((a): a is string => !!a);
    out.loadBalancer = addresses.length
      ? { pending: false, address: addresses.join(', ') }
      : { pending: true, hint: kindHint ? KIND_HINT : LOAD_BALANCER_HINT };
  }
  return out;
}

/** Ready endpoints behind a Service, each pod counted once (dual-stack Services have a slice per family). */
function readyEndpoints(service: string, slices: readonly unknown[]): number {
  const seen = new Set<string>();
  for (const s of slices) {
    if (stringMapAt(s, 'metadata', 'labels')['kubernetes.io/service-name'] !== service) continue;
    for (const e of objectsAt(s, 'endpoints')) {
      if (at(e, 'conditions', 'ready') === false) continue; // unset means ready
      const addresses = Array.isArray(e.addresses) ? e.addresses.filter((a): a is string => typeof a === 'string') : [];
      seen.add(stringAt(e, 'targetRef', 'uid') ?? addresses.join(','));
    }
  }
  return seen.size;
}
