import { parseArgs, stringOption } from './argParser';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type CliIo } from './cliIo';
import { loadIndex } from './manifestFiles';
import { effectiveNamespace } from '../core/model/kinds';
import { readLiveState, isWatchableKind, targetNodeId, type LiveTarget } from '../core/cluster/liveState';
import { connectLive } from '../core/cluster/liveConnection';
import type { LiveNodeState, LiveSnapshot } from '../core/cluster/liveTypes';
import { kubeconfigOption, terminalIo } from './clusterCommon';

export const STATUS_HELP = `Usage: kube-topology status [options] PATH...

Prints the live state, on the cluster, of the resources the files define: ready/desired replicas
and each pod (with the reason a pod is not ready), HPA replicas and metrics, Service endpoints,
LoadBalancer addresses. One snapshot, read with list + watch; nothing is changed.

Options:
  --context C       kubeconfig context (default: the current one)
  --kubeconfig F    kubeconfig file(s) (default: $KUBECONFIG, then ~/.kube/config)
  --namespace NS    namespace for resources without one (default "default")
  --output FORMAT   text (default) or json (the LiveSnapshot: {context, updatedAt, nodes, error?})
  --timeout S       seconds to wait for the cluster (default 20)

Exit status: 0 state read, 1 the cluster could not be read (the error is printed), 2 usage error.
`;

export async function runStatus(argv: string[], rawIo: CliIo): Promise<number> {
  let io = rawIo;
  const args = parseArgs(argv, {
    context: { value: true },
    kubeconfig: { value: true },
    namespace: { value: true, alias: 'n' },
    output: { value: true, alias: 'o' },
    timeout: { value: true },
    help: { alias: 'h' },
  });
  if (args.options.help) {
    io.stdout(STATUS_HELP);
    return EXIT_OK;
  }
  const format = stringOption(args, 'output') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--output must be text or json, got "${format}"`);
  if (format === 'text') io = terminalIo(rawIo);
  const timeoutS = Number(stringOption(args, 'timeout') ?? 20);
  if (!(timeoutS > 0)) throw new UsageError('--timeout needs a number of seconds > 0');
  if (args.positionals.length === 0) throw new UsageError('status needs at least one PATH (a file, a folder, or - for stdin)');
  const defaultNamespace = stringOption(args, 'namespace') ?? 'default';

  const index = await loadIndex(args.positionals, io, { defaultNamespace });
  const seen = new Set<string>();
  const targets: LiveTarget[] = [];
  for (const r of index.resources()) {
    if (!r.kind || !r.name) continue;
    const t: LiveTarget = { kind: r.kind, namespace: effectiveNamespace(r, defaultNamespace), name: r.name };
    const id = targetNodeId(t);
    if (seen.has(id)) continue;
    seen.add(id);
    targets.push(t);
  }
  if (targets.length === 0) throw new UsageError('the files define no Kubernetes resources');

  let connection;
  try {
    connection = connectLive({ context: stringOption(args, 'context'), kubeconfigPath: kubeconfigOption(stringOption(args, 'kubeconfig'), io.cwd) });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let snapshot: LiveSnapshot;
  try {
    snapshot = await readLiveState(connection, targets, { timeoutMs: timeoutS * 1000 });
  } catch (e) {
    io.stderr(`kube-topology status: ${(e as Error).message}\n`);
    return EXIT_FINDINGS;
  } finally {
    connection.close();
  }
  if (format === 'json') io.stdout(JSON.stringify(snapshot, null, 2) + '\n');
  else io.stdout(formatStatus(snapshot, targets, connection.context.server));
  if (snapshot.error) {
    if (format === 'json') io.stderr(`kube-topology status: ${snapshot.error}\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_OK;
}

/** What to do about a pod that cannot pull its image (a kind node has no registry to pull from). */
export const IMAGE_PULL_FIX =
  'on kind, load the image into the node (kube-topology kind-load FILE) and set imagePullPolicy: IfNotPresent ' +
  '(with :latest or no tag the default is Always, which ignores loaded images); elsewhere, push the image to a registry the cluster can reach';

/** Human-readable status, grouped by namespace in the order the files define the resources. */
export function formatStatus(s: LiveSnapshot, targets: readonly LiveTarget[], server: string): string {
  const lines = [`context ${s.context}${server ? ` (${server})` : ''}`];
  if (s.error) lines.push(`error: ${s.error}`);
  const byNs = new Map<string, LiveTarget[]>();
  for (const t of targets) {
    const key = isWatchableKind(t.kind) && t.namespace ? t.namespace : '';
    byNs.set(key, [...(byNs.get(key) ?? []), t]);
  }
  const width = Math.max(...targets.map((t) => `${t.kind} ${t.name}`.length));
  for (const [ns, list] of byNs) {
    lines.push('', ns ? `namespace ${ns}` : 'cluster-wide');
    for (const t of list) {
      const head = `  ${`${t.kind} ${t.name}`.padEnd(width)}  `;
      if (!isWatchableKind(t.kind)) {
        lines.push(`${head}(not shown: custom kind)`);
        continue;
      }
      const n = s.nodes[targetNodeId(t)];
      if (!n) {
        lines.push(`${head}unknown (could not be read)`);
        continue;
      }
      lines.push(head + summary(n));
      for (const p of n.pods ?? []) {
        const why = p.reason ? `  ${p.reason}${p.message ? `: ${p.message}` : ''}` : '';
        const restarts = p.restarts ? `, ${p.restarts} restarts` : '';
        lines.push(`      ${p.ready ? '●' : '○'} ${p.name}  ${p.phase}${p.ready ? ', ready' : ''}${restarts}${why}`);
        if (/^(ErrImagePull|ImagePullBackOff)$/.test(p.reason ?? '')) lines.push(`        fix: ${IMAGE_PULL_FIX}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

function summary(n: LiveNodeState): string {
  if (!n.exists) return 'not applied';
  const parts: string[] = [];
  if (n.desiredReplicas !== undefined) parts.push(`${n.readyReplicas ?? 0}/${n.desiredReplicas} ready`);
  if (n.hpa) parts.push(`replicas ${n.hpa.currentReplicas} → ${n.hpa.desiredReplicas}${n.hpa.metrics.length ? `, ${n.hpa.metrics.join(', ')}` : ''}`);
  if (n.endpoints !== undefined) parts.push(`${n.endpoints} endpoint${n.endpoints === 1 ? '' : 's'}`);
  if (n.loadBalancer)
    parts.push(n.loadBalancer.pending ? `LoadBalancer pending (${n.loadBalancer.hint ?? 'no address yet'})` : `LoadBalancer ${n.loadBalancer.address}`);
  if (n.condition) parts.push(n.condition);
  return parts.length ? parts.join(', ') : 'exists';
}
