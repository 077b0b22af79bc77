import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { GraphModel, GraphNode } from '../core/graph/types';
import type { LiveSnapshot } from '../core/cluster/liveTypes';
import type { LoadStatus } from '../core/load/loadTypes';
import { renderWebviewHtml } from '../core/graph/render/page';
import {
  describeInvalid,
  isWebviewToHostMessage,
  restoredScope,
  type ClusterInfo,
  type GraphScope,
  type HostToWebviewMessage,
  type WebviewToHostMessage,
} from '../shared/webviewProtocol';
import { errorText } from '../core/errorText';
import { isManifestDocument } from './manifestAnalysis';

/**
 * The topology webview panel's host side.
 *
 * The lead's extension module wires it up once in `activate`:
 *
 *   registerTopology(context, {
 *     getGraph: (scope) => …GraphModel (buildGraph over the latest AnalysisResult, see graphForScope),
 *     onDidChangeAnalysis: analysis.onDidAnalyze-derived vscode.Event<unknown>,
 *     refresh: () => …re-analyse now (optional),
 *     log: the extension's LogOutputChannel (optional),
 *   });
 *   commands.registerCommand('kubeTopology.showTopology', async (uri?: Uri) => {
 *     const scope = await scopeFromUri(uri);
 *     if (scope) showTopology(context, scope);
 *   });
 *
 * Panels are keyed by scope (one per file/folder/workspace), survive a window reload through a
 * WebviewPanelSerializer (view type {@link TOPOLOGY_VIEW_TYPE}; add
 * `onWebviewPanel:kubeTopology.topology` to activationEvents), and keep no hidden context: a hidden
 * panel's webview is rebuilt from `getState()` and asks for the graph again with `ready`.
 */

export const TOPOLOGY_VIEW_TYPE = 'kubeTopology.topology';

export interface TopologyScope {
  kind: 'file' | 'folder' | 'workspace';
  uri: vscode.Uri;
}

/** Where the panel gets its data from. */
export interface TopologySource {
  /** The graph of a scope from the latest analysis. May throw; the panel shows the error state. */
  getGraph(scope: TopologyScope): GraphModel | Promise<GraphModel>;
  /** Fires after each (debounced) analysis pass; visible panels ask `getGraph` again. */
  onDidChangeAnalysis: vscode.Event<unknown>;
  /** Re-analyse now (toolbar Refresh). Without it, Refresh just asks `getGraph` again. */
  refresh?(): void | Promise<void>;
  /** Where invalid messages and webview logs go. */
  log?: vscode.LogOutputChannel;
}

let registeredSource: TopologySource | undefined;
const panels = new Map<string, TopologyPanel>();

/** Node and toolbar actions the webview asks for; the cluster features handle them (after re-checking trust). */
export type TopologyActionMessage = Extract<WebviewToHostMessage, { type: 'apply' | 'portForward' | 'loadImages' | 'selectContext' | 'sendLoad' | 'stopLoad' }>;

/** What the cluster features (live overlay, actions) hear from the panels. */
export interface TopologyPanelListener {
  /** A graph was posted; `fresh`: the webview was (re)loaded and holds no live state yet. */
  onGraph?(panel: TopologyPanel, graph: GraphModel, fresh: boolean): void;
  onDispose?(panel: TopologyPanel): void;
  onAction?(panel: TopologyPanel, message: TopologyActionMessage): void | Promise<void>;
}

const listeners = new Set<TopologyPanelListener>();

export function listenToTopologyPanels(listener: TopologyPanelListener): vscode.Disposable {
  listeners.add(listener);
  return new vscode.Disposable(() => listeners.delete(listener));
}

/** The open topology panels. */
export function topologyPanels(): TopologyPanel[] {
  return [...panels.values()];
}

