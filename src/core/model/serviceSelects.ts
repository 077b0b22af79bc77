import type { PathSegment } from '../parse/locate';
import type { Resource } from '../parse/manifestParser';
import type { ResourceIndex } from '../index/resourceIndex';
import { getPath, stringMap } from './kinds';
import { memoByObject } from './memo';
import { serviceType } from './serviceAddress';
import { labelsOf, type LabelIndex } from './labelIndex';
import { mappingsOf } from './podPorts';
import type { NearestWorkload, ReferenceProblem, SelectsReference } from './references';
import { lookupKey, touches } from './referenceCarry';

/**
 * Service → the workloads whose pod templates its selector matches, one {@link ServiceSelection}
 * per Service. Services with the same selector in the same namespace share one list of targets
 * (and one answer to every other lookup), so many Services selecting the same pods cost one
 * lookup, not one per Service × workload pair.
 */

/** What one Service selects; `targets` is shared with the Services that have the same selector and namespace (do not modify). */
export interface ServiceSelection {
  from: Resource;
  path: PathSegment[];
  selector: Record<string, string>;
  /** The selected workloads: in this unit, or (with `outside`) in another unit of the scope; empty when broken. */
  targets: readonly Resource[];
  outside?: boolean;
  problem?: ReferenceProblem;
}

/** A Service's selector, or undefined when it selects nothing (none, `{}`, or an ExternalName). */
const selectorOf = memoByObject((svc: Resource): Record<string, string> | undefined => {
  // No selector (or `{}`): endpoints are managed by hand or the Service is an ExternalName.
  if (serviceType(svc) === 'ExternalName') return undefined;
  const sel = stringMap(getPath(svc.object, ['spec', 'selector']));
  return Object.keys(sel).length ? sel : undefined;
});

const SELECTOR_PATH: PathSegment[] = ['spec', 'selector'];

/**
 * The cluster runs its own pods in kube-system (CoreDNS keeps `k8s-app: kube-dns`, kube-proxy,
 * the CNI): a Service there may select them (node-local DNS's `kube-dns-upstream` does), so a
 * selector no workload of the unit matches is said at a lower severity, not judged.
 */
const CLUSTER_NAMESPACE = 'kube-system';
export const CLUSTER_COMPONENTS = "the cluster's own components (kube-system)";

/** The answers for one namespace and selector, shared by every Service that asks the same. */
interface SelectorAnswer {
  matched: Resource[];
  outside: Resource[];
  elsewhere: Resource[];
  /** Computed on first need: the best-scoring workloads, and the first of them per name. */
  nearest?: { first?: NearestWorkload; byName: Map<string, NearestWorkload> };
  /** Keys of the index entries the answer read (referenceCarry.ts); the nearest workload adds its own. */
  deps: string[];
}

/** Answers of a pass, by namespace and selector. */
export type SelectorAnswers = ReadonlyMap<string, SelectorAnswer>;

/** Answers of the pass before, and the lookups that changed since: what may be reused. */
export interface PreviousAnswers {
  answers: SelectorAnswers;
  changed: ReadonlySet<string>;
}

/** One pass over an index: selector answers are cached per namespace and selector. */
export class SelectionPass {
  private readonly answers = new Map<string, SelectorAnswer>();
  constructor(
    private readonly index: ResourceIndex,
    private readonly labels: LabelIndex,
    /** Answers a keystroke's pass may take from the one before; dropped by {@link settle}. */
    private previous?: PreviousAnswers,
  ) {}

  /** This pass's answers, for the next pass to reuse. */
  settle(): SelectorAnswers {
    this.previous = undefined;
    return this.answers;
  }

