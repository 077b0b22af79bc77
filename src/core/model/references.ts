import type { PathSegment } from '../parse/locate';
import type { Resource } from '../parse/manifestParser';
import type { ResourceIndex } from '../index/resourceIndex';
import { isWorkload, type ContainerView } from './kinds';
import { ServiceAddressResolver, type ServiceAddress, type ServicePortView } from './serviceAddress';
import { carryLabels, labelsOf, shareLabels, type LabelIndex } from './labelIndex';
import type { PortMapping } from './podPorts';
import { SelectionPass, selectsReferences, type SelectorAnswers, type ServiceSelection } from './serviceSelects';
import { changedLookups, touches } from './referenceCarry';
import { hpaScales } from './hpaScales';
import { ingressRoutes } from './ingressRoutes';
import { addressContextToken, workloadCalls, workloadOutgoing } from './workloadRefs';
import { findDuplicates } from './duplicates';
import { pushTo } from '../multimap';

export { LabelIndex } from './labelIndex';
export { containerPortsOf, longRunningContainers, mapServicePort, type ContainerPortView, type PortMapping } from './podPorts';
export { addressesInArg } from './workloadRefs';
export type { ServiceSelection } from './serviceSelects';

/**
 * The resolved references between the resources of one analysis pass, computed once, as data.
 *
 * Cross-resource validation and the topology graph both read this, so an edge the graph draws
 * and a finding the editor shows can never disagree: a reference with a `target` and no
 * `problem` is a working edge; one with a `problem` is broken (and `target`, when set, is the
 * object it was meant for — e.g. a Service that exists but lacks the port).
 *
 * Built in O(resources + references): labels are indexed by namespace/key/value, names by the
 * {@link ResourceIndex}; what a Service selects is stored once per Service (`selections`, the
 * target list shared by Services with the same selector), and the per-pair `selects` only when
 * asked for. What each resource points at is read from its object once and cached with
 * it (memo.ts), so a keystroke re-reads only the documents it changed; parts of a reference that
 * come from those caches (selector, ports, paths, metrics) are shared between passes and must not
 * be modified. One module per kind of reference: serviceSelects, hpaScales, ingressRoutes,
 * workloadRefs (calls and uses); duplicates.ts finds objects defined twice.
 */

export type ReferenceType = 'selects' | 'scales' | 'routes' | 'calls' | 'uses';

export interface LabelDifference {
  key: string;
  /** What the selector asks for. */
  selectorValue: string;
  /** What the pods have; undefined when the label is missing. */
  labelValue?: string;
}

export interface NearestWorkload {
  workload: Resource;
  /** Selector entries the workload's pods do not satisfy (at least one). */
  differences: LabelDifference[];
}

export type ReferenceProblem =
  /** Nothing with this name where the reference points; `nearest` is the likely intended one. */
  | { reason: 'not-found'; nearest?: Resource }
  /** A Service selector that matches no pod template in its namespace. */
  | { reason: 'no-match'; nearest?: NearestWorkload }
  /** Not found where it points, but found (by name, or by labels) in other namespaces. */
  | { reason: 'other-namespace'; candidates: Resource[] }
  /** The Service exists but does not expose the port. */
  | { reason: 'port-missing'; port: number | string; ports: ServicePortView[]; defaulted?: boolean }
  /**
   * An HPA scaleTargetRef whose kind cannot be scaled (`not-scalable`), is misspelled
   * (`unknown-kind`: `Deployments`, `deployment`), or whose apiVersion names the wrong API
   * group (`api-group`: `extensions/v1beta1`) or an old version of the right one (`api-version`).
   */
  | { reason: 'kind-invalid'; detail: 'not-scalable' | 'unknown-kind' | 'api-group' | 'api-version'; expectedKind?: string; expectedApiVersion?: string }
  /**
   * Not judged: an address into a namespace the workspace defines nothing in, a custom kind that is
   * not in the workspace, a Service selector in a namespace without any workload.
   */
  | { reason: 'out-of-scope' }
  /** A ConfigMap/Secret key that the (existing) object does not have. */
  | { reason: 'key-missing'; key: string }
  /**
   * Not in the apply unit, which holds what may create it (custom resources whose controllers
   * make pods and Services, a Helm chart, a remote base): said at a lower severity, not judged.
   */
  | { reason: 'may-be-generated'; makers: string[]; nearest?: Resource };

