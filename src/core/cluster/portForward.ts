/**
 * Port-forward to a Service, the way people mean it: pick a ready pod behind the Service, forward a
 * local port to the Service's target port on that pod (client-node's PortForward, one WebSocket
 * per local connection), and move to another ready pod when that one goes away (a pod watch, not
 * polling). stop() closes the listener, every open connection and the watch.
 *
 * Three parts: readService (the Service and the port the user means), PodFollower (the ready pod
 * of the moment, from a ListWatch) and the local listener. Every name that reaches a request path
 * — the Service, its namespace, and the pod names the server lists — is checked by requestPath.ts.
 */
import * as net from 'node:net';
import { Writable } from 'node:stream';
import type { KubernetesObject, ListWatch } from '@kubernetes/client-node';
import { loadClientNode } from './clientNodeLoader';
import { describeClusterError, listAll, watchSource, type LiveConnection } from './liveConnection';
import { checkName, checkNamespace, RefusedPathError, resourcePath, type ApiPath } from './requestPath';
import { asNumber, asString, conditionsAt, objectsAt, stringAt, stringMapAt } from './serverObject';

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

/** A Service port as the forward needs it. */
export interface ServicePort {
  port: number;
  name?: string;
  /** A number, or the name of a container port. */
  targetPort?: number | string;
}

/** The parts of a Service the forward reads (from the server, each field checked). */
export interface ServiceInfo {
  name: string;
  type?: string;
  selector: Record<string, string>;
  ports: ServicePort[];
}

/** The parts of a pod the forward reads. */
interface PodInfo {
  name: string;
  ready: boolean;
  phase: string;
  /** Container port names → numbers. */
  namedPorts: Map<string, number>;
}

/** The minimum of a `ws` WebSocket this module uses. */
interface Socketish {
  readyState: number;
  on(event: 'close' | 'error', cb: (...args: unknown[]) => void): void;
  close(): void;
  terminate?(): void;
}

/** Stderr of the kubelet for one connection: kept up to this many characters. */
const MAX_ERROR_TEXT = 4096;

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

/** Which Service port the user means: by number or name, or the only one. */
export function pickServicePort(svc: ServiceInfo, wanted: number | string | undefined, label: string): ServicePort {
  const ports = svc.ports;
  const list = ports.map((p) => `${p.port}${p.name ? ` (${p.name})` : ''}`).join(', ');
  if (wanted === undefined || wanted === '') {
    if (ports.length === 1) return ports[0];
    if (ports.length === 0) throw new Error(`Service ${label} has no ports`);
    throw new Error(`Service ${label} has several ports (${list}): name one, e.g. ${svc.name}:${ports[0].port}`);
  }
  const n = typeof wanted === 'number' ? wanted : /^\d+$/.test(wanted) ? Number(wanted) : undefined;
  const found = ports.find((p) => (n !== undefined ? p.port === n : p.name === wanted));
  if (!found) throw new Error(`Service ${label} has no port ${wanted} (it has ${list || 'none'})`);
  return found;
}

/** The container port a Service port's targetPort means on one pod (named ports differ per pod). */
export function resolveTargetPort(sp: ServicePort, pod: Pick<PodInfo, 'namedPorts'>): number | undefined {
  const tp = sp.targetPort ?? sp.port;
  if (typeof tp === 'number') return tp;
  if (/^\d+$/.test(tp)) return Number(tp);
  return pod.namedPorts.get(tp);
}

