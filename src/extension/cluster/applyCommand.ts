import * as vscode from 'vscode';
import { withAbortSignal } from '../cancellation';
import type { Finding } from '../../core/findings';
import type { ApplyPlan, ApplyProgress, ApplyResult, DeleteProgress, PlannedResource } from '../../core/cluster/applyTypes';
import type { ApplySession } from '../../core/cluster/applyEngine';
import type { ClusterClient } from '../../core/cluster/clusterClient';
import type { ManifestAnalysis } from '../manifestAnalysis';
import type { ClusterContextManager } from './clusterContext';
import type { ApplyDiagnostics } from './applyDiagnostics';
import type { LiveDocuments } from './liveDocuments';
import { gate } from './clusterGate';
import { selectManifests, type ManifestSelection } from './manifestTargets';
import { applySummary, conflictMessage, deleteSummary, resourceLabel, rolloutLine, tearDownDetail } from './clusterText';

export interface ApplyDeps {
  analysis: ManifestAnalysis;
  contexts: ClusterContextManager;
  diagnostics: ApplyDiagnostics;
  documents: LiveDocuments;
  log: vscode.LogOutputChannel;
  /** Called with the Services a tear down deleted, so port-forwards to them stop too. */
  onServicesDeleted?(context: string, services: { namespace: string; name: string }[]): void;
  /** Called after an apply wrote something (e.g. to offer metrics-server when HPAs were applied). */
  onApplied?(result: ApplyResult): void;
}

const SHOW_PROBLEMS = 'Show Problems';

/**
 * "Apply to Cluster": trust and locality gates, validation errors asked about, server-side dry-run
 * (cancellable), the server's errors on the YAML ranges, a diff for what would change, then the
 * server-side apply and rollout status with progress, and a one-line summary.
 */
export async function applyToCluster(deps: ApplyDeps, arg?: unknown, many?: unknown, preselected?: ManifestSelection): Promise<ApplyResult | undefined> {
  const selection = preselected ?? (await selectManifests(deps.analysis, arg, many));
  if (!selection || !selection.resources.length) {
    void vscode.window.showInformationMessage(
      `Kube Topology: ${selection ? `${selection.label} defines no Kubernetes resources` : 'open a manifest or a folder'} to apply.`,
    );
    return undefined;
  }
  const ctx = await gate(deps.contexts, 'Apply', selection.resources.length, `Manifests: ${selection.label}`);
  if (!ctx) return undefined;
  if (selection.errors.length) {
    const go = await vscode.window.showWarningMessage(
      `${selection.label} has ${selection.errors.length} validation error${selection.errors.length === 1 ? '' : 's'}. The server will likely reject ${selection.errors.length === 1 ? 'it' : 'them'}. Apply anyway?`,
      {
        modal: true,
        detail: selection.errors
          .slice(0, 5)
          .map((f) => `• ${f.code}: ${f.message}`)
          .join('\n'),
      },
      'Apply Anyway',
    );
    if (go !== 'Apply Anyway') return undefined;
  }

  let client: ClusterClient;
  try {
    client = await deps.contexts.openSelected();
  } catch (e) {
    void vscode.window.showErrorMessage(`Kube Topology: cannot connect to ${ctx.name}: ${(e as Error).message}`);
    return undefined;
  }
  try {
    const { prepareApply } = await import('../../core/cluster/applyEngine');
    deps.log.info(`Apply ${selection.label} → ${ctx.name} (${ctx.server}): dry-run of ${selection.resources.length} resources`);
    const session = await withCancellableProgress(`Kube Topology: dry-run on ${ctx.name}`, async (signal, report) =>
      prepareApply(client, selection.resources, { signal, onProgress: (e) => report(progressText(e), e) }),
    );
    if (!session) return undefined;
    const plan = session.plan;
    logPlan(deps.log, plan);
    deps.diagnostics.publish(selection.files, plan.findings);
    const force = await decide(deps, plan);
    if (force === undefined) return undefined;
    const result = await withCancellableProgress(`Kube Topology: applying to ${ctx.name}`, async (signal, report) =>
      session.apply({ force, signal, onProgress: (e) => report(progressText(e), e) }),
    );
    if (!result) return undefined;
    await report(deps, selection, session, result, ctx.name);
    return result;
  } catch (e) {
    deps.log.error(`Apply to ${ctx.name} failed: ${(e as Error).message}`);
    void vscode.window.showErrorMessage(`Kube Topology: apply to ${ctx.name} failed: ${(e as Error).message}`);
    void deps.contexts.probe();
    return undefined;
  } finally {
    client.close();
  }
}

/**
 * After the dry-run: nothing to do, errors (apply the rest?), conflicts (Force?), changes (diff?).
 * Returns whether to force, or undefined to stop.
 */
