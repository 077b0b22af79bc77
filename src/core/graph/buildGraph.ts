import type { Finding, Range } from '../findings';
import type { ResourceIndex } from '../index/resourceIndex';
import type { Resource } from '../parse/manifestParser';
import { localPairSpan, localRangeOf, localResourceRange, rangeOf, type PathSegment } from '../parse/locate';
import { shiftRange } from '../findings';
import {
  referencesOf,
  type Reference,
  type ReferenceProblem,
  type References,
  type PortMapping,
  type SelectsReference,
  type ServiceSelection,
} from '../model/references';
import { selectsReferences } from '../model/serviceSelects';
import { mapServicePort, portGroupsOf, type PortGroup } from '../model/podPorts';
import { cachedServicePortsOf, serviceType } from '../model/serviceAddress';
import { ruleMeta } from '../rules/catalog';
import { factsOf, hpaMetricTexts, labelsText } from './facts';
import { makeBundle, sameTargetGroups, worthBundling } from './bundles';
import {
  GRAPH_KINDS,
  categoryOfKind,
  nodeId,
  type BundleMember,
  type EdgeType,
  type GraphBundle,
  type GraphEdge,
  type GraphModel,
  type GraphNode,
  type GraphProblem,
  type NodeFacts,
  type Severity,
} from './types';
import { pushTo } from '../multimap';

/**
 * Builds the topology graph from the resolved references of one analysis pass
 * (`src/core/model/references.ts`), the same data cross-resource validation reads: an edge is drawn
 * exactly when a reference resolves, and a broken reference is a dashed edge to a ghost node that
 * carries the code of the finding the editor shows for it.
 */

export interface GraphInput {
  index: ResourceIndex;
  /** Findings of the same pass (AnalysisResult.byFile): problems on nodes, codes on broken edges. */
  byFile?: ReadonlyMap<string, readonly Finding[]>;
  /**
   * The apply units of the pass (AnalysisResult.units): each reference is drawn as its own unit
   * resolved it, and each node names its unit. Without them, references resolve over `index`.
   */
  units?: readonly { unit: { name: string; files: readonly string[] }; index: ResourceIndex }[];
}

export interface GraphOptions {
  /**
   * Keep only resources from files this accepts, plus the resources they reference or are referenced
   * by (one hop), so a one-file view still shows where its traffic goes.
   */
  include?: (file: string) => boolean;
}

/**
 * The `include` filter for a view scope, with files named as the index names them (URI strings in
 * the extension, paths in the CLI): one file, everything under a folder, or everything.
 */
export function scopeInclude(kind: 'file' | 'folder' | 'workspace', target: string): ((file: string) => boolean) | undefined {
  if (kind === 'workspace') return undefined;
  if (kind === 'file') return (file) => file === target;
  const prefix = target.endsWith('/') || target.endsWith('\\') ? target : `${target}/`;
  return (file) => file.startsWith(prefix) || file.startsWith(prefix.replace(/\/$/, '\\'));
}

/**
 * One graph from several (a multi-root workspace is analysed per folder): nodes and edges with the
 * same id are the same resource or reference and appear once.
 */
export function mergeGraphs(graphs: readonly GraphModel[]): GraphModel {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const bundles = new Map<string, GraphBundle>();
  for (const g of graphs) {
    for (const n of g.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n);
    for (const e of g.edges) if (!edges.has(e.id)) edges.set(e.id, e);
    for (const b of g.bundles ?? []) if (!bundles.has(b.id)) bundles.set(b.id, b);
  }
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const merged: GraphModel = { nodes: [...nodes.values()].sort(byId), edges: [...edges.values()].sort(byId) };
  if (bundles.size) merged.bundles = [...bundles.values()].sort(byId);
  return merged;
}

const SEVERITY_RANK: Record<string, number> = { ok: 0, info: 1, warning: 2, error: 3 };

// Per-object caches: a resource's object, YAML node and line table are shared by every pass while
// its document text is unchanged, so its facts and document-local ranges are worked out once; only
// the shift to the document's place in the file (which moves when a document above it grows) is per pass.
const factsCache = new WeakMap<object, NodeFacts>();
const localRanges = new WeakMap<object, Map<readonly PathSegment[] | 'resource', Range>>();

function cachedFacts(r: Resource): NodeFacts {
  let facts = factsCache.get(r.object);
  if (!facts) factsCache.set(r.object, (facts = factsOf(r)));
  return facts;
}

