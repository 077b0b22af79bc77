import * as fs from 'node:fs';
import { parseArgs, stringOption } from './argParser';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type CliIo } from './cliIo';
import { confirmRemote, describeContext, openReachableCluster, parseDuration, resolveContext, terminalIo } from './clusterCommon';
import { localImageStatus, loadImagesIntoKind, KindToolError } from '../core/cluster/kindImages';
import {
  describeObjects,
  findMetricsServerManifest,
  installMetricsServer,
  installSummary,
  metricsApiState,
  metricsServerResources,
  METRICS_SERVER_IMAGE,
  METRICS_SERVER_NAMESPACE,
  removeMetricsServer,
} from '../core/kind/metricsServer';
import { printableLine } from '../core/terminalText';

export const KIND_ADDONS_HELP = `Usage: kube-topology kind-addons metrics-server [options]

Installs metrics-server, which HPAs need to read CPU and memory (without it they show <unknown>
and never scale). The manifest is bundled with kube-topology: the upstream metrics-server
${METRICS_SERVER_IMAGE.split(':').pop()} release, plus --kubelet-insecure-tls (kind's kubelets serve self-signed certificates).
It goes into namespace ${METRICS_SERVER_NAMESPACE} with server-side apply; then the command waits until
metrics.k8s.io serves node metrics. On a kind cluster, an image ${METRICS_SERVER_IMAGE}
that the local Docker engine already has is loaded into the node first (no registry needed).
Every object gets the annotation kube-topology.io/addon; --remove deletes only those.

Options:
  --remove            delete what kube-topology installed (objects without the annotation are kept)
  --dry-run           print what would be installed; change nothing
  --context C         kubeconfig context (default: the current one)
  --kubeconfig F      kubeconfig file(s) (default: $KUBECONFIG, then ~/.kube/config)
  --timeout DURATION  time for the rollout and the metrics API (default 5m)
  -y, --yes           install on a context that is not a local cluster without asking

Exit status: 0 installed and answering (or removed), 1 it failed or did not answer in time,
2 usage or kubeconfig error.
`;