export interface ReferenceBase {
  type: ReferenceType;
  /** The resource the reference is written in. */
  from: Resource;
  /** Data path in `from` where the reference is written (findings point here). */
  path: PathSegment[];
  /** The resource it leads to. Set whenever that object is found, even when a detail (port, kind) is broken. */
  target?: Resource;
  /** Why it does not (fully) work; undefined for a working reference. */
  problem?: ReferenceProblem;
  /** The target is in another apply unit of the scope: resolved there, and its details judged there. */
  outside?: boolean;
}

/** Service → a workload whose pod template its selector matches (or a broken selector). */
export interface SelectsReference extends ReferenceBase {
  type: 'selects';
  selector: Record<string, string>;
  /** One per Service port, resolved against `target`'s containers; empty when broken. */
  ports: PortMapping[];
}

export interface ResourceMetric {
  /** `cpu`, `memory`, … */
  resource: string;
  /** Utilization (percent of requests), AverageValue or Value. */
  targetType: string;
  /** Percent, for Utilization. */
  utilization?: number;
  /** Where the metric is written; the HPA `spec` when it is the default (80 % CPU). */
  path: PathSegment[];
  /** ContainerResource metrics look at one container only. */
  container?: string;
  /** No metric written: Kubernetes uses 80 % CPU utilization. */
  defaulted: boolean;
}

/** HorizontalPodAutoscaler → the workload it scales. */
export interface ScalesReference extends ReferenceBase {
  type: 'scales';
  scaleTargetRef: { apiVersion?: string; kind?: string; name?: string };
  /** The scaling range. */
  minReplicas: number;
  maxReplicas?: number;
  /** Resource metrics (CPU/memory), including the implicit default. */
  metrics: ResourceMetric[];
}

/** Ingress → a Service port, per rule path or the default backend. */
export interface RoutesReference extends ReferenceBase {
  type: 'routes';
  serviceName: string;
  /** The backend port as written (number or name), and where. */
  port?: { number?: number; name?: string; path: PathSegment[] };
  host?: string;
  httpPath?: string;
  /** spec.defaultBackend (or legacy spec.backend). */
  isDefault: boolean;
  /** The Service port the traffic enters, when resolved. */
  servicePort?: ServicePortView;
}

/** Workload → a Service it calls by DNS name (env values, args, command). */
export interface CallsReference extends ReferenceBase {
  type: 'calls';
  container: ContainerView;
  /** The env var name, or undefined for args/command. */
  envName?: string;
  /** The address; `start`/`end` are offsets in the string at `path`. */
  address: ServiceAddress;
  /** The namespace the address points into. */
  namespace: string;
  /** The Service port called, when resolved. */
  servicePort?: ServicePortView;
}

/** Workload → a ConfigMap or Secret it reads (env, envFrom, volumes). */
export interface UsesReference extends ReferenceBase {
  type: 'uses';
  targetKind: 'ConfigMap' | 'Secret';
  name: string;
  via: 'env' | 'envFrom' | 'volume';
  key?: string;
  /** `optional: true`: the pod starts without it. */
  optional: boolean;
  container?: ContainerView;
}

export type Reference = SelectsReference | ScalesReference | RoutesReference | CallsReference | UsesReference;

