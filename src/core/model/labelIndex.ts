import type { Resource } from '../parse/manifestParser';
import type { ResourceIndex } from '../index/resourceIndex';
import { podTemplateOf, selectorMatches, type PodTemplateView } from './kinds';
import { memoByObject } from './memo';
import { isLikelyTypo } from './nearNames';
import type { LabelDifference, NearestWorkload } from './references';
import { pushTo } from '../multimap';

const labelIndexes = new WeakMap<ResourceIndex, LabelIndex>();

/** The pod labels of an index's workloads, built once per index. */
export function labelsOf(index: ResourceIndex): LabelIndex {
  let labels = labelIndexes.get(index);
  if (!labels) labelIndexes.set(index, (labels = new LabelIndex(index)));
  return labels;
}

/**
 * `to` is the next pass's index over the same workloads, in the same order, under the same
 * settings (referenceCarry.ts): it answers with `from`'s label index instead of building its own.
 */
export function shareLabels(from: ResourceIndex, to: ResourceIndex): void {
  const labels = labelIndexes.get(from);
  if (labels && !labelIndexes.has(to)) labelIndexes.set(to, labels);
}

/**
 * `to` is the next pass's index where the only workload changes are workloads replaced in place
 * (same place, same namespace) by ones whose pods carry the same labels (an image or a replica
 * count edited): its label index is `from`'s with those entries swapped, the lists copied where
 * they changed and shared elsewhere. Nothing is set when that does not hold (the index is built).
 */
export function carryLabels(from: ResourceIndex, to: ResourceIndex, swaps: readonly (readonly [before: Resource, after: Resource])[]): void {
  const labels = labelIndexes.get(from);
  if (!labels || labelIndexes.has(to)) return;
  const next = labels.replaced(to, swaps);
  if (next) labelIndexes.set(to, next);
}

/** podTemplateOf, computed once per object. */
export const templateOf = memoByObject((r: Resource): PodTemplateView | undefined => podTemplateOf(r));

/** At most this many StatefulSet ordinals get their per-pod labels indexed. */
const MAX_ORDINALS = 100;

/**
 * Labels a controller adds to the pods it makes, beyond the template's: the Job controller's
 * `job-name` (and `batch.kubernetes.io/job-name`), and a StatefulSet pod's own name and index.
 * Values the workload's object cannot tell (`pod-template-hash`, `controller-uid`) are not here.
 */
function controllerLabels(r: Resource, t: PodTemplateView): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!r.name) return out;
  if (r.kind === 'Job') {
    for (const key of ['job-name', 'batch.kubernetes.io/job-name']) if (t.labels[key] === undefined) out.set(key, [r.name]);
  } else if (r.kind === 'StatefulSet') {
    const replicas = (r.object.spec as { replicas?: unknown } | undefined)?.replicas;
    const n = Math.min(typeof replicas === 'number' && replicas >= 0 ? replicas : 1, MAX_ORDINALS);
    const ordinals = Array.from({ length: n }, (_, i) => i);
    out.set(
      'statefulset.kubernetes.io/pod-name',
      ordinals.map((i) => `${r.name}-${i}`),
    );
    out.set(
      'apps.kubernetes.io/pod-index',
      ordinals.map((i) => String(i)),
    );
  }
  return out;
}

/** The labels a workload's pods carry under an index: the template's, what kustomize adds, and the controller's. */
export interface PodLabels {
  template: PodTemplateView;
  /** Template labels with kustomize's added ones. */
  labels: Record<string, string>;
  /** Controller labels (several values for a StatefulSet's per-pod labels). */
  implied: Map<string, string[]>;
  /** Every key and value a selector can match: `labels`, then each implied value. */
  entries: [string, string][];
}

export function podLabelsOf(index: ResourceIndex, r: Resource): PodLabels | undefined {
  const template = templateOf(r);
  if (!template) return undefined;
  const added = index.labelsAddedTo(r)?.template;
  const labels = added ? { ...template.labels, ...added } : template.labels;
  const entries: [string, string][] = Object.entries(labels);
  const implied = controllerLabels(r, template);
  for (const [k, vs] of implied) for (const v of vs) entries.push([k, v]);
  return { template, labels, implied, entries };
}

/** Pod templates of all workloads, indexed by namespace → label key → value (template and controller labels). */
export class LabelIndex {
  private byNs = new Map<string, Map<string, Map<string, Resource[]>>>();
  private templates = new Map<Resource, PodTemplateView>();
  /** The labels the pods get: the template's, and what kustomize adds to it. */
  private podLabels = new Map<Resource, Record<string, string>>();
  private implied = new Map<Resource, Map<string, string[]>>();

  constructor(index?: ResourceIndex) {
    if (!index) return;
    // Per namespace from the index's workload lists (in `all` order): the same tables as a walk
    // over every resource, without looking at the ones that are not workloads.
    for (const ns of index.workloadNamespaces()) {
      for (const r of index.workloads(ns)) this.add(index, ns, r);
    }
  }

