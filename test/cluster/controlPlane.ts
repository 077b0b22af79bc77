/**
 * A real, local Kubernetes control plane for the cluster tests: etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler, kwok (fake node + fake kubelet: pods go Running,
 * port-forward and resource metrics work) and metrics-server (a real HPA loop), all built from
 * the Go module proxy by build.sh and bound to 127.0.0.1 on free ports picked at run time, so a
 * user's own cluster is never touched and two runs never clash.
 *
 *   const cp = await startControlPlane();
 *   // cp.kubeconfigPath holds two contexts: cp.adminContext (system:masters) and
 *   // cp.restrictedContext (a user with no groups and no RBAC: every write is `forbidden`).
 *   await cp.stop();
 *
 * With KUBE_TOPOLOGY_TEST_CONTEXT=<context> set, nothing is started: the returned ControlPlane
 * points at that context of the user's kubeconfig (e.g. a kind cluster) and stop() does nothing.
 *
 * Also a CLI (used by cluster.sh): `node controlPlane.js serve --state-dir DIR [--bin-dir DIR]`
 * starts the control plane, writes DIR/env (`export KUBECONFIG=...`) and runs until SIGTERM/SIGINT.
 *
 * Only Node's standard library is used here (no @kubernetes/client-node), so the harness works
 * whatever happens to the client library.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface PortForwardRule {
  /** Container ports whose port-forward is redirected, e.g. [9696]. */
  ports: number[];
  /** Where kwok's fake kubelet sends the traffic instead (a server the test starts). */
  target: { address: string; port: number };
}

export interface ControlPlaneOptions {
  /** Directory with the binaries; default: build.sh's cache for the versions in versions.env. */
  binDir?: string;
  /** Run build.sh when a binary is missing (default true; output goes to stderr). */
  build?: boolean;
  /** Start metrics-server and register v1beta1.metrics.k8s.io (default true). */
  metricsServer?: boolean;
  /** Also wait until the metrics API answers (APIService Available); default false. */
  waitForMetricsApi?: boolean;
  /** kwok ClusterPortForward rules: `kubectl port-forward` then carries real traffic. */
  portForwards?: PortForwardRule[];
  /** Extra kwok configuration documents (YAML), e.g. Stage or ClusterLogs objects. */
  kwokConfig?: string[];
  /** Name of the fake node (default kwok-node-0). */
  nodeName?: string;
  /** Readiness timeout for the whole start, ms (default 120 s). */
  timeoutMs?: number;
  /** Progress lines (default: none, unless KUBE_TOPOLOGY_CLUSTER_VERBOSE=1, then stderr). */
  log?: (line: string) => void;
  /** Keep the temp dir (certs, etcd data, logs) after stop(); also KUBE_TOPOLOGY_KEEP_CLUSTER_DIR=1. */
  keepDir?: boolean;
  /** Use KUBE_TOPOLOGY_TEST_CONTEXT when set (default true). */
  allowExisting?: boolean;
}

export interface ControlPlane {
  /** A kubeconfig file with adminContext and restrictedContext (current-context: admin). */
  kubeconfigPath: string;
  adminContext: string;
  /** A user with no groups and no RBAC bindings; undefined on a reused cluster unless
   * KUBE_TOPOLOGY_TEST_RESTRICTED_CONTEXT names one. */
  restrictedContext: string | undefined;
  /** https://127.0.0.1:PORT (or the reused cluster's server). */
  server: string;
  /** The temp dir (certs, kubeconfig, logs/); '' on a reused cluster. */
  dir: string;
  /** Component logs: DIR/logs/<component>.log. */
  logDir: string;
  /** True when this points at a user's cluster (KUBE_TOPOLOGY_TEST_CONTEXT). */
  external: boolean;
  /** The kwok node's name (undefined on a reused cluster). */
  nodeName: string | undefined;
  /** kubectl of the same version (the built one), or plain 'kubectl' on a reused cluster. */
  kubectl: string;
  /** process.env plus KUBECONFIG, for spawning kubectl and friends. */
  env: NodeJS.ProcessEnv;
  /** Ports in use by component (apiserver, etcd, kubelet = kwok, metrics-server, ...). */
  ports: Record<string, number>;
  /** PIDs of the components still running. */
  pids(): number[];
  /** SIGTERM in reverse order, wait for each (SIGKILL after 10 s), remove the temp dir. */
  stop(): Promise<void>;
}

export const ADMIN_CONTEXT = 'kt-admin';
export const RESTRICTED_CONTEXT = 'kt-restricted';
const CLUSTER_NAME = 'kube-topology-test';
const DIR_PREFIX = 'kube-topology-cluster-';
const STOP_GRACE_MS = 10_000;

// ---------------------------------------------------------------------------------------------
// Versions and binaries

