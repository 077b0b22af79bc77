/**
 * A real kind cluster for tests: `createKindCluster()` creates a uniquely named single-node cluster
 * (`kt-<random>`), waits until it can run pods and returns a handle whose `delete()` always runs —
 * on `after()` hooks, process exit, SIGINT/SIGTERM/SIGHUP, and (for a process that was SIGKILLed)
 * at the next `createKindCluster()` in any process, which reaps clusters whose owner is gone.
 *
 * Prerequisite: `sudo -E test/kind/prepare.sh` (docker, the offline node image, kind and kubectl
 * in ~/.cache/kube-topology/kind/bin). See test/kind/README.md.
 *
 * Environment:
 *   KUBE_TOPOLOGY_KIND_CLUSTER     reuse this existing kind cluster; it is never deleted
 *   KUBE_TOPOLOGY_KIND_NODE_IMAGE  node image for new clusters (e.g. a stock kindest/node when a
 *                                  registry is reachable) instead of kindest/node:<KV>-offline
 *   KUBE_TOPOLOGY_KIND_CACHE       cache folder (default ~/.cache/kube-topology/kind); kind and
 *                                  kubectl are taken from its bin/, else from PATH
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { run, runOk, type RunOptions } from './proc';
import { errorText } from '../../src/core/errorText';

export { run, runOk } from './proc';
export type { RunOptions, RunResult } from './proc';
export { buildStandInImage, buildGatewayAndModelImages, MODEL_ANSWER } from './standInImages';
export type { StandInImageSpec, GatewayAndModelImages } from './standInImages';

/** Prefix of every cluster this helper creates. */
export const CLUSTER_PREFIX = 'kt-';

export interface KindCluster {
  /** kind cluster name, e.g. `kt-3f9a1c2b`. */
  readonly name: string;
  /** kubeconfig context: `kind-<name>`. */
  readonly context: string;
  /** A kubeconfig file holding only this cluster (never ~/.kube/config). */
  readonly kubeconfigPath: string;
  /** The node image the cluster runs (unknown, i.e. '', for a reused cluster). */
  readonly nodeImage: string;
  /** True when the cluster came from KUBE_TOPOLOGY_KIND_CLUSTER: delete() leaves it alone. */
  readonly reused: boolean;
  /** Runs kubectl against this cluster; rejects with stderr on a non-zero exit. */
  kubectl: (args: readonly string[], opts?: RunOptions) => Promise<string>;
  /** `kind load docker-image` of local docker images into the node. */
  loadImages(...images: string[]): Promise<void>;
  /** `kubectl port-forward <target> :<remotePort>`; resolves with the local port once listening. */
  portForward(target: string, remotePort: number, opts?: { namespace?: string }): Promise<PortForward>;
  /** Deletes the cluster (no-op when reused) and everything started for it. Idempotent. */
  delete(): Promise<void>;
}

export interface PortForward {
  readonly localPort: number;
  close(): void;
}

export interface CreateKindClusterOptions {
  /** Cluster name; default `kt-<8 random chars>`. Must be unique on the machine. */
  name?: string;
  /** Node image; default KUBE_TOPOLOGY_KIND_NODE_IMAGE, else kindest/node:<KV>-offline. */
  nodeImage?: string;
  /** Overall time allowed for create + readiness; default 5 minutes. */
  timeoutMs?: number;
  /** Also wait for CoreDNS (Service DNS names resolve); default true. */
  waitForDns?: boolean;
  /** Progress lines; default silent. */
  log?: (line: string) => void;
}

// ---------------------------------------------------------------------------------------------
// paths and versions

/** The repository's test/kind folder (sources, scripts), found from either src or out/. */
export const KIND_DIR: string = (() => {
  let d = __dirname;
  for (;;) {
    const candidate = path.join(d, 'test', 'kind', 'versions.sh');
    if (fs.existsSync(candidate)) return path.dirname(candidate);
    const up = path.dirname(d);
    if (up === d) return path.resolve(__dirname);
    d = up;
  }
})();

function readVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    for (const line of fs.readFileSync(path.join(KIND_DIR, 'versions.sh'), 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(\S+)/.exec(line);
      if (m) out[m[1]] = m[2];
    }
  } catch {
    // fall through to the defaults below
  }
  return out;
}
const versions = readVersions();
/** Kubernetes version of the offline node image (test/kind/versions.sh). */
export const KUBERNETES_VERSION = versions.KV ?? 'v1.36.3';
/** kind version built by build-node-image.sh. */
export const KIND_VERSION = versions.KIND_V ?? 'v0.33.0';
/** The node image build-node-image.sh produces. */
export const OFFLINE_NODE_IMAGE = `kindest/node:${KUBERNETES_VERSION}-offline`;

export function kindCacheDir(): string {
  return process.env.KUBE_TOPOLOGY_KIND_CACHE || path.join(os.homedir(), '.cache', 'kube-topology', 'kind');
}

function tool(name: 'kind' | 'kubectl'): string {
  const p = path.join(kindCacheDir(), 'bin', name);
  return fs.existsSync(p) ? p : name;
}
/** The kind binary: ~/.cache/kube-topology/kind/bin/kind, else `kind` on PATH. */
export const kindBinary = (): string => tool('kind');
/** The kubectl binary: ~/.cache/kube-topology/kind/bin/kubectl, else `kubectl` on PATH. */
export const kubectlBinary = (): string => tool('kubectl');

/** The node image new clusters use. */
export function defaultNodeImage(): string {
  return process.env.KUBE_TOPOLOGY_KIND_NODE_IMAGE || OFFLINE_NODE_IMAGE;
}

// ---------------------------------------------------------------------------------------------
// processes

async function waitFor<T>(what: string, deadline: number, probe: () => Promise<T | undefined>): Promise<T> {
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await sleep(1000);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${errorText(last)}` : ''}`);
}

// ---------------------------------------------------------------------------------------------
// prerequisites