/** rangeOf / resourceRange, with the document-local range cached per object and path (paths come from the cached references). */
function cachedRange(r: Resource, path: readonly PathSegment[] | 'resource'): Range {
  let byPath = localRanges.get(r.object);
  if (!byPath) localRanges.set(r.object, (byPath = new Map<readonly PathSegment[] | 'resource', Range>()));
  let local = byPath.get(path);
  if (!local) {
    local = path === 'resource' ? localResourceRange(r, r.doc.parsed.lines) : localRangeOf(r, r.doc.parsed.lines, path);
    byPath.set(path, local);
  }
  // A fresh object each pass, so no caller can change the cached one.
  const shift = r.doc.startLine;
  return { start: { line: local.start.line + shift, character: local.start.character }, end: { line: local.end.line + shift, character: local.end.character } };
}

export function buildGraph(input: GraphInput, options: GraphOptions = {}): GraphModel {
  const { index } = input;
  const unitOf = new Map<string, string>();
  const batches: Batch[] = [];
  if (input.units) {
    for (const { unit, index: unitIndex } of input.units) {
      for (const f of unit.files) unitOf.set(f, unit.name);
      // A unit's references from its own files (its bases' are drawn by the bases' units).
      batches.push(batchOf(referencesOf(unitIndex), new Set(unit.files)));
    }
  } else {
    batches.push(batchOf(referencesOf(index)));
  }
  const nodes = new Map<string, GraphNode>();
  const nodeOf = new Map<Resource, GraphNode>();
  const graphKinds = new Set(GRAPH_KINDS);

  const addResource = (r: Resource): GraphNode | undefined => {
    const existing = nodeOf.get(r);
    if (existing) return existing;
    if (!r.kind || !r.name) return undefined;
    const ns = index.namespaceOf(r) ?? '';
    const id = nodeId(r.kind, ns, r.name);
    const same = nodes.get(id);
    if (same) {
      // A duplicate definition: the duplicate finding is shown on the first one.
      nodeOf.set(r, same);
      return same;
    }
    const range = cachedRange(r, 'resource');
    const node: GraphNode = {
      id,
      kind: r.kind,
      name: r.name,
      namespace: ns,
      category: categoryOfKind(r.kind, r.kind === 'Service' ? serviceType(r) : undefined),
      file: r.file,
      line: range.start.line + 1,
      range,
      facts: cachedFacts(r),
      status: 'ok',
      problems: [],
    };
    const unit = unitOf.get(r.file);
    if (unit !== undefined) node.unit = unit;
    nodes.set(id, node);
    nodeOf.set(r, node);
    return node;
  };
  for (const r of index.all) if (r.kind && graphKinds.has(r.kind)) addResource(r);

  // Problems on nodes, from the findings of the same pass.
  const findingsOf = new Map<string, Finding[]>();
  if (input.byFile) {
    for (const list of input.byFile.values()) {
      for (const f of list) {
        if (!f.resource) continue;
        const id = nodeId(f.resource.kind, f.resource.namespace ?? '', f.resource.name);
        const node = nodes.get(id);
        if (!node) continue;
        node.problems.push({ code: f.code, severity: f.severity, message: f.message });
        pushTo(findingsOf, id, f);
      }
    }
  }

  const edges = new Map<string, GraphEdge>();
  // The '; '-separated pieces of each merged edge's reason: 1,000 Ingress paths to one Service
  // stay linear (splitting the growing text for each would not).
  const reasonPieces = new Map<GraphEdge, Set<string>>();
  const addEdge = (e: Omit<GraphEdge, 'id'>) => {
    const id = `${e.type}:${e.from}->${e.to}`;
    const prev = edges.get(id);
    if (!prev) {
      edges.set(id, { id, ...e });
      return;
    }
    // Several references between the same pair (env and volume, two ports): one edge, all reasons.
    let pieces = reasonPieces.get(prev);
    if (!pieces) reasonPieces.set(prev, (pieces = new Set(prev.reason.split('; '))));
    if (!pieces.has(e.reason)) {
      prev.reason = `${prev.reason}; ${e.reason}`;
      for (const piece of e.reason.split('; ')) pieces.add(piece);
    }
    if (e.broken) prev.broken = true;
    if (e.code && rank(e.severity) > rank(prev.severity)) {
      prev.code = e.code;
      prev.severity = e.severity;
    }
    if (prev.label !== e.label && !prev.label.endsWith('…')) prev.label = `${prev.label}, …`;
  };
  const ghostMessages = new Map<GraphNode, Set<string>>();

  // Service → workload selections are the one reference a selector makes pair by pair (S Services
  // sharing a selector with T workloads make S × T). They wait here, one entry per Service holding
  // the target list it shares with the Services of the same selector, until the scope is known;
  // then dense fans become bundles and the rest single edges (see addFans). Nothing here is per pair.
  const fans = new Map<GraphNode, Fan[]>();
  const targetNodes = new Map<readonly Resource[], FanTargets>();

  const drawReference = (ref: Reference): void => {
    const fromNode = addResource(ref.from);
    if (!fromNode) return;
    const site = cachedRange(ref.from, ref.path);
    const finding = findingFor(ref, findingsOf.get(fromNode.id) ?? []);
    const text = describe(ref);
    const type: EdgeType = ref.type === 'uses' ? 'mounts' : ref.type;
    const outOfScope = ref.problem?.reason === 'out-of-scope';
    const broken = (ref.problem !== undefined && !outOfScope) || finding?.severity === 'error';
    const problemText = ref.problem ? (finding?.message ?? problemSentence(ref, ref.problem)) : finding?.message;
    const base = {
      from: fromNode.id,
      type,
      reason: problemText ? `${text.reason} — ${problemText}` : text.reason,
      label: text.label,
      file: ref.from.file,
      line: site.start.line + 1,
      ...(broken ? { broken: true } : {}),
      ...(finding
        ? { code: finding.code, severity: finding.severity }
        : ref.problem && !outOfScope
          ? { code: fallbackCode(ref), severity: 'error' as Severity }
          : {}),
    };
    const target = ref.target ? addResource(ref.target) : undefined;
    if (target) {
      addEdge({ ...base, to: target.id });
      return;
    }
    if (!ref.problem) return;
    const ghost = ghostFor(ref, ref.problem, fromNode, site, finding, problemText ?? '');
    const existing = nodes.get(ghost.id);
    if (existing) {
      let seen = ghostMessages.get(existing);
      if (!seen) ghostMessages.set(existing, (seen = new Set(existing.problems.map((p) => p.message))));
      if (!seen.has(ghost.problems[0].message)) {
        existing.problems.push(ghost.problems[0]);
        seen.add(ghost.problems[0].message);
      }
    } else {
      nodes.set(ghost.id, ghost);
    }
    addEdge({ ...base, to: ghost.id });
  };

  for (const batch of batches) {
    for (const s of batch.selections) {
      if (!s.targets.length) {
        // A broken selector: one reference, drawn to a ghost like any other.
        const broken: SelectsReference[] = [];
        selectsReferences(s, broken);
        for (const ref of broken) drawReference(ref);
        continue;
      }
      const fromNode = addResource(s.from);
      if (!fromNode) continue;
      let targets = targetNodes.get(s.targets);
      if (!targets) targetNodes.set(s.targets, (targets = fanTargets(s.targets, addResource)));
      if (!targets.positions.length) continue;
      const fan: Fan = { selection: s, targets, positions: targets.positions };
      pushTo(fans, fromNode, fan);
    }
    for (const ref of batch.references) drawReference(ref);
  }

  for (const node of nodes.values()) {
    let worst: GraphNode['status'] = 'ok';
    for (const p of node.problems) if (rank(p.severity) > rank(worst)) worst = p.severity;
    node.status = worst;
  }

  let nodeList = [...nodes.values()];
  let keep: Set<string> | undefined;
  let hop: Set<string> | undefined;
  if (options.include) {
    keep = new Set(nodeList.filter((n) => !n.ghost && options.include!(n.file)).map((n) => n.id));
    hop = new Set(keep);
    for (const e of edges.values()) {
      if (keep.has(e.from)) hop.add(e.to);
      if (keep.has(e.to)) hop.add(e.from);
    }
    // Per shared target list, not per pair: a kept Service brings all its targets into view, a
    // Service outside the scope comes in with the targets that are in it.
    const spread = new Set<FanTargets>();
    const touchesScope = new Map<FanTargets, boolean>();
    for (const [source, list] of fans) {
      const kept = keep.has(source.id);
      for (const { targets } of list) {
        if (kept) {
          if (!spread.has(targets)) {
            spread.add(targets);
            for (const i of targets.positions) hop.add(targets.nodes[i]!.id);
          }
          continue;
        }
        let touches = touchesScope.get(targets);
        if (touches === undefined) touchesScope.set(targets, (touches = targets.positions.some((i) => keep!.has(targets.nodes[i]!.id))));
        if (touches) hop.add(source.id);
      }
    }
    // The pairs a scoped view draws: both ends in it, one of them in the scope's files — all of a
    // kept Service's, and those into the scope's files of a Service brought in by one hop.
    const inScopePositions = new Map<FanTargets, number[]>();
    for (const [source, list] of fans) {
      if (!hop.has(source.id)) {
        fans.delete(source);
        continue;
      }
      if (keep.has(source.id)) continue;
      const inScope: Fan[] = [];
      for (const fan of list) {
        const { targets } = fan;
        let positions = inScopePositions.get(targets);
        if (!positions) inScopePositions.set(targets, (positions = targets.positions.filter((i) => keep!.has(targets.nodes[i]!.id))));
        if (positions.length) inScope.push({ ...fan, positions });
      }
      if (inScope.length) fans.set(source, inScope);
      else fans.delete(source);
    }
  }
  const bundles = addFans(fans, findingsOf, addEdge);

  let edgeList = [...edges.values()];
  if (keep && hop) {
    const [k, h] = [keep, hop];
    nodeList = nodeList.filter((n) => h.has(n.id));
    edgeList = edgeList.filter((e) => h.has(e.from) && h.has(e.to) && (k.has(e.from) || k.has(e.to)));
  }
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  nodeList.sort(byId);
  edgeList.sort(byId);
  bundles.sort(byId);
  return fitForWebview({ nodes: nodeList, edges: edgeList, ...(bundles.length ? { bundles } : {}) });
}

