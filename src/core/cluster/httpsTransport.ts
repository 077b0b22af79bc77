/**
 * The request path on node:https (node:http for a plain http:// server): one keep-alive agent
 * per TLS set-up, built from the kubeconfig's own material (certificate-authority, client
 * certificate and key, insecure-skip-tls-verify, tls-server-name), and the credential as a header (a bearer token, basic auth, or what the exec
 * plugin returned). Nothing is loaded for it, and a request costs a fraction of the CPU of the
 * client-node path — which matters for the CLI, whose apply is hundreds of small requests.
 *
 * Like the client-node path it never follows a redirect, never sends the URL's user:password@
 * (the server URL has none: kubeconfig.ts strips them) and reads nothing itself: the answer's
 * body goes back to ClusterClient, which reads it with a ceiling.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { ConnectionConfig } from './clientConfig';
import { contentLength, TransportCredentialsError, type OutgoingRequest, type Sent, type Transport } from './transport';

/**
 * A connection that has been idle this long is closed: well inside the API server's own idle
 * timeout (90 s) and common load balancers', so a request never goes out on a socket the other
 * side is closing. The same as undici's default, which the client-node path used.
 */
const IDLE_SOCKET_MS = 4_000;
/** TCP keep-alive probes on open connections (client-go uses 30 s). */
const TCP_KEEPALIVE_MS = 30_000;

export class HttpsTransport implements Transport {
  readonly kind = 'https';
  private agent: http.Agent | undefined;
  private agentGeneration = -1;
  /** Agents replaced by a new client certificate: their requests finish, then close() ends them. */
  private readonly retired: http.Agent[] = [];
  private readonly secure: boolean;

  constructor(private readonly cfg: ConnectionConfig) {
    // Plain http:// is used as kubectl uses it (`kubectl proxy` serves one); TLS settings do not apply.
    this.secure = /^https:/i.test(cfg.cluster.server);
  }

  send(req: OutgoingRequest, signal: AbortSignal): Promise<Sent> {
    const headers = { ...req.headers, ...this.credentialHeaders() };
    if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
    const url = req.url;
    const options: https.RequestOptions = {
      agent: this.currentAgent(),
      // Host and port only: never the URL object, whose user:password@ node would send as basic auth.
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port || (this.secure ? 443 : 80),
      method: req.method,
      path: url.pathname + url.search,
      headers,
      signal,
    };
    return new Promise<Sent>((resolve, reject) => {
      const request = (this.secure ? https : http).request(options, (res) =>
        resolve({ status: res.statusCode ?? 0, contentLength: contentLength(res.headers['content-length']), body: res }),
      );
      request.on('error', reject);
      request.end(req.body);
    });
  }

  close(): void {
    this.agent?.destroy();
    for (const a of this.retired.splice(0)) a.destroy();
    this.agent = undefined;
  }

  /** The same precedence as client-node: basic auth, then the plugin's token, then the kubeconfig's token. */
  private credentialHeaders(): Record<string, string> {
    const { user, plugin } = this.cfg;
    const headers: Record<string, string> = {};
    if (user.username) headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;
    if (plugin) {
      const credential = plugin.cached();
      if (!credential) throw new TransportCredentialsError(`the credential of the plugin ${plugin.label} expired before the request was sent`);
      if (credential.token) headers.Authorization = `Bearer ${credential.token}`;
    }
    if (user.token) headers.Authorization = `Bearer ${user.token}`;
    if (user.impersonateUser) headers['Impersonate-User'] = user.impersonateUser;
    return headers;
  }

  /** The agent for the current TLS set-up: a new client certificate from the plugin starts a new one. */
  private currentAgent(): http.Agent {
    const generation = this.cfg.plugin?.generation ?? 0;
    if (this.agent && this.agentGeneration === generation) return this.agent;
    if (this.agent) this.retired.push(this.agent);
    this.agent = this.makeAgent();
    this.agentGeneration = generation;
    return this.agent;
  }

  private makeAgent(): http.Agent {
    const common = { keepAlive: true, keepAliveMsecs: TCP_KEEPALIVE_MS, timeout: IDLE_SOCKET_MS };
    if (!this.secure) return new http.Agent(common);
    const { cluster, user, plugin } = this.cfg;
    const fromPlugin = plugin?.cached();
    const tls: https.AgentOptions = {
      ...common,
      ...(cluster.caData ? { ca: Buffer.from(cluster.caData, 'base64') } : {}),
      // Unset keeps node's default (verify, unless NODE_TLS_REJECT_UNAUTHORIZED=0), as client-node did.
      ...(cluster.skipTLSVerify ? { rejectUnauthorized: false } : {}),
      ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
    };
    // Each piece from the plugin when it gave one, else from the kubeconfig (client-node's order).
    const cert = fromPlugin?.clientCertificateData ?? (user.certData ? Buffer.from(user.certData, 'base64') : undefined);
    const key = fromPlugin?.clientKeyData ?? (user.keyData ? Buffer.from(user.keyData, 'base64') : undefined);
    if (cert) tls.cert = cert;
    if (key) tls.key = key;
    return new https.Agent(tls);
  }
}
