import { referencesOf } from '../../model/references';
import type { Rule } from '../types';
import { nameOf, related, mayBeMadeText } from './wording';
import { rangeInString, replaceInString } from '../yamlEdits';
import { holderText, nameSpan } from './serviceCalls';

const CODE = 'service-address-unresolved';

/**
 * An env value or argument that addresses a Service by its DNS name (`name`, `name.ns`,
 * `name.ns.svc`, `name.ns.svc.cluster.local`, with optional scheme and port) where no such
 * Service is defined. Only judged when the workspace defines something in that namespace.
 * A warning (the Service may be installed from elsewhere); a near name is a hint, never a reason
 * for a higher severity.
 */
export const serviceAddressUnresolved: Rule = {
  scope: 'index',
  meta: [
    {
      code: CODE,
      family: 'cross-resource',
      severity: 'warning',
      title: 'Address of a Service that is not defined (env, args, command)',
    },
  ],
  check(ctx) {
    for (const ref of referencesOf(ctx.index).calls) {
      const p = ref.problem;
      if (p?.reason !== 'not-found' && p?.reason !== 'may-be-generated') continue;
      const w = ref.from;
      const a = ref.address;
      const nearest = p.nearest;
      let message =
        p.reason === 'may-be-generated'
          ? `${holderText(ref)} calls ${a.text}: ${mayBeMadeText(`Service ${a.name} (namespace ${ref.namespace})`, p.makers)}`
          : `${holderText(ref)} calls ${a.text}, but no Service ${a.name} is defined in namespace ${ref.namespace}: ${nameOf(w)} cannot reach it (the name does not resolve).`;
      if (nearest) message += ` Did you mean ${nearest.name}?`;
      const [s, e] = nameSpan(ref);
      const edit = nearest?.name ? replaceInString(w, ref.path, s, e, nearest.name) : undefined;
      ctx.report(w, CODE, message, rangeInString(w, ref.path, a.hostStart, a.hostEnd), {
        severity: p.reason === 'may-be-generated' ? 'info' : undefined,
        fixes: edit ? [{ title: `Call Service ${nearest!.name}`, edits: [edit] }] : undefined,
        related: nearest ? [related(nearest, ['metadata', 'name'], `Service ${nearest.name} is defined here`, 'value')] : undefined,
      });
    }
  },
};