/** The references one apply unit (or the whole index) draws: its Services' selections and the rest. */
interface Batch {
  selections: readonly ServiceSelection[];
  references: readonly Reference[];
}

function batchOf(refs: References, home?: ReadonlySet<string>): Batch {
  const references = ([] as Reference[]).concat(refs.scales, refs.routes, refs.calls, refs.uses);
  if (!home) return { selections: refs.selections, references };
  return { selections: refs.selections.filter((s) => home.has(s.from.file)), references: references.filter((r) => home.has(r.from.file)) };
}

/** A target list shared by the Services of one selector, as graph nodes: worked out once per list. */
interface FanTargets {
  resources: readonly Resource[];
  /** The node of each target, by position; undefined for a resource that is no node (no name). */
  nodes: readonly (GraphNode | undefined)[];
  /** The positions that have a node. */
  positions: readonly number[];
  /** The port group (portGroupsOf) of each position, made on first use. */
  groupAt?: Int32Array;
}

function fanTargets(resources: readonly Resource[], addResource: (r: Resource) => GraphNode | undefined): FanTargets {
  const nodes = resources.map(addResource);
  const positions: number[] = [];
  nodes.forEach((n, i) => {
    if (n) positions.push(i);
  });
  return { resources, nodes, positions };
}

function groupAt(targets: FanTargets): Int32Array {
  if (!targets.groupAt) {
    const at = new Int32Array(targets.resources.length);
    portGroupsOf(targets.resources).forEach((g, gi) => {
      for (const p of g.positions) at[p] = gi;
    });
    targets.groupAt = at;
  }
  return targets.groupAt;
}

