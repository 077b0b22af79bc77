import type { PathSegment } from '../parse/locate';
import type { Resource } from '../parse/manifestParser';
import type { ResourceIndex } from '../index/resourceIndex';
import {
  SCALABLE_KINDS,
  WORKLOAD_KINDS,
  asArray,
  asRecord,
  containersOf,
  getPath,
  groupOf,
  isWorkload,
  podTemplateOf,
  selectorMatches,
  stringMap,
  type ContainerView,
  type PodTemplateView,
} from './kinds';
import {
  NameLookup,
  cachedServicePortsOf,
  ServiceAddressResolver,
  editDistance,
  nearThreshold,
  serviceType,
  toPortNumber,
  type ServiceAddress,
  type ServicePortView,
} from './serviceAddress';

/**
 * The resolved references between the resources of one analysis pass, computed once, as data.
 *
 * Cross-resource validation and the topology graph both read this, so an edge the graph draws
 * and a finding the editor shows can never disagree: a reference with a `target` and no
 * `problem` is a working edge; one with a `problem` is broken (and `target`, when set, is the
 * object it was meant for — e.g. a Service that exists but lacks the port).
 *
 * Built in O(resources + references): labels are indexed by namespace/key/value, names by the
 * {@link ResourceIndex}. What each resource points at is read from its object once and cached with
 * it (see "Per-object caches"), so a keystroke re-reads only the documents it changed; parts of a
 * reference that come from those caches (selector, ports, paths, metrics) are shared between
 * passes and must not be modified.
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
  | { reason: 'key-missing'; key: string };

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
}

export interface ContainerPortView {
  container: ContainerView;
  index: number;
  path: PathSegment[];
  containerPort?: number;
  name?: string;
  protocol: string;
}

/** Where one Service port's traffic lands in one selected workload. */
export interface PortMapping {
  servicePort: ServicePortView;
  /**
   * - `declared`: a container declares the target port (by number or name);
   * - `undeclared`: a numeric targetPort no container declares (works only if the process listens there);
   * - `named-missing`: no container has a port of that name (no traffic reaches these pods);
   * - `no-ports`: the workload declares no container ports at all (nothing to compare with);
   * - `invalid`: the Service port itself has no usable port/targetPort.
   */
  status: 'declared' | 'undeclared' | 'named-missing' | 'no-ports' | 'invalid';
  /** The declared container port the traffic reaches, when `declared`. */
  containerPort?: ContainerPortView;
  /** The port number on the pod, when known (port → targetPort → containerPort). */
  podPort?: number;
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
  selects: SelectsReference[];
  scales: ScalesReference[];
  routes: RoutesReference[];
  calls: CallsReference[];
  uses: UsesReference[];
  /** Groups of two or more resources with the same kind, namespace and name (same kustomize root). */
  duplicates: Resource[][];
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

/** The references of one analysis pass, computed on first use and shared by every check and the graph. */
export function referencesOf(index: ResourceIndex): References {
  let refs = memo.get(index);
  if (!refs) {
    refs = computeReferences(index);
    memo.set(index, refs);
  }
  return refs;
}

// ---------------------------------------------------------------------------------------------
// Pod labels

/** Pod templates of all workloads, indexed by namespace → label key → value. */
export class LabelIndex {
  private readonly byNs = new Map<string, Map<string, Map<string, Resource[]>>>();
  private readonly templates = new Map<Resource, PodTemplateView>();

  constructor(readonly index: ResourceIndex) {
    // Per namespace from the index's workload lists (in `all` order): the same tables as a walk
    // over every resource, without looking at the ones that are not workloads.
    for (const ns of index.workloadNamespaces()) {
      for (const r of index.workloads(ns)) this.add(ns, r);
    }
  }

  private add(ns: string, r: Resource): void {
    const t = templateOf(r);
    if (!t) return;
    this.templates.set(r, t);
    let keys = this.byNs.get(ns);
    if (!keys) this.byNs.set(ns, (keys = new Map()));
    for (const [k, v] of Object.entries(t.labels)) {
      let values = keys.get(k);
      if (!values) keys.set(k, (values = new Map()));
      const list = values.get(v);
      if (list) list.push(r);
      else values.set(v, [r]);
    }
  }

  template(workload: Resource): PodTemplateView | undefined {
    return this.templates.get(workload);
  }

  /** Workloads in `namespace` whose pod labels satisfy every entry of `selector`. */
  select(namespace: string, selector: Record<string, string>): Resource[] {
    const keys = this.byNs.get(namespace);
    const entries = Object.entries(selector);
    if (!keys || entries.length === 0) return [];
    let smallest: Resource[] | undefined;
    for (const [k, v] of entries) {
      const list = keys.get(k)?.get(v);
      if (!list) return [];
      if (!smallest || list.length < smallest.length) smallest = list;
    }
    return smallest!.filter((w) => selectorMatches(selector, this.templates.get(w)!.labels));
  }

