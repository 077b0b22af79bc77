/**
 * A HOSTILE FAKE API SERVER — used only for faults a real kube-apiserver cannot be made to produce:
 * answers that never end, sockets that accept and never answer, discovery that never ends or names
 * resources like "../secrets", objects whose fields have the wrong types, watch events with no end
 * of line, error messages that echo credentials or carry terminal escapes. Everything a real server
 * can do (webhooks that echo Secrets, RBAC, rejections) is tested against the real control plane in
 * test/cluster/ instead.
 *
 * It speaks plain HTTP on 127.0.0.1 (the kubeconfig says insecure-skip-tls-verify, which is what
 * lets client-node use http) and records every request it receives, so a test can assert what was
 * — and what was not — sent.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Received {
  method: string;
  /** The request target exactly as it arrived (path and query, nothing normalised). */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

export interface HostileServer {
  url: string;
  port: number;
  received: Received[];
  /** Bytes written by streaming handlers before the client went away. */
  streamed: { bytes: number };
  close(): Promise<void>;
}

/** Routes by exact path (without query); anything else is a 404 Status. */
export async function startHostileServer(routes: Record<string, Handler>, fallback?: Handler): Promise<HostileServer> {
  const received: Received[] = [];
  const sockets = new Set<net.Socket>();
  const streamed = { bytes: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const pathname = (req.url ?? '').split('?')[0];
      const handler = routes[pathname] ?? fallback;
      if (handler) handler(req, res, body);
      else json(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `no route ${pathname}` });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    streamed,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Writes `chunk` for as long as the client reads (stops when it goes away). */
export function endless(chunk: string, streamed?: { bytes: number }, head = ''): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const buf = Buffer.from(chunk);
    let stopped = false;
    res.on('close', () => (stopped = true));
    if (head) res.write(head);
    const pump = () => {
      while (!stopped) {
        if (streamed) streamed.bytes += buf.length;
        if (!res.write(buf)) {
          res.once('drain', pump);
          return;
        }
      }
    };
    pump();
  };
}

/** Sends the headers and then one byte every `everyMs`, forever. */
export function drip(everyMs: number, head = '{"gitVersion":"'): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(head);
    const t = setInterval(() => res.write('x'), everyMs);
    res.on('close', () => clearInterval(t));
  };
}

/** Never answers: the request is read and the socket left open. */
export const silent: Handler = () => {};

/** The discovery document of the core group, with the resources given. */
export function coreDiscovery(resources: Array<{ name: string; kind: string; namespaced?: boolean }>): Handler {
  return (_req, res) =>
    json(res, 200, {
      kind: 'APIResourceList',
      groupVersion: 'v1',
      resources: resources.map((r) => ({ name: r.name, kind: r.kind, namespaced: r.namespaced ?? true, verbs: ['get', 'list', 'patch', 'delete', 'watch'] })),
    });
}

export const version: Handler = (_req, res) => json(res, 200, { major: '1', minor: '36', gitVersion: 'v1.36.3' });

/** A kubeconfig for the server (plain http, hence insecure-skip-tls-verify); returns its path. */
export function hostileKubeconfig(
  server: string,
  opts: { dir?: string; user?: Record<string, unknown>; context?: string; namespace?: string; clusterExtra?: Record<string, unknown> } = {},
): string {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kt-hostile-'));
  const file = path.join(dir, 'kubeconfig');
  const context = opts.context ?? 'hostile';
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'hostile', cluster: { server, 'insecure-skip-tls-verify': true, ...opts.clusterExtra } }],
    users: [{ name: 'u', user: opts.user ?? { token: 'kt-hostile-token-0123456789' } }],
    contexts: [{ name: context, context: { cluster: 'hostile', user: 'u', ...(opts.namespace ? { namespace: opts.namespace } : {}) } }],
    'current-context': context,
  };
  fs.writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}
