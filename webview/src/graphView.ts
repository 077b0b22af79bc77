import type { GraphModel } from '../../src/core/graph/types';
import type { Box, GraphLayout } from '../../src/core/graph/layout/types';
import {
  MARGIN,
  bundleLinesScene,
  bundlePillScene,
  degrees,
  edgeLabelScene,
  edgeScene,
  groupScene,
  nodeScene,
  pathData,
  readingOrder,
  sceneDefs,
  type SceneElement,
} from '../../src/core/graph/render/scene';
import { sceneToString } from '../../src/core/graph/render/svgString';
import type { LiveSnapshot } from '../../src/core/cluster/liveTypes';
import { LiveLayer, chipRows, type LiveAction, type LiveOptions, type MeasureText } from './liveOverlay';
import { chipTextMeasure } from './chipMeasure';
import { NODE_WIDTH } from '../../src/core/graph/layout/types';
import { liveAriaText } from './liveText';
import { pushTo } from '../../src/core/multimap';

const SVG_NS = 'http://www.w3.org/2000/svg';
const MIN_ZOOM = 0.08;
const MAX_ZOOM = 2.5;
/** Fit enlarges a small graph at most this much. */
const FIT_MAX = 1.25;
/** Below these zoom levels small text (kind, details, edge labels), then all text, is left out. */
const MID_ZOOM = 0.62;
const FAR_ZOOM = 0.4;

export interface View {
  x: number;
  y: number;
  k: number;
}

export type HoverTarget = { kind: 'node' | 'edge'; id: string };

export interface GraphViewEvents {
  /** Click, Enter or Space on a node. */
  activate(nodeId: string): void;
  /** Pointer or keyboard focus over a node or edge (undefined: left it). */
  hover(target: HoverTarget | undefined, anchor: DOMRect | undefined): void;
  /** Escape inside the graph. */
  escape(): void;
  /** Pan or zoom changed (to persist it). */
  viewChanged(view: View): void;
  /** An action chip of the live overlay was clicked or pressed (port-forward, load images). */
  liveAction?(nodeId: string, action: LiveAction): void;
  /** Click, Enter or Space on a bundle's junction: show its single connections. */
  expandBundle?(bundleId: string): void;
}

interface Keyed {
  el: SVGElement;
  /** What the element shows; a change rebuilds it. */
  sig: string;
  /** Where it is (a transform, or an edge's path data); a change just moves it. */
  geometry: string;
}

/** Builds real SVG elements from a scene element. No innerHTML: text goes in as text. */
export function toDom(s: SceneElement): SVGElement {
  const el = document.createElementNS(SVG_NS, s.tag);
  for (const [k, v] of Object.entries(s.attrs)) if (v !== undefined) el.setAttribute(k, String(v));
  if (s.text !== undefined) el.textContent = s.text;
  if (s.children) for (const c of s.children) el.append(toDom(c));
  return el;
}

/**
 * The SVG drawing: keyed updates (an edit re-creates only the cards and edges whose drawing
 * changed), pan, zoom, fit, keyboard navigation between nodes, and the selection, highlight and
 * search states as classes.
 */
export class GraphView {
  readonly svg: SVGSVGElement;
  private readonly pan: SVGGElement;
  private readonly layers: Record<'groups' | 'bundles' | 'edges' | 'labels' | 'nodes' | 'pills' | 'live', SVGGElement>;
  private readonly liveLayer: LiveLayer;
  private readonly measure: MeasureText;
  private live: LiveSnapshot | undefined;
  private liveOptions: LiveOptions = { kind: false, actions: false };
  private readonly nodes = new Map<string, Keyed>();
  private readonly edges = new Map<string, Keyed>();
  private readonly labels = new Map<string, Keyed>();
  private readonly bundles = new Map<string, Keyed>();
  private readonly pills = new Map<string, Keyed>();
  private layout: GraphLayout | undefined;
  private graph: GraphModel | undefined;
  private view: View = { x: 0, y: 0, k: 1 };
  private selected: string | undefined;
  private highlighted: string | undefined;
  private matches: ReadonlySet<string> | undefined;
  private order: string[] = [];
  private lod: 'near' | 'mid' | 'far' = 'near';
  /** The drawing area's size, kept by a ResizeObserver so nothing forces a synchronous layout. */
  private area = { width: 0, height: 0 };

