import { parseArgs, stringOption } from './argParser';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type CliIo } from './cliIo';
import { loadIndex } from './manifestFiles';
import { loadKubeconfig } from '../core/cluster/kubeconfig';
import { imagesOf, KindToolError, kindClusterNameProblem, listKindClusters, loadImagesIntoKind, localImageStatus } from '../core/cluster/kindImages';
import { terminalIo } from './clusterCommon';

export const KIND_LOAD_HELP = `Usage: kube-topology kind-load [options] PATH...

Finds every container image the manifests use, checks which ones the local Docker engine has,
and loads those into a kind cluster's node (kind load docker-image). kind nodes cannot pull
images from your machine: an image that is built but not loaded ends in ErrImagePull.

Options:
  --cluster NAME   kind cluster (default: the current context's, the only one, or "kind")
  --dry-run        list the images and whether they exist locally; load nothing

Binaries: kind and docker from PATH, or $KUBE_TOPOLOGY_KIND / $KUBE_TOPOLOGY_DOCKER. An image
that is not a valid image reference is reported and never passed to them.
Exit status: 0 every image loaded, 1 some image missing locally or not loaded, 2 usage error
or docker/kind unavailable.
`;

export async function runKindLoad(argv: string[], rawIo: CliIo): Promise<number> {
  const io = terminalIo(rawIo);
  const args = parseArgs(argv, {
    cluster: { value: true },
    'dry-run': {},
    help: { alias: 'h' },
  });
  if (args.options.help) {
    io.stdout(KIND_LOAD_HELP);
    return EXIT_OK;
  }
  if (args.positionals.length === 0) throw new UsageError('kind-load needs at least one PATH (a file, a folder, or - for stdin)');
  const index = await loadIndex(args.positionals, io);
  const all = imagesOf(index.resources());
  if (all.length === 0) {
    io.stdout('The manifests use no container images.\n');
    return EXIT_OK;
  }
  const clusterOption = stringOption(args, 'cluster');
  const clusterProblem = clusterOption !== undefined ? kindClusterNameProblem(clusterOption) : undefined;
  if (clusterProblem) throw new UsageError(`--cluster ${JSON.stringify(clusterOption)}: ${clusterProblem}`);
  // Text that is not an image reference never reaches docker or kind (it could be an option).
  const invalid = all.filter((u) => u.problem);
  const uses = all.filter((u) => !u.problem);
  for (const u of invalid)
    io.stderr(`kube-topology kind-load: ${JSON.stringify(u.image.slice(0, 200))} (${who(u)}) is not a valid image reference: ${u.problem}; skipped\n`);
  if (uses.length === 0) return EXIT_FINDINGS;

  try {
    const status = await localImageStatus(uses.map((u) => u.image));
    io.stdout(`Images used by the manifests (${uses.length}):\n`);
    for (const [i, u] of uses.entries()) io.stdout(`  ${status[i].present ? 'present' : 'missing'}  ${u.image}  — ${who(u)}\n`);
    const present = status.filter((s) => s.present).map((s) => s.image);
    const missing = status.filter((s) => !s.present).map((s) => s.image);
    if (missing.length) io.stdout(`Not in the local Docker engine (build or pull them first): ${missing.join(', ')}\n`);
    if (args.options['dry-run'] || present.length === 0) {
      if (present.length === 0) io.stdout('Nothing to load.\n');
      return missing.length || invalid.length ? EXIT_FINDINGS : EXIT_OK;
    }

    const cluster = clusterOption ?? (await defaultCluster());
    const results = await loadImagesIntoKind(present, cluster, {
      onProgress: (p) => {
        if (p.state === 'loading') io.stdout(`[${p.index + 1}/${p.total}] loading ${p.image} into kind cluster ${cluster}…\n`);
        else if (p.state === 'failed') io.stdout(`[${p.index + 1}/${p.total}] failed: ${p.image}: ${p.message}\n`);
      },
    });
    const loaded = results.filter((r) => r.loaded).map((r) => r.image);
    const failed = results.filter((r) => !r.loaded);
    io.stdout(`Loaded into kind cluster ${cluster}: ${loaded.length ? loaded.join(', ') : 'nothing'}\n`);
    for (const f of failed) io.stderr(`kube-topology kind-load: ${f.image}: ${f.error}\n`);
    return failed.length || missing.length || invalid.length ? EXIT_FINDINGS : EXIT_OK;
  } catch (e) {
    if (e instanceof KindToolError) throw new UsageError(e.message);
    throw e;
  }
}

function who(u: { usedBy: Array<{ kind: string; name: string; init: boolean; container: string }> }): string {
  return u.usedBy.map((b) => `${b.kind} ${b.name}${b.init ? ` (init ${b.container})` : ''}`).join(', ');
}

/**
 * Without --cluster: the kind cluster of the current kubeconfig context (`kind-NAME`, what apply
 * would talk to), else the only cluster, else "kind" (what `kind load` picks without --name).
 */
async function defaultCluster(): Promise<string> {
  const names = await listKindClusters();
  const current = currentKindCluster();
  if (current && names.includes(current)) return current;
  if (names.length === 1) return names[0];
  if (names.includes('kind')) return 'kind';
  if (names.length === 0) throw new UsageError('there are no kind clusters (kind get clusters): create one with "kind create cluster"');
  throw new UsageError(`several kind clusters (${names.join(', ')}): pick one with --cluster`);
}

function currentKindCluster(): string | undefined {
  try {
    const info = loadKubeconfig();
    return info.contexts.find((c) => c.name === info.currentContext)?.kindCluster;
  } catch {
    return undefined; // no kubeconfig: fall back to the cluster list
  }
}
