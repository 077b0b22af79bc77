/**
 * The live overlay: chips along the bottom edge of each card with what the cluster says — ready /
 * desired replicas with one dot per pod, HPA replicas and metric, Service endpoints, a LoadBalancer's
 * address or `pending` — plus action chips (port-forward, load images into kind).
 *
 * Drawn in its own SVG layer above the cards, so a graph update never has to rebuild it and a
 * live update never touches the cards. Built with DOM calls only (no markup strings); every chip
 * has an accessible name; colours are classes resolved from VS Code's theme variables in CSS.
 */
import type { GraphModel } from '../../src/core/graph/types';
import type { GraphLayout } from '../../src/core/graph/layout/types';
import type { LiveNodeState, LiveSnapshot } from '../../src/core/cluster/liveTypes';
import { endpointText, hpaText, isImagePullFailure, liveAriaText, podTone, replicaText, shorten } from './liveText';

const SVG_NS = 'http://www.w3.org/2000/svg';
const CHIP_H = 18;
const CHAR_W = 6.1;
const DOT_R = 3.6;
const DOT_STEP = 10;
const MAX_DOTS = 12;

export type LiveAction = 'portForward' | 'loadImages' | 'sendLoad';

export interface LiveOptions {
  /** The context is a kind cluster (kind hints, "Load images"). */
  kind: boolean;
  /** Action chips are offered (a VS Code host with a trusted workspace; never in the standalone page). */
  actions: boolean;
}

interface Drawn {
  el: SVGGElement;
  sig: string;
}

interface Chip {
  cls: string;
  label: string;
  text: string;
  dots?: { tone: string; name: string }[];
  extraDots?: number;
  action?: LiveAction;
}

export class LiveLayer {
  private readonly drawn = new Map<string, Drawn>();

  constructor(private readonly layer: SVGGElement) {
    layer.setAttribute('class', 'layer-live');
  }

  /** Draws (or removes) every node's chips; unchanged ones are only moved. */
  update(graph: GraphModel | undefined, layout: GraphLayout | undefined, snapshot: LiveSnapshot | undefined, o: LiveOptions): void {
    const wanted = new Set<string>();
    if (graph && layout && snapshot) {
      for (const n of graph.nodes) {
        const box = layout.nodes[n.id];
        const state = snapshot.nodes[n.id];
        if (!box || !state || n.ghost) continue;
        const chips = chipsFor(n.kind, n.name, state, o);
        if (!chips.length) continue;
        wanted.add(n.id);
        const sig = `${box.w}x${box.h}|${o.kind}|${o.actions}|${JSON.stringify(chips)}`;
        const transform = `translate(${round(box.x)},${round(box.y)})`;
        const existing = this.drawn.get(n.id);
        if (existing && existing.sig === sig) {
          existing.el.setAttribute('transform', transform);
          continue;
        }
        const el = drawChips(n.id, chips, box.w, box.h);
        el.setAttribute('transform', transform);
        if (existing) existing.el.replaceWith(el);
        else this.layer.append(el);
        this.drawn.set(n.id, { el, sig });
      }
    }
    for (const [id, d] of this.drawn) {
      if (wanted.has(id)) continue;
      d.el.remove();
      this.drawn.delete(id);
    }
  }

  clear(): void {
    this.layer.replaceChildren();
    this.drawn.clear();
  }
}

