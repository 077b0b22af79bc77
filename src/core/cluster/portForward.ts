/**
 * Port-forward to a Service, the way people mean it: pick a ready pod behind the Service, forward a
 * local port to the Service's target port on that pod (client-node's PortForward, one WebSocket
 * per local connection), and move to another ready pod when that one goes away (a pod watch, not
 * polling). stop() closes the listener, every open connection and the watch.
 */
import * as net from 'node:net';
import { Writable } from 'node:stream';
import type { V1Pod, V1Service, V1ServicePort } from '@kubernetes/client-node';
import { loadClientNode } from './clientNodeLoader';
import { describeClusterError, guardedWatch, type LiveConnection } from './liveConnection';

export interface ForwardServiceOptions {
  /** Default `default`. */
  namespace?: string;
  service: string;
  /** Service port (number or name); may be left out when the Service has one port. */
  port?: number | string;
  /** Local port; default: a free one. */
  localPort?: number;
  /** Local address to listen on; default 127.0.0.1 (never all interfaces unless asked). */
  address?: string;
  /** Time allowed for reading the Service and its pods, ms (default 15 s). */
  timeoutMs?: number;
}

export interface ServiceForward {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly localPort: number;
  /** The pod new connections go to; undefined while no ready pod is behind the Service. */
  readonly pod: string | undefined;
  /** The container port on that pod (the Service's targetPort, resolved). */
  readonly targetPort: number | undefined;
  /** Called when the forward moves to another pod (or loses its pod: undefined). */
  onDidChangePod(listener: (pod: string | undefined) => void): { dispose(): void };
  /** Called for a connection that failed (the kubelet's error, or no ready pod). */
  onDidFail(listener: (message: string) => void): { dispose(): void };
  stop(): Promise<void>;
}

/** The minimum of a `ws` WebSocket this module uses. */
interface Socketish {
  readyState: number;
  on(event: 'close' | 'error', cb: (...args: unknown[]) => void): void;
  close(): void;
  terminate?(): void;
}

class Emitter<T> {
  private readonly listeners = new Set<(v: T) => void>();
  on(l: (v: T) => void): { dispose(): void } {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }
  fire(v: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(v);
      } catch {
        // a listener's failure is not the forward's
      }
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function isReady(p: V1Pod): boolean {
  return !p.metadata?.deletionTimestamp && p.status?.phase === 'Running' && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Which Service port the user means: by number or name, or the only one. */
export function pickServicePort(svc: V1Service, wanted: number | string | undefined, label: string): V1ServicePort {
  const ports = svc.spec?.ports ?? [];
  const list = ports.map((p) => `${p.port}${p.name ? ` (${p.name})` : ''}`).join(', ');
  if (wanted === undefined || wanted === '') {
    if (ports.length === 1) return ports[0];
    if (ports.length === 0) throw new Error(`Service ${label} has no ports`);
    throw new Error(`Service ${label} has several ports (${list}): name one, e.g. ${svc.metadata?.name}:${ports[0].port}`);
  }
  const n = typeof wanted === 'number' ? wanted : /^\d+$/.test(wanted) ? Number(wanted) : undefined;
  const found = ports.find((p) => (n !== undefined ? p.port === n : p.name === wanted));
  if (!found) throw new Error(`Service ${label} has no port ${wanted} (it has ${list || 'none'})`);
  return found;
}

/** The container port a Service port's targetPort means on one pod (named ports differ per pod). */
export function resolveTargetPort(sp: V1ServicePort, pod: V1Pod): number | undefined {
  const tp = sp.targetPort ?? sp.port;
  if (typeof tp === 'number') return tp;
  if (/^\d+$/.test(String(tp))) return Number(tp);
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === tp) return p.containerPort;
  }
  return undefined;
}

