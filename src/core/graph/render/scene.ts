import type { GraphBundle, GraphEdge, GraphModel, GraphNode } from '../types';
import { EDGE_LABELS, EDGE_TYPES } from '../types';
import { NODE_HEIGHT, type Box, type BundleRoute, type EdgeRoute, type GraphLayout, type GroupBox, type Point } from '../layout/types';
import { bundleCaption, bundlePairs, thousands } from '../bundles';
import { iconPath } from './icons';
import { fitText, textWidth } from '../text';
import { LABEL_FONT, labelText } from '../layout/layout';
import { pushTo } from '../../multimap';

/**
 * The drawing as a small tree of SVG elements, built once from a graph and its layout. The webview
 * turns it into DOM (keyed by `data-id`, so an update touches only what changed); the CLI and the
 * exports turn it into text. One drawing code path, so `graph --output svg` looks like the panel.
 */
export interface SceneElement {
  tag: string;
  attrs: Record<string, string | number | undefined>;
  children?: SceneElement[];
  text?: string;
}

export interface SceneOptions {
  /** Focusable nodes with roles (webview); static output gets `<title>` tooltips instead. */
  interactive: boolean;
  /** Config nodes folded away: badge counts per workload id. */
  configCounts?: ReadonlyMap<string, number>;
}

export const MARGIN = 24;

function el(tag: string, attrs: SceneElement['attrs'], children?: SceneElement[], text?: string): SceneElement {
  return { tag, attrs, children, text };
}

/** Marker definitions: one arrowhead per edge type, coloured by class. */
export function sceneDefs(): SceneElement {
  const markers = [...EDGE_TYPES, 'broken'].map((t) =>
    el(
      'marker',
      {
        id: `kt-arrow-${t}`,
        viewBox: '0 0 10 10',
        refX: 9,
        refY: 5,
        markerWidth: 7,
        markerHeight: 7,
        orient: 'auto-start-reverse',
        markerUnits: 'userSpaceOnUse',
      },
      [el('path', { d: 'M0,0.5 L10,5 L0,9.5 z', class: `arrow arrow-${t}` })],
    ),
  );
  for (const m of markers) {
    m.attrs.markerWidth = 9;
    m.attrs.markerHeight = 9;
  }
  return el('defs', {}, markers);
}

export function groupScene(group: GroupBox, nodes: readonly GraphNode[]): SceneElement {
  const problems = nodes.filter((n) => n.status === 'error').length;
  const real = nodes.filter((n) => !n.ghost).length;
  const meta = `${real} resource${real === 1 ? '' : 's'}${problems ? ` · ${problems} with errors` : ''}`;
  return el('g', { class: 'ns-group', 'data-ns': group.namespace, transform: `translate(${r(group.x)},${r(group.y)})` }, [
    el('rect', { class: 'ns-frame', width: r(group.w), height: r(group.h), rx: 12 }),
    el('text', { class: 'ns-title', x: 16, y: 21 }, undefined, group.title),
    el('text', { class: `ns-meta${problems ? ' has-errors' : ''}`, x: r(group.w - 16), y: 21, 'text-anchor': 'end' }, undefined, meta),
  ]);
}

