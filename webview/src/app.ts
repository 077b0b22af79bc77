import type { GraphModel, NodeCategory } from '../../src/core/graph/types';
import { CATEGORY_LABELS, NODE_CATEGORIES } from '../../src/core/graph/types';
import type { GraphLayout, LayoutMemory } from '../../src/core/graph/layout/types';
import { EMPTY_MEMORY } from '../../src/core/graph/layout/types';
import { DEFAULT_FILTER, filterGraph, matchesSearch, type FilteredGraph, type GraphFilter } from '../../src/core/graph/filter';
import { GRAPH_CSS } from '../../src/core/graph/render/graphStyles';
import {
  isHostToWebviewMessage,
  describeInvalid,
  type ClusterInfo,
  type GraphScope,
  type HostToWebviewMessage,
  type WebviewState,
} from '../../src/shared/webviewProtocol';
import type { LiveSnapshot } from '../../src/core/cluster/liveTypes';
import { connectHost, type Host } from './host';
import { GraphView, type View } from './graphView';
import { HoverCard } from './hoverCard';
import { LayoutClient } from './layoutClient';
import { exportPng, exportSvg } from './exporter';
import { LoadPanel } from './loadPanel';
import * as controls from './toolkit';

/** Data the standalone page (`graph --output html`) embeds instead of talking to a host. */
export interface InitialData {
  scope: GraphScope;
  graph: GraphModel;
  layout?: GraphLayout;
  memory?: LayoutMemory;
}

/** Packing shape shared with the CLI so the panel and `graph --output svg` draw the same picture. */
const ASPECT = 2.2;
const HOVER_DELAY_MS = 250;

const EDGE_LEGEND: [string, string][] = [
  ['routes', 'routes (Ingress → Service)'],
  ['selects', 'selects (Service → pods)'],
  ['calls', 'calls (by DNS name)'],
  ['scales', 'scales (HPA)'],
  ['mounts', 'uses config / secret'],
];

export class App {
  private readonly host: Host;
  private readonly view: GraphView;
  private readonly card: HoverCard;
  private readonly loadPanel: LoadPanel;
  private readonly layouts = new LayoutClient();
  private readonly canvas: HTMLElement;
  private readonly overlay: HTMLElement;
  private readonly banner: HTMLElement;
  private readonly toast: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly titleEl: HTMLElement;
  private readonly matchCount: HTMLElement;
  private nsSelect!: HTMLElement;
  private readonly categoryBoxes = new Map<NodeCategory, HTMLElement>();
  private configBox!: HTMLElement;
  private searchField!: HTMLElement;

  private scope: GraphScope | undefined;
  private revision = -1;
  private full: GraphModel | undefined;
  private filtered: FilteredGraph | undefined;
  private layout: GraphLayout | undefined;
  private memory: LayoutMemory = EMPTY_MEMORY;
  private filter: GraphFilter = { ...DEFAULT_FILTER };
  private search = '';
  private matches: string[] = [];
  private matchIndex = -1;
  private selected: string | undefined;
  private highlighted: string | undefined;
  private hasView = false;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private toastTimer: ReturnType<typeof setTimeout> | undefined;
  private pending = 0;
  private live: LiveSnapshot | undefined;
  private cluster: ClusterInfo | undefined;
  private liveStatus!: HTMLElement;
  private applyButton: HTMLElement | undefined;