  constructor(
    container: HTMLElement,
    private readonly events: GraphViewEvents,
  ) {
    this.svg = document.createElementNS(SVG_NS, 'svg');
    this.svg.setAttribute('class', 'kt-graph');
    this.svg.setAttribute('role', 'group');
    this.svg.setAttribute('aria-roledescription', 'topology graph');
    this.svg.setAttribute('aria-label', 'Topology graph. Tab or arrow keys move between resources, Enter opens one in the editor, Escape clears.');
    this.svg.append(toDom(sceneDefs()));
    this.pan = document.createElementNS(SVG_NS, 'g');
    this.pan.setAttribute('class', 'pan');
    const root = document.createElementNS(SVG_NS, 'g');
    root.setAttribute('transform', `translate(${MARGIN},${MARGIN})`);
    const layer = (name: string) => {
      const g = document.createElementNS(SVG_NS, 'g');
      g.setAttribute('class', `layer-${name}`);
      root.append(g);
      return g;
    };
    this.layers = {
      groups: layer('groups'),
      bundles: layer('bundles'),
      edges: layer('edges'),
      labels: layer('labels'),
      nodes: layer('nodes'),
      pills: layer('pills'),
      live: layer('live'),
    };
    this.measure = chipTextMeasure(this.svg);
    this.liveLayer = new LiveLayer(this.layers.live, this.measure);
    this.pan.append(root);
    this.svg.append(this.pan);
    container.append(this.svg);
    new ResizeObserver((entries) => {
      const r = entries[entries.length - 1].contentRect;
      this.area = { width: r.width, height: r.height };
    }).observe(this.svg);
    this.wire();
  }

  /** Draws a graph with its layout, touching only what changed. */
  render(graph: GraphModel, layout: GraphLayout, configCounts: ReadonlyMap<string, number>): void {
    this.graph = graph;
    this.layout = layout;
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const perNs = new Map<string, typeof graph.nodes>();
    for (const n of graph.nodes) {
      if (!layout.nodes[n.id]) continue;
      pushTo(perNs, n.namespace, n);
    }
    this.layers.groups.replaceChildren(...layout.groups.map((g) => toDom(groupScene(g, perNs.get(g.namespace) ?? []))));

    const focusedId = this.focusedNodeId();
    const edgeItems = new Map<string, Item>();
    const labelItems = new Map<string, Item>();
    for (const e of graph.edges) {
      const route = layout.edges[e.id];
      if (!route) continue;
      const sig = `${JSON.stringify(e)}|${byId.get(e.to)?.ghost ? 1 : 0}`;
      edgeItems.set(e.id, { sig, geometry: pathData(route), scene: () => edgeScene(e, route, byId) });
      if (!route.hideLabel && e.label)
        labelItems.set(e.id, { sig, geometry: `translate(${round(route.label.x)},${round(route.label.y)})`, scene: () => edgeLabelScene(e, route) });
    }
    sync(this.edges, edgeItems, this.layers.edges);
    sync(this.labels, labelItems, this.layers.labels);

    // Bundles: the lines are several paths, so a moved bundle is drawn again (its route is in the signature).
    const bundleItems = new Map<string, Item>();
    const pillItems = new Map<string, Item>();
    for (const b of graph.bundles ?? []) {
      const route = layout.bundles?.[b.id];
      if (!route) continue;
      const sig = JSON.stringify(b);
      bundleItems.set(b.id, { sig: `${sig}|${JSON.stringify(route)}`, geometry: '', scene: () => bundleLinesScene(b, route, true) });
      pillItems.set(b.id, {
        sig: `${sig}|${route.w},${route.h}`,
        geometry: `translate(${round(route.x)},${round(route.y)})`,
        scene: () => bundlePillScene(b, route, true),
      });
    }
    sync(this.bundles, bundleItems, this.layers.bundles);
    sync(this.pills, pillItems, this.layers.pills);

    const degree = degrees(graph.edges, graph.bundles);
    const ordered = readingOrder(graph, layout);
    const nodeItems = new Map<string, Item>();
    for (const n of ordered) {
      const box = layout.nodes[n.id];
      const d = degree.get(n.id);
      const sig = `${JSON.stringify(n)}|${box.w},${box.h}|${configCounts.get(n.id) ?? 0}|${d?.incoming ?? 0},${d?.outgoing ?? 0}`;
      nodeItems.set(n.id, {
        sig,
        geometry: `translate(${round(box.x)},${round(box.y)})`,
        scene: () => nodeScene(n, box, { interactive: true, configCounts }, d),
      });
    }
    sync(this.nodes, nodeItems, this.layers.nodes);
    const order = ordered.map((n) => n.id);
    if (order.length !== this.order.length || order.some((id, i) => id !== this.order[i])) {
      // Tab order follows the reading order: namespace, column, row.
      reorder(
        this.layers.nodes,
        order.map((id) => this.nodes.get(id)!.el),
      );
      this.order = order;
    }
    this.applyStates();
    this.applyLive();
    if (focusedId && document.activeElement !== this.nodes.get(focusedId)?.el) this.focusNode(focusedId, false);
  }

