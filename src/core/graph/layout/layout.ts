import type { GraphBundle, GraphEdge, GraphModel, GraphNode } from '../types';
import { bundleCaption, bundleLineId } from '../bundles';
import { fitText, textWidth } from '../text';
import { layoutWithStacks } from './bundleStacks';
import {
  COMPONENT_GAP,
  GROUP_GAP,
  GROUP_HEADER,
  GROUP_PADDING,
  BUNDLE_HEIGHT,
  NODE_WIDTH,
  cardHeight,
  type Box,
  type BundleRoute,
  type ComponentInput,
  type ComponentOutput,
  type EdgeRoute,
  type GraphLayout,
  type GroupBox,
  type LayoutDirection,
  type LayoutEngine,
  type LayoutMemory,
  type Point,
} from './types';
import { pushTo } from '../../multimap';

/**
 * The one layout every view uses (webview, `graph --output svg|html`): namespaces stacked top to
 * bottom, each holding its connected components, each component laid out left to right by a
 * layered engine (entry points on the left, model servers on the right).
 *
 * Why per component: an edit touches one application, so only its component is laid out again and
 * every other component comes from the cache at the same offset; after a one-resource edit the
 * rest of the picture does not move.
 */

export interface LayoutOptions {
  /** The previous run's memory: offsets are reused when they still fit. */
  memory?: LayoutMemory;
  cache?: ComponentCache;
  /** Wanted width/height of a namespace frame's content (wide editors: about 2). */
  aspect?: number;
  /**
   * Layers left to right (the default, and what the CLI draws) or top to bottom. Unset with a
   * `viewport`, the view picks the one that shows the graph larger in it (see {@link chooseDirection})
   * unless its memory already holds a direction.
   */
  direction?: LayoutDirection;
  /** The size of the drawing area, for choosing the direction. */
  viewport?: { width: number; height: number };
  /** Rows of live-overlay chips to reserve under a card's text, by node id (the overlay measures them). */
  liveRows?: Readonly<Record<string, number>>;
}

export interface LayoutStats {
  components: number;
  computed: number;
  cached: number;
  ms: number;
}

export interface LayoutRun {
  layout: GraphLayout;
  memory: LayoutMemory;
  stats: LayoutStats;
}

/** Finished component layouts by content, so unchanged components cost nothing. Bounded LRU. */
export class ComponentCache {
  private readonly map = new Map<string, ComponentOutput>();
  constructor(private readonly max = 4000) {}

  get(key: string): ComponentOutput | undefined {
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: ComponentOutput): void {
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }

  get size(): number {
    return this.map.size;
  }
}

interface Component {
  namespace: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Bundles whose members are in this component: each is laid out as a junction node. */
  bundles?: GraphBundle[];
  anchor: string;
  input?: ComponentInput;
  key?: string;
  out?: ComponentOutput;
}

const CATEGORY_RANK: Record<string, number> = { entry: 0, service: 1, autoscaler: 2, workload: 3, config: 4 };

/** Graphs above this size are laid out once, left to right, when no direction is given. */
const AUTO_DIRECTION_MAX_NODES = 400;
/** Top to bottom must show the graph this much larger to be chosen over the conventional left to right. */
const TB_ADVANTAGE = 1.15;

export async function layoutGraph(graph: GraphModel, engine: LayoutEngine, options: LayoutOptions = {}): Promise<LayoutRun> {
  const remembered = options.memory?.direction;
  if (options.direction || remembered || !options.viewport || graph.nodes.length > AUTO_DIRECTION_MAX_NODES) {
    return layoutOnce(graph, engine, options, options.direction ?? remembered ?? 'LR');
  }
  return chooseDirection(graph, engine, options, options.viewport);
}

/**
 * Lays the graph out both ways and keeps the one that fills the viewport better: a wide panel keeps
 * the left-to-right picture, a panel beside the editor (taller than wide) gets the chain top to
 * bottom instead of a thin strip at a third of the size. The choice is remembered only when it was
 * clear, so a graph that still fits either way is asked again as it grows.
 */
