import type { ResourceCheck, RuleMeta, Rule } from '../types';
import { podContainers } from './builtinKinds';

const META: RuleMeta[] = [{ code: 'duplicate-container-name', family: 'server', severity: 'error', title: 'Two containers in one pod share a name' }];

/** Container names must be unique across containers, initContainers and ephemeralContainers. */
const check: ResourceCheck = (ctx) => {
  const first = new Map<string, (string | number)[]>();
  for (const c of podContainers(ctx.resource, { init: true, ephemeral: true })) {
    if (typeof c.container.name !== 'string' || c.name === '') continue;
    const earlier = first.get(c.name);
    if (!earlier) {
      first.set(c.name, c.path);
      continue;
    }
    ctx.report(
      'duplicate-container-name',
      `Container name "${c.name}" is used twice in this pod; the API server rejects it. Names must be unique across containers and initContainers ` +
        '(kubectl logs -c and exec -c pick a container by name).',
      ctx.range([...c.path, 'name'], 'value'),
      { related: [{ file: '', range: ctx.range([...earlier, 'name'], 'value'), message: `first container named "${c.name}"` }] },
    );
  }
};

export const duplicateContainerNameRule: Rule = { scope: 'resource', meta: META, check };