  private answer(ns: string, selector: Record<string, string>): SelectorAnswer {
    const key = selectorKey(ns, selector);
    let a = this.answers.get(key);
    if (a) return a;
    const before = this.previous?.answers.get(key);
    if (before && !touches(before.deps, this.previous!.changed)) {
      this.answers.set(key, before);
      return before;
    }
    const deps: string[] = [];
    for (const k in selector) deps.push(lookupKey.label(ns, k, selector[k]));
    const matched = this.labels.select(ns, selector);
    // Pods of another unit in the same namespace: resolved there, judged there.
    const outsideIndex = this.index.unit?.outside;
    const outside = matched.length || !outsideIndex ? [] : labelsOf(outsideIndex).select(ns, selector);
    let elsewhere: Resource[] = [];
    if (!matched.length && !outside.length) {
      elsewhere = this.labels.selectElsewhere(ns, selector);
      for (const k in selector) deps.push(lookupKey.labelAnyNamespace(k, selector[k]));
    }
    a = { matched, outside, elsewhere, deps };
    this.answers.set(key, a);
    return a;
  }

  /** The nearest workload for a selector, preferring one named like the Service among equally near ones. */
  private nearest(a: SelectorAnswer, ns: string, selector: Record<string, string>, name: string | undefined): NearestWorkload | undefined {
    if (!a.nearest) {
      for (const k in selector) a.deps.push(lookupKey.labelKey(ns, k));
      const best = this.labels.nearestAll(ns, selector);
      const byName = new Map<string, NearestWorkload>();
      for (const n of best) if (n.workload.name !== undefined && !byName.has(n.workload.name)) byName.set(n.workload.name, n);
      a.nearest = { first: best[0], byName };
    }
    return (name !== undefined ? a.nearest.byName.get(name) : undefined) ?? a.nearest.first;
  }

  select(svc: Resource): ServiceSelection | undefined {
    const written = selectorOf(svc);
    if (!written) return undefined;
    const index = this.index;
    // kustomize writes its selector labels into the Service's selector too (and into the pods').
    const added = index.labelsAddedTo(svc)?.selector;
    const selector = added && Object.keys(added).length ? { ...written, ...added } : written;
    const ns = index.namespaceOf(svc) ?? '';
    const path = SELECTOR_PATH;
    const a = this.answer(ns, selector);
    if (a.matched.length) return { from: svc, path, selector, targets: a.matched };
    if (a.outside.length) return { from: svc, path, selector, targets: a.outside, outside: true };
    if (a.elsewhere.length) return { from: svc, path, selector, targets: [], problem: { reason: 'other-namespace', candidates: a.elsewhere } };
    // No workload at all in the namespace: the pods come from elsewhere (a chart, an operator); not judged.
    if (!index.workloads(ns).length) return { from: svc, path, selector, targets: [], problem: { reason: 'out-of-scope' } };
    const nearest = this.nearest(a, ns, selector, svc.name);
    const makers = ns === CLUSTER_NAMESPACE ? [...(index.unit?.makers ?? []), CLUSTER_COMPONENTS] : (index.unit?.makers ?? []);
    const problem: ReferenceProblem = makers.length ? { reason: 'may-be-generated', makers, nearest: nearest?.workload } : { reason: 'no-match', nearest };
    return { from: svc, path, selector, targets: [], problem };
  }
}

/** The selector's entries in key order, once per selector object (a Service's own is kept with its document). */
const entryKeys = new WeakMap<Record<string, string>, string>();
function entriesKey(selector: Record<string, string>): string {
  let key = entryKeys.get(selector);
  if (key === undefined) {
    key = '';
    for (const k of Object.keys(selector).sort()) key += `\u0000${k}\u0000${selector[k]}`;
    entryKeys.set(selector, key);
  }
  return key;
}

/** Namespace and selector entries in key order: Services that select the same pods get the same key. */
function selectorKey(ns: string, selector: Record<string, string>): string {
  return ns + entriesKey(selector);
}

/** The per-pair references of one selection (one per selected workload, or one broken reference). */
export function selectsReferences(s: ServiceSelection, out: SelectsReference[]): void {
  const { from, path, selector } = s;
  if (!s.targets.length) {
    out.push({ type: 'selects', from, path, selector, ports: [], problem: s.problem });
    return;
  }
  for (const w of s.targets) {
    const ref: SelectsReference = { type: 'selects', from, path, target: w, selector, ports: mappingsOf(from, w) };
    if (s.outside) ref.outside = true;
    out.push(ref);
  }
}
