/**
 * The request path through @kubernetes/client-node, for connections only it can serve (the oidc
 * auth-provider, proxy-url): client-node's RequestContext puts the credentials on the request and
 * makes the undici dispatcher for the context's TLS (or proxy); the body stays plain JSON.
 * KubernetesObjectApi is not used: its typed serializer drops fields it does not know and it
 * builds paths from unchecked names (encodeURIComponent keeps "..").
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClientNode } from './clientNodeLoader';
import type { ByteStream } from './boundedIo';
import type { CredentialPlugin } from './credentialPlugin';
import { contentLength, TransportCredentialsError, type OutgoingRequest, type Sent, type Transport } from './transport';

/** The part of an undici Dispatcher used here (client-node hands us one per TLS configuration). */
interface UndiciDispatcher {
  request(opts: { origin: string; path: string; method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal }): Promise<{
    statusCode: number;
    headers: Record<string, string | string[] | undefined>;
    body: ByteStream & { destroy?(): void };
  }>;
  close?(): Promise<void>;
}

export class ClientNodeTransport implements Transport {
  readonly kind = 'client-node';
  private dispatcher: UndiciDispatcher | undefined;
  private dispatcherGeneration = -1;

  constructor(
    private readonly k8s: ClientNode,
    private readonly kubeConfig: KubeConfig,
    private readonly plugin: CredentialPlugin | undefined,
    /** For the message when client-node cannot put credentials on a request. */
    private readonly who: string,
  ) {}

  async send(req: OutgoingRequest, signal: AbortSignal): Promise<Sent> {
    const url = req.url;
    const ctx = new this.k8s.RequestContext(url.toString(), req.method);
    for (const [k, v] of Object.entries(req.headers)) ctx.setHeaderParam(k, v);
    if (req.body !== undefined) ctx.setBody(req.body);
    try {
      await raceAbort(this.kubeConfig.applySecurityAuthentication(ctx), signal);
    } catch (e) {
      if (signal.aborted) throw e;
      throw new TransportCredentialsError(`cannot get credentials for ${this.who}: ${(e as Error).message}`);
    }
    const headers = ctx.getHeaders();
    const body = ctx.getBody() as string | undefined;
    const dispatcher = this.reuseDispatcher(ctx.getDispatcher());
    if (dispatcher) {
      // The dispatcher's own request(): same connection pool and TLS as fetch, a fraction of its
      // CPU per call (no WHATWG streams), which matters when hundreds run at once.
      const res = await dispatcher.request({ origin: url.origin, path: url.pathname + url.search, method: req.method, headers, body, signal });
      return { status: res.statusCode, contentLength: contentLength(res.headers['content-length']), body: res.body };
    }
    // No TLS options at all (plain https with the system's CAs): the platform's fetch.
    const res = await fetch(url, { method: req.method, headers, body, signal, redirect: 'manual' });
    const stream = res.body as unknown as ByteStream | null;
    return { status: res.status, contentLength: contentLength(res.headers.get('content-length') ?? undefined), body: stream ?? emptyStream() };
  }

  close(): void {
    const d = this.dispatcher;
    this.dispatcher = undefined;
    d?.close?.().catch(() => {});
  }

  /**
   * client-node builds a fresh undici Agent per request; keeping the first one reuses its kept-alive
   * TLS connections (hundreds of requests would otherwise each pay a handshake). A new credential
   * from the plugin (a client certificate) starts a new one.
   */
  private reuseDispatcher(fresh: UndiciDispatcher | undefined): UndiciDispatcher | undefined {
    if (!fresh || typeof fresh.request !== 'function') return undefined;
    const generation = this.plugin?.generation ?? 0;
    if (this.dispatcher && this.dispatcherGeneration === generation) {
      if (fresh !== this.dispatcher) fresh.close?.().catch(() => {});
      return this.dispatcher;
    }
    this.dispatcher?.close?.().catch(() => {});
    this.dispatcher = fresh;
    this.dispatcherGeneration = generation;
    return fresh;
  }
}

async function* emptyStream(): AsyncGenerator<Uint8Array> {
  /* no body */
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