async function decide(deps: ApplyDeps, plan: ApplyPlan): Promise<boolean | undefined> {
  const s = plan.summary;
  const counts = `create ${s.create}, update ${s.update}, unchanged ${s.unchanged}${s.error ? `, errors ${s.error}` : ''}`;
  let force = false;
  const conflict = conflictMessage(plan);
  if (conflict) {
    const choice = await vscode.window.showWarningMessage(
      `Kube Topology: ${conflict}`,
      { modal: true, detail: `Dry run on ${plan.context}: ${counts}.` },
      'Force',
      'Apply Without Force',
    );
    if (!choice) return undefined;
    force = choice === 'Force';
  }
  const others = plan.resources.filter((p) => p.action === 'error' && !(force && p.conflictManagers?.length));
  if (others.length) {
    const ok = s.create + s.update + s.unchanged;
    if (!ok) {
      void showProblems(`Kube Topology: the server rejected every resource in the dry-run (${others.length}). Nothing was applied.`, 'error');
      return undefined;
    }
    const choice = await vscode.window.showWarningMessage(
      `Kube Topology: the dry-run on ${plan.context} rejected ${others.length} resource${others.length === 1 ? '' : 's'} (see Problems). Apply the other ${ok}?`,
      {
        modal: true,
        detail: others
          .slice(0, 8)
          .map((p) => `• ${resourceLabel(p.ref)}: ${p.findings[0]?.message ?? 'rejected'}`)
          .join('\n'),
      },
      'Apply the Others',
    );
    if (choice !== 'Apply the Others') return undefined;
  }
  const changed = plan.resources.filter((p) => p.action === 'update' && p.diff);
  while (changed.length) {
    const choice = await vscode.window.showInformationMessage(
      `Kube Topology: dry run on ${plan.context}: ${counts}. ${changed.length} existing resource${changed.length === 1 ? '' : 's'} would change.`,
      'Apply',
      'Show Diff',
      'Cancel',
    );
    if (choice === 'Apply') break;
    if (choice !== 'Show Diff') return undefined;
    await showDiffs(deps, plan.context, changed);
  }
  return force;
}

async function showDiffs(deps: ApplyDeps, context: string, changed: PlannedResource[]): Promise<void> {
  if (changed.length === 1) {
    await deps.documents.showDiff(context, changed[0]);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    changed.map((p) => ({ label: resourceLabel(p.ref), description: vscode.workspace.asRelativePath(vscode.Uri.parse(p.file)), p })),
    { title: 'Show the diff of', canPickMany: true, placeHolder: 'Resources that the apply would change' },
  );
  for (const item of picked ?? []) await deps.documents.showDiff(context, item.p);
}

async function report(deps: ApplyDeps, selection: ManifestSelection, session: ApplySession, result: ApplyResult, context: string): Promise<void> {
  for (const o of result.outcomes) {
    const line = `${resourceLabel(o.ref)}: ${o.status}${o.action ? ` (${o.action === 'create' ? 'created' : 'configured'})` : ''}`;
    if (o.status === 'failed') deps.log.warn(`${line} — ${o.findings.map((f) => `${f.code}: ${f.message}`).join('; ')}`);
    else deps.log.info(line);
  }
  for (const r of result.rollouts) {
    const extra = [...r.conditions, ...r.pods.map((p) => `pod ${p}`), ...r.events.slice(-3)].join('; ');
    if (r.status === 'available') deps.log.info(rolloutLine(r));
    else deps.log.warn(`${rolloutLine(r)}${extra ? ` — ${extra}` : ''}`);
  }
  deps.diagnostics.publish(selection.files, result.findings);
  deps.onApplied?.(result);
  const summary = `Kube Topology: ${context}: ${applySummary(result)}.`;
  deps.log.info(summary);
  const failed = result.outcomes.some((o) => o.status === 'failed') || result.rollouts.some((r) => r.status !== 'available' && r.status !== 'cancelled');
  const pullFailure = result.rollouts.some((r) => r.pods.some((p) => /ErrImagePull|ImagePullBackOff/.test(p)));
  const conflicted = result.outcomes.filter((o) => o.findings.some((f) => f.code === 'apply-conflict'));
  const buttons: string[] = [];
  if (failed) buttons.push(SHOW_PROBLEMS);
  if (conflicted.length) buttons.push('Force');
  if (pullFailure && deps.contexts.state.context?.localKind === 'kind') buttons.push('Load Images into kind');
  const show = failed ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const choice = await show(conflicted.length ? `${summary} ${conflictNames(conflicted.flatMap((o) => o.findings))}` : summary, ...buttons);
  if (choice === SHOW_PROBLEMS) await vscode.commands.executeCommand('workbench.actions.view.problems');
  else if (choice === 'Load Images into kind') await vscode.commands.executeCommand('kubeTopology.loadImagesIntoKind');
  else if (choice === 'Force') {
    const forced = await withCancellableProgress(`Kube Topology: applying to ${context} with force`, (signal, rep) =>
      session.apply({ force: true, signal, onProgress: (e) => rep(progressText(e), e) }),
    );
    if (forced) await report(deps, selection, session, forced, context);
  }
}

function conflictNames(findings: Finding[]): string {
  const conflicts = findings.filter((f) => f.code === 'apply-conflict');
  return conflicts.length
    ? `Conflicts: ${conflicts
        .slice(0, 2)
        .map((f) => f.message)
        .join('; ')}`
    : '';
}

