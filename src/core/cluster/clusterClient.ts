/**
 * One connection to one kubeconfig context: client-node's TLS set-up and credentials for that
 * context (clientConfig.ts) plus the request layer every cluster feature uses — apply, delete,
 * diff, discovery, rollout, live state and port-forward.
 *
 * Every request is bounded: its path comes from requestPath.ts (checked parts only) and is checked
 * again here; its answer is read up to a ceiling for its kind (version, discovery, an object, a
 * list, one watch event); it has a deadline, and its credential step has one of its own with a
 * message that names the plugin. Messages never carry a credential (the connection's Redactor).
 *
 * The wire is node:https with the kubeconfig's TLS material (httpsTransport.ts), or client-node
 * for what only it serves (oidc, proxy-url: clientNodeTransport.ts); client-node is loaded only
 * then, or when something asks for `kubeConfig` (port-forward's WebSocket).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { loadClientNode } from './clientNodeLoader';
import { findContext, loadKubeconfig, type ContextInfo, type KubeconfigInfo, type LoadKubeconfigOptions } from './kubeconfig';
import { buildKubeConfig, KubeconfigEntryError, readConnectionConfig, type ConnectionConfig } from './clientConfig';
import { ClientNodeTransport } from './clientNodeTransport';
import { HttpsTransport } from './httpsTransport';
import { httpsPathProblem, TransportCredentialsError, type Sent, type Transport, type TransportKind } from './transport';
import { CredentialPluginError, formatSeconds, type CredentialPlugin } from './credentialPlugin';
import { cappedLines, KiB, MiB, readCapped, TooLargeError } from './boundedIo';
import type { Redactor } from './redaction';
import { apiVersionPath, checkResource, literalPath, RefusedPathError, resourcePath, type ApiPath } from './requestPath';
import { asBoolean, asObject, asString, objectsAt, stringAt, stringsAt } from './serverObject';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** A probe answers "is it there" quickly even when the request timeout is long. */
export const DEFAULT_PROBE_TIMEOUT_MS = 5_000;
export const FIELD_MANAGER = 'kube-topology';

/** Ceilings on what is read from a server, by what is asked for. */
export const BODY_LIMITS = {
  /** /version */
  version: 64 * KiB,
  /** one group/version's resource list */
  discovery: 16 * MiB,
  /** one object (etcd stores at most 1.5 MiB per object; managedFields and status add to it) */
  object: 16 * MiB,
  /** one page of a list */
  list: 64 * MiB,
  /** one watch event (one line) */
  watchEvent: 16 * MiB,
  /** one line of a followed pod log (the load pod prints a few dozen bytes a line) */
  logLine: 64 * KiB,
} as const;

/** A watch with no byte for this long is closed and opened again (the server sends bookmarks more often). */
const WATCH_IDLE_MS = 90_000;

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
  /** Credentials could not be obtained (exec plugin failed or took too long, token file unreadable). */
  | 'credentials'
  /** The kubeconfig or context is unusable. */
  | 'config'
  /** The answer was larger than the ceiling for what was asked. */
  | 'too-large';

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
  /** Per-request timeout (default 10 s); also the time a credential plugin is given. */
  timeoutMs?: number;
  /** An already loaded kubeconfig (skips reading the files again). */
  info?: KubeconfigInfo;
  /**
   * The request path: 'auto' (default) is node:https unless the context needs client-node (oidc,
   * proxy-url); 'client-node' forces client-node (tests of that path).
   */
  transport?: 'auto' | 'client-node';
}

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Built by requestPath.ts (resourcePath, apiVersionPath, literalPath). */
  path: ApiPath;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON-serialised unless already a string. */
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call. */
  timeoutMs?: number;
  /** Ceiling on the answer's size (default BODY_LIMITS.object). */
  maxBytes?: number;
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

/** One event of a watch, as the server sent it (`object` not yet trusted). */
export interface WatchEvent {
  type: string;
  object: unknown;
}

export interface WatchOptions {
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
}

export interface StreamOptions extends WatchOptions {
  /** Nothing for this long ends the stream with a TimeoutError (default: a watch's 90 s). */
  idleMs?: number;
  /** Ceiling on one line (default BODY_LIMITS.watchEvent). */
  maxLineBytes?: number;
  /** The request as messages name it (default `GET PATH`). */
  describe?: string;
  /** What one line is, for messages: `no event from …` (default `line`). */
  unit?: 'event' | 'line';
}

