/**
 * Live state of the resources a topology shows, from watches (list + watch with resourceVersion,
 * through client-node's ListWatch), never from polling loops.
 *
 * One ListWatch per (kind, namespace) the targets need, plus Pods for workloads and EndpointSlices
 * for Services. A 410 Gone re-lists (ListWatch does that itself); any other failure sets `error`
 * on the snapshot and the feed is restarted with exponential backoff until it works again or the
 * watcher is disposed. Secret objects are stripped to their metadata before anything stores them.
 */
import type { KubernetesObject, KubeConfig } from '@kubernetes/client-node';
import { nodeId } from '../graph/types';
import { labelSelectorMatches, isClusterScoped, type LabelExpression } from '../model/kinds';
import type { LiveNodeState, LivePod, LiveSnapshot } from './liveTypes';
import { loadClientNode } from './clientNodeLoader';
import { describeClusterError, guardedWatch, isKindConnection, type LiveConnection } from './liveConnection';

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

function watchPath(info: KindInfo, namespace: string | undefined): string {
  const base = info.apiVersion.includes('/') ? `/apis/${info.apiVersion}` : `/api/${info.apiVersion}`;
  return `${base}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${info.plural}`;
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
  const kc: KubeConfig = connection.kubeConfig;
  const objectApi = k8s.KubernetesObjectApi.makeApiClient(kc);
  const watch = new k8s.Watch(kc);
  const debounceMs = opts.debounceMs ?? 200;
  const retryBaseMs = opts.retryBaseMs ?? 1000;
  const retryMaxMs = opts.retryMaxMs ?? 30_000;
  const listTimeoutMs = opts.listTimeoutMs ?? 15_000;
  const kindHint = opts.kindHint ?? isKindConnection(connection);

  let disposed = false;
  let emitTimer: NodeJS.Timeout | undefined;
  let updatedAt = Date.now();
  const feeds = new Map<string, Feed>();

  const settled = () => [...feeds.values()].every((f) => f.synced || f.failedOnce);

  const emit = () => {
    emitTimer = undefined;
    if (disposed) return;
    const errors = [...feeds.values()].filter((f) => f.error).map((f) => f.error as string);
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
    feed.error = `watching ${where}: ${describeClusterError(e, connection.context.server)}`;
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
    const strip = kind === 'Secret' ? metadataOnly : (o: KubernetesObject) => o;
    const listFn = async () => {
      const list = await withTimeout(objectApi.list(info.apiVersion, kind, namespace), listTimeoutMs, `listing ${info.plural}`);
      // disposed while listing: fail quietly instead of letting ListWatch start a watch
      if (disposed) throw new Error('disposed');
      return { ...list, items: (list.items ?? []).map(strip) };
    };
    // Secrets: strip on the watch path too, so data never sits in the cache.
    const source = guardedWatch(watch, () => disposed, kind === 'Secret' ? metadataOnly : undefined);
    const informer = new k8s.ListWatch<KubernetesObject>(watchPath(info, namespace), source as typeof watch, listFn as never, false);
    const feed: Feed = { kind, namespace, informer, synced: false, failedOnce: false, failedThisRun: false, attempt: 0 };
    informer.on('add', changed);
    informer.on('update', changed);
    informer.on('delete', changed);
    informer.on('error', (e: unknown) => fail(feed, e));
    feeds.set(feedKey(kind, namespace), feed);
  }

  if (feeds.size === 0) {
    // Nothing watchable: say so once, asynchronously like every other snapshot.
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

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function metadataOnly(o: KubernetesObject): KubernetesObject {
  return { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata };
}

// ---------------------------------------------------------------------------------------------
// snapshot: pure functions over plain objects

/* eslint-disable @typescript-eslint/no-explicit-any -- cluster objects arrive as raw JSON (watch) or model classes (list) */
type Obj = any;

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
  lookup: (kind: string, namespace: string | undefined) => readonly KubernetesObject[] | undefined,
  ctx: SnapshotContext,
): LiveSnapshot {
  const nodes: Record<string, LiveNodeState> = {};
  for (const t of targets) {
    if (!isWatchableKind(t.kind)) continue;
    const ns = namespaceOf(t);
    const objects = lookup(t.kind, ns);
    if (!objects) continue;
    const obj: Obj = objects.find((o) => o.metadata?.name === t.name);
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

function workloadState(kind: string, o: Obj): Partial<LiveNodeState> {
  const out: Partial<LiveNodeState> = {};
  const status = o.status ?? {};
  if (REPLICATED.has(kind)) {
    out.desiredReplicas = typeof o.spec?.replicas === 'number' ? o.spec.replicas : 1;
    out.readyReplicas = status.readyReplicas ?? 0;
  } else if (kind === 'DaemonSet') {
    out.desiredReplicas = status.desiredNumberScheduled ?? 0;
    out.readyReplicas = status.numberReady ?? 0;
  }
  const conditions: Obj[] = status.conditions ?? [];
  const stalled =
    conditions.find((c) => c.type === 'ReplicaFailure' && c.status === 'True') ??
    conditions.find((c) => c.type === 'Progressing' && c.status === 'False') ??
    conditions.find((c) => c.type === 'Available' && c.status === 'False') ??
    conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  if (stalled) out.condition = conditionText(stalled);
  return out;
}

function conditionText(c: Obj): string {
  return `${c.reason ?? c.type}${c.message ? `: ${c.message}` : ''}`;
}

function podsOf(kind: string, owner: Obj, pods: readonly KubernetesObject[]): Obj[] {
  if (kind === 'Pod') return [owner];
  const sel = owner.spec?.selector;
  // ReplicationController selectors are plain maps; the others are LabelSelectors.
  const selector: { matchLabels?: Record<string, string>; matchExpressions?: LabelExpression[] } =
    kind === 'ReplicationController' ? { matchLabels: sel ?? {} } : (sel ?? {});
  return pods
    .filter((p) => labelSelectorMatches(selector, p.metadata?.labels ?? {}))
    .sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
}

/** One pod as a dot: phase, readiness, and why it is not ready. */
export function livePod(p: Obj): LivePod {
  const status = p.status ?? {};
  const conditions: Obj[] = status.conditions ?? [];
  const ready = conditions.some((c) => c.type === 'Ready' && c.status === 'True');
  const init: Obj[] = status.initContainerStatuses ?? [];
  const main: Obj[] = status.containerStatuses ?? [];
  const restarts = [...init, ...main].reduce((n, cs) => n + (cs.restartCount ?? 0), 0);
  const pod: LivePod = { name: p.metadata?.name ?? '', phase: status.phase ?? 'Unknown', ready };
  if (restarts) pod.restarts = restarts;
  let why: { reason?: string; message?: string } | undefined;
  if (p.metadata?.deletionTimestamp) why = { reason: 'Terminating' };
  for (const cs of init) {
    if (why) break;
    const w = cs.state?.waiting;
    const t = cs.state?.terminated;
    if (w?.reason && w.reason !== 'PodInitializing') why = { reason: `Init:${w.reason}`, message: w.message };
    else if (t && t.exitCode !== 0) why = { reason: `Init:${t.reason ?? 'Error'}`, message: t.message };
  }
  for (const cs of main) {
    if (why || ready) break;
    const w = cs.state?.waiting;
    const t = cs.state?.terminated;
    if (w?.reason) why = { reason: w.reason, message: w.message };
    else if (t?.reason) why = { reason: t.reason, message: t.message };
  }
  if (!why && !ready && status.reason) why = { reason: status.reason, message: status.message };
  if (!why && !ready) {
    const c =
      conditions.find((x) => x.type === 'PodScheduled' && x.status === 'False') ??
      (status.phase === 'Running' ? conditions.find((x) => x.type === 'Ready' && x.status === 'False') : undefined);
    if (c?.reason) why = { reason: c.reason, message: c.message };
  }
  if (why?.reason) pod.reason = why.reason;
  if (why?.message) pod.message = why.message;
  return pod;
}

function hpaState(o: Obj): Partial<LiveNodeState> {
  const status = o.status ?? {};
  const out: Partial<LiveNodeState> = {
    hpa: {
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
      metrics: hpaMetrics(o.spec?.metrics ?? [], status.currentMetrics ?? []),
    },
  };
  const conditions: Obj[] = status.conditions ?? [];
  const stuck =
    conditions.find((c) => c.type === 'ScalingActive' && c.status === 'False') ?? conditions.find((c) => c.type === 'AbleToScale' && c.status === 'False');
  if (stuck) out.condition = conditionText(stuck);
  return out;
}

const RESOURCE_LABEL: Record<string, string> = { cpu: 'CPU', memory: 'memory' };

/** HPA metrics as people read them: "CPU 37% / 50%", "memory 120Mi / 200Mi", "<unknown>" before metrics arrive. */
export function hpaMetrics(spec: readonly Obj[], current: readonly Obj[]): string[] {
  return spec.map((m) => {
    const cur = current.find((c) => c.type === m.type && sameMetric(m, c));
    switch (m.type) {
      case 'Resource':
      case 'ContainerResource': {
        const src = m.type === 'Resource' ? m.resource : m.containerResource;
        const now = m.type === 'Resource' ? cur?.resource?.current : cur?.containerResource?.current;
        const label = `${RESOURCE_LABEL[src?.name] ?? src?.name}${m.type === 'ContainerResource' ? ` (${src?.container})` : ''}`;
        return `${label} ${targetPair(src?.target, now)}`;
      }
      case 'Pods':
        return `${m.pods?.metric?.name} ${targetPair(m.pods?.target, cur?.pods?.current)}`;
      case 'Object':
        return `${m.object?.metric?.name} (${m.object?.describedObject?.kind} ${m.object?.describedObject?.name}) ${targetPair(m.object?.target, cur?.object?.current)}`;
      case 'External':
        return `${m.external?.metric?.name} ${targetPair(m.external?.target, cur?.external?.current)}`;
      default:
        return String(m.type);
    }
  });
}

function sameMetric(spec: Obj, cur: Obj): boolean {
  switch (spec.type) {
    case 'Resource':
      return cur.resource?.name === spec.resource?.name;
    case 'ContainerResource':
      return cur.containerResource?.name === spec.containerResource?.name && cur.containerResource?.container === spec.containerResource?.container;
    case 'Pods':
      return cur.pods?.metric?.name === spec.pods?.metric?.name;
    case 'Object':
      return cur.object?.metric?.name === spec.object?.metric?.name;
    case 'External':
      return cur.external?.metric?.name === spec.external?.metric?.name;
    default:
      return false;
  }
}

function targetPair(target: Obj, current: Obj): string {
  if (target?.type === 'Utilization') {
    const now = current?.averageUtilization;
    return `${typeof now === 'number' ? `${now}%` : '<unknown>'} / ${target.averageUtilization}%`;
  }
  const key = target?.type === 'Value' ? 'value' : 'averageValue';
  const now = current?.[key] ?? current?.averageValue ?? current?.value;
  return `${now !== undefined ? String(now) : '<unknown>'} / ${String(target?.[key] ?? '?')}`;
}

function serviceState(svc: Obj, slices: readonly KubernetesObject[] | undefined, kindHint: boolean): Partial<LiveNodeState> {
  const out: Partial<LiveNodeState> = {};
  const type = svc.spec?.type ?? 'ClusterIP';
  if (type !== 'ExternalName' && slices) out.endpoints = readyEndpoints(svc.metadata?.name, slices);
  if (type === 'LoadBalancer') {
    const addresses = ((svc.status?.loadBalancer?.ingress ?? []) as Obj[]).map((i) => i.ip ?? i.hostname).filter(Boolean);
    out.loadBalancer = addresses.length
      ? { pending: false, address: addresses.join(', ') }
      : { pending: true, hint: kindHint ? KIND_HINT : LOAD_BALANCER_HINT };
  }
  return out;
}

/** Ready endpoints behind a Service, each pod counted once (dual-stack Services have a slice per family). */
function readyEndpoints(service: string, slices: readonly KubernetesObject[]): number {
  const seen = new Set<string>();
  for (const s of slices as Obj[]) {
    if (s.metadata?.labels?.['kubernetes.io/service-name'] !== service) continue;
    for (const e of (s.endpoints ?? []) as Obj[]) {
      if (e.conditions?.ready === false) continue; // unset means ready
      seen.add(e.targetRef?.uid ?? (e.addresses ?? []).join(','));
    }
  }
  return seen.size;
}
