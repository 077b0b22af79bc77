import { referencesOf } from '../../model/references';
import type { Rule } from '../types';
import { related, mayBeMadeText } from './wording';
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
      const p = ref.problem;
      if (p?.reason !== 'not-found' && p?.reason !== 'may-be-generated') continue;
      const ing = ref.from;
      const ns = ctx.index.namespaceOf(ing) ?? '';
      const nearest = p.nearest;
      let message =
        p.reason === 'may-be-generated'
          ? `Ingress ${ing.name} sends ${routeText(ref)} to ${mayBeMadeText(`Service ${ref.serviceName} (namespace ${ns})`, p.makers)}`
          : `Ingress ${ing.name} sends ${routeText(ref)} to Service ${ref.serviceName}, which is not defined in namespace ${ns}: those requests get 503 from the ingress controller.`;
      if (nearest) message += ` Did you mean ${nearest.name}?`;
      const edit = nearest?.name ? replaceScalar(ing, ref.path, nearest.name) : undefined;
      ctx.report(ing, CODE, message, ctx.range(ing, ref.path, 'value'), {
        severity: p.reason === 'may-be-generated' ? 'info' : undefined,
        fixes: edit ? [{ title: `Route to Service ${nearest!.name}`, edits: [edit] }] : undefined,
        related: nearest ? [related(nearest, ['metadata', 'name'], `Service ${nearest.name} is defined here`, 'value')] : undefined,
      });
    }
  },
};
