import { asRecord } from '../../model/kinds';
import type { ResourceCheck, RuleMeta, Rule } from '../types';
import { podContainers } from '../server/builtinKinds';

const META: RuleMeta[] = [
  {
    code: 'missing-resources',
    family: 'practice',
    severity: 'warning',
    title: 'Container without CPU/memory requests or limits',
  },
];

/**
 * Requests are what the scheduler reserves and what CPU utilization (the HPA's percentage) is
 * measured against. Limits alone are enough: requests default to them. So a container is only
 * reported when a resource has neither a request nor a limit — a warning when nothing is set,
 * information when only CPU or only memory is missing.
 */
const check: ResourceCheck = (ctx) => {
  for (const c of podContainers(ctx.resource)) {
    const resources = asRecord(c.container.resources);
    const requests = asRecord(resources?.requests) ?? {};
    const limits = asRecord(resources?.limits) ?? {};
    const cpu = 'cpu' in requests || 'cpu' in limits;
    const memory = 'memory' in requests || 'memory' in limits;
    if (cpu && memory) continue;
    const name = c.name || '(unnamed)';
    const range = resources ? ctx.range([...c.path, 'resources'], 'key') : ctx.range([...c.path, 'name'], 'value');
    if (!cpu && !memory) {
      ctx.report(
        'missing-resources',
        `Container ${name} sets no CPU or memory requests or limits. The scheduler then reserves nothing for it (BestEffort: the first pod evicted ` +
          'when a node runs short), it can starve its neighbours, and an HPA on CPU utilization cannot compute a percentage for it. ' +
          'Add resources.requests (for example cpu: 100m, memory: 128Mi); limits are optional, and if you set only limits the requests default to them.',
        range,
      );
    } else if (!cpu) {
      ctx.report(
        'missing-resources',
        `Container ${name} sets memory but no CPU request or limit: the scheduler reserves no CPU for it and an HPA on CPU utilization ` +
          'cannot compute a percentage for it. Add resources.requests.cpu (or limits.cpu, which the request then defaults to).',
        range,
        { severity: 'info' },
      );
    } else {
      ctx.report(
        'missing-resources',
        `Container ${name} sets CPU but no memory request or limit: the scheduler reserves no memory for it and nothing bounds what it uses. ` +
          'Add resources.requests.memory (or limits.memory, which the request then defaults to).',
        range,
        { severity: 'info' },
      );
    }
  }
};

export const containerResourcesRule: Rule = { scope: 'resource', meta: META, check };