async function chooseDirection(
  graph: GraphModel,
  engine: LayoutEngine,
  options: LayoutOptions,
  viewport: { width: number; height: number },
): Promise<LayoutRun> {
  const lr = await layoutOnce(graph, engine, options, 'LR');
  const tb = await layoutOnce(graph, engine, options, 'TB');
  const scale = (l: GraphLayout) => Math.min(1, viewport.width / Math.max(1, l.width), viewport.height / Math.max(1, l.height));
  const [sLr, sTb] = [scale(lr.layout), scale(tb.layout)];
  const pick = sTb > sLr * TB_ADVANTAGE ? tb : lr;
  const clear = Math.max(sLr, sTb) / Math.min(sLr, sTb) > TB_ADVANTAGE;
  const memory = { ...pick.memory, direction: clear ? pick.layout.direction : undefined };
  return { ...pick, memory, stats: { ...pick.stats, ms: lr.stats.ms + tb.stats.ms } };
}

async function layoutOnce(graph: GraphModel, engine: LayoutEngine, options: LayoutOptions, direction: LayoutDirection): Promise<LayoutRun> {
  const started = now();
  // A memory of the other direction says nothing about where things go in this one.
  const given = options.memory;
  const memory = given && (!given.direction || given.direction === direction) ? given : EMPTY_POSITIONS;
  const cache = options.cache ?? new ComponentCache();
  const byId = new Map<string, GraphNode>();
  for (const n of graph.nodes) byId.set(n.id, n);

  // 1. Connected components inside each namespace (cross-namespace edges are routed afterwards).
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    let cur = id;
    while (cur !== root) {
      const next = parent.get(cur)!;
      parent.set(cur, root);
      cur = next;
    }
    return root;
  };
  for (const n of graph.nodes) parent.set(n.id, n.id);
  const inner: GraphEdge[] = [];
  const cross: GraphEdge[] = [];
  for (const e of graph.edges) {
    const a = byId.get(e.from);
    const b = byId.get(e.to);
    if (!a || !b || a === b) continue;
    if (a.namespace === b.namespace) {
      inner.push(e);
      const ra = find(a.id);
      const rb = find(b.id);
      if (ra !== rb) parent.set(ra, rb);
    } else {
      cross.push(e);
    }
  }
  // A bundle is a junction node joined to every member (a bundle never spans namespaces).
  const bundles = (graph.bundles ?? []).filter((b) => !parent.has(b.id));
  for (const b of bundles) {
    parent.set(b.id, b.id);
    for (const id of [...b.from, ...b.to]) if (byId.has(id)) parent.set(find(id), find(b.id));
  }
  const compByRoot = new Map<string, Component>();
  for (const n of graph.nodes) {
    const root = find(n.id);
    let c = compByRoot.get(root);
    if (!c) {
      c = { namespace: n.namespace, nodes: [], edges: [], anchor: '' };
      compByRoot.set(root, c);
    }
    c.nodes.push(n);
  }
  for (const e of inner) compByRoot.get(find(e.from))!.edges.push(e);
  for (const b of bundles) {
    const c = compByRoot.get(find(b.id));
    if (c) (c.bundles ??= []).push(b);
  }
  const components = [...compByRoot.values()];
  assignAnchors(components, memory);

  // 2. Lay out each component (or take it from the cache).
  let computed = 0;
  const tb = direction === 'TB';
  for (const c of components) {
    c.input = componentInput(c, memory, options.liveRows ?? {}, tb);
    c.key = contentKey(`${engine.name}:${direction}`, c.input);
    const hit = cache.get(c.key);
    if (hit) {
      c.out = hit;
      continue;
    }
    if (c.input.nodes.length === 1) {
      c.out = single(c.input);
      continue;
    }
    // Top to bottom is left to right on the transposed graph: the engines and the edge router only
    // know one direction, and a transposition keeps every right angle and every gap.
    c.out = tb ? transposeOutput(await layoutWithStacks(engine, transposeInput(c.input))) : await layoutWithStacks(engine, c.input);
    cache.set(c.key, c.out);
    computed++;
  }

  // 3. Pack components inside each namespace, then stack the namespaces.
  const namespaces = [...new Set(components.map((c) => c.namespace))].sort(compareNamespaces);
  const nodes: Record<string, Box> = {};
  const edges: Record<string, EdgeRoute> = {};
  const groups: GroupBox[] = [];
  const nextMemory: LayoutMemory = { offsets: {}, anchors: {}, positions: {} };
  let bundleRoutes: Record<string, BundleRoute> | undefined;
  const packed = new Map<string, { offsets: Map<Component, Point>; width: number; height: number }>();
  let maxWidth = 0;
  // One row width for every frame, chosen so the whole picture (frames stacked) has the wanted shape.
  let totalArea = 0;
  let widest = 0;
  for (const c of components) {
    totalArea += (c.out!.width + COMPONENT_GAP) * (c.out!.height + COMPONENT_GAP);
    widest = Math.max(widest, c.out!.width);
  }
  const rowWidth = Math.max(widest, Math.sqrt(totalArea * (options.aspect ?? 2.2)), NODE_WIDTH * 4 + COMPONENT_GAP * 3);
  for (const ns of namespaces) {
    const comps = components.filter((c) => c.namespace === ns);
    const p = pack(comps, memory, rowWidth);
    packed.set(ns, p);
    maxWidth = Math.max(maxWidth, p.width);
  }
  let y = 0;
  for (const ns of namespaces) {
    const p = packed.get(ns)!;
    const group: GroupBox = {
      namespace: ns,
      title: ns ? `namespace ${ns}` : 'cluster-scoped',
      x: 0,
      y,
      w: maxWidth + GROUP_PADDING * 2,
      h: GROUP_HEADER + p.height + GROUP_PADDING * 2,
    };
    groups.push(group);
    const ox = group.x + GROUP_PADDING;
    const oy = group.y + GROUP_HEADER + GROUP_PADDING;
    for (const [c, off] of p.offsets) {
      nextMemory.offsets[c.anchor] = off;
      const out = c.out!;
      for (const n of c.input!.nodes) {
        const local = out.nodes[n.id] ?? { x: 0, y: 0 };
        nodes[n.id] = { x: ox + off.x + local.x, y: oy + off.y + local.y, w: n.width, h: n.height };
        nextMemory.anchors[n.id] = c.anchor;
        nextMemory.positions[n.id] = local;
      }
      for (const e of c.edges) {
        const pts = out.edges[e.id];
        const route = pts && pts.length >= 2 ? pts.map((q) => ({ x: ox + off.x + q.x, y: oy + off.y + q.y })) : straight(nodes[e.from], nodes[e.to]);
        edges[e.id] = { points: route, label: labelPoint(route) };
      }
      for (const b of c.bundles ?? []) {
        const at = (pts: Point[] | undefined, fallback: () => Point[]) =>
          pts && pts.length >= 2 ? pts.map((q) => ({ x: ox + off.x + q.x, y: oy + off.y + q.y })) : fallback();
        const box = nodes[b.id];
        const route: BundleRoute = { ...box, in: {}, out: {} };
        for (const id of b.from) if (nodes[id]) route.in[id] = at(out.edges[bundleLineId(b.id, 'in', id)], () => straight(nodes[id], box));
        for (const id of b.to) if (nodes[id]) route.out[id] = at(out.edges[bundleLineId(b.id, 'out', id)], () => straight(box, nodes[id]));
        (bundleRoutes ??= {})[b.id] = route;
      }
    }
    y += group.h + GROUP_GAP;
  }
  for (const e of cross) edges[e.id] = crossRoute(nodes[e.from], nodes[e.to]);
  // Junctions sat in `nodes` for the packing; they are not cards.
  if (bundleRoutes) for (const id of Object.keys(bundleRoutes)) delete nodes[id];
  placeLabels(graph.edges, edges, nodes, bundleRoutes);

  const width = groups.length ? maxWidth + GROUP_PADDING * 2 : 0;
  const height = groups.length ? y - GROUP_GAP : 0;
  return {
    layout: { nodes, edges, ...(bundleRoutes ? { bundles: bundleRoutes } : {}), groups, width, height, engine: engine.name, direction },
    memory: { ...nextMemory, direction: options.memory?.direction ?? (options.direction ? direction : undefined) },
    stats: { components: components.length, computed, cached: components.length - computed, ms: now() - started },
  };
}