/** test/cluster/ of this repository: found from this file (src or out/) or the cwd. */
export function clusterSourceDir(): string {
  const fromEnv = process.env.KUBE_TOPOLOGY_CLUSTER_SRC;
  if (fromEnv) return fromEnv;
  for (const start of [__dirname, process.cwd()]) {
    for (let d = start; ; d = path.dirname(d)) {
      const candidate = path.join(d, 'test', 'cluster');
      if (fs.existsSync(path.join(candidate, 'versions.env'))) return candidate;
      if (path.dirname(d) === d) break;
    }
  }
  throw new Error('controlPlane: cannot find test/cluster/versions.env (set KUBE_TOPOLOGY_CLUSTER_SRC)');
}

export interface Versions {
  KUBE_VERSION: string;
  ETCD_VERSION: string;
  KWOK_VERSION: string;
  METRICS_SERVER_VERSION: string;
}

export function readVersions(srcDir = clusterSourceDir()): Versions {
  const out: Record<string, string> = {};
  for (const line of fs.readFileSync(path.join(srcDir, 'versions.env'), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(\S+)\s*$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out as unknown as Versions;
}

/** build.sh's bin directory for the pinned versions (same rule as build.sh). */
export function defaultBinDir(versions = readVersions()): string {
  const root = process.env.KUBE_TOPOLOGY_CLUSTER_CACHE || path.join(os.homedir(), '.cache', 'kube-topology', 'cluster');
  return path.join(root, versions.KUBE_VERSION, 'bin');
}

export const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'kwok', 'metrics-server'];

async function ensureBinaries(binDir: string, build: boolean, withMetrics: boolean, log: (s: string) => void): Promise<void> {
  const needed = withMetrics ? BINARIES : BINARIES.filter((b) => b !== 'metrics-server');
  const missing = () => needed.filter((b) => !isExecutable(path.join(binDir, b)));
  if (missing().length === 0 && (!withMetrics || fs.existsSync(path.join(binDir, '..', 'kwok', 'metrics-resource.yaml')))) return;
  if (!build) throw new Error(`controlPlane: missing in ${binDir}: ${missing().join(', ') || 'kwok metrics configs'}; run test/cluster/build.sh`);
  const script = path.join(clusterSourceDir(), 'build.sh');
  log(`binaries missing (${missing().join(', ')}): running ${script}`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('bash', [script], { stdio: ['ignore', process.stderr, process.stderr] });
    child.on('error', reject);
    child.on('exit', (c) => resolve(c));
  });
  if (code !== 0 || missing().length) throw new Error(`controlPlane: ${script} failed (exit ${code})`);
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** Free TCP ports on 127.0.0.1, all distinct (listeners held until every one is picked). */
export async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const s = net.createServer();
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(0, '127.0.0.1', () => resolve());
      });
      servers.push(s);
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const done = (v: boolean) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // A killed owner whose parent has not reaped it yet is a zombie: dead for our purpose.
    return !/^\d+ \(.*\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

function tail(file: string, lines = 25): string {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    return text
      .slice(-lines)
      .map((l) => '    ' + l)
      .join('\n');
  } catch {
    return '    (no log)';
  }
}

interface HttpResult {
  status: number;
  body: string;
}

