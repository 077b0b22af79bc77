/**
 * What the live-state watcher and the port-forward need from a cluster connection, and the two
 * bridges between client-node's ListWatch (the informer cache) and the bounded request layer:
 * a paginated, size-capped list and a watch source. ListWatch only ever sees objects that have a
 * string metadata.name; anything else a server sends is dropped before it reaches the cache.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { openCluster, transportError, BODY_LIMITS, type ClusterClient, type OpenClusterOptions } from './clusterClient';
import { literalPath, type ApiPath } from './requestPath';
import { asObject, asString, objectsAt, stringAt, type JsonObject } from './serverObject';

/** A ClusterClient is one; `connectLive()` opens one by context name. */
export type LiveConnection = Pick<ClusterClient, 'kubeConfig' | 'context' | 'namespace' | 'request' | 'watch' | 'redact' | 'timeoutMs'>;

export interface ConnectOptions {
  /** Context name; default: the kubeconfig's current context. */
  context?: string;
  /** A kubeconfig path list like $KUBECONFIG; default $KUBECONFIG, then ~/.kube/config. */
  kubeconfigPath?: string;
}

/** Opens a connection to one kubeconfig context (no network yet). Throws a readable error for an unknown context. */
export function connectLive(opts: ConnectOptions = {}): ClusterClient {
  const clusterOpts: OpenClusterOptions = opts.kubeconfigPath ? { kubeconfig: opts.kubeconfigPath } : {};
  return openCluster(opts.context, clusterOpts);
}

/** True for a kind context: the kind hint applies. */
export function isKindConnection(c: LiveConnection): boolean {
  return c.context.localKind === 'kind';
}

/** One line for an error from a list or watch: the API's message, or what went wrong on the wire. */
export function describeClusterError(e: unknown, connection?: Pick<LiveConnection, 'context' | 'redact'>): string {
  const server = connection?.context.server || 'the cluster';
  const redact = (t: string) => (connection ? connection.redact(t) : t);
  const err = asObject(e) ?? {};
  const status = typeof err.statusCode === 'number' ? err.statusCode : typeof err.code === 'number' ? err.code : undefined;
  const message = e instanceof Error ? e.message : asString(err.message);
  if (status) return redact(`${message && message !== `HTTP ${status}` ? `${message} ` : ''}(HTTP ${status})`);
  if (err.cause) return redact(transportError(e, server, 'watching').message);
  return redact(message ?? String(e));
}

/** More objects than this in one feed (one kind in one namespace) stop the feed with an error. */
export const MAX_FEED_OBJECTS = 20_000;
const PAGE_SIZE = 500;

/** A server object the informer cache can hold: metadata.name a string, namespace and resourceVersion strings or absent. */
export function cacheable(o: unknown): KubernetesObject | undefined {
  const obj = asObject(o);
  const meta = asObject(obj?.metadata);
  if (!obj || !meta || typeof meta.name !== 'string' || meta.name === '') return undefined;
  if (meta.namespace !== undefined && typeof meta.namespace !== 'string') return undefined;
  if (meta.resourceVersion !== undefined && typeof meta.resourceVersion !== 'string') return undefined;
  return obj;
}

export interface ListResult {
  metadata: { resourceVersion: string };
  items: KubernetesObject[];
}

/**
 * Lists a collection in pages of 500, each page at most BODY_LIMITS.list bytes, at most
 * MAX_FEED_OBJECTS objects in all; rejects with an Error carrying `statusCode` for an HTTP error.
 */
export async function listAll(
  connection: LiveConnection,
  path: ApiPath,
  query: Record<string, string | undefined> = {},
  opts: { timeoutMs?: number; signal?: AbortSignal; transform?: (o: KubernetesObject) => KubernetesObject } = {},
): Promise<ListResult> {
  const items: KubernetesObject[] = [];
  let token: string | undefined;
  let resourceVersion = '';
  do {
    const res = await connection.request({
      method: 'GET',
      path,
      query: { ...query, limit: PAGE_SIZE, continue: token },
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      maxBytes: BODY_LIMITS.list,
    });
    if (res.status !== 200) {
      throw Object.assign(new Error(connection.redact(stringAt(res.body, 'message') ?? `HTTP ${res.status}`)), { statusCode: res.status });
    }
    for (const o of objectsAt(res.body, 'items')) {
      const ok = cacheable(o);
      if (ok) items.push(opts.transform ? opts.transform(ok) : ok);
    }
    if (items.length > MAX_FEED_OBJECTS) throw new Error(`more than ${MAX_FEED_OBJECTS} objects at ${path}; not watched`);
    resourceVersion = stringAt(res.body, 'metadata', 'resourceVersion') ?? '';
    token = stringAt(res.body, 'metadata', 'continue') || undefined;
  } while (token);
  return { metadata: { resourceVersion }, items };
}

type WatchCallback = (phase: string, apiObj: KubernetesObject, watchObj?: unknown) => void;

/** The shape of client-node's Watch that ListWatch calls. */
export interface WatchSource {
  watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: WatchCallback,
    done: (err: unknown) => void,
  ): Promise<AbortController>;
}

/**
 * A Watch for ListWatch on top of the bounded watch of the connection. Refuses once `isStopped()`
 * (ListWatch would otherwise start one more watch when stop() lands while it lists or backs off,
 * and that request would keep the process alive). `transform` rewrites each object before it is
 * cached (e.g. drops Secret data).
 */
export function watchSource(connection: LiveConnection, isStopped: () => boolean, transform?: (o: KubernetesObject) => KubernetesObject): WatchSource {
  return {
    watch: (path, query, callback, done) => {
      const controller = new AbortController();
      if (isStopped()) {
        queueMicrotask(() => done(null));
        return Promise.resolve(controller);
      }
      let checked: ApiPath;
      try {
        checked = literalPath(path);
      } catch (e) {
        queueMicrotask(() => done(e));
        return Promise.resolve(controller);
      }
      const live = new Set<string>();
      let tooMany = false;
      connection
        .watch(
          checked,
          (e) => {
            if (tooMany) return;
            if (e.type === 'ERROR') {
              const status = asObject(e.object);
              if (status) callback('ERROR', status, e);
              return;
            }
            const obj = cacheable(e.object);
            if (!obj) return;
            const key = `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
            if (e.type === 'DELETED') live.delete(key);
            else live.add(key);
            if (live.size > MAX_FEED_OBJECTS) {
              tooMany = true;
              controller.abort();
              return;
            }
            callback(e.type, transform ? transform(obj) : obj, e);
          },
          { query, signal: controller.signal },
        )
        .then(
          () => done(tooMany ? new Error(`more than ${MAX_FEED_OBJECTS} objects at ${path}; not watched`) : null),
          (err: unknown) => done(err),
        );
      return Promise.resolve(controller);
    },
  };
}

/** Metadata only: what the cache keeps of a Secret. */
export function metadataOnly(o: KubernetesObject): KubernetesObject {
  return { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata };
}

export type { JsonObject };