/** Why the test bed cannot run here (docker down, image or kind missing), or undefined if it can. */
export function kindTestBedProblem(): string | undefined {
  const hint = 'run `sudo -E test/kind/prepare.sh` (see test/kind/README.md)';
  const docker = spawnSync('docker', ['version', '-f', '{{.Server.Version}}'], { encoding: 'utf8' });
  if (docker.status !== 0) return `docker is not usable (${(docker.stderr || String(docker.error)).trim()}); ${hint}`;
  const kind = spawnSync(kindBinary(), ['version'], { encoding: 'utf8' });
  if (kind.status !== 0) return `kind is not installed; ${hint}`;
  const cluster = process.env.KUBE_TOPOLOGY_KIND_CLUSTER;
  if (cluster) {
    const clusters = spawnSync(kindBinary(), ['get', 'clusters'], { encoding: 'utf8' }).stdout.split('\n');
    return clusters.includes(cluster) ? undefined : `KUBE_TOPOLOGY_KIND_CLUSTER=${cluster} is not an existing kind cluster`;
  }
  const image = defaultNodeImage();
  if (spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status !== 0) {
    if (image === OFFLINE_NODE_IMAGE) return `node image ${image} is not built; ${hint}`;
    // a stock image from a registry: kind pulls it
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// ownership records, cleanup on exit and reaping of strays

/** One file per cluster created by this helper: who owns it, so strays can be reaped. */
const OWNER_DIR = path.join(os.tmpdir(), 'kube-topology-kind');
interface OwnerRecord {
  pid: number;
  created: string;
  kubeconfigPath: string;
}

const liveDeleters = new Map<string, () => void>();
let handlersInstalled = false;

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const deleteAllSync = (): void => {
    for (const [name, del] of [...liveDeleters]) {
      liveDeleters.delete(name);
      try {
        del();
      } catch {
        // best effort on the way out
      }
    }
  };
  process.on('exit', deleteAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      deleteAllSync();
      process.removeListener(sig, onSignal);
      // let whatever else listens (node:test's runner) handle it; otherwise die of the signal
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Synchronous, so it can run in an 'exit' handler. Leaves no container of the cluster behind. */
function deleteClusterSync(name: string, kubeconfigPath: string): void {
  spawnSync(kindBinary(), ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfigPath], {
    stdio: 'ignore',
    timeout: 120_000,
  });
  const left = spawnSync('docker', ['ps', '-aq', '--filter', `label=io.x-k8s.kind.cluster=${name}`], { encoding: 'utf8' });
  const ids = (left.stdout ?? '').split('\n').filter(Boolean);
  if (ids.length) spawnSync('docker', ['rm', '-f', '-v', ...ids], { stdio: 'ignore', timeout: 60_000 });
  fs.rmSync(path.join(OWNER_DIR, `${name}.json`), { force: true });
  // the per-cluster folder from createKindCluster (never anything else a corrupt record names)
  const dir = path.dirname(kubeconfigPath);
  if (path.dirname(dir) === os.tmpdir() && path.basename(dir).startsWith('kt-kind-')) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Deletes `kt-` clusters created by this helper in processes that no longer exist (SIGKILL, a
 * crashed runner). Clusters without an ownership record are never touched. Returns their names.
 */
export function reapStrayKindClusters(log: (line: string) => void = () => undefined): string[] {
  let files: string[] = [];
  try {
    files = fs.readdirSync(OWNER_DIR).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  const reaped: string[] = [];
  for (const f of files) {
    const name = f.slice(0, -'.json'.length);
    let rec: OwnerRecord;
    try {
      rec = JSON.parse(fs.readFileSync(path.join(OWNER_DIR, f), 'utf8')) as OwnerRecord;
    } catch {
      continue;
    }
    if (rec.pid === process.pid || pidAlive(rec.pid)) continue;
    log(`reaping stray kind cluster ${name} (owner pid ${rec.pid} is gone)`);
    deleteClusterSync(name, rec.kubeconfigPath);
    reaped.push(name);
  }
  return reaped;
}

// ---------------------------------------------------------------------------------------------
// the cluster

function clusterConfig(nodeImage: string): string {
  // kubelet >= 1.35 refuses cgroup v1 unless told; only said on v1 hosts, so that older stock
  // node images (which do not know the field) keep working on v2 hosts.
  const cgroupV1 = !fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
  return [
    'kind: Cluster',
    'apiVersion: kind.x-k8s.io/v1alpha4',
    'nodes:',
    '- role: control-plane',
    `  image: ${JSON.stringify(nodeImage)}`,
    ...(cgroupV1 ? ['kubeadmConfigPatches:', '- |', '  kind: KubeletConfiguration', '  failCgroupV1: false'] : []),
    '',
  ].join('\n');
}

function randomName(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return CLUSTER_PREFIX + [...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join('');
}

async function waitUntilUsable(
  kubectl: (args: readonly string[], opts?: RunOptions) => Promise<string>,
  deadline: number,
  waitForDns: boolean,
  log: (line: string) => void,
): Promise<void> {
  const left = (): string => `${Math.max(1, Math.round((deadline - Date.now()) / 1000))}s`;
  await waitFor('the node to be Ready', deadline, async () => {
    const out = await kubectl(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}']);
    const states = out.split('\n').filter(Boolean);
    return states.length > 0 && states.every((s) => s === 'True') ? true : undefined;
  });
  log('node Ready');
  // the ServiceAccount controller creates it a few seconds after the API server is up; pods
  // created before are rejected
  await waitFor('the default ServiceAccount', deadline, async () => {
    await kubectl(['get', 'serviceaccount', 'default', '-n', 'default', '-o', 'name']);
    return true;
  });
  log('default ServiceAccount present');
  if (waitForDns) {
    await kubectl(['rollout', 'status', 'deployment/coredns', '-n', 'kube-system', `--timeout=${left()}`]);
    log('CoreDNS available');
  }
}

/**
 * Creates a uniquely named single-node kind cluster (or reuses KUBE_TOPOLOGY_KIND_CLUSTER) and
 * waits until it can run pods. Always pair with `after(() => cluster.delete())`; exit and signal
 * handlers are a safety net.
 */
export async function createKindCluster(opts: CreateKindClusterOptions = {}): Promise<KindCluster> {
  const log = opts.log ?? (() => undefined);
  const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
  const reuse = process.env.KUBE_TOPOLOGY_KIND_CLUSTER;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-kind-'));
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  const children = new Set<ChildProcess>();

  if (reuse) {
    try {
      const kc = await runOk(kindBinary(), ['get', 'kubeconfig', '--name', reuse]);
      fs.writeFileSync(kubeconfigPath, kc, { mode: 0o600 });
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`KUBE_TOPOLOGY_KIND_CLUSTER=${reuse}: ${(e as Error).message}`);
    }
    const cluster = makeHandle(reuse, '', kubeconfigPath, true, children, async () => {
      fs.rmSync(dir, { recursive: true, force: true });
    });
    await waitUntilUsable(cluster.kubectl, deadline, opts.waitForDns ?? true, log);
    log(`reusing kind cluster ${reuse}`);
    return cluster;
  }

  installExitHandlers();
  reapStrayKindClusters(log);
  const name = opts.name ?? randomName();
  const nodeImage = opts.nodeImage ?? defaultNodeImage();
  const configPath = path.join(dir, 'kind.yaml');
  fs.writeFileSync(configPath, clusterConfig(nodeImage));
  fs.mkdirSync(OWNER_DIR, { recursive: true });
  const rec: OwnerRecord = { pid: process.pid, created: new Date().toISOString(), kubeconfigPath };
  fs.writeFileSync(path.join(OWNER_DIR, `${name}.json`), JSON.stringify(rec));

  let deleted = false;
  const killChildren = (): void => {
    for (const c of children) c.kill('SIGTERM');
    children.clear();
  };
  // registered before `kind create` starts, so a signal during creation also cleans up
  liveDeleters.set(name, () => {
    deleted = true;
    killChildren();
    deleteClusterSync(name, kubeconfigPath);
  });
  const cluster = makeHandle(name, nodeImage, kubeconfigPath, false, children, async () => {
    if (deleted) return;
    deleted = true;
    liveDeleters.delete(name);
    killChildren();
    const r = await run(kindBinary(), ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfigPath], { timeoutMs: 120_000 });
    log(`kind delete cluster ${name}: exit ${r.code}`);
    deleteClusterSync(name, kubeconfigPath); // removes anything kind left, the records and the folder
  });

  try {
    const t0 = Date.now();
    log(`kind create cluster --name ${name} --image ${nodeImage}`);
    const waitS = Math.max(30, Math.round((deadline - Date.now()) / 1000));
    const created = await run(
      kindBinary(),
      ['create', 'cluster', '--name', name, '--config', configPath, '--kubeconfig', kubeconfigPath, '--wait', `${waitS}s`],
      { timeoutMs: deadline - Date.now() + 30_000 },
    );
    if (created.code !== 0) throw new Error(`kind create cluster --name ${name} failed:\n${created.stderr.trim()}`);
    log(`created in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await waitUntilUsable(cluster.kubectl, deadline, opts.waitForDns ?? true, log);
    log(`usable after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return cluster;
  } catch (e) {
    await cluster.delete();
    throw e;
  }
}

/**
 * For a cluster that the code under test creates (`kube-topology kind-create`, the Create kind
 * Cluster command): owned like one of ours before it exists — an owner record, deletion on exit and
 * signals, reaped by the next run if this process is SIGKILLed — so a test that fails half-way
 * leaves nothing. Returns a name (`kt-<random>`), a fresh kubeconfig path for kind to write to, and
 * the handle whose delete() removes the cluster.
 */
export function trackKindCluster(log: (line: string) => void = () => undefined): KindCluster {
  installExitHandlers();
  reapStrayKindClusters(log);
  const name = randomName();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-kind-'));
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  fs.mkdirSync(OWNER_DIR, { recursive: true });
  const rec: OwnerRecord = { pid: process.pid, created: new Date().toISOString(), kubeconfigPath };
  fs.writeFileSync(path.join(OWNER_DIR, `${name}.json`), JSON.stringify(rec));
  const children = new Set<ChildProcess>();
  let deleted = false;
  liveDeleters.set(name, () => {
    deleted = true;
    deleteClusterSync(name, kubeconfigPath);
  });
  return makeHandle(name, '', kubeconfigPath, false, children, async () => {
    if (deleted) return;
    deleted = true;
    liveDeleters.delete(name);
    for (const c of children) c.kill('SIGTERM');
    children.clear();
    const r = await run(kindBinary(), ['delete', 'cluster', '--name', name, '--kubeconfig', kubeconfigPath], { timeoutMs: 120_000 });
    log(`kind delete cluster ${name}: exit ${r.code}`);
    deleteClusterSync(name, kubeconfigPath);
  });
}

function makeHandle(
  name: string,
  nodeImage: string,
  kubeconfigPath: string,
  reused: boolean,
  children: Set<ChildProcess>,
  doDelete: () => Promise<void>,
): KindCluster {
  const context = `kind-${name}`;
  const kubectl = (args: readonly string[], opts: RunOptions = {}): Promise<string> =>
    runOk(kubectlBinary(), ['--kubeconfig', kubeconfigPath, '--context', context, ...args], { timeoutMs: 120_000, ...opts });
  return {
    name,
    context,
    kubeconfigPath,
    nodeImage,
    reused,
    kubectl,
    async loadImages(...images: string[]): Promise<void> {
      if (images.length) await runOk(kindBinary(), ['load', 'docker-image', '--name', name, ...images], { timeoutMs: 300_000 });
    },
    portForward(target: string, remotePort: number, pfOpts: { namespace?: string } = {}): Promise<PortForward> {
      const args = ['--kubeconfig', kubeconfigPath, '--context', context, 'port-forward', '--address', '127.0.0.1'];
      if (pfOpts.namespace) args.push('-n', pfOpts.namespace);
      args.push(target, `:${remotePort}`);
      const child = spawn(kubectlBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      const close = (): void => {
        children.delete(child);
        child.kill('SIGTERM');
      };
      return new Promise((resolve, reject) => {
        let out = '';
        let err = '';
        const timer = setTimeout(() => {
          close();
          reject(new Error(`kubectl port-forward ${target}: no local port after 30 s\n${err}`));
        }, 30_000);
        child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve({ localPort: Number(m[1]), close });
          }
        });
        child.on('exit', (code) => {
          children.delete(child);
          clearTimeout(timer);
          reject(new Error(`kubectl port-forward ${target} exited ${code}\n${err}`));
        });
      });
    },
    delete: reused
      ? async (): Promise<void> => {
          for (const c of children) c.kill('SIGTERM');
          children.clear();
          await doDelete();
        }
      : doDelete,
  };
}

/** Names of the kind clusters on this machine. */
export async function listKindClusters(): Promise<string[]> {
  const out = await runOk(kindBinary(), ['get', 'clusters']);
  return out
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith('No kind clusters'));
}

/** Docker containers (any state) whose name starts with `prefix`. */
export async function containersNamed(prefix: string): Promise<string[]> {
  const out = await runOk('docker', ['ps', '-a', '--format', '{{.Names}}']);
  return out.split('\n').filter((n) => n.startsWith(prefix));
}

/** Clusters created by this helper in processes that are still running (their own tests). */
export function clustersOwnedByLiveProcesses(): string[] {
  try {
    return fs
      .readdirSync(OWNER_DIR)
      .filter((f) => f.endsWith('.json'))
      .filter((f) => {
        try {
          return pidAlive((JSON.parse(fs.readFileSync(path.join(OWNER_DIR, f), 'utf8')) as OwnerRecord).pid);
        } catch {
          return false;
        }
      })
      .map((f) => f.slice(0, -'.json'.length));
  } catch {
    return [];
  }
}
