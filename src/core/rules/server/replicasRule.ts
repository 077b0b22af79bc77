import { getPath } from '../../model/kinds';
import type { ResourceCheck, RuleMeta, Rule } from '../types';
import { isBuiltin } from './builtinKinds';

const META: RuleMeta[] = [{ code: 'negative-replicas', family: 'server', severity: 'error', title: 'spec.replicas below 0' }];

/** replicas may be 0 (scaled down) but not negative. */
const check: ResourceCheck = (ctx) => {
  const r = ctx.resource;
  if (!isBuiltin(r, 'Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController')) return;
  const replicas = getPath(r.object, ['spec', 'replicas']);
  if (typeof replicas !== 'number' || replicas >= 0) return;
  ctx.report(
    'negative-replicas',
    `replicas ${replicas} is rejected: it must be 0 or more (0 scales the ${r.kind} down without deleting it).`,
    ctx.range(['spec', 'replicas'], 'value'),
  );
};

export const replicasRule: Rule = { scope: 'resource', meta: META, check };