/** One Service's selection as drawn: its shared targets and the positions of them in view. */
interface Fan {
  selection: ServiceSelection;
  targets: FanTargets;
  /** `targets.positions`, or fewer in a scoped view (shared by the fans of one list). */
  positions: readonly number[];
}

/** The reference a Service makes to the workloads of one port group: all of them map its ports alike. */
function groupReference(s: ServiceSelection, group: PortGroup): SelectsReference {
  return {
    type: 'selects',
    from: s.from,
    path: s.path,
    selector: s.selector,
    ports: cachedServicePortsOf(s.from).map((sp) => mapServicePort(sp, group.ports)),
  };
}

interface EdgeWords {
  reason: string;
  label: string;
}

/**
 * Turns the Services' selections into bundles (a group of Services with the same selected
 * workloads, where worth it: bundles.ts) and single edges (the rest, exactly as every other
 * reference becomes an edge). Everything is worked out per Service, per shared target list or per
 * Service and kind of pod (port group), never per pair, except the single edges themselves:
 * O(Services + workloads + edges drawn), so a bundle of S × T costs O(S + T).
 */
function addFans(fans: ReadonlyMap<GraphNode, Fan[]>, findingsOf: ReadonlyMap<string, Finding[]>, addEdge: (e: Omit<GraphEdge, 'id'>) => void): GraphBundle[] {
  // What an edge says about a pair but its port words comes from the Service alone (its
  // selector's place, the finding there); the port words from the Service and the pod's ports.
  const findings = new Map<Resource, Finding | undefined>();
  const findingOf = (fan: Fan, from: GraphNode): Finding | undefined => {
    const svc = fan.selection.from;
    if (findings.has(svc)) return findings.get(svc);
    const group = portGroupsOf(fan.targets.resources)[0];
    const f = findingFor(groupReference(fan.selection, group), findingsOf.get(from.id) ?? []);
    findings.set(svc, f);
    return f;
  };
  const texts = new Map<Resource, Map<PortGroup, EdgeWords>>();
  const textOf = (fan: Fan, groupIndex: number): EdgeWords => {
    const svc = fan.selection.from;
    let byGroup = texts.get(svc);
    if (!byGroup) texts.set(svc, (byGroup = new Map<PortGroup, EdgeWords>()));
    const group = portGroupsOf(fan.targets.resources)[groupIndex];
    let text = byGroup.get(group);
    if (!text) byGroup.set(group, (text = describe(groupReference(fan.selection, group))));
    return text;
  };
  // Per list of positions (shared by the fans of one target list): the port groups in order of
  // their first position, with how many of the positions each holds.
  const counts = new Map<readonly number[], { group: number; count: number }[]>();
  const countsOf = (fan: Fan) => {
    let list = counts.get(fan.positions);
    if (!list) {
      const at = groupAt(fan.targets);
      const byGroup = new Map<number, { group: number; count: number }>();
      for (const i of fan.positions) {
        const entry = byGroup.get(at[i]);
        if (entry) entry.count++;
        else byGroup.set(at[i], { group: at[i], count: 1 });
      }
      counts.set(fan.positions, (list = [...byGroup.values()]));
    }
    return list;
  };

  // The distinct target nodes of each Service, as numbers for sameTargetGroups: once per list of
  // positions, and each distinct list grouped once, however many Services share it.
  const number = new Map<GraphNode, number>();
  const distinctOf = (fans: readonly Fan[]): { nodes: GraphNode[]; numbers: number[] } => {
    const seen = new Set<GraphNode>();
    const nodes: GraphNode[] = [];
    const numbers: number[] = [];
    for (const fan of fans) {
      for (const i of fan.positions) {
        const node = fan.targets.nodes[i]!;
        if (seen.has(node)) continue;
        seen.add(node);
        let n = number.get(node);
        if (n === undefined) number.set(node, (n = number.size));
        nodes.push(node);
        numbers.push(n);
      }
    }
    return { nodes, numbers };
  };
  const byPositions = new Map<readonly number[], number>();
  const lists: { nodes: GraphNode[]; numbers: number[]; sources: GraphNode[] }[] = [];
  for (const [source, list] of fans) {
    let at = list.length === 1 ? byPositions.get(list[0].positions) : undefined;
    if (at === undefined) {
      at = lists.length;
      lists.push({ ...distinctOf(list), sources: [] });
      // A Service defined twice merges its two selections: its list is its own.
      if (list.length === 1) byPositions.set(list[0].positions, at);
    }
    lists[at].sources.push(source);
  }

  const bundles: GraphBundle[] = [];
  const bundled = new Set<GraphNode>();
  for (const group of sameTargetGroups(lists.map((l) => l.numbers))) {
    const targets = lists[group[0]].nodes;
    const from = group.flatMap((i) => lists[i].sources);
    if (!worthBundling(from.length, targets.length)) continue;
    // Selectors match in their own namespace; a bundle never spans two (duplicates could, in theory).
    const ns = from[0].namespace;
    if (!from.every((n) => n.namespace === ns) || !targets.every((n) => n.namespace === ns)) continue;
    const members = new Map<string, BundleMember>();
    for (const source of from) {
      members.set(source.id, memberOf(fans.get(source)!, source, findingOf, textOf, countsOf));
      bundled.add(source);
    }
    bundles.push(makeBundle('selects', from, targets, members));
  }

  for (const [source, list] of fans) {
    if (bundled.has(source)) continue;
    for (const fan of list) {
      const s = fan.selection;
      const site = cachedRange(s.from, s.path);
      const finding = findingOf(fan, source);
      const at = groupAt(fan.targets);
      for (const i of fan.positions) {
        const text = textOf(fan, at[i]);
        // What drawReference makes of any reference, for one with a target and no problem.
        addEdge({
          from: source.id,
          type: 'selects',
          reason: finding?.message ? `${text.reason} — ${finding.message}` : text.reason,
          label: text.label,
          file: s.from.file,
          line: site.start.line + 1,
          ...(finding?.severity === 'error' ? { broken: true } : {}),
          ...(finding ? { code: finding.code, severity: finding.severity } : {}),
          to: fan.targets.nodes[i]!.id,
        });
      }
    }
  }
  return bundles;
}

