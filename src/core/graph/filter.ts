import type { GraphBundle, GraphEdge, GraphModel, GraphNode, NodeCategory } from './types';
import { bundleEdges, restrictBundle } from './bundles';
import { pushTo } from '../multimap';

/** What the person chose to see. */
export interface GraphFilter {
  /** '' for every namespace. */
  namespace: string;
  /** '' for every apply unit; otherwise the resources of that unit (and what their broken references point at). */
  unit?: string;
  /** Categories switched off. */
  hidden: readonly NodeCategory[];
  /** ConfigMaps and Secrets as cards; when false they fold into a "+n config" note on their workloads. */
  showConfig: boolean;
  /**
   * Above this many nodes only the most important are drawn (errors always); 0 for no cap.
   * Large views stay responsive; a namespace filter shows everything in it.
   */
  maxNodes: number;
  /** Bundles (bundles.ts) the person expanded: drawn as their single connections. */
  expanded?: readonly string[];
}

export const DEFAULT_FILTER: GraphFilter = { namespace: '', unit: '', hidden: [], showConfig: true, maxNodes: 1500 };

export interface FilteredGraph {
  graph: GraphModel;
  /** Workload id → number of folded ConfigMaps/Secrets. */
  configCounts: Map<string, number>;
  /** Nodes left out by the cap (not by the person's filters). */
  capped: number;
  total: number;
}

const WEIGHT: Record<NodeCategory, number> = { entry: 1000, service: 790, autoscaler: 780, workload: 800, config: 300 };

/**
 * Applies the filters. Broken references stay visible whatever the filters say about their target's
 * category: an error is never filtered away by accident.
 */
export function filterGraph(full: GraphModel, f: GraphFilter): FilteredGraph {
  const hidden = new Set(f.hidden);
  const byId = new Map(full.nodes.map((n) => [n.id, n]));
  const brokenTargets = new Set<string>();
  for (const e of full.edges) if (e.broken) brokenTargets.add(e.to);
  const brokenFrom = new Map<string, string[]>();
  for (const e of full.edges) {
    if (!e.broken) continue;
    pushTo(brokenFrom, e.to, e.from);
  }
  const keep = new Set<string>();
  const configCounts = new Map<string, number>();
  for (const n of full.nodes) {
    if (f.namespace && n.namespace !== f.namespace) continue;
    if (f.unit && n.unit !== f.unit) continue;
    if (n.ghost) continue; // decided with their edges below
    if (hidden.has(n.category)) continue;
    if (!f.showConfig && n.category === 'config') continue;
    keep.add(n.id);
  }
  // An expanded bundle is its single edges from here on (one per pair: the person asked for them).
  const expanded = new Set(f.expanded ?? []);
  let allEdges: readonly GraphEdge[] = full.edges;
  const bundles: GraphBundle[] = [];
  for (const b of full.bundles ?? []) {
    if (expanded.has(b.id)) allEdges = allEdges.concat(bundleEdges(b));
    else bundles.push(b);
  }
  for (const e of allEdges) {
    const to = byId.get(e.to);
    if (to?.ghost && keep.has(e.from)) keep.add(to.id);
    if (!f.showConfig && to && to.category === 'config' && !to.ghost && keep.has(e.from) && !keep.has(to.id)) {
      configCounts.set(e.from, (configCounts.get(e.from) ?? 0) + 1);
    }
  }
  // A broken mount to an existing ConfigMap (missing key) keeps the ConfigMap visible.
  for (const id of brokenTargets) {
    const n = byId.get(id);
    if (n && !n.ghost && (!f.namespace || n.namespace === f.namespace) && (!f.unit || n.unit === f.unit)) {
      if (brokenFrom.get(id)?.some((from) => keep.has(from))) keep.add(id);
    }
  }
  let capped = 0;
  if (f.maxNodes > 0 && keep.size > f.maxNodes) {
    const degree = new Map<string, number>();
    for (const e of allEdges) {
      if (!keep.has(e.from) || !keep.has(e.to)) continue;
      degree.set(e.from, (degree.get(e.from) ?? 0) + 1);
      degree.set(e.to, (degree.get(e.to) ?? 0) + 1);
    }
    // A bundle's members count as connected to every kept member on the other side.
    for (const b of bundles) {
      const from = b.from.filter((id) => keep.has(id));
      const to = b.to.filter((id) => keep.has(id));
      for (const id of from) degree.set(id, (degree.get(id) ?? 0) + to.length);
      for (const id of to) degree.set(id, (degree.get(id) ?? 0) + from.length);
    }
    const score = (n: GraphNode) => WEIGHT[n.category] + 5 * (degree.get(n.id) ?? 0) + (n.status === 'error' || n.status === 'warning' ? 10_000 : 0);
    const ranked = [...keep].map((id) => byId.get(id)!).sort((a, b) => score(b) - score(a) || (a.id < b.id ? -1 : 1));
    const kept = new Set(ranked.slice(0, f.maxNodes).map((n) => n.id));
    capped = keep.size - kept.size;
    keep.clear();
    for (const id of kept) keep.add(id);
  }
  const nodes = full.nodes.filter((n) => keep.has(n.id));
  const edges: GraphEdge[] = allEdges.filter((e) => keep.has(e.from) && keep.has(e.to));
  // Bundles over the kept nodes: smaller bundles, or single edges once too few are left to bundle.
  const kept: GraphBundle[] = [];
  const inKeep = (id: string) => keep.has(id);
  const nodeOf = (id: string) => byId.get(id);
  for (const b of bundles) {
    const r = restrictBundle(b, inKeep, nodeOf);
    if (r.bundle) kept.push(r.bundle);
    edges.push(...r.edges);
  }
  for (const id of [...configCounts.keys()]) if (!keep.has(id)) configCounts.delete(id);
  const graph: GraphModel = kept.length ? { nodes, edges, bundles: kept } : { nodes, edges };
  return { graph, configCounts, capped, total: full.nodes.filter((n) => !n.ghost).length };
}

/** The apply units the graph's resources belong to, sorted, for a "show one unit" choice. */
export function unitsOf(g: GraphModel): string[] {
  const out = new Set<string>();
  for (const n of g.nodes) if (n.unit !== undefined && !n.ghost) out.add(n.unit);
  return [...out].sort();
}

/** Case-insensitive match on name, kind, namespace, image and selector. */
export function matchesSearch(n: GraphNode, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return false;
  const hay = [n.name, n.kind, n.namespace, ...(n.facts.images ?? []), n.facts.selector ?? ''].join('\n').toLowerCase();
  return q.split(/\s+/).every((w) => hay.includes(w));
}