interface Discovery {
  resources: ApiResourceInfo[];
  /** Kinds whose resource name the server gave is not a valid path segment, with why. */
  refused: Map<string, string>;
  at: number;
}

/**
 * Opens a client for `context` (default: the kubeconfig's current context). Reads the kubeconfig
 * and the files it names (bounded); loads client-node only for a context that needs it; does not
 * touch the network (see probe()).
 */
export function openCluster(context?: string, opts: OpenClusterOptions = {}): ClusterClient {
  const info = opts.info ?? loadKubeconfig(opts);
  const ctx = findContext(info, context);
  if (!ctx.server) throw new ClusterError('config', `kubeconfig context "${ctx.name}" names cluster "${ctx.cluster}", which has no server URL`, '');
  if (!/^https?:\/\//i.test(ctx.server)) {
    throw new ClusterError('config', `the server of context "${ctx.name}" (${ctx.server}) is not an https:// or http:// URL`, ctx.server);
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const cfg = readConnectionConfig(info, ctx);
    const viaClientNode = opts.transport === 'client-node' || httpsPathProblem(cfg) !== undefined;
    return new ClusterClient(cfg, timeoutMs, viaClientNode ? 'client-node' : 'https');
  } catch (e) {
    if (e instanceof KubeconfigEntryError) throw new ClusterError('config', `kubeconfig context "${ctx.name}": ${e.message}`, ctx.server);
    throw new ClusterError('config', `kubeconfig context "${ctx.name}" cannot be used: ${(e as Error).message}`, ctx.server);
  }
}

export class ClusterClient {
  private readonly transport: Transport;
  private clientNodeConfig: KubeConfig | undefined;
  private readonly discovery = new Map<string, Promise<Discovery | undefined>>();
  private closed = false;
  /** Credentials of the context plus Secret values registered by the work in hand. */
  readonly secrets: Redactor;
  readonly context: ContextInfo;
  private readonly plugin?: CredentialPlugin;

  /** Throws (a plain Error) when the connection settings cannot be used; openCluster() says which context. */
  constructor(
    private readonly config: ConnectionConfig,
    /** Per-request timeout, ms. */
    readonly timeoutMs: number = DEFAULT_TIMEOUT_MS,
    transport: TransportKind = 'https',
  ) {
    this.context = config.context;
    this.plugin = config.plugin;
    this.secrets = config.secrets;
    this.transport =
      transport === 'https'
        ? new HttpsTransport(config)
        : new ClientNodeTransport(loadClientNode(), this.kubeConfig, config.plugin, `context "${config.context.name}" (user "${config.context.user}")`);
  }

  /** The request path in use. */
  get transportKind(): TransportKind {
    return this.transport.kind;
  }

  /** The client-node KubeConfig set to this context, for PortForward's WebSocket (loads client-node on first use). */
  get kubeConfig(): KubeConfig {
    this.clientNodeConfig ??= buildKubeConfig(loadClientNode(), this.config, this.timeoutMs);
    return this.clientNodeConfig;
  }

  get server(): string {
    return this.context.server;
  }

  /** Default namespace of the context (what kubectl uses without -n). */
  get namespace(): string {
    return this.context.namespace || 'default';
  }

  /** Text with every credential and registered secret replaced by ***. */
  redact(text: string): string {
    return this.secrets.scrub(text);
  }

  /** Secret values (of the manifests in hand) that must never show up in a message. */
  addSecrets(values: readonly string[]): void {
    this.secrets.add(...values);
  }

