import { fitText, textWidth } from './text';
import { BUNDLE_MAX_WIDTH } from './layout/types';
import { EDGE_LABELS, type BundleMember, type EdgeType, type GraphBundle, type GraphEdge, type GraphNode } from './types';

/**
 * Dense fans stored and drawn once. When many sources all connect to the same many targets — 40
 * Services whose selectors all match the pods of the same 40 Deployments — the graph holds one
 * {@link GraphBundle} instead of 1,600 edges, and the views draw the sources' lines meeting at a
 * labelled junction ("40 Services → 40 Deployments") that fans out to the targets: 80 lines, all
 * of them meaning something, instead of a solid block of 1,600. Headlamp and Monokle collapse big
 * maps in the same spirit (by grouping nodes); a bundle keeps every card and collapses only the
 * connections, which in a complete fan say nothing one by one.
 */

/**
 * A group of sources with the same targets becomes a bundle when that at least halves the lines
 * drawn: S·T ≥ 2·(S + T), i.e. (S − 2)(T − 2) ≥ 4 — 4 × 4, 3 × 6, 40 × 40. A 3 × 3 fan (kubeflow has
 * one) stays nine plain edges, so ordinary graphs are drawn exactly as before.
 */
export function worthBundling(sources: number, targets: number): boolean {
  return sources >= 2 && targets >= 2 && sources * targets >= 2 * (sources + targets);
}

export function bundleId(type: EdgeType, from: string, to: string): string {
  return `bundle:${type}:${from}=>${to}`;
}

/** "14,400": the same digits on every machine (no locale). */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function plural(kind: string, n: number): string {
  if (n === 1) return kind;
  return /(s|sh|ch|x)$/.test(kind) ? `${kind}es` : `${kind}s`;
}

/** "40 Services", or "40 resources" when the kinds are mixed. */
function countText(nodes: readonly GraphNode[], mixed: string): string {
  const kind = nodes[0]?.kind;
  const same = nodes.every((n) => n.kind === kind);
  return `${nodes.length} ${same && kind ? plural(kind, nodes.length) : mixed}`;
}

const RANK: Record<string, number> = { ok: 0, info: 1, warning: 2, error: 3 };

/**
 * A bundle over `from` × `to` (node lists in any order; stored sorted by id), with one member per
 * source. The label and the explanation are worked out here, so every view says the same words.
 */
export function makeBundle(type: EdgeType, from: readonly GraphNode[], to: readonly GraphNode[], members: ReadonlyMap<string, BundleMember>): GraphBundle {
  const byId = (a: GraphNode, b: GraphNode) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const sources = [...from].sort(byId);
  const targets = [...to].sort(byId);
  const sourceText = countText(sources, 'resources');
  const targetText = countText(targets, type === 'selects' ? 'workloads' : 'resources');
  const verb = type === 'selects' ? 'selects the pods of' : EDGE_LABELS[type];
  const pairs = sources.length * targets.length;
  const list = sources.map((n) => members.get(n.id) ?? { reason: '', label: '' });
  let worst: BundleMember | undefined;
  let broken = 0;
  for (const m of list) {
    if (m.broken) broken++;
    if (m.code && (!worst || (RANK[m.severity ?? 'ok'] ?? 0) > (RANK[worst.severity ?? 'ok'] ?? 0))) worst = m;
  }
  const reason =
    `Each of these ${sourceText} ${verb} each of these ${targetText}: ${thousands(pairs)} connections, drawn as one bundle.` +
    (broken ? ` ${broken} of the ${sourceText.replace(/^\d+ /, '')} ${broken === 1 ? 'has' : 'have'} a broken reference.` : '');
  const bundle: GraphBundle = {
    id: bundleId(type, sources[0].id, targets[0].id),
    type,
    from: sources.map((n) => n.id),
    to: targets.map((n) => n.id),
    label: `${sourceText} → ${targetText}`,
    reason,
    members: list,
  };
  if (broken) bundle.broken = true;
  if (worst?.code) {
    bundle.code = worst.code;
    bundle.severity = worst.severity;
  }
  return bundle;
}

/** How many single connections a bundle stands for. */
export function bundlePairs(b: GraphBundle): number {
  return b.from.length * b.to.length;
}