/** The words on a card under the name: what a person checks first for that kind. */
export function cardSubtitle(n: GraphNode): string {
  const f = n.facts;
  if (n.ghost) return n.problems[0]?.code ?? 'missing';
  const port = (p: string) => p.replace(/\/TCP\b/, '').replace(/ \(.*\)$/, '');
  switch (n.kind) {
    case 'Service':
      if (f.serviceType === 'ExternalName') return `→ ${f.routes?.[0] ?? '?'}`;
      return f.ports?.length ? f.ports.map((p) => port(p).replace(/, node port .*/, '')).join(', ') : 'no ports';
    case 'Ingress':
      return f.routes?.length ? f.routes.map((x) => x.replace(/ → .*/, '')).join(', ') : 'no rules';
    case 'HorizontalPodAutoscaler':
      return `${f.minReplicas ?? 1}–${f.maxReplicas ?? '?'} replicas${f.metrics?.length ? ` · ${f.metrics[0]}` : ''}`;
    case 'ConfigMap':
    case 'Secret': {
      const k = f.keys?.length ?? 0;
      return `${k} key${k === 1 ? '' : 's'}${n.kind === 'Secret' && f.secretType && f.secretType !== 'Opaque' ? ` · ${f.secretType}` : ''}`;
    }
    case 'CronJob':
      return f.schedule ? `schedule ${f.schedule}` : (f.images?.[0] ?? '');
    case 'DaemonSet':
      return ['one per node', ...(f.ports ?? []).slice(0, 1).map(port)].join(' · ');
    case 'Job':
    case 'Pod':
      return [f.images?.[0], ...(f.ports ?? []).slice(0, 1).map((p) => `:${port(p)}`)].filter(Boolean).join(' · ');
    default: {
      const reps = f.replicas ?? 1;
      const parts = [`${reps} replica${reps === 1 ? '' : 's'}`];
      if (f.ports?.length) parts.push(`:${f.ports.map(port).join(', :')}`);
      return parts.join(' · ');
    }
  }
}

/** Upper-case kind line: "SERVICE · LOADBALANCER", "MISSING SERVICE". */
export function cardKind(n: GraphNode): string {
  if (n.ghost) {
    if (n.kind === 'Pod') return 'NO MATCHING PODS';
    return n.status === 'info' ? `${n.kind} OUTSIDE VIEW`.toUpperCase() : `MISSING ${n.kind}`.toUpperCase();
  }
  if (n.kind === 'HorizontalPodAutoscaler') return 'AUTOSCALER (HPA)';
  if (n.kind === 'Service') return `SERVICE · ${(n.facts.serviceType ?? 'ClusterIP').toUpperCase()}`;
  return n.kind.toUpperCase();
}

/** What a screen reader says for a node. */
export interface Degree {
  incoming: number;
  outgoing: number;
}

export function degrees(edges: readonly GraphEdge[], bundles: readonly GraphBundle[] = []): Map<string, Degree> {
  const out = new Map<string, Degree>();
  const get = (id: string) => {
    let d = out.get(id);
    if (!d) out.set(id, (d = { incoming: 0, outgoing: 0 }));
    return d;
  };
  for (const e of edges) {
    get(e.from).outgoing++;
    get(e.to).incoming++;
  }
  // A bundle's connections count one by one: a screen reader hears what the lines stand for.
  for (const b of bundles) {
    for (const id of b.from) get(id).outgoing += b.to.length;
    for (const id of b.to) get(id).incoming += b.from.length;
  }
  return out;
}

export function nodeAriaLabel(n: GraphNode, degree?: Degree): string {
  const parts = [n.ghost ? `${cardKind(n).toLowerCase()} ${n.name}` : `${n.kind} ${n.name}`];
  if (n.namespace) parts.push(`namespace ${n.namespace}`);
  const sub = cardSubtitle(n);
  if (sub && !n.ghost) parts.push(sub);
  if (degree && (degree.incoming || degree.outgoing)) parts.push(`${degree.incoming} incoming, ${degree.outgoing} outgoing`);
  const errors = n.problems.filter((p) => p.severity === 'error').length;
  const warnings = n.problems.filter((p) => p.severity === 'warning').length;
  if (errors) parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  return parts.join(', ');
}