  /**
   * The rows of live chips each card needs for this state (measured in the chips' font), for the
   * layout to reserve under the cards' text; empty when the overlay is off.
   */
  liveRows(graph: GraphModel, snapshot: LiveSnapshot | undefined, options: LiveOptions): Record<string, number> {
    const rows: Record<string, number> = {};
    if (!snapshot) return rows;
    for (const n of graph.nodes) {
      if (n.ghost) continue;
      const r = chipRows(n.kind, n.name, snapshot.nodes[n.id], options, NODE_WIDTH, this.measure);
      if (r) rows[n.id] = r;
    }
    return rows;
  }

  /** Live cluster state over the cards (undefined: overlay off). */
  setLive(snapshot: LiveSnapshot | undefined, options: LiveOptions): void {
    this.live = snapshot;
    this.liveOptions = options;
    this.applyLive();
  }

  private applyLive(): void {
    this.liveLayer.update(this.graph, this.layout, this.live, this.liveOptions);
    this.svg.classList.toggle('live-on', !!this.live);
    this.svg.classList.toggle('live-stale', !!this.live?.error);
    for (const [id, k] of this.nodes) {
      const state = this.live?.nodes[id];
      const el = k.el;
      el.classList.toggle('live-absent', state?.exists === false);
      el.classList.toggle('live-failing', !!state?.pods?.some((p) => !p.ready && p.reason !== undefined));
      // The card's own label stays; live words are appended so a screen reader hears both.
      const base = el.getAttribute('data-base-label') ?? el.getAttribute('aria-label');
      if (base === null) continue;
      if (!el.hasAttribute('data-base-label')) el.setAttribute('data-base-label', base);
      const extra = liveAriaText(state, this.liveOptions.kind);
      el.setAttribute('aria-label', extra ? `${base}. Live: ${extra}` : base);
    }
  }

  clear(): void {
    for (const layer of Object.values(this.layers)) layer.replaceChildren();
    this.liveLayer.clear();
    this.nodes.clear();
    this.edges.clear();
    this.labels.clear();
    this.bundles.clear();
    this.pills.clear();
    this.order = [];
    this.graph = undefined;
    this.layout = undefined;
  }

  get nodeCount(): number {
    return this.nodes.size;
  }

  setSelected(id: string | undefined): void {
    this.selected = id;
    this.applyStates();
  }

  setHighlighted(id: string | undefined, reveal: boolean): void {
    this.highlighted = id;
    this.applyStates();
    if (id && reveal) this.ensureVisible(id);
  }

  setMatches(ids: ReadonlySet<string> | undefined): void {
    this.matches = ids;
    this.applyStates();
  }