function validPort(v: unknown): number | undefined {
  const n = asNumber(v);
  return n !== undefined && Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

/** A Service object from the server, read field by field. */
export function serviceInfo(o: unknown): ServiceInfo {
  const ports: ServicePort[] = [];
  for (const p of objectsAt(o, 'spec', 'ports')) {
    const port = validPort(p.port);
    if (port === undefined) continue;
    const target = validPort(p.targetPort) ?? asString(p.targetPort);
    ports.push({ port, ...(asString(p.name) ? { name: asString(p.name) } : {}), ...(target !== undefined ? { targetPort: target } : {}) });
  }
  return { name: stringAt(o, 'metadata', 'name') ?? '', type: stringAt(o, 'spec', 'type'), selector: stringMapAt(o, 'spec', 'selector'), ports };
}

function podInfo(o: unknown): PodInfo {
  const namedPorts = new Map<string, number>();
  for (const c of objectsAt(o, 'spec', 'containers')) {
    for (const p of objectsAt(c, 'ports')) {
      const name = asString(p.name);
      const port = validPort(p.containerPort);
      if (name && port !== undefined && !namedPorts.has(name)) namedPorts.set(name, port);
    }
  }
  const phase = stringAt(o, 'status', 'phase') ?? 'Unknown';
  const ready =
    !stringAt(o, 'metadata', 'deletionTimestamp') &&
    phase === 'Running' &&
    conditionsAt(o, 'status', 'conditions').some((c) => c.type === 'Ready' && c.status === 'True');
  return { name: stringAt(o, 'metadata', 'name') ?? '', ready, phase, namedPorts };
}

/** Reads the Service; the errors say what is wrong with it for a port-forward. */
async function readService(connection: LiveConnection, namespace: string, name: string, timeoutMs: number): Promise<ServiceInfo> {
  const label = `${namespace}/${name}`;
  let path: ApiPath;
  try {
    path = resourcePath({ apiVersion: 'v1', resource: 'services', namespace, name, kind: 'Service' });
  } catch (e) {
    throw new Error(`cannot port-forward to Service ${JSON.stringify(label)}: ${(e as Error).message}`);
  }
  const res = await connection.request({ method: 'GET', path, timeoutMs }).catch((e: unknown) => {
    throw new Error(`cannot read Service ${label}: ${describeClusterError(e, connection)}`);
  });
  if (res.status === 404) throw new Error(`Service ${label} not found (context ${connection.context.name})`);
  if (res.status !== 200) throw new Error(`cannot read Service ${label}: ${connection.redact(stringAt(res.body, 'message') ?? '')} (HTTP ${res.status})`);
  const svc = serviceInfo(res.body);
  if (svc.type === 'ExternalName') throw new Error(`Service ${label} is an ExternalName Service: there is no pod to forward to`);
  if (Object.keys(svc.selector).length === 0) throw new Error(`Service ${label} has no selector: port-forward needs the pods behind it`);
  return svc;
}

/** The ready pod new connections go to, kept current from a watch of the Service's pods. */
class PodFollower {
  current: { pod: string; port: number } | undefined;
  readonly changed = new Emitter<string | undefined>();
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private failedThisRun = false;
  private firstError: unknown;
  private readonly informer: ListWatch<KubernetesObject>;

  constructor(
    private readonly connection: LiveConnection,
    private readonly namespace: string,
    readonly labelSelector: string,
    private readonly servicePort: ServicePort,
    private readonly label: string,
    private readonly onFailure: (message: string) => void,
    timeoutMs: number,
  ) {
    const k8s = loadClientNode();
    const path = resourcePath({ apiVersion: 'v1', resource: 'pods', namespace });
    const listFn = async () => {
      const list = await listAll(connection, path, { labelSelector }, { timeoutMs });
      if (this.stopped) throw new Error('stopped'); // no watch after stop()
      return list;
    };
    this.informer = new k8s.ListWatch<KubernetesObject>(path, watchSource(connection, () => this.stopped) as never, listFn, false, labelSelector);
    this.informer.on('add', () => this.choose());
    this.informer.on('update', () => this.choose());
    this.informer.on('delete', () => this.choose());
    this.informer.on('error', (e: unknown) => this.failed(e));
  }

  /** Lists and starts watching; throws when the first list fails. */
  async start(): Promise<void> {
    await this.run();
    if (this.firstError) {
      await this.stop();
      throw new Error(`cannot list the pods of Service ${this.label}: ${describeClusterError(this.firstError, this.connection)}`);
    }
    this.choose();
  }

  pods(): PodInfo[] {
    return this.informer.list(this.namespace).map(podInfo);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.informer.stop();
  }

  private async run(): Promise<void> {
    this.failedThisRun = false;
    await this.informer.start();
    if (!this.failedThisRun) this.attempt = 0;
  }

  private choose(): void {
    if (this.stopped) return;
    const pods = this.pods();
    const current = this.current;
    const still = current && pods.find((p) => p.name === current.pod);
    if (still?.ready) return;
    const next = pods
      // A pod name from the server reaches a request path: it must be a pod name.
      .filter((p) => p.ready && isPodName(p.name))
      .map((p) => ({ pod: p.name, port: resolveTargetPort(this.servicePort, p) }))
      .filter((c): c is { pod: string; port: number } => c.port !== undefined)
      .sort((a, b) => (a.pod < b.pod ? -1 : 1))[0];
    if (next?.pod === current?.pod) return;
    this.current = next;
    this.changed.fire(next?.pod);
  }

  private failed(e: unknown): void {
    this.failedThisRun = true;
    this.firstError ??= e;
    if (this.stopped || this.retryTimer) return;
    this.onFailure(`watching the pods of Service ${this.label}: ${describeClusterError(e, this.connection)}`);
    // Keep following the pods: retry with backoff until it works or stop() is called.
    const delay = Math.min(1000 * 2 ** this.attempt++, 30_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped) void this.run().catch(() => undefined);
    }, delay);
  }
}

