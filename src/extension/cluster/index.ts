import * as vscode from 'vscode';
import type { ManifestAnalysis } from '../manifestAnalysis';
import type { TopologyCodeLensProvider } from '../topologyCodeLens';
import { listenToTopologyPanels, type TopologyActionMessage, type TopologyPanel } from '../topologyPanel';
import type { Resource } from '../../core/parse/manifestParser';
import { ClusterContextManager } from './clusterContext';
import { ApplyDiagnostics } from './applyDiagnostics';
import { LiveDocuments } from './liveDocuments';
import { LiveOverlayController } from './liveOverlay';
import { PortForwards, serviceTarget } from './portForwards';
import { applyToCluster, tearDown, type ApplyDeps } from './applyCommand';
import { loadImagesIntoKind } from './kindImagesCommand';
import { selectClusterContext } from './contextPicker';
import { selectScope } from './manifestTargets';
import type { CommandHandlers } from '../commandTable';
import { registerKindFeatures, type KindCommandId } from '../kind';

export interface ClusterFeatureDeps {
  analysis: ManifestAnalysis;
  codeLens: TopologyCodeLensProvider;
  log: vscode.LogOutputChannel;
}

/**
 * Everything that talks to a cluster: the context status bar item and picker, Apply / Tear Down,
 * Load Images into kind, port-forwards and the graph's live overlay and node actions. Nothing here
 * loads @kubernetes/client-node until a command or a probe needs a connection.
 */
export type ClusterCommandId =
  | 'kubeTopology.selectContext'
  | 'kubeTopology.checkCluster'
  | 'kubeTopology.applyToCluster'
  | 'kubeTopology.tearDown'
  | 'kubeTopology.loadImagesIntoKind'
  | 'kubeTopology.portForward'
  | 'kubeTopology.stopPortForwards'
  | KindCommandId;

/** Registers the cluster features' providers and returns their command handlers (registered from the command table). */
export function registerClusterFeatures(context: vscode.ExtensionContext, deps: ClusterFeatureDeps): CommandHandlers<ClusterCommandId> {
  const { analysis, codeLens, log } = deps;
  const contexts = new ClusterContextManager(context, log);
  const diagnostics = new ApplyDiagnostics();
  const documents = new LiveDocuments();
  const forwards = new PortForwards(analysis, contexts, log);
  const overlay = new LiveOverlayController(contexts, log);
  const kind = registerKindFeatures(context, { analysis, contexts, log });
  const applyDeps: ApplyDeps = {
    analysis,
    contexts,
    diagnostics,
    documents,
    log,
    onServicesDeleted: (ctx, services) => void forwards.stopForServices(ctx, services),
    onApplied: (result) => kind.onApplied(result),
  };

  const lenses: vscode.Disposable[] = [];
  const addLenses = () => {
    // Lenses that change a cluster only where they can work: a trusted workspace.
    if (!vscode.workspace.isTrusted || lenses.length) return;
    lenses.push(
      codeLens.addFileLens({
        title: 'Apply to Cluster',
        command: 'kubeTopology.applyToCluster',
        tooltip: 'Dry-run, diff and server-side apply this file to the selected cluster',
      }),
      codeLens.addFileLens({ title: 'Tear Down', command: 'kubeTopology.tearDown', tooltip: 'Delete what this file defines from the selected cluster' }),
    );
  };
  addLenses();

  const onAction = async (panel: TopologyPanel, m: TopologyActionMessage): Promise<void> => {
    switch (m.type) {
      case 'selectContext':
        return selectClusterContext(contexts);
      case 'apply': {
        const selection = await selectScope(analysis, panel.scope);
        if (selection) await applyToCluster(applyDeps, undefined, undefined, selection);
        return;
      }
      case 'portForward': {
        const r = resourceOfNode(analysis, panel, m.nodeId, 'Service');
        if (!r) return unknownNode(log, m);
        await forwards.start(serviceTarget(r.object, r.name ?? '', r.namespace || analysis.currentConfig.defaultNamespace));
        return;
      }
      case 'loadImages': {
        const r = resourceOfNode(analysis, panel, m.nodeId);
        if (!r) return unknownNode(log, m);
        await loadImagesIntoKind({ analysis, contexts, log }, undefined, undefined, [r]);
        return;
      }
    }
  };

  // Reading the kubeconfig, asking kind and probing the server wait until the workspace is
  // indexed (a manifest is open or a command ran): a repository without manifests pays nothing.
  if (analysis.started) contexts.start();
  else context.subscriptions.push(analysis.onDidStart(() => contexts.start()));
  const all = vscode.Disposable.from(
    contexts,
    diagnostics,
    documents,
    forwards,
    overlay,
    new vscode.Disposable(() => {
      for (const l of lenses) l.dispose();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(addLenses),
    listenToTopologyPanels({ onAction }),
  );
  context.subscriptions.push(all);
  return {
    'kubeTopology.selectContext': () => selectClusterContext(contexts),
    'kubeTopology.checkCluster': () => {
      contexts.reload();
      return contexts.probe();
    },
    'kubeTopology.applyToCluster': (uri?: unknown, uris?: unknown) => applyToCluster(applyDeps, uri, uris),
    'kubeTopology.tearDown': (uri?: unknown, uris?: unknown) => tearDown(applyDeps, uri, uris),
    'kubeTopology.loadImagesIntoKind': (uri?: unknown, uris?: unknown) => loadImagesIntoKind({ analysis, contexts, log }, uri, uris),
    'kubeTopology.portForward': () => forwards.start(),
    'kubeTopology.stopPortForwards': () => forwards.stopInteractive(),
    ...kind.handlers,
  };
}

/** The manifest resource behind a graph node (the webview only names node ids; the host looks them up). */
function resourceOfNode(analysis: ManifestAnalysis, panel: TopologyPanel, nodeId: string, kind?: string): Resource | undefined {
  const node = panel.node(nodeId);
  if (!node || node.ghost || (kind && node.kind !== kind)) return undefined;
  const defaultNs = analysis.currentConfig.defaultNamespace;
  for (const scope of analysis.allScopes()) {
    const hit = scope.last?.resources.find(
      (r) =>
        r.kind === node.kind && r.name === node.name && (r.namespace || defaultNs) === (node.namespace || defaultNs) && (!node.file || r.file === node.file),
    );
    if (hit) return hit;
  }
  return undefined;
}

function unknownNode(log: vscode.LogOutputChannel, m: { type: string; nodeId: string }): void {
  log.warn(`Topology webview asked for "${m.type}" on "${m.nodeId.slice(0, 200)}", which is not such a resource of the graph; ignored.`);
}
