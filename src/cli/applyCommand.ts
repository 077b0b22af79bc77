import { parseArgs, stringOption } from './argParser';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type CliIo } from './cliIo';
import { loadIndex } from './manifestFiles';
import { buildReport } from './reporters/findingReport';
import { formatText } from './reporters/textReporter';
import {
  commonClusterOptions,
  openReachableCluster,
  confirmRemote,
  describeContext,
  findingLine,
  plural,
  refLabel,
  resolveContext,
  terminalIo,
} from './clusterCommon';
import { reportedFinding } from './reporters/findingReport';
import { DEFAULT_TIMEOUT_MS } from '../core/cluster/clusterClient';
import { prepareApply, DEFAULT_ROLLOUT_TIMEOUT_MS } from '../core/cluster/applyEngine';
import type { ApplyPlan, ApplyProgress, ApplyResult, PlannedResource, ResourceOutcome, RolloutResult } from '../core/cluster/applyTypes';
import { toYaml, withoutServerNoise } from '../core/cluster/objectCompare';
import { unifiedDiff } from '../core/cluster/textDiff';
import { hpasWithoutMetrics } from '../core/kind/metricsServer';
import { DEFAULT_KUBERNETES_VERSION, normalizeKubernetesVersion, SUPPORTED_KUBERNETES_VERSIONS } from '../core/kubernetesVersions';

export const APPLY_HELP = `Usage: kube-topology apply [options] PATH...

Applies manifests to a cluster with server-side apply (field manager "kube-topology"): every
resource is dry-run on the server first (errors point at their file and line), then applied in
dependency order (namespaces, CRDs, RBAC, config, services, workloads, HPAs, ingress), then
Deployments, StatefulSets and DaemonSets are watched until available.
The same checks as "validate" run first; their errors stop the apply.

Options:
  --context NAME          kubeconfig context (default: the current one)
  --kubeconfig PATHS      kubeconfig file(s) (default: $KUBECONFIG, then ~/.kube/config)
  -n, --namespace NS      namespace for resources without one (a different metadata.namespace is an error)
  --dry-run               ask the server what would change; write nothing
  --diff                  print a diff of live against intended for what would change
  --force-conflicts       take over fields another field manager owns
  --timeout DURATION      how long to wait for rollouts (default ${DEFAULT_ROLLOUT_TIMEOUT_MS / 1000}s)
  --request-timeout DUR   timeout of each API request (default ${DEFAULT_TIMEOUT_MS / 1000}s)
  --no-wait               do not wait for rollouts
  --skip-validation       apply even when validation finds errors
  --kubernetes-version X  version for validation (default ${DEFAULT_KUBERNETES_VERSION})
  -y, --yes               apply to a context that is not a local cluster without asking
  -o, --output FORMAT     text (default) or json

Exit status: 0 everything applied and available, 1 a resource failed, was rejected, was not
available in time or validation failed, 2 usage, kubeconfig or I/O error.
`;