export function nodeScene(n: GraphNode, box: Box, options: SceneOptions, degree?: Degree): SceneElement {
  const external = n.kind === 'Service' && n.category === 'entry';
  const classes = ['node', `cat-${n.category}`, `kind-${n.kind.toLowerCase()}`, `status-${n.status}`];
  if (n.ghost) classes.push('ghost');
  const textX = 52;
  const right = box.w - 12;
  const children: SceneElement[] = [
    el('rect', { class: 'halo', x: -4, y: -4, width: box.w + 8, height: box.h + 8, rx: 11 }),
    el('rect', { class: 'card', width: box.w, height: box.h, rx: 8 }),
  ];
  if (!n.ghost) children.push(el('rect', { class: 'accent', x: 0.5, y: 10, width: 3, height: box.h - 20, rx: 1.5 }));
  // The icon is centred on the card's text; rows of live chips, when reserved, sit below both.
  const head = Math.min(box.h, NODE_HEIGHT);
  children.push(
    el('circle', { class: 'bubble', cx: 27, cy: head / 2, r: 15 }),
    el('path', { class: 'glyph', d: iconPath(n.kind, external, n.ghost), transform: `translate(19,${head / 2 - 8})` }),
    el('text', { class: 'kind', x: textX, y: 21 }, undefined, fitText(cardKind(n), right - textX - 22, 9.5, true, 0.06)),
    el('text', { class: 'name', x: textX, y: 39 }, undefined, fitText(n.name, right - textX, 13, true)),
    el('text', { class: 'sub', x: textX, y: 54 }, undefined, fitText(cardSubtitle(n), right - textX - (options.configCounts?.get(n.id) ? 64 : 0), 11)),
  );
  const worst = n.status;
  if (worst !== 'ok' && !n.ghost) {
    const count = n.problems.filter((p) => p.severity === worst).length;
    children.push(
      el('circle', { class: `badge-${worst}`, cx: box.w - 16, cy: 16, r: 8 }),
      el('text', { class: 'badge-text', x: box.w - 16, y: 19.5 }, undefined, worst === 'info' ? 'i' : count > 9 ? '9+' : String(count)),
    );
  }
  const folded = options.configCounts?.get(n.id);
  if (folded) {
    children.push(el('text', { class: 'sub', x: box.w - 12, y: 54, 'text-anchor': 'end' }, undefined, `+${folded} config`));
  }
  const attrs: SceneElement['attrs'] = {
    class: classes.join(' '),
    'data-id': n.id,
    transform: `translate(${r(box.x)},${r(box.y)})`,
  };
  if (options.interactive) {
    attrs.tabindex = 0;
    attrs.role = 'button';
    attrs['aria-label'] = nodeAriaLabel(n, degree);
  } else {
    children.unshift(el('title', {}, undefined, nodeAriaLabel(n, degree)));
  }
  return el('g', attrs, children);
}

export function edgeScene(e: GraphEdge, route: EdgeRoute, nodesById: ReadonlyMap<string, GraphNode>): SceneElement {
  const from = nodesById.get(e.from);
  const to = nodesById.get(e.to);
  const d = pathData(route);
  const classes = ['edge', `e-${e.type}`];
  if (e.broken) classes.push('broken');
  if (to?.ghost) classes.push('to-ghost');
  const title = `${from ? `${from.kind} ${from.name}` : e.from} ${EDGE_LABELS[e.type]} ${to ? `${to.ghost ? 'missing ' : ''}${to.kind} ${to.name}` : e.to}: ${e.reason}`;
  return el('g', { class: classes.join(' '), 'data-id': e.id, 'data-from': e.from, 'data-to': e.to }, [
    el('title', {}, undefined, title),
    el('path', { class: 'edge-hit', d }),
    el('path', { class: 'edge-line', d, 'marker-end': `url(#kt-arrow-${e.broken ? 'broken' : e.type})` }),
  ]);
}

export function edgeLabelScene(e: GraphEdge, route: EdgeRoute): SceneElement | undefined {
  if (route.hideLabel) return undefined;
  const text = labelText(e.label);
  if (!text) return undefined;
  const w = textWidth(text, LABEL_FONT) + 12;
  return el(
    'g',
    { class: `edge-label e-${e.type}${e.broken ? ' broken' : ''}`, 'data-id': e.id, transform: `translate(${r(route.label.x)},${r(route.label.y)})` },
    [el('rect', { x: r(-w / 2), y: -8.5, width: r(w), height: 17, rx: 8.5 }), el('text', { y: 3.5 }, undefined, text)],
  );
}

