/**
 * `kube-topology kind-create`: a new kind cluster made ready for the topology — the user's own
 * `kind create cluster` with a cluster config that maps a host port to a NodePort (so load can
 * reach every replica through kube-proxy, which a port-forward never does), then waits until pods
 * can run (node Ready, the `default` ServiceAccount, CoreDNS available).
 *
 * An existing cluster is never touched: a name kind already knows is refused. A cluster this module
 * started to create and then stopped creating (cancel, failure while waiting) is deleted again.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { imageProblem, kindClusterNameProblem, listKindClusters } from '../cluster/kindImages';
import { loadKubeconfig } from '../cluster/kubeconfig';
import { BODY_LIMITS, openCluster, type ClusterClient } from '../cluster/clusterClient';
import { resourcePath, type ApiPath } from '../cluster/requestPath';
import { conditionsAt, numberAt, objectsAt } from '../cluster/serverObject';
import { printableLine } from '../terminalText';
import { dockerCgroupVersion, firstErrorLine, KindToolError, nodePortMappings, requireDockerAndKind, runTool, type NodePortMapping } from './kindTools';
import { errorText } from '../errorText';

export const DEFAULT_KIND_CLUSTER_NAME = 'kind';
/** The NodePort the generated config maps to the same host port (the next free one when taken). */
export const DEFAULT_NODE_PORT = 30080;
const NODE_PORT_TRIES = 10;
const MAX_NAME = 49; // the node's hostname `NAME-control-plane` must stay within 63 characters
const MAX_CONFIG_BYTES = 256 * 1024;

/**
 * Why this name will not do for a new cluster: kind's own rule (kindClusterNameProblem, as
 * kind-load checks it), and for the node's hostname also at most 49 characters and a letter or
 * digit at both ends.
 */
