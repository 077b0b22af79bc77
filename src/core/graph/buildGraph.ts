import { isPair, type Node as YamlNode } from 'yaml';
import type { Finding, Range } from '../findings';
import type { ResourceIndex } from '../index/resourceIndex';
import type { Resource } from '../parse/manifestParser';
import { findNode, localRangeOf, rangeOf, type PathSegment } from '../parse/locate';
import { shiftRange } from '../findings';
import { referencesOf, type Reference, type ReferenceProblem, type PortMapping, type SelectsReference } from '../model/references';
import { serviceType } from '../model/serviceAddress';
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
    if (path === 'resource') {
      const [s, , e] = r.node.range ?? [0, 0, 0];
      local = r.doc.parsed.lines.range(s, e);
    } else {
      local = localRangeOf(r, r.doc.parsed.lines, path);
    }
    byPath.set(path, local);
  }
  // A fresh object each pass, so no caller can change the cached one.
  const shift = r.doc.startLine;
  return { start: { line: local.start.line + shift, character: local.start.character }, end: { line: local.end.line + shift, character: local.end.character } };
}

export function buildGraph(input: GraphInput, options: GraphOptions = {}): GraphModel {
  const { index } = input;
  const unitOf = new Map<string, string>();
  let references: readonly Reference[];
  if (input.units) {
    const list: Reference[] = [];
    for (const { unit, index: unitIndex } of input.units) {
      const home = new Set(unit.files);
      for (const f of unit.files) unitOf.set(f, unit.name);
      // A unit's references from its own files (its bases' are drawn by the bases' units).
      for (const ref of referencesOf(unitIndex).all) if (home.has(ref.from.file)) list.push(ref);
    }
    references = list;
  } else {
    references = referencesOf(index).all;
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
        const perResource = findingsOf.get(id);
        if (perResource) perResource.push(f);
        else findingsOf.set(id, [f]);
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

  // Service → workload references are the one kind a selector makes pair by pair (S Services
  // sharing a selector with T workloads give S × T). They wait here, per Service, until the scope
  // is known; then dense fans become bundles and the rest single edges (see addFans).
  const fans = new Map<GraphNode, FanPair[]>();

  for (const ref of references) {
    const fromNode = addResource(ref.from);
    if (!fromNode) continue;
    if (ref.type === 'selects' && ref.target) {
      const target = addResource(ref.target);
      if (target) {
        const list = fans.get(fromNode);
        if (list) list.push({ target, ref });
        else fans.set(fromNode, [{ target, ref }]);
      }
      continue;
    }
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
      continue;
    }
    if (!ref.problem) continue;
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
    for (const [source, pairs] of fans) {
      const kept = keep.has(source.id);
      for (const p of pairs) {
        if (kept) hop.add(p.target.id);
        if (keep.has(p.target.id)) hop.add(source.id);
      }
    }
    // The pairs a scoped view draws: both ends in it, one of them in the scope's files.
    for (const [source, pairs] of fans) {
      const inScope = pairs.filter((p) => hop!.has(source.id) && hop!.has(p.target.id) && (keep!.has(source.id) || keep!.has(p.target.id)));
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

interface FanPair {
  target: GraphNode;
  ref: SelectsReference;
}

/**
 * Turns the collected Service → workload pairs into bundles (a group of Services with the same
 * selected workloads, where worth it: bundles.ts) and single edges (the rest, exactly as every
 * other reference becomes an edge). O(pairs · log) time; a bundle keeps O(Services + workloads).
 *
 * Everything an edge says about a pair but its port words comes from the Service alone (its
 * selector's place, the finding there), so it is worked out once per Service; the port words once
 * per Service and distinct port mapping.
 */
function addFans(
  fans: ReadonlyMap<GraphNode, FanPair[]>,
  findingsOf: ReadonlyMap<string, Finding[]>,
  addEdge: (e: Omit<GraphEdge, 'id'>) => void,
): GraphBundle[] {
  const findings = new Map<Resource, Finding | undefined>();
  const findingOf = (ref: SelectsReference, from: GraphNode): Finding | undefined => {
    if (findings.has(ref.from)) return findings.get(ref.from);
    const f = findingFor(ref, findingsOf.get(from.id) ?? []);
    findings.set(ref.from, f);
    return f;
  };
  const texts = new Map<Resource, Map<string, { reason: string; label: string }>>();
  const textOf = (ref: SelectsReference): { reason: string; label: string } => {
    let bySignature = texts.get(ref.from);
    if (!bySignature) texts.set(ref.from, (bySignature = new Map<string, { reason: string; label: string }>()));
    // The words depend on the Service (selector, ports: the same objects for all its pairs) and
    // on how each port lands in this workload.
    let sig = '';
    for (const m of ref.ports) sig += `${m.status}|${m.podPort ?? ''}|${m.containerPort?.containerPort ?? ''},`;
    let text = bySignature.get(sig);
    if (!text) bySignature.set(sig, (text = describe(ref)));
    return text;
  };

  const sources = [...fans.keys()];
  const number = new Map<GraphNode, number>();
  const stamp: number[] = [];
  const distinct: GraphNode[][] = [];
  const sets = sources.map((source, i) => {
    const nodes: GraphNode[] = [];
    const numbers: number[] = [];
    for (const { target } of fans.get(source)!) {
      let n = number.get(target);
      if (n === undefined) number.set(target, (n = number.size));
      if (stamp[n] === i + 1) continue;
      stamp[n] = i + 1;
      nodes.push(target);
      numbers.push(n);
    }
    distinct.push(nodes);
    return numbers;
  });

  const bundles: GraphBundle[] = [];
  const bundled = new Set<GraphNode>();
  for (const group of sameTargetGroups(sets)) {
    const targets = distinct[group[0]];
    if (!worthBundling(group.length, targets.length)) continue;
    const from = group.map((i) => sources[i]);
    // Selectors match in their own namespace; a bundle never spans two (duplicates could, in theory).
    const ns = from[0].namespace;
    if (!from.every((n) => n.namespace === ns) || !targets.every((n) => n.namespace === ns)) continue;
    const members = new Map<string, BundleMember>();
    for (const source of from) {
      members.set(source.id, memberOf(fans.get(source)!, source, findingOf, textOf));
      bundled.add(source);
    }
    bundles.push(makeBundle('selects', from, targets, members));
  }

  for (const [source, pairs] of fans) {
    if (bundled.has(source)) continue;
    for (const { target, ref } of pairs) {
      const site = cachedRange(ref.from, ref.path);
      const finding = findingOf(ref, source);
      const text = textOf(ref);
      // What the loop in buildGraph makes of any reference, for one with a target and no problem.
      addEdge({
        from: source.id,
        type: 'selects',
        reason: finding?.message ? `${text.reason} — ${finding.message}` : text.reason,
        label: text.label,
        file: ref.from.file,
        line: site.start.line + 1,
        ...(finding?.severity === 'error' ? { broken: true } : {}),
        ...(finding ? { code: finding.code, severity: finding.severity } : {}),
        to: target.id,
      });
    }
  }
  return bundles;
}

/** What one Service's connections in a bundle say; port words that differ between workloads are listed with their counts. */
function memberOf(
  pairs: readonly FanPair[],
  source: GraphNode,
  findingOf: (ref: SelectsReference, from: GraphNode) => Finding | undefined,
  textOf: (ref: SelectsReference) => { reason: string; label: string },
): BundleMember {
  const first = pairs[0].ref;
  const site = cachedRange(first.from, first.path);
  const finding = findingOf(first, source);
  const variants = new Map<string, { label: string; count: number }>();
  for (const { ref } of pairs) {
    const t = textOf(ref);
    const v = variants.get(t.reason);
    if (v) v.count++;
    else variants.set(t.reason, { label: t.label, count: 1 });
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
  const found = findNode(r.node, path);
  const key = found.pair && isPair(found.pair) ? (found.pair.key as YamlNode | undefined) : undefined;
  const value = found.node;
  const start = key?.range?.[0] ?? value?.range?.[0];
  const end = value?.range?.[1] ?? key?.range?.[1];
  if (start === undefined || end === undefined) return rangeOf(r, path);
  return shiftRange(r.doc.parsed.lines.range(start, Math.max(start, end)), r.doc.startLine);
}

function intersects(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character <= q.character);
  return before(a.start, b.end) && before(b.start, a.end);
}