export async function runApply(argv: string[], rawIo: CliIo): Promise<number> {
  let io = rawIo;
  const args = parseArgs(argv, {
    context: { value: true },
    kubeconfig: { value: true },
    namespace: { value: true, alias: 'n' },
    'dry-run': {},
    diff: {},
    'force-conflicts': {},
    timeout: { value: true },
    'request-timeout': { value: true },
    'no-wait': {},
    'skip-validation': {},
    'kubernetes-version': { value: true },
    yes: { alias: 'y' },
    output: { value: true, alias: 'o' },
    help: { alias: 'h' },
  });
  if (args.options.help) {
    io.stdout(APPLY_HELP);
    return EXIT_OK;
  }
  const { json, waitTimeoutMs: rolloutTimeoutMs, requestTimeoutMs } = commonClusterOptions(args, 'apply', DEFAULT_ROLLOUT_TIMEOUT_MS);
  if (!json) io = terminalIo(rawIo);
  const versionArg = stringOption(args, 'kubernetes-version') ?? DEFAULT_KUBERNETES_VERSION;
  const kubernetesVersion = normalizeKubernetesVersion(versionArg);
  if (!kubernetesVersion) throw new UsageError(`--kubernetes-version ${versionArg} is not supported; use one of ${SUPPORTED_KUBERNETES_VERSIONS.join(', ')}`);
  const dryRun = args.options['dry-run'] === true;
  const namespaceOption = stringOption(args, 'namespace');
  const out = (s: string) => {
    if (!json) io.stdout(s);
  };

  const { info, context } = await resolveContext({ kubeconfig: stringOption(args, 'kubeconfig'), context: stringOption(args, 'context'), cwd: io.cwd });
  const defaultNamespace = namespaceOption || context.namespace || 'default';

  // The same analysis as `validate`: its errors stop the apply unless told otherwise.
  const index = await loadIndex(args.positionals, io, { kubernetesVersion, defaultNamespace });
  const analysis = index.analyze();
  const report = buildReport(analysis.byFile, analysis.resources.length, io.cwd);
  const resources = analysis.resources;
  if (resources.length === 0) throw new UsageError(`no Kubernetes resources found in ${args.positionals.join(' ')}`);
  if (report.summary.errors > 0 && args.options['skip-validation'] !== true) {
    const errorsOnly = { ...report, findings: report.findings.filter((f) => f.severity === 'error') };
    if (json) io.stdout(JSON.stringify({ context: context.name, server: context.server, validation: errorsOnly, applied: false }, null, 2) + '\n');
    else
      io.stderr(
        formatText(errorsOnly, false) + `not applied: validation found ${plural(report.summary.errors, 'error')} (fix them, or pass --skip-validation)\n`,
      );
    return EXIT_FINDINGS;
  }
  // Warnings do not stop an apply, but they are said first: a misspelt Service name is one.
  const warnings = report.findings.filter((f) => f.severity === 'warning');
  if (warnings.length && !json) io.stderr(formatText({ ...report, scope: undefined, findings: warnings }, false));

  if (!dryRun && !(await confirmRemote(io, context, 'Apply to', args.options.yes === true))) return EXIT_FINDINGS;

  const connection = await openReachableCluster(io, 'apply', context, info, requestTimeoutMs, json ? { applied: false } : undefined);
  if (!connection) return EXIT_FINDINGS;
  const { client, interrupt, version } = connection;
  try {
    out(`${dryRun ? 'Dry run against' : 'Applying to'} context ${describeContext(context)}, Kubernetes ${version}: ${plural(resources.length, 'resource')}\n`);

    const session = await prepareApply(client, resources, {
      namespace: defaultNamespace,
      enforceNamespace: namespaceOption !== undefined,
      force: args.options['force-conflicts'] === true,
      signal: interrupt.signal,
    });
    const plan = session.plan;
    if (args.options.diff === true) out(formatDiffs(plan));

    if (dryRun) {
      if (json) io.stdout(JSON.stringify(planJson(plan, io.cwd), null, 2) + '\n');
      else {
        for (const p of plan.resources) out(planLine(p, defaultNamespace) + '\n');
        for (const f of plan.findings) out(findingLine(f, io.cwd) + '\n');
        const s = plan.summary;
        out(`dry run: ${s.create} to create, ${s.update} to update, ${s.unchanged} unchanged, ${s.error} with errors\n`);
      }
      return plan.summary.error > 0 ? EXIT_FINDINGS : EXIT_OK;
    }

    const onProgress = (e: ApplyProgress) => {
      if (json) return;
      if (e.type === 'applied') {
        io.stdout(outcomeLine(e.outcome, defaultNamespace) + '\n');
        for (const f of e.outcome.findings) io.stdout(`  ${findingLine(f, io.cwd)}\n`);
      } else if (e.type === 'phase' && e.phase === 'rollout') {
        io.stdout(`waiting for ${plural(e.total, 'workload')} to become available (up to ${Math.round(rolloutTimeoutMs / 1000)} s)\n`);
      } else if (e.type === 'rollout') {
        io.stdout(rolloutLines(e.rollout, defaultNamespace));
      }
    };
    const result = await session.apply({ wait: args.options['no-wait'] !== true, rolloutTimeoutMs, signal: interrupt.signal, onProgress });
    if (json) io.stdout(JSON.stringify(resultJson(result, io.cwd), null, 2) + '\n');
    else io.stdout(summaryLine(result) + '\n');
    const unmetered = json ? [] : await hpasWithoutMetrics(client, result.outcomes, interrupt.signal);
    if (unmetered.length)
      io.stdout(
        `note: ${context.name} has no metrics-server, so HPA ${unmetered.join(', ')} cannot read CPU (it shows <unknown> and never scales): kube-topology kind-addons metrics-server\n`,
      );
    const failed =
      result.outcomes.some((o) => o.status === 'failed' || o.status === 'skipped-cancelled') || result.rollouts.some((r) => r.status !== 'available');
    return failed ? EXIT_FINDINGS : EXIT_OK;
  } finally {
    interrupt.dispose();
    client.close();
  }
}