export function clusterNameProblem(name: string): string | undefined {
  if (!name) return 'the cluster name must not be empty';
  if (name.length > MAX_NAME) return `the cluster name must be at most ${MAX_NAME} characters`;
  if (kindClusterNameProblem(name) !== undefined || !/^[a-z0-9](.*[a-z0-9])?$/.test(name)) {
    return `"${printableLine(name, 60)}" is not a kind cluster name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

export interface GeneratedConfigOptions {
  /** NodePort inside the cluster and the host port it is published on (same number). */
  nodePort: number;
  /** The host's cgroup version: kubelet 1.35+ refuses cgroup v1 unless told (failCgroupV1: false). */
  cgroupV1: boolean;
}

/** The kind cluster config kind-create writes: one node, a NodePort published on 127.0.0.1. */
export function kindClusterConfig(o: GeneratedConfigOptions): string {
  return [
    '# kind cluster config written by kube-topology kind-create',
    'kind: Cluster',
    'apiVersion: kind.x-k8s.io/v1alpha4',
    'nodes:',
    '- role: control-plane',
    '  # a NodePort reachable from this machine: load sent there is spread over every ready pod',
    '  extraPortMappings:',
    `  - containerPort: ${o.nodePort}`,
    `    hostPort: ${o.nodePort}`,
    '    listenAddress: "127.0.0.1"',
    '    protocol: TCP',
    ...(o.cgroupV1
      ? [
          '  # this Docker host runs cgroup v1, which kubelet 1.35+ refuses unless told',
          '  kubeadmConfigPatches:',
          '  - |',
          '    kind: KubeletConfiguration',
          '    failCgroupV1: false',
        ]
      : []),
    '',
  ].join('\n');
}

/** NodePorts a user's kind config publishes (extraPortMappings in the NodePort range). */
export function configuredNodePorts(configText: string): number[] {
  let doc: unknown;
  try {
    doc = parseYaml(configText);
  } catch {
    return [];
  }
  const nodes = (doc as { nodes?: unknown })?.nodes;
  const ports: number[] = [];
  for (const n of Array.isArray(nodes) ? nodes : []) {
    const maps = (n as { extraPortMappings?: unknown })?.extraPortMappings;
    for (const m of Array.isArray(maps) ? maps : []) {
      const p = Number((m as { containerPort?: unknown })?.containerPort);
      if (Number.isInteger(p) && p >= 30000 && p <= 32767) ports.push(p);
    }
  }
  return ports;
}

export type KindCreatePhase = 'check' | 'create' | 'wait' | 'cleanup';

export interface KindCreateProgress {
  phase: KindCreatePhase;
  /** One printable line (kind's own output is passed on as it comes). */
  message: string;
}

export interface KindCreateOptions {
  name: string;
  /** Node image (`kind create cluster --image`); default: kind's own. */
  image?: string;
  /** The user's kind config, passed to kind as it is (no port is added to it). */
  configFile?: string;
  /** Kubeconfig file kind writes the context into; default kind's ($KUBECONFIG, else ~/.kube/config). */
  kubeconfig?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onProgress?: (p: KindCreateProgress) => void;
  /** Total time allowed for create + waiting (default 10 minutes). */
  timeoutMs?: number;
  /** Test seam: whether a host port is free (default: try to listen on it). */
  portIsFree?: (port: number) => Promise<boolean>;
}

export interface CreatedKindCluster {
  name: string;
  context: string;
  /** The config kind got: generated here, or the user's file. */
  config: { source: 'generated'; text: string } | { source: 'file'; path: string };
  /** Host ports that reach NodePorts (from Docker, after creation). */
  nodePorts: NodePortMapping[];
  /** `kind create cluster` alone, and until usable (both from the start of `kind create`). */
  createdMs: number;
  usableMs: number;
  notes: string[];
}

/** Listening on the port on 127.0.0.1 works: nothing else (another kind cluster included) holds it. */
export function hostPortIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function createKindCluster(o: KindCreateOptions): Promise<CreatedKindCluster> {
  const progress = (phase: KindCreatePhase, message: string) => o.onProgress?.({ phase, message });
  const deadline = Date.now() + (o.timeoutMs ?? 600_000);
  const nameProblem = clusterNameProblem(o.name) ?? (o.image ? imageProblem(o.image) : undefined);
  if (nameProblem) throw new KindToolError(nameProblem, 'failed');
  const tools = { env: o.env, signal: o.signal };

  progress('check', 'checking docker and kind');
  const versions = await requireDockerAndKind(tools);
  progress('check', `docker ${versions.docker}, ${versions.kind}`);
  const existing = await listKindClusters(tools);
  if (existing.includes(o.name)) {
    throw new KindToolError(
      `a kind cluster named "${o.name}" already exists; kube-topology never changes an existing cluster: pick another --name, or use that one as it is (context kind-${o.name})`,
      'failed',
    );
  }

  const notes: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-topology-kind-'));
  let config: CreatedKindCluster['config'];
  let configPath: string;
  try {
    if (o.configFile) {
      configPath = path.resolve(o.configFile);
      let text: string;
      try {
        if (fs.statSync(configPath).size > MAX_CONFIG_BYTES) throw new Error(`larger than ${MAX_CONFIG_BYTES / 1024} KB`);
        text = fs.readFileSync(configPath, 'utf8');
      } catch (e) {
        throw new KindToolError(`cannot read the kind config ${configPath}: ${errorText(e)}`, 'failed');
      }
      config = { source: 'file', path: configPath };
      if (!configuredNodePorts(text).length) {
        notes.push(
          `${path.basename(configPath)} publishes no NodePort on this machine (extraPortMappings): load will run from a pod inside the cluster instead`,
        );
      }
    } else {
      const cgroupV1 = (await dockerCgroupVersion(tools)) === '1';
      const nodePort = await freeNodePort(o.portIsFree ?? hostPortIsFree);
      const text = kindClusterConfig({ nodePort, cgroupV1 });
      configPath = path.join(dir, 'kind-config.yaml');
      fs.writeFileSync(configPath, text);
      config = { source: 'generated', text };
      if (nodePort !== DEFAULT_NODE_PORT)
        notes.push(`host port ${DEFAULT_NODE_PORT} is in use: NodePort ${nodePort} is published on 127.0.0.1:${nodePort} instead`);
      if (cgroupV1) notes.push('this Docker host uses cgroup v1: the config tells the kubelet to accept it (failCgroupV1: false)');
    }

    // Each value is one `--flag=VALUE` argument (checked name and image, absolute paths): none can become an option.
    const args = ['create', 'cluster', `--name=${o.name}`, `--config=${configPath}`];
    if (o.image) args.push(`--image=${o.image}`);
    if (o.kubeconfig) args.push(`--kubeconfig=${path.resolve(o.kubeconfig)}`);
    progress('create', `kind ${args.join(' ')}`);
    const t0 = Date.now();
    let created;
    try {
      created = await runTool('kind', args, { ...tools, timeoutMs: Math.max(1000, deadline - Date.now()), onLine: (l) => progress('create', l) });
    } catch (e) {
      await deleteOwnCluster(o, progress);
      throw e;
    }
    if (created.code !== 0) {
      // kind removes what it made when create fails (unless --retain); make sure of it.
      await deleteOwnCluster(o, progress);
      throw new KindToolError(`kind create cluster failed: ${firstErrorLine(created.stderr) || `exit ${created.code}`}`, 'failed');
    }
    const createdMs = Date.now() - t0;
    const context = `kind-${o.name}`;
    try {
      await waitUntilUsable(context, o, deadline, (m) => progress('wait', m));
    } catch (e) {
      await deleteOwnCluster(o, progress);
      throw e;
    }
    const usableMs = Date.now() - t0;
    const nodePorts = await nodePortMappings(o.name, tools).catch(() => []);
    return { name: o.name, context, config, nodePorts, createdMs, usableMs, notes };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function freeNodePort(isFree: (port: number) => Promise<boolean>): Promise<number> {
  for (let p = DEFAULT_NODE_PORT; p < DEFAULT_NODE_PORT + NODE_PORT_TRIES; p++) if (await isFree(p)) return p;
  throw new KindToolError(
    `host ports ${DEFAULT_NODE_PORT}–${DEFAULT_NODE_PORT + NODE_PORT_TRIES - 1} are all in use: free one, or pass your own --config`,
    'failed',
  );
}

/** Deletes the cluster this run was creating (it did not exist before: kind-create checked). */
async function deleteOwnCluster(o: KindCreateOptions, progress: (phase: KindCreatePhase, m: string) => void): Promise<void> {
  progress('cleanup', `deleting the unfinished cluster ${o.name}`);
  const args = ['delete', 'cluster', `--name=${o.name}`];
  if (o.kubeconfig) args.push(`--kubeconfig=${path.resolve(o.kubeconfig)}`);
  await runTool('kind', args, { env: o.env, timeoutMs: 120_000 }).catch(() => undefined);
}

/**
 * Node Ready, the `default` ServiceAccount (pods created before it exists are rejected) and CoreDNS
 * available (Service names resolve). Each is a state read from the API server once a second.
 */
async function waitUntilUsable(context: string, o: KindCreateOptions, deadline: number, say: (m: string) => void): Promise<void> {
  const info = loadKubeconfig({ kubeconfig: o.kubeconfig ? path.resolve(o.kubeconfig) : undefined, env: o.env });
  const client = openCluster(context, { info, timeoutMs: 10_000 });
  try {
    await waitFor(client, o.signal, deadline, 'the node to be Ready', async () => {
      // One page of a list (a new cluster has a node or a few).
      const nodes = objectsAt(await getJson(client, NODES, o.signal, BODY_LIMITS.list), 'items');
      return nodes.length > 0 && nodes.every((n) => conditionsAt(n, 'status', 'conditions').some((c) => c.type === 'Ready' && c.status === 'True'));
    });
    say('node Ready');
    await waitFor(
      client,
      o.signal,
      deadline,
      'the default ServiceAccount',
      async () => (await getJson(client, DEFAULT_SERVICE_ACCOUNT, o.signal)) !== undefined,
    );
    say('default ServiceAccount present');
    await waitFor(
      client,
      o.signal,
      deadline,
      'CoreDNS',
      async () => (numberAt(await getJson(client, COREDNS, o.signal), 'status', 'availableReplicas') ?? 0) > 0,
    );
    say('CoreDNS available');
  } finally {
    client.close();
  }
}

const NODES = resourcePath({ apiVersion: 'v1', resource: 'nodes' });
const DEFAULT_SERVICE_ACCOUNT = resourcePath({ apiVersion: 'v1', resource: 'serviceaccounts', namespace: 'default', name: 'default', kind: 'ServiceAccount' });
const COREDNS = resourcePath({ apiVersion: 'apps/v1', resource: 'deployments', namespace: 'kube-system', name: 'coredns', kind: 'Deployment' });

/** The body of a 200 answer that is a JSON object, else undefined. */
async function getJson(client: ClusterClient, p: ApiPath, signal?: AbortSignal, maxBytes?: number): Promise<object | undefined> {
  const res = await client.request({ method: 'GET', path: p, signal, maxBytes });
  return res.status === 200 && res.body && typeof res.body === 'object' ? res.body : undefined;
}

async function waitFor(client: ClusterClient, signal: AbortSignal | undefined, deadline: number, what: string, ready: () => Promise<boolean>): Promise<void> {
  let last = '';
  for (;;) {
    if (signal?.aborted) throw new KindToolError('cancelled', 'cancelled');
    try {
      if (await ready()) return;
    } catch (e) {
      last = printableLine(errorText(e), 300);
    }
    if (Date.now() > deadline) throw new KindToolError(`timed out waiting for ${what} on ${client.context.name}${last ? ` (${last})` : ''}`, 'failed');
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 1000);
      signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
  }
}
