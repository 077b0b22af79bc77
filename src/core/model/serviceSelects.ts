import type { PathSegment } from '../parse/locate';
import type { Resource } from '../parse/manifestParser';
import type { ResourceIndex } from '../index/resourceIndex';
import { getPath, stringMap } from './kinds';
import { memoByObject } from './memo';
import { serviceType } from './serviceAddress';
import { labelsOf, type LabelIndex } from './labelIndex';
import { mappingsOf } from './podPorts';
import type { SelectsReference } from './references';

/** Service → the workloads whose pod templates its selector matches. */

/** A Service's selector, or undefined when it selects nothing (none, `{}`, or an ExternalName). */
const selectorOf = memoByObject((svc: Resource): Record<string, string> | undefined => {
  // No selector (or `{}`): endpoints are managed by hand or the Service is an ExternalName.
  if (serviceType(svc) === 'ExternalName') return undefined;
  const sel = stringMap(getPath(svc.object, ['spec', 'selector']));
  return Object.keys(sel).length ? sel : undefined;
});

const SELECTOR_PATH: PathSegment[] = ['spec', 'selector'];

export function serviceSelects(svc: Resource, index: ResourceIndex, labels: LabelIndex, out: SelectsReference[]): void {
  const selector = selectorOf(svc);
  if (!selector) return;
  const ns = index.namespaceOf(svc) ?? '';
  const path = SELECTOR_PATH;
  const matched = labels.select(ns, selector);
  if (matched.length) {
    for (const w of matched) {
      out.push({ type: 'selects', from: svc, path, target: w, selector, ports: mappingsOf(svc, w) });
    }
    return;
  }
  // Pods of another unit in the same namespace: resolved there, judged there.
  const outside = index.unit?.outside;
  const there = outside ? labelsOf(outside).select(ns, selector) : [];
  if (there.length) {
    for (const w of there) out.push({ type: 'selects', from: svc, path, target: w, selector, ports: mappingsOf(svc, w), outside: true });
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
  const nearest = labels.nearest(ns, selector, svc.name);
  const makers = index.unit?.makers ?? [];
  const problem: SelectsReference['problem'] = makers.length
    ? { reason: 'may-be-generated', makers, nearest: nearest?.workload }
    : { reason: 'no-match', nearest };
  out.push({ type: 'selects', from: svc, path, selector, ports: [], problem });
}