  getView(): View {
    return { ...this.view };
  }

  setView(v: View): void {
    this.view = { x: v.x, y: v.y, k: clamp(v.k, MIN_ZOOM, MAX_ZOOM) };
    // Level of detail: text too small to read is not drawn (the browser skips it entirely, which
    // keeps big graphs fast); it comes back as you zoom in. Hover cards still show everything.
    const lod = this.view.k < FAR_ZOOM ? 'far' : this.view.k < MID_ZOOM ? 'mid' : 'near';
    if (lod !== this.lod) {
      this.svg.classList.toggle('lod-mid', lod === 'mid');
      this.svg.classList.toggle('lod-far', lod === 'far');
      this.lod = lod;
    }
    this.pan.setAttribute('transform', `translate(${round(this.view.x)},${round(this.view.y)}) scale(${round(this.view.k, 1000)})`);
    this.events.viewChanged(this.getView());
  }

  /**
   * Shows the whole graph, centred. A small graph is enlarged up to {@link FIT_MAX} to fill the
   * panel (beyond that cards would shout); the layout already picked the direction that fits best.
   */
  fit(): void {
    if (!this.layout) return;
    const { width, height } = this.size();
    const w = this.layout.width + MARGIN * 2;
    const h = this.layout.height + MARGIN * 2;
    const k = clamp(Math.min(width / w, height / h, FIT_MAX), MIN_ZOOM, MAX_ZOOM);
    this.setView({ x: (width - w * k) / 2, y: Math.max(0, (height - h * k) / 2), k });
  }

  /** The drawing area's size in CSS px (for the layout to choose a direction). */
  viewport(): { width: number; height: number } {
    return this.size();
  }

  zoomBy(factor: number, at?: { x: number; y: number }): void {
    const { width, height } = this.size();
    const p = at ?? { x: width / 2, y: height / 2 };
    const k = clamp(this.view.k * factor, MIN_ZOOM, MAX_ZOOM);
    const f = k / this.view.k;
    this.setView({ x: p.x - (p.x - this.view.x) * f, y: p.y - (p.y - this.view.y) * f, k });
  }

  /** Moves keyboard focus to a node and brings it into view. */
  focusNode(id: string, reveal = true): boolean {
    const k = this.nodes.get(id);
    if (!k) return false;
    (k.el as SVGGElement).focus({ preventScroll: true });
    if (reveal) this.ensureVisible(id);
    return true;
  }

  focusFirst(): void {
    if (this.order.length) this.focusNode(this.order[0]);
  }

  nodeRect(id: string): DOMRect | undefined {
    return this.nodes.get(id)?.el.getBoundingClientRect();
  }

  edgeRect(id: string): DOMRect | undefined {
    return this.labels.get(id)?.el.getBoundingClientRect() ?? this.edges.get(id)?.el.getBoundingClientRect();
  }

  /** Pans the least needed to show a node with some room around it. */
  ensureVisible(id: string): void {
    const box = this.layout?.nodes[id];
    if (!box) return;
    const { width, height } = this.size();
    const pad = 32;
    const sx = this.view.x + (box.x + MARGIN) * this.view.k;
    const sy = this.view.y + (box.y + MARGIN) * this.view.k;
    const sw = box.w * this.view.k;
    const sh = box.h * this.view.k;
    let dx = 0;
    let dy = 0;
    if (sw + 2 * pad > width) dx = width / 2 - (sx + sw / 2);
    else if (sx < pad) dx = pad - sx;
    else if (sx + sw > width - pad) dx = width - pad - (sx + sw);
    if (sh + 2 * pad > height) dy = height / 2 - (sy + sh / 2);
    else if (sy < pad) dy = pad - sy;
    else if (sy + sh > height - pad) dy = height - pad - (sy + sh);
    if (dx || dy) this.setView({ x: this.view.x + dx, y: this.view.y + dy, k: this.view.k });
  }

  private size(): { width: number; height: number } {
    if (!this.area.width || !this.area.height) {
      const r = this.svg.getBoundingClientRect();
      this.area = { width: r.width, height: r.height };
    }
    return { width: this.area.width || 800, height: this.area.height || 600 };
  }

