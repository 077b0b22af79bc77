/**
 * Kubeconfig files as kubectl reads them: `$KUBECONFIG` (several files, ':'-separated on Unix) or
 * ~/.kube/config, merged with kubectl's rules (the first file that names a cluster, user or
 * context wins; the first current-context wins; missing files are skipped), and every context
 * classified as local (kind, minikube, docker-desktop, a loopback server) or remote.
 *
 * Parsed with the `yaml` package, not @kubernetes/client-node, so listing contexts (status bar,
 * `kube-topology contexts`) stays cheap; clusterClient.ts turns the merged document into a
 * client-node KubeConfig only when a connection is opened.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listKindClusters as kindClusterNames } from './kindImages';
import { parse as parseYaml } from 'yaml';

export type LocalKind = 'kind' | 'minikube' | 'docker-desktop' | 'loopback';

export interface ContextInfo {
  name: string;
  /** The cluster entry the context uses. */
  cluster: string;
  /** The API server URL ('' when the cluster entry is missing). */
  server: string;
  /** The user entry the context uses. */
  user: string;
  namespace?: string;
  /** A cluster on this machine: applying there does not ask first. */
  local: boolean;
  localKind?: LocalKind;
  /** For kind: the cluster name `kind load docker-image --name` wants. */
  kindCluster?: string;
  /** The user authenticates with an exec credential plugin (the command it runs). */
  execCommand?: string;
  /** The file that defined the context. */
  file: string;
}

export interface KubeconfigInfo {
  contexts: ContextInfo[];
  currentContext?: string;
  /** The files read, in order (missing ones are in `warnings`). */
  files: string[];
  /** Missing files, entries without a name, unknown references: reported, never fatal. */
  warnings: string[];
  /** The merged kubeconfig (paths made absolute), what clusterClient.ts hands to client-node. */
  merged: RawKubeconfig;
}

export interface LoadKubeconfigOptions {
  /** A path list like $KUBECONFIG (path.delimiter-separated); default $KUBECONFIG, then ~/.kube/config. */
  kubeconfig?: string;
  /** Environment to read KUBECONFIG from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Home directory for ~/.kube/config (default os.homedir()). */
  homeDir?: string;
  /** Names from `kind get clusters` (see listKindClusters): a context whose cluster is one of them is kind. */
  kindClusters?: readonly string[];
}

/** A kubeconfig document as written (only the parts we read or pass on). */
export interface RawKubeconfig {
  apiVersion?: string;
  kind?: string;
  clusters: Array<{ name: string; cluster?: Record<string, unknown> & { server?: string; extensions?: unknown } }>;
  users: Array<{ name: string; user?: Record<string, unknown> }>;
  contexts: Array<{ name: string; context?: { cluster?: string; user?: string; namespace?: string } }>;
  'current-context'?: string;
}

export class KubeconfigError extends Error {}

/** The files kubectl would read, in order. */
export function kubeconfigFiles(opts: LoadKubeconfigOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const list = opts.kubeconfig ?? env.KUBECONFIG;
  if (list && list.length > 0)
    return list
      .split(path.delimiter)
      .filter(Boolean)
      .map((f) => path.resolve(f));
  return [path.join(opts.homeDir ?? os.homedir(), '.kube', 'config')];
}

/** Reads and merges the kubeconfig files. Throws KubeconfigError only for a file that exists but is not a kubeconfig. */
export function loadKubeconfig(opts: LoadKubeconfigOptions = {}): KubeconfigInfo {
  const files = kubeconfigFiles(opts);
  const warnings: string[] = [];
  const merged: RawKubeconfig = { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [] };
  const contextFile = new Map<string, string>();
  const read: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // kubectl skips files of the list that do not exist; so do we, but say so.
      warnings.push(`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? (e as Error).message})`}`);
      continue;
    }
    read.push(file);
    const doc = parseKubeconfigText(text, file);
    const dir = path.dirname(file);
    for (const c of doc.clusters) {
      if (merged.clusters.some((x) => x.name === c.name)) continue;
      merged.clusters.push({ name: c.name, cluster: c.cluster && absolutize(c.cluster, dir, ['certificate-authority']) });
    }
    for (const u of doc.users) {
      if (merged.users.some((x) => x.name === u.name)) continue;
      merged.users.push({ name: u.name, user: u.user && absolutizeUser(u.user, dir) });
    }
    for (const c of doc.contexts) {
      if (merged.contexts.some((x) => x.name === c.name)) continue;
      merged.contexts.push(c);
      contextFile.set(c.name, file);
    }
    if (!merged['current-context'] && doc['current-context']) merged['current-context'] = doc['current-context'];
    warnings.push(...doc.warnings.map((w) => `${file}: ${w}`));
  }
  const kindSet = new Set(opts.kindClusters ?? []);
  const contexts = merged.contexts.map((c): ContextInfo => {
    const clusterName = c.context?.cluster ?? '';
    const userName = c.context?.user ?? '';
    const cluster = merged.clusters.find((x) => x.name === clusterName);
    const user = merged.users.find((x) => x.name === userName);
    if (!cluster) warnings.push(`context "${c.name}" names cluster "${clusterName}", which no kubeconfig file defines`);
    const server = typeof cluster?.cluster?.server === 'string' ? cluster.cluster.server : '';
    const exec = user?.user?.exec as { command?: unknown } | undefined;
    const info: ContextInfo = {
      name: c.name,
      cluster: clusterName,
      server,
      user: userName,
      local: false,
      file: contextFile.get(c.name) ?? '',
    };
    if (c.context?.namespace) info.namespace = c.context.namespace;
    if (exec && typeof exec.command === 'string') info.execCommand = exec.command;
    const local = classifyLocal(c.name, clusterName, server, cluster?.cluster?.extensions, kindSet);
    if (local) {
      info.local = true;
      info.localKind = local.kind;
      if (local.kindCluster) info.kindCluster = local.kindCluster;
    }
    return info;
  });
  const current = merged['current-context'];
  return { contexts, currentContext: current || undefined, files: read, warnings, merged };
}

interface ParsedKubeconfig extends RawKubeconfig {
  warnings: string[];
}

function parseKubeconfigText(text: string, file: string): ParsedKubeconfig {
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: false });
  } catch (e) {
    throw new KubeconfigError(`${file}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (doc == null) doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new KubeconfigError(`${file}: not a kubeconfig (expected a mapping with clusters, users, contexts)`);
  const d = doc as Record<string, unknown>;
  const warnings: string[] = [];
  const named = <T extends { name: string }>(key: string): T[] => {
    const v = d[key];
    if (v == null) return [];
    if (!Array.isArray(v)) {
      warnings.push(`${key} is not a list; ignored`);
      return [];
    }
    return v.filter((e, i) => {
      const ok = e && typeof e === 'object' && typeof (e as { name?: unknown }).name === 'string' && (e as { name: string }).name !== '';
      if (!ok) warnings.push(`${key}[${i}] has no name; ignored`);
      return ok;
    }) as T[];
  };
  const current = d['current-context'];
  return {
    clusters: named('clusters'),
    users: named('users'),
    contexts: named('contexts'),
    'current-context': typeof current === 'string' ? current : undefined,
    warnings,
  };
}

