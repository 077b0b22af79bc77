import type { Fix } from '../../findings';
import { referencesOf } from '../../model/references';
import { CLUSTER_COMPONENTS } from '../../model/serviceSelects';
import { isLikelyTypo } from '../../model/nearNames';
import type { Rule } from '../types';
import { labelsText, nameOf, related, serviceRole, mayBeMadeText } from './wording';
import { replaceScalar } from '../yamlEdits';

/**
 * A Service whose selector matches no pod template in its namespace has no endpoints: every
 * request to it fails. A warning: the pods may come from outside the workspace (a Helm chart, an
 * operator). The nearest workload is named as a hint; a guess never raises the severity.
 */
const CODE = 'service-selector-no-match';

export const serviceSelectorNoMatch: Rule = {
  scope: 'index',
  meta: [
    {
      code: CODE,
      family: 'cross-resource',
      severity: 'warning',
      title: 'Service selector matches no workload in its namespace (no endpoints)',
    },
  ],
  check(ctx) {
    const refs = referencesOf(ctx.index);
    for (const ref of refs.selections) {
      const p = ref.problem;
      if (p?.reason === 'may-be-generated') {
        const svc = ref.from;
        const what = `A workload with these pod labels (namespace ${ctx.index.namespaceOf(svc) ?? ''})`;
        const onlyCluster = p.makers.length === 1 && p.makers[0] === CLUSTER_COMPONENTS;
        ctx.report(
          svc,
          CODE,
          `Service ${svc.name} selects pods with ${labelsText(ref.selector)}: ` +
            (onlyCluster
              ? `${what} is not defined in this apply unit; the cluster runs its own pods in kube-system (CoreDNS with k8s-app=kube-dns, kube-proxy), which it may select; not checked further.`
              : mayBeMadeText(what, p.makers)),
          ctx.range(svc, ['spec', 'selector'], 'key'),
          { severity: 'info' },
        );
        continue;
      }
      if (p?.reason !== 'no-match') continue;
      const svc = ref.from;
      const ns = ctx.index.namespaceOf(svc) ?? '';
      const nearest = p.nearest;
      let message =
        `Service ${svc.name} (${serviceRole(svc)}) selects pods with ${labelsText(ref.selector)}, but no workload in namespace ${ns} ` +
        `has these pod labels: the Service has no endpoints and every request to it fails.`;
      let range = ctx.range(svc, ['spec', 'selector'], 'key');
      const fixes: Fix[] = [];
      const relatedLocations = [];
      if (nearest) {
        const w = nearest.workload;
        const t = refs.labels.template(w)!;
        const diffs = nearest.differences
          .map((d) => (d.labelValue === undefined ? `${d.key} is missing (wanted ${d.selectorValue})` : `${d.key} is ${d.labelValue}, not ${d.selectorValue}`))
          .join('; ');
        message += ` Nearest: ${nameOf(w)}, whose pods differ in ${diffs}.`;
        if (nearest.differences.length === 1) {
          const d = nearest.differences[0];
          range = ctx.range(svc, ['spec', 'selector', d.key], 'value');
          relatedLocations.push(
            related(
              w,
              d.labelValue === undefined ? t.labelsPath : [...t.labelsPath, d.key],
              `Pod labels of ${nameOf(w)}`,
              d.labelValue === undefined ? 'key' : 'value',
            ),
          );
          // Offered only for a likely typo of the value, and never applied by "auto fix": it is a guess.
          if (d.labelValue !== undefined && isLikelyTypo(d.selectorValue, d.labelValue)) {
            const edit = replaceScalar(svc, ['spec', 'selector', d.key], d.labelValue);
            if (edit) fixes.push({ title: `Select ${d.key}=${d.labelValue} (the pods of ${nameOf(w)})`, edits: [edit] });
          }
        } else {
          relatedLocations.push(related(w, t.labelsPath, `Pod labels of ${nameOf(w)}`, 'key'));
        }
      }
      ctx.report(svc, CODE, message, range, {
        fixes: fixes.length ? fixes : undefined,
        related: relatedLocations.length ? relatedLocations : undefined,
      });
    }
  },
};
