/**
 * Whether a cluster is on this machine, decided from where its server is — never from what a
 * context or cluster is called. A context named `kind-dev` that points at https://k8s.example.com
 * is remote.
 *
 * Local: a loopback address (127.0.0.0/8, ::1, localhost), a unix socket, a host name that
 * resolves only to loopback addresses here (Docker Desktop's kubernetes.docker.internal), or a
 * server that kind itself reports for one of its clusters (`kind get kubeconfig [--internal]`,
 * or the address of the cluster's control-plane container on kind's Docker network).
 */
import * as dns from 'node:dns';
import * as net from 'node:net';
import { parse as parseYaml } from 'yaml';
import { at, asString } from './serverObject';
import { listKindClusters } from './kindImages';
import { runTool } from '../kind/toolRunner';

export type LocalKind = 'kind' | 'minikube' | 'docker-desktop' | 'loopback' | 'unix-socket';

/** What this machine says about addresses, gathered once (kind and DNS answers). */
export interface LocalityEvidence {
  /** kind clusters here, each with the server URLs kind reports for it. */
  kind: Array<{ name: string; servers: string[] }>;
  /** Host names that resolve only to loopback addresses here. */
  loopbackNames: string[];
}

export interface Locality {
  local: boolean;
  localKind?: LocalKind;
  /** For kind: the cluster name `kind load --name` wants. */
  kindCluster?: string;
}

/** The host of a server URL, lower-case, without IPv6 brackets; undefined when it is not a URL. */
export function serverHost(server: string): string | undefined {
  try {
    return new URL(server).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  // 0.0.0.0 (k3d writes it) and :: connect to this machine.
  if (h === '0.0.0.0' || h === '::') return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) {
    const mapped = /^(?:0*:)*:?ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(h)?.[1];
    if (mapped) return mapped.startsWith('127.');
    return normalizeIPv6(h) === '0:0:0:0:0:0:0:1';
  }
  return false;
}

function normalizeIPv6(h: string): string {
  const [head, tail = ''] = h.split('::');
  const a = head ? head.split(':') : [];
  const b = tail ? tail.split(':') : [];
  const fill: string[] = h.includes('::') ? new Array<string>(Math.max(0, 8 - a.length - b.length)).fill('0') : [];
  return [...a, ...fill, ...b].map((x) => String(parseInt(x || '0', 16))).join(':');
}

function isUnixSocket(server: string): boolean {
  return /^(unix|http\+unix|https\+unix):/i.test(server);
}

/** scheme://host:port of a URL (default ports filled in), for comparing servers. */
function endpointOf(server: string): string | undefined {
  try {
    const u = new URL(server);
    const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
    return `${u.protocol}//${u.hostname.toLowerCase()}:${port}`;
  } catch {
    return undefined;
  }
}

/**
 * Where a server is. `names` (the context and cluster names) only choose the label of a cluster
 * already known to be local (kind, minikube, docker-desktop); they never make it local.
 */
export function classifyServer(server: string, names: readonly string[], evidence?: LocalityEvidence): Locality {
  if (isUnixSocket(server)) return { local: true, localKind: 'unix-socket' };
  const endpoint = endpointOf(server);
  const host = serverHost(server);
  if (!endpoint || !host) return { local: false };
  for (const k of evidence?.kind ?? []) {
    if (k.servers.some((s) => endpointOf(s) === endpoint)) return { local: true, localKind: 'kind', kindCluster: k.name };
  }
  const loopback = isLoopbackHost(host) || (evidence?.loopbackNames.includes(host) ?? false);
  if (!loopback) return { local: false };
  const kindName = names.find((n) => n.startsWith('kind-') && n.length > 5)?.slice(5);
  // A loopback server under a kind-* name is kind's (kind writes 127.0.0.1) unless kind says it has no such cluster.
  if (kindName && (!evidence || evidence.kind.some((k) => k.name === kindName))) return { local: true, localKind: 'kind', kindCluster: kindName };
  if (names.includes('minikube')) return { local: true, localKind: 'minikube' };
  if (host === 'kubernetes.docker.internal' || names.includes('docker-desktop') || names.includes('docker-for-desktop'))
    return { local: true, localKind: 'docker-desktop' };
  return { local: true, localKind: 'loopback' };
}

