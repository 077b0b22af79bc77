import { referencesOf } from '../../model/references';
import type { Rule } from '../types';
import { listText, nameOf, related } from './wording';
import { rangeInString, replaceInString } from '../yamlEdits';
import { holderText } from './serviceCalls';

const CODE = 'service-address-port-missing';

/**
 * An address that reaches an existing Service on a port the Service does not expose (an
 * explicit `:port`, or the port the scheme implies: http → 80). The connection is refused.
 */
export const serviceAddressPortMissing: Rule = {
  scope: 'index',
  meta: [
    {
      code: CODE,
      family: 'cross-resource',
      severity: 'error',
      title: 'Address of a Service on a port it does not expose',
    },
  ],
  check(ctx) {
    for (const ref of referencesOf(ctx.index).calls) {
      const p = ref.problem;
      if (p?.reason !== 'port-missing' || !ref.target) continue;
      const w = ref.from;
      const a = ref.address;
      const svc = ref.target;
      const exposed = listText(p.ports.map((sp) => `${sp.port}`));
      const implied = p.defaulted ? ` (${a.scheme}:// without a port means port ${p.port})` : '';
      const forwarding = p.ports.find((sp) => sp.targetPort === p.port && sp.port !== undefined);
      let message = `${holderText(ref)} calls ${a.text} on port ${p.port}${implied}, but Service ${svc.name} exposes ${exposed}: calls from ${nameOf(w)} are refused.`;
      if (forwarding) message += ` ${p.port} is the pods' port; callers use the Service port, ${forwarding.port}, which forwards to it.`;
      const range = a.portStart !== undefined ? rangeInString(w, ref.path, a.portStart, a.end) : rangeInString(w, ref.path, a.hostStart, a.hostEnd);
      let fixes;
      const suggestion = forwarding ?? (p.ports.length === 1 ? p.ports[0] : undefined);
      if (suggestion?.port !== undefined) {
        const port = suggestion.port;
        const edit =
          a.portStart !== undefined
            ? replaceInString(w, ref.path, a.portStart, a.end, String(port))
            : replaceInString(w, ref.path, a.hostStart, a.hostEnd, `${a.host}:${port}`);
        if (edit) fixes = [{ title: `Call port ${port} of Service ${svc.name}`, edits: [edit], preferred: true }];
      }
      ctx.report(w, CODE, message, range, {
        fixes,
        related: [related(svc, ['spec', 'ports'], `Ports of Service ${svc.name}`, 'key')],
      });
    }
  },
};
