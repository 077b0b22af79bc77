/**
 * The live overlay: chips in rows under each card's text with what the cluster says — ready /
 * desired replicas with one dot per pod, HPA replicas and metric, Service endpoints, a LoadBalancer's
 * address or `pending` — plus action chips (port-forward, load images into kind). The rows are
 * reserved by the layout (the app asks {@link chipRows} how many each card needs) and the chips are
 * placed from text measured in their own font, so they never cover the card's text or its edge.
 *
 * Drawn in its own SVG layer above the cards, so a graph update never has to rebuild it and a
 * live update never touches the cards. Built with DOM calls only (no markup strings); every chip
 * has an accessible name; colours are classes resolved from VS Code's theme variables in CSS.
 */
import type { GraphModel } from '../../src/core/graph/types';
import { LIVE_ROW_HEIGHT, NODE_HEIGHT, cardHeight, type GraphLayout } from '../../src/core/graph/layout/types';
import type { LiveNodeState, LiveSnapshot } from '../../src/core/cluster/liveTypes';
import { endpointText, hpaText, isImagePullFailure, liveAriaText, podTone, replicaText } from './liveText';

const SVG_NS = 'http://www.w3.org/2000/svg';
const CHIP_H = 18;
/** Space between the chip's edge and its text or dots, and between two chips. */
const CHIP_PAD = 7;
const CHIP_GAP = 5;
/** The chips' side margins inside the card. */
const ROW_PAD = 10;
/** Measured widths are rounded up by this much: glyphs hinted at other zoom levels may run a little wider. */
const TEXT_SLACK = 3;
const DOT_R = 3.6;
const DOT_STEP = 10;
const MAX_DOTS = 12;
/** At most this many rows of chips per card; what does not fit is in the hover card and the accessible name. */
export const MAX_CHIP_ROWS = 2;

/** Width of a chip's text in px at 100 %, measured in the font the chips are drawn with. */
export type MeasureText = (text: string) => number;

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

/** A chip where it goes on the card: left edge, row, width, and its text (shortened to fit). */
export interface PlacedChip {
  chip: Chip;
  x: number;
  row: number;
  width: number;
  text: string;
  /** Where the first pod dot goes inside the chip (after the text's measured width). */
  dotsX: number;
}

export class LiveLayer {
  private readonly drawn = new Map<string, Drawn>();

  constructor(
    private readonly layer: SVGGElement,
    private readonly measure: MeasureText,
  ) {
    layer.setAttribute('class', 'layer-live');
  }

