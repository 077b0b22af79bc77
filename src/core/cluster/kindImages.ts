/**
 * kind image loading: which images the manifests use, which of them the local Docker engine has,
 * and `kind load docker-image IMAGE --name CLUSTER` for the ones it has. kind nodes cannot pull
 * from the host, so an image that was built but not loaded ends in ErrImagePull/ImagePullBackOff.
 *
 * Both tools are run as programs found on PATH, or at $KUBE_TOPOLOGY_KIND / $KUBE_TOPOLOGY_DOCKER.
 * Every failure is a KindToolError with a message a person can act on.
 *
 * Nothing from a manifest becomes an option: an image must be a valid image reference (which can
 * never start with "-") and is passed after "--"; the cluster name must be a kind cluster name and
 * is passed as one "--name=NAME" argument.
 */
import { KindToolError, runTool } from '../kind/toolRunner';
import { containersOf, effectiveNamespace, podTemplateOf } from '../model/kinds';
import { printableLine } from '../terminalText';

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
  /** Set when the text is not an image reference: it is never passed to docker or kind. */
  problem?: string;
}

/** Anything with a kind, a name and the object: parsed Resources qualify. */
export interface ManifestLike {
  kind?: string;
  name?: string;
  namespace?: string;
  object: Record<string, unknown>;
}

// The reference grammar of github.com/distribution/reference (what docker and containerd accept).
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${NAME})(?::${TAG})?(?:@${DIGEST})?$`);

/** Why `image` is not an image reference (the grammar of distribution/reference, as kind-load checks it), in a sentence, or undefined. */
export function imageProblem(image: string): string | undefined {
  const problem = imageReferenceProblem(image);
  return problem ? `${JSON.stringify(printableLine(image, 80))} is not a container image reference: ${problem}` : undefined;
}

/** Why `image` is not an image reference docker or kind would take, or undefined when it is one. */
export function imageReferenceProblem(image: string): string | undefined {
  if (image === '') return 'it is empty';
  if (image.startsWith('-')) return 'it starts with "-"';
  if (image.length > 4096) return 'it is too long';
  const m = REFERENCE.exec(image);
  if (!m) return 'it is not an image reference ([registry/]name[:tag][@digest], lower-case name)';
  if (m[1].length > 255) return 'its name is longer than 255 characters';
  return undefined;
}

/** kind's own rule for cluster names (sigs.k8s.io/kind pkg/internal/apis/config/validate.go). */
export function kindClusterNameProblem(name: string): string | undefined {
  if (!/^[a-z0-9.-]+$/.test(name)) return 'a kind cluster name has only lower-case letters, digits, "." and "-"';
  if (name.startsWith('-')) return 'it starts with "-"';
  if (name.length > 50) return 'it is longer than 50 characters';
  return undefined;
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
      if (!use) {
        use = { image, usedBy: [] };
        const problem = imageReferenceProblem(image);
        if (problem) use.problem = problem;
        byImage.set(image, use);
      }
      use.usedBy.push({ kind: r.kind ?? '', namespace: effectiveNamespace(r, defaultNamespace), name: r.name ?? '', container: c.name, init: c.init });
    }
  }
  return [...byImage.values()];
}

// ---------------------------------------------------------------------------------------------
// running docker and kind

export interface ToolOptions {
  /** Environment to read KUBE_TOPOLOGY_KIND / KUBE_TOPOLOGY_DOCKER / PATH from (default process.env). */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Per command, ms (default 60 s for docker, 10 min for kind load). */
  timeoutMs?: number;
}

export { KindToolError, toolBinary, type KindToolProblem, type Tool } from '../kind/toolRunner';

/** The image, or a KindToolError when it is not an image reference (it would otherwise reach a command line). */
function checkedImage(image: string): string {
  const problem = imageReferenceProblem(image);
  if (problem) throw new KindToolError(`${JSON.stringify(image.slice(0, 200))} is not a valid image reference: ${problem}; nothing was run for it`, 'failed');
  return image;
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
    const r = await runTool('docker', ['image', 'inspect', '--format', '{{.Id}}', '--', checkedImage(image)], {
      ...opts,
      timeoutMs: opts.timeoutMs ?? 60_000,
    });
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
  for (const image of images) checkedImage(image);
  const problem = kindClusterNameProblem(cluster);
  if (problem) throw new KindToolError(`kind cluster name ${JSON.stringify(cluster)} is not valid: ${problem}`, 'failed');
  const total = images.length;
  // One `kind load` for every image: one `docker save` and one import per node instead of one per
  // image (a third faster for the gateway + model pair). Only when it fails do we go image by
  // image, to say which one.
  if (total > 1) {
    for (const [index, image] of images.entries()) opts.onProgress?.({ image, index, total, state: 'loading' });
    const r = await runTool('kind', ['load', 'docker-image', `--name=${cluster}`, '--', ...images], { ...opts, timeoutMs: opts.timeoutMs ?? 600_000 });
    if (r.code === 0) {
      for (const [index, image] of images.entries()) opts.onProgress?.({ image, index, total, state: 'loaded' });
      return images.map((image) => ({ image, loaded: true }));
    }
    await throwIfClusterUnusable(r.stderr, cluster, opts);
  }
  const results: LoadResult[] = [];
  for (const [index, image] of images.entries()) {
    opts.onProgress?.({ image, index, total, state: 'loading' });
    const r = await runTool('kind', ['load', 'docker-image', `--name=${cluster}`, '--', image], { ...opts, timeoutMs: opts.timeoutMs ?? 600_000 });
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