/** The chips of one node, right to left in reading importance. */
export function chipsFor(kind: string, name: string, s: LiveNodeState, o: LiveOptions): Chip[] {
  if (!s.exists) return [{ cls: 'live-absent', label: `${kind} ${name} is not applied to the cluster`, text: 'not applied' }];
  const chips: Chip[] = [];
  const replicas = replicaText(s);
  if (replicas !== undefined || s.pods?.length) {
    const pods = s.pods ?? [];
    const ready = s.desiredReplicas !== undefined && (s.readyReplicas ?? 0) >= s.desiredReplicas && pods.every((p) => p.ready || podTone(p) === 'done');
    const failing = pods.some((p) => podTone(p) === 'failed');
    chips.push({
      cls: `live-replicas ${failing ? 'tone-failed' : ready ? 'tone-ready' : 'tone-pending'}`,
      label: liveAriaText({ exists: true, readyReplicas: s.readyReplicas, desiredReplicas: s.desiredReplicas, pods: s.pods }, o.kind),
      text: replicas ?? `${pods.filter((p) => p.ready).length}/${pods.length}`,
      dots: pods.slice(0, MAX_DOTS).map((p) => ({ tone: podTone(p), name: p.name })),
      extraDots: pods.length > MAX_DOTS ? pods.length - MAX_DOTS : undefined,
    });
    if (o.actions && o.kind && pods.some(isImagePullFailure)) {
      chips.push({ cls: 'live-action', label: `Load the images of ${kind} ${name} into kind`, text: 'Load images', action: 'loadImages' });
    }
  }
  if (s.hpa) chips.push({ cls: 'live-hpa', label: `autoscaler ${hpaText(s)}`, text: shorten(hpaText(s) ?? '', 34) });
  if (s.loadBalancer) {
    const lb = s.loadBalancer;
    chips.push(
      lb.pending
        ? { cls: 'live-lb tone-pending', label: `load balancer pending${lb.hint ? `: ${lb.hint}` : ''}`, text: 'LB pending' }
        : { cls: 'live-lb tone-ready', label: `load balancer address ${lb.address ?? ''}`, text: shorten(`LB ${lb.address ?? ''}`, 26) },
    );
  }
  if (s.endpoints !== undefined) {
    chips.push({
      cls: `live-endpoints ${s.endpoints > 0 ? 'tone-ready' : 'tone-failed'}`,
      label: `Service ${name}: ${endpointText(s.endpoints)} ready`,
      text: endpointText(s.endpoints),
    });
    if (o.actions) {
      const instead = s.loadBalancer?.pending === true;
      chips.push({
        cls: 'live-action',
        label: `Port-forward to Service ${name}${instead ? ' instead of waiting for the load balancer' : ''}`,
        text: instead ? 'Port-forward instead' : 'Port-forward',
        action: 'portForward',
      });
      if (s.endpoints > 0)
        chips.push({ cls: 'live-action', label: `Send load to Service ${name} and watch its autoscalers`, text: 'Send load', action: 'sendLoad' });
    }
  }
  return chips;
}

function drawChips(nodeId: string, chips: Chip[], w: number, h: number): SVGGElement {
  const g = svg('g', { class: 'live-overlay', 'data-node': nodeId });
  // State along the bottom edge, actions along the top edge (clear of the problem badge), so an
  // action never pushes the state off a narrow card.
  const rows = { state: { right: w - 10, y: h - CHIP_H / 2 }, action: { right: w - 30, y: -CHIP_H / 2 } };
  for (const c of chips) {
    const row = c.action ? rows.action : rows.state;
    const dots = c.dots?.length ?? 0;
    const textW = c.text.length * CHAR_W;
    const dotsW = dots ? dots * DOT_STEP + (c.extraDots ? `+${c.extraDots}`.length * CHAR_W + 2 : 0) + 2 : 0;
    const width = Math.round(textW + dotsW + 14);
    const x = row.right - width;
    if (x < 6 && row.right < w - 30) continue; // no room left on this card: the hover card has the rest
    row.right = x - 5;
    const attrs: Record<string, string> = {
      class: `live-chip ${c.cls}`,
      transform: `translate(${round(Math.max(x, 6))},${round(row.y)})`,
      'aria-label': c.label,
    };
    if (c.action) {
      Object.assign(attrs, { role: 'button', tabindex: '0', 'data-action': c.action, 'data-node': nodeId });
    } else {
      attrs.role = 'img';
    }
    const chip = svg('g', attrs);
    chip.append(
      svg('title', {}, c.label),
      svg('rect', { class: 'chip-bg', x: '0', y: '0', width: String(width), height: String(CHIP_H), rx: String(CHIP_H / 2) }),
    );
    chip.append(svg('text', { class: 'chip-text', x: '7', y: '12.5', 'aria-hidden': 'true' }, c.text));
    let dx = 7 + textW + 6;
    for (const d of c.dots ?? []) {
      chip.append(
        svg('circle', {
          class: `pod-dot pod-${d.tone}`,
          cx: String(round(dx + DOT_R)),
          cy: String(CHIP_H / 2),
          r: String(DOT_R),
          'data-pod': d.name,
          'aria-hidden': 'true',
        }),
      );
      dx += DOT_STEP;
    }
    if (c.extraDots) chip.append(svg('text', { class: 'chip-text chip-more', x: String(round(dx + 1)), y: '12.5', 'aria-hidden': 'true' }, `+${c.extraDots}`));
    g.append(chip);
  }
  return g;
}

function svg(tag: string, attrs: Record<string, string>, text?: string): SVGGElement {
  const el = document.createElementNS(SVG_NS, tag) as SVGGElement;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
