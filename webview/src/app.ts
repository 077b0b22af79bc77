import type { GraphModel, NodeCategory } from '../../src/core/graph/types';
import type { GraphLayout, LayoutMemory } from '../../src/core/graph/layout/types';
import { EMPTY_MEMORY } from '../../src/core/graph/layout/types';
import { MARGIN } from '../../src/core/graph/render/scene';
import { DEFAULT_FILTER, filterGraph, unitsOf, type FilteredGraph, type GraphFilter } from '../../src/core/graph/filter';
import { isHostToWebviewMessage, describeInvalid, type ClusterInfo, type GraphScope, type HostToWebviewMessage } from '../../src/shared/webviewProtocol';
import type { LiveSnapshot } from '../../src/core/cluster/liveTypes';
import { connectHost, type Host } from './host';
import { GraphView } from './graphView';
import { HoverCard } from './hoverCard';
import { LayoutClient } from './layoutClient';
import { exportPng, exportSvg } from './exporter';
import { LoadPanel } from './loadPanel';
import * as controls from './toolkit';
import { adoptGraphStyles } from './graphStyleSheet';
import { Toolbar } from './toolbar';
import { LiveStatus } from './liveStatus';
import { GraphSearch } from './graphSearch';
import { Notices, type StateKind } from './notices';
import { buildLegend } from './legend';
import { restoreView, ViewStateSaver } from './viewState';
import { el } from './dom';
import type { LiveOptions } from './liveOverlay';
import { errorText } from '../../src/core/errorText';

/** Data the standalone page (`graph --output html`) embeds instead of talking to a host. */
export interface InitialData {
  scope: GraphScope;
  graph: GraphModel;
  layout?: GraphLayout;
  memory?: LayoutMemory;
}

/** Packing shape of several components in one namespace frame (the CLI packs the same). */
const ASPECT = 2.2;
const HOVER_DELAY_MS = 250;

/**
 * The topology panel's controller: takes the host's messages (graph, highlight, live state,
 * cluster), runs filter → layout (in a worker) → draw, and wires the parts together — the toolbar
 * (toolbar.ts), the graph view (graphView.ts), the live status (liveStatus.ts), search
 * (graphSearch.ts), notices (notices.ts) and the saved view state (viewState.ts).
 */
export class App {
  private readonly host: Host;
  private readonly toolbar: Toolbar;
  private readonly view: GraphView;
  private readonly card: HoverCard;
  private readonly notices: Notices;
  private readonly search: GraphSearch;
  private readonly liveStatus: LiveStatus;
  private readonly state: ViewStateSaver;
  private readonly loadPanel: LoadPanel;
  private readonly layouts = new LayoutClient();

  private scope: GraphScope | undefined;
  private revision = -1;
  private full: GraphModel | undefined;
  private filtered: FilteredGraph | undefined;
  private layout: GraphLayout | undefined;
  private memory: LayoutMemory = EMPTY_MEMORY;
  private filter: GraphFilter = { ...DEFAULT_FILTER };
  private selected: string | undefined;
  private highlighted: string | undefined;
  private hasView = false;
  /** The view is the automatic fit, untouched since: a relayout that resizes the graph fits again. */
  private autoFitted = false;
  private fitting = false;
  private pending = 0;
  private live: LiveSnapshot | undefined;
  private cluster: ClusterInfo | undefined;
  /** The rows of live chips the current layout reserves (a change lays the graph out again). */
  private liveRows = '{}';
  /** A node to focus once the next layout is drawn (after a bundle was expanded). */
  private focusAfterDraw: string | undefined;

