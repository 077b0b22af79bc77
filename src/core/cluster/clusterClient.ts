/**
 * One connection to one kubeconfig context: the client-node KubeConfig (auth, TLS, exec credential
 * plugins) plus a small request layer where every call has a timeout and can be cancelled.
 *
 * Requests are client-node's own RequestContext + fetch library, authenticated by the KubeConfig;
 * the bodies stay plain JSON. KubernetesObjectApi is not used for writes because its typed
 * serializer drops fields it does not know (a typo would silently vanish instead of being
 * rejected by the server) and turns timestamps into Date objects, which breaks diffs.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { loadClientNode, type ClientNode } from './clientNodeLoader';
import { findContext, loadKubeconfig, type ContextInfo, type KubeconfigInfo, type LoadKubeconfigOptions } from './kubeconfig';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** A probe answers "is it there" quickly even when the request timeout is long. */
export const DEFAULT_PROBE_TIMEOUT_MS = 5_000;
export const FIELD_MANAGER = 'kube-topology';

/** The Status object the API server returns with errors. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: Array<{ reason?: string; message?: string; field?: string }>;
  };
}

export type ClusterErrorKind =
  /** Connection refused, host not found, reset: nothing answered. */
  | 'unreachable'
  /** No answer within the timeout. */
  | 'timeout'
  /** The caller's AbortSignal fired. */
  | 'cancelled'
  /** The TLS handshake failed (unknown CA, wrong host name, expired certificate). */
  | 'tls'
  /** Credentials could not be obtained (exec plugin failed, token file missing). */
  | 'credentials'
  /** The kubeconfig or context is unusable. */
  | 'config';

/** A failure below HTTP (no status code), with a message a person understands. */
export class ClusterError extends Error {
  constructor(
    readonly kind: ClusterErrorKind,
    message: string,
    readonly server: string,
  ) {
    super(message);
    this.name = 'ClusterError';
  }
}

export interface OpenClusterOptions extends LoadKubeconfigOptions {
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** An already loaded kubeconfig (skips reading the files again). */
  info?: KubeconfigInfo;
}

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the server URL, e.g. /api/v1/namespaces/default/services/x. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON-serialised unless already a string. */
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call. */
  timeoutMs?: number;
}

export interface ClusterResponse {
  status: number;
  /** Parsed JSON when the body is JSON, else the text. */
  body: unknown;
}

export interface ProbeResult {
  /** Something answered HTTP at the server URL. */
  reachable: boolean;
  /** gitVersion from /version, e.g. v1.36.3. */
  version?: string;
  /** Why it is not usable: unreachable, TLS, credentials, or an HTTP error from /version. */
  error?: string;
  errorKind?: ClusterErrorKind | 'http';
  elapsedMs: number;
}

