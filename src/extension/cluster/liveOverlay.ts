import * as vscode from 'vscode';
import type { GraphModel } from '../../core/graph/types';
import type { ClusterInfo } from '../../shared/webviewProtocol';
import { listenToTopologyPanels, topologyPanels, type TopologyPanel } from '../topologyPanel';
import type { ClusterContextManager } from './clusterContext';
import { liveTargetsOf } from './clusterText';
import { affectsSetting, setting } from '../config';

type LiveStateModule = typeof import('../../core/cluster/liveState');

interface Watch {
  key: string;
  context: string;
  dispose(): void;
}

/**
 * Keeps each open topology panel's live overlay fed: when the selected context is reachable, one
 * watcher (list + watch, from the core) per panel over the panel's graph nodes, restarted when the
 * set of nodes or the context changes, stopped when the panel closes or the cluster goes away.
 */
export class LiveOverlayController implements vscode.Disposable {
  private readonly watches = new Map<TopologyPanel, Watch>();
  private readonly disposables: vscode.Disposable[] = [];
  private liveState: LiveStateModule | undefined;

  constructor(
    private readonly contexts: ClusterContextManager,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      listenToTopologyPanels({
        onGraph: (panel, graph) => void this.sync(panel, graph),
        onDispose: (panel) => this.stop(panel),
      }),
      contexts.onDidChange(() => this.syncAll()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.syncAll()),
      vscode.workspace.onDidChangeConfiguration((e) => affectsSetting(e, 'cluster.liveOverlay') && this.syncAll()),
    );
  }

  /** What the panel's toolbar shows about the cluster. */
  clusterInfo(): ClusterInfo {
    const s = this.contexts.state;
    const c = s.context;
    const reachable = s.probe === 'reachable';
    return {
      context: c?.name ?? null,
      local: !!c?.local,
      kind: c?.localKind === 'kind',
      reachable,
      detail: c
        ? `${c.server}${s.version ? ` · Kubernetes ${s.version}` : ''}${s.error ? ` · ${s.error}` : ''}${vscode.workspace.isTrusted ? '' : ' · untrusted workspace: view only'}`
        : s.error,
      canApply: vscode.workspace.isTrusted && !!c && reachable,
    };
  }

  private syncAll(): void {
    for (const panel of topologyPanels()) {
      const graph = panel.currentGraph;
      if (graph) void this.sync(panel, graph);
    }
  }

  private async sync(panel: TopologyPanel, graph: GraphModel): Promise<void> {
    panel.postCluster(this.clusterInfo());
    const s = this.contexts.state;
    const enabled = setting('cluster.liveOverlay');
    if (!enabled || !s.context || s.probe !== 'reachable') {
      if (enabled && s.probe === 'probing' && this.watches.get(panel)?.context === s.context?.name) return; // keep drawing while re-checking
      this.stop(panel);
      panel.postLive(null);
      return;
    }
    const mod = (this.liveState ??= await import('../../core/cluster/liveState'));
    const { targets, key } = liveTargetsOf(graph, mod.isWatchableKind);
    const existing = this.watches.get(panel);
    // Same nodes, same cluster: keep the watch (a reloaded webview gets the last snapshot from the panel).
    if (existing && existing.key === key && existing.context === s.context.name) return;
    this.stop(panel);
    if (!targets.length) {
      panel.postLive(null);
      return;
    }
    let live: Awaited<ReturnType<ClusterContextManager['liveConnection']>>;
    try {
      live = await this.contexts.liveConnection();
    } catch (e) {
      this.log.warn(`Live view: cannot connect to ${s.context.name}: ${(e as Error).message}`);
      panel.postLive(null);
      return;
    }
    const contextName = s.context.name;
    const watcher = mod.watchLiveState(live.connection, targets, (snapshot) => {
      if (this.watches.get(panel) === watch) panel.postLive(snapshot);
    });
    const watch: Watch = {
      key,
      context: contextName,
      dispose: () => {
        watcher.dispose();
        live.close();
      },
    };
    this.watches.set(panel, watch);
    this.log.debug(`Live view: watching ${targets.length} resources on ${contextName} for ${panel.scope.uri.toString()}`);
  }

  private stop(panel: TopologyPanel): void {
    const w = this.watches.get(panel);
    if (!w) return;
    this.watches.delete(panel);
    w.dispose();
  }

  dispose(): void {
    for (const w of this.watches.values()) w.dispose();
    this.watches.clear();
    for (const d of this.disposables) d.dispose();
  }
}
