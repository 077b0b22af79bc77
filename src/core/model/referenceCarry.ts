import type { Resource } from '../parse/manifestParser';
import type { ResourceIndex, UnitScope } from '../index/resourceIndex';
import { isWorkload } from './kinds';
import { podLabelsOf } from './labelIndex';

/**
 * What lets a keystroke reuse the references of the pass before it (references.ts).
 *
 * Each reference computation records the index entries it read as lookup keys (a name in a
 * namespace, every name of a kind in a namespace for a "did you mean", a pod label value, …).
 * Between two passes over the same unit, every resource that is not the same object in both marks
 * each key it can be found under, in the index it belongs to: the old object in the old index, the
 * new one in the new. A result none of whose keys is marked reads the same entries, holding the
 * same objects, as it would now, so it is reused as it is; everything else is computed again.
 * A key built from two different lookups can only collide into more work, never into less.
 */

/** Key of an index entry a lookup reads. */
export const lookupKey = {
  /** The objects of a kind with a name in a namespace (`first`, `find`, a lookup in another unit). */
  name: (kind: string, ns: string, name: string) => `K\u0000${kind}\u0000${ns}\u0000${name}`,
  /** The objects of a kind with a name, in any namespace. */
  anyNamespace: (kind: string, name: string) => `N\u0000${kind}\u0000${name}`,
  /** Every object of a kind in a namespace (the "did you mean" candidates). */
  kindList: (kind: string, ns: string) => `KN\u0000${kind}\u0000${ns}`,
  /** The workloads whose pods carry a label value, in a namespace. */
  label: (ns: string, key: string, value: string) => `L\u0000${ns}\u0000${key}\u0000${value}`,
  /** The same, in any namespace. */
  labelAnyNamespace: (key: string, value: string) => `LA\u0000${key}\u0000${value}`,
  /** Every value of a label key in a namespace (the nearest workload to a selector). */
  labelKey: (ns: string, key: string) => `LK\u0000${ns}\u0000${key}`,
};

/** Whether a result that read `deps` must be computed again. */
export function touches(deps: readonly string[], changed: ReadonlySet<string>): boolean {
  for (const d of deps) if (changed.has(d)) return true;
  return false;
}

/** What changed between two passes' indexes of the same unit. */
export interface Changes {
  /** The lookup keys whose answers may differ. */
  keys: Set<string>;
  /** Whether a workload of the unit itself was added, removed or replaced (its pod label index differs). */
  workloads: boolean;
  /**
   * The unit's workload changes when each is a workload replaced in place by one in the same
   * namespace whose pods carry the same labels (labelIndex.ts carryLabels); undefined otherwise.
   */
  workloadSwaps?: [before: Resource, after: Resource][];
}

/**
 * The changes between two passes' indexes of the same unit, or undefined when nothing can be
 * reused: other namespace settings or unit, or too many changes for reuse to pay.
 */
export function changedLookups(before: ResourceIndex, after: ResourceIndex): Changes | undefined {
  if (!after.sameSettings(before) || !sameUnit(before.unit, after.unit)) return undefined;
  const keys = new Set<string>();
  const span = markDifference(before, after, keys);
  if (!span) return undefined;
  const outBefore = before.unit?.outside;
  const outAfter = after.unit?.outside;
  if (outBefore && outAfter && (outBefore.all !== before.all || outAfter.all !== after.all)) {
    if (!outAfter.sameSettings(outBefore) || !markDifference(outBefore, outAfter, keys)) return undefined;
  }
  return { keys, workloads: span.workloads, workloadSwaps: span.workloads ? workloadSwaps(before, after, span) : undefined };
}

/**
 * Marks the keys of the objects between the first and the last that differ: a keystroke replaces
 * the objects of one document (or one file), everything before and after stays the same object.
 */
function markDifference(before: ResourceIndex, after: ResourceIndex, into: Set<string>): Span | undefined {
  const a = before.all;
  const b = after.all;
  let start = 0;
  const shorter = Math.min(a.length, b.length);
  while (start < shorter && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  if (endA - start + (endB - start) > Math.max(MIN_REUSE_LIMIT, b.length >> 3)) return undefined;
  let workloads = false;
  for (let i = start; i < endA; i++) if (markKeys(before, a[i], into)) workloads = true;
  for (let i = start; i < endB; i++) if (markKeys(after, b[i], into)) workloads = true;
  return { start, endBefore: endA, endAfter: endB, workloads };
}

/** Where two passes' lists differ: from `start` to the two ends (exclusive). */
interface Span {
  start: number;
  endBefore: number;
  endAfter: number;
  /** Whether a workload is among the objects in it. */
  workloads: boolean;
}

/** The workloads between the first and the last difference, when each is swapped in place for one with the same pod labels. */
function workloadSwaps(before: ResourceIndex, after: ResourceIndex, span: Span): [Resource, Resource][] | undefined {
  const a = before.all;
  const b = after.all;
  if (span.endBefore !== span.endAfter) return undefined;
  const swaps: [Resource, Resource][] = [];
  for (let i = span.start; i < span.endAfter; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y || (!isWorkload(x) && !isWorkload(y))) continue;
    if (!isWorkload(x) || !isWorkload(y) || (before.namespaceOf(x) ?? '') !== (after.namespaceOf(y) ?? '')) return undefined;
    const ex = podLabelsOf(before, x)?.entries;
    const ey = podLabelsOf(after, y)?.entries;
    if (!ex || !ey) {
      if (ex || ey) return undefined;
    } else if (ex.length !== ey.length || ex.some(([k, v], j) => ey[j][0] !== k || ey[j][1] !== v)) return undefined;
    swaps.push([x, y]);
  }
  return swaps;
}

/** Past this many changed objects (or an eighth of them all) every reference is computed again. */
const MIN_REUSE_LIMIT = 64;

/** Marks every key under which `r` can be found in `index`; true when `r` is a workload. */
function markKeys(index: ResourceIndex, r: Resource, into: Set<string>): boolean {
  const kind = r.kind;
  if (!kind) return false;
  const ns = index.namespaceOf(r) ?? '';
  if (r.name !== undefined) {
    into.add(lookupKey.name(kind, ns, r.name));
    into.add(lookupKey.anyNamespace(kind, r.name));
  }
  into.add(lookupKey.kindList(kind, ns));
  if (!isWorkload(r)) return false;
  for (const [k, v] of podLabelsOf(index, r)?.entries ?? []) {
    into.add(lookupKey.label(ns, k, v));
    into.add(lookupKey.labelAnyNamespace(k, v));
    into.add(lookupKey.labelKey(ns, k));
  }
  return true;
}

/** The parts of a unit references read (the makers of missing objects, generated ConfigMaps, another unit to look in). */
function sameUnit(a: UnitScope | undefined, b: UnitScope | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.name !== b.name || a.kind !== b.kind || a.complete !== b.complete || a.renamed !== b.renamed || !a.outside !== !b.outside) return false;
  if (a.makers.length !== b.makers.length || a.makers.some((m, i) => m !== b.makers[i])) return false;
  if (a.generated.size !== b.generated.size) return false;
  for (const g of a.generated) if (!b.generated.has(g)) return false;
  return true;
}