  constructor(root: HTMLElement) {
    adoptStyles();
    controls.registerControls();
    this.host = connectHost(
      (t) => this.showToast(t),
      (id) => {
        const n = this.full?.nodes.find((x) => x.id === id);
        return n ? `${n.kind} ${n.name}: ${n.file}:${n.line}` : undefined;
      },
    );
    root.classList.add('kt-app');
    const toolbar = el('header', 'toolbar');
    toolbar.setAttribute('role', 'toolbar');
    toolbar.setAttribute('aria-label', 'Topology view controls');
    this.titleEl = el('div', 'title');
    this.summary = el('div', 'summary');
    this.summary.setAttribute('aria-live', 'polite');
    this.matchCount = el('span', 'match-count');
    this.matchCount.setAttribute('aria-live', 'polite');
    this.canvas = el('main', 'canvas');
    this.overlay = el('div', 'state');
    this.overlay.setAttribute('role', 'status');
    this.banner = el('div', 'banner');
    this.banner.hidden = true;
    this.toast = el('div', 'toast');
    this.toast.setAttribute('role', 'status');
    this.toast.hidden = true;
    root.append(toolbar, this.canvas);
    this.buildToolbar(toolbar);
    this.view = new GraphView(this.canvas, {
      activate: (id) => this.activate(id),
      hover: (t, anchor) => this.hover(t, anchor),
      escape: () => this.escape(),
      viewChanged: () => this.saveSoon(),
      liveAction: (nodeId, action) => this.host.post({ type: action, nodeId }),
    });
    this.card = new HoverCard(root);
    this.canvas.append(this.overlay, this.banner, this.toast);
    this.loadPanel = new LoadPanel(this.canvas, (id) => this.host.post({ type: 'stopLoad', id }));
    root.append(this.buildLegend());
    this.restore();
    window.addEventListener('message', (ev: MessageEvent) => this.onMessage(ev.data));
    window.addEventListener('keydown', (ev) => {
      if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === 'f') {
        ev.preventDefault();
        controls.focusControl(this.searchField);
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
        this.showToast(m.message);
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
    this.titleEl.textContent = scope.label;
    this.titleEl.title = scope.label;
    this.refreshNamespaces();
    if (scopeChanged && this.scope) this.saveSoon();
    void this.update(layout);
  }

  // -------------------------------------------------------------------------------------------
  // Filtering, layout and drawing

  private async update(precomputed?: GraphLayout): Promise<void> {
    if (!this.full) return;
    const revision = this.revision;
    const ticket = ++this.pending;
    const started = performance.now();
    const filtered = filterGraph(this.full, this.filter);
    this.updateSummary(filtered);
    if (!filtered.graph.nodes.length) {
      this.filtered = filtered;
      this.layout = undefined;
      this.view.clear();
      this.card.hide();
      if (this.full.nodes.length) this.showState('filtered');
      else this.showState('empty');
      this.host.post({ type: 'rendered', revision, nodes: 0, edges: 0, layoutMs: 0, paintMs: 0 });
      return;
    }
    let layout = precomputed;
    if (!layout) {
      try {
        const result = await this.layouts.request(filtered.graph, this.memory, ASPECT);
        if (!result || ticket !== this.pending) return; // superseded by a newer graph or filter
        layout = result.layout;
        this.memory = result.memory;
      } catch (e) {
        this.showState(
          'error',
          `The layout failed: ${e instanceof Error ? e.message : String(e)}`,
          'Reopen the view; if it keeps failing, report it with the manifests that trigger it.',
        );
        this.host.post({ type: 'log', level: 'error', message: `layout failed: ${String(e)}` });
        return;
      }
    }
    const laidOut = performance.now();
    this.filtered = filtered;
    this.layout = layout;
    this.hideState();
    this.view.render(filtered.graph, layout, filtered.configCounts);
    if (!this.hasView) {
      this.view.fit();
      this.hasView = true;
    }
    this.showBanner(filtered);
    this.applySearch(false);
    this.view.setSelected(this.selected && this.view.nodeRect(this.selected) ? this.selected : undefined);
    if (this.highlighted) this.view.setHighlighted(this.highlighted, false);
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
    this.saveSoon();
  }

  private updateSummary(f: FilteredGraph): void {
    const real = f.graph.nodes.filter((n) => !n.ghost).length;
    const broken = f.graph.edges.filter((e) => e.broken).length;
    const errors = f.graph.nodes.filter((n) => n.status === 'error' && !n.ghost).length;
    const parts = [`${real} of ${f.total} resources`, `${f.graph.edges.length} connections`];
    if (broken) parts.push(`${broken} broken`);
    if (errors) parts.push(`${errors} with errors`);
    this.summary.textContent = parts.join(' · ');
    this.summary.classList.toggle('has-errors', broken + errors > 0);
  }

  private showBanner(f: FilteredGraph): void {
    if (!f.capped) {
      this.banner.hidden = true;
      return;
    }
    this.banner.hidden = false;
    this.banner.textContent = `Showing the ${f.graph.nodes.length} most connected resources of ${f.total} (everything with a problem is always shown). Pick a namespace to see all of it.`;
  }

  // -------------------------------------------------------------------------------------------
  // Toolbar

  private buildToolbar(bar: HTMLElement): void {
    const heading = el('div', 'heading');
    heading.append(this.titleEl, this.summary);
    const filters = el('div', 'filters');
    filters.setAttribute('role', 'group');
    filters.setAttribute('aria-label', 'Filters');
    this.nsSelect = controls.createSelect({
      label: 'Namespace',
      options: [{ value: '', label: 'All namespaces' }],
      value: '',
      onChange: (v) => {
        this.filter = { ...this.filter, namespace: v };
        this.hasView = false;
        void this.update();
      },
    });
    filters.append(this.nsSelect);
    for (const cat of NODE_CATEGORIES) {
      if (cat === 'config') continue;
      const box = controls.createCheckbox({
        label: CATEGORY_LABELS[cat],
        checked: true,
        onChange: (checked) => {
          const hidden = new Set(this.filter.hidden);
          if (checked) hidden.delete(cat);
          else hidden.add(cat);
          this.filter = { ...this.filter, hidden: [...hidden] };
          void this.update();
        },
      });
      box.classList.add(`cat-${cat}`);
      this.categoryBoxes.set(cat, box);
      filters.append(box);
    }
    this.configBox = controls.createCheckbox({
      label: CATEGORY_LABELS.config,
      checked: true,
      onChange: (checked) => {
        this.filter = { ...this.filter, showConfig: checked };
        void this.update();
      },
    });
    this.configBox.classList.add('cat-config');
    this.configBox.title = 'Unticked, ConfigMaps and Secrets fold into their workloads ("+2 config"); broken ones stay visible.';
    filters.append(this.configBox);

    const search = el('div', 'search');
    this.searchField = controls.createSearch({
      placeholder: 'Find (name, image, label)',
      label: 'Find resources',
      value: '',
      onInput: (v) => {
        this.search = v;
        this.applySearch(false);
        this.saveSoon();
      },
      onEnter: (back) => this.nextMatch(back ? -1 : 1),
      onEscape: () => this.clearSearch(),
    });
    search.append(this.searchField, this.matchCount);

    const actions = el('div', 'actions');
    actions.append(
      controls.createButton({ label: 'Fit', title: 'Fit the whole graph (0)', onClick: () => this.view.fit() }),
      controls.createButton({ label: '−', title: 'Zoom out (-)', onClick: () => this.view.zoomBy(0.8) }),
      controls.createButton({ label: '+', title: 'Zoom in (+)', onClick: () => this.view.zoomBy(1.25) }),
      controls.createButton({ label: 'Export SVG', title: 'Save the graph as SVG', onClick: () => void this.export('svg') }),
      controls.createButton({ label: 'Export PNG', title: 'Save the graph as PNG', onClick: () => void this.export('png') }),
    );
    if (!this.host.standalone) {
      actions.append(controls.createButton({ label: 'Refresh', title: 'Analyse the manifests again', onClick: () => this.host.post({ type: 'refresh' }) }));
    }
    this.liveStatus = el('div', 'live-status');
    this.liveStatus.setAttribute('aria-live', 'polite');
    this.liveStatus.hidden = true;
    bar.append(heading, filters, search, actions, this.liveStatus);
  }

  /** The cluster chip, the Apply button and the overlay, from the latest `cluster` and `live` messages. */
  private renderLive(): void {
    const c = this.cluster;
    const actions = !this.host.standalone && !!c?.canApply;
    this.view.setLive(this.live, { kind: !!c?.kind, actions });
    if (!c) {
      this.liveStatus.hidden = true;
      return;
    }
    this.liveStatus.hidden = false;
    const chip = el('span', `cluster-chip ${c.reachable ? 'reachable' : 'unreachable'}`);
    const where = c.context ?? 'no cluster context';
    const state = !c.context ? '' : c.reachable ? (this.live?.error ? 'live view interrupted' : this.live ? 'live' : 'connected') : 'not reachable';
    chip.textContent = `${where}${c.local ? ' (local)' : ''}${state ? ` · ${state}` : ''}`;
    chip.title =
      [c.detail, this.live?.error].filter(Boolean).join('\n') || (c.reachable ? 'Live state from this cluster is drawn on the graph' : 'No live state');
    chip.setAttribute('role', 'button');
    chip.tabIndex = 0;
    chip.setAttribute('aria-label', `Cluster ${chip.textContent}. Press Enter to pick another context.`);
    const pick = () => this.host.post({ type: 'selectContext' });
    chip.addEventListener('click', pick);
    chip.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        pick();
      }
    });
    const parts: HTMLElement[] = [chip];
    if (!this.host.standalone && c.context) {
      this.applyButton = controls.createButton({
        label: 'Apply to Cluster',
        appearance: 'primary',
        title: c.canApply ? `Dry-run, diff and apply these manifests to ${c.context}` : 'Applying needs a trusted workspace and a reachable cluster',
        onClick: () => this.host.post({ type: 'apply' }),
      });
      if (!c.canApply) this.applyButton.setAttribute('disabled', '');
      this.applyButton.classList.add('apply-button');
      parts.push(this.applyButton);
    }
    this.liveStatus.replaceChildren(...parts);
  }

  private buildLegend(): HTMLElement {
    const legend = el('footer', 'legend kt-graph');
    legend.setAttribute('aria-label', 'Legend');
    const title = el('div', 'legend-title');
    title.textContent = 'Connections';
    legend.append(title);
    for (const [type, text] of EDGE_LEGEND) {
      const row = el('div', `legend-row e-${type}`);
      row.append(el('span', 'swatch'), document.createTextNode(text));
      legend.append(row);
    }
    const broken = el('div', 'legend-row broken');
    broken.append(el('span', 'swatch'), document.createTextNode('broken reference (see Problems)'));
    legend.append(broken);
    return legend;
  }

  private refreshNamespaces(): void {
    const namespaces = [...new Set((this.full?.nodes ?? []).map((n) => n.namespace))].sort();
    if (this.filter.namespace && !namespaces.includes(this.filter.namespace)) this.filter = { ...this.filter, namespace: '' };
    controls.setSelectOptions(
      this.nsSelect,
      [{ value: '', label: 'All namespaces' }, ...namespaces.map((ns) => ({ value: ns, label: ns || 'cluster-scoped' }))],
      this.filter.namespace,
    );
  }

  // -------------------------------------------------------------------------------------------
  // Interaction

  private activate(id: string): void {
    this.selected = id;
    this.view.setSelected(id);
    this.host.post({ type: 'reveal', nodeId: id });
  }

  private escape(): void {
    this.selected = undefined;
    this.view.setSelected(undefined);
    this.card.hide();
    if (this.search) this.clearSearch();
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

  private applySearch(move: boolean): void {
    const g = this.filtered?.graph;
    const q = this.search.trim();
    if (!q || !g) {
      this.matches = [];
      this.matchIndex = -1;
      this.view.setMatches(undefined);
      this.matchCount.textContent = '';
      return;
    }
    this.matches = g.nodes.filter((n) => matchesSearch(n, q)).map((n) => n.id);
    this.view.setMatches(new Set(this.matches));
    this.matchCount.textContent = this.matches.length === 1 ? '1 match' : `${this.matches.length} matches`;
    if (move && this.matches.length) this.nextMatch(1);
  }

  private nextMatch(step: number): void {
    if (!this.matches.length) return;
    this.matchIndex = (this.matchIndex + step + this.matches.length) % this.matches.length;
    this.view.focusNode(this.matches[this.matchIndex]);
  }

  private clearSearch(): void {
    this.search = '';
    controls.setValue(this.searchField, '');
    this.applySearch(false);
    this.saveSoon();
  }

  private async export(format: 'svg' | 'png'): Promise<void> {
    if (!this.filtered || !this.layout) {
      this.showToast('Nothing to export yet.');
      return;
    }
    try {
      const title = `Kubernetes topology: ${this.scope?.label ?? ''}`;
      const svg = exportSvg(this.filtered.graph, this.layout, this.view.svg, title);
      const base = `topology-${slug(this.scope?.label ?? 'graph')}`;
      if (format === 'svg') this.host.post({ type: 'export', format, data: svg, suggestedName: `${base}.svg` });
      else this.host.post({ type: 'export', format, data: await exportPng(svg), suggestedName: `${base}.png` });
    } catch (e) {
      this.showToast(`Export failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // States, messages, persistence

  private showState(kind: 'loading' | 'empty' | 'filtered' | 'error', message?: string, hint?: string): void {
    this.overlay.hidden = false;
    this.overlay.className = `state state-${kind}`;
    const h = el('h2', '');
    const p = el('p', '');
    const extra: HTMLElement[] = [];
    switch (kind) {
      case 'loading':
        h.textContent = 'Reading manifests…';
        p.textContent = 'The graph appears as soon as the analysis is done.';
        break;
      case 'empty':
        h.textContent = 'No Kubernetes resources here yet';
        p.textContent = `${this.scope?.label ?? 'This scope'} has no Deployment, Service, Ingress, HorizontalPodAutoscaler, ConfigMap or Secret. Open a folder with manifests or start one (kind: Deployment, then a Service that selects its pods): the graph updates as you type.`;
        break;
      case 'filtered':
        h.textContent = 'Nothing matches the filters';
        p.textContent = 'Every resource is hidden by the namespace or kind filters.';
        extra.push(controls.createButton({ label: 'Show everything', appearance: 'primary', onClick: () => this.resetFilters() }));
        break;
      case 'error':
        h.textContent = 'The topology could not be drawn';
        p.textContent = message ?? 'Something went wrong.';
        if (hint) {
          const hp = el('p', 'hint');
          hp.textContent = hint;
          extra.push(hp);
        }
        if (!this.host.standalone)
          extra.push(controls.createButton({ label: 'Try again', appearance: 'primary', onClick: () => this.host.post({ type: 'refresh' }) }));
        break;
    }
    this.overlay.replaceChildren(h, p, ...extra);
  }

  private hideState(): void {
    this.overlay.hidden = true;
  }

  private resetFilters(): void {
    this.filter = { ...DEFAULT_FILTER };
    controls.setSelectOptions(this.nsSelect, [], '');
    this.refreshNamespaces();
    for (const box of this.categoryBoxes.values()) controls.setChecked(box, true);
    controls.setChecked(this.configBox, true);
    this.hasView = false;
    void this.update();
  }

  private showToast(text: string): void {
    this.toast.textContent = text;
    this.toast.hidden = false;
    if (this.toastTimer) clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => (this.toast.hidden = true), 4000);
  }

  private restore(): void {
    const s = this.host.getState();
    if (!s) return;
    const hidden = (s.hiddenCategories ?? []).filter((c): c is NodeCategory => (NODE_CATEGORIES as readonly string[]).includes(c));
    this.filter = {
      ...this.filter,
      namespace: typeof s.namespace === 'string' ? s.namespace : '',
      hidden,
      showConfig: s.showConfig !== false,
    };
    for (const [cat, box] of this.categoryBoxes) controls.setChecked(box, !hidden.includes(cat));
    controls.setChecked(this.configBox, this.filter.showConfig);
    if (typeof s.search === 'string') {
      this.search = s.search;
      controls.setValue(this.searchField, s.search);
    }
    if (s.view && [s.view.x, s.view.y, s.view.k].every((v) => typeof v === 'number' && Number.isFinite(v)) && s.view.k > 0) {
      this.view.setView(s.view as View);
      this.hasView = true;
    }
    if (isMemory(s.memory)) this.memory = s.memory;
    if (s.scope) this.scope = s.scope;
  }

  private saveSoon(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      const memorySize = Object.keys(this.memory.positions).length;
      const state: WebviewState = {
        scope: this.scope,
        namespace: this.filter.namespace,
        hiddenCategories: [...this.filter.hidden],
        showConfig: this.filter.showConfig,
        search: this.search,
        view: this.view.getView(),
        // Positions survive a reload for ordinary sizes; huge graphs are laid out afresh.
        memory: memorySize <= 3000 ? this.memory : undefined,
      };
      this.host.setState(state);
    }, 300);
  }
}

function isMemory(v: unknown): v is LayoutMemory {
  if (!v || typeof v !== 'object') return false;
  const m = v as Record<string, unknown>;
  return ['offsets', 'anchors', 'positions'].every((k) => m[k] !== null && typeof m[k] === 'object' && !Array.isArray(m[k]));
}

function el(tag: string, cls: string): HTMLElement {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  return e;
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

/** The graph stylesheet as a constructable stylesheet: no <style> element, no 'unsafe-inline'. */
function adoptStyles(): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(GRAPH_CSS);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
