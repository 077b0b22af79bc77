import type { EdgeType, GraphEdge, GraphModel, GraphNode, NodeFacts } from '../../src/core/graph/types';
import { EDGE_LABELS } from '../../src/core/graph/types';
import { cardKind } from '../../src/core/graph/render/scene';
import type { LiveNodeState } from '../../src/core/cluster/liveTypes';
import { endpointText, hpaText, podLine, podTone } from './liveText';

/** What the cluster says about the hovered node (absent: no live overlay). */
export interface HoverLive {
  state: LiveNodeState | undefined;
  context: string;
  kind: boolean;
  /** The watch is broken: the state shown is the last one seen. */
  error?: string;
}

const MAX_PODS = 8;

/** Fact rows in the order a person reads them, with the words the course uses. */
const FACT_ROWS: [keyof NodeFacts, string][] = [
  ['serviceType', 'Type'],
  ['images', 'Image'],
  ['replicas', 'Replicas'],
  ['ports', 'Ports'],
  ['selector', 'Selector'],
  ['routes', 'Routes'],
  ['ingressClass', 'Ingress class'],
  ['scaleTarget', 'Scales'],
  ['minReplicas', 'Min replicas'],
  ['maxReplicas', 'Max replicas'],
  ['metrics', 'Target'],
  ['schedule', 'Schedule'],
  ['resources', 'Resources'],
  ['secretType', 'Secret type'],
  ['keys', 'Keys'],
];

const MAX_CONNECTIONS = 8;
const MAX_PROBLEMS = 3;

const INCOMING: Record<EdgeType, string> = {
  routes: 'routed from',
  selects: 'selected by',
  calls: 'called by',
  scales: 'scaled by',
  mounts: 'used by',
};

/**
 * The card shown on hover or keyboard focus: what the resource is, its key facts, its problems and
 * its connections with their reasons. Built with DOM text nodes only (never HTML strings), placed
 * with CSSOM properties (allowed under the CSP, unlike style attributes).
 */
export class HoverCard {
  private readonly el: HTMLDivElement;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(parent: HTMLElement) {
    this.el = document.createElement('div');
    this.el.className = 'hovercard';
    this.el.setAttribute('role', 'tooltip');
    this.el.id = 'kt-hovercard';
    this.el.hidden = true;
    parent.append(this.el);
  }

  showNode(graph: GraphModel, node: GraphNode, anchor: DOMRect, delay: number, live?: HoverLive): void {
    this.schedule(() => this.fill(nodeContent(graph, node, live)), anchor, delay);
  }

  showEdge(graph: GraphModel, edge: GraphEdge, anchor: DOMRect, delay: number): void {
    this.schedule(() => this.fill(edgeContent(graph, edge)), anchor, delay);
  }

  hide(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.el.hidden = true;
  }

  private schedule(build: () => void, anchor: DOMRect, delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      build();
      this.el.hidden = false;
      this.place(anchor);
    }, delay);
  }

  private fill(children: Node[]): void {
    this.el.replaceChildren(...children);
  }

  private place(anchor: DOMRect): void {
    const pad = 8;
    const w = this.el.offsetWidth;
    const h = this.el.offsetHeight;
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    let x = anchor.right + pad;
    if (x + w > vw - pad) x = anchor.left - w - pad;
    if (x < pad) x = Math.min(Math.max(pad, anchor.left), vw - w - pad);
    let y = anchor.top;
    if (x === anchor.left || (x < anchor.right && x + w > anchor.left)) y = anchor.bottom + pad;
    if (y + h > vh - pad) y = Math.max(pad, vh - h - pad);
    this.el.style.left = `${Math.round(x)}px`;
    this.el.style.top = `${Math.round(y)}px`;
  }
}

function div(cls: string, ...children: (Node | string)[]): HTMLDivElement {
  const d = document.createElement('div');
  d.className = cls;
  d.append(...children);
  return d;
}

function span(cls: string, text: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = cls;
  s.textContent = text;
  return s;
}

