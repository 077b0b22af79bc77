import { referencesOf } from '../../model/references';
import type { Rule } from '../types';
import { related } from './wording';
import { replaceScalar } from '../yamlEdits';
import { routeText } from './ingressBackends';

const CODE = 'ingress-backend-service-missing';

/**
 * Every Ingress backend (rule paths and the default backend) must name a Service in the
 * Ingress's namespace; otherwise the controller answers 503. A warning (the Service may come from
 * elsewhere); a near name is offered as a hint and a fix, never as a reason for a higher severity.
 * IngressClasses are not checked: they are usually installed with the controller.
 */
export const ingressBackendServiceMissing: Rule = {
  scope: 'index',
  meta: [
    {
      code: CODE,
      family: 'cross-resource',
      severity: 'warning',
      title: 'Ingress backend names a Service that is not defined',
    },
  ],
  check(ctx) {
    for (const ref of referencesOf(ctx.index).routes) {
      if (ref.problem?.reason !== 'not-found') continue;
      const ing = ref.from;
      const ns = ctx.index.namespaceOf(ing) ?? '';
      const nearest = ref.problem.nearest;
      let message = `Ingress ${ing.name} sends ${routeText(ref)} to Service ${ref.serviceName}, which is not defined in namespace ${ns}: those requests get 503 from the ingress controller.`;
      if (nearest) message += ` Did you mean ${nearest.name}?`;
      const edit = nearest?.name ? replaceScalar(ing, ref.path, nearest.name) : undefined;
      ctx.report(ing, CODE, message, ctx.range(ing, ref.path, 'value'), {
        fixes: edit ? [{ title: `Route to Service ${nearest!.name}`, edits: [edit] }] : undefined,
        related: nearest ? [related(nearest, ['metadata', 'name'], `Service ${nearest.name} is defined here`, 'value')] : undefined,
      });
    }
  },
};
