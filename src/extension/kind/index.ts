import * as vscode from 'vscode';
import type { ManifestAnalysis } from '../manifestAnalysis';
import type { ClusterContextManager } from '../cluster/clusterContext';
import { listenToTopologyPanels } from '../topologyPanel';
import type { CommandHandlers } from '../commandTable';
import type { ApplyResult } from '../../core/cluster/applyTypes';
import { createKindClusterCommand } from './kindClusterCommand';
import { installMetricsServerCommand, offerMetricsServer, removeMetricsServerCommand } from './metricsServerCommand';
import { LoadRuns } from './loadRuns';

export type KindCommandId =
  | 'kubeTopology.createKindCluster'
  | 'kubeTopology.installMetricsServer'
  | 'kubeTopology.removeMetricsServer'
  | 'kubeTopology.sendLoad'
  | 'kubeTopology.stopLoad';

export interface KindFeatures {
  handlers: CommandHandlers<KindCommandId>;
  /** Call after an apply: offers metrics-server when HPAs were applied to a cluster without it. */
  onApplied(result: ApplyResult): void;
}

/**
 * "See it scale": create a kind cluster, make it ready for HPAs (metrics-server), send load to a
 * Service and watch its autoscalers on the graph. Registered with the cluster features, whose
 * context manager it shares.
 */
export function registerKindFeatures(
  context: vscode.ExtensionContext,
  deps: { analysis: ManifestAnalysis; contexts: ClusterContextManager; log: vscode.LogOutputChannel },
): KindFeatures {
  const loads = new LoadRuns({ ...deps, context });
  context.subscriptions.push(
    loads,
    listenToTopologyPanels({
      onAction: async (panel, m) => {
        if (m.type === 'stopLoad') return loads.stop(m.id);
        if (m.type !== 'sendLoad') return;
        const node = panel.node(m.nodeId);
        if (!node || node.ghost || node.kind !== 'Service') {
          deps.log.warn(`Topology webview asked to send load to "${m.nodeId.slice(0, 200)}", which is not a Service of the graph; ignored.`);
          return;
        }
        await loads.start({ namespace: node.namespace || deps.analysis.currentConfig.defaultNamespace, name: node.name });
      },
    }),
  );
  return {
    handlers: {
      'kubeTopology.createKindCluster': () => createKindClusterCommand(deps),
      'kubeTopology.installMetricsServer': () => installMetricsServerCommand(deps),
      'kubeTopology.removeMetricsServer': () => removeMetricsServerCommand(deps),
      'kubeTopology.sendLoad': () => loads.start(),
      'kubeTopology.stopLoad': () => loads.stop(),
    },
    onApplied: (result) => {
      const ctx = deps.contexts.state.context;
      if (ctx) void offerMetricsServer(deps, ctx, result);
    },
  };
}
