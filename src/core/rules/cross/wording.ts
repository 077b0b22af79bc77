import type { RelatedLocation } from '../../findings';
import type { Resource } from '../../parse/manifestParser';
import { rangeOf, type PathSegment } from '../../parse/locate';
import { isHeadless, serviceType } from '../../model/serviceAddress';

/** How cross-resource findings name things: objects, Services, labels, lists, related places. */

/** `Deployment gateway`, with the namespace when asked. */
export function nameOf(r: Resource, namespace?: string): string {
  return `${r.kind ?? 'object'} ${r.name ?? '(unnamed)'}${namespace ? ` in namespace ${namespace}` : ''}`;
}

/** What a Service is for, in the words of the course: entry point or internal service. */
export function serviceRole(svc: Resource): string {
  const type = serviceType(svc);
  if (type === 'LoadBalancer' || type === 'NodePort') return `entry point, ${type}`;
  if (type === 'ExternalName') return 'external name';
  if (isHeadless(svc)) return 'internal service, headless';
  return 'internal service';
}

export function labelsText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/**
 * The sentence for a reference nothing in its apply unit satisfies while the unit holds what may
 * satisfy it: honest about what was not checked.
 */
export function mayBeMadeText(what: string, makers: readonly string[]): string {
  return `${what} is not defined in this apply unit, which has ${listText(makers, 3)} that may create it; not checked further.`;
}

/** `a, b, c and 4 more`; `total` when `items` holds only the first names of a longer list. */
export function listText(items: readonly string[], max = 5, total = items.length): string {
  if (total <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${total - max} more`;
}

export function related(r: Resource, path: readonly PathSegment[], message: string, part: 'key' | 'value' | 'auto' = 'auto'): RelatedLocation {
  return { file: r.file, range: rangeOf(r, path, part), message };
}
