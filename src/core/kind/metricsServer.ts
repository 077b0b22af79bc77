/**
 * metrics-server for HPAs on kind: the pinned upstream release manifest shipped with the extension
 * (addons/metrics-server/components.yaml — v0.8.1 plus `--kubelet-insecure-tls`, which kind's
 * self-signed kubelet certificates need), applied server-side like any manifest, then waited for
 * until `metrics.k8s.io` serves node metrics (what the HPA controller and `kubectl top` read).
 *
 * Every object installed carries the annotation {@link ADDON_ANNOTATION}; removal deletes only
 * objects that carry it, so a metrics-server someone else installed is never removed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseManifestFile, type Resource } from '../parse/manifestParser';
import { BODY_LIMITS, type ClusterClient } from '../cluster/clusterClient';
import type { ApplyProgress, ApplyResult, DeleteResult } from '../cluster/applyTypes';
import { resourcePath } from '../cluster/requestPath';
import { at, conditionsAt, objectsAt, scalarText, stringAt } from '../cluster/serverObject';
import { serverText } from '../cluster/serverText';

export const METRICS_SERVER_VERSION = 'v0.8.1';
export const METRICS_SERVER_IMAGE = `registry.k8s.io/metrics-server/metrics-server:${METRICS_SERVER_VERSION}`;
export const METRICS_SERVER_NAMESPACE = 'kube-system';
export const METRICS_API_SERVICE = 'v1beta1.metrics.k8s.io';
/** Marks what kube-topology installed (and may therefore remove). */
export const ADDON_ANNOTATION = 'kube-topology.io/addon';
export const ADDON_VALUE = `metrics-server-${METRICS_SERVER_VERSION}`;
/** Where the manifest sits in the extension (and the repository). */
export const MANIFEST_PATH = path.join('addons', 'metrics-server', 'components.yaml');