  /**
   * One HTTP request. Resolves with any HTTP status (the caller decides what a 404 means);
   * rejects with ClusterError when nothing usable came back (refused, timeout, TLS, credentials,
   * too large, cancelled).
   */
  async request(req: RequestOptions): Promise<ClusterResponse> {
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    const limit = req.maxBytes ?? BODY_LIMITS.object;
    const describe = `${req.method} ${req.path}`;
    return this.withDeadline(describe, timeoutMs, req.signal, async (signal) => {
      const sent = await this.send(req, signal);
      const what = `the answer to ${describe}`;
      if (sent.contentLength !== undefined && sent.contentLength > limit) {
        sent.body.destroy?.();
        throw new TooLargeError(what, limit);
      }
      const text = (await readCapped(sent.body, limit, what)).toString('utf8');
      let body: unknown = text;
      if (text && /^\s*[{[]/.test(text)) {
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON after all: keep the text */
        }
      }
      return { status: sent.status, body };
    });
  }

  /**
   * A watch: calls `onEvent` for every event line until the server ends the stream (resolves),
   * the signal fires (resolves), nothing arrives for WATCH_IDLE_MS (rejects, name TimeoutError) or
   * something is wrong (rejects: an HTTP status other than 200 with `statusCode`, a line over
   * BODY_LIMITS.watchEvent, the connection). Lines that are not JSON events are skipped.
   */
  async watch(path: ApiPath, onEvent: (e: WatchEvent) => void, opts: WatchOptions = {}): Promise<void> {
    await this.streamLines(
      path,
      (line) => {
        let doc: unknown;
        try {
          doc = JSON.parse(line);
        } catch {
          return;
        }
        const type = stringAt(doc, 'type');
        if (type) onEvent({ type, object: asObject(doc)?.object });
      },
      { query: { ...opts.query, watch: 'true' }, signal: opts.signal, describe: `watch ${path}`, unit: 'event' },
    );
  }

  /**
   * A streamed GET read line by line (a watch, a followed pod log): calls `onLine` for every
   * non-empty line until the server ends the stream (resolves), the signal fires (resolves),
   * nothing arrives for `idleMs` (rejects, name TimeoutError) or something is wrong (rejects: an
   * HTTP status other than 200 with `statusCode`, a line over `maxLineBytes`, the connection).
   * Connecting and the credential step have the usual deadline; the stream only the idle one.
   */
  async streamLines(path: ApiPath, onLine: (line: string) => void, opts: StreamOptions = {}): Promise<void> {
    const describe = opts.describe ?? `GET ${path}`;
    const idleMs = opts.idleMs ?? WATCH_IDLE_MS;
    const maxLineBytes = opts.maxLineBytes ?? BODY_LIMITS.watchEvent;
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let idle: NodeJS.Timeout | undefined;
    let idleFired = false;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        idleFired = true;
        controller.abort();
      }, idleMs);
      idle.unref();
    };
    try {
      if (opts.signal?.aborted) return;
      touch();
      const sent = await this.withDeadline(describe, this.timeoutMs, controller.signal, (signal) =>
        // The stream outlives this step: the stream's own controller ends it, not the step's deadline.
        this.send({ method: 'GET', path, query: opts.query }, AbortSignal.any([signal, controller.signal])),
      );
      if (sent.status !== 200) {
        const text = (await readCapped(sent.body, 64 * KiB, `the answer to ${describe}`).catch(() => Buffer.alloc(0))).toString('utf8');
        let message = `HTTP ${sent.status}`;
        try {
          message = stringAt(JSON.parse(text), 'message') ?? message;
        } catch {
          /* not a Status */
        }
        throw Object.assign(new Error(this.redact(message)), { statusCode: sent.status });
      }
      const unit = opts.unit ?? 'line';
      for await (const line of cappedLines(sent.body, maxLineBytes, `${unit === 'event' ? 'an event' : 'a line'} of ${describe}`, touch)) onLine(line);
    } catch (e) {
      if (idleFired)
        throw Object.assign(new Error(`no ${opts.unit ?? 'line'} from ${this.server} for ${formatSeconds(idleMs)} (${describe})`), { name: 'TimeoutError' });
      if (opts.signal?.aborted) return;
      if (e instanceof TooLargeError) throw new ClusterError('too-large', this.redact(e.message), this.server);
      throw e;
    } finally {
      clearTimeout(idle);
      opts.signal?.removeEventListener('abort', onAbort);
      controller.abort();
    }
  }

  /** Reachability and version within a few seconds, never throwing. */
  async probe(opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ProbeResult> {
    const t0 = Date.now();
    try {
      const res = await this.request({
        method: 'GET',
        path: literalPath('/version'),
        timeoutMs: opts.timeoutMs ?? Math.min(this.timeoutMs, DEFAULT_PROBE_TIMEOUT_MS),
        signal: opts.signal,
        maxBytes: BODY_LIMITS.version,
      });
      const elapsedMs = Date.now() - t0;
      if (res.status === 200 && asObject(res.body)) {
        const version = asString(asObject(res.body)?.gitVersion);
        return { reachable: true, version: version && /^[\w.+-]{1,64}$/.test(version) ? version : 'unknown version', elapsedMs };
      }
      const why = res.status === 401 ? 'the server rejected the credentials (401 Unauthorized)' : this.redact(statusMessage(res));
      return { reachable: true, error: `${this.server}: ${why}`, errorKind: 'http', elapsedMs };
    } catch (e) {
      const err = e instanceof ClusterError ? e : new ClusterError('unreachable', this.redact(String(e)), this.server);
      // An answer too large to read is still an answer: something is there, and it is not usable.
      return { reachable: err.kind === 'too-large', error: err.message, errorKind: err.kind, elapsedMs: Date.now() - t0 };
    }
  }

  /**
   * Discovery for one group/version, cached; a kind that is missing is looked up once more
   * (a CRD applied moments ago shows up in discovery a little later). Undefined: not served.
   * Throws RefusedPathError when the apiVersion, or the resource name the server gives for the
   * kind, is not a valid path segment.
   */
  async resourceFor(apiVersion: string, kind: string, signal?: AbortSignal): Promise<ApiResourceInfo | undefined> {
    const pick = (d: Discovery | undefined) => {
      const refused = d?.refused.get(kind);
      if (refused) throw new RefusedPathError('resource', kind, refused);
      return d?.resources.find((r) => r.kind === kind);
    };
    const hit = pick(await this.discover(apiVersion, signal, false));
    if (hit) return hit;
    return pick(await this.discover(apiVersion, signal, true));
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
    const p =
      existing && refresh
        ? existing.then((d) => (d && Date.now() - d.at < 1000 ? d : this.fetchDiscovery(apiVersion, signal)))
        : this.fetchDiscovery(apiVersion, signal);
    this.discovery.set(apiVersion, p);
    // A failure is forgotten so the next resource asks again, except an answer over the ceiling:
    // asking again would read the same flood once per resource.
    p.catch((e: unknown) => {
      if (!(e instanceof ClusterError && e.kind === 'too-large')) this.discovery.delete(apiVersion);
    });
    return p;
  }

  private async fetchDiscovery(apiVersion: string, signal?: AbortSignal): Promise<Discovery | undefined> {
    const res = await this.request({ method: 'GET', path: apiVersionPath(apiVersion), signal, maxBytes: BODY_LIMITS.discovery });
    const discovery: Discovery = { resources: [], refused: new Map(), at: Date.now() };
    if (res.status === 404) return discovery;
    if (res.status !== 200) throw new HttpError(res, `discovery of ${apiVersion}`, this.secrets);
    for (const r of objectsAt(res.body, 'resources')) {
      const name = asString(r.name);
      const kind = asString(r.kind);
      // Subresources (deployments/scale) are not kinds of their own; any other "/" is refused below.
      if (!name || !kind || /^[a-z0-9-]+\/[a-z0-9-]+$/.test(name)) continue;
      try {
        checkResource(name);
      } catch (e) {
        discovery.refused.set(kind, `the server's discovery of ${apiVersion} gives ${kind} a resource name that is not valid (${(e as Error).message})`);
        continue;
      }
      discovery.resources.push({ name, namespaced: asBoolean(r.namespaced) ?? false, kind, verbs: stringsAt(r, 'verbs') });
    }
    return discovery;
  }

  /** The path of an object (or of its collection when `name` is empty). Throws RefusedPathError. */
  objectPath(ref: ObjectRef, resource: ApiResourceInfo): ApiPath {
    return resourcePath({
      apiVersion: ref.apiVersion,
      resource: resource.name,
      namespace: resource.namespaced ? ref.namespace || this.namespace : undefined,
      name: ref.name ? ref.name : undefined,
      kind: ref.kind,
    });
  }

  /** Stops reusing connections and kills credential plugins still running; later requests fail as cancelled. */
  close(): void {
    this.closed = true;
    this.plugin?.dispose();
    this.transport.close();
  }

  /**
   * Runs `work` with a deadline of its own and the caller's signal; turns what went wrong into a
   * ClusterError whose message says which step gave up.
   */
  private async withDeadline<T>(
    describe: string,
    timeoutMs: number,
    callerSignal: AbortSignal | undefined,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (this.closed) throw new ClusterError('cancelled', 'the cluster connection was closed', this.server);
    if (callerSignal?.aborted) throw new ClusterError('cancelled', `${describe}: cancelled`, this.server);
    // The credential step first, with its own deadline and message (the server is not contacted yet).
    await this.credentials(timeoutMs, callerSignal, describe);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onCallerAbort = () => controller.abort();
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      return await work(controller.signal);
    } catch (e) {
      if (e instanceof ClusterError) throw e;
      if (e instanceof TooLargeError) throw new ClusterError('too-large', this.redact(e.message), this.server);
      if (e instanceof TransportCredentialsError) throw new ClusterError('credentials', this.redact(e.message), this.server);
      if (controller.signal.aborted) {
        if (callerSignal?.aborted && !timedOut) throw new ClusterError('cancelled', `${describe}: cancelled`, this.server);
        throw new ClusterError(
          'timeout',
          `no answer from ${this.server} within ${formatSeconds(timeoutMs)} (${describe}) — is the cluster running?`,
          this.server,
        );
      }
      const err = transportError(e, this.server, describe);
      throw new ClusterError(err.kind, this.redact(err.message), this.server);
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  }

  private async credentials(timeoutMs: number, signal: AbortSignal | undefined, describe: string): Promise<void> {
    const plugin = this.plugin;
    if (!plugin || plugin.cached()) return;
    try {
      const run = plugin.get(timeoutMs);
      if (!signal) {
        await run;
      } else {
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => reject(new ClusterError('cancelled', `${describe}: cancelled while the credential plugin ${plugin.label} ran`, this.server));
          signal.addEventListener('abort', onAbort, { once: true });
          run.then(
            () => {
              signal.removeEventListener('abort', onAbort);
              resolve();
            },
            (e: unknown) => {
              signal.removeEventListener('abort', onAbort);
              reject(e instanceof Error ? e : new Error(String(e)));
            },
          );
        });
      }
      this.secrets.merge(plugin.secrets);
    } catch (e) {
      if (e instanceof ClusterError) throw e;
      const message = e instanceof CredentialPluginError ? e.message : `the credential plugin ${plugin.label} failed: ${(e as Error).message}`;
      throw new ClusterError('credentials', this.redact(message), this.server);
    }
  }

  /** Sends one request (credentials are in place); the body is the caller's to read. */
  private send(req: Omit<RequestOptions, 'timeoutMs' | 'maxBytes' | 'signal'>, signal: AbortSignal): Promise<Sent> {
    // Built by requestPath.ts; checked once more here, so no caller can send a dot segment.
    const path = literalPath(req.path);
    const url = new URL(this.server.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { Accept: 'application/json' };
    let body: string | undefined;
    if (req.body !== undefined) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    }
    return this.transport.send({ url, method: req.method, headers, body }, signal);
  }
}

