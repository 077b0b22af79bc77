import type { Resource } from '../parse/manifestParser';
import type { ResourceIndex } from '../index/resourceIndex';
import type { ReferenceProblem } from './references';

/**
 * Lookups that leave an apply unit: a reference resolves inside its unit first; what the unit does
 * not define may be in another unit of the same scope (applied separately, resolved there), or may
 * be made by something the unit holds (a controller of its custom resources, a Helm chart).
 */

/** The object in another unit of the scope, in the same namespace. */
export function findOutside(index: ResourceIndex, kind: string, namespace: string, name: string): Resource | undefined {
  return index.unit?.outside?.first(kind, namespace, name);
}

/** The problem of a reference nothing in the scope satisfies: not found, or possibly made by the unit's makers. */
export function missingProblem(index: ResourceIndex, nearest: Resource | undefined): ReferenceProblem {
  const makers = index.unit?.makers ?? [];
  return makers.length ? { reason: 'may-be-generated', makers, nearest } : { reason: 'not-found', nearest };
}