  private focusedNodeId(): string | undefined {
    const a = document.activeElement;
    return a instanceof SVGGElement && a.classList.contains('node') ? (a.getAttribute('data-id') ?? undefined) : undefined;
  }

  private applyStates(): void {
    const related = new Set<string>();
    const relatedEdges = new Set<string>();
    const relatedBundles = new Set<string>();
    if (this.selected && this.graph) {
      const sel = this.selected;
      related.add(sel);
      for (const e of this.graph.edges) {
        if (e.from === sel || e.to === sel) {
          related.add(e.from);
          related.add(e.to);
          relatedEdges.add(e.id);
        }
      }
      // A member of a bundle is connected to every member on the other side.
      for (const b of this.graph.bundles ?? []) {
        const side = b.from.includes(sel) ? b.to : b.to.includes(sel) ? b.from : undefined;
        if (!side) continue;
        relatedBundles.add(b.id);
        for (const id of side) related.add(id);
      }
    }
    const focus = this.selected !== undefined && this.nodes.has(this.selected);
    this.svg.classList.toggle('has-focus', focus);
    this.svg.classList.toggle('searching', !!this.matches);
    for (const [id, k] of this.nodes) {
      const c = k.el.classList;
      c.toggle('selected', id === this.selected);
      c.toggle('highlighted', id === this.highlighted);
      c.toggle('related', related.has(id));
      c.toggle('match', !!this.matches?.has(id));
      if (id === this.selected) k.el.setAttribute('aria-pressed', 'true');
      else k.el.removeAttribute('aria-pressed');
    }
    for (const [id, k] of this.edges) k.el.classList.toggle('related', relatedEdges.has(id));
    for (const [id, k] of this.labels) k.el.classList.toggle('related', relatedEdges.has(id));
    for (const [id, k] of this.bundles) k.el.classList.toggle('related', relatedBundles.has(id));
    for (const [id, k] of this.pills) k.el.classList.toggle('related', relatedBundles.has(id));
  }

  // -------------------------------------------------------------------------------------------
  // Input

  private wire(): void {
    let drag: { x: number; y: number; vx: number; vy: number; moved: boolean; id: number } | undefined;
    let suppressClick = false;
    this.svg.addEventListener('pointerdown', (ev) => {
      if (ev.button !== 0) return;
      drag = { x: ev.clientX, y: ev.clientY, vx: this.view.x, vy: this.view.y, moved: false, id: ev.pointerId };
    });
    this.svg.addEventListener('pointermove', (ev) => {
      if (!drag || ev.pointerId !== drag.id) return;
      const dx = ev.clientX - drag.x;
      const dy = ev.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      if (!drag.moved) {
        drag.moved = true;
        this.svg.setPointerCapture(ev.pointerId);
        this.svg.classList.add('panning');
        this.events.hover(undefined, undefined);
      }
      this.setView({ x: drag.vx + dx, y: drag.vy + dy, k: this.view.k });
    });
    const end = (ev: PointerEvent) => {
      if (!drag || ev.pointerId !== drag.id) return;
      suppressClick = drag.moved;
      drag = undefined;
      this.svg.classList.remove('panning');
    };
    this.svg.addEventListener('pointerup', end);
    this.svg.addEventListener('pointercancel', end);
    this.svg.addEventListener('click', (ev) => {
      if (suppressClick) {
        suppressClick = false;
        return;
      }
      const action = (ev.target as Element).closest('[data-action]');
      if (action) {
        this.fireAction(action);
        return;
      }
      const pill = (ev.target as Element).closest('.bundle-pill')?.getAttribute('data-id');
      if (pill) {
        this.events.expandBundle?.(pill);
        return;
      }
      const node = (ev.target as Element).closest('.node');
      const id = node?.getAttribute('data-id') ?? (ev.target as Element).closest('.live-overlay')?.getAttribute('data-node');
      if (id) this.events.activate(id);
    });
    this.svg.addEventListener(
      'wheel',
      (ev) => {
        ev.preventDefault();
        const r = this.svg.getBoundingClientRect();
        const delta = ev.deltaMode === 1 ? ev.deltaY * 16 : ev.deltaY;
        this.zoomBy(Math.exp(-delta * (ev.ctrlKey ? 0.01 : 0.0015)), { x: ev.clientX - r.left, y: ev.clientY - r.top });
      },
      { passive: false },
    );
    this.svg.addEventListener('pointerover', (ev) => {
      if (drag?.moved) return;
      const t = hoverTargetOf(ev.target as Element);
      if (t) this.events.hover(t, t.kind === 'node' ? this.nodeRect(t.id) : this.edgeRect(t.id));
    });
    this.svg.addEventListener('pointerout', (ev) => {
      const from = hoverTargetOf(ev.target as Element);
      const to = ev.relatedTarget instanceof Element ? hoverTargetOf(ev.relatedTarget) : undefined;
      if (from && (!to || to.id !== from.id)) this.events.hover(undefined, undefined);
    });
    this.svg.addEventListener('focusin', (ev) => {
      const node = (ev.target as Element).closest('.node');
      const id = node?.getAttribute('data-id');
      if (!id) return;
      this.ensureVisible(id);
      this.events.hover({ kind: 'node', id }, this.nodeRect(id));
    });
    this.svg.addEventListener('focusout', (ev) => {
      if (!(ev.relatedTarget instanceof Element) || !ev.relatedTarget.closest('.node')) this.events.hover(undefined, undefined);
    });
    this.svg.addEventListener('keydown', (ev) => this.onKey(ev));
  }