const PLAN_WORDS: Record<PlannedResource['action'], string> = {
  create: 'created (dry run)',
  update: 'configured (dry run)',
  unchanged: 'unchanged',
  error: 'failed (dry run)',
};

function planLine(p: PlannedResource, ns: string): string {
  return `${refLabel(p.ref, ns)} ${PLAN_WORDS[p.action]}`;
}

function outcomeLine(o: ResourceOutcome, ns: string): string {
  const word =
    o.status === 'applied' ? (o.action === 'create' ? 'created' : 'configured') : o.status === 'skipped-cancelled' ? 'skipped (cancelled)' : o.status;
  return `${refLabel(o.ref, ns)} ${word}`;
}

function rolloutLines(r: RolloutResult, ns: string): string {
  const label = refLabel(r.ref, ns);
  if (r.status === 'available') return `${label} available (${r.message})\n`;
  const head = `${label} ${r.status === 'failed' ? 'rollout failed' : r.status === 'cancelled' ? 'rollout wait cancelled' : 'not available in time'}: ${r.message}\n`;
  return head + [...r.conditions, ...r.pods, ...r.events].map((l) => `  ${l}\n`).join('');
}

function summaryLine(result: ApplyResult): string {
  const count = (f: (o: ResourceOutcome) => boolean) => result.outcomes.filter(f).length;
  const parts = [
    `${count((o) => o.status === 'applied' && o.action === 'create')} created`,
    `${count((o) => o.status === 'applied' && o.action !== 'create')} configured`,
    `${count((o) => o.status === 'unchanged')} unchanged`,
    `${count((o) => o.status === 'failed')} failed`,
  ];
  const skipped = count((o) => o.status === 'skipped-cancelled');
  if (skipped) parts.push(`${skipped} skipped (cancelled)`);
  const rollouts = result.rollouts.length
    ? `; ${result.rollouts.filter((r) => r.status === 'available').length}/${result.rollouts.length} workloads available`
    : '';
  return `${result.plan.context}: ${parts.join(', ')}${rollouts}`;
}

function formatDiffs(plan: ApplyPlan): string {
  const parts: string[] = [];
  for (const p of plan.resources) {
    if (p.action === 'update' && p.diff) parts.push(p.diff.unified);
    else if (p.action === 'create' && p.intendedObject) {
      const label = `${p.ref.kind.toLowerCase()}/${p.ref.name}`;
      parts.push(unifiedDiff('', toYaml(withoutServerNoise(p.intendedObject)), { fromLabel: `${label} (live: none)`, toLabel: `${label} (intended)` }));
    }
  }
  return parts.join('');
}

function planJson(plan: ApplyPlan, cwd: string): Record<string, unknown> {
  return {
    context: plan.context,
    server: plan.server,
    dryRun: true,
    summary: plan.summary,
    resources: plan.resources.map((p) => ({ ref: p.ref, action: p.action, diff: p.diff?.unified, conflictManagers: p.conflictManagers })),
    findings: plan.findings.map((f) => reportedFinding(f, cwd)),
  };
}

function resultJson(result: ApplyResult, cwd: string): Record<string, unknown> {
  return {
    context: result.plan.context,
    server: result.plan.server,
    dryRun: false,
    cancelled: result.cancelled,
    plan: result.plan.summary,
    resources: result.outcomes.map((o) => {
      const planned = result.plan.resources.find((p) => p.id === o.id);
      return { ref: o.ref, status: o.status, action: o.action, planned: planned?.action, diff: planned?.diff?.unified };
    }),
    rollouts: result.rollouts.map((r) => ({
      ref: r.ref,
      status: r.status,
      message: r.message,
      readyReplicas: r.readyReplicas,
      desiredReplicas: r.desiredReplicas,
      conditions: r.conditions,
      pods: r.pods,
      events: r.events,
    })),
    findings: result.findings.map((f) => reportedFinding(f, cwd)),
  };
}
