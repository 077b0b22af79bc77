import type { Resource } from '../../parse/manifestParser';
import { hasPath } from '../../parse/locate';
import { getPath } from '../../model/kinds';
import { referencesOf } from '../../model/references';
import type { Rule } from '../types';
import { nameOf, related } from './wording';
import { deletePairLines } from '../yamlEdits';

const CODE = 'hpa-fixed-replicas';

/**
 * A workload with an autoscaler should not also fix spec.replicas: every `kubectl apply` of the
 * manifest resets the scale to that number until the autoscaler corrects it again.
 */
export const hpaFixedReplicas: Rule = {
  scope: 'index',
  meta: [
    {
      code: CODE,
      family: 'cross-resource',
      severity: 'warning',
      title: 'Workload sets spec.replicas although an autoscaler scales it',
    },
  ],
  check(ctx) {
    const seen = new Set<Resource>();
    for (const ref of referencesOf(ctx.index).scales) {
      const w = ref.outside ? undefined : ref.target;
      if (!w || seen.has(w)) continue;
      if (ref.problem && !(ref.problem.reason === 'kind-invalid' && ref.problem.detail === 'api-version')) continue;
      // The plain object answers "no" without the YAML tree (which may not be loaded: parallelLoad.ts).
      const spec = w.object.spec;
      if (spec == null || typeof spec !== 'object' || !Object.prototype.hasOwnProperty.call(spec, 'replicas')) continue;
      if (!hasPath(w, ['spec', 'replicas'])) continue;
      seen.add(w);
      const replicas = getPath(w.object, ['spec', 'replicas']);
      const hpa = ref.from;
      const range = `${ref.minReplicas}–${ref.maxReplicas ?? '?'}`;
      const edit = deletePairLines(w, ['spec', 'replicas']);
      ctx.report(
        w,
        CODE,
        `${nameOf(w)} fixes replicas: ${String(replicas)}, but HorizontalPodAutoscaler ${hpa.name} owns its scale (scaling range ${range} replicas): ` +
          `every kubectl apply of this file resets it to ${String(replicas)} until the autoscaler corrects it again. Remove spec.replicas and let the autoscaler decide.`,
        ctx.range(w, ['spec', 'replicas'], 'pair'),
        {
          fixes: edit ? [{ title: 'Remove spec.replicas (the autoscaler sets it)', edits: [edit], preferred: true }] : undefined,
          related: [related(hpa, ['spec', 'scaleTargetRef', 'name'], `HorizontalPodAutoscaler ${hpa.name} scales ${nameOf(w)}`, 'value')],
        },
      );
    }
  },
};
