import { referencesOf } from '../../model/references';
import type { Rule } from '../types';
import { listText, related, serviceRole } from './wording';
import { replaceScalar } from '../yamlEdits';
import { routeText } from './ingressBackends';

const CODE = 'ingress-backend-port-missing';

/** An Ingress backend's port (number or name) must be one the Service exposes. */
export const ingressBackendPortMissing: Rule = {
  scope: 'index',
  meta: [
    {
      code: CODE,
      family: 'cross-resource',
      severity: 'error',
      title: 'Ingress backend port is not a port of the Service',
    },
  ],
  check(ctx) {
    for (const ref of referencesOf(ctx.index).routes) {
      const p = ref.problem;
      if (p?.reason !== 'port-missing' || !ref.target || !ref.port) continue;
      const ing = ref.from;
      const svc = ref.target;
      const byName = ref.port.name !== undefined;
      const exposed = p.ports.map((sp) => (sp.name ? `${sp.port} (${sp.name})` : `${sp.port}`));
      // The usual mix-up: the container port (the Service's targetPort) instead of the Service port.
      const forwarding = ref.port.number !== undefined ? p.ports.find((sp) => sp.targetPort === ref.port!.number && sp.port !== undefined) : undefined;
      const suggestion = forwarding ?? (p.ports.length === 1 ? p.ports[0] : undefined);
      let message =
        `Service ${svc.name} (${serviceRole(svc)}) has no port ${byName ? `named ${ref.port.name}` : ref.port.number}` +
        ` (${exposed.length ? `it exposes ${listText(exposed)}` : 'it exposes no ports'}): the ingress cannot forward ${routeText(ref)}.`;
      if (forwarding) message += ` ${ref.port.number} is the pods' port; the Ingress must name the Service port, ${forwarding.port}, which forwards to it.`;
      let fixes;
      if (suggestion) {
        const value = byName ? suggestion.name : suggestion.port;
        const edit = value !== undefined ? replaceScalar(ing, ref.port.path, value) : undefined;
        if (edit) fixes = [{ title: `Use port ${value} of Service ${svc.name}`, edits: [edit], preferred: true }];
      }
      ctx.report(ing, CODE, message, ctx.range(ing, ref.port.path, 'value'), {
        fixes,
        related: [related(svc, ['spec', 'ports'], `Ports of Service ${svc.name}`, 'key')],
      });
    }
  },
};