/**
 * A bundle's lines: each source's line into the junction and the junction's line to each target,
 * as a few long paths (one per kind of line) rather than one element per connection, with an
 * arrowhead at each target.
 */
export function bundleLinesScene(b: GraphBundle, route: BundleRoute, interactive: boolean): SceneElement {
  const working: string[] = [];
  const broken: string[] = [];
  b.from.forEach((id, i) => {
    const pts = route.in[id];
    if (pts) (b.members[i]?.broken ? broken : working).push(pathData({ points: pts, label: pts[0] }));
  });
  const out: string[] = [];
  const arrows: string[] = [];
  for (const id of b.to) {
    const pts = route.out[id];
    if (!pts || pts.length < 2) continue;
    out.push(pathData({ points: pts, label: pts[0] }));
    arrows.push(arrowHead(pts[pts.length - 2], pts[pts.length - 1]));
  }
  const children: SceneElement[] = [];
  if (!interactive) children.push(el('title', {}, undefined, b.reason));
  if (working.length) children.push(el('path', { class: 'edge-line bundle-in', d: working.join(' ') }));
  if (broken.length) children.push(el('path', { class: 'edge-line bundle-in broken', d: broken.join(' ') }));
  if (out.length) children.push(el('path', { class: 'edge-line bundle-out', d: out.join(' ') }));
  if (arrows.length) children.push(el('path', { class: `bundle-arrows arrow arrow-${b.type}`, d: arrows.join(' ') }));
  return el('g', { class: `bundle e-${b.type}${b.broken ? ' broken' : ''}`, 'data-id': b.id }, children);
}

/** An arrowhead at `tip`, pointing along from → tip: the edges' marker, drawn as a path. */
function arrowHead(from: Point, tip: Point): string {
  const len = dist(from, tip) || 1;
  const dx = (tip.x - from.x) / len;
  const dy = (tip.y - from.y) / len;
  const bx = tip.x - dx * 9;
  const by = tip.y - dy * 9;
  return `M${r(bx - dy * 4.05)},${r(by + dx * 4.05)} L${r(tip.x)},${r(tip.y)} L${r(bx + dy * 4.05)},${r(by - dx * 4.05)}z`;
}

/** What a screen reader says for a bundle's junction. */
export function bundleAriaLabel(b: GraphBundle): string {
  return `Bundle: ${b.label}, ${thousands(bundlePairs(b))} connections${b.broken ? ', some broken' : ''}. Press Enter to show them one by one.`;
}

/** The junction: a pill with the bundle's label and how many connections it stands for. */
export function bundlePillScene(b: GraphBundle, box: Box, interactive: boolean): SceneElement {
  const { title, caption } = bundleCaption(b);
  const children: SceneElement[] = [
    el('rect', { class: 'pill', width: r(box.w), height: r(box.h), rx: r(box.h / 2) }),
    el('text', { class: 'bundle-title', x: r(box.w / 2), y: 15 }, undefined, title),
    el('text', { class: 'bundle-caption', x: r(box.w / 2), y: 28 }, undefined, caption),
  ];
  const attrs: SceneElement['attrs'] = {
    class: `bundle-pill e-${b.type}${b.broken ? ' broken' : ''}`,
    'data-id': b.id,
    transform: `translate(${r(box.x)},${r(box.y)})`,
  };
  if (interactive) {
    attrs.tabindex = 0;
    attrs.role = 'button';
    attrs['aria-label'] = bundleAriaLabel(b);
  }
  children.unshift(el('title', {}, undefined, b.reason));
  return el('g', attrs, children);
}