export interface References {
  /**
   * What each Service selects, one entry per Service with a selector: stored once however many
   * workloads it selects (the fan-out of many Services over the same pods is shared). Checks read this.
   */
  selections: ServiceSelection[];
  /** The same as one reference per Service × selected workload, built on first use (the graph draws these). */
  selects: SelectsReference[];
  scales: ScalesReference[];
  routes: RoutesReference[];
  calls: CallsReference[];
  uses: UsesReference[];
  /** Groups of two or more resources with the same kind, namespace and name (same kustomize root). */
  duplicates: Resource[][];
  /** Every reference (selects expanded per pair), built on first use. */
  all: Reference[];
  /** References written in a resource. */
  from(resource: Resource): Reference[];
  /** Working or partly broken references that lead to a resource. */
  to(resource: Resource): Reference[];
  /** Pod labels index, for callers that need selector lookups (NetworkPolicy, PDB, …). */
  labels: LabelIndex;
  resolver: ServiceAddressResolver;
}

const memo = new WeakMap<ResourceIndex, References>();

/** The references written in one resource (not a Service's selection), and the lookups they read. */
interface Written {
  deps: string[];
  /** The last pass of its lineage it was computed or found valid in. */
  pass: number;
  scales?: ScalesReference[];
  routes?: RoutesReference[];
  calls?: CallsReference[];
  uses?: UsesReference[];
}

/**
 * One unit's references over its passes: what each pass leaves for the next. Kept in place, not
 * copied per keystroke (what a pass allocates and keeps is what the next young-generation
 * collection has to copy).
 */
interface Lineage {
  /** Passes computed so far; a record counts only if valid in the last one. */
  pass: number;
  /** The index of the last pass. */
  index: ResourceIndex;
  written: WeakMap<Resource, Written>;
  answers: SelectorAnswers;
  /** The namespaces with objects: an address into one without any is not judged. */
  populated: string;
  /** The Service names and namespaces addresses were found under (workloadRefs.ts). */
  addressToken: object;
  /** A later pass went on from this one: no other may (their records would mix). */
  taken?: boolean;
}

const lineages = new WeakMap<References, Lineage>();
/** The index of the pass before, for an index whose references are not computed yet. */
const predecessors = new WeakMap<ResourceIndex, ResourceIndex>();

/** The references of one analysis pass, computed on first use and shared by every check and the graph. */
export function referencesOf(index: ResourceIndex): References {
  let refs = memo.get(index);
  if (!refs) {
    refs = computeReferences(index);
    memo.set(index, refs);
  }
  return refs;
}

/**
 * `next` is the same unit's index one pass after `previous`: its references may reuse the ones
 * of `previous` that read nothing that changed (referenceCarry.ts). Only an index whose references
 * were computed is remembered, so no chain of passes is kept alive.
 */
export function followReferences(next: ResourceIndex, previous: ResourceIndex | undefined): void {
  if (previous && previous !== next && memo.has(previous)) predecessors.set(next, previous);
}