/** A component keeps the anchor most of its nodes had last time, so its offset survives edits. */
function assignAnchors(components: Component[], memory: LayoutMemory): void {
  const claimed = new Set<string>();
  const bySize = [...components].sort((a, b) => b.nodes.length - a.nodes.length || compareIds(a.nodes[0].id, b.nodes[0].id));
  for (const c of bySize) {
    const votes = new Map<string, number>();
    for (const n of c.nodes) {
      const a = memory.anchors[n.id];
      if (a !== undefined && memory.offsets[a]) votes.set(a, (votes.get(a) ?? 0) + 1);
    }
    let best: string | undefined;
    let bestVotes = 0;
    for (const [a, v] of votes) {
      if (claimed.has(a)) continue;
      if (v > bestVotes || (v === bestVotes && best !== undefined && a < best)) {
        best = a;
        bestVotes = v;
      }
    }
    if (best === undefined) {
      best = c.nodes.map((n) => n.id).sort(compareIds)[0];
      // A fresh anchor must not take over another component's remembered slot.
      if (claimed.has(best)) best = `${best}#${claimed.size}`;
    }
    claimed.add(best);
    c.anchor = best;
  }
}

const EMPTY_POSITIONS: LayoutMemory = { offsets: {}, anchors: {}, positions: {} };