/** Rounded polyline (r = 8 at corners) or a cubic for cross-namespace routes. */
export function pathData(route: EdgeRoute): string {
  const p = route.points;
  if (!p.length) return '';
  if (route.curve && p.length === 4) return `M${r(p[0].x)},${r(p[0].y)} C${r(p[1].x)},${r(p[1].y)} ${r(p[2].x)},${r(p[2].y)} ${r(p[3].x)},${r(p[3].y)}`;
  let d = `M${r(p[0].x)},${r(p[0].y)}`;
  for (let i = 1; i < p.length - 1; i++) {
    const a = p[i - 1];
    const b = p[i];
    const c = p[i + 1];
    const rad = Math.min(8, dist(a, b) / 2, dist(b, c) / 2);
    const p1 = toward(b, a, rad);
    const p2 = toward(b, c, rad);
    d += ` L${r(p1.x)},${r(p1.y)} Q${r(b.x)},${r(b.y)} ${r(p2.x)},${r(p2.y)}`;
  }
  const last = p[p.length - 1];
  return `${d} L${r(last.x)},${r(last.y)}`;
}

export interface GraphScene {
  root: SceneElement;
  width: number;
  height: number;
}

/** Nodes in reading order (namespace, then layer, then along it): the Tab order of the panel. */
export function readingOrder(graph: GraphModel, layout: GraphLayout): GraphNode[] {
  return graph.nodes
    .filter((n) => layout.nodes[n.id])
    .sort((a, b) => {
      const pa = layout.nodes[a.id];
      const pb = layout.nodes[b.id];
      const ga = groupIndex(layout, pa);
      const gb = groupIndex(layout, pb);
      // Along the layers: columns left to right, or rows top to bottom.
      return ga - gb || (layout.direction === 'TB' ? pa.y - pb.y || pa.x - pb.x : pa.x - pb.x || pa.y - pb.y);
    });
}

function groupIndex(layout: GraphLayout, box: Box): number {
  const i = layout.groups.findIndex((g) => box.y >= g.y && box.y <= g.y + g.h);
  return i === -1 ? layout.groups.length : i;
}

/** The full drawing: frames, edges, labels, nodes, in that paint order. */
export function graphScene(graph: GraphModel, layout: GraphLayout, options: SceneOptions): GraphScene {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const perNs = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) {
    if (!layout.nodes[n.id]) continue;
    pushTo(perNs, n.namespace, n);
  }
  const groups = layout.groups.map((g) => groupScene(g, perNs.get(g.namespace) ?? []));
  const edges: SceneElement[] = [];
  const labels: SceneElement[] = [];
  for (const e of graph.edges) {
    const route = layout.edges[e.id];
    if (!route) continue;
    edges.push(edgeScene(e, route, byId));
    const label = edgeLabelScene(e, route);
    if (label) labels.push(label);
  }
  const pills: SceneElement[] = [];
  for (const b of graph.bundles ?? []) {
    const route = layout.bundles?.[b.id];
    if (!route) continue;
    edges.push(bundleLinesScene(b, route, options.interactive));
    pills.push(bundlePillScene(b, route, options.interactive));
  }
  const degree = degrees(graph.edges, graph.bundles);
  const nodes = readingOrder(graph, layout).map((n) => nodeScene(n, layout.nodes[n.id], options, degree.get(n.id)));
  const width = layout.width + MARGIN * 2;
  const height = layout.height + MARGIN * 2;
  const viewport = el('g', { class: 'viewport', transform: `translate(${MARGIN},${MARGIN})` }, [
    el('g', { class: 'layer-groups' }, groups),
    el('g', { class: 'layer-edges' }, edges),
    el('g', { class: 'layer-labels' }, labels),
    el('g', { class: 'layer-nodes' }, nodes),
    ...(pills.length ? [el('g', { class: 'layer-bundles' }, pills)] : []),
  ]);
  return { root: viewport, width, height };
}

function r(n: number): number {
  return Math.round(n * 10) / 10;
}

function dist(a: Point, b: Point): number {
  return Math.hypot(b.x - a.x, b.y - a.y);
}

function toward(from: Point, to: Point, d: number): Point {
  const len = dist(from, to) || 1;
  return { x: from.x + ((to.x - from.x) / len) * d, y: from.y + ((to.y - from.y) / len) * d };
}