  constructor(root: HTMLElement) {
    adoptGraphStyles();
    controls.registerControls();
    this.host = connectHost(
      (t) => this.notices.showToast(t),
      (id) => {
        const n = this.full?.nodes.find((x) => x.id === id);
        return n ? `${n.kind} ${n.name}: ${n.file}:${n.line}` : undefined;
      },
    );
    root.classList.add('kt-app');
    this.toolbar = new Toolbar({
      namespaceChanged: (ns) => {
        this.filter = { ...this.filter, namespace: ns };
        this.hasView = false;
        void this.update();
      },
      unitChanged: (unit) => {
        this.filter = { ...this.filter, unit };
        this.hasView = false;
        void this.update();
      },
      categoryToggled: (cat, shown) => this.toggleCategory(cat, shown),
      configToggled: (shown) => {
        this.filter = { ...this.filter, showConfig: shown };
        void this.update();
      },
      searchInput: (q) => {
        this.search.query = q;
        this.search.apply(this.filtered?.graph);
        this.state.saveSoon();
      },
      searchNext: (back) => this.search.next(back ? -1 : 1),
      searchClear: () => this.clearSearch(),
      fit: () => this.view.fit(),
      zoom: (f) => this.view.zoomBy(f),
      export: (format) => void this.export(format),
      refresh: this.host.standalone ? undefined : () => this.host.post({ type: 'refresh' }),
    });
    const canvas = el('main', 'canvas');
    root.append(this.toolbar.el, canvas);
    this.view = new GraphView(canvas, {
      activate: (id) => this.activate(id),
      hover: (t, anchor) => this.hover(t, anchor),
      escape: () => this.escape(),
      viewChanged: () => {
        if (!this.fitting) this.autoFitted = false;
        this.state.saveSoon();
      },
      liveAction: (nodeId, action) => this.host.post({ type: action, nodeId }),
      expandBundle: (id) => this.expandBundle(id),
    });
    this.card = new HoverCard(root);
    this.notices = new Notices(canvas);
    this.search = new GraphSearch(this.view, (t) => this.toolbar.setMatchCount(t));
    this.liveStatus = new LiveStatus(
      this.toolbar.liveSlot,
      { selectContext: () => this.host.post({ type: 'selectContext' }), apply: () => this.host.post({ type: 'apply' }) },
      this.host.standalone,
    );
    this.state = new ViewStateSaver(this.host, () => ({
      scope: this.scope,
      namespace: this.filter.namespace,
      hidden: [...this.filter.hidden],
      showConfig: this.filter.showConfig,
      search: this.search.query,
      view: this.view.getView(),
      memory: this.memory,
    }));
    this.loadPanel = new LoadPanel(canvas, (id) => this.host.post({ type: 'stopLoad', id }));
    root.append(buildLegend());
    this.restore();
    window.addEventListener('message', (ev: MessageEvent) => this.onMessage(ev.data));
    window.addEventListener('keydown', (ev) => {
      if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === 'f') {
        ev.preventDefault();
        this.toolbar.focusSearch();
      }
    });
    this.showState('loading');
  }

  /** Starts: draws embedded data (standalone page) or asks the host for the graph. */
  start(initial?: InitialData): void {
    if (initial) {
      this.receiveGraph(0, initial.scope, initial.graph, initial.layout, initial.memory);
      return;
    }
    this.host.post({ type: 'ready' });
  }

  // -------------------------------------------------------------------------------------------
  // Messages from the host

  private onMessage(data: unknown): void {
    if (!isHostToWebviewMessage(data)) {
      // Only log what claims to be ours; browsers and extensions post other things to windows.
      if (data && typeof data === 'object' && 'type' in data)
        this.host.post({ type: 'log', level: 'warn', message: `Ignored a host message: ${describeInvalid(data)}` });
      return;
    }
    this.dispatch(data);
  }

  private dispatch(m: HostToWebviewMessage): void {
    switch (m.type) {
      case 'graph':
        this.receiveGraph(m.revision, m.scope, m.graph);
        return;
      case 'highlight':
        this.highlighted = m.nodeId ?? undefined;
        this.view.setHighlighted(this.highlighted, true);
        return;
      case 'error':
        this.showState('error', m.message, m.hint);
        return;
      case 'exportResult':
        this.notices.showToast(m.message);
        return;
      case 'live':
        this.live = m.snapshot ?? undefined;
        this.renderLive();
        return;
      case 'cluster':
        this.cluster = m.info;
        this.renderLive();
        return;
      case 'load':
        this.loadPanel.update(m.status ?? undefined);
        return;
    }
  }

  private receiveGraph(revision: number, scope: GraphScope, graph: GraphModel, layout?: GraphLayout, memory?: LayoutMemory): void {
    if (revision < this.revision) return; // an older analysis arriving late
    const scopeChanged = this.scope?.uri !== scope.uri;
    this.revision = revision;
    this.scope = scope;
    this.full = graph;
    if (memory) this.memory = memory;
    this.toolbar.setTitle(scope.label);
    this.refreshNamespaces();
    this.refreshUnits();
    if (scopeChanged && this.scope) this.state.saveSoon();
    void this.update(layout);
  }

  // -------------------------------------------------------------------------------------------
  // Filtering, layout and drawing

  private liveOptions(): LiveOptions {
    return { kind: !!this.cluster?.kind, actions: !this.host.standalone && !!this.cluster?.canApply };
  }

  private async update(precomputed?: GraphLayout): Promise<void> {
    if (!this.full) return;
    const revision = this.revision;
    const ticket = ++this.pending;
    const started = performance.now();
    const filtered = filterGraph(this.full, this.filter);
    this.toolbar.setSummary(filtered);
    if (!filtered.graph.nodes.length) {
      this.filtered = filtered;
      this.layout = undefined;
      this.view.clear();
      this.card.hide();
      this.showState(this.full.nodes.length ? 'filtered' : 'empty');
      this.host.post({ type: 'rendered', revision, nodes: 0, edges: 0, layoutMs: 0, paintMs: 0 });
      return;
    }
    let layout = precomputed;
    if (!layout) {
      // Cards reserve rows for the live chips they will show, measured in the chips' font.
      const rows = this.view.liveRows(filtered.graph, this.live, this.liveOptions());
      const area = this.view.viewport();
      try {
        const result = await this.layouts.request(filtered.graph, this.memory, ASPECT, {
          liveRows: rows,
          viewport: { width: Math.max(1, area.width - 2 * MARGIN), height: Math.max(1, area.height - 2 * MARGIN) },
        });
        if (!result || ticket !== this.pending) return; // superseded by a newer graph or filter
        layout = result.layout;
        this.memory = result.memory;
        this.liveRows = JSON.stringify(rows);
      } catch (e) {
        this.showState('error', `The layout failed: ${errorText(e)}`, 'Reopen the view; if it keeps failing, report it with the manifests that trigger it.');
        this.host.post({ type: 'log', level: 'error', message: `layout failed: ${String(e)}` });
        return;
      }
    }
    const laidOut = performance.now();
    const resized = !this.layout || this.layout.width !== layout.width || this.layout.height !== layout.height;
    this.filtered = filtered;
    this.layout = layout;
    this.notices.hideState();
    this.view.render(filtered.graph, layout, filtered.configCounts);
    this.view.setLive(this.live, this.liveOptions());
    if (this.focusAfterDraw) {
      this.view.focusNode(this.focusAfterDraw);
      this.focusAfterDraw = undefined;
    }
    if (!this.hasView || (this.autoFitted && resized)) {
      // E.g. live chips arriving after the first view make the cards taller: still the whole graph.
      this.fitting = true;
      this.view.fit();
      this.fitting = false;
      this.hasView = true;
      this.autoFitted = true;
    }
    const expanded = this.filter.expanded?.length ?? 0;
    this.notices.setBanner(
      filtered.capped
        ? `Showing the ${filtered.graph.nodes.length} most connected resources of ${filtered.total} (everything with a problem is always shown). Pick a namespace to see all of it.`
        : expanded
          ? `Showing ${expanded === 1 ? 'a bundle' : `${expanded} bundles`} as single connections. Press Escape in the graph to bundle them again.`
          : undefined,
    );
    this.search.apply(filtered.graph);
    this.view.setSelected(this.selected && this.view.nodeRect(this.selected) ? this.selected : undefined);
    if (this.highlighted) this.view.setHighlighted(this.highlighted, false);
    // Live state that arrived while this layout ran may need other chip rows: lay out once more.
    if (!precomputed && JSON.stringify(this.view.liveRows(filtered.graph, this.live, this.liveOptions())) !== this.liveRows) void this.update();
    requestAnimationFrame(() => {
      const painted = performance.now();
      this.host.post({
        type: 'rendered',
        revision,
        nodes: filtered.graph.nodes.length,
        edges: filtered.graph.edges.length,
        layoutMs: Math.round((laidOut - started) * 10) / 10,
        paintMs: Math.round((painted - laidOut) * 10) / 10,
      });
    });
    this.state.saveSoon();
  }

  /** The cluster chip, the Apply button and the overlay, from the latest `cluster` and `live` messages. */
  private renderLive(): void {
    this.liveStatus.render(this.cluster, this.live);
    const graph = this.filtered?.graph;
    // New chips that need more (or fewer) rows than the cards reserve: lay out again first.
    if (graph && this.layout && JSON.stringify(this.view.liveRows(graph, this.live, this.liveOptions())) !== this.liveRows) {
      void this.update();
      return;
    }
    this.view.setLive(this.live, this.liveOptions());
  }

  private refreshNamespaces(): void {
    const namespaces = [...new Set((this.full?.nodes ?? []).map((n) => n.namespace))].sort();
    if (this.filter.namespace && !namespaces.includes(this.filter.namespace)) this.filter = { ...this.filter, namespace: '' };
    this.toolbar.setNamespaces(namespaces, this.filter.namespace);
  }

  private refreshUnits(): void {
    const units = unitsOf(this.full ?? { nodes: [], edges: [] });
    if (this.filter.unit && !units.includes(this.filter.unit)) this.filter = { ...this.filter, unit: '' };
    this.toolbar.setUnits(units, this.filter.unit ?? '');
  }

  private toggleCategory(cat: NodeCategory, shown: boolean): void {
    const hidden = new Set(this.filter.hidden);
    if (shown) hidden.delete(cat);
    else hidden.add(cat);
    this.filter = { ...this.filter, hidden: [...hidden] };
    void this.update();
  }

  // -------------------------------------------------------------------------------------------
  // Interaction

  private activate(id: string): void {
    this.selected = id;
    this.view.setSelected(id);
    this.host.post({ type: 'reveal', nodeId: id });
  }

  /** A bundle's junction was activated: draw its connections one by one (Escape bundles them again). */
  private expandBundle(id: string): void {
    if (this.filter.expanded?.includes(id)) return;
    this.filter = { ...this.filter, expanded: [...(this.filter.expanded ?? []), id] };
    // The junction goes away: keyboard focus moves to its first source, so Escape still reaches the graph.
    this.focusAfterDraw = this.filtered?.graph.bundles?.find((b) => b.id === id)?.from[0];
    void this.update();
  }

  private escape(): void {
    if (!this.selected && !this.search.query && this.filter.expanded?.length) {
      this.filter = { ...this.filter, expanded: [] };
      void this.update();
      return;
    }
    this.selected = undefined;
    this.view.setSelected(undefined);
    this.card.hide();
    if (this.search.query) this.clearSearch();
  }

  private hover(t: { kind: 'node' | 'edge'; id: string } | undefined, anchor: DOMRect | undefined): void {
    const g = this.filtered?.graph;
    if (!t || !anchor || !g) {
      this.card.hide();
      return;
    }
    if (t.kind === 'node') {
      const n = g.nodes.find((x) => x.id === t.id);
      if (n) {
        const live = this.live ? { state: this.live.nodes[n.id], context: this.live.context, kind: !!this.cluster?.kind, error: this.live.error } : undefined;
        this.card.showNode(g, n, anchor, HOVER_DELAY_MS, live);
      }
    } else {
      const e = g.edges.find((x) => x.id === t.id);
      if (e) this.card.showEdge(g, e, anchor, HOVER_DELAY_MS);
    }
  }

  private clearSearch(): void {
    this.search.query = '';
    this.toolbar.setSearch('');
    this.search.apply(this.filtered?.graph);
    this.state.saveSoon();
  }

  private async export(format: 'svg' | 'png'): Promise<void> {
    if (!this.filtered || !this.layout) {
      this.notices.showToast('Nothing to export yet.');
      return;
    }
    try {
      const title = `Kubernetes topology: ${this.scope?.label ?? ''}`;
      const svg = exportSvg(this.filtered.graph, this.layout, this.view.svg, title);
      const base = `topology-${slug(this.scope?.label ?? 'graph')}`;
      if (format === 'svg') this.host.post({ type: 'export', format, data: svg, suggestedName: `${base}.svg` });
      else this.host.post({ type: 'export', format, data: await exportPng(svg), suggestedName: `${base}.png` });
    } catch (e) {
      this.notices.showToast(`Export failed: ${errorText(e)}`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // States and persistence

  private showState(kind: StateKind, message?: string, hint?: string): void {
    switch (kind) {
      case 'loading':
        return this.notices.showState(kind, 'Reading manifests…', 'The graph appears as soon as the analysis is done.');
      case 'empty':
        return this.notices.showState(
          kind,
          'No Kubernetes resources here yet',
          `${this.scope?.label ?? 'This scope'} has no Deployment, Service, Ingress, HorizontalPodAutoscaler, ConfigMap or Secret. Open a folder with manifests or start one (kind: Deployment, then a Service that selects its pods): the graph updates as you type.`,
        );
      case 'filtered':
        return this.notices.showState(kind, 'Nothing matches the filters', 'Every resource is hidden by the namespace or kind filters.', {
          action: { label: 'Show everything', onClick: () => this.resetFilters() },
        });
      case 'error':
        return this.notices.showState(kind, 'The topology could not be drawn', message ?? 'Something went wrong.', {
          hint,
          action: this.host.standalone ? undefined : { label: 'Try again', onClick: () => this.host.post({ type: 'refresh' }) },
        });
    }
  }

  private resetFilters(): void {
    this.filter = { ...DEFAULT_FILTER };
    this.toolbar.setNamespaces([], '');
    this.refreshNamespaces();
    this.refreshUnits();
    this.toolbar.setFilter(this.filter);
    this.hasView = false;
    void this.update();
  }

  private restore(): void {
    const s = restoreView(this.host);
    if (!s) return;
    this.filter = { ...this.filter, namespace: s.namespace, hidden: s.hidden, showConfig: s.showConfig };
    this.toolbar.setFilter(this.filter);
    if (s.search !== undefined) {
      this.search.query = s.search;
      this.toolbar.setSearch(s.search);
    }
    if (s.view) {
      this.view.setView(s.view);
      this.hasView = true;
    }
    if (s.memory) this.memory = s.memory;
    if (s.scope) this.scope = s.scope;
  }
}

function slug(s: string): string {
  const base = s.split(/[\\/]/).filter(Boolean).pop() ?? 'graph';
  return (
    base
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'graph'
  );
}