/** The single edges a bundle stands for (a filter that leaves too few members to bundle draws these). */
export function bundleEdges(b: GraphBundle): GraphEdge[] {
  const out: GraphEdge[] = [];
  b.from.forEach((from, i) => {
    const m = b.members[i];
    for (const to of b.to) {
      // The key order of buildGraph's own edges, so a bundle taken apart prints like one never made.
      out.push({
        id: `${b.type}:${from}->${to}`,
        from,
        type: b.type,
        reason: m.reason,
        label: m.label,
        ...(m.file !== undefined ? { file: m.file } : {}),
        ...(m.line !== undefined ? { line: m.line } : {}),
        ...(m.broken ? { broken: true } : {}),
        ...(m.code !== undefined ? { code: m.code, severity: m.severity } : {}),
        to,
      });
    }
  });
  return out;
}

/**
 * A bundle limited to the nodes `keep` accepts (a view's filters): a smaller bundle while it is
 * still worth one, else the single edges that are left.
 */
export function restrictBundle(
  b: GraphBundle,
  keep: (id: string) => boolean,
  nodeById: (id: string) => GraphNode | undefined,
): { bundle?: GraphBundle; edges: GraphEdge[] } {
  const fromIdx: number[] = [];
  b.from.forEach((id, i) => {
    if (keep(id)) fromIdx.push(i);
  });
  const to = b.to.filter(keep);
  if (fromIdx.length === b.from.length && to.length === b.to.length) return { bundle: b, edges: [] };
  if (!fromIdx.length || !to.length) return { edges: [] };
  const members = new Map<string, BundleMember>();
  for (const i of fromIdx) members.set(b.from[i], b.members[i]);
  const from = fromIdx.map((i) => b.from[i]);
  const fromNodes = from.map(nodeById).filter((n): n is GraphNode => n !== undefined);
  const toNodes = to.map(nodeById).filter((n): n is GraphNode => n !== undefined);
  const smaller = makeBundle(b.type, fromNodes, toNodes, members);
  if (worthBundling(fromNodes.length, toNodes.length)) return { bundle: smaller, edges: [] };
  return { edges: bundleEdges(smaller) };
}

// ---------------------------------------------------------------------------------------------
// Finding the fans: sources with exactly the same set of targets

/**
 * Groups sources whose target sets are equal. `targets[i]` holds source i's distinct target
 * numbers (any order). Sets are compared by a hash of their sorted numbers and then exactly, so the
 * work is O(Σ |targets| · log) and the memory O(sources + one representative set per group) — no
 * string per set, which for 2,000 Services × 2,000 workloads would be 100 MB of keys.
 * Groups come out in the order of their first source; sources with fewer than two targets are not grouped.
 */
export function sameTargetGroups(targets: readonly (readonly number[])[]): number[][] {
  const groups: { set: Int32Array; members: number[] }[] = [];
  const byHash = new Map<string, number[]>();
  targets.forEach((list, i) => {
    if (list.length < 2) return;
    const set = Int32Array.from(list).sort();
    let h1 = 0x811c9dc5;
    let h2 = set.length;
    for (const v of set) {
      h1 = Math.imul(h1 ^ v, 0x01000193);
      h2 = (Math.imul(h2, 31) + v) | 0;
    }
    const key = `${set.length}:${h1 >>> 0}:${h2 >>> 0}`;
    const candidates = byHash.get(key);
    const same = candidates?.find((g) => equalSets(groups[g].set, set));
    if (same !== undefined) {
      groups[same].members.push(i);
      return;
    }
    groups.push({ set, members: [i] });
    if (candidates) candidates.push(groups.length - 1);
    else byHash.set(key, [groups.length - 1]);
  });
  return groups.map((g) => g.members);
}

function equalSets(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// The junction's words and size (the layout reserves the room, the renderers draw the same text)

const TITLE_FONT = 11;
const CAPTION_FONT = 10;
const PAD = 28;

/** The junction's two lines: "40 Services → 40 Deployments" and "1,600 connections". */
export function bundleCaption(b: GraphBundle): { title: string; caption: string; width: number } {
  const caption = `${thousands(bundlePairs(b))} connections${b.broken ? ', some broken' : ''}`;
  const width = Math.min(BUNDLE_MAX_WIDTH, Math.max(120, Math.ceil(Math.max(textWidth(b.label, TITLE_FONT, true), textWidth(caption, CAPTION_FONT)) + PAD)));
  return { title: fitText(b.label, width - PAD, TITLE_FONT, true), caption: fitText(caption, width - PAD, CAPTION_FONT), width };
}

/** Layout ids of a bundle's lines (never equal to an edge id: those start with an edge type). */
export function bundleLineId(bundle: string, side: 'in' | 'out', member: string): string {
  return `${bundle}\u0000${side}\u0000${member}`;
}