/** Call once in `activate`: remembers the source and restores panels after a reload. */
export function registerTopology(context: vscode.ExtensionContext, source: TopologySource): vscode.Disposable {
  registeredSource = source;
  const disposables: vscode.Disposable[] = [
    vscode.window.registerWebviewPanelSerializer(TOPOLOGY_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => {
        const saved = restoredScope(state);
        const scope = saved ? fromSaved(saved) : workspaceScope();
        if (!scope) {
          panel.dispose();
          return;
        }
        adopt(context, panel, scope, source);
      },
    }),
    new vscode.Disposable(() => {
      for (const p of [...panels.values()]) p.dispose();
      registeredSource = undefined;
    }),
  ];
  const all = vscode.Disposable.from(...disposables);
  context.subscriptions.push(all);
  return all;
}

/** Opens (or reveals) the topology of a file, folder or the whole workspace. */
export function showTopology(context: vscode.ExtensionContext, scope: TopologyScope, source: TopologySource | undefined = registeredSource): TopologyPanel {
  if (!source) throw new Error('registerTopology(context, source) must be called in activate before showTopology');
  const existing = panels.get(scopeKey(scope));
  if (existing) {
    existing.reveal();
    return existing;
  }
  const panel = vscode.window.createWebviewPanel(
    TOPOLOGY_VIEW_TYPE,
    titleOf(scope),
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
    webviewOptions(context),
  );
  return adopt(context, panel, scope, source);
}

/**
 * A scope from a command argument (Explorer context menu on a file or folder, CodeLens) or, without
 * one, the active editor's file; the whole workspace when there is neither.
 */
export async function scopeFromUri(uri: vscode.Uri | undefined, kind?: TopologyScope['kind']): Promise<TopologyScope | undefined> {
  // The active editor counts only when it holds a manifest: with the Output panel or a log focused,
  // Show Topology means the workspace, not that channel's text.
  const active = vscode.window.activeTextEditor?.document;
  const target = uri ?? (active && isManifestDocument(active) ? active.uri : undefined);
  if (!target) return workspaceScope();
  if (kind) return { kind, uri: target };
  try {
    const stat = await vscode.workspace.fs.stat(target);
    if (stat.type & vscode.FileType.Directory) return { kind: 'folder', uri: target };
  } catch {
    // untitled or virtual documents: a file scope
  }
  return { kind: 'file', uri: target };
}

function workspaceScope(): TopologyScope | undefined {
  const first = vscode.workspace.workspaceFolders?.[0];
  return first ? { kind: 'workspace', uri: first.uri } : undefined;
}

function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    // Only the bundle folder: main.js (with the toolkit and the layout worker inside) and main.css.
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')],
    enableFindWidget: false,
  };
}

function adopt(context: vscode.ExtensionContext, panel: vscode.WebviewPanel, scope: TopologyScope, source: TopologySource): TopologyPanel {
  const p = new TopologyPanel(context, panel, scope, source);
  panels.set(scopeKey(scope), p);
  panel.onDidDispose(() => {
    if (panels.get(scopeKey(scope)) === p) panels.delete(scopeKey(scope));
  });
  return p;
}

function scopeKey(s: TopologyScope): string {
  return `${s.kind}:${s.uri.toString()}`;
}

function fromSaved(s: GraphScope): TopologyScope | undefined {
  try {
    return { kind: s.kind, uri: vscode.Uri.parse(s.uri, true) };
  } catch {
    return undefined;
  }
}

function labelOf(scope: TopologyScope): string {
  if (scope.kind === 'workspace') return vscode.workspace.name ?? 'workspace';
  return (
    vscode.workspace.asRelativePath(scope.uri, vscode.workspace.workspaceFolders !== undefined && vscode.workspace.workspaceFolders.length > 1) ||
    scope.uri.fsPath
  );
}

function titleOf(scope: TopologyScope): string {
  const label = labelOf(scope);
  const short = label.split(/[\\/]/).filter(Boolean).pop() ?? label;
  return `Topology: ${short}`;
}

/** Graph file names are `uri.toString()` in the extension and paths in the CLI; accept both. */
function toUri(file: string): vscode.Uri {
  return /^[a-z][a-z0-9+.-]+:/i.test(file) ? vscode.Uri.parse(file, true) : vscode.Uri.file(file);
}