  /** Namespaces other than `except` with workloads that the selector matches. */
  selectElsewhere(except: string, selector: Record<string, string>): Resource[] {
    const out: Resource[] = [];
    for (const ns of this.byNs.keys()) if (ns !== except) out.push(...this.select(ns, selector));
    return out;
  }

  /**
   * The workload whose pod labels differ least from the selector: most selector entries
   * satisfied, then most near-miss values (`gatway` vs `gateway`). Only workloads that satisfy at
   * least one entry or have a near-miss value count.
   */
  nearest(namespace: string, selector: Record<string, string>, preferName?: string, budget = 500): NearestWorkload | undefined {
    const keys = this.byNs.get(namespace);
    const entries = Object.entries(selector);
    if (!keys || !entries.length) return undefined;
    const score = new Map<Resource, { matched: number; near: number }>();
    const bump = (w: Resource, field: 'matched' | 'near') => {
      const s = score.get(w) ?? { matched: 0, near: 0 };
      s[field]++;
      score.set(w, s);
    };
    for (const [k, v] of entries) {
      const values = keys.get(k);
      if (!values) continue;
      for (const w of values.get(v) ?? []) bump(w, 'matched');
      let seen = 0;
      for (const [other, list] of values) {
        if (other === v) continue;
        if (++seen > budget) break;
        const limit = nearThreshold(v, other);
        if (editDistance(v, other, limit) <= limit) for (const w of list) bump(w, 'near');
      }
    }
    let best: Resource | undefined;
    let bestKey: [number, number, number] = [Infinity, Infinity, Infinity];
    for (const [w, s] of score) {
      const key: [number, number, number] = [entries.length - s.matched, -s.near, preferName && w.name === preferName ? 0 : 1];
      if (key[0] < bestKey[0] || (key[0] === bestKey[0] && (key[1] < bestKey[1] || (key[1] === bestKey[1] && key[2] < bestKey[2])))) {
        best = w;
        bestKey = key;
      }
    }
    if (!best) return undefined;
    const labels = this.templates.get(best)!.labels;
    const differences: LabelDifference[] = [];
    for (const [k, v] of entries) if (labels[k] !== v) differences.push({ key: k, selectorValue: v, labelValue: labels[k] });
    return { workload: best, differences };
  }
}

// ---------------------------------------------------------------------------------------------
// Containers and ports

/** Containers that run for the pod's lifetime: regular containers and sidecar init containers. */
export function longRunningContainers(t: PodTemplateView): ContainerView[] {
  return containersOf(t, true).filter((c) => !c.init || c.container.restartPolicy === 'Always');
}

export function containerPortsOf(containers: readonly ContainerView[]): ContainerPortView[] {
  const out: ContainerPortView[] = [];
  for (const c of containers) {
    asArray(c.container.ports).forEach((p, index) => {
      const rec = asRecord(p);
      if (!rec) return;
      out.push({
        container: c,
        index,
        path: [...c.path, 'ports', index],
        containerPort: toPortNumber(rec.containerPort),
        name: typeof rec.name === 'string' ? rec.name : undefined,
        protocol: typeof rec.protocol === 'string' ? rec.protocol : 'TCP',
      });
    });
  }
  return out;
}

export function mapServicePort(servicePort: ServicePortView, ports: readonly ContainerPortView[]): PortMapping {
  const tp = servicePort.targetPort;
  if (tp === undefined) return { servicePort, status: 'invalid' };
  if (typeof tp === 'string') {
    const hit = ports.find((p) => p.name === tp && p.protocol === servicePort.protocol) ?? ports.find((p) => p.name === tp);
    return hit ? { servicePort, status: 'declared', containerPort: hit, podPort: hit.containerPort } : { servicePort, status: 'named-missing' };
  }
  const hit = ports.find((p) => p.containerPort === tp && p.protocol === servicePort.protocol) ?? ports.find((p) => p.containerPort === tp);
  if (hit) return { servicePort, status: 'declared', containerPort: hit, podPort: tp };
  return { servicePort, status: ports.length ? 'undeclared' : 'no-ports', podPort: tp };
}

// ---------------------------------------------------------------------------------------------
// The computation

export function computeReferences(index: ResourceIndex): References {
  const labels = new LabelIndex(index);
  const resolver = new ServiceAddressResolver(index);
  const addressToken = addressContextToken(resolver);
  const selects: SelectsReference[] = [];
  const scales: ScalesReference[] = [];
  const routes: RoutesReference[] = [];
  const calls: CallsReference[] = [];
  const uses: UsesReference[] = [];

  // What each resource points at is read from its object once (cached with the parsed document);
  // per pass only the lookups against this index run.
  for (const r of index.all) {
    switch (r.kind) {
      case 'Service':
        serviceSelects(r, index, labels, selects);
        break;
      case 'HorizontalPodAutoscaler':
        hpaScales(r, index, resolver.names, scales);
        break;
      case 'Ingress':
        ingressRoutes(r, index, resolver.names, routes);
        break;
      default:
        if (isWorkload(r)) {
          const out = workloadOutgoing(r);
          if (out) workloadCalls(r, out, addressToken, index, resolver, calls, uses);
        }
    }
  }

  const duplicates = findDuplicates(index);
  const all: Reference[] = [...selects, ...scales, ...routes, ...calls, ...uses];
  // Only some callers ask by resource: the two maps are built on the first question.
  let fromMap: Map<Resource, Reference[]> | undefined;
  let toMap: Map<Resource, Reference[]> | undefined;
  const byResource = () => {
    fromMap = new Map();
    toMap = new Map();
    for (const ref of all) {
      push(fromMap, ref.from, ref);
      if (ref.target) push(toMap, ref.target, ref);
    }
  };
  return {
    selects,
    scales,
    routes,
    calls,
    uses,
    duplicates,
    all,
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
}

// ---------------------------------------------------------------------------------------------
// Per-object caches. A resource's object is shared by every pass while its document text is
// unchanged (DocumentCache), so what depends on the object alone is computed once per edit of it.
// Nothing here may hold a Resource: those are new objects whenever their file is set again.

const templates = new WeakMap<object, PodTemplateView | null>();

/** podTemplateOf, cached with the object. */
function templateOf(r: Resource): PodTemplateView | undefined {
  let t = templates.get(r.object);
  if (t === undefined) {
    t = podTemplateOf(r) ?? null;
    templates.set(r.object, t);
  }
  return t ?? undefined;
}

const workloadPortsCache = new WeakMap<object, ContainerPortView[]>();

function workloadPorts(w: Resource, t: PodTemplateView): ContainerPortView[] {
  let p = workloadPortsCache.get(w.object);
  if (!p) workloadPortsCache.set(w.object, (p = containerPortsOf(longRunningContainers(t))));
  return p;
}

/** Service port → container port mappings of one Service over one workload: both objects decide it. */
const portMappings = new WeakMap<object, WeakMap<object, PortMapping[]>>();

function mappingsOf(svc: Resource, w: Resource, t: PodTemplateView): PortMapping[] {
  let byWorkload = portMappings.get(svc.object);
  if (!byWorkload) portMappings.set(svc.object, (byWorkload = new WeakMap()));
  let m = byWorkload.get(w.object);
  if (!m) {
    const ports = workloadPorts(w, t);
    m = cachedServicePortsOf(svc).map((sp) => mapServicePort(sp, ports));
    byWorkload.set(w.object, m);
  }
  return m;
}

/**
 * Which addresses a text holds depends on the workspace's Service names and namespaces (short
 * forms count only for known ones): addresses found under one set of names are reused while the
 * sets stay the same, recognised by this token.
 */
let lastAddressContext: { signature: string; token: object } = { signature: '', token: {} };

function addressContextToken(resolver: ServiceAddressResolver): object {
  const signature = `${resolver.clusterDomain}\n${[...resolver.serviceNames].join(',')}\n${[...resolver.namespaces].join(',')}`;
  if (signature !== lastAddressContext.signature) lastAddressContext = { signature, token: {} };
  return lastAddressContext.token;
}

/** A Service's selector, or null when it selects nothing (none, `{}`, or an ExternalName). */
const selectors = new WeakMap<object, Record<string, string> | null>();

function selectorOf(svc: Resource): Record<string, string> | undefined {
  let sel = selectors.get(svc.object);
  if (sel === undefined) {
    // No selector (or `{}`): endpoints are managed by hand or the Service is an ExternalName.
    sel = serviceType(svc) === 'ExternalName' ? null : stringMap(getPath(svc.object, ['spec', 'selector']));
    if (sel && !Object.keys(sel).length) sel = null;
    selectors.set(svc.object, sel);
  }
  return sel ?? undefined;
}

const SELECTOR_PATH: PathSegment[] = ['spec', 'selector'];

function serviceSelects(svc: Resource, index: ResourceIndex, labels: LabelIndex, out: SelectsReference[]): void {
  const selector = selectorOf(svc);
  if (!selector) return;
  const ns = index.namespaceOf(svc) ?? '';
  const path = SELECTOR_PATH;
  const matched = labels.select(ns, selector);
  if (matched.length) {
    for (const w of matched) {
      out.push({ type: 'selects', from: svc, path, target: w, selector, ports: mappingsOf(svc, w, labels.template(w)!) });
    }
    return;
  }
  const elsewhere = labels.selectElsewhere(ns, selector);
  if (elsewhere.length) {
    out.push({ type: 'selects', from: svc, path, selector, ports: [], problem: { reason: 'other-namespace', candidates: elsewhere } });
    return;
  }
  // No workload at all in the namespace: the pods come from elsewhere (a chart, an operator); not judged.
  if (!index.workloads(ns).length) {
    out.push({ type: 'selects', from: svc, path, selector, ports: [], problem: { reason: 'out-of-scope' } });
    return;
  }
  out.push({ type: 'selects', from: svc, path, selector, ports: [], problem: { reason: 'no-match', nearest: labels.nearest(ns, selector, svc.name) } });
}

/** Lower-cased spellings people use for scalable kinds (`deploy`, `deployments`, `sts`). */
const KIND_ALIASES: Record<string, string> = {
  deployment: 'Deployment',
  deployments: 'Deployment',
  deploy: 'Deployment',
  statefulset: 'StatefulSet',
  statefulsets: 'StatefulSet',
  sts: 'StatefulSet',
  replicaset: 'ReplicaSet',
  replicasets: 'ReplicaSet',
  rs: 'ReplicaSet',
  replicationcontroller: 'ReplicationController',
  replicationcontrollers: 'ReplicationController',
  rc: 'ReplicationController',
};

/** An HPA's scaleTargetRef read from its object: everything but the lookup of the target. */
interface ScaleOutgoing {
  scaleTargetRef: ScalesReference['scaleTargetRef'];
  minReplicas: number;
  maxReplicas?: number;
  metrics: ResourceMetric[];
  /** The kind to look the target up as; undefined when kind or name is missing. */
  lookupKind?: string;
  /** A kind that is not one of the scalable built-ins: resolved if present, else out of scope. */
  custom: boolean;
  /** What is wrong with kind or apiVersion, whatever the target. */
  kindProblem?: ReferenceProblem;
}

const scaleOutgoing = new WeakMap<object, ScaleOutgoing | null>();

function scaleOutgoingOf(hpa: Resource): ScaleOutgoing | undefined {
  let out = scaleOutgoing.get(hpa.object);
  if (out !== undefined) return out ?? undefined;
  out = null;
  const ref = asRecord(getPath(hpa.object, ['spec', 'scaleTargetRef']));
  if (ref) {
    const scaleTargetRef = {
      apiVersion: typeof ref.apiVersion === 'string' ? ref.apiVersion : undefined,
      kind: typeof ref.kind === 'string' ? ref.kind : undefined,
      name: typeof ref.name === 'string' ? ref.name : undefined,
    };
    const min = getPath(hpa.object, ['spec', 'minReplicas']);
    const max = getPath(hpa.object, ['spec', 'maxReplicas']);
    out = {
      scaleTargetRef,
      minReplicas: typeof min === 'number' ? min : 1,
      maxReplicas: typeof max === 'number' ? max : undefined,
      metrics: hpaMetrics(hpa),
      custom: false,
    };
    const { kind, name, apiVersion } = scaleTargetRef;
    // Without kind or name there is nothing to look up: schema validation reports the missing field.
    if (kind && name) {
      out.lookupKind = kind;
      if (SCALABLE_KINDS[kind]) {
        const expected = SCALABLE_KINDS[kind];
        if (apiVersion && apiVersion !== expected) {
          // The autoscaler finds the target by API group and kind; the version is not used.
          const sameGroup = groupOf(apiVersion) === groupOf(expected);
          out.kindProblem = { reason: 'kind-invalid', detail: sameGroup ? 'api-version' : 'api-group', expectedApiVersion: expected };
        }
      } else if (KIND_ALIASES[kind.toLowerCase()]) {
        out.lookupKind = KIND_ALIASES[kind.toLowerCase()];
        out.kindProblem = { reason: 'kind-invalid', detail: 'unknown-kind', expectedKind: out.lookupKind, expectedApiVersion: SCALABLE_KINDS[out.lookupKind] };
      } else if (WORKLOAD_KINDS.has(kind)) {
        out.kindProblem = { reason: 'kind-invalid', detail: 'not-scalable' };
      } else {
        // A custom resource with a /scale subresource (Argo Rollout, …).
        out.custom = true;
      }
    }
  }
  scaleOutgoing.set(hpa.object, out);
  return out ?? undefined;
}

const SCALE_TARGET_PATH: PathSegment[] = ['spec', 'scaleTargetRef'];

function hpaScales(hpa: Resource, index: ResourceIndex, names: NameLookup, out: ScalesReference[]): void {
  const plan = scaleOutgoingOf(hpa);
  if (!plan) return;
  const base: ScalesReference = {
    type: 'scales',
    from: hpa,
    path: SCALE_TARGET_PATH,
    scaleTargetRef: plan.scaleTargetRef,
    minReplicas: plan.minReplicas,
    maxReplicas: plan.maxReplicas,
    metrics: plan.metrics,
  };
  if (plan.kindProblem) base.problem = plan.kindProblem;
  out.push(base);
  const lookupKind = plan.lookupKind;
  const name = plan.scaleTargetRef.name;
  if (!lookupKind || !name) return;
  const ns = index.namespaceOf(hpa) ?? '';
  if (plan.custom) {
    const found = index.first(lookupKind, ns, name);
    if (found) base.target = found;
    else base.problem = { reason: 'out-of-scope' };
    return;
  }
  const found = index.first(lookupKind, ns, name);
  if (found) {
    base.target = found;
    return;
  }
  // A wrong kind is the problem to fix first; an old apiVersion of the right group gives way to a missing target.
  if (base.problem && !(base.problem.reason === 'kind-invalid' && base.problem.detail === 'api-version')) return;
  const elsewhere = names.anyNamespace(lookupKind, name);
  if (elsewhere.length) {
    base.problem = { reason: 'other-namespace', candidates: elsewhere };
    return;
  }
  base.problem = { reason: 'not-found', nearest: names.nearest(lookupKind, ns, name) };
}

function hpaMetrics(hpa: Resource): ResourceMetric[] {
  const out: ResourceMetric[] = [];
  const spec = asRecord(hpa.object.spec);
  if (!spec) return out;
  if (hpa.apiVersion === 'autoscaling/v1') {
    const pct = spec.targetCPUUtilizationPercentage;
    out.push({
      resource: 'cpu',
      targetType: 'Utilization',
      utilization: typeof pct === 'number' ? pct : 80,
      path: pct === undefined ? ['spec'] : ['spec', 'targetCPUUtilizationPercentage'],
      defaulted: pct === undefined,
    });
    return out;
  }
  const metrics = asArray(spec.metrics);
  if (!metrics.length) {
    out.push({ resource: 'cpu', targetType: 'Utilization', utilization: 80, path: ['spec'], defaulted: true });
    return out;
  }
  metrics.forEach((m, i) => {
    const rec = asRecord(m);
    if (!rec) return;
    const field = rec.type === 'Resource' ? 'resource' : rec.type === 'ContainerResource' ? 'containerResource' : undefined;
    if (!field) return;
    const body = asRecord(rec[field]);
    if (!body || typeof body.name !== 'string') return;
    const target = asRecord(body.target);
    let targetType: string | undefined;
    let utilization: number | undefined;
    if (target) {
      targetType = typeof target.type === 'string' ? target.type : undefined;
      if (typeof target.averageUtilization === 'number') utilization = target.averageUtilization;
    } else if (typeof body.targetAverageUtilization === 'number') {
      // autoscaling/v2beta1
      targetType = 'Utilization';
      utilization = body.targetAverageUtilization;
    } else if (body.targetAverageValue !== undefined) {
      targetType = 'AverageValue';
    }
    if (!targetType) return;
    out.push({
      resource: body.name,
      targetType,
      utilization,
      path: ['spec', 'metrics', i, field, 'name'],
      container: field === 'containerResource' && typeof body.container === 'string' ? body.container : undefined,
      defaulted: false,
    });
  });
  return out;
}

/** An Ingress backend as written: the Service it names and the port. */
type BackendOutgoing = Omit<RoutesReference, 'type' | 'from' | 'target' | 'problem' | 'servicePort'>;

const backendsCache = new WeakMap<object, BackendOutgoing[]>();

function backendsOf(ing: Resource): BackendOutgoing[] {
  const cached = backendsCache.get(ing.object);
  if (cached) return cached;
  const out: BackendOutgoing[] = [];
  backendsCache.set(ing.object, out);
  const spec = asRecord(ing.object.spec);
  if (!spec) return out;
  const add = (backendPath: PathSegment[], backend: unknown, isDefault: boolean, host?: string, httpPath?: string) => {
    const b = asRecord(backend);
    if (!b) return;
    let serviceName: string | undefined;
    let namePath: PathSegment[];
    let port: RoutesReference['port'];
    const svc = asRecord(b.service);
    if (svc) {
      serviceName = typeof svc.name === 'string' ? svc.name : undefined;
      namePath = [...backendPath, 'service', 'name'];
      const p = asRecord(svc.port);
      if (p && p.number !== undefined) port = { number: toPortNumber(p.number), path: [...backendPath, 'service', 'port', 'number'] };
      else if (p && typeof p.name === 'string') port = { name: p.name, path: [...backendPath, 'service', 'port', 'name'] };
    } else if (typeof b.serviceName === 'string') {
      // extensions/v1beta1 and networking.k8s.io/v1beta1
      serviceName = b.serviceName;
      namePath = [...backendPath, 'serviceName'];
      const n = toPortNumber(b.servicePort);
      if (n !== undefined) port = { number: n, path: [...backendPath, 'servicePort'] };
      else if (typeof b.servicePort === 'string') port = { name: b.servicePort, path: [...backendPath, 'servicePort'] };
    } else {
      return; // a resource backend, or nothing to resolve
    }
    if (!serviceName) return;
    out.push({ path: namePath, serviceName, port, host, httpPath, isDefault });
  };
  if (spec.defaultBackend) add(['spec', 'defaultBackend'], spec.defaultBackend, true);
  else if (spec.backend) add(['spec', 'backend'], spec.backend, true);
  asArray(spec.rules).forEach((rule, i) => {
    const r = asRecord(rule);
    const host = typeof r?.host === 'string' ? r.host : undefined;
    asArray(getPath(r, ['http', 'paths'])).forEach((p, j) => {
      const pr = asRecord(p);
      add(['spec', 'rules', i, 'http', 'paths', j, 'backend'], pr?.backend, false, host, typeof pr?.path === 'string' ? pr.path : undefined);
    });
  });
  return out;
}

function ingressRoutes(ing: Resource, index: ResourceIndex, names: NameLookup, out: RoutesReference[]): void {
  const backends = backendsOf(ing);
  if (!backends.length) return;
  const ns = index.namespaceOf(ing) ?? '';
  for (const backend of backends) {
    const { serviceName, port } = backend;
    const ref: RoutesReference = { type: 'routes', from: ing, ...backend };
    out.push(ref);
    const target = index.first('Service', ns, serviceName);
    if (!target) {
      const elsewhere = names.anyNamespace('Service', serviceName);
      ref.problem = elsewhere.length
        ? { reason: 'other-namespace', candidates: elsewhere }
        : { reason: 'not-found', nearest: names.nearest('Service', ns, serviceName) };
      continue;
    }
    ref.target = target;
    if (!port) continue;
    const ports = cachedServicePortsOf(target);
    const hit = port.number !== undefined ? ports.find((p) => p.port === port.number) : ports.find((p) => p.name === port.name);
    if (hit) ref.servicePort = hit;
    else if (!(serviceType(target) === 'ExternalName' && !ports.length)) {
      ref.problem = { reason: 'port-missing', port: port.number ?? port.name ?? '', ports };
    }
  }
}

/** A string in env or command/args that may hold Service addresses. */
interface CallSite {
  container: ContainerView;
  path: PathSegment[];
  text: string;
  /** The env var name (env values only). */
  envName?: string;
  /** command/args: the previous argument, which may be the flag this one is the value of. */
  arg?: { previous?: string };
}

interface FoundCall {
  container: ContainerView;
  path: PathSegment[];
  address: ServiceAddress;
  envName?: string;
}

type UseOutgoing = Omit<UsesReference, 'type' | 'from' | 'target' | 'problem'>;

/** What a workload's pod template points at, read from its object alone. */
interface WorkloadOutgoing {
  template: PodTemplateView;
  sites: CallSite[];
  uses: UseOutgoing[];
  /** Addresses found in `sites` under the address context `token`. */
  found?: { token: object; calls: FoundCall[] };
}

const workloadCache = new WeakMap<object, WorkloadOutgoing | null>();

function workloadOutgoing(w: Resource): WorkloadOutgoing | undefined {
  let out = workloadCache.get(w.object);
  if (out !== undefined) return out ?? undefined;
  const t = templateOf(w);
  out = t ? { template: t, sites: [], uses: [] } : null;
  workloadCache.set(w.object, out);
  if (!out || !t) return undefined;
  const { sites, uses } = out;
  for (const c of containersOf(t, true)) {
    asArray(c.container.env).forEach((e, i) => {
      const env = asRecord(e);
      if (!env) return;
      const envName = typeof env.name === 'string' ? env.name : undefined;
      if (typeof env.value === 'string') sites.push({ container: c, path: [...c.path, 'env', i, 'value'], text: env.value, envName });
      const from = asRecord(env.valueFrom);
      for (const [field, kind] of [
        ['configMapKeyRef', 'ConfigMap'],
        ['secretKeyRef', 'Secret'],
      ] as const) {
        const sel = asRecord(from?.[field]);
        if (sel && typeof sel.name === 'string') {
          uses.push({
            path: [...c.path, 'env', i, 'valueFrom', field, 'name'],
            targetKind: kind,
            name: sel.name,
            via: 'env',
            key: typeof sel.key === 'string' ? sel.key : undefined,
            optional: sel.optional === true,
            container: c,
          });
        }
      }
    });
    asArray(c.container.envFrom).forEach((e, i) => {
      const env = asRecord(e);
      for (const [field, kind] of [
        ['configMapRef', 'ConfigMap'],
        ['secretRef', 'Secret'],
      ] as const) {
        const sel = asRecord(env?.[field]);
        if (sel && typeof sel.name === 'string') {
          uses.push({
            path: [...c.path, 'envFrom', i, field, 'name'],
            targetKind: kind,
            name: sel.name,
            via: 'envFrom',
            optional: sel.optional === true,
            container: c,
          });
        }
      }
    });
    for (const field of ['command', 'args'] as const) {
      const list = asArray(c.container[field]);
      list.forEach((arg, i) => {
        if (typeof arg !== 'string') return;
        const previous = i > 0 && typeof list[i - 1] === 'string' ? (list[i - 1] as string) : undefined;
        sites.push({ container: c, path: [...c.path, field, i], text: arg, arg: { previous } });
      });
    }
  }

  asArray(t.spec?.volumes).forEach((v, i) => {
    const vol = asRecord(v);
    if (!vol) return;
    const volPath: PathSegment[] = [...t.specPath, 'volumes', i];
    const cm = asRecord(vol.configMap);
    if (cm && typeof cm.name === 'string') {
      uses.push({ path: [...volPath, 'configMap', 'name'], targetKind: 'ConfigMap', name: cm.name, via: 'volume', optional: cm.optional === true });
    }
    const sec = asRecord(vol.secret);
    if (sec && typeof sec.secretName === 'string') {
      uses.push({ path: [...volPath, 'secret', 'secretName'], targetKind: 'Secret', name: sec.secretName, via: 'volume', optional: sec.optional === true });
    }
    asArray(getPath(vol, ['projected', 'sources'])).forEach((s, j) => {
      const src = asRecord(s);
      for (const [field, kind] of [
        ['configMap', 'ConfigMap'],
        ['secret', 'Secret'],
      ] as const) {
        const sel = asRecord(src?.[field]);
        if (sel && typeof sel.name === 'string') {
          uses.push({
            path: [...volPath, 'projected', 'sources', j, field, 'name'],
            targetKind: kind,
            name: sel.name,
            via: 'volume',
            optional: sel.optional === true,
          });
        }
      }
    });
  });
  return out;
}

function foundCalls(out: WorkloadOutgoing, token: object, resolver: ServiceAddressResolver): FoundCall[] {
  if (out.found?.token === token) return out.found.calls;
  const calls: FoundCall[] = [];
  for (const site of out.sites) {
    if (site.arg) {
      for (const { address } of addressesInArg(site.text, site.arg.previous, resolver)) calls.push({ container: site.container, path: site.path, address });
    } else {
      for (const address of resolver.find(site.text, site.envName)) calls.push({ container: site.container, path: site.path, address, envName: site.envName });
    }
  }
  out.found = { token, calls };
  return calls;
}

function workloadCalls(
  w: Resource,
  out: WorkloadOutgoing,
  token: object,
  index: ResourceIndex,
  resolver: ServiceAddressResolver,
  calls: CallsReference[],
  uses: UsesReference[],
): void {
  const ns = index.namespaceOf(w) ?? '';
  for (const { container, path, address, envName } of foundCalls(out, token, resolver)) {
    const ref: CallsReference = { type: 'calls', from: w, path, container, envName, address, namespace: address.namespace ?? ns };
    const res = resolver.resolve(address, ns);
    switch (res.status) {
      case 'resolved':
        ref.target = res.service;
        ref.servicePort = res.port;
        break;
      case 'port-missing':
        ref.target = res.service;
        ref.problem = { reason: 'port-missing', port: res.port, ports: res.ports, defaulted: address.port === undefined };
        break;
      case 'other-namespace':
        ref.problem = { reason: 'other-namespace', candidates: res.candidates };
        break;
      case 'not-found':
        ref.problem = { reason: 'not-found', nearest: res.nearest };
        break;
      case 'out-of-scope':
        ref.problem = { reason: 'out-of-scope' };
        break;
    }
    calls.push(ref);
  }
  for (const use of out.uses) {
    const u: UsesReference = { type: 'uses', from: w, ...use };
    const target = index.first(u.targetKind, ns, u.name);
    if (!target) {
      u.problem = { reason: 'not-found', nearest: resolver.names.nearest(u.targetKind, ns, u.name) };
    } else {
      u.target = target;
      if (u.key !== undefined && !hasDataKey(target, u.key)) u.problem = { reason: 'key-missing', key: u.key };
    }
    uses.push(u);
  }
}

/**
 * Addresses in one command/args string, with the flag it belongs to as context:
 * `--model-host=tf-serving:8500`, or `--model-host` followed by `tf-serving:8500` as the next arg,
 * or words of a shell line (`sh -c "curl http://gateway/…"`).
 */
export function addressesInArg(arg: string, previous: string | undefined, resolver: ServiceAddressResolver): { address: ServiceAddress; key?: string }[] {
  const out: { address: ServiceAddress; key?: string }[] = [];
  const prevFlag = previous && /^-{1,2}[A-Za-z][\w.-]*$/.test(previous) ? previous : undefined;
  const token = /\S+/g;
  let first = true;
  for (let m = token.exec(arg); m; m = token.exec(arg)) {
    let value = m[0];
    let offset = m.index;
    let key = first ? prevFlag : undefined;
    const flag = /^-{1,2}([A-Za-z][\w.-]*)=/.exec(value);
    if (flag) {
      key = flag[1];
      offset += flag[0].length;
      value = value.slice(flag[0].length);
    }
    first = false;
    for (const a of resolver.find(value, key)) {
      out.push({
        address: {
          ...a,
          start: a.start + offset,
          end: a.end + offset,
          hostStart: a.hostStart + offset,
          hostEnd: a.hostEnd + offset,
          portStart: a.portStart !== undefined ? a.portStart + offset : undefined,
        },
        key,
      });
    }
  }
  return out;
}

function hasDataKey(target: Resource, key: string): boolean {
  const fields = target.kind === 'Secret' ? ['data', 'stringData'] : ['data', 'binaryData'];
  return fields.some((f) => {
    const rec = asRecord(target.object[f]);
    return rec !== undefined && Object.prototype.hasOwnProperty.call(rec, key);
  });
}

// ---------------------------------------------------------------------------------------------
// Duplicates

/** Built-in kinds that moved API group: the old group addresses the same object. */
const CANONICAL_GROUP: Record<string, string> = {
  Deployment: 'apps',
  DaemonSet: 'apps',
  ReplicaSet: 'apps',
  StatefulSet: 'apps',
  Ingress: 'networking.k8s.io',
  NetworkPolicy: 'networking.k8s.io',
  PodSecurityPolicy: 'policy',
};

function canonicalGroup(r: Resource): string {
  return CANONICAL_GROUP[r.kind ?? ''] ?? groupOf(r.apiVersion);
}

const KUSTOMIZATION_FILES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

/** A kustomize build file. */
function isKustomization(r: Resource): boolean {
  return r.kind === 'Kustomization' && (groupOf(r.apiVersion) === 'kustomize.config.k8s.io' || KUSTOMIZATION_FILES.has(baseName(r.file)));
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

function dirOf(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i === -1 ? '' : file.slice(0, i);
}

/**
 * Same kind, namespace and name, defined more than once. Files under different kustomize roots
 * (a base and its overlays) are separate builds, so a patch in an overlay is not a duplicate.
 * Built on the ResourceIndex's name table: only names that occur twice cost anything.
 */
function findDuplicates(index: ResourceIndex): Resource[][] {
  const out: Resource[][] = [];
  let rootOf: ((file: string) => string) | undefined;
  for (const same of index.sameKeyGroups()) {
    rootOf ??= kustomizeRoots(index);
    // Split the same-named objects by API group family and kustomize root.
    const groups = new Map<string, Resource[]>();
    for (const x of same) {
      if (isKustomization(x) || x.doc.parsed.hasSyntaxErrors) continue;
      push(groups, `${canonicalGroup(x)}|${rootOf(x.file)}`, x);
    }
    for (const list of groups.values()) if (list.length > 1) out.push(list);
  }
  return out;
}

/**
 * A kustomize root is a folder with a Kustomization object in the workspace, or — as a
 * kustomization.yaml written without kind is not indexed at all — a folder named `base` or a
 * folder inside one named `overlays`. Returns the root a file belongs to ('' for none).
 */
function kustomizeRoots(index: ResourceIndex): (file: string) => string {
  const roots = new Set<string>();
  for (const r of index.ofKind('Kustomization')) if (isKustomization(r)) roots.add(dirOf(r.file));
  const isRoot = (d: string): boolean => {
    if (roots.has(d)) return true;
    const parent = dirOf(d);
    return baseName(d) === 'base' || baseName(parent) === 'overlays';
  };
  const cache = new Map<string, string>();
  return (file: string): string => {
    const dir = dirOf(file);
    let root = cache.get(dir);
    if (root === undefined) {
      root = '';
      for (let d = dir; d; d = dirOf(d)) {
        if (isRoot(d)) {
          root = d;
          break;
        }
      }
      cache.set(dir, root);
    }
    return root;
  };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
