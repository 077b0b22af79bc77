import { referencesOf } from '../../model/references';
import type { Rule } from '../types';
import { related, mayBeMadeText } from './wording';
import { replaceScalar } from '../yamlEdits';

const CODE = 'hpa-target-missing';

/**
 * The workload an autoscaler scales must exist in the autoscaler's namespace. A warning (it may
 * come from elsewhere); a workload with a near name is named as a hint, never as a reason for a
 * higher severity.
 */
export const hpaTargetMissing: Rule = {
  scope: 'index',
  meta: [
    {
      code: CODE,
      family: 'cross-resource',
      severity: 'warning',
      title: 'HorizontalPodAutoscaler target is not defined',
    },
  ],
  check(ctx) {
    for (const ref of referencesOf(ctx.index).scales) {
      const p = ref.problem;
      if (p?.reason !== 'not-found' && p?.reason !== 'may-be-generated') continue;
      const hpa = ref.from;
      const { kind, name } = ref.scaleTargetRef;
      const ns = ctx.index.namespaceOf(hpa) ?? '';
      const nearest = p.nearest;
      let message =
        p.reason === 'may-be-generated'
          ? `The autoscaler targets ${mayBeMadeText(`${kind} ${name} (namespace ${ns})`, p.makers)}`
          : `The autoscaler targets ${kind} ${name}, which is not defined in namespace ${ns}: HorizontalPodAutoscaler ${hpa.name} has nothing to scale.`;
      if (nearest) message += ` Did you mean ${nearest.kind} ${nearest.name}?`;
      const edit = nearest?.name ? replaceScalar(hpa, ['spec', 'scaleTargetRef', 'name'], nearest.name) : undefined;
      ctx.report(hpa, CODE, message, ctx.range(hpa, ['spec', 'scaleTargetRef', 'name'], 'value'), {
        severity: p.reason === 'may-be-generated' ? 'info' : undefined,
        fixes: edit ? [{ title: `Scale ${nearest!.kind} ${nearest!.name}`, edits: [edit] }] : undefined,
        related: nearest ? [related(nearest, ['metadata', 'name'], `${nearest.kind} ${nearest.name} is defined here`, 'value')] : undefined,
      });
    }
  },
};