  /**
   * Draws (or removes) every node's chips in the rows the layout reserved under its text;
   * unchanged ones are only moved. A card laid out without those rows (the layout for the
   * overlay is still on its way) gets no chips rather than chips over its text.
   */
  update(graph: GraphModel | undefined, layout: GraphLayout | undefined, snapshot: LiveSnapshot | undefined, o: LiveOptions): void {
    const wanted = new Set<string>();
    if (graph && layout && snapshot) {
      for (const n of graph.nodes) {
        const box = layout.nodes[n.id];
        const state = snapshot.nodes[n.id];
        if (!box || !state || n.ghost) continue;
        const chips = chipsFor(n.kind, n.name, state, o);
        if (!chips.length) continue;
        const placed = placeChips(chips, box.w, this.measure).filter((c) => cardHeight(c.row + 1) <= box.h);
        if (!placed.length) continue;
        wanted.add(n.id);
        const sig = `${box.w}x${box.h}|${o.kind}|${o.actions}|${JSON.stringify(placed)}`;
        const transform = `translate(${round(box.x)},${round(box.y)})`;
        const existing = this.drawn.get(n.id);
        if (existing && existing.sig === sig) {
          existing.el.setAttribute('transform', transform);
          continue;
        }
        const el = drawChips(n.id, placed);
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
  // Long texts are shortened to the card's measured width when they are placed (placeChips).
  if (s.hpa) chips.push({ cls: 'live-hpa', label: `autoscaler ${hpaText(s)}`, text: hpaText(s) ?? '' });
  if (s.loadBalancer) {
    const lb = s.loadBalancer;
    chips.push(
      lb.pending
        ? { cls: 'live-lb tone-pending', label: `load balancer pending${lb.hint ? `: ${lb.hint}` : ''}`, text: 'LB pending' }
        : { cls: 'live-lb tone-ready', label: `load balancer address ${lb.address ?? ''}`, text: `LB ${lb.address ?? ''}` },
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

/**
 * Lays chips out in rows under the card's text, left to right in the order given (state first,
 * then actions), from measured text: a chip that does not fit the rest of a row starts the next
 * one; a chip wider than a whole row is shortened with an ellipsis; after {@link MAX_CHIP_ROWS}
 * rows the rest is left out (the hover card and the accessible name still have it).
 */
export function placeChips(chips: readonly Chip[], cardWidth: number, measure: MeasureText): PlacedChip[] {
  const right = cardWidth - ROW_PAD;
  const rowWidth = right - ROW_PAD;
  const out: PlacedChip[] = [];
  let x = ROW_PAD;
  let row = 0;
  for (const chip of chips) {
    const dots = dotsWidth(chip, measure);
    let text = chip.text;
    let width = chipWidth(measure(text), dots);
    if (width > rowWidth) {
      text = fitMeasured(text, rowWidth - dots - 2 * CHIP_PAD - TEXT_SLACK, measure);
      width = chipWidth(measure(text), dots);
    }
    if (x > ROW_PAD && x + width > right) {
      row++;
      x = ROW_PAD;
    }
    if (row >= MAX_CHIP_ROWS) break;
    out.push({ chip, x, row, width, text, dotsX: CHIP_PAD + measure(text) + TEXT_SLACK + 6 });
    x += width + CHIP_GAP;
  }
  return out;
}

/** How many rows of chips a node's live state needs on a card of this width (0: none). */
export function chipRows(kind: string, name: string, s: LiveNodeState | undefined, o: LiveOptions, cardWidth: number, measure: MeasureText): number {
  if (!s) return 0;
  const placed = placeChips(chipsFor(kind, name, s, o), cardWidth, measure);
  return placed.length ? placed[placed.length - 1].row + 1 : 0;
}

function chipWidth(textWidth: number, dots: number): number {
  return Math.ceil(CHIP_PAD + textWidth + TEXT_SLACK + dots + CHIP_PAD);
}

function dotsWidth(c: Chip, measure: MeasureText): number {
  const n = c.dots?.length ?? 0;
  if (!n) return 0;
  return 6 + n * DOT_STEP + (c.extraDots ? measure(`+${c.extraDots}`) + 3 : 0);
}

/** The longest start of `text` that, with an ellipsis, measures at most `max`. */
function fitMeasured(text: string, max: number, measure: MeasureText): string {
  if (measure(text) <= max) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(`${text.slice(0, mid)}…`) <= max) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, Math.max(1, lo))}…`;
}

function drawChips(nodeId: string, placed: readonly PlacedChip[]): SVGGElement {
  const g = svg('g', { class: 'live-overlay', 'data-node': nodeId });
  for (const p of placed) {
    const c = p.chip;
    const y = NODE_HEIGHT + p.row * LIVE_ROW_HEIGHT + (LIVE_ROW_HEIGHT - CHIP_H) / 2;
    const attrs: Record<string, string> = {
      class: `live-chip ${c.cls}`,
      transform: `translate(${round(p.x)},${round(y)})`,
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
      svg('rect', { class: 'chip-bg', x: '0', y: '0', width: String(p.width), height: String(CHIP_H), rx: String(CHIP_H / 2) }),
    );
    const text = svg('text', { class: 'chip-text', x: String(CHIP_PAD), y: '12.5', 'aria-hidden': 'true' }, p.text);
    chip.append(text);
    // Dots go after the text's measured width (with the slack), so they never cover it.
    let dx = p.dotsX;
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
