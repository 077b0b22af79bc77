import { asRecord } from '../../model/kinds';
import type { ResourceCheck, RuleMeta, Rule } from '../types';
import { isBuiltin, POD_KINDS, podContainers } from './builtinKinds';
import { parseQuantity } from './quantity';
import type { PathSegment } from '../../parse/locate';
import { podTemplateOf } from '../../model/kinds';

const META: RuleMeta[] = [{ code: 'negative-quantity', family: 'server', severity: 'error', title: 'A resource request or limit below zero' }];

/**
 * Requests and limits of containers (and of the whole pod) must be 0 or more: the API server
 * answers "must be greater than or equal to 0". A quantity it cannot parse is the schema's finding.
 */
const check: ResourceCheck = (ctx) => {
  const lists: { where: string; path: PathSegment[]; resources: unknown }[] = [];
  for (const c of podContainers(ctx.resource, { init: true })) {
    lists.push({ where: `Container ${c.name || '(unnamed)'}`, path: [...c.path, 'resources'], resources: c.container.resources });
  }
  if (isBuiltin(ctx.resource, ...POD_KINDS)) {
    const t = podTemplateOf(ctx.resource);
    if (t?.spec?.resources !== undefined) lists.push({ where: 'The pod', path: [...t.specPath, 'resources'], resources: t.spec.resources });
  }
  for (const { where, path, resources } of lists) {
    const rec = asRecord(resources);
    for (const field of ['requests', 'limits'] as const) {
      const values = asRecord(rec?.[field]);
      if (!values) continue;
      for (const [name, value] of Object.entries(values)) {
        const q = parseQuantity(value);
        if (!q || q.digits >= 0n) continue;
        ctx.report(
          'negative-quantity',
          `${where} ${field === 'requests' ? 'requests' : 'is limited to'} ${String(value)} ${name}: quantities must be 0 or more, and the API server rejects a negative one ("must be greater than or equal to 0").`,
          ctx.range([...path, field, name], 'value'),
        );
      }
    }
  }
};

export const resourceQuantitiesRule: Rule = { scope: 'resource', meta: META, check, onPatches: true };