function absolutize<T extends Record<string, unknown>>(entry: T, dir: string, keys: string[]): T {
  const out: Record<string, unknown> = { ...entry };
  for (const k of keys) {
    const v = out[k];
    if (typeof v === 'string' && v && !path.isAbsolute(v)) out[k] = path.resolve(dir, v);
  }
  return out as T;
}

function absolutizeUser(user: Record<string, unknown>, dir: string): Record<string, unknown> {
  const out = absolutize(user, dir, ['client-certificate', 'client-key', 'token-file']);
  const exec = out.exec as { command?: unknown } | undefined;
  // kubectl resolves an exec command with a path separator against the kubeconfig's folder; a bare name is looked up in PATH.
  if (exec && typeof exec.command === 'string' && exec.command.includes('/') && !path.isAbsolute(exec.command)) {
    out.exec = { ...exec, command: path.resolve(dir, exec.command) };
  }
  return out;
}

/** Whether a context points at a cluster on this machine, and which kind of local cluster. */
export function classifyLocal(
  contextName: string,
  clusterName: string,
  server: string,
  extensions?: unknown,
  kindClusters: ReadonlySet<string> = new Set(),
): { kind: LocalKind; kindCluster?: string } | undefined {
  for (const name of [contextName, clusterName]) {
    if (name.startsWith('kind-') && name.length > 5) return { kind: 'kind', kindCluster: name.slice(5) };
  }
  if (kindClusters.has(clusterName)) return { kind: 'kind', kindCluster: clusterName };
  if (contextName === 'minikube' || clusterName === 'minikube' || mentionsMinikube(extensions)) return { kind: 'minikube' };
  const host = serverHost(server);
  if (contextName === 'docker-desktop' || contextName === 'docker-for-desktop' || host === 'kubernetes.docker.internal') return { kind: 'docker-desktop' };
  if (host !== undefined && isLoopbackHost(host)) return { kind: 'loopback' };
  return undefined;
}

function mentionsMinikube(extensions: unknown): boolean {
  // minikube writes `extensions: [{name: cluster_info, extension: {provider: minikube.sigs.k8s.io}}]`.
  return Array.isArray(extensions) && extensions.some((e) => JSON.stringify(e ?? '').includes('minikube.sigs.k8s.io'));
}

/** The host part of a server URL, lower-case, without IPv6 brackets. */
export function serverHost(server: string): string | undefined {
  try {
    return new URL(server).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  // 0.0.0.0 is what k3d writes: the client connects to this machine.
  if (h === '0.0.0.0') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

/**
 * `kind get clusters` (kind from $KUBE_TOPOLOGY_KIND or PATH); undefined when it cannot run (never required).
 * Bounded: a kind that hangs (e.g. waiting for docker) is given up after timeoutMs.
 */
export async function listKindClusters(timeoutMs = 3000): Promise<string[] | undefined> {
  try {
    return await kindClusterNames({ timeoutMs });
  } catch {
    return undefined; // no kind, no docker: the kind-* context names are enough
  }
}

/** Finds a context by name with a readable error naming the known ones. */
export function findContext(info: KubeconfigInfo, name?: string): ContextInfo {
  const wanted = name ?? info.currentContext;
  if (!wanted) {
    throw new KubeconfigError(
      info.contexts.length
        ? `no current context in ${info.files.join(', ') || 'the kubeconfig'}; pick one with --context (known: ${info.contexts.map((c) => c.name).join(', ')})`
        : `no kubeconfig contexts found (read: ${info.files.join(', ') || 'none'}${info.warnings.length ? `; ${info.warnings.join('; ')}` : ''})`,
    );
  }
  const found = info.contexts.find((c) => c.name === wanted);
  if (!found) {
    const known = info.contexts.map((c) => c.name);
    throw new KubeconfigError(`kubeconfig has no context "${wanted}"${known.length ? ` (known: ${known.join(', ')})` : ''}`);
  }
  return found;
}
