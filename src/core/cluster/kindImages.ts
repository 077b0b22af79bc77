/**
 * kind image loading: which images the manifests use, which of them the local Docker engine has,
 * and `kind load docker-image IMAGE --name CLUSTER` for the ones it has. kind nodes cannot pull
 * from the host, so an image that was built but not loaded ends in ErrImagePull/ImagePullBackOff.
 *
 * Both tools are run as programs found on PATH, or at $KUBE_TOPOLOGY_KIND / $KUBE_TOPOLOGY_DOCKER.
 * Every failure is a KindToolError with a message a person can act on.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { containersOf, effectiveNamespace, podTemplateOf } from '../model/kinds';

export interface ImageUser {
  kind: string;
  namespace?: string;
  name: string;
  container: string;
  init: boolean;
}

export interface ImageUse {
  image: string;
  usedBy: ImageUser[];
}

/** Anything with a kind, a name and the object: parsed Resources qualify. */
export interface ManifestLike {
  kind?: string;
  name?: string;
  namespace?: string;
  object: Record<string, unknown>;
}

/** Every container and init-container image the workloads use, in first-use order, deduped. */
export function imagesOf(resources: readonly ManifestLike[], defaultNamespace = 'default'): ImageUse[] {
  const byImage = new Map<string, ImageUse>();
  for (const r of resources) {
    const t = podTemplateOf(r);
    if (!t) continue;
    for (const c of containersOf(t, true)) {
      const image = typeof c.container.image === 'string' ? c.container.image.trim() : '';
      if (!image) continue;
      let use = byImage.get(image);
      if (!use) byImage.set(image, (use = { image, usedBy: [] }));
      use.usedBy.push({ kind: r.kind ?? '', namespace: effectiveNamespace(r, defaultNamespace), name: r.name ?? '', container: c.name, init: c.init });
    }
  }
  return [...byImage.values()];
}

// ---------------------------------------------------------------------------------------------
// running docker and kind

export type KindToolProblem = 'not-installed' | 'daemon-down' | 'no-cluster' | 'failed' | 'cancelled';

export class KindToolError extends Error {
  constructor(
    message: string,
    readonly problem: KindToolProblem,
  ) {
    super(message);
    this.name = 'KindToolError';
  }
}

export interface ToolOptions {
  /** Environment to read KUBE_TOPOLOGY_KIND / KUBE_TOPOLOGY_DOCKER / PATH from (default process.env). */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Per command, ms (default 60 s for docker, 10 min for kind load). */
  timeoutMs?: number;
}

type Tool = 'docker' | 'kind';
const ENV_VAR: Record<Tool, string> = { docker: 'KUBE_TOPOLOGY_DOCKER', kind: 'KUBE_TOPOLOGY_KIND' };

/** The binary to run: the env override, else the bare name (found on PATH). */
export function toolBinary(tool: Tool, env: NodeJS.ProcessEnv = process.env): string {
  return env[ENV_VAR[tool]] || tool;
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function notInstalled(tool: Tool, env: NodeJS.ProcessEnv): KindToolError {
  const override = env[ENV_VAR[tool]];
  return new KindToolError(
    override
      ? `${tool} not found at ${override} (from ${ENV_VAR[tool]})`
      : `${tool} is not installed or not on PATH (install it, or set ${ENV_VAR[tool]} to its path)`,
    'not-installed',
  );
}

function runTool(tool: Tool, args: string[], opts: ToolOptions & { timeoutMs: number }): Promise<RunResult> {
  const env = opts.env ?? process.env;
  const bin = toolBinary(tool, env);
  // kind runs `docker` itself: give it the same docker we use.
  const childEnv = { ...env };
  const docker = env.KUBE_TOPOLOGY_DOCKER;
  if (tool === 'kind' && docker) childEnv.PATH = `${path.dirname(docker)}${path.delimiter}${env.PATH ?? ''}`;
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new KindToolError('cancelled', 'cancelled'));
      return;
    }
    let child;
    try {
      child = spawn(bin, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      reject((e as NodeJS.ErrnoException).code === 'ENOENT' ? notInstalled(tool, env) : e);
      return;
    }
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      f();
    };
    const onAbort = () => {
      child.kill('SIGTERM');
      finish(() => reject(new KindToolError('cancelled', 'cancelled')));
    };
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      finish(() => reject(new KindToolError(`${tool} ${args.join(' ')}: no result after ${opts.timeoutMs / 1000} s`, 'failed')));
    }, opts.timeoutMs);
    opts.signal?.addEventListener('abort', onAbort);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e: NodeJS.ErrnoException) => finish(() => reject(e.code === 'ENOENT' || e.code === 'EACCES' ? notInstalled(tool, env) : e)));
    child.on('close', (code) => finish(() => resolve({ code: code ?? 1, stdout, stderr })));
  });
}

const DAEMON_DOWN = /Cannot connect to the Docker daemon|Is the docker daemon running|error during connect|docker\.sock: connect/i;