export async function runKindAddons(argv: string[], rawIo: CliIo): Promise<number> {
  // Text for a terminal: names and server messages cannot carry control characters to it.
  const io = terminalIo(rawIo);
  const args = parseArgs(argv, {
    remove: {},
    'dry-run': {},
    context: { value: true },
    kubeconfig: { value: true },
    timeout: { value: true },
    yes: { alias: 'y' },
    help: { alias: 'h' },
  });
  if (args.options.help) {
    io.stdout(KIND_ADDONS_HELP);
    return EXIT_OK;
  }
  const [addon, ...extra] = args.positionals;
  if (addon !== 'metrics-server' || extra.length) throw new UsageError('kind-addons knows one addon: kind-addons metrics-server [--remove]');
  const timeoutMs = parseDuration(stringOption(args, 'timeout') ?? '5m', '--timeout');
  const manifest = findMetricsServerManifest(__dirname);
  if (!manifest) throw new UsageError('the bundled metrics-server manifest (addons/metrics-server/components.yaml) is missing: reinstall kube-topology');
  const resources = metricsServerResources(manifest, fs.readFileSync(manifest, 'utf8'));
  const remove = args.options.remove === true;

  if (!remove) {
    io.stdout(`Installs ${installSummary(resources)}:\n`);
    for (const line of describeObjects(resources)) io.stdout(`  ${line}\n`);
  }
  if (args.options['dry-run']) {
    io.stdout(`Nothing changed (--dry-run). ${remove ? '' : 'Remove it later with: kube-topology kind-addons metrics-server --remove\n'}`);
    return EXIT_OK;
  }

  const { info, context } = await resolveContext({ kubeconfig: stringOption(args, 'kubeconfig'), context: stringOption(args, 'context'), cwd: io.cwd });
  if (!(await confirmRemote(io, context, remove ? 'Remove metrics-server from' : 'Install metrics-server on', args.options.yes === true))) return EXIT_FINDINGS;
  const opened = await openReachableCluster(io, 'kind-addons', context, info, 15_000, undefined);
  if (!opened) return EXIT_FINDINGS;
  const { client, interrupt } = opened;
  try {
    if (remove) {
      const r = await removeMetricsServer(client, resources, { signal: interrupt.signal });
      for (const o of r.result?.outcomes ?? []) io.stdout(`  ${o.status}  ${o.ref.kind} ${o.ref.name}${o.ref.namespace ? ` in ${o.ref.namespace}` : ''}\n`);
      for (const line of r.notOurs) io.stdout(`  kept     ${line} (not installed by kube-topology)\n`);
      if (!r.result) {
        io.stdout(`Nothing to remove: no object kube-topology installed is on ${context.name}.\n`);
        return EXIT_OK;
      }
      const failed = r.result.outcomes.filter((o) => o.status === 'failed' || o.status === 'still-terminating');
      io.stdout(failed.length ? `${failed.length} objects could not be removed.\n` : `metrics-server removed from ${context.name}.\n`);
      return failed.length ? EXIT_FINDINGS : EXIT_OK;
    }

    const before = await metricsApiState(client, interrupt.signal);
    if (before.answering && !before.ours) {
      io.stdout(`metrics.k8s.io already answers on ${context.name} (served by ${before.servedBy ?? 'another metrics server'}): nothing installed.\n`);
      return EXIT_OK;
    }
    if (context.localKind === 'kind' && context.kindCluster) await loadLocalImage(io, context.kindCluster, interrupt.signal);
    io.stdout(`Installing on ${describeContext(context)}…\n`);
    let lastWait = '';
    const result = await installMetricsServer(client, resources, {
      signal: interrupt.signal,
      timeoutMs,
      onProgress: (e) => {
        if (e.type === 'applied') io.stdout(`  ${e.outcome.status}  ${e.outcome.ref.kind} ${e.outcome.ref.name}\n`);
        else if (e.type === 'rollout') io.stdout(`  rollout: ${printableLine(e.rollout.message)}\n`);
        else if (e.type === 'waiting' && e.message !== lastWait) io.stdout(`  ${(lastWait = e.message)}\n`);
      },
    });
    const failures = result.apply.outcomes.filter((o) => o.status === 'failed');
    for (const f of failures) io.stderr(`kube-topology kind-addons: ${f.ref.kind} ${f.ref.name}: ${f.findings.map((x) => x.message).join('; ')}\n`);
    for (const r of result.apply.rollouts.filter((x) => x.status !== 'available')) {
      io.stderr(`kube-topology kind-addons: ${printableLine(r.message)}${r.pods.length ? ` (${r.pods.map((p) => printableLine(p, 200)).join(', ')})` : ''}\n`);
    }
    if (!result.ready) {
      io.stderr(`kube-topology kind-addons: metrics.k8s.io does not answer on ${context.name}: ${result.state.detail ?? 'unknown'}\n`);
      return EXIT_FINDINGS;
    }
    io.stdout(
      `metrics.k8s.io answers on ${context.name} after ${((result.readyMs ?? 0) / 1000).toFixed(1)} s: HPAs now read real CPU (shown on the graph as "CPU 23% / 50%").\n` +
        `Installed into namespace ${METRICS_SERVER_NAMESPACE}. Remove it with: kube-topology kind-addons metrics-server --remove${context.name ? ` --context ${context.name}` : ''}\n`,
    );
    return EXIT_OK;
  } finally {
    interrupt.dispose();
    client.close();
  }
}

/** kind nodes pull from registries; an image the local engine has can be loaded instead (offline too). */
async function loadLocalImage(io: CliIo, cluster: string, signal: AbortSignal): Promise<void> {
  try {
    const [status] = await localImageStatus([METRICS_SERVER_IMAGE], { signal });
    if (!status?.present) {
      io.stdout(`${METRICS_SERVER_IMAGE} is not in the local Docker engine: the node pulls it from registry.k8s.io\n`);
      return;
    }
    io.stdout(`Loading ${METRICS_SERVER_IMAGE} from the local Docker engine into kind cluster ${cluster}…\n`);
    const [r] = await loadImagesIntoKind([METRICS_SERVER_IMAGE], cluster, { signal });
    if (!r?.loaded) io.stdout(`  could not load it (${r?.error ?? 'unknown'}): the node will try to pull it\n`);
  } catch (e) {
    if (!(e instanceof KindToolError)) throw e;
    io.stdout(`Not loading the image from the local Docker engine (${e.message}): the node pulls it\n`);
  }
}