function transposeInput(input: ComponentInput): ComponentInput {
  return { nodes: input.nodes.map((n) => ({ ...n, width: n.height, height: n.width })), edges: input.edges };
}

function transposeOutput(out: ComponentOutput): ComponentOutput {
  const nodes: Record<string, Point> = {};
  for (const [id, p] of Object.entries(out.nodes)) nodes[id] = { x: p.y, y: p.x };
  const edges: Record<string, Point[]> = {};
  for (const [id, pts] of Object.entries(out.edges)) edges[id] = pts.map((p) => ({ x: p.y, y: p.x }));
  return { nodes, edges, width: out.height, height: out.width };
}

/** Nodes in a stable order: where they were last time, new ones after them by kind and name. */
function componentInput(c: Component, memory: LayoutMemory, liveRows: Readonly<Record<string, number>>, tb: boolean): ComponentInput {
  if (c.bundles?.length) return bundledInput(c, c.bundles, memory, liveRows, tb);
  const nodes = [...c.nodes].sort((a, b) => {
    const pa = memory.positions[a.id];
    const pb = memory.positions[b.id];
    // Across the layers first (rows left to right, columns top to bottom), then along them.
    if (pa && pb) return (tb ? pa.x - pb.x || pa.y - pb.y : pa.y - pb.y || pa.x - pb.x) || compareIds(a.id, b.id);
    if (pa) return -1;
    if (pb) return 1;
    return (CATEGORY_RANK[a.category] ?? 9) - (CATEGORY_RANK[b.category] ?? 9) || compareIds(a.id, b.id);
  });
  const order = new Map(nodes.map((n, i) => [n.id, i]));
  const edges = [...c.edges].sort((a, b) => order.get(a.from)! - order.get(b.from)! || order.get(a.to)! - order.get(b.to)! || compareIds(a.id, b.id));
  return {
    nodes: nodes.map((n) => ({
      id: n.id,
      width: NODE_WIDTH,
      height: cardHeight(n.ghost ? 0 : Math.min(2, Math.max(0, Math.floor(liveRows[n.id] ?? 0)))),
      first: n.kind === 'Ingress' && !n.ghost,
    })),
    edges: edges.map((e) => ({ id: e.id, from: e.from, to: e.to })),
  };
}

/**
 * componentInput for a component with bundles: each bundle is a junction node (sized for its two
 * lines of text) between the sources' column and the targets', joined to each source and to each
 * target — S + T lines instead of S × T edges, so the layered layout stays linear in them.
 */