export class TopologyPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private graph: GraphModel | undefined;
  private nodesById = new Map<string, GraphNode>();
  private revision = 0;
  private highlighted: string | null = null;
  private ready = false;
  private pendingUpdate: ReturnType<typeof setTimeout> | undefined;
  /** Re-posted to a reloaded webview, which starts without them. */
  private lastLive: LiveSnapshot | null = null;
  private lastCluster: ClusterInfo | undefined;
  private lastLoad: LoadStatus | null = null;
  private disposed = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly panel: vscode.WebviewPanel,
    readonly scope: TopologyScope,
    private readonly source: TopologySource,
  ) {
    panel.title = titleOf(scope);
    panel.webview.options = webviewOptions(context);
    this.render();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      panel.onDidChangeViewState(() => {
        // A panel that becomes visible again gets a fresh webview, which says `ready` itself.
        if (!panel.visible) this.ready = false;
      }),
      source.onDidChangeAnalysis(() => this.scheduleUpdate()),
      vscode.window.onDidChangeTextEditorSelection((e) => this.onCursor(e.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((e) => e && this.onCursor(e)),
    );
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.pendingUpdate) clearTimeout(this.pendingUpdate);
    this.pendingUpdate = undefined;
    while (this.disposables.length) this.disposables.pop()?.dispose();
    for (const l of listeners) l.onDispose?.(this);
  }

  /** The graph last posted to the webview. */
  get currentGraph(): GraphModel | undefined {
    return this.graph;
  }

  node(id: string): GraphNode | undefined {
    return this.nodesById.get(id);
  }

  /** Live cluster state for the overlay (`null`: overlay off). */
  postLive(snapshot: LiveSnapshot | null): void {
    this.lastLive = snapshot;
    if (this.ready) this.post({ type: 'live', snapshot });
  }

  /** The load run's status for the scaling card (`null`: hide it). */
  postLoad(status: LoadStatus | null): void {
    this.lastLoad = status;
    if (this.ready) this.post({ type: 'load', status });
  }

  postCluster(info: ClusterInfo): void {
    this.lastCluster = info;
    if (this.ready) this.post({ type: 'cluster', info });
  }

  /** Fresh HTML with a fresh nonce (each render; VS Code re-renders on reload). */
  private render(): void {
    const webview = this.panel.webview;
    const base = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview');
    webview.html = renderWebviewHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(24).toString('base64url'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(base, 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(base, 'main.css')).toString(),
      title: this.panel.title,
    });
  }

  private post(m: HostToWebviewMessage): void {
    void this.panel.webview.postMessage(m);
  }

  private scheduleUpdate(): void {
    if (!this.ready || !this.panel.visible) return; // the webview asks with `ready` when it is shown
    if (this.pendingUpdate) return;
    this.pendingUpdate = setTimeout(() => {
      this.pendingUpdate = undefined;
      void this.sendGraph();
    }, 50);
  }

  private async sendGraph(fresh = false): Promise<void> {
    try {
      const graph = await this.source.getGraph(this.scope);
      this.graph = graph;
      this.nodesById = new Map(graph.nodes.map((n) => [n.id, n]));
      this.post({
        type: 'graph',
        revision: ++this.revision,
        scope: { kind: this.scope.kind, uri: this.scope.uri.toString(), label: labelOf(this.scope) },
        graph,
      });
      if (fresh) {
        if (this.lastCluster) this.post({ type: 'cluster', info: this.lastCluster });
        if (this.lastLive) this.post({ type: 'live', snapshot: this.lastLive });
        if (this.lastLoad) this.post({ type: 'load', status: this.lastLoad });
      }
      for (const l of listeners) l.onGraph?.(this, graph, fresh);
      const editor = vscode.window.activeTextEditor;
      if (editor) this.onCursor(editor, true);
    } catch (e) {
      this.source.log?.error(
        `Topology: could not build the graph for ${this.scope.uri.toString()}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
      this.post({
        type: 'error',
        message: `The graph could not be built: ${errorText(e)}`,
        hint: 'Check the Kube Topology output channel for details, then use Refresh.',
      });
    }
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isWebviewToHostMessage(raw)) {
      this.source.log?.warn(`Topology webview sent an invalid message, ignored: ${describeInvalid(raw)}`);
      return;
    }
    const m: WebviewToHostMessage = raw;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.highlighted = null;
        await this.sendGraph(true);
        return;
      case 'reveal':
        await this.revealNode(m.nodeId);
        return;
      case 'export':
        await this.saveExport(m.format, m.data, m.suggestedName);
        return;
      case 'refresh':
        try {
          await this.source.refresh?.();
        } finally {
          await this.sendGraph();
        }
        return;
      case 'rendered':
        this.source.log?.trace(`Topology revision ${m.revision}: ${m.nodes} nodes, ${m.edges} edges, layout ${m.layoutMs} ms, paint ${m.paintMs} ms`);
        return;
      case 'log':
        this.source.log?.[m.level === 'warn' ? 'warn' : m.level === 'error' ? 'error' : 'info'](`Topology webview: ${m.message}`);
        return;
      case 'apply':
      case 'portForward':
      case 'loadImages':
      case 'selectContext':
      case 'sendLoad':
      case 'stopLoad':
        if (!listeners.size) this.source.log?.warn(`Topology webview asked for "${m.type}", but the cluster features are not loaded.`);
        for (const l of listeners) await l.onAction?.(this, m);
        return;
    }
  }

  /** Opens the YAML beside the panel and selects the whole resource (a ghost: the broken reference). */
  private async revealNode(id: string): Promise<void> {
    const node = this.nodesById.get(id);
    if (!node || !node.file) return;
    try {
      const doc = await vscode.workspace.openTextDocument(toUri(node.file));
      const r = node.range;
      const range = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
      const column = this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
      const existing = vscode.window.visibleTextEditors.find((e) => e.document === doc);
      const editor = await vscode.window.showTextDocument(doc, { viewColumn: existing?.viewColumn ?? column, preserveFocus: false, preview: true });
      editor.selection = new vscode.Selection(range.start, range.end);
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch (e) {
      void vscode.window.showWarningMessage(`Could not open ${node.file}: ${errorText(e)}`);
    }
  }

  /** The cursor moved: highlight the resource it is in (never steals focus from the editor). */
  private onCursor(editor: vscode.TextEditor, force = false): void {
    if (!this.ready || !this.graph) return;
    const uri = editor.document.uri.toString();
    const fsPath = editor.document.uri.scheme === 'file' ? editor.document.uri.fsPath : undefined;
    const line = editor.selection.active.line;
    let hit: string | null = null;
    for (const n of this.graph.nodes) {
      if (n.ghost || (n.file !== uri && n.file !== fsPath)) continue;
      if (line >= n.range.start.line && line <= n.range.end.line) {
        hit = n.id;
        break;
      }
    }
    if (hit === this.highlighted && !force) return;
    this.highlighted = hit;
    this.post({ type: 'highlight', nodeId: hit });
  }

  private async saveExport(format: 'svg' | 'png', data: string, suggestedName: string): Promise<void> {
    const PNG_PREFIX = 'data:image/png;base64,';
    let bytes: Uint8Array;
    if (format === 'svg') {
      if (!data.trimStart().startsWith('<svg')) return this.post({ type: 'exportResult', ok: false, message: 'The export was not an SVG document.' });
      bytes = Buffer.from(data, 'utf8');
    } else {
      if (!data.startsWith(PNG_PREFIX)) return this.post({ type: 'exportResult', ok: false, message: 'The export was not a PNG image.' });
      bytes = Buffer.from(data.slice(PNG_PREFIX.length), 'base64');
    }
    const safeName = suggestedName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+/, '') || `topology.${format}`;
    const folder = vscode.workspace.getWorkspaceFolder(this.scope.uri)?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, safeName) : undefined,
      filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
      saveLabel: `Export ${format.toUpperCase()}`,
    });
    if (!target) return this.post({ type: 'exportResult', ok: false, message: 'Export cancelled.' });
    try {
      await vscode.workspace.fs.writeFile(target, bytes);
      this.post({ type: 'exportResult', ok: true, message: `Saved ${vscode.workspace.asRelativePath(target)}` });
    } catch (e) {
      this.post({ type: 'exportResult', ok: false, message: `Could not save: ${errorText(e)}` });
    }
  }
}
