import type { Point } from './types';
import { pushTo } from '../../multimap';

/**
 * Orthogonal edge routes for a left-to-right layered layout whose node positions are known (dagre
 * places the nodes; this draws the edges the way ELK's orthogonal router would, at a fraction of
 * the cost): each edge leaves its source on the right, runs horizontally, turns once in each
 * channel between columns, and enters its target on the left. Edges at one node side are spread
 * over the side (sorted by where they come from, so they do not cross there), and vertical runs in
 * a channel get separate tracks so two edges never share a vertical line.
 */

export interface RouterNode {
  id: string;
  /** Top-left corner and size. */
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface RouterEdge {
  id: string;
  from: string;
  to: string;
  /** Where the layered layout passed the edge through intermediate columns (dummy positions). */
  via: Point[];
  /**
   * A line into (`in`) or out of (`out`) a bundle's junction: all lines of one side meet at the
   * junction's middle and share one vertical track per channel, so they read as one bundle.
   */
  bundle?: { id: string; side: 'in' | 'out' };
}

const PORT_GAP = 10;
const TRACK_GAP = 9;

export function routeOrthogonal(nodes: readonly RouterNode[], edges: readonly RouterEdge[]): Record<string, Point[]> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  // Column centres (layered: every node of a column has the same centre x).
  const columns = [...new Set(nodes.map((n) => round(n.x + n.w / 2)))].sort((a, b) => a - b);
  const halfWidth = new Map<number, number>();
  for (const n of nodes) {
    const c = round(n.x + n.w / 2);
    halfWidth.set(c, Math.max(halfWidth.get(c) ?? 0, n.w / 2));
  }
  const channelX = (i: number) => (columns[i] + (halfWidth.get(columns[i]) ?? 0) + columns[i + 1] - (halfWidth.get(columns[i + 1]) ?? 0)) / 2;
  const columnOf = (x: number) => {
    let best = 0;
    for (let i = 1; i < columns.length; i++) if (Math.abs(columns[i] - x) < Math.abs(columns[best] - x)) best = i;
    return best;
  };
  // A point the layered layout routed through: in column i's band or in the channel right of it.
  // (Nearest centre would be wrong when neighbouring columns differ in width: a channel point can
  // sit nearer the next column's centre, and the edge would take the wrong channel.)
  const channelOf = (x: number) => {
    let at = 0;
    for (let i = 1; i < columns.length; i++) if (columns[i] - (halfWidth.get(columns[i]) ?? 0) <= x + 0.5) at = i;
    return at;
  };

  interface Plan {
    edge: RouterEdge;
    ys: number[]; // y of the edge in each column it crosses, source first
    cols: number[]; // column index for each y
    forward: boolean;
  }
  const plans: Plan[] = [];
  for (const e of edges) {
    const a = byId.get(e.from);
    const b = byId.get(e.to);
    if (!a || !b) continue;
    const ca = columnOf(a.x + a.w / 2);
    const cb = columnOf(b.x + b.w / 2);
    const forward = cb > ca;
    const via = forward ? e.via.filter((p) => p.x > a.x + a.w && p.x < b.x).sort((p, q) => p.x - q.x) : [];
    plans.push({
      edge: e,
      ys: [a.y + a.h / 2, ...via.map((p) => p.y), b.y + b.h / 2],
      cols: [ca, ...via.map((p) => channelOf(p.x)), cb],
      forward,
    });
  }

  // Spread the ends over the node sides, ordered by the y of the neighbouring point.
  const outgoing = new Map<string, Plan[]>();
  const incoming = new Map<string, Plan[]>();
  for (const p of plans) {
    if (!p.forward) continue;
    // A bundle's lines all meet the junction at its middle (their other end spreads as usual).
    if (p.edge.bundle?.side !== 'out') pushTo(outgoing, p.edge.from, p);
    if (p.edge.bundle?.side !== 'in') pushTo(incoming, p.edge.to, p);
  }
  const spread = (list: Plan[], node: RouterNode, index: (p: Plan) => number, neighbour: (p: Plan) => number) => {
    list.sort((p, q) => neighbour(p) - neighbour(q) || (p.edge.id < q.edge.id ? -1 : 1));
    const k = list.length;
    const gap = Math.min(PORT_GAP, (node.h - 16) / Math.max(1, k - 1));
    list.forEach((p, i) => {
      p.ys[index(p)] = node.y + node.h / 2 + (i - (k - 1) / 2) * gap;
    });
  };
  for (const [id, list] of outgoing)
    spread(
      list,
      byId.get(id)!,
      () => 0,
      (p) => p.ys[1],
    );
  for (const [id, list] of incoming)
    spread(
      list,
      byId.get(id)!,
      (p) => p.ys.length - 1,
      (p) => p.ys[p.ys.length - 2],
    );

