import * as vscode from 'vscode';
import { withAbortSignal } from '../cancellation';
import type { Resource } from '../../core/parse/manifestParser';
import type { ManifestAnalysis } from '../manifestAnalysis';
import type { ClusterContextManager } from './clusterContext';
import { requireContext, requireTrust } from './clusterGate';
import { selectManifests } from './manifestTargets';
import { imagePickRows } from './clusterText';

export interface ImagesDeps {
  analysis: ManifestAnalysis;
  contexts: ClusterContextManager;
  log: vscode.LogOutputChannel;
}

/**
 * "Load Images into kind": the images the manifests use, which of them the local Docker engine
 * has (picked by default) and which are missing (listed, not picked), then `kind load docker-image`
 * for the chosen ones with progress. Only for kind contexts; docker or kind missing is said plainly.
 */
export async function loadImagesIntoKind(deps: ImagesDeps, arg?: unknown, many?: unknown, only?: Resource[]): Promise<string[] | undefined> {
  if (!requireTrust('Loading images into kind')) return undefined;
  const ctx = requireContext(deps.contexts);
  if (!ctx) return undefined;
  if (ctx.localKind !== 'kind' || !ctx.kindCluster) {
    void vscode.window
      .showInformationMessage(
        `Kube Topology: "${ctx.name}" is not a kind cluster, so there is nothing to load: its nodes pull images from a registry. Push the images there, or pick a kind context.`,
        'Select Cluster Context',
      )
      .then((c) => c && vscode.commands.executeCommand('kubeTopology.selectContext'));
    return undefined;
  }
  const kindImages = await import('../../core/cluster/kindImages');
  const resources = only ?? (await selectManifests(deps.analysis, arg, many))?.resources ?? [];
  const all = kindImages.imagesOf(resources, deps.analysis.currentConfig.defaultNamespace);
  // Text that is not an image reference never reaches docker or kind (it could be an option).
  const invalid = all.filter((u) => u.problem);
  if (invalid.length) {
    const list = invalid.map((u) => `${JSON.stringify(u.image.slice(0, 80))} (${u.problem ?? ''})`).join(', ');
    deps.log.warn(`Load images into kind: skipped, not valid image references: ${list}`);
    void vscode.window.showWarningMessage(
      `Kube Topology: skipped ${invalid.length === 1 ? 'an image that is' : `${invalid.length} images that are`} not a valid image reference: ${list}`,
    );
  }
  const uses = all.filter((u) => !u.problem);
  if (!uses.length) {
    void vscode.window.showInformationMessage('Kube Topology: these manifests use no container images.');
    return undefined;
  }
  let status;
  try {
    status = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Checking local Docker images' }, () =>
      kindImages.localImageStatus(uses.map((u) => u.image)),
    );
  } catch (e) {
    toolError(e, kindImages.KindToolError);
    return undefined;
  }
  const rows = imagePickRows(uses, status);
  const picked = await vscode.window.showQuickPick(
    rows.map((r) => ({ label: r.label, description: r.description, detail: r.detail, picked: r.picked, row: r })),
    {
      title: `Load images into kind cluster "${ctx.kindCluster}"`,
      canPickMany: true,
      placeHolder: `${rows.filter((r) => r.present).length} of ${rows.length} images exist in the local Docker engine`,
      matchOnDetail: true,
    },
  );
  if (!picked?.length) return undefined;
  const missing = picked.filter((p) => !p.row.present).map((p) => p.row.image);
  const toLoad = picked.filter((p) => p.row.present).map((p) => p.row.image);
  if (!toLoad.length) {
    void vscode.window.showWarningMessage(
      `Kube Topology: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the local Docker engine. Build or pull ${missing.length === 1 ? 'it' : 'them'} first (docker build -t IMAGE .).`,
    );
    return undefined;
  }
  try {
    const results = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Loading images into kind "${ctx.kindCluster}"`, cancellable: true },
      (progress, token) =>
        withAbortSignal(token, (signal) =>
          kindImages.loadImagesIntoKind(toLoad, ctx.kindCluster!, {
            signal,
            onProgress: (p) => {
              if (p.state === 'loading') progress.report({ message: `${p.index + 1}/${p.total} ${p.image}`, increment: p.index === 0 ? 0 : 100 / p.total });
              deps.log.info(`kind load docker-image ${p.image} --name ${ctx.kindCluster}: ${p.state}${p.message ? ` (${p.message})` : ''}`);
            },
          }),
        ),
    );
    const loaded = results.filter((r) => r.loaded).map((r) => r.image);
    const failed = results.filter((r) => !r.loaded);
    const parts = [`loaded ${loaded.length ? loaded.join(', ') : 'nothing'} into kind "${ctx.kindCluster}"`];
    if (failed.length) parts.push(`failed: ${failed.map((f) => `${f.image} (${f.error})`).join(', ')}`);
    if (missing.length) parts.push(`skipped (not in local Docker): ${missing.join(', ')}`);
    const text = `Kube Topology: ${parts.join('; ')}.`;
    if (failed.length || missing.length) void vscode.window.showWarningMessage(text);
    else void vscode.window.showInformationMessage(text);
    return loaded;
  } catch (e) {
    toolError(e, kindImages.KindToolError);
    return undefined;
  }
}

function toolError(e: unknown, KindToolError: new (...a: never[]) => Error & { problem: string }): void {
  if (e instanceof KindToolError && e.problem === 'cancelled') return;
  const hint =
    e instanceof KindToolError && e.problem === 'not-installed'
      ? ' Install it (https://kind.sigs.k8s.io, https://docs.docker.com/engine/install/) or set its path in KUBE_TOPOLOGY_KIND / KUBE_TOPOLOGY_DOCKER.'
      : e instanceof KindToolError && e.problem === 'daemon-down'
        ? ' Start Docker and try again.'
        : '';
  void vscode.window.showErrorMessage(`Kube Topology: ${(e as Error).message}.${hint}`);
}