function request(url: string, opts: { method?: string; token?: string; ca?: Buffer; body?: unknown; timeoutMs?: number } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.request(u, { method: opts.method ?? 'GET', headers, ca: opts.ca, timeout: opts.timeoutMs ?? 5000, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------
// Certificates (openssl) and credentials

const OPENSSL_CNF = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = kube-topology
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = $ENV::KT_SAN
[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
`;

/** Keys and certificates with openssl (EC P-256: fast to generate, accepted everywhere here). */
class Pki {
  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(this.p('openssl.cnf'), OPENSSL_CNF);
  }

  p(name: string): string {
    return path.join(this.dir, name);
  }

  private openssl(args: string[], san = 'DNS:localhost'): Promise<void> {
    return new Promise((resolve, reject) => {
      execFile('openssl', args, { env: { ...process.env, KT_SAN: san } }, (err, _stdout, stderr) => {
        if (err) reject(new Error(`openssl ${args.join(' ')} failed: ${stderr || err.message}`));
        else resolve();
      });
    });
  }

  private readonly newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

  /** The service-account token signing key (ES256), SEC1 "EC PRIVATE KEY": the apiserver reads
   * its public half from that form (not from PKCS#8). */
  async signingKey(name: string): Promise<void> {
    await this.openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', this.p(`${name}.key`)]);
  }

  async ca(name: string, cn: string): Promise<void> {
    await this.openssl([
      'req',
      '-x509',
      '-new',
      ...this.newKey,
      '-keyout',
      this.p(`${name}.key`),
      '-config',
      this.p('openssl.cnf'),
      '-extensions',
      'ca',
      '-subj',
      `/CN=${cn}`,
      '-days',
      '3650',
      '-out',
      this.p(`${name}.crt`),
    ]);
  }

  /** A leaf cert signed by CA `ca`: kind 'server' (with SANs) or 'client'. */
  async leaf(name: string, ca: string, cn: string, kind: 'server' | 'client', san = 'DNS:localhost'): Promise<void> {
    await this.openssl(
      ['req', '-new', ...this.newKey, '-keyout', this.p(`${name}.key`), '-config', this.p('openssl.cnf'), '-subj', `/CN=${cn}`, '-out', this.p(`${name}.csr`)],
      san,
    );
    await this.openssl(
      [
        'x509',
        '-req',
        '-in',
        this.p(`${name}.csr`),
        '-CA',
        this.p(`${ca}.crt`),
        '-CAkey',
        this.p(`${ca}.key`),
        '-set_serial',
        '0x' + crypto.randomBytes(8).toString('hex'),
        '-days',
        '3650',
        '-extfile',
        this.p('openssl.cnf'),
        '-extensions',
        kind,
        '-out',
        this.p(`${name}.crt`),
      ],
      san,
    );
  }
}

function kubeconfigYaml(server: string, caData: string, users: Array<{ name: string; token: string }>, current: string): string {
  const lines = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${CLUSTER_NAME}`,
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${caData}`,
    'users:',
    ...users.flatMap((u) => [`- name: ${u.name}`, '  user:', `    token: ${u.token}`]),
    'contexts:',
    ...users.flatMap((u) => [`- name: ${u.name}`, '  context:', `    cluster: ${CLUSTER_NAME}`, `    user: ${u.name}`, '    namespace: default']),
    `current-context: ${current}`,
    'preferences: {}',
    '',
  ];
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Processes, cleanup on exit and of stale runs

interface Proc {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<void>;
  exit?: string; // "exit code 1" / "signal SIGKILL" / spawn error, once it ended
}

interface Running {
  dir: string;
  procs: Proc[];
  stop(): Promise<void>;
}

const live = new Set<Running>();
let handlersInstalled = false;

function onExitSync(): void {
  for (const r of live) {
    for (const p of r.procs)
      if (!p.exit && p.child.pid)
        try {
          process.kill(p.child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
    try {
      fs.rmSync(r.dir, { recursive: true, force: true });
    } catch {
      /* next start reaps it */
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.removeListener('SIGHUP', onSignal);
  void Promise.allSettled([...live].map((r) => r.stop())).finally(() => {
    // Re-raise unless someone else handles the signal: the process ends as it would have.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

function installHandlers(): void {
  if (!handlersInstalled) {
    process.on('exit', onExitSync);
    handlersInstalled = true;
  }
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) if (!process.listeners(s).includes(onSignal)) process.on(s, onSignal);
}

function uninstallSignalHandlers(): void {
  if (live.size > 0) return;
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.removeListener('SIGHUP', onSignal);
}

/** Kill the components of earlier runs whose owner died without stopping them (SIGKILL of a
 * test runner), and remove their temp dirs. A process is killed only if its command line
 * names that run's own dir. */
export function reapStaleRuns(log: (s: string) => void = () => {}): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(os.tmpdir()).filter((e) => e.startsWith(DIR_PREFIX));
  } catch {
    return;
  }
  for (const e of entries) {
    const dir = path.join(os.tmpdir(), e);
    let owner: { ownerPid: number; pids: number[] };
    try {
      owner = JSON.parse(fs.readFileSync(path.join(dir, 'owner.json'), 'utf8'));
    } catch {
      continue; // being created right now, or not ours
    }
    if (pidAlive(owner.ownerPid)) continue;
    for (const pid of owner.pids) {
      try {
        if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) {
          process.kill(pid, 'SIGKILL');
          log(`reaped stale ${pid} of ${dir}`);
        }
      } catch {
        /* gone */
      }
    }
    // The logs of a failed start stay for a day (its error message names them); other dirs go.
    let keep = false;
    try {
      keep = Date.now() - fs.statSync(path.join(dir, 'failed')).mtimeMs < 86_400_000;
    } catch {
      /* not failed */
    }
    if (!keep)
      try {
        fs.rmSync(dir, { recursive: true, force: true });
      } catch {
        /* next time */
      }
  }
}

// ---------------------------------------------------------------------------------------------
// Reusing a user's cluster

function existingControlPlane(context: string): ControlPlane {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require('yaml') as typeof import('yaml');
  const files = (process.env.KUBECONFIG || path.join(os.homedir(), '.kube', 'config')).split(path.delimiter).filter(Boolean);
  for (const file of files) {
    type Named<T> = Array<{ name?: string } & T>;
    let doc: { contexts?: Named<{ context?: { cluster?: string } }>; clusters?: Named<{ cluster?: { server?: string } }> } | undefined;
    try {
      doc = YAML.parse(fs.readFileSync(file, 'utf8')) as typeof doc;
    } catch {
      continue;
    }
    const ctx = (doc?.contexts ?? []).find((c) => c?.name === context);
    if (!ctx) continue;
    const cluster = (doc?.clusters ?? []).find((c) => c?.name === ctx.context?.cluster);
    const restricted = process.env.KUBE_TOPOLOGY_TEST_RESTRICTED_CONTEXT || undefined;
    return {
      kubeconfigPath: file,
      adminContext: context,
      restrictedContext: restricted,
      server: cluster?.cluster?.server ?? '',
      dir: '',
      logDir: '',
      external: true,
      nodeName: undefined,
      kubectl: 'kubectl',
      env: { ...process.env, KUBECONFIG: file },
      ports: {},
      pids: () => [],
      stop: async () => {},
    };
  }
  throw new Error(`controlPlane: KUBE_TOPOLOGY_TEST_CONTEXT=${context} is not a context of ${files.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// Starting

/**
 * The processes of one run: started with their logs in DIR/logs, stopped in reverse order, and
 * watched while waiting (a component that dies ends the wait with its log's tail).
 */
class Supervisor {
  readonly procs: Proc[] = [];
  readonly logDir: string;
  failed = false;
  private stopping: Promise<void> | undefined;
  private readonly running: Running;

  constructor(
    readonly dir: string,
    private readonly binDir: string,
    private readonly deadline: number,
    private readonly timeoutMs: number,
    private readonly keepDir: boolean,
    readonly log: (s: string) => void,
  ) {
    this.logDir = path.join(dir, 'logs');
    fs.mkdirSync(this.logDir);
    this.writeOwner();
    this.running = { dir, procs: this.procs, stop: () => this.stop() };
    live.add(this.running);
    installHandlers();
  }

  bin(name: string): string {
    return path.join(this.binDir, name);
  }

  /** The pids file the next run's reaper reads when this process dies without stopping. */
  private writeOwner(): void {
    fs.writeFileSync(path.join(this.dir, 'owner.json'), JSON.stringify({ ownerPid: process.pid, pids: this.procs.map((p) => p.child.pid).filter(Boolean) }));
  }

  start(name: string, args: string[]): Proc {
    const logFile = path.join(this.logDir, `${name}.log`);
    const fd = fs.openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(this.bin(name), args, { stdio: ['ignore', fd, fd], cwd: this.dir, env: { ...process.env, KUBECONFIG: '' } });
    } finally {
      fs.closeSync(fd);
    }
    const p: Proc = { name, child, logFile, exited: Promise.resolve() };
    p.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        p.exit = signal ? `signal ${signal}` : `exit code ${code}`;
        resolve();
      });
      child.once('error', (err) => {
        p.exit = `spawn error: ${err.message}`;
        resolve();
      });
    });
    this.procs.push(p);
    this.writeOwner();
    this.log(`started ${name} (pid ${child.pid})`);
    return p;
  }

  /** Polls check() until true; fails at the deadline or when a component has died. */
  async waitFor(what: string, check: () => Promise<boolean>, intervalMs = 100): Promise<void> {
    const ts = Date.now();
    for (;;) {
      const dead = this.procs.find((p) => p.exit);
      if (dead) throw new Error(`${dead.name} exited (${dead.exit}) while waiting for ${what}; ${dead.logFile} ends with:\n${tail(dead.logFile)}`);
      let ok = false;
      try {
        ok = await check();
      } catch {
        ok = false;
      }
      if (ok) {
        this.log(`${what} (${((Date.now() - ts) / 1000).toFixed(1)} s)`);
        return;
      }
      if (Date.now() > this.deadline) throw new Error(`timed out after ${this.timeoutMs / 1000} s waiting for ${what}`);
      await sleep(intervalMs);
    }
  }

  stop(): Promise<void> {
    return (this.stopping ??= this.stopAll());
  }

  private async terminate(p: Proc): Promise<void> {
    if (p.exit || !p.child.pid) return;
    p.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), STOP_GRACE_MS)));
    const outcome = await Promise.race([p.exited.then(() => 'exited' as const), timeout]);
    clearTimeout(timer); // a pending timer would keep the test process alive for 10 s
    if (outcome === 'timeout' && !p.exit) {
      this.log(`${p.name} did not stop within ${STOP_GRACE_MS / 1000} s: SIGKILL`);
      p.child.kill('SIGKILL');
      await p.exited;
    }
  }

  private async stopAll(): Promise<void> {
    const ts = Date.now();
    // Reverse order; the clients of the apiserver are independent of one another.
    const tiers = [['metrics-server', 'kwok', 'kube-scheduler', 'kube-controller-manager'], ['kube-apiserver'], ['etcd']];
    for (const tier of tiers) await Promise.all(this.procs.filter((p) => tier.includes(p.name)).map((p) => this.terminate(p)));
    await Promise.all(this.procs.map((p) => this.terminate(p))); // anything not in a tier
    live.delete(this.running);
    uninstallSignalHandlers();
    if (!this.keepDir && !this.failed) fs.rmSync(this.dir, { recursive: true, force: true });
    if (this.failed && !this.keepDir) {
      // Keep the logs, certs and configs for a look; drop etcd's data (its WAL alone is 64 MB).
      fs.rmSync(path.join(this.dir, 'etcd'), { recursive: true, force: true });
      fs.writeFileSync(path.join(this.dir, 'failed'), '');
    }
    this.log(`stopped in ${((Date.now() - ts) / 1000).toFixed(1)} s${this.keepDir || this.failed ? `; kept ${this.dir}` : ''}`);
  }
}