/** An HTTP error status where success was required, with the server's Status message. */
export class HttpError extends Error {
  readonly status: number;
  readonly statusBody?: KubeStatus;
  constructor(res: ClusterResponse, what: string, secrets?: Redactor) {
    const message = `${what}: ${statusMessage(res)}`;
    super(secrets ? secrets.scrub(message) : message);
    this.name = 'HttpError';
    this.status = res.status;
    if (res.body && typeof res.body === 'object') this.statusBody = res.body;
  }
}

/** The server's own message for a failed response, or the status code. */
export function statusMessage(res: ClusterResponse): string {
  const message = stringAt(res.body, 'message');
  if (message) return `${message.slice(0, 2000)} (HTTP ${res.status})`;
  if (typeof res.body === 'string' && res.body.trim()) return `HTTP ${res.status}: ${res.body.trim().slice(0, 300)}`;
  return `HTTP ${res.status}`;
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

/** Turns a transport failure (undici's "fetch failed", node's socket and TLS errors) into what happened, naming the server. */
export function transportError(e: unknown, server: string, what: string): ClusterError {
  const err = e as {
    message?: string;
    code?: string;
    errors?: Array<{ code?: string }>;
    cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> };
  };
  const cause = err?.cause;
  // undici wraps the socket's error in `cause`; node:https hands it over as is (AggregateError when
  // every address of a host failed).
  const code = cause?.code ?? cause?.errors?.[0]?.code ?? err?.code ?? err?.errors?.[0]?.code;
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
    UND_ERR_HEADERS_OVERFLOW: 'the answer had more header bytes than allowed',
    HPE_HEADER_OVERFLOW: 'the answer had more header bytes than allowed',
    EPIPE: 'connection closed',
  };
  if (code && reasons[code]) return new ClusterError('unreachable', `cannot reach ${server} (${reasons[code]}) — is the cluster running?`, server);
  if (code && (TLS_CODES.has(code) || /CERT|SSL|TLS/.test(code))) {
    return new ClusterError(
      'tls',
      `TLS with ${server} failed: ${cause?.message ?? err?.message ?? code} — check certificate-authority (or insecure-skip-tls-verify) of the kubeconfig cluster`,
      server,
    );
  }
  const detail = cause?.message ?? err?.message ?? String(e);
  return new ClusterError('unreachable', `cannot reach ${server} (${detail}) while ${what}`, server);
}

export type { ApiPath };
