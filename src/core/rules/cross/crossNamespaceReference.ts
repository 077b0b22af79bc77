import type { Fix, RelatedLocation } from '../../findings';
import type { Resource } from '../../parse/manifestParser';
import type { ResourceIndex } from '../../index/resourceIndex';
import { referencesOf } from '../../model/references';
import type { Rule } from '../types';
import { labelsText, listText, nameOf, related } from './wording';
import { rangeInString, replaceInString } from '../yamlEdits';
import { holderText, nameSpan, namespaceSpan } from './serviceCalls';

const CODE = 'cross-namespace-reference';

/**
 * Where an object lands, in words: its namespace, or — when it sets none — the namespace it is
 * applied in, which is the default namespace unless kubectl's -n or the context say otherwise.
 */
function placeText(ix: ResourceIndex, r: Resource): string {
  const ns = ix.namespaceOf(r);
  if (r.namespace === undefined && ns === ix.defaultNamespace) return `sets no namespace, so it goes to the namespace it is applied in (${ns} here)`;
  return `is in namespace ${ns}`;
}

function namespacesOf(index: ResourceIndex, list: readonly Resource[]): string[] {
  return [...new Set(list.map((r) => index.namespaceOf(r) ?? ''))].sort();
}

/**
 * A reference that points into the wrong namespace: a Service selecting pods that exist only in
 * another namespace, an autoscaler or Ingress naming an object of another namespace (both only
 * work within their own), a DNS address naming a namespace where the Service is not (or a bare
 * name used from another namespace).
 */
export const crossNamespaceReference: Rule = {
  scope: 'index',
  meta: [
    {
      code: CODE,
      family: 'cross-resource',
      severity: 'error',
      title: 'Reference to an object that exists only in another namespace',
    },
  ],
  check(ctx) {
    const refs = referencesOf(ctx.index);
    const ix = ctx.index;
    for (const ref of refs.selections) {
      if (ref.problem?.reason !== 'other-namespace') continue;
      const svc = ref.from;
      const others = namespacesOf(ix, ref.problem.candidates);
      const who = listText(ref.problem.candidates.map((w) => `${nameOf(w)} (${ix.namespaceOf(w)})`));
      const rel: RelatedLocation[] = ref.problem.candidates.slice(0, 5).map((w) => {
        const t = refs.labels.template(w)!;
        return related(w, t.labelsPath, `Pods of ${nameOf(w)} in namespace ${ix.namespaceOf(w)}`, 'key');
      });
      ctx.report(
        svc,
        CODE,
        `Service ${svc.name} ${placeText(ix, svc)}, but the pods with ${labelsText(ref.selector)} are only in namespace ${listText(others)} (${who}). ` +
          `A Service only sends traffic to pods in its own namespace: put both in the same namespace.`,
        ctx.range(svc, ['spec', 'selector'], 'key'),
        { related: rel },
      );
    }
    for (const ref of refs.scales) {
      if (ref.problem?.reason !== 'other-namespace') continue;
      const hpa = ref.from;
      const others = namespacesOf(ix, ref.problem.candidates);
      ctx.report(
        hpa,
        CODE,
        `HorizontalPodAutoscaler ${hpa.name} ${placeText(ix, hpa)}, but ${ref.scaleTargetRef.kind} ${ref.scaleTargetRef.name} exists only in namespace ${listText(others)}: an autoscaler can only scale workloads in its own namespace.`,
        ctx.range(hpa, ['spec', 'scaleTargetRef', 'name'], 'value'),
        { related: ref.problem.candidates.slice(0, 5).map((r) => related(r, ['metadata', 'name'], `${nameOf(r)} in namespace ${ix.namespaceOf(r)}`, 'value')) },
      );
    }
    for (const ref of refs.routes) {
      if (ref.problem?.reason !== 'other-namespace') continue;
      const ing = ref.from;
      const others = namespacesOf(ix, ref.problem.candidates);
      ctx.report(
        ing,
        CODE,
        `Ingress ${ing.name} ${placeText(ix, ing)}, but Service ${ref.serviceName} exists only in namespace ${listText(others)}: an Ingress can only route to Services in its own namespace.`,
        ctx.range(ing, ref.path, 'value'),
        {
          related: ref.problem.candidates
            .slice(0, 5)
            .map((r) => related(r, ['metadata', 'name'], `Service ${r.name} in namespace ${ix.namespaceOf(r)}`, 'value')),
        },
      );
    }
    for (const ref of refs.calls) {
      if (ref.problem?.reason !== 'other-namespace') continue;
      const w = ref.from;
      const a = ref.address;
      const others = namespacesOf(ix, ref.problem.candidates);
      const fromNs = ix.namespaceOf(w);
      const nsSpan = namespaceSpan(ref);
      const message =
        a.namespace !== undefined
          ? `${holderText(ref)} calls ${a.text} in namespace ${a.namespace}, but Service ${a.name} exists only in namespace ${listText(others)}: did you mean namespace ${others[0]}?`
          : `${holderText(ref)} calls ${a.text}; a bare name only reaches Services in the caller's namespace ${fromNs}, but Service ${a.name} is in namespace ${listText(others)}. Add the namespace: ${a.name}.${others[0]}.`;
      const fixes: Fix[] = [];
      if (others.length === 1) {
        const edit = nsSpan
          ? replaceInString(w, ref.path, nsSpan[0], nsSpan[1], others[0])
          : replaceInString(w, ref.path, ...nameSpan(ref), `${a.name}.${others[0]}`);
        if (edit) fixes.push({ title: `Call ${a.name} in namespace ${others[0]}`, edits: [edit], preferred: true });
      }
      const range = nsSpan ? rangeInString(w, ref.path, nsSpan[0], nsSpan[1]) : rangeInString(w, ref.path, a.hostStart, a.hostEnd);
      ctx.report(w, CODE, message, range, {
        fixes: fixes.length ? fixes : undefined,
        related: ref.problem.candidates
          .slice(0, 5)
          .map((r) => related(r, ['metadata', 'name'], `Service ${r.name} in namespace ${ix.namespaceOf(r)}`, 'value')),
      });
    }
  },
};