/** What one Service's connections in a bundle say; port words that differ between workloads are listed with their counts. */
function memberOf(
  fans: readonly Fan[],
  source: GraphNode,
  findingOf: (fan: Fan, from: GraphNode) => Finding | undefined,
  textOf: (fan: Fan, group: number) => EdgeWords,
  countsOf: (fan: Fan) => readonly { group: number; count: number }[],
): BundleMember {
  const first = fans[0].selection;
  const site = cachedRange(first.from, first.path);
  const finding = findingOf(fans[0], source);
  const variants = new Map<string, { label: string; count: number }>();
  for (const fan of fans) {
    for (const { group, count } of countsOf(fan)) {
      const t = textOf(fan, group);
      const v = variants.get(t.reason);
      if (v) v.count += count;
      else variants.set(t.reason, { label: t.label, count });
    }
  }
  const [[firstReason, firstVariant]] = variants;
  let reason = firstReason;
  let label = firstVariant.label;
  if (variants.size > 1) {
    const shown = [...variants].slice(0, 4).map(([r, v]) => `${r} (${v.count} workload${v.count === 1 ? '' : 's'})`);
    reason = `${shown.join('; ')}${variants.size > 4 ? `; … and ${variants.size - 4} more port mappings` : ''}`;
    label = `${label}, …`;
  }
  if (finding?.message) reason = `${reason} — ${finding.message}`;
  return {
    reason,
    label,
    ...(finding?.severity === 'error' ? { broken: true } : {}),
    ...(finding ? { code: finding.code, severity: finding.severity } : {}),
    file: first.from.file,
    line: site.start.line + 1,
  };
}