/** What discovery says about a kind. */
export interface ApiResourceInfo {
  /** Plural resource name used in URLs, e.g. deployments. */
  name: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** The part of an undici Dispatcher used here (client-node hands us one per TLS configuration). */
interface UndiciDispatcher {
  request(opts: { origin: string; path: string; method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal }): Promise<{
    statusCode: number;
    body: { text(): Promise<string> };
  }>;
}

interface Discovery {
  resources: ApiResourceInfo[];
  at: number;
}

/**
 * Opens a client for `context` (default: the kubeconfig's current context). Reads the kubeconfig
 * and loads client-node; does not touch the network (see probe()).
 */
export function openCluster(context?: string, opts: OpenClusterOptions = {}): ClusterClient {
  const info = opts.info ?? loadKubeconfig(opts);
  const ctx = findContext(info, context);
  const k8s = loadClientNode();
  const kc = new k8s.KubeConfig();
  try {
    // JSON is YAML: client-node parses the merged document like a kubeconfig file (paths are already absolute).
    kc.loadFromString(JSON.stringify(info.merged));
    kc.setCurrentContext(ctx.name);
  } catch (e) {
    throw new ClusterError('config', `kubeconfig context "${ctx.name}" cannot be used: ${(e as Error).message}`, ctx.server);
  }
  if (!ctx.server) throw new ClusterError('config', `kubeconfig context "${ctx.name}" names cluster "${ctx.cluster}", which has no server URL`, '');
  return new ClusterClient(k8s, kc, ctx, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}

export class ClusterClient {
  private dispatcher: unknown;
  private readonly discovery = new Map<string, Promise<Discovery | undefined>>();
  private readonly http: InstanceType<ClientNode['IsomorphicFetchHttpLibrary']>;
  private closed = false;

  constructor(
    private readonly k8s: ClientNode,
    /** The client-node KubeConfig set to this context: for informers, Watch, PortForward. */
    readonly kubeConfig: KubeConfig,
    readonly context: ContextInfo,
    /** Per-request timeout, ms. */
    readonly timeoutMs: number = DEFAULT_TIMEOUT_MS,
  ) {
    this.http = new k8s.IsomorphicFetchHttpLibrary();
  }

  get server(): string {
    return this.context.server;
  }

  /** Default namespace of the context (what kubectl uses without -n). */
  get namespace(): string {
    return this.context.namespace || 'default';
  }

  /**
   * One HTTP request. Resolves with any HTTP status (the caller decides what a 404 means);
   * rejects with ClusterError when nothing usable came back (refused, timeout, TLS, cancelled).
   */
  async request(req: RequestOptions): Promise<ClusterResponse> {
    if (this.closed) throw new ClusterError('cancelled', 'the cluster connection was closed', this.server);
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    // One controller per request, aborted by the timeout or by the caller's signal.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onCallerAbort = () => controller.abort();
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const signal = controller.signal;
    const describe = `${req.method} ${req.path}`;
    const abortError = () =>
      req.signal?.aborted && !timedOut
        ? new ClusterError('cancelled', `${describe}: cancelled`, this.server)
        : new ClusterError('timeout', `no answer from ${this.server} within ${formatSeconds(timeoutMs)} (${describe}) — is the cluster running?`, this.server);
    try {
      if (req.signal?.aborted) throw abortError();
      const url = new URL(this.server.replace(/\/+$/, '') + req.path);
      for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
      const ctx = new this.k8s.RequestContext(url.toString(), req.method as never);
      ctx.setHeaderParam('Accept', 'application/json');
      if (req.body !== undefined) {
        ctx.setHeaderParam('Content-Type', req.contentType ?? 'application/json');
        ctx.setBody(typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
      }
      // Exec credential plugins run here; a plugin that hangs must not outlive the timeout.
      try {
        await raceAbort(this.kubeConfig.applySecurityAuthentication(ctx), signal);
      } catch (e) {
        if (signal.aborted) throw abortError();
        throw new ClusterError(
          'credentials',
          `cannot get credentials for context "${this.context.name}" (user "${this.context.user}"): ${(e as Error).message}`,
          this.server,
        );
      }
      // client-node builds a fresh undici Agent per request; keeping the first one reuses its
      // kept-alive TLS connections (hundreds of requests would otherwise each pay a handshake).
      const fresh = ctx.getDispatcher();
      if (fresh !== undefined && this.dispatcher === undefined) this.dispatcher = fresh;
      const dispatcher = fresh !== undefined ? (this.dispatcher as UndiciDispatcher) : undefined;
      let status: number;
      let text: string;
      try {
        if (dispatcher && typeof dispatcher.request === 'function') {
          // The dispatcher's own request(): same connection pool and TLS as fetch, a fraction of
          // its CPU per call (no WHATWG streams), which matters when hundreds run at once.
          const res = await dispatcher.request({
            origin: url.origin,
            path: url.pathname + url.search,
            method: req.method,
            headers: ctx.getHeaders(),
            body: ctx.getBody() as string | undefined,
            signal,
          });
          status = res.statusCode;
          text = await res.body.text();
        } else {
          if (fresh !== undefined) ctx.setDispatcher(this.dispatcher as never);
          ctx.setSignal(signal);
          const res = await this.http.send(ctx).toPromise();
          status = res.httpStatusCode;
          text = await res.body.text();
        }
      } catch (e) {
        if (signal.aborted) throw abortError();
        throw transportError(e, this.server, describe);
      }
      let body: unknown = text;
      if (text && /^\s*[{[]/.test(text)) {
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON after all: keep the text */
        }
      }
      return { status, body };
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  /** Reachability and version within a few seconds, never throwing. */
  async probe(opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ProbeResult> {
    const t0 = Date.now();
    try {
      const res = await this.request({
        method: 'GET',
        path: '/version',
        timeoutMs: opts.timeoutMs ?? Math.min(this.timeoutMs, DEFAULT_PROBE_TIMEOUT_MS),
        signal: opts.signal,
      });
      const elapsedMs = Date.now() - t0;
      if (res.status === 200 && res.body && typeof res.body === 'object') {
        return { reachable: true, version: String((res.body as { gitVersion?: unknown }).gitVersion ?? ''), elapsedMs };
      }
      const why = res.status === 401 ? 'the server rejected the credentials (401 Unauthorized)' : statusMessage(res);
      return { reachable: true, error: `${this.server}: ${why}`, errorKind: 'http', elapsedMs };
    } catch (e) {
      const err = e instanceof ClusterError ? e : new ClusterError('unreachable', String(e), this.server);
      return { reachable: false, error: err.message, errorKind: err.kind, elapsedMs: Date.now() - t0 };
    }
  }

  /**
   * Discovery for one group/version, cached; a kind that is missing is looked up once more
   * (a CRD applied moments ago shows up in discovery a little later). Undefined: not served.
   */
  async resourceFor(apiVersion: string, kind: string, signal?: AbortSignal): Promise<ApiResourceInfo | undefined> {
    const cached = await this.discover(apiVersion, signal, false);
    const hit = cached?.resources.find((r) => r.kind === kind);
    if (hit) return hit;
    const fresh = await this.discover(apiVersion, signal, true);
    return fresh?.resources.find((r) => r.kind === kind);
  }

  /** Whether the server serves this group/version at all (for "no such kind" versus "no such API"). */
  async servesApiVersion(apiVersion: string, signal?: AbortSignal): Promise<boolean> {
    try {
      const d = await this.discover(apiVersion, signal, false);
      return !!d && d.resources.length > 0;
    } catch {
      return false;
    }
  }

  private discover(apiVersion: string, signal: AbortSignal | undefined, refresh: boolean): Promise<Discovery | undefined> {
    const existing = this.discovery.get(apiVersion);
    // A refresh reuses a lookup younger than a second (many resources of one new kind at once).
    if (existing && !refresh) return existing;
    if (existing && refresh) {
      const p = existing.then((d) => (d && Date.now() - d.at < 1000 ? d : this.fetchDiscovery(apiVersion, signal)));
      this.discovery.set(apiVersion, p);
      return p;
    }
    const p = this.fetchDiscovery(apiVersion, signal);
    this.discovery.set(apiVersion, p);
    p.catch(() => this.discovery.delete(apiVersion));
    return p;
  }

  private async fetchDiscovery(apiVersion: string, signal?: AbortSignal): Promise<Discovery | undefined> {
    const res = await this.request({ method: 'GET', path: apiVersionPath(apiVersion), signal });
    if (res.status === 404) return { resources: [], at: Date.now() };
    if (res.status !== 200) throw new HttpError(res, `discovery of ${apiVersion}`);
    const list = (res.body as { resources?: Array<{ name: string; namespaced: boolean; kind: string; verbs?: string[] }> }).resources ?? [];
    return {
      resources: list.filter((r) => !r.name.includes('/')).map((r) => ({ name: r.name, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs ?? [] })),
      at: Date.now(),
    };
  }

  /** The URL path of an object (or of its collection when `name` is empty). */
  objectPath(ref: ObjectRef, resource: ApiResourceInfo): string {
    const parts = [apiVersionPath(ref.apiVersion)];
    if (resource.namespaced) parts.push('namespaces', encodeURIComponent(ref.namespace || this.namespace));
    parts.push(resource.name);
    if (ref.name) parts.push(encodeURIComponent(ref.name));
    return parts.join('/');
  }

  /** Stops reusing connections; later requests fail as cancelled. */
  close(): void {
    this.closed = true;
    const d = this.dispatcher as { close?: () => Promise<void> } | undefined;
    this.dispatcher = undefined;
    d?.close?.().catch(() => {});
  }
}

/** An HTTP error status where success was required, with the server's Status message. */
export class HttpError extends Error {
  readonly status: number;
  readonly statusBody?: KubeStatus;
  constructor(res: ClusterResponse, what: string) {
    super(`${what}: ${statusMessage(res)}`);
    this.name = 'HttpError';
    this.status = res.status;
    if (res.body && typeof res.body === 'object') this.statusBody = res.body as KubeStatus;
  }
}

/** The server's own message for a failed response, or the status code. */
export function statusMessage(res: ClusterResponse): string {
  const body = res.body as KubeStatus | string | undefined;
  if (body && typeof body === 'object' && body.message) return `${body.message} (HTTP ${res.status})`;
  if (typeof body === 'string' && body.trim()) return `HTTP ${res.status}: ${body.trim().slice(0, 300)}`;
  return `HTTP ${res.status}`;
}

export function apiVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** Turns undici's "fetch failed" into what happened, naming the server. */
export function transportError(e: unknown, server: string, what: string): ClusterError {
  const err = e as { message?: string; code?: string; cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } };
  const cause = err?.cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code ?? err?.code;
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ETIMEDOUT: 'connection timed out',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
    UND_ERR_SOCKET: 'connection closed',
    EPIPE: 'connection closed',
  };
  if (code && reasons[code]) return new ClusterError('unreachable', `cannot reach ${server} (${reasons[code]}) — is the cluster running?`, server);
  if (code && (TLS_CODES.has(code) || /CERT|SSL|TLS/.test(code))) {
    return new ClusterError(
      'tls',
      `TLS with ${server} failed: ${cause?.message ?? code} — check certificate-authority (or insecure-skip-tls-verify) of the kubeconfig cluster`,
      server,
    );
  }
  const detail = cause?.message ?? err?.message ?? String(e);
  return new ClusterError('unreachable', `cannot reach ${server} (${detail}) while ${what}`, server);
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