export interface EvidenceOptions {
  env?: NodeJS.ProcessEnv;
  /** Per command / lookup (default 3 s). */
  timeoutMs?: number;
}

/**
 * Asks this machine about the servers that are not plainly loopback: kind's own view of its
 * clusters and DNS. Never throws; a tool that is missing or slow just adds no evidence.
 */
export async function gatherLocalityEvidence(servers: readonly string[], opts: EvidenceOptions = {}): Promise<LocalityEvidence> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const evidence: LocalityEvidence = { kind: [], loopbackNames: [] };
  const hosts = [...new Set(servers.map(serverHost).filter((h): h is string => !!h && !isLoopbackHost(h)))];
  if (hosts.length === 0) return evidence;
  const names = hosts.filter((h) => net.isIP(h) === 0);
  const [kind] = await Promise.all([
    kindEvidence(hosts, opts.env, timeoutMs),
    Promise.all(
      names.map(async (h) => {
        if (await resolvesToLoopbackOnly(h, timeoutMs)) evidence.loopbackNames.push(h);
      }),
    ),
  ]);
  evidence.kind = kind;
  return evidence;
}

async function kindEvidence(hosts: readonly string[], env: NodeJS.ProcessEnv | undefined, timeoutMs: number): Promise<LocalityEvidence['kind']> {
  let clusters: string[];
  try {
    clusters = await listKindClusters({ env, timeoutMs });
  } catch {
    return [];
  }
  const wantsContainerIps = hosts.some((h) => net.isIP(h) !== 0);
  return Promise.all(
    clusters.slice(0, 20).map(async (name) => {
      const servers: string[] = [];
      for (const internal of [false, true]) {
        const r = await runTool('kind', ['get', 'kubeconfig', `--name=${name}`, ...(internal ? ['--internal'] : [])], { env, timeoutMs }).catch(
          () => undefined,
        );
        const server = r?.code === 0 ? firstClusterServer(r.stdout) : undefined;
        if (server) servers.push(server);
      }
      if (wantsContainerIps) servers.push(...(await containerServers(name, env, timeoutMs)));
      return { name, servers };
    }),
  );
}

/** The control-plane container's addresses on its Docker networks, as https://IP:6443. */
async function containerServers(cluster: string, env: NodeJS.ProcessEnv | undefined, timeoutMs: number): Promise<string[]> {
  const r = await runTool('docker', ['inspect', '--type=container', '--format', '{{json .NetworkSettings.Networks}}', '--', `${cluster}-control-plane`], {
    env,
    timeoutMs,
  }).catch(() => undefined);
  if (r?.code !== 0) return [];
  let doc: unknown;
  try {
    doc = JSON.parse(r.stdout);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const network of Object.values(typeof doc === 'object' && doc ? doc : {})) {
    const v4 = asString(at(network, 'IPAddress'));
    const v6 = asString(at(network, 'GlobalIPv6Address'));
    if (v4 && net.isIPv4(v4)) out.push(`https://${v4}:6443`);
    if (v6 && net.isIPv6(v6)) out.push(`https://[${v6}]:6443`);
  }
  return out;
}

async function resolvesToLoopbackOnly(host: string, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const addresses = await Promise.race([
      dns.promises.lookup(host, { all: true }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
        timer.unref();
      }),
    ]);
    return addresses.length > 0 && addresses.every((a) => isLoopbackHost(a.address));
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** The kubeconfig server of YAML text kind printed (first cluster). */
export function firstClusterServer(text: string): string | undefined {
  try {
    const doc: unknown = parseYaml(text);
    const clusters = at(doc, 'clusters');
    return Array.isArray(clusters) ? asString(at(clusters[0], 'cluster', 'server')) : undefined;
  } catch {
    return undefined;
  }
}