type Ports = Record<'etcd' | 'etcd-peer' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok-kubelet' | 'metrics-server', number>;

/** Certificates, tokens and the two kubeconfigs (the tests' and the components'). */
interface Credentials {
  pki: Pki;
  server: string;
  kubeconfigPath: string;
  componentsKubeconfig: string;
  /** Requests as the admin, for setting the cluster up. */
  api(p: string, o?: { method?: string; body?: unknown }): Promise<HttpResult>;
}

async function makeCredentials(dir: string, server: string, nodeName: string): Promise<Credentials> {
  const pki = new Pki(path.join(dir, 'pki'));
  await Promise.all([
    (async () => {
      await pki.ca('ca', 'kube-topology-ca');
      await Promise.all([
        pki.leaf(
          'apiserver',
          'ca',
          'kube-apiserver',
          'server',
          'IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,' +
            'DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local',
        ),
        pki.leaf('kubelet', 'ca', 'kwok-kubelet', 'server', `IP:127.0.0.1,DNS:localhost,DNS:${nodeName}`),
      ]);
    })(),
    (async () => {
      // The aggregation layer's own CA: the apiserver proves itself to metrics-server with it.
      await pki.ca('front-proxy-ca', 'kube-topology-front-proxy-ca');
      await pki.leaf('front-proxy-client', 'front-proxy-ca', 'front-proxy-client', 'client');
    })(),
    pki.signingKey('sa'),
  ]);
  const caPem = fs.readFileSync(pki.p('ca.crt'));
  const token = () => crypto.randomBytes(24).toString('hex');
  const adminToken = token();
  const restrictedToken = token();
  const componentsToken = token();
  fs.writeFileSync(
    path.join(dir, 'tokens.csv'),
    [
      `${adminToken},${ADMIN_CONTEXT},uid-kt-admin,"system:masters"`,
      `${componentsToken},kt-components,uid-kt-components,"system:masters"`,
      `${restrictedToken},${RESTRICTED_CONTEXT},uid-kt-restricted`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const caData = caPem.toString('base64');
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  const users = [
    { name: ADMIN_CONTEXT, token: adminToken },
    { name: RESTRICTED_CONTEXT, token: restrictedToken },
  ];
  fs.writeFileSync(kubeconfigPath, kubeconfigYaml(server, caData, users, ADMIN_CONTEXT), { mode: 0o600 });
  const componentsKubeconfig = path.join(dir, 'components.kubeconfig');
  fs.writeFileSync(componentsKubeconfig, kubeconfigYaml(server, caData, [{ name: 'kt-components', token: componentsToken }], 'kt-components'), { mode: 0o600 });
  return {
    pki,
    server,
    kubeconfigPath,
    componentsKubeconfig,
    api: (p, o = {}) => request(server + p, { ...o, token: adminToken, ca: caPem }),
  };
}

async function startEtcd(sup: Supervisor, ports: Ports): Promise<void> {
  sup.start('etcd', [
    '--name=kt',
    `--data-dir=${path.join(sup.dir, 'etcd')}`,
    `--listen-client-urls=http://127.0.0.1:${ports.etcd}`,
    `--advertise-client-urls=http://127.0.0.1:${ports.etcd}`,
    `--listen-peer-urls=http://127.0.0.1:${ports['etcd-peer']}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${ports['etcd-peer']}`,
    `--initial-cluster=kt=http://127.0.0.1:${ports['etcd-peer']}`,
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ]);
  await sup.waitFor('etcd healthy', async () => {
    const r = await request(`http://127.0.0.1:${ports.etcd}/health`);
    return r.status === 200 && (JSON.parse(r.body) as { health?: string }).health === 'true';
  });
}

async function startApiserver(sup: Supervisor, ports: Ports, creds: Credentials): Promise<void> {
  const { pki } = creds;
  sup.start('kube-apiserver', [
    `--etcd-servers=http://127.0.0.1:${ports.etcd}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${ports['kube-apiserver']}`,
    `--cert-dir=${path.join(sup.dir, 'apiserver')}`,
    `--tls-cert-file=${pki.p('apiserver.crt')}`,
    `--tls-private-key-file=${pki.p('apiserver.key')}`,
    `--client-ca-file=${pki.p('ca.crt')}`,
    `--token-auth-file=${path.join(sup.dir, 'tokens.csv')}`,
    '--authorization-mode=Node,RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.p('sa.key')}`,
    `--service-account-signing-key-file=${pki.p('sa.key')}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    '--allow-privileged=true',
    // aggregation layer (metrics-server)
    `--requestheader-client-ca-file=${pki.p('front-proxy-ca.crt')}`,
    '--requestheader-allowed-names=front-proxy-client',
    '--requestheader-username-headers=X-Remote-User',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    `--proxy-client-cert-file=${pki.p('front-proxy-client.crt')}`,
    `--proxy-client-key-file=${pki.p('front-proxy-client.key')}`,
    '--kubelet-preferred-address-types=InternalIP,Hostname',
    '--profiling=false',
  ]);
  await sup.waitFor('kube-apiserver /readyz = ok', async () => {
    const r = await creds.api('/readyz');
    return r.status === 200 && r.body === 'ok'; // while starting, the body lists checks that contain "ok"
  });
}

function startControllers(sup: Supervisor, ports: Ports, creds: Credentials): void {
  const kc = creds.componentsKubeconfig;
  const auth = [
    `--kubeconfig=${kc}`,
    `--authentication-kubeconfig=${kc}`,
    `--authorization-kubeconfig=${kc}`,
    '--leader-elect=false',
    '--bind-address=127.0.0.1',
  ];
  sup.start('kube-controller-manager', [
    ...auth,
    `--secure-port=${ports['kube-controller-manager']}`,
    `--service-account-private-key-file=${creds.pki.p('sa.key')}`,
    `--root-ca-file=${creds.pki.p('ca.crt')}`,
    '--controllers=*',
    // Its default (/usr/libexec/kubernetes/...) would be created on the host.
    `--flex-volume-plugin-dir=${path.join(sup.dir, 'flexvolume')}`,
    // A real HPA loop within seconds (defaults ignore fresh pods for 5 minutes).
    '--horizontal-pod-autoscaler-cpu-initialization-period=10s',
    '--horizontal-pod-autoscaler-initial-readiness-delay=1s',
    '--horizontal-pod-autoscaler-sync-period=5s',
    '--profiling=false',
  ]);
  sup.start('kube-scheduler', [...auth, `--secure-port=${ports['kube-scheduler']}`, '--profiling=false']);
}

/** kwok's configuration: port-forward rules, the stock metrics (with metrics-server), the caller's extras. */
function kwokConfigDocs(opts: ControlPlaneOptions, binDir: string, withMetrics: boolean): string[] {
  const docs: string[] = [];
  if (opts.portForwards?.length) {
    docs.push(
      [
        'apiVersion: kwok.x-k8s.io/v1alpha1',
        'kind: ClusterPortForward',
        'metadata:',
        '  name: kube-topology-port-forwards',
        'spec:',
        '  forwards:',
        ...opts.portForwards.flatMap((f) => [
          `  - ports: [${f.ports.join(', ')}]`,
          `    target: {address: ${JSON.stringify(f.target.address)}, port: ${f.target.port}}`,
        ]),
      ].join('\n'),
    );
  }
  if (withMetrics) {
    // kwok's stock Metric and ClusterResourceUsage, copied by build.sh from kwok's module
    // (kustomize/metrics/): CPU use of a pod = its annotation kwok.x-k8s.io/usage-cpu.
    for (const f of ['metrics-resource.yaml', 'usage-from-annotation.yaml']) docs.push(fs.readFileSync(path.join(binDir, '..', 'kwok', f), 'utf8').trim());
  }
  docs.push(...(opts.kwokConfig ?? []).map((d) => d.trim()));
  return docs;
}

/** kwok (fake kubelet) and its node, annotated so kwok manages it and metrics-server scrapes it. */
async function startKwokNode(sup: Supervisor, ports: Ports, creds: Credentials, nodeName: string, docs: string[]): Promise<void> {
  const kwokConfigPath = path.join(sup.dir, 'kwok.yaml');
  // An empty file still replaces ~/.kwok/kwok.yaml, the default --config.
  fs.writeFileSync(kwokConfigPath, docs.join('\n---\n') + '\n');
  sup.start('kwok', [
    `--kubeconfig=${creds.componentsKubeconfig}`,
    '--manage-all-nodes=false',
    '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
    '--cidr=10.0.0.1/24',
    '--node-ip=127.0.0.1',
    `--node-port=${ports['kwok-kubelet']}`,
    `--server-address=127.0.0.1:${ports['kwok-kubelet']}`,
    `--tls-cert-file=${creds.pki.p('kubelet.crt')}`,
    `--tls-private-key-file=${creds.pki.p('kubelet.key')}`,
    '--node-lease-duration-seconds=40',
    `--config=${kwokConfigPath}`,
  ]);
  const node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: nodeName,
      annotations: {
        'kwok.x-k8s.io/node': 'fake',
        'node.alpha.kubernetes.io/ttl': '0',
        'metrics.k8s.io/resource-metrics-path': `/metrics/nodes/${nodeName}/metrics/resource`,
      },
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': nodeName,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/role': 'agent',
        'node-role.kubernetes.io/agent': '',
        type: 'kwok',
      },
    },
    // No taint: ordinary manifests (which do not tolerate kwok's usual taint) schedule here.
    spec: {},
    status: {
      allocatable: { cpu: '32', memory: '256Gi', pods: '110' },
      capacity: { cpu: '32', memory: '256Gi', pods: '110' },
      nodeInfo: { architecture: 'amd64', operatingSystem: 'linux', kubeletVersion: 'fake', kubeProxyVersion: 'fake' },
      phase: 'Running',
    },
  };
  const created = await creds.api('/api/v1/nodes', { method: 'POST', body: node });
  if (created.status !== 201) throw new Error(`creating node ${nodeName}: HTTP ${created.status} ${created.body}`);
}

/** metrics-server outside the cluster, registered as APIService v1beta1.metrics.k8s.io. */
async function startMetricsServer(sup: Supervisor, ports: Ports, creds: Credentials): Promise<void> {
  const kc = creds.componentsKubeconfig;
  const port = ports['metrics-server'];
  sup.start('metrics-server', [
    `--kubeconfig=${kc}`,
    `--authentication-kubeconfig=${kc}`,
    `--authorization-kubeconfig=${kc}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${path.join(sup.dir, 'metrics-server')}`,
    '--kubelet-preferred-address-types=InternalIP',
    '--kubelet-use-node-status-port',
    '--kubelet-insecure-tls',
    '--metric-resolution=15s',
  ]);
  // Endpoints and EndpointSlices refuse loopback addresses: an ExternalName Service is how the
  // aggregator reaches an apiserver running outside the cluster (as kwokctl does).
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'metrics-server', namespace: 'kube-system', labels: { 'k8s-app': 'metrics-server' } },
    spec: { type: 'ExternalName', externalName: 'localhost', ports: [{ name: 'https', port, protocol: 'TCP' }] },
  };
  const apiService = {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: 'v1beta1.metrics.k8s.io', labels: { 'k8s-app': 'metrics-server' } },
    spec: {
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      groupPriorityMinimum: 100,
      versionPriority: 100,
      insecureSkipTLSVerify: true,
      service: { name: 'metrics-server', namespace: 'kube-system', port },
    },
  };
  await sup.waitFor(
    'metrics-server Service created',
    async () => (await creds.api('/api/v1/namespaces/kube-system/services', { method: 'POST', body: svc })).status === 201,
  );
  const r = await creds.api('/apis/apiregistration.k8s.io/v1/apiservices', { method: 'POST', body: apiService });
  if (r.status !== 201) throw new Error(`creating APIService v1beta1.metrics.k8s.io: HTTP ${r.status} ${r.body}`);
}

function conditionTrue(body: string, type: string): boolean {
  const conditions = (JSON.parse(body) as { status?: { conditions?: Array<{ type: string; status: string }> } }).status?.conditions ?? [];
  return conditions.some((c) => c.type === type && c.status === 'True');
}

/** Ready: the node Ready, the default ServiceAccount there (pods are refused before), the metrics API when asked. */
async function waitUntilUsable(sup: Supervisor, creds: Credentials, nodeName: string, waitForMetricsApi: boolean): Promise<void> {
  await sup.waitFor(`node ${nodeName} Ready`, async () => conditionTrue((await creds.api(`/api/v1/nodes/${nodeName}`)).body, 'Ready'));
  await sup.waitFor('default ServiceAccount exists', async () => (await creds.api('/api/v1/namespaces/default/serviceaccounts/default')).status === 200);
  if (waitForMetricsApi) {
    await sup.waitFor(
      'metrics API available',
      async () => conditionTrue((await creds.api('/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io')).body, 'Available'),
      250,
    );
  }
}

/** Start a fresh control plane (or point at KUBE_TOPOLOGY_TEST_CONTEXT's cluster). */
export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const existing = process.env.KUBE_TOPOLOGY_TEST_CONTEXT;
  if (existing && opts.allowExisting !== false) return existingControlPlane(existing);

  const verbose = process.env.KUBE_TOPOLOGY_CLUSTER_VERBOSE === '1';
  const t0 = Date.now();
  const log = (s: string) =>
    (opts.log ?? (verbose ? (l: string) => process.stderr.write(l + '\n') : () => {}))(`[control-plane +${((Date.now() - t0) / 1000).toFixed(1)}s] ${s}`);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const binDir = opts.binDir ?? defaultBinDir();
  const withMetrics = opts.metricsServer !== false;
  const nodeName = opts.nodeName ?? 'kwok-node-0';
  const keepDir = opts.keepDir || process.env.KUBE_TOPOLOGY_KEEP_CLUSTER_DIR === '1';

  await ensureBinaries(binDir, opts.build !== false, withMetrics, log);
  reapStaleRuns(log);
  const sup = new Supervisor(fs.mkdtempSync(path.join(os.tmpdir(), DIR_PREFIX)), binDir, t0 + timeoutMs, timeoutMs, keepDir, log);
  try {
    const names = ['etcd', 'etcd-peer', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok-kubelet', 'metrics-server'] as const;
    const free = await freePorts(names.length);
    const ports = Object.fromEntries(names.map((n, i) => [n, free[i]])) as Ports;
    const creds = await makeCredentials(sup.dir, `https://127.0.0.1:${ports['kube-apiserver']}`, nodeName);
    log('certificates generated');
    await startEtcd(sup, ports);
    await startApiserver(sup, ports, creds);
    startControllers(sup, ports, creds);
    await startKwokNode(sup, ports, creds, nodeName, kwokConfigDocs(opts, binDir, withMetrics));
    if (withMetrics) await startMetricsServer(sup, ports, creds);
    await waitUntilUsable(sup, creds, nodeName, withMetrics && opts.waitForMetricsApi === true);
    log(`ready: ${creds.server}, kubeconfig ${creds.kubeconfigPath}, logs ${sup.logDir}`);
    return {
      kubeconfigPath: creds.kubeconfigPath,
      adminContext: ADMIN_CONTEXT,
      restrictedContext: RESTRICTED_CONTEXT,
      server: creds.server,
      dir: sup.dir,
      logDir: sup.logDir,
      external: false,
      nodeName,
      kubectl: sup.bin('kubectl'),
      env: { ...process.env, KUBECONFIG: creds.kubeconfigPath },
      ports: withMetrics ? { ...ports } : Object.fromEntries(Object.entries(ports).filter(([k]) => k !== 'metrics-server')),
      pids: () => sup.procs.filter((p) => !p.exit && p.child.pid).map((p) => p.child.pid as number),
      stop: () => sup.stop(),
    };
  } catch (e) {
    sup.failed = true;
    await sup.stop().catch(() => {});
    const err = e as Error;
    err.message = `controlPlane: start failed: ${err.message}\n  component logs kept in ${sup.logDir}`;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// CLI: node controlPlane.js serve --state-dir DIR [--bin-dir DIR]   (see cluster.sh)

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  const flag = (name: string) => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  if (cmd !== 'serve' || !flag('--state-dir')) {
    process.stderr.write('usage: node controlPlane.js serve --state-dir DIR [--bin-dir DIR]\n');
    process.exit(2);
  }
  const stateDir = flag('--state-dir') as string;
  fs.mkdirSync(stateDir, { recursive: true });
  const envFile = path.join(stateDir, 'env');
  const pidFile = path.join(stateDir, 'pid');
  fs.rmSync(envFile, { force: true });
  fs.writeFileSync(pidFile, `${process.pid}\n`);
  const cp = await startControlPlane({
    binDir: flag('--bin-dir'),
    allowExisting: false,
    log: (l) => process.stderr.write(l + '\n'),
  });
  const lines = [
    `export KUBECONFIG=${cp.kubeconfigPath}`,
    `# contexts: ${cp.adminContext} (current, system:masters), ${cp.restrictedContext} (no RBAC: forbidden)`,
    `# server ${cp.server}; kubectl ${cp.kubectl}; component logs ${cp.logDir}`,
    '',
  ];
  fs.writeFileSync(envFile + '.tmp', lines.join('\n'));
  fs.renameSync(envFile + '.tmp', envFile);
  process.stderr.write(lines.join('\n'));
  // Runs until SIGTERM/SIGINT/SIGHUP, then stops the control plane and exits 0.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const onStop = () => {
    fs.rmSync(envFile, { force: true });
    fs.rmSync(pidFile, { force: true });
    void cp.stop().finally(() => {
      clearInterval(keepAlive);
      process.exit(0);
    });
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onStop);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  });
}
