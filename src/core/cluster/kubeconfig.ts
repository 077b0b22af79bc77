/**
 * Kubeconfig files as kubectl reads them: `$KUBECONFIG` (several files, ':'-separated on Unix) or
 * ~/.kube/config, merged with kubectl's rules (the first file that names a cluster, user or
 * context wins; the first current-context wins; missing files are skipped), and every context
 * classified as local or remote from where its server is (locality.ts), never from its name.
 *
 * A kubeconfig is read with a ceiling (8 MiB: `--kubeconfig /dev/zero` ends at once), and a server
 * URL keeps only scheme, host, port and path: user:password@, a query and a fragment are dropped
 * (never sent, never shown), so no path is ever appended after a query string.
 *
 * Parsed with the `yaml` package, not @kubernetes/client-node, so listing contexts (status bar,
 * `kube-topology contexts`) stays cheap; clusterClient.ts turns the merged document into a
 * client-node KubeConfig only when a connection is opened.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readFileCapped, TooLargeError, MiB } from './boundedIo';
import { classifyServer, gatherLocalityEvidence, type LocalityEvidence, type LocalKind } from './locality';
import { redactServerUrl } from './redaction';

export type { LocalKind, LocalityEvidence } from './locality';
export { isLoopbackHost, serverHost, classifyServer, gatherLocalityEvidence } from './locality';

/** The largest kubeconfig file read. */
export const MAX_KUBECONFIG_BYTES = 8 * MiB;

export interface ContextInfo {
  name: string;
  /** The cluster entry the context uses. */
  cluster: string;
  /**
   * The API server URL as it is used and shown: scheme, host, port and path only ('' when the
   * cluster entry is missing; the redacted text when it is not an http(s) URL).
   */
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
  /** What this machine says about server addresses (gatherLocalityEvidence); without it only loopback servers are local. */
  locality?: LocalityEvidence;
}

/** A kubeconfig document as written (only the parts we read or pass on). */
export interface RawKubeconfig {
  apiVersion?: string;
  kind?: string;
  clusters: Array<{ name: string; cluster?: Record<string, unknown> & { server?: string } }>;
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
      text = readFileCapped(file, MAX_KUBECONFIG_BYTES, `kubeconfig ${file}`).toString('utf8');
    } catch (e) {
      // Bigger than any real kubeconfig (or an endless device): refused, not read on.
      if (e instanceof TooLargeError) throw new KubeconfigError(e.message);
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
      const cluster = c.cluster && typeof c.cluster === 'object' ? absolutize(c.cluster, dir, ['certificate-authority']) : undefined;
      if (cluster && typeof cluster.server === 'string') {
        const { server, dropped } = normalizeServerUrl(cluster.server);
        if (dropped.length) warnings.push(`${file}: cluster "${c.name}": the server URL's ${dropped.join(' and ')} ignored (never sent, never shown)`);
        cluster.server = server;
      }
      merged.clusters.push({ name: c.name, cluster });
    }
    for (const u of doc.users) {
      if (merged.users.some((x) => x.name === u.name)) continue;
      merged.users.push({ name: u.name, user: u.user && typeof u.user === 'object' ? absolutizeUser(u.user, dir) : undefined });
    }
    for (const c of doc.contexts) {
      if (merged.contexts.some((x) => x.name === c.name)) continue;
      merged.contexts.push(c);
      contextFile.set(c.name, file);
    }
    if (!merged['current-context'] && doc['current-context']) merged['current-context'] = doc['current-context'];
    warnings.push(...doc.warnings.map((w) => `${file}: ${w}`));
  }
  const contexts = merged.contexts.map((c) => describeContext(c, merged, contextFile.get(c.name) ?? '', opts.locality, warnings));
  const current = merged['current-context'];
  return { contexts, currentContext: current || undefined, files: read, warnings, merged };
}

function describeContext(
  c: RawKubeconfig['contexts'][number],
  merged: RawKubeconfig,
  file: string,
  locality: LocalityEvidence | undefined,
  warnings: string[],
): ContextInfo {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const clusterName = text(c.context?.cluster);
  const userName = text(c.context?.user);
  const cluster = merged.clusters.find((x) => x.name === clusterName);
  const user = merged.users.find((x) => x.name === userName);
  if (!cluster) warnings.push(`context "${c.name}" names cluster "${clusterName}", which no kubeconfig file defines`);
  const exec = user?.user?.exec as { command?: unknown } | undefined;
  const info: ContextInfo = { name: c.name, cluster: clusterName, server: text(cluster?.cluster?.server), user: userName, local: false, file };
  const namespace = text(c.context?.namespace);
  if (namespace) info.namespace = namespace;
  if (exec && typeof exec.command === 'string') info.execCommand = exec.command;
  return classified(info, locality);
}

/** The context with local/localKind/kindCluster decided from its server and the evidence. */
function classified(info: ContextInfo, locality: LocalityEvidence | undefined): ContextInfo {
  const { local: _l, localKind: _k, kindCluster: _c, ...rest } = info;
  const where = classifyServer(info.server, [info.name, info.cluster], locality);
  return {
    ...rest,
    local: where.local,
    ...(where.localKind ? { localKind: where.localKind } : {}),
    ...(where.kindCluster ? { kindCluster: where.kindCluster } : {}),
  };
}

interface ParsedKubeconfig extends RawKubeconfig {
  warnings: string[];
}

function parseKubeconfigText(text: string, file: string): ParsedKubeconfig {
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: false });
  } catch (e) {
    // Never the offending text: a kubeconfig line may hold a token. The parser's words and a line number only.
    const pos = (e as { pos?: [number, number] }).pos?.[0];
    const line = typeof pos === 'number' ? text.slice(0, pos).split('\n').length : undefined;
    throw new KubeconfigError(`${file}: not valid YAML${line ? ` at line ${line}` : ''} (${(e as Error).message.split('\n')[0].slice(0, 120)})`);
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
      const ok = typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string' && (e as { name: string }).name !== '';
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

/**
 * A server URL as it is used: scheme, host, port and path. User info, query and fragment are
 * dropped (and named in `dropped`); text that is not a URL is kept redacted for messages.
 */
export function normalizeServerUrl(raw: string): { server: string; dropped: string[] } {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { server: redactServerUrl(text), dropped: [] };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { server: redactServerUrl(text), dropped: [] };
  const dropped: string[] = [];
  if (url.username || url.password) dropped.push('user:password@');
  if (url.search) dropped.push('query string');
  if (url.hash) dropped.push('fragment');
  return { server: `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`, dropped };
}

/**
 * The contexts classified again with what this machine says about the servers that are not
 * plainly loopback (kind's own kubeconfig entries, the kind node's address, DNS): a server kind
 * reports as its own becomes local. Nothing is run when every server is loopback; the files are
 * not read again (a kubeconfig from a pipe can be read once).
 */
export async function withLocality(info: KubeconfigInfo, opts: { only?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<KubeconfigInfo> {
  const candidates = info.contexts.filter((c) => !c.local && c.server && (opts.only === undefined || c.name === opts.only));
  if (candidates.length === 0) return info;
  const locality = await gatherLocalityEvidence(
    candidates.map((c) => c.server),
    { env: opts.env, timeoutMs: opts.timeoutMs },
  );
  return { ...info, contexts: info.contexts.map((c) => classified(c, locality)) };
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