function bundledInput(c: Component, bundles: GraphBundle[], memory: LayoutMemory, liveRows: Readonly<Record<string, number>>, tb: boolean): ComponentInput {
  interface Item {
    id: string;
    rank: number;
    width: number;
    height: number;
    first: boolean;
  }
  const items: Item[] = c.nodes.map((n) => ({
    id: n.id,
    rank: CATEGORY_RANK[n.category] ?? 9,
    width: NODE_WIDTH,
    height: cardHeight(n.ghost ? 0 : Math.min(2, Math.max(0, Math.floor(liveRows[n.id] ?? 0)))),
    first: n.kind === 'Ingress' && !n.ghost,
  }));
  // Between the Services' column (1) and the workloads' (3).
  for (const b of bundles) items.push({ id: b.id, rank: 1.5, width: bundleCaption(b).width, height: BUNDLE_HEIGHT, first: false });
  items.sort((a, b) => {
    const pa = memory.positions[a.id];
    const pb = memory.positions[b.id];
    if (pa && pb) return (tb ? pa.x - pb.x || pa.y - pb.y : pa.y - pb.y || pa.x - pb.x) || compareIds(a.id, b.id);
    if (pa) return -1;
    if (pb) return 1;
    return a.rank - b.rank || compareIds(a.id, b.id);
  });
  const order = new Map(items.map((n, i) => [n.id, i]));
  const edges: ComponentInput['edges'] = c.edges.map((e) => ({ id: e.id, from: e.from, to: e.to }));
  for (const b of bundles) {
    for (const id of b.from) if (order.has(id)) edges.push({ id: bundleLineId(b.id, 'in', id), from: id, to: b.id, bundle: { id: b.id, side: 'in' } });
    for (const id of b.to) if (order.has(id)) edges.push({ id: bundleLineId(b.id, 'out', id), from: b.id, to: id, bundle: { id: b.id, side: 'out' } });
  }
  edges.sort((a, b) => order.get(a.from)! - order.get(b.from)! || order.get(a.to)! - order.get(b.to)! || compareIds(a.id, b.id));
  return { nodes: items.map(({ id, width, height, first }) => ({ id, width, height, first })), edges };
}

/**
 * The cache key ignores the seed order: a component whose content did not change keeps the layout
 * it already has, whichever order its nodes arrive in.
 */
function contentKey(engine: string, input: ComponentInput): string {
  const nodes = input.nodes.map((n) => `${n.id}|${n.width}|${n.height}|${n.first ? 1 : 0}`).sort();
  const edges = input.edges.map((e) => `${e.id}|${e.from}|${e.to}`).sort();
  return `${engine}\n${nodes.join('\n')}\n--\n${edges.join('\n')}`;
}

function single(input: ComponentInput): ComponentOutput {
  const n = input.nodes[0];
  return { nodes: { [n.id]: { x: 0, y: 0 } }, edges: {}, width: n.width, height: n.height };
}

interface Placed extends Box {
  c: Component;
}

/**
 * Packs components into rows of `targetWidth`. Components that were laid out
 * before keep their previous offset when it is still free; new or grown ones take the first free
 * spot, top to bottom, left to right.
 */
function pack(comps: Component[], memory: LayoutMemory, targetWidth: number): { offsets: Map<Component, Point>; width: number; height: number } {
  const placed: Placed[] = [];
  const rest: Component[] = [];
  const remembered = comps.filter((c) => memory.offsets[c.anchor]);
  remembered.sort((a, b) => {
    const pa = memory.offsets[a.anchor];
    const pb = memory.offsets[b.anchor];
    return pa.y - pb.y || pa.x - pb.x;
  });
  for (const c of remembered) {
    const p = memory.offsets[c.anchor];
    const box = { x: p.x, y: p.y, w: c.out!.width, h: c.out!.height };
    if (placed.some((q) => overlaps(box, q))) rest.push(c);
    else placed.push({ ...box, c });
  }
  for (const c of comps) if (!memory.offsets[c.anchor]) rest.push(c);
  rest.sort((a, b) => (b.nodes.length > 1 ? 1 : 0) - (a.nodes.length > 1 ? 1 : 0) || compareIds(a.anchor, b.anchor));

  if (placed.length === 0 || rest.length > 24) {
    // Shelf packing below whatever is already placed.
    let x = 0;
    let y = placed.length ? Math.max(...placed.map((q) => q.y + q.h)) + COMPONENT_GAP : 0;
    let rowH = 0;
    for (const c of rest) {
      const w = c.out!.width;
      const h = c.out!.height;
      if (x > 0 && x + w > targetWidth) {
        x = 0;
        y += rowH + COMPONENT_GAP;
        rowH = 0;
      }
      placed.push({ x, y, w, h, c });
      x += w + COMPONENT_GAP;
      rowH = Math.max(rowH, h);
    }
  } else {
    const width = Math.max(targetWidth, ...placed.map((q) => q.x + q.w));
    for (const c of rest) placed.push({ ...firstFree(placed, c.out!.width, c.out!.height, width), w: c.out!.width, h: c.out!.height, c });
  }
  const offsets = new Map<Component, Point>();
  let width = 0;
  let height = 0;
  for (const q of placed) {
    offsets.set(q.c, { x: q.x, y: q.y });
    width = Math.max(width, q.x + q.w);
    height = Math.max(height, q.y + q.h);
  }
  return { offsets, width, height };
}