/** "Tear Down": deletes what the files define, in reverse order, after a modal that lists it. */
export async function tearDown(deps: ApplyDeps, arg?: unknown, many?: unknown): Promise<void> {
  const selection = await selectManifests(deps.analysis, arg, many);
  if (!selection || !selection.resources.length) {
    void vscode.window.showInformationMessage(
      `Kube Topology: ${selection ? `${selection.label} defines no Kubernetes resources` : 'open a manifest or a folder'} to tear down.`,
    );
    return;
  }
  const refs = selection.resources.map((r) => ({ apiVersion: r.apiVersion ?? '', kind: r.kind ?? '', name: r.name ?? '', namespace: r.namespace }));
  const ctx = await gate(deps.contexts, 'Tear down', refs.length);
  if (!ctx) return;
  // Always a modal for deleting, local or not: it lists what goes.
  const sure = await vscode.window.showWarningMessage(
    `Delete ${refs.length} resource${refs.length === 1 ? '' : 's'} that ${selection.label} define${selection.label.includes(',') ? '' : 's'} from ${ctx.name}?`,
    { modal: true, detail: tearDownDetail(refs) },
    'Tear Down',
  );
  if (sure !== 'Tear Down') return;
  let client: ClusterClient;
  try {
    client = await deps.contexts.openSelected();
  } catch (e) {
    void vscode.window.showErrorMessage(`Kube Topology: cannot connect to ${ctx.name}: ${(e as Error).message}`);
    return;
  }
  try {
    const { deleteResources } = await import('../../core/cluster/deleteEngine');
    const result = await withCancellableProgress(`Kube Topology: tearing down on ${ctx.name}`, (signal, rep) =>
      deleteResources(client, selection.resources, {
        signal,
        onProgress: (e: DeleteProgress) =>
          rep(e.type === 'deleting' ? `deleting ${resourceLabel(e.ref)}` : `${resourceLabel(e.outcome.ref)} ${e.outcome.status}`, e),
      }),
    );
    if (!result) return;
    for (const o of result.outcomes)
      deps.log.info(`${resourceLabel(o.ref)}: ${o.status}${o.findings.length ? ` — ${o.findings.map((f) => f.message).join('; ')}` : ''}`);
    deps.diagnostics.publish(selection.files, result.findings);
    const gone = result.outcomes.filter((o) => o.ref.kind === 'Service' && (o.status === 'deleted' || o.status === 'not-found'));
    if (gone.length)
      deps.onServicesDeleted?.(
        ctx.name,
        gone.map((o) => ({ namespace: o.ref.namespace ?? 'default', name: o.ref.name })),
      );
    const summary = `Kube Topology: ${ctx.name}: ${deleteSummary(result)}.`;
    deps.log.info(summary);
    if (result.findings.length) void showProblems(summary, 'warning');
    else void vscode.window.showInformationMessage(summary);
  } catch (e) {
    void vscode.window.showErrorMessage(`Kube Topology: tear down on ${ctx.name} failed: ${(e as Error).message}`);
  } finally {
    client.close();
  }
}

async function showProblems(message: string, level: 'error' | 'warning'): Promise<void> {
  const show = level === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
  if ((await show(message, SHOW_PROBLEMS)) === SHOW_PROBLEMS) await vscode.commands.executeCommand('workbench.actions.view.problems');
}

type Progress = ApplyProgress | DeleteProgress;

/** A cancellable notification; undefined when the user cancelled before anything came back. */
async function withCancellableProgress<T>(
  title: string,
  run: (signal: AbortSignal, report: (message: string, e: Progress) => void) => Promise<T>,
): Promise<T | undefined> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    let last = 0;
    return withAbortSignal(token, (signal) =>
      run(signal, (message, e) => {
        const frac = 'total' in e && e.total ? ('done' in e ? e.done / e.total : 0) : 0;
        const inc = Math.max(0, frac * 100 - last);
        last += inc;
        progress.report({ message, increment: inc || undefined });
      }),
    );
  });
}

function progressText(e: ApplyProgress): string {
  switch (e.type) {
    case 'phase':
      return e.phase === 'dry-run'
        ? `dry-run of ${e.total} resources…`
        : e.phase === 'apply'
          ? `applying ${e.total} resources…`
          : e.phase === 'rollout'
            ? `waiting for ${e.total} rollouts…`
            : 'done';
    case 'planned':
      return `${e.done}/${e.total} ${resourceLabel(e.resource.ref)}: ${e.resource.action}`;
    case 'applied':
      return `${e.done}/${e.total} ${resourceLabel(e.outcome.ref)}: ${e.outcome.status}`;
    case 'rollout':
      return rolloutLine(e.rollout);
  }
}

function logPlan(log: vscode.LogOutputChannel, plan: ApplyPlan): void {
  for (const p of plan.resources) {
    const why = p.action === 'error' ? ` — ${p.findings.map((f) => `${f.code}: ${f.message}`).join('; ')}` : '';
    if (p.action === 'error') log.warn(`dry-run ${resourceLabel(p.ref)}: ${p.action}${why}`);
    else log.info(`dry-run ${resourceLabel(p.ref)}: ${p.action}`);
  }
}