  private fireAction(el: Element): void {
    const id = el.getAttribute('data-node');
    const action = el.getAttribute('data-action');
    if (id && (action === 'portForward' || action === 'loadImages' || action === 'sendLoad')) this.events.liveAction?.(id, action);
  }

  private onKey(ev: KeyboardEvent): void {
    const target = ev.target instanceof Element ? ev.target.closest('[data-action]') : null;
    if (target && (ev.key === 'Enter' || ev.key === ' ')) {
      ev.preventDefault();
      this.fireAction(target);
      return;
    }
    const pill = ev.target instanceof Element ? ev.target.closest('.bundle-pill')?.getAttribute('data-id') : undefined;
    if (pill && (ev.key === 'Enter' || ev.key === ' ')) {
      ev.preventDefault();
      this.events.expandBundle?.(pill);
      return;
    }
    const id = this.focusedNodeId();
    const dir: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (dir[ev.key]) {
      ev.preventDefault();
      if (!id) {
        this.focusFirst();
        return;
      }
      const next = this.neighbour(id, dir[ev.key]);
      if (next) this.focusNode(next);
      return;
    }
    switch (ev.key) {
      case 'Enter':
      case ' ':
        if (id) {
          ev.preventDefault();
          this.events.activate(id);
        }
        return;
      case 'Escape':
        ev.preventDefault();
        this.events.escape();
        return;
      case '+':
      case '=':
        ev.preventDefault();
        this.zoomBy(1.25);
        return;
      case '-':
        ev.preventDefault();
        this.zoomBy(0.8);
        return;
      case '0':
        ev.preventDefault();
        this.fit();
        return;
      case 'Home':
        ev.preventDefault();
        this.focusFirst();
        return;
      case 'End':
        ev.preventDefault();
        if (this.order.length) this.focusNode(this.order[this.order.length - 1]);
        return;
    }
  }

  /** The nearest node in a direction: closest along it, with sideways distance counting double. */
  private neighbour(id: string, [dx, dy]: [number, number]): string | undefined {
    const from = this.layout?.nodes[id];
    if (!from || !this.layout) return undefined;
    const c = centre(from);
    let best: string | undefined;
    let bestScore = Infinity;
    for (const [other, box] of Object.entries(this.layout.nodes)) {
      if (other === id || !this.nodes.has(other)) continue;
      const o = centre(box);
      const along = (o.x - c.x) * dx + (o.y - c.y) * dy;
      if (along <= 1) continue;
      const across = Math.abs((o.x - c.x) * dy) + Math.abs((o.y - c.y) * dx);
      const score = along + across * 2;
      if (score < bestScore) {
        bestScore = score;
        best = other;
      }
    }
    return best;
  }
}