function firstFree(placed: Box[], w: number, h: number, width: number): Point {
  const ys = [...new Set([0, ...placed.map((q) => q.y + q.h + COMPONENT_GAP)])].sort((a, b) => a - b);
  for (const y of ys) {
    const blocking = placed.filter((q) => q.y < y + h + COMPONENT_GAP && q.y + q.h + COMPONENT_GAP > y).sort((a, b) => a.x - b.x);
    let x = 0;
    for (const q of blocking) {
      if (q.x - COMPONENT_GAP >= x + w) break;
      x = Math.max(x, q.x + q.w + COMPONENT_GAP);
    }
    if (x === 0 || x + w <= width) return { x, y };
  }
  return { x: 0, y: ys[ys.length - 1] };
}

function overlaps(a: Box, b: Box): boolean {
  const g = COMPONENT_GAP / 2;
  return a.x < b.x + b.w + g && b.x < a.x + a.w + g && a.y < b.y + b.h + g && b.y < a.y + a.h + g;
}

function straight(a: Box | undefined, b: Box | undefined): Point[] {
  if (!a || !b)
    return [
      { x: 0, y: 0 },
      { x: 0, y: 0 },
    ];
  return [
    { x: a.x + a.w, y: a.y + a.h / 2 },
    { x: b.x, y: b.y + b.h / 2 },
  ];
}

/** Between namespaces: leave the source on the right, enter the target on the left, as a curve. */
function crossRoute(a: Box | undefined, b: Box | undefined): EdgeRoute {
  const [s, t] = straight(a, b);
  const dx = Math.max(60, Math.abs(t.x - s.x) / 2);
  const points = [s, { x: s.x + dx, y: s.y }, { x: t.x - dx, y: t.y }, t];
  return { points, curve: true, label: { x: (s.x + t.x) / 2, y: (s.y + t.y) / 2 } };
}

/** The middle of the longest horizontal run, where a label reads best and rarely collides. */
export function labelPoint(points: Point[]): Point {
  let best: Point | undefined;
  let bestLen = -1;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    const horizontal = Math.abs(a.y - b.y) < 0.5;
    const len = Math.hypot(b.x - a.x, b.y - a.y) * (horizontal ? 2 : 1);
    if (len > bestLen) {
      bestLen = len;
      best = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    }
  }
  return best ?? points[0] ?? { x: 0, y: 0 };
}

/** Label metrics; the renderer draws the same text (scene.ts edgeLabelScene). */
export const LABEL_FONT = 10.5;
export const LABEL_MAX = 150;
export const LABEL_HEIGHT = 17;

export function labelText(label: string): string {
  return fitText(label, LABEL_MAX, LABEL_FONT);
}

const EDGE_PRIORITY: Record<string, number> = { routes: 0, selects: 1, calls: 2, scales: 3, mounts: 4 };

/**
 * Puts each edge label where it covers no card and no other label: along the edge's horizontal
 * runs first (middle, then towards the ends), then its vertical runs. Broken edges choose first.
 * A label with no free place is hidden; its text stays in the tooltip.
 */