// ---------------------------------------------------------------------------------------------
// The webview's protocol limits (src/shared/webviewProtocol.ts). It refuses a whole graph message
// that breaks one, so a single hostile resource (a 600-character name, `replicas: 1e400`, a node
// with 300 findings) would blank the view. test/fuzz checks that every built graph passes.

const TEXT_LIMITS: Partial<Record<keyof NodeFacts, number>> = {
  selector: 2000,
  serviceType: 100,
  ingressClass: 200,
  scaleTarget: 500,
  schedule: 200,
  secretType: 200,
};
const COUNT_FACTS: (keyof NodeFacts)[] = ['replicas', 'minReplicas', 'maxReplicas'];
const MAX_PROBLEMS = 200;

function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = max - 1;
  if (/[\uD800-\uDBFF]/.test(s[cut - 1] ?? '')) cut--; // do not split a surrogate pair
  return `${s.slice(0, cut)}…`;
}

function fitForWebview(g: GraphModel): GraphModel {
  const dropped = new Set<string>();
  const nodes: GraphNode[] = [];
  for (const n of g.nodes) {
    // An identity too long to draw is no Kubernetes object (names stop at 253); its findings stay in the editor.
    if (n.id.length > 1000 || n.kind.length > 200 || n.name.length > 500 || n.namespace.length > 300 || n.file.length > 4096) {
      dropped.add(n.id);
      continue;
    }
    const facts: Record<string, unknown> = { ...n.facts };
    for (const [k, v] of Object.entries(facts)) {
      const key = k as keyof NodeFacts;
      if (COUNT_FACTS.includes(key)) {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) delete facts[k];
      } else if (Array.isArray(v)) facts[k] = v.slice(0, 1000).map((x) => clip(String(x), 2000));
      else if (typeof v === 'string') facts[k] = clip(v, TEXT_LIMITS[key] ?? 2000);
    }
    let problems = n.problems.map((p) => ({ ...p, code: clip(p.code, 200), message: clip(p.message, 4000) }));
    if (problems.length > MAX_PROBLEMS) {
      const kept = [...problems].sort((a, b) => rank(b.severity) - rank(a.severity)).slice(0, MAX_PROBLEMS - 1);
      const rest = problems.length - kept.length;
      problems = [
        ...kept,
        {
          code: kept[kept.length - 1].code,
          severity: kept[kept.length - 1].severity,
          message: `… and ${rest} more findings on this resource (see the Problems panel)`,
        },
      ];
    }
    nodes.push({ ...n, facts, problems });
  }
  const edges: GraphEdge[] = [];
  for (const e of g.edges) {
    if (dropped.has(e.from) || dropped.has(e.to)) continue;
    edges.push({ ...e, reason: clip(e.reason, 8000), label: clip(e.label, 500), ...(e.code !== undefined ? { code: clip(e.code, 200) } : {}) });
  }
  if (!g.bundles?.length) return { nodes, edges };
  const bundles: GraphBundle[] = [];
  for (const b of g.bundles) {
    const keep = b.from.map((id) => !dropped.has(id));
    const from = b.from.filter((_, i) => keep[i]);
    const to = b.to.filter((id) => !dropped.has(id));
    if (!from.length || !to.length) continue;
    const members = b.members
      .filter((_, i) => keep[i])
      .map((m) => ({ ...m, reason: clip(m.reason, 8000), label: clip(m.label, 500), ...(m.code !== undefined ? { code: clip(m.code, 200) } : {}) }));
    bundles.push({
      ...b,
      from,
      to,
      members,
      label: clip(b.label, 500),
      reason: clip(b.reason, 8000),
      ...(b.code !== undefined ? { code: clip(b.code, 200) } : {}),
    });
  }
  return bundles.length ? { nodes, edges, bundles } : { nodes, edges };
}