export function computeReferences(index: ResourceIndex): References {
  const previousIndex = predecessors.get(index);
  predecessors.delete(index);
  const previousRefs = previousIndex && memo.get(previousIndex);
  const before = previousRefs && lineages.get(previousRefs);
  // The lineage goes on from the pass it ended with, once.
  const changes = before && !before.taken && before.index === previousIndex && previousIndex !== index ? changedLookups(previousIndex, index) : undefined;
  const lineage: Lineage | undefined = changes ? before : undefined;
  if (lineage) lineage.taken = true;
  // No workload added, removed or replaced: the pod label index of the pass before holds the same.
  if (changes && !changes.workloads) shareLabels(previousIndex!, index);
  // Workloads swapped for ones with the same pod labels (an image edited): the index with them swapped.
  else if (changes?.workloadSwaps) carryLabels(previousIndex!, index, changes.workloadSwaps);
  const labels = labelsOf(index);
  const resolver = new ServiceAddressResolver(index);
  const addressToken = addressContextToken(resolver);
  const populated = [...resolver.populated].join('\n');
  const selections: ServiceSelection[] = [];
  const selectionPass = new SelectionPass(index, labels, lineage ? { answers: lineage.answers, changed: changes!.keys } : undefined);
  const scales: ScalesReference[] = [];
  const routes: RoutesReference[] = [];
  const calls: CallsReference[] = [];
  const uses: UsesReference[] = [];
  const written = lineage?.written ?? new WeakMap<Resource, Written>();
  const last = lineage?.pass ?? 0;
  const pass = last + 1;
  // Which addresses a workload's strings hold depends on every Service name and namespace, and how
  // they resolve on which namespaces have objects: a workload's calls are reused only under the same.
  const addressesMayDiffer = !lineage || lineage.addressToken !== addressToken || lineage.populated !== populated;

  // What each resource points at is read from its object once (cached with the parsed document);
  // per pass only the lookups against this index run, and on a keystroke only those whose
  // entries changed (the rest is taken from the pass before).
  for (const r of index.all) {
    if (r.kind === 'Service') {
      const s = selectionPass.select(r);
      if (s) selections.push(s);
      continue;
    }
    const hpa = r.kind === 'HorizontalPodAutoscaler';
    const ingress = !hpa && r.kind === 'Ingress';
    const workload = !hpa && !ingress && isWorkload(r);
    if (!hpa && !ingress && !workload) continue;
    const kept = lineage && written.get(r);
    if (kept && kept.pass === last && !(workload && addressesMayDiffer) && !touches(kept.deps, changes!.keys)) {
      kept.pass = pass;
      if (kept.scales) scales.push(...kept.scales);
      if (kept.routes) routes.push(...kept.routes);
      if (kept.calls) calls.push(...kept.calls);
      if (kept.uses) uses.push(...kept.uses);
      continue;
    }
    // What this resource adds to each list is kept with it, to be taken over by the next pass.
    const at = { scales: scales.length, routes: routes.length, calls: calls.length, uses: uses.length };
    const w: Written = { deps: [], pass };
    if (hpa) hpaScales(r, index, resolver.names, scales, w.deps);
    else if (ingress) ingressRoutes(r, index, resolver.names, routes, w.deps);
    else {
      const out = workloadOutgoing(r);
      if (out) workloadCalls(r, out, addressToken, index, resolver, calls, uses, w.deps);
    }
    w.scales = addedSince(scales, at.scales);
    w.routes = addedSince(routes, at.routes);
    w.calls = addedSince(calls, at.calls);
    w.uses = addedSince(uses, at.uses);
    written.set(r, w);
  }

  const duplicates = findDuplicates(index);
  // Only the graph and callers that ask by resource need the pairs: built on the first question.
  let selects: SelectsReference[] | undefined;
  const selectsOf = () => {
    if (!selects) {
      selects = [];
      for (const s of selections) selectsReferences(s, selects);
    }
    return selects;
  };
  let all: Reference[] | undefined;
  const allOf = () => (all ??= [...selectsOf(), ...scales, ...routes, ...calls, ...uses]);
  let fromMap: Map<Resource, Reference[]> | undefined;
  let toMap: Map<Resource, Reference[]> | undefined;
  const byResource = () => {
    fromMap = new Map();
    toMap = new Map();
    for (const ref of allOf()) {
      pushTo(fromMap, ref.from, ref);
      if (ref.target) pushTo(toMap, ref.target, ref);
    }
  };
  const refs: References = {
    selections,
    get selects() {
      return selectsOf();
    },
    scales,
    routes,
    calls,
    uses,
    duplicates,
    get all() {
      return allOf();
    },
    from: (r) => {
      if (!fromMap) byResource();
      return fromMap!.get(r) ?? [];
    },
    to: (r) => {
      if (!toMap) byResource();
      return toMap!.get(r) ?? [];
    },
    labels,
    resolver,
  };
  lineages.set(refs, { pass, index, written, answers: selectionPass.settle(), populated, addressToken });
  return refs;
}

/** The entries pushed onto `list` since it had `length` of them, or undefined for none. */
function addedSince<T>(list: readonly T[], length: number): T[] | undefined {
  return list.length > length ? list.slice(length) : undefined;
}
