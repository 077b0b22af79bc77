import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { Resource } from '../../core/parse/manifestParser';
import type { ApplyResult } from '../../core/cluster/applyTypes';
import type { ContextInfo } from '../../core/cluster/kubeconfig';
import { confirmRemote, requireContext, requireTrust } from '../cluster/clusterGate';
import type { KindCommandDeps } from './kindClusterCommand';
import { errorText } from '../../core/errorText';

type MetricsModule = typeof import('../../core/kind/metricsServer');

async function bundled(): Promise<{ mod: MetricsModule; resources: Resource[] }> {
  const mod = await import('../../core/kind/metricsServer');
  const file = mod.findMetricsServerManifest(__dirname);
  if (!file) throw new Error('the bundled metrics-server manifest is missing: reinstall the extension');
  return { mod, resources: mod.metricsServerResources(file, fs.readFileSync(file, 'utf8')) };
}

const REMOVE_HINT = 'Remove it with "Kube Topology: Remove metrics-server".';

/**
 * "Install metrics-server (for HPAs)": the bundled v0.8.1 manifest into kube-system (a modal first
 * on a cluster that is not local), the image loaded from the local Docker engine when a kind node
 * can use it, then progress until metrics.k8s.io answers. The result says what went where and how
 * to remove it, and offers to.
 */
