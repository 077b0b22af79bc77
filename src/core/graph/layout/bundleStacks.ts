import { NODE_GAP, type ComponentInput, type ComponentOutput, type LayoutEngine, type Point } from './types';

/**
 * Linear layout of bundles' fans. The members of a bundle's side that connect to nothing but the
 * junction (in a fan of 200 Services × 200 Deployments, all of them) are interchangeable for a
 * layered layout: the engine gets one tall "stack" node in their place, and the members are then
 * stacked inside it in their given order, each with its own line that joins the stack's line on a
 * shared track. The engine sees a handful of nodes instead of hundreds in one layer — dagre's
 * ranking and ordering grow faster than linearly in those (seconds at a few hundred) — and the
 * picture is the one it would draw: a column of cards, one line each, meeting at the junction.
 */

interface Stack {
  id: string;
  side: 'in' | 'out';
  /** Member node ids, top to bottom (the input's order, which follows the remembered positions). */
  members: string[];
  /** The members' own bundle-line ids, parallel to `members`. */
  lines: string[];
  /** The one line the engine routes for the whole stack. */
  line: string;
  /** How many members qualify (a stack of one is no stack). */
  count: number;
  width: number;
  height: number;
}

/** Lays out `input` with `engine`, handing it each bundle side's single-connection members as one node. */
export async function layoutWithStacks(engine: LayoutEngine, input: ComponentInput): Promise<ComponentOutput> {
  const degree = new Map<string, number>();
  for (const e of input.edges) {
    degree.set(e.from, (degree.get(e.from) ?? 0) + 1);
    degree.set(e.to, (degree.get(e.to) ?? 0) + 1);
  }
  const first = new Set(input.nodes.filter((n) => n.first).map((n) => n.id));
  const bySide = new Map<string, Stack>();
  const stackOf = new Map<string, Stack>();
  for (const e of input.edges) {
    if (!e.bundle) continue;
    const member = e.bundle.side === 'in' ? e.from : e.to;
    if (degree.get(member) !== 1 || first.has(member)) continue;
    const key = `${e.bundle.id}\u0000${e.bundle.side}`;
    let s = bySide.get(key);
    if (!s) {
      s = { id: `stack\u0000${key}`, side: e.bundle.side, members: [], lines: [], line: `stack-line\u0000${key}`, count: 0, width: 0, height: -NODE_GAP };
      bySide.set(key, s);
    }
    s.count++;
    stackOf.set(member, s);
  }
  const stacked = new Set([...bySide.values()].filter((s) => s.count >= 2));
  if (!stacked.size) return engine.layoutComponent(input);

  // The engine's input: every stacked member replaced by its stack (sized for all of them).
  const size = new Map(input.nodes.map((n) => [n.id, n]));
  const nodes: ComponentInput['nodes'] = [];
  const placeholders = new Map<Stack, ComponentInput['nodes'][number]>();
  for (const n of input.nodes) {
    const s = stackOf.get(n.id);
    if (!s || !stacked.has(s)) {
      nodes.push(n);
      continue;
    }
    s.members.push(n.id);
    s.width = Math.max(s.width, n.width);
    s.height += NODE_GAP + n.height;
    if (!placeholders.has(s)) {
      const placeholder = { id: s.id, width: 0, height: 0 };
      placeholders.set(s, placeholder);
      nodes.push(placeholder);
    }
  }
  for (const [s, placeholder] of placeholders) {
    placeholder.width = s.width;
    placeholder.height = s.height;
  }
  const edges: ComponentInput['edges'] = [];
  for (const e of input.edges) {
    const member = e.bundle ? (e.bundle.side === 'in' ? e.from : e.to) : undefined;
    const s = member !== undefined ? stackOf.get(member) : undefined;
    if (!s || !stacked.has(s)) {
      edges.push(e);
      continue;
    }
    s.lines.push(e.id);
    if (s.lines.length > 1) continue;
    edges.push(s.side === 'in' ? { ...e, id: s.line, from: s.id } : { ...e, id: s.line, to: s.id });
  }
  const out = await engine.layoutComponent({ nodes, edges });

  // Unstack: cards one under another inside the stack's box, each line joining the stack's line.
  const lineOf = new Map<string, string>();
  for (const s of stacked) s.lines.forEach((line, i) => lineOf.set(s.members[i] ?? '', line));
  for (const s of stacked) {
    const at = out.nodes[s.id];
    const route = out.edges[s.line] ?? [];
    delete out.nodes[s.id];
    delete out.edges[s.line];
    let y = at.y;
    for (const id of s.members) {
      const n = size.get(id)!;
      // Sources align right (their lines leave from one x), targets left (their lines end at one x).
      const x = s.side === 'in' ? at.x + s.width - n.width : at.x;
      out.nodes[id] = { x, y };
      const mid = y + n.height / 2;
      out.edges[lineOf.get(id)!] = s.side === 'in' ? memberIn(route, { x: x + n.width, y: mid }) : memberOut(route, { x, y: mid });
      y += n.height + NODE_GAP;
    }
  }
  return out;
}

/** A source's line: across to the stack line's first vertical track, then along the stack's line. */
function memberIn(route: Point[], start: Point): Point[] {
  if (route.length < 2) return [start];
  const end = route[route.length - 1];
  const trackX = route.length >= 3 ? route[1].x : (route[0].x + end.x) / 2;
  const rest = route.length >= 3 ? route.slice(1) : [{ x: trackX, y: end.y }, end];
  return tidy([start, { x: trackX, y: start.y }, ...rest]);
}

/** A target's line: along the stack's line to its last vertical track, then across to the card. */
function memberOut(route: Point[], end: Point): Point[] {
  if (route.length < 2) return [end];
  const start = route[0];
  const trackX = route.length >= 3 ? route[route.length - 2].x : (start.x + route[route.length - 1].x) / 2;
  const head = route.length >= 3 ? route.slice(0, -1) : [start, { x: trackX, y: start.y }];
  return tidy([...head, { x: trackX, y: end.y }, end]);
}

/** Drops repeated points and middle points of straight runs. */
function tidy(pts: Point[]): Point[] {
  const out: Point[] = [];
  for (const p of pts) {
    const last = out[out.length - 1];
    if (last && Math.abs(last.x - p.x) < 0.01 && Math.abs(last.y - p.y) < 0.01) continue;
    const before = out[out.length - 2];
    if (before && last && ((before.x === last.x && last.x === p.x) || (before.y === last.y && last.y === p.y))) out.pop();
    out.push(p);
  }
  return out;
}