  /** This index with workloads swapped for ones with the same pod labels (see carryLabels), or undefined. */
  replaced(index: ResourceIndex, swaps: readonly (readonly [before: Resource, after: Resource])[]): LabelIndex | undefined {
    const next = new LabelIndex();
    next.byNs = new Map(this.byNs);
    next.templates = new Map(this.templates);
    next.podLabels = new Map(this.podLabels);
    next.implied = new Map(this.implied);
    const copied = new Set<object>();
    const writable = <T extends Map<unknown, unknown> | Resource[]>(value: T): T => {
      if (copied.has(value)) return value;
      const copy = (Array.isArray(value) ? value.slice() : new Map(value)) as T;
      copied.add(copy);
      return copy;
    };
    for (const [before, after] of swaps) {
      next.templates.delete(before);
      next.podLabels.delete(before);
      next.implied.delete(before);
      const pod = podLabelsOf(index, after);
      if (!pod) continue; // neither has a pod template: in no list
      next.templates.set(after, pod.template);
      next.podLabels.set(after, pod.labels);
      if (pod.implied.size) next.implied.set(after, pod.implied);
      const ns = index.namespaceOf(after) ?? '';
      const keysBefore = next.byNs.get(ns);
      if (!keysBefore) return undefined;
      const keys = writable(keysBefore);
      next.byNs.set(ns, keys);
      for (const [k, v] of pod.entries) {
        const valuesBefore = keys.get(k);
        const listBefore = valuesBefore?.get(v);
        if (!valuesBefore || !listBefore) return undefined;
        const values = writable(valuesBefore);
        keys.set(k, values);
        const list = writable(listBefore);
        values.set(v, list);
        const at = list.indexOf(before);
        if (at === -1) return undefined;
        list[at] = after;
      }
    }
    return next;
  }

  private add(index: ResourceIndex, ns: string, r: Resource): void {
    const pod = podLabelsOf(index, r);
    if (!pod) return;
    this.templates.set(r, pod.template);
    this.podLabels.set(r, pod.labels);
    if (pod.implied.size) this.implied.set(r, pod.implied);
    let keys = this.byNs.get(ns);
    if (!keys) this.byNs.set(ns, (keys = new Map<string, Map<string, Resource[]>>()));
    for (const [k, v] of pod.entries) {
      let values = keys.get(k);
      if (!values) keys.set(k, (values = new Map<string, Resource[]>()));
      pushTo(values, v, r);
    }
  }

  /** Whether the pods of workload `w` carry every label of `selector` (controller labels included). */
  private podsMatch(w: Resource, selector: Record<string, string>): boolean {
    const labels = this.podLabels.get(w)!;
    const implied = this.implied.get(w);
    if (!implied) return selectorMatches(selector, labels);
    const keys = Object.keys(selector);
    return keys.length > 0 && keys.every((k) => labels[k] === selector[k] || (implied.get(k)?.includes(selector[k]) ?? false));
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
    return smallest!.filter((w) => this.podsMatch(w, selector));
  }

  /** Namespaces other than `except` with workloads that the selector matches. */
  selectElsewhere(except: string, selector: Record<string, string>): Resource[] {
    const out: Resource[] = [];
    for (const ns of this.byNs.keys()) if (ns !== except) out.push(...this.select(ns, selector));
    return out;
  }

  /**
   * The workload whose pod labels differ least from the selector: most selector entries
   * satisfied, then most near-miss values (`gatway` vs `gateway`), then the one named `preferName`.
   * Only workloads that satisfy at least one entry or have a near-miss value count.
   */
  nearest(namespace: string, selector: Record<string, string>, preferName?: string, budget = 500): NearestWorkload | undefined {
    const best = this.nearestAll(namespace, selector, budget);
    return (preferName !== undefined ? best.find((n) => n.workload.name === preferName) : undefined) ?? best[0];
  }

  /** Every workload that is nearest to the selector (equally near ones in index order of first sight). */
  nearestAll(namespace: string, selector: Record<string, string>, budget = 500): NearestWorkload[] {
    const keys = this.byNs.get(namespace);
    const entries = Object.entries(selector);
    if (!keys || !entries.length) return [];
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
        if (isLikelyTypo(v, other)) for (const w of list) bump(w, 'near');
      }
    }
    let best: Resource[] = [];
    let bestMatched = -1;
    let bestNear = -1;
    for (const [w, s] of score) {
      if (s.matched > bestMatched || (s.matched === bestMatched && s.near > bestNear)) {
        best = [w];
        bestMatched = s.matched;
        bestNear = s.near;
      } else if (s.matched === bestMatched && s.near === bestNear) best.push(w);
    }
    return best.map((w) => {
      const labels = this.podLabels.get(w)!;
      const differences: LabelDifference[] = [];
      for (const [k, v] of entries) if (labels[k] !== v) differences.push({ key: k, selectorValue: v, labelValue: labels[k] });
      return { workload: w, differences };
    });
  }
}