export async function installMetricsServerCommand(deps: KindCommandDeps): Promise<boolean> {
  if (!requireTrust('Installing metrics-server')) return false;
  const ctx = requireContext(deps.contexts);
  if (!ctx) return false;
  let mod: MetricsModule;
  let resources: Resource[];
  try {
    ({ mod, resources } = await bundled());
  } catch (e) {
    void vscode.window.showErrorMessage(`Kube Topology: ${errorText(e)}`);
    return false;
  }
  const objects = mod.describeObjects(resources);
  if (!(await confirmRemote(ctx, 'Apply', resources.length, `Installs ${mod.installSummary(resources)}:\n${objects.join('\n')}\n\n${REMOVE_HINT}`)))
    return false;
  const client = await deps.contexts.openSelected();
  try {
    const before = await mod.metricsApiState(client);
    if (before.answering && !before.ours) {
      void vscode.window.showInformationMessage(
        `Kube Topology: metrics.k8s.io already answers on ${ctx.name} (served by ${before.servedBy ?? 'another metrics server'}); nothing to install.`,
      );
      return true;
    }
    deps.log.info(`Installing ${mod.installSummary(resources)} on ${ctx.name}: ${objects.join(', ')}`);
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Kube Topology: installing metrics-server ${mod.METRICS_SERVER_VERSION} into ${mod.METRICS_SERVER_NAMESPACE} on ${ctx.name}`,
        cancellable: true,
      },
      async (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        if (ctx.localKind === 'kind' && ctx.kindCluster)
          await loadImageIfLocal(mod.METRICS_SERVER_IMAGE, ctx.kindCluster, ac.signal, (m) => (progress.report({ message: m }), deps.log.info(m)));
        return mod.installMetricsServer(client, resources, {
          signal: ac.signal,
          onProgress: (e) => {
            const line =
              e.type === 'waiting'
                ? e.message
                : e.type === 'applied'
                  ? `${e.outcome.status} ${e.outcome.ref.kind} ${e.outcome.ref.name}`
                  : e.type === 'rollout'
                    ? `rollout: ${e.rollout.message}`
                    : e.type === 'phase'
                      ? e.phase
                      : undefined;
            if (!line) return;
            progress.report({ message: line });
            deps.log.info(`metrics-server on ${ctx.name}: ${line}`);
          },
        });
      },
    );
    const failed = result.apply.outcomes.filter((o) => o.status === 'failed');
    if (failed.length || !result.ready) {
      const why = failed.length
        ? failed.map((o) => `${o.ref.kind} ${o.ref.name}: ${o.findings[0]?.message ?? 'failed'}`).join('; ')
        : (result.state.detail ?? 'not answering');
      deps.log.warn(`metrics-server on ${ctx.name}: ${why}`);
      void vscode.window
        .showWarningMessage(`Kube Topology: metrics-server on ${ctx.name} is not answering: ${why}. ${REMOVE_HINT}`, 'Remove…')
        .then((c) => c && removeMetricsServerCommand(deps));
      return false;
    }
    const message =
      `Kube Topology: metrics-server ${mod.METRICS_SERVER_VERSION} runs in ${mod.METRICS_SERVER_NAMESPACE} on ${ctx.name}; metrics.k8s.io answered after ${Math.round((result.readyMs ?? 0) / 1000)} s, so HPAs now read CPU. ` +
      `Installed: ${resources.length} objects (Deployment and Service metrics-server, APIService v1beta1.metrics.k8s.io, RBAC). ${REMOVE_HINT}`;
    deps.log.info(message);
    void vscode.window.showInformationMessage(message, 'Remove…').then((c) => c && removeMetricsServerCommand(deps));
    return true;
  } catch (e) {
    void vscode.window.showErrorMessage(`Kube Topology: installing metrics-server on ${ctx.name} failed: ${errorText(e)}`);
    return false;
  } finally {
    client.close();
  }
}

async function loadImageIfLocal(image: string, cluster: string, signal: AbortSignal, say: (m: string) => void): Promise<void> {
  const kindImages = await import('../../core/cluster/kindImages');
  try {
    const [status] = await kindImages.localImageStatus([image], { signal });
    if (!status?.present) return; // the node pulls it
    say(`loading ${image} from the local Docker engine into kind cluster ${cluster}`);
    await kindImages.loadImagesIntoKind([image], cluster, { signal });
  } catch {
    // no docker here, or kind cannot load: the node pulls the image instead
  }
}

/** "Remove metrics-server": a modal listing what kube-topology installed; objects without its annotation are kept. */
export async function removeMetricsServerCommand(deps: KindCommandDeps): Promise<boolean> {
  if (!requireTrust('Removing metrics-server')) return false;
  const ctx = requireContext(deps.contexts);
  if (!ctx) return false;
  const { mod, resources } = await bundled();
  const choice = await vscode.window.showWarningMessage(
    `Remove metrics-server from ${ctx.name}?`,
    {
      modal: true,
      detail: `Deletes what kube-topology installed (annotation ${mod.ADDON_ANNOTATION}); anything else is kept:\n${mod.describeObjects(resources).join('\n')}\n\nHPAs then show <unknown> and stop scaling.`,
    },
    'Remove',
  );
  if (choice !== 'Remove') return false;
  const client = await deps.contexts.openSelected();
  try {
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Kube Topology: removing metrics-server from ${ctx.name}` },
      () => mod.removeMetricsServer(client, resources),
    );
    const deleted = r.result?.outcomes.filter((o) => o.status === 'deleted').length ?? 0;
    const failed = r.result?.outcomes.filter((o) => o.status === 'failed' || o.status === 'still-terminating') ?? [];
    const kept = r.notOurs.length ? ` Kept (not installed by kube-topology): ${r.notOurs.join(', ')}.` : '';
    const message = r.result
      ? `Kube Topology: removed ${deleted} metrics-server objects from ${ctx.name}.${kept}`
      : `Kube Topology: nothing kube-topology installed is on ${ctx.name}.${kept}`;
    (failed.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage)(
      failed.length ? `${message} ${failed.length} could not be removed (see the log).` : message,
    );
    for (const f of failed) deps.log.warn(`remove metrics-server: ${f.ref.kind} ${f.ref.name}: ${f.findings[0]?.message ?? f.status}`);
    return !failed.length;
  } finally {
    client.close();
  }
}

const offered = new Set<string>();

/**
 * After an apply that created or kept an HPA: if the cluster serves no metrics, the HPA will show
 * <unknown> and never scale — say so once per context and offer the install.
 */
export async function offerMetricsServer(deps: KindCommandDeps, ctx: ContextInfo, result: ApplyResult): Promise<void> {
  if (offered.has(ctx.name) || !result.outcomes.some((o) => o.ref.kind === 'HorizontalPodAutoscaler')) return;
  let hpas: string[];
  try {
    const mod = await import('../../core/kind/metricsServer');
    const client = await deps.contexts.openSelected();
    try {
      hpas = await mod.hpasWithoutMetrics(client, result.outcomes);
    } finally {
      client.close();
    }
  } catch {
    return; // cannot tell: say nothing rather than something wrong
  }
  if (!hpas.length) return;
  offered.add(ctx.name);
  const choice = await vscode.window.showInformationMessage(
    `Kube Topology: ${ctx.name} has no metrics-server, so HPA ${hpas.slice(0, 3).join(', ')} cannot read CPU: it shows <unknown> and never scales.`,
    'Install metrics-server',
  );
  if (choice) await vscode.commands.executeCommand('kubeTopology.installMetricsServer');
}