function daemonDown(stderr: string): KindToolError {
  return new KindToolError(`the Docker daemon is not running or not reachable (${stderr.trim().split('\n')[0]})`, 'daemon-down');
}

export interface LocalImageStatus {
  image: string;
  present: boolean;
  /** Image id (`sha256:…`) when present. */
  id?: string;
}

/** Which images the local Docker engine has (`docker image inspect`). Throws when docker cannot answer at all. */
export async function localImageStatus(images: readonly string[], opts: ToolOptions = {}): Promise<LocalImageStatus[]> {
  const out: LocalImageStatus[] = [];
  for (const image of images) {
    const r = await runTool('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { ...opts, timeoutMs: opts.timeoutMs ?? 60_000 });
    if (r.code === 0) out.push({ image, present: true, id: r.stdout.trim() });
    else if (DAEMON_DOWN.test(r.stderr)) throw daemonDown(r.stderr);
    else if (/no such (image|object)/i.test(r.stderr)) out.push({ image, present: false });
    else throw new KindToolError(`docker image inspect ${image} failed: ${r.stderr.trim() || `exit ${r.code}`}`, 'failed');
  }
  return out;
}

/** Names of the kind clusters on this machine (`kind get clusters`). */
export async function listKindClusters(opts: ToolOptions = {}): Promise<string[]> {
  const r = await runTool('kind', ['get', 'clusters'], { ...opts, timeoutMs: opts.timeoutMs ?? 30_000 });
  if (r.code !== 0) {
    if (DAEMON_DOWN.test(r.stderr)) throw daemonDown(r.stderr);
    throw new KindToolError(`kind get clusters failed: ${r.stderr.trim() || `exit ${r.code}`}`, 'failed');
  }
  // Older kind versions print "No kind clusters found." on stdout.
  return r.stdout
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith('No kind clusters'));
}

export interface LoadProgress {
  image: string;
  /** 0-based position and total, for "loading 2/3". */
  index: number;
  total: number;
  state: 'loading' | 'loaded' | 'failed';
  message?: string;
}

export interface LoadResult {
  image: string;
  loaded: boolean;
  error?: string;
}

/**
 * `kind load docker-image IMAGE --name CLUSTER`, one image at a time (each copies the image into
 * the node's containerd; in parallel they only compete for the same disk). A missing cluster or a
 * stopped daemon stops everything with a KindToolError; one image failing does not stop the rest.
 */
export async function loadImagesIntoKind(
  images: readonly string[],
  cluster: string,
  opts: ToolOptions & { onProgress?: (p: LoadProgress) => void } = {},
): Promise<LoadResult[]> {
  if (images.length === 0) return [];
  const total = images.length;
  // One `kind load` for every image: one `docker save` and one import per node instead of one per
  // image (a third faster for the gateway + model pair). Only when it fails do we go image by
  // image, to say which one.
  if (total > 1) {
    for (const [index, image] of images.entries()) opts.onProgress?.({ image, index, total, state: 'loading' });
    const r = await runTool('kind', ['load', 'docker-image', ...images, '--name', cluster], { ...opts, timeoutMs: opts.timeoutMs ?? 600_000 });
    if (r.code === 0) {
      for (const [index, image] of images.entries()) opts.onProgress?.({ image, index, total, state: 'loaded' });
      return images.map((image) => ({ image, loaded: true }));
    }
    await throwIfClusterUnusable(r.stderr, cluster, opts);
  }
  const results: LoadResult[] = [];
  for (const [index, image] of images.entries()) {
    opts.onProgress?.({ image, index, total, state: 'loading' });
    const r = await runTool('kind', ['load', 'docker-image', image, '--name', cluster], { ...opts, timeoutMs: opts.timeoutMs ?? 600_000 });
    if (r.code === 0) {
      results.push({ image, loaded: true });
      opts.onProgress?.({ image, index, total, state: 'loaded' });
      continue;
    }
    await throwIfClusterUnusable(r.stderr, cluster, opts);
    const message = lastErrorLine(r.stderr) || `exit ${r.code}`;
    results.push({ image, loaded: false, error: message });
    opts.onProgress?.({ image, index, total, state: 'failed', message });
  }
  return results;
}

/** A daemon that is down or a cluster that does not exist fails every image alike: say so once. */
async function throwIfClusterUnusable(stderr: string, cluster: string, opts: ToolOptions): Promise<void> {
  if (DAEMON_DOWN.test(stderr)) throw daemonDown(stderr);
  if (!/no nodes found for cluster/i.test(stderr)) return;
  let known = '';
  try {
    const names = await listKindClusters(opts);
    known = names.length ? ` (kind get clusters: ${names.join(', ')})` : ' (there are no kind clusters)';
  } catch {
    /* the first message is enough */
  }
  throw new KindToolError(`kind cluster "${cluster}" not found${known}`, 'no-cluster');
}

function lastErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /^ERROR:/.test(l)) ?? lines[lines.length - 1] ?? '';
}