function rank(s: string | undefined): number {
  return SEVERITY_RANK[s ?? 'ok'] ?? 0;
}

// ---------------------------------------------------------------------------------------------
// Reasons: the same words the hovers and rule messages use.

function describe(ref: Reference): { reason: string; label: string } {
  switch (ref.type) {
    case 'selects': {
      const sel = labelsText(ref.selector) ?? '';
      const ports = ref.ports.map(portMappingText);
      return {
        reason: ports.length ? `selector ${sel}; ${ports.join('; ')}` : `selector ${sel}`,
        label: ref.ports.length ? ref.ports.map(shortPort).join(', ') : sel,
      };
    }
    case 'routes': {
      const port = ref.port ? (ref.port.number !== undefined ? String(ref.port.number) : (ref.port.name ?? '?')) : '?';
      const where = ref.isDefault ? 'default backend' : `${ref.host ? `host ${ref.host} ` : ''}path ${ref.httpPath ?? '/'}`;
      return { reason: `${where} → port ${port}`, label: ref.isDefault ? `default → ${port}` : `${ref.httpPath ?? '/'} → ${port}` };
    }
    case 'scales': {
      const metrics = hpaMetricTexts(ref.from);
      const max = ref.maxReplicas !== undefined ? String(ref.maxReplicas) : '?';
      const at = metrics.length ? ` at ${metrics.join(', ')}` : '';
      return {
        reason: `min ${ref.minReplicas} max ${max}${at}`,
        label: `${ref.minReplicas}–${max}${metrics.length ? ` @ ${metrics[0].replace(' (default)', '')}` : ''}`,
      };
    }
    case 'calls': {
      const where = ref.envName ? `env ${ref.envName}` : `${String(ref.path[ref.path.length - 2] ?? 'args')}`;
      const port = ref.address.port ?? ref.address.defaultPort;
      return { reason: `${where} = ${ref.address.text}`, label: port !== undefined ? `:${port}` : ref.address.name };
    }
    case 'uses': {
      const what = ref.via === 'volume' ? 'volume' : ref.via === 'envFrom' ? 'envFrom' : `env${ref.key ? ` key ${ref.key}` : ''}`;
      return {
        reason: `${what} from ${ref.targetKind} ${ref.name}${ref.optional ? ' (optional)' : ''}`,
        label: ref.via === 'env' && ref.key ? ref.key : ref.via,
      };
    }
  }
}

function portMappingText(m: PortMapping): string {
  const sp = m.servicePort;
  const port = `port ${sp.port ?? '?'}`;
  const target = `targetPort ${sp.targetPort ?? '?'}`;
  switch (m.status) {
    case 'declared':
      return `${port} → ${target} → containerPort ${m.containerPort?.containerPort ?? m.podPort ?? '?'}`;
    case 'undeclared':
      return `${port} → ${target} (no container declares ${sp.targetPort})`;
    case 'named-missing':
      return `${port} → ${target} (no container port is named ${sp.targetPort})`;
    case 'no-ports':
      return `${port} → ${target} (the containers declare no ports)`;
    case 'invalid':
      return `${port} has no usable targetPort`;
  }
}

function shortPort(m: PortMapping): string {
  const pod = m.podPort ?? m.servicePort.targetPort;
  return pod !== undefined && pod !== m.servicePort.port ? `${m.servicePort.port ?? '?'} → ${pod}` : String(m.servicePort.port ?? '?');
}

function targetWords(ref: Reference): { kind: string; name: string; namespace?: string } {
  switch (ref.type) {
    case 'routes':
      return { kind: 'Service', name: ref.serviceName };
    case 'calls':
      return { kind: 'Service', name: ref.address.name, namespace: ref.namespace };
    case 'scales':
      return { kind: ref.scaleTargetRef.kind ?? 'workload', name: ref.scaleTargetRef.name ?? '?' };
    case 'uses':
      return { kind: ref.targetKind, name: ref.name };
    case 'selects':
      return { kind: 'Pod', name: labelsText(ref.selector) ?? '' };
  }
}