function isPodName(name: string): boolean {
  try {
    checkName('Pod', name);
    return true;
  } catch {
    return false;
  }
}

/** Why there is no pod to forward to, for the error. */
function noPodReason(follower: PodFollower, servicePort: ServicePort): string {
  const pods = follower.pods();
  const states = pods.map((p) => `${p.name} ${p.phase}${p.ready ? ' ready' : ' not ready'}`);
  if (pods.some((p) => p.ready && !isPodName(p.name))) return 'the server lists ready pods whose names are not pod names; not used';
  return pods.some((p) => p.ready)
    ? `no ready pod has a container port named "${String(servicePort.targetPort)}"`
    : `no ready pod behind it (selector ${follower.labelSelector}${states.length ? `; pods: ${states.join(', ')}` : '; no pods'})`;
}

/** One local connection: a WebSocket to whichever pod is current when it arrives. */
function forwardConnection(
  connection: LiveConnection,
  namespace: string,
  target: { pod: string; port: number },
  socket: net.Socket,
  conn: { ws?: Socketish },
  failed: Emitter<string>,
): void {
  const k8s = loadClientNode();
  let errText = '';
  const errors = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (errText.length < MAX_ERROR_TEXT) errText += chunk.toString('utf8').slice(0, MAX_ERROR_TEXT - errText.length);
      cb();
    },
  });
  const report = () => {
    if (errText) failed.fire(connection.redact(`forwarding to pod ${target.pod} port ${target.port}: ${errText.trim()}`));
  };
  errors.on('finish', report);
  // PortForward puts namespace and pod into its path as they are: both were checked above.
  new k8s.PortForward(connection.kubeConfig, true)
    .portForward(namespace, target.pod, [target.port], socket, errors, socket)
    .then((ws) => {
      const w = ws as unknown as Socketish;
      conn.ws = w;
      if (socket.destroyed) {
        w.close();
        return;
      }
      w.on('close', () => {
        report();
        socket.end();
      });
      w.on('error', () => socket.destroy());
    })
    .catch((e: unknown) => {
      failed.fire(`cannot open a port-forward to pod ${target.pod}: ${describeClusterError(e, connection)}`);
      socket.destroy();
    });
}

export async function forwardService(connection: LiveConnection, opts: ForwardServiceOptions): Promise<ServiceForward> {
  const namespace = opts.namespace || 'default';
  const label = `${namespace}/${opts.service}`;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  try {
    checkNamespace(namespace);
  } catch (e) {
    if (e instanceof RefusedPathError) throw new Error(`cannot port-forward to Service ${JSON.stringify(label)}: ${e.message}`);
    throw e;
  }
  const svc = await readService(connection, namespace, opts.service, timeoutMs);
  const servicePort = pickServicePort(svc, opts.port, label);
  const labelSelector = Object.entries(svc.selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

  const failed = new Emitter<string>();
  const follower = new PodFollower(connection, namespace, labelSelector, servicePort, label, (m) => failed.fire(m), timeoutMs);
  await follower.start();
  if (!follower.current) {
    await follower.stop();
    throw new Error(`cannot port-forward to Service ${label}: ${noPodReason(follower, servicePort)}`);
  }

  const open = new Set<{ socket: net.Socket; ws?: Socketish }>();
  let stopped = false;
  const server = net.createServer((socket) => {
    const conn: { socket: net.Socket; ws?: Socketish } = { socket };
    open.add(conn);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      open.delete(conn);
      if (conn.ws && conn.ws.readyState <= 1) conn.ws.close();
    });
    const target = follower.current;
    if (!target || stopped) {
      failed.fire(`no ready pod behind Service ${label}: connection refused`);
      socket.destroy();
      return;
    }
    forwardConnection(connection, namespace, target, socket, conn, failed);
  });

  const address = opts.address ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      void follower.stop();
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
      return follower.current?.pod;
    },
    get targetPort() {
      return follower.current?.port;
    },
    onDidChangePod: (l) => follower.changed.on(l),
    onDidFail: (l) => failed.on(l),
    async stop() {
      if (stopped) return;
      stopped = true;
      await follower.stop();
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