function hoverTargetOf(el: Element): HoverTarget | undefined {
  const node = el.closest('.node');
  if (node) return { kind: 'node', id: node.getAttribute('data-id') ?? '' };
  const live = el.closest('.live-overlay');
  if (live) return { kind: 'node', id: live.getAttribute('data-node') ?? '' };
  const edge = el.closest('.edge, .edge-label');
  if (edge) return { kind: 'edge', id: edge.getAttribute('data-id') ?? '' };
  return undefined;
}

interface Item {
  sig: string;
  geometry: string;
  scene: () => SceneElement | undefined;
}

/**
 * Keyed update: unchanged elements stay (and keep focus); moved ones get a new transform or path
 * (no rebuild: after an edit, whole frames shift); changed ones are swapped in place; new ones are
 * parsed from markup in one go (much faster than building thousands of elements one attribute at
 * a time). The markup has no scripts, handlers or style attributes: CSP-clean.
 */
function sync(current: Map<string, Keyed>, next: Map<string, Item>, parent: SVGGElement): void {
  for (const [id, k] of current) {
    if (!next.has(id)) {
      k.el.remove();
      current.delete(id);
    }
  }
  const fresh: { id: string; item: Item; markup: string }[] = [];
  for (const [id, item] of next) {
    const k = current.get(id);
    if (k && k.sig === item.sig) {
      if (k.geometry !== item.geometry) {
        move(k.el, item.geometry);
        k.geometry = item.geometry;
      }
      continue;
    }
    const scene = item.scene();
    if (!scene) continue;
    if (k) {
      const el = toDom(scene);
      k.el.replaceWith(el);
      current.set(id, { el, sig: item.sig, geometry: item.geometry });
    } else {
      fresh.push({ id, item, markup: sceneToString(scene) });
    }
  }
  if (!fresh.length) return;
  const before = parent.childElementCount;
  parent.insertAdjacentHTML('beforeend', fresh.map((f) => f.markup).join(''));
  const added = parent.children;
  for (let i = 0; i < fresh.length; i++)
    current.set(fresh[i].id, { el: added[before + i] as SVGElement, sig: fresh[i].item.sig, geometry: fresh[i].item.geometry });
}

/**
 * Puts children in the wanted order with the fewest moves: the longest run already in order stays,
 * only the others are moved (moving every card would make the browser restyle all of them).
 */
function reorder(parent: Element, wanted: Element[]): void {
  const index = new Map<Element, number>();
  Array.from(parent.children).forEach((el, i) => index.set(el, i));
  const seq = wanted.map((el) => index.get(el) ?? -1);
  // Longest increasing subsequence of current positions (patience sorting, O(n log n)).
  const tails: number[] = [];
  const prev = new Array<number>(seq.length).fill(-1);
  for (let i = 0; i < seq.length; i++) {
    if (seq[i] < 0) continue;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]] < seq[i]) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1];
    tails[lo] = i;
  }
  const keep = new Set<number>();
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = prev[i]) keep.add(i);
  let next: Element | null = null;
  for (let i = wanted.length - 1; i >= 0; i--) {
    const el = wanted[i];
    if (!keep.has(i)) parent.insertBefore(el, next);
    next = el;
  }
}

function move(el: SVGElement, geometry: string): void {
  if (geometry.startsWith('translate(')) {
    el.setAttribute('transform', geometry);
    return;
  }
  // An edge: both its paths (the visible line and the wider hover target) follow.
  for (const path of el.querySelectorAll('path')) path.setAttribute('d', geometry);
}

function centre(b: Box): { x: number; y: number } {
  return { x: b.x + b.w / 2, y: b.y + b.h / 2 };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function round(v: number, f = 10): number {
  return Math.round(v * f) / f;
}