/** The shipped manifest, found by walking up from `startDir` (`dist/` in the package, `out/src/…` in tests). */
export function findMetricsServerManifest(startDir: string): string | undefined {
  let dir = path.resolve(startDir);
  for (;;) {
    const candidate = path.join(dir, MANIFEST_PATH);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The manifest's objects, each annotated as ours; throws when the file is not what was shipped. */
export function metricsServerResources(file: string, text: string): Resource[] {
  const parsed = parseManifestFile(file, text);
  const errors = parsed.findings.filter((f) => f.severity === 'error');
  if (errors.length) throw new Error(`${file}: ${errors[0].message}`);
  const deployment = parsed.resources.find((r) => r.kind === 'Deployment' && r.name === 'metrics-server');
  const args = JSON.stringify(deployment?.object.spec ?? {});
  if (!deployment || !args.includes(METRICS_SERVER_IMAGE) || !args.includes('--kubelet-insecure-tls')) {
    throw new Error(`${file} is not the bundled metrics-server ${METRICS_SERVER_VERSION} manifest (reinstall the extension)`);
  }
  return parsed.resources.map((r) => {
    const object = structuredClone(r.object);
    const metadata = (object.metadata ??= {}) as { annotations?: Record<string, string> };
    metadata.annotations = { ...metadata.annotations, [ADDON_ANNOTATION]: ADDON_VALUE };
    return { ...r, object };
  });
}

/** One line per object: `Deployment metrics-server in kube-system`, `ClusterRole system:metrics-server (cluster-wide)`. */
export function describeObjects(resources: readonly Resource[]): string[] {
  return resources.map((r) => `${r.kind} ${r.name}${r.namespace ? ` in ${r.namespace}` : ' (cluster-wide)'}`);
}

/** What `kind-addons metrics-server` says before it installs. */
export function installSummary(resources: readonly Resource[]): string {
  return (
    `metrics-server ${METRICS_SERVER_VERSION} (the upstream release manifest, plus --kubelet-insecure-tls for kind's self-signed kubelet certificates), ` +
    `image ${METRICS_SERVER_IMAGE}, into namespace ${METRICS_SERVER_NAMESPACE}: ${resources.length} objects, each annotated ${ADDON_ANNOTATION}=${ADDON_VALUE}`
  );
}

export interface MetricsApiState {
  /** The APIService v1beta1.metrics.k8s.io exists. */
  registered: boolean;
  /** `GET /apis/metrics.k8s.io/v1beta1/nodes` answers with node usage: HPAs can read CPU. */
  answering: boolean;
  /** Who serves it (`kube-system/metrics-server`), when registered. */
  servedBy?: string;
  /** Installed by kube-topology (the APIService carries our annotation). */
  ours: boolean;
  /** Why it does not answer yet (the APIService's Available condition, or the HTTP status). */
  detail?: string;
}

const API_SERVICE_PATH = resourcePath({ apiVersion: 'apiregistration.k8s.io/v1', resource: 'apiservices', name: METRICS_API_SERVICE, kind: 'APIService' });
const NODE_METRICS_PATH = resourcePath({ apiVersion: 'metrics.k8s.io/v1beta1', resource: 'nodes' });

/** Whether the cluster serves pod and node metrics now (two GETs, never throws for HTTP errors). */
export async function metricsApiState(client: ClusterClient, signal?: AbortSignal): Promise<MetricsApiState> {
  const reg = await client.request({ method: 'GET', path: API_SERVICE_PATH, signal });
  if (reg.status === 404)
    return { registered: false, answering: false, ours: false, detail: `no APIService ${METRICS_API_SERVICE}: metrics-server is not installed` };
  const api = reg.status === 200 ? reg.body : undefined;
  const svcName = stringAt(api, 'spec', 'service', 'name');
  const servedBy = svcName ? serverText(client, `${stringAt(api, 'spec', 'service', 'namespace') ?? ''}/${svcName}`, 200) : undefined;
  const ours = stringAt(api, 'metadata', 'annotations', ADDON_ANNOTATION) === ADDON_VALUE;
  const available = conditionsAt(api, 'status', 'conditions').find((c) => c.type === 'Available');
  // One list of node metrics: a page of a list at most (a kind cluster has a node or three).
  const nodes = await client.request({ method: 'GET', path: NODE_METRICS_PATH, signal, maxBytes: BODY_LIMITS.list });
  const items = objectsAt(nodes.body, 'items');
  const answering = nodes.status === 200 && items.length > 0 && items.every((i) => scalarText(at(i, 'usage', 'cpu')) !== undefined);
  const detail = answering
    ? undefined
    : available && available.status !== 'True'
      ? serverText(client, `${available.reason ?? 'not available'}${available.message ? `: ${available.message}` : ''}`, 400)
      : nodes.status === 200
        ? 'no node metrics yet (the first scrape takes up to 15 s)'
        : `metrics.k8s.io answered HTTP ${nodes.status}`;
  return { registered: true, answering, servedBy, ours, ...(detail ? { detail } : {}) };
}

/**
 * The HPAs an apply wrote or kept, when the cluster has no metrics API registered at all (they
 * will show <unknown> and never scale); empty otherwise, or when that cannot be told. A metrics API
 * that is registered but not answering yet is a metrics-server still starting: nothing to say.
 */
export async function hpasWithoutMetrics(
  client: ClusterClient,
  outcomes: readonly { ref: { kind: string; name: string }; status: string }[],
  signal?: AbortSignal,
): Promise<string[]> {
  const hpas = outcomes.filter((o) => o.ref.kind === 'HorizontalPodAutoscaler' && (o.status === 'applied' || o.status === 'unchanged')).map((o) => o.ref.name);
  if (!hpas.length) return [];
  try {
    return (await metricsApiState(client, signal)).registered ? [] : hpas;
  } catch {
    return [];
  }
}

export interface InstallOptions {
  signal?: AbortSignal;
  /** Apply progress (dry-run, apply, rollout), then `waiting` lines until the metrics API answers. */
  onProgress?: (e: ApplyProgress | { type: 'waiting'; message: string }) => void;
  /** Total time for the rollout and the metrics API (default 5 minutes). */
  timeoutMs?: number;
}

export interface InstallResult {
  apply: ApplyResult;
  /** The metrics API answered (false: timed out or cancelled; `state.detail` says why). */
  ready: boolean;
  state: MetricsApiState;
  /** From the start of the apply until node metrics were served. */
  readyMs?: number;
}

/** Applies the manifest (server-side, field manager kube-topology), waits for the rollout and for node metrics. */
export async function installMetricsServer(client: ClusterClient, resources: readonly Resource[], opts: InstallOptions = {}): Promise<InstallResult> {
  const t0 = Date.now();
  const deadline = t0 + (opts.timeoutMs ?? 300_000);
  const { applyResources } = await import('../cluster/applyEngine');
  const apply = await applyResources(client, resources, {
    namespace: METRICS_SERVER_NAMESPACE,
    signal: opts.signal,
    onProgress: opts.onProgress,
    rolloutTimeoutMs: Math.max(10_000, deadline - Date.now()),
  });
  const failed = apply.outcomes.some((o) => o.status === 'failed') || apply.cancelled;
  let state = await metricsApiState(client, opts.signal).catch((e: Error) => ({ registered: false, answering: false, ours: false, detail: e.message }));
  if (failed) return { apply, ready: false, state };
  let last = '';
  while (!state.answering && Date.now() < deadline && !opts.signal?.aborted) {
    const line = `waiting for metrics.k8s.io: ${state.detail ?? 'not answering yet'}`;
    if (line !== last) opts.onProgress?.({ type: 'waiting', message: line });
    last = line;
    // An abort ends the wait early (the loop then stops); timers/promises drops its listener either way.
    await sleep(1000, undefined, { signal: opts.signal }).catch(() => undefined);
    state = await metricsApiState(client, opts.signal).catch((e: Error) => ({ ...state, answering: false, detail: e.message }));
  }
  return { apply, ready: state.answering, state, ...(state.answering ? { readyMs: Date.now() - t0 } : {}) };
}

export interface RemoveResult {
  result?: DeleteResult;
  /** Objects that exist but were not installed by kube-topology: left alone. */
  notOurs: string[];
}

/** Deletes the objects kube-topology installed (the annotation says so); others are listed and kept. */
export async function removeMetricsServer(client: ClusterClient, resources: readonly Resource[], opts: { signal?: AbortSignal } = {}): Promise<RemoveResult> {
  const ours: Resource[] = [];
  const notOurs: string[] = [];
  for (const r of resources) {
    const info = await client.resourceFor(r.apiVersion ?? '', r.kind ?? '', opts.signal);
    if (!info) continue;
    const res = await client.request({
      method: 'GET',
      path: client.objectPath({ apiVersion: r.apiVersion ?? '', kind: r.kind ?? '', name: r.name ?? '', namespace: r.namespace }, info),
      signal: opts.signal,
    });
    if (res.status === 404) continue;
    if (stringAt(res.body, 'metadata', 'annotations', ADDON_ANNOTATION) === ADDON_VALUE) ours.push(r);
    else notOurs.push(describeObjects([r])[0]);
  }
  if (!ours.length) return { notOurs };
  const { deleteResources } = await import('../cluster/deleteEngine');
  return { result: await deleteResources(client, ours, { namespace: METRICS_SERVER_NAMESPACE, signal: opts.signal }), notOurs };
}