  // Vertical runs per channel get tracks (greedy interval colouring), centred in the channel.
  interface Run {
    plan: Plan;
    step: number;
    lo: number;
    hi: number;
    track: number;
  }
  const perChannel = new Map<number, Run[]>();
  // A bundle side's runs in one channel are one run (the union of their spans): one shared track.
  const trunks = new Map<string, Run>();
  const sharing = new Map<string, Run>();
  for (const p of plans) {
    if (!p.forward) continue;
    for (let s = 0; s + 1 < p.ys.length; s++) {
      const y1 = p.ys[s];
      const y2 = p.ys[s + 1];
      if (Math.abs(y1 - y2) < 0.5) continue;
      const run = { plan: p, step: s, lo: Math.min(y1, y2), hi: Math.max(y1, y2), track: 0 };
      const b = p.edge.bundle;
      if (!b) {
        pushTo(perChannel, p.cols[s], run);
        continue;
      }
      const key = `${p.cols[s]}\u0000${b.side}\u0000${b.id}`;
      const trunk = trunks.get(key);
      if (trunk) {
        trunk.lo = Math.min(trunk.lo, run.lo);
        trunk.hi = Math.max(trunk.hi, run.hi);
      } else {
        trunks.set(key, run);
        pushTo(perChannel, p.cols[s], run);
      }
      sharing.set(`${p.edge.id}#${s}`, trunks.get(key)!);
    }
  }
  const trackX = new Map<string, number>();
  for (const [ch, runs] of perChannel) {
    runs.sort((a, b) => a.lo - b.lo || a.hi - b.hi);
    const tracks = new FirstFit();
    for (const r of runs) r.track = tracks.place(r.lo, r.hi);
    const k = tracks.count;
    const centre = ch + 1 < columns.length ? channelX(ch) : columns[ch];
    // Runs going down sit left of runs going up in the same channel less often cross; keep it simple:
    // spread tracks evenly around the centre.
    for (const r of runs) trackX.set(`${r.plan.edge.id}#${r.step}`, centre + (r.track - (k - 1) / 2) * TRACK_GAP);
  }
  for (const [step, trunk] of sharing) trackX.set(step, trackX.get(`${trunk.plan.edge.id}#${trunk.step}`)!);

  const out: Record<string, Point[]> = {};
  for (const p of plans) {
    const a = byId.get(p.edge.from)!;
    const b = byId.get(p.edge.to)!;
    if (!p.forward) {
      out[p.edge.id] = backRoute(a, b);
      continue;
    }
    const pts: Point[] = [{ x: a.x + a.w, y: p.ys[0] }];
    for (let s = 0; s + 1 < p.ys.length; s++) {
      const y1 = p.ys[s];
      const y2 = p.ys[s + 1];
      if (Math.abs(y1 - y2) < 0.5) continue;
      const x = trackX.get(`${p.edge.id}#${s}`) ?? channelX(p.cols[s]);
      pts.push({ x, y: y1 }, { x, y: y2 });
    }
    pts.push({ x: b.x, y: p.ys[p.ys.length - 1] });
    out[p.edge.id] = simplify(pts);
  }
  return out;
}

/** An edge against the flow (a cycle): out to the right, around below both nodes, in from the left. */
function backRoute(a: RouterNode, b: RouterNode): Point[] {
  const below = Math.max(a.y + a.h, b.y + b.h) + 14;
  return [
    { x: a.x + a.w, y: a.y + a.h / 2 },
    { x: a.x + a.w + 14, y: a.y + a.h / 2 },
    { x: a.x + a.w + 14, y: below },
    { x: b.x - 14, y: below },
    { x: b.x - 14, y: b.y + b.h / 2 },
    { x: b.x, y: b.y + b.h / 2 },
  ];
}

/**
 * Greedy interval colouring, first fit: each run (sorted by start) takes the lowest-numbered track
 * whose last run ends more than 4 px before it starts. A segment tree over the tracks' ends finds
 * that track in O(log tracks), so a channel with thousands of runs (a Service called by 2,000
 * workloads) stays O(n log n) — the same tracks a linear scan picks.
 */
class FirstFit {
  private ends: number[] = [];
  /** Minimum end per tree node; leaves from `size`. */
  private min: number[] = [Infinity, Infinity];
  private size = 1;

  get count(): number {
    return this.ends.length;
  }

  place(lo: number, hi: number): number {
    let t = this.first(lo);
    if (t === -1) {
      t = this.ends.length;
      this.ends.push(hi);
    } else {
      this.ends[t] = hi;
    }
    // The tree holds end + 4, compared with `<` as the linear scan did (the same rounding).
    this.update(t, hi + 4);
    return t;
  }

  /** The lowest track with end + 4 < lo, or -1. */
  private first(lo: number): number {
    if (!(this.min[1] < lo)) return -1;
    let i = 1;
    while (i < this.size) i = this.min[2 * i] < lo ? 2 * i : 2 * i + 1;
    const t = i - this.size;
    return t < this.ends.length ? t : -1;
  }

  private update(t: number, value: number): void {
    if (t >= this.size) {
      // Double the leaves, keeping the old tree as the left half.
      const old = this.min;
      const size = this.size * 2;
      this.min = new Array<number>(2 * size).fill(Infinity);
      for (let j = 0; j < this.size; j++) this.min[size + j] = old[this.size + j];
      this.size = size;
      for (let i = size - 1; i >= 1; i--) this.min[i] = Math.min(this.min[2 * i], this.min[2 * i + 1]);
    }
    let i = this.size + t;
    this.min[i] = value;
    for (i >>= 1; i >= 1; i >>= 1) this.min[i] = Math.min(this.min[2 * i], this.min[2 * i + 1]);
  }
}

function simplify(pts: Point[]): Point[] {
  const out: Point[] = [];
  for (const p of pts) {
    const last = out[out.length - 1];
    if (last && Math.abs(last.x - p.x) < 0.01 && Math.abs(last.y - p.y) < 0.01) continue;
    if (out.length >= 2) {
      const prev = out[out.length - 2];
      const collinear =
        (Math.abs(prev.x - last.x) < 0.01 && Math.abs(last.x - p.x) < 0.01) || (Math.abs(prev.y - last.y) < 0.01 && Math.abs(last.y - p.y) < 0.01);
      if (collinear) out.pop();
    }
    out.push(p);
  }
  return out;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