function placeLabels(list: readonly GraphEdge[], routes: Record<string, EdgeRoute>, nodes: Record<string, Box>, bundles?: Record<string, BundleRoute>): void {
  const grid = new SpatialGrid(160);
  for (const b of Object.values(nodes)) grid.add({ x: b.x - 2, y: b.y - 2, w: b.w + 4, h: b.h + 4 });
  for (const b of Object.values(bundles ?? {})) grid.add({ x: b.x - 2, y: b.y - 2, w: b.w + 4, h: b.h + 4 });
  const order = list
    .filter((e) => routes[e.id] && e.label)
    .sort((a, b) => (a.broken ? 0 : 1) - (b.broken ? 0 : 1) || EDGE_PRIORITY[a.type] - EDGE_PRIORITY[b.type] || compareIds(a.id, b.id));
  for (const e of order) {
    const route = routes[e.id];
    const text = labelText(e.label);
    const w = textWidth(text, LABEL_FONT) + 12;
    const h = LABEL_HEIGHT;
    let chosen: Box | undefined;
    for (const c of labelCandidates(route, w)) {
      const box = { x: c.x - w / 2, y: c.y - h / 2, w, h };
      if (!grid.hits(box)) {
        chosen = box;
        break;
      }
    }
    if (chosen) {
      route.label = { x: chosen.x + w / 2, y: chosen.y + h / 2 };
      delete route.hideLabel;
      grid.add({ x: chosen.x - 3, y: chosen.y - 2, w: w + 6, h: h + 4 });
    } else {
      route.hideLabel = true;
    }
  }
}

function* labelCandidates(route: EdgeRoute, width: number): Generator<Point> {
  const p = route.points;
  if (route.curve && p.length === 4) {
    // On the cubic: t = 0.5, 0.3, 0.7.
    for (const t of [0.5, 0.3, 0.7]) {
      const u = 1 - t;
      yield {
        x: u * u * u * p[0].x + 3 * u * u * t * p[1].x + 3 * u * t * t * p[2].x + t * t * t * p[3].x,
        y: u * u * u * p[0].y + 3 * u * u * t * p[1].y + 3 * u * t * t * p[2].y + t * t * t * p[3].y,
      };
    }
    return;
  }
  const segments: { a: Point; b: Point; len: number; horizontal: boolean }[] = [];
  for (let i = 1; i < p.length; i++) {
    const a = p[i - 1];
    const b = p[i];
    segments.push({ a, b, len: Math.hypot(b.x - a.x, b.y - a.y), horizontal: Math.abs(a.y - b.y) < 0.5 });
  }
  segments.sort((s, t) => (s.horizontal === t.horizontal ? t.len - s.len : s.horizontal ? -1 : 1));
  for (const s of segments) {
    if (s.len < 24) continue;
    for (const t of [0.5, 0.3, 0.7, 0.15, 0.85]) {
      const p = { x: s.a.x + (s.b.x - s.a.x) * t, y: s.a.y + (s.b.y - s.a.y) * t };
      if (s.horizontal && s.len >= width + 8) {
        // Keep the whole label on the run, clear of the cards at either end.
        const lo = Math.min(s.a.x, s.b.x) + width / 2 + 4;
        const hi = Math.max(s.a.x, s.b.x) - width / 2 - 4;
        p.x = Math.min(hi, Math.max(lo, p.x));
      }
      yield p;
    }
  }
  // Short runs: centre the label on a bend (it then sits in the channel between columns).
  for (let i = 1; i < p.length - 1; i++) yield p[i];
  for (const s of segments) if (s.len >= 8 && s.len < 24) yield { x: (s.a.x + s.b.x) / 2, y: (s.a.y + s.b.y) / 2 };
}

/** Boxes bucketed by cell, for "does this box touch anything" in about constant time. */
class SpatialGrid {
  private readonly cells = new Map<string, Box[]>();
  constructor(private readonly size: number) {}

  add(b: Box): void {
    for (const key of this.keys(b)) {
      pushTo(this.cells, key, b);
    }
  }

  hits(b: Box): boolean {
    for (const key of this.keys(b)) {
      for (const q of this.cells.get(key) ?? []) {
        if (b.x < q.x + q.w && q.x < b.x + b.w && b.y < q.y + q.h && q.y < b.y + b.h) return true;
      }
    }
    return false;
  }

  private *keys(b: Box): Generator<string> {
    const x0 = Math.floor(b.x / this.size);
    const x1 = Math.floor((b.x + b.w) / this.size);
    const y0 = Math.floor(b.y / this.size);
    const y1 = Math.floor((b.y + b.h) / this.size);
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) yield `${x},${y}`;
  }
}

function compareNamespaces(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1; // cluster-scoped last
  if (b === '') return -1;
  if (a === 'default') return -1;
  if (b === 'default') return 1;
  return a < b ? -1 : 1;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
