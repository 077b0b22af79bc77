/**
 * The wire under ClusterClient: one request out, the answer's head back, the body left for the
 * caller to read with a ceiling. Two implementations share everything above them (checked paths,
 * deadlines, the credential step, body ceilings, redaction):
 *
 * - httpsTransport.ts: node:https with the kubeconfig's TLS material and credentials — nothing
 *   to load, a fraction of the CPU per request; serves tokens, client certificates, basic auth
 *   and exec plugins;
 * - clientNodeTransport.ts: @kubernetes/client-node (18 MB to load), for what only it does: the
 *   oidc auth-provider (token refresh) and proxy-url (HTTP and SOCKS proxies).
 */
import type { ByteStream } from './boundedIo';
import type { ConnectionConfig } from './clientConfig';

export interface OutgoingRequest {
  url: URL;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers: Record<string, string>;
  body?: string;
}

export interface Sent {
  status: number;
  contentLength?: number;
  body: ByteStream & { destroy?(): void };
}

export interface Transport {
  /** Which path this is, for messages and tests. */
  readonly kind: TransportKind;
  /** Sends one request (the credential step has run); rejects when nothing usable came back. */
  send(req: OutgoingRequest, signal: AbortSignal): Promise<Sent>;
  /** Stops reusing connections. */
  close(): void;
}

export type TransportKind = 'https' | 'client-node';

/** Credentials could not be put on a request (ClusterClient turns this into a 'credentials' ClusterError). */
export class TransportCredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportCredentialsError';
  }
}

/** Why the node:https path cannot serve this connection, or undefined when it can. */
export function httpsPathProblem(cfg: ConnectionConfig): string | undefined {
  if (cfg.user.authProvider) return 'the oidc auth-provider refreshes its tokens through client-node';
  if (cfg.cluster.proxyUrl) return 'proxy-url is served by client-node';
  return undefined;
}

export function contentLength(v: string | string[] | undefined): number | undefined {
  const n = Number(Array.isArray(v) ? v[0] : v);
  return v !== undefined && Number.isFinite(n) ? n : undefined;
}