export async function forwardService(connection: LiveConnection, opts: ForwardServiceOptions): Promise<ServiceForward> {
  const k8s = loadClientNode();
  const kc = connection.kubeConfig;
  const namespace = opts.namespace || 'default';
  const label = `${namespace}/${opts.service}`;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const core = kc.makeApiClient(k8s.CoreV1Api);

  let svc: V1Service;
  try {
    svc = await withTimeout(core.readNamespacedService({ name: opts.service, namespace }), timeoutMs, `reading Service ${label}`);
  } catch (e) {
    if ((e as { code?: number }).code === 404) throw new Error(`Service ${label} not found (context ${connection.context.name})`);
    throw new Error(`cannot read Service ${label}: ${describeClusterError(e, connection.context.server)}`);
  }
  if (svc.spec?.type === 'ExternalName') throw new Error(`Service ${label} is an ExternalName Service: there is no pod to forward to`);
  const selector = svc.spec?.selector ?? {};
  if (Object.keys(selector).length === 0) throw new Error(`Service ${label} has no selector: port-forward needs the pods behind it`);
  const servicePort = pickServicePort(svc, opts.port, label);
  const labelSelector = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

  // Watch the Service's pods; the forward follows the ready ones.
  let stopped = false;
  const podsPath = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
  const listFn = async () => {
    const list = await withTimeout(core.listNamespacedPod({ namespace, labelSelector }), timeoutMs, `listing the pods of Service ${label}`);
    if (stopped) throw new Error('stopped'); // no watch after stop()
    return list;
  };
  const informer = new k8s.ListWatch<V1Pod>(podsPath, guardedWatch(new k8s.Watch(kc), () => stopped) as never, listFn as never, false, labelSelector);
  let current: { pod: string; port: number } | undefined;
  const podChanged = new Emitter<string | undefined>();
  const failed = new Emitter<string>();
  let retryTimer: NodeJS.Timeout | undefined;
  let attempt = 0;
  let failedThisRun = false;
  const shutdownWatch = async () => {
    stopped = true;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = undefined;
    await informer.stop();
  };
  const startWatch = async () => {
    failedThisRun = false;
    await informer.start();
    if (!failedThisRun) attempt = 0;
  };

  const choose = () => {
    if (stopped) return;
    const pods = informer.list(namespace) as V1Pod[];
    const still = current && pods.find((p) => p.metadata?.name === current!.pod);
    if (still && isReady(still)) return;
    const next = pods
      .filter(isReady)
      .map((p) => ({ pod: p.metadata?.name as string, port: resolveTargetPort(servicePort, p) }))
      .filter((c): c is { pod: string; port: number } => c.port !== undefined)
      .sort((a, b) => (a.pod < b.pod ? -1 : 1))[0];
    if (next?.pod === current?.pod) return;
    current = next;
    podChanged.fire(current?.pod);
  };
  informer.on('add', choose);
  informer.on('update', choose);
  informer.on('delete', choose);
  let firstError: unknown;
  informer.on('error', (e: unknown) => {
    failedThisRun = true;
    firstError ??= e;
    if (stopped || retryTimer) return;
    failed.fire(`watching the pods of Service ${label}: ${describeClusterError(e, connection.context.server)}`);
    // Keep following the pods: retry with backoff until it works or stop() is called.
    const delay = Math.min(1000 * 2 ** attempt++, 30_000);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (!stopped) void startWatch().catch(() => undefined);
    }, delay);
  });

  await startWatch();
  if (firstError) {
    await shutdownWatch();
    throw new Error(`cannot list the pods of Service ${label}: ${describeClusterError(firstError, connection.context.server)}`);
  }
  choose();
  if (!current) {
    await shutdownWatch();
    const pods = informer.list(namespace) as V1Pod[];
    const states = pods.map((p) => `${p.metadata?.name} ${p.status?.phase ?? 'Unknown'}${isReady(p) ? ' ready' : ' not ready'}`);
    const why = pods.some(isReady)
      ? `no ready pod has a container port named "${servicePort.targetPort}"`
      : `no ready pod behind it (selector ${labelSelector}${states.length ? `; pods: ${states.join(', ')}` : '; no pods'})`;
    throw new Error(`cannot port-forward to Service ${label}: ${why}`);
  }

  // One WebSocket per local connection, to whichever pod is current when it arrives.
  const pf = new k8s.PortForward(kc, true);
  const open = new Set<{ socket: net.Socket; ws?: Socketish }>();
  const server = net.createServer((socket) => {
    const conn: { socket: net.Socket; ws?: Socketish } = { socket };
    open.add(conn);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      open.delete(conn);
      if (conn.ws && conn.ws.readyState <= 1) conn.ws.close();
    });
    const target = current;
    if (!target || stopped) {
      failed.fire(`no ready pod behind Service ${label}: connection refused`);
      socket.destroy();
      return;
    }
    let errText = '';
    const errors = new Writable({
      write(chunk: Buffer, _enc, cb) {
        errText += chunk.toString('utf8');
        cb();
      },
    });
    errors.on('finish', () => {
      if (errText) failed.fire(`forwarding to pod ${target.pod} port ${target.port}: ${errText.trim()}`);
    });
    pf.portForward(namespace, target.pod, [target.port], socket, errors, socket)
      .then((ws) => {
        const w = ws as unknown as Socketish;
        conn.ws = w;
        if (socket.destroyed) {
          w.close();
          return;
        }
        w.on('close', () => {
          if (errText) failed.fire(`forwarding to pod ${target.pod} port ${target.port}: ${errText.trim()}`);
          socket.end();
        });
        w.on('error', () => socket.destroy());
      })
      .catch((e: unknown) => {
        failed.fire(`cannot open a port-forward to pod ${target.pod}: ${describeClusterError(e, connection.context.server)}`);
        socket.destroy();
      });
  });

  const address = opts.address ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      void shutdownWatch();
      reject(
        new Error(
          e.code === 'EADDRINUSE' ? `local port ${opts.localPort} is already in use` : `cannot listen on ${address}:${opts.localPort ?? 0}: ${e.message}`,
        ),
      );
    });
    server.listen(opts.localPort ?? 0, address, () => resolve());
  });
  const localPort = (server.address() as net.AddressInfo).port;
  const host = address.includes(':') ? `[${address}]` : address;

  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${localPort}`,
    localPort,
    get pod() {
      return current?.pod;
    },
    get targetPort() {
      return current?.port;
    },
    onDidChangePod: (l) => podChanged.on(l),
    onDidFail: (l) => failed.on(l),
    async stop() {
      if (stopped) return;
      await shutdownWatch();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of open) {
        c.socket.destroy();
        if (c.ws) (c.ws.terminate ?? c.ws.close).call(c.ws);
      }
      open.clear();
      await closed;
    },
  };
}