/** Used only when no finding of the pass covers the reference (the rule is switched off, say). */
function problemSentence(ref: Reference, p: ReferenceProblem): string {
  const t = targetWords(ref);
  switch (p.reason) {
    case 'not-found':
      return `no ${t.kind} ${t.name}${t.namespace ? ` in namespace ${t.namespace}` : ''}${p.nearest?.name ? ` (did you mean ${p.nearest.name}?)` : ''}`;
    case 'no-match':
      return `no workload in this namespace has pod labels ${t.name}${p.nearest ? ` (nearest: ${p.nearest.workload.kind} ${p.nearest.workload.name})` : ''}`;
    case 'other-namespace':
      return `only found in namespace ${[...new Set(p.candidates.map((c) => c.namespace ?? 'default'))].join(', ')}`;
    case 'port-missing':
      return `${t.kind} ${t.name} has no port ${p.port}${p.ports.length ? ` (it has ${p.ports.map((x) => x.port).join(', ')})` : ''}`;
    case 'kind-invalid':
      return p.detail === 'not-scalable'
        ? `${t.kind} cannot be scaled by an autoscaler`
        : p.detail === 'unknown-kind'
          ? `kind ${t.kind} should be ${p.expectedKind}`
          : `apiVersion should be ${p.expectedApiVersion}`;
    case 'out-of-scope':
      return `points outside the files in view (not checked)`;
    case 'key-missing':
      return `${t.kind} ${t.name} has no key ${p.key}`;
    case 'may-be-generated':
      return `not in this unit; ${p.makers.join(', ')} may create it (not checked)`;
  }
}

function fallbackCode(ref: Reference): string {
  return `${ref.type}-${ref.problem?.reason ?? 'broken'}`;
}

function ghostFor(ref: Reference, problem: ReferenceProblem, from: GraphNode, site: Range, finding: Finding | undefined, message: string): GraphNode {
  const t = targetWords(ref);
  const ns = t.namespace ?? from.namespace;
  const outOfScope = problem.reason === 'out-of-scope';
  const severity: Severity = outOfScope ? 'info' : (finding?.severity ?? 'error');
  const problem0: GraphProblem = {
    code: finding?.code ?? (outOfScope ? 'reference-out-of-scope' : fallbackCode(ref)),
    severity,
    message: `${from.kind} ${from.name}: ${message}`,
  };
  const kind = ref.type === 'selects' ? 'Pod' : t.kind;
  return {
    id: `ghost:${kind}/${ns}/${t.name}`,
    kind,
    name: t.name,
    namespace: ns,
    category: categoryOfKind(kind),
    file: from.file,
    line: site.start.line + 1,
    range: site,
    facts: {},
    status: severity,
    problems: [problem0],
    ghost: true,
  };
}

// ---------------------------------------------------------------------------------------------
// Tying a reference to the finding the editor shows for it

/**
 * The finding on the referencing resource that sits on this reference: its range overlaps one of
 * the reference's places (the reference itself, the Service port it maps, the backend port).
 * Cross-resource findings win over others at the same place.
 */
function findingFor(ref: Reference, findings: readonly Finding[]): Finding | undefined {
  if (!findings.length) return undefined;
  const spans: Range[] = [pathSpan(ref.from, ref.path)];
  if (ref.type === 'selects') for (const m of ref.ports) spans.push(pathSpan(ref.from, m.servicePort.path));
  if (ref.type === 'routes' && ref.port) spans.push(pathSpan(ref.from, ref.port.path));
  let best: Finding | undefined;
  let bestScore = -1;
  for (const f of findings) {
    if (f.file !== ref.from.file || !spans.some((s) => intersects(s, f.range))) continue;
    const family = ruleMeta(f.code)?.family;
    const score = (family === 'cross-resource' ? 10 : 0) + rank(f.severity);
    if (score > bestScore) {
      best = f;
      bestScore = score;
    }
  }
  // Only findings about references decide an edge: a schema error on the same line does not.
  if (best && ruleMeta(best.code)?.family !== 'cross-resource' && ruleMeta(best.code) !== undefined) return undefined;
  return best;
}

/** The whole extent of a path's key and value in the file (not just its first line). */
function pathSpan(r: Resource, path: readonly PathSegment[]): Range {
  const span = localPairSpan(r, r.doc.parsed.lines, path);
  return span ? shiftRange(span, r.doc.startLine) : rangeOf(r, path);
}

function intersects(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character <= q.character);
  return before(a.start, b.end) && before(b.start, a.end);
}