/** The "On the cluster" section: replicas, each pod with its reason and fix, HPA, endpoints, LoadBalancer. */
function liveContent(n: GraphNode, live: HoverLive): HTMLElement | undefined {
  const s = live.state;
  if (!s || n.ghost) return undefined;
  const box = div('hc-live');
  box.append(div('hc-live-head', `On the cluster (${live.context})${live.error ? ' · not updating' : ''}`));
  if (!s.exists) {
    box.append(div('hc-live-row live-absent', 'Not applied: the cluster has no such resource yet.'));
    return box;
  }
  if (s.desiredReplicas !== undefined) box.append(div('hc-live-row', `${s.readyReplicas ?? 0} of ${s.desiredReplicas} replicas ready`));
  const pods = s.pods ?? [];
  for (const p of pods.slice(0, MAX_PODS)) {
    const row = div(`hc-live-row hc-pod pod-${podTone(p)}`, span(`hc-dot pod-${podTone(p)}`, '●'), document.createTextNode(' '), podLine(p, live.kind));
    box.append(row);
  }
  if (pods.length > MAX_PODS) box.append(div('hc-more', `and ${pods.length - MAX_PODS} more pods`));
  if (s.hpa) {
    box.append(div('hc-live-row', hpaText(s) ?? ''));
    for (const m of s.hpa.metrics.slice(1)) box.append(div('hc-live-row', m));
  }
  if (s.endpoints !== undefined) box.append(div('hc-live-row', `${endpointText(s.endpoints)} ready`));
  if (s.loadBalancer) {
    const lb = s.loadBalancer;
    box.append(
      div(
        `hc-live-row${lb.pending ? ' live-pending' : ''}`,
        lb.pending ? `LoadBalancer pending${lb.hint ? ` — ${lb.hint}` : ''}` : `LoadBalancer ${lb.address ?? ''}`,
      ),
    );
  }
  if (s.condition) box.append(div('hc-live-row hc-condition', s.condition));
  if (live.error) box.append(div('hc-live-row hc-condition', live.error));
  return box;
}

function nodeContent(graph: GraphModel, n: GraphNode, live?: HoverLive): Node[] {
  const out: Node[] = [];
  out.push(div(`hc-kind cat-${n.category}${n.ghost ? ' ghost' : ''}`, cardKind(n)));
  out.push(div('hc-title', n.name));
  if (n.namespace) out.push(div('hc-sub', `namespace ${n.namespace}`));
  const rows = document.createElement('dl');
  rows.className = 'hc-facts';
  for (const [key, label] of FACT_ROWS) {
    const v = n.facts[key];
    if (v === undefined) continue;
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = Array.isArray(v) ? v.join('\n') : String(v);
    rows.append(dt, dd);
  }
  if (rows.childElementCount) out.push(rows);
  if (n.problems.length) {
    const list = div('hc-problems');
    const rank: Record<string, number> = { error: 0, warning: 1, info: 2 };
    const sorted = [...n.problems].sort((a, b) => rank[a.severity] - rank[b.severity]);
    for (const p of sorted.slice(0, MAX_PROBLEMS)) {
      list.append(div(`hc-problem sev-${p.severity}`, div('hc-problem-head', span('hc-sev', p.severity), span('hc-code', p.code)), div('hc-msg', p.message)));
    }
    if (sorted.length > MAX_PROBLEMS) list.append(div('hc-more', `and ${sorted.length - MAX_PROBLEMS} more in the Problems panel`));
    out.push(list);
  }
  const liveBox = live ? liveContent(n, live) : undefined;
  if (liveBox) out.push(liveBox);
  const byId = new Map(graph.nodes.map((x) => [x.id, x]));
  const conns = graph.edges.filter((e) => e.from === n.id || e.to === n.id);
  if (conns.length) {
    const list = div('hc-connections');
    for (const e of conns.slice(0, MAX_CONNECTIONS)) {
      const outgoing = e.from === n.id;
      const other = byId.get(outgoing ? e.to : e.from);
      const who = other ? `${other.ghost ? 'missing ' : ''}${other.kind} ${other.name}` : outgoing ? e.to : e.from;
      const verb = outgoing ? EDGE_LABELS[e.type] : INCOMING[e.type];
      list.append(div(`hc-edge e-${e.type}${e.broken ? ' broken' : ''}`, span('hc-verb', `${verb} ${who}`), span('hc-reason', e.reason)));
    }
    if (conns.length > MAX_CONNECTIONS) list.append(div('hc-more', `and ${conns.length - MAX_CONNECTIONS} more connections`));
    out.push(list);
  }
  out.push(div('hc-hint', n.ghost ? 'Enter or click: go to the broken reference' : 'Enter or click: open in the editor'));
  return out;
}

function edgeContent(graph: GraphModel, e: GraphEdge): Node[] {
  const from = graph.nodes.find((n) => n.id === e.from);
  const to = graph.nodes.find((n) => n.id === e.to);
  const name = (n: GraphNode | undefined, id: string) => (n ? `${n.ghost ? 'missing ' : ''}${n.kind} ${n.name}` : id);
  const out: Node[] = [
    div(`hc-kind e-${e.type}${e.broken ? ' broken' : ''}`, e.broken ? `BROKEN · ${e.type.toUpperCase()}` : e.type.toUpperCase()),
    div('hc-title', `${name(from, e.from)} ${EDGE_LABELS[e.type]} ${name(to, e.to)}`),
    div('hc-reason-block', e.reason),
  ];
  if (e.code) out.push(div(`hc-problem sev-${e.severity ?? 'error'}`, span('hc-code', e.code)));
  return out;
}
