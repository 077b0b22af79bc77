import { asArray, asRecord, type ContainerView } from '../../model/kinds';
import type { Fix } from '../../findings';
import type { ResourceCheck, ResourceCheckContext, RuleMeta, Rule } from '../types';
import { isBuiltin, LONG_RUNNING_KINDS, podContainers } from '../server/builtinKinds';
import { appendToBlockMapAt, indentUnit } from '../yamlEdits';

const META: RuleMeta[] = [
  {
    code: 'missing-probes',
    family: 'practice',
    severity: 'info',
    title: 'Long-running container without a readinessProbe',
  },
];

/**
 * A readiness probe decides when a pod gets Service traffic and when a rolling update may go on.
 * Reported only for long-running workloads (not Jobs, CronJobs or bare Pods), and only when the
 * readiness probe is missing: a liveness probe alone is optional, and a wrong one restarts
 * healthy containers, so its absence is mentioned but never reported on its own.
 */
const check: ResourceCheck = (ctx) => {
  if (!isBuiltin(ctx.resource, ...LONG_RUNNING_KINDS)) return;
  for (const c of podContainers(ctx.resource)) {
    if ('readinessProbe' in c.container) continue;
    const port = firstContainerPort(c);
    const fixes: Fix[] = [];
    const fix = port !== undefined ? tcpReadinessFix(ctx, c, port) : undefined;
    if (fix) fixes.push(fix);
    const liveness = 'livenessProbe' in c.container ? '' : ' It has no livenessProbe either, so a hung process is never restarted.';
    const how =
      port !== undefined ? `an httpGet on a health endpoint, or tcpSocket on port ${port}` : 'an httpGet on a health endpoint, or a tcpSocket or exec check';
    ctx.report(
      'missing-probes',
      `Container ${c.name || '(unnamed)'} has no readinessProbe: its pod gets Service traffic as soon as the process starts, before the app ` +
        `(or the model it loads) is ready, and a rolling update cannot wait for new pods to be ready.${liveness} Add a readinessProbe (${how}).`,
      ctx.range([...c.path, 'name'], 'value'),
      { fixes },
    );
  }
};

function firstContainerPort(c: ContainerView): number | undefined {
  for (const p of asArray(c.container.ports)) {
    const n = asRecord(p)?.containerPort;
    if (typeof n === 'number' && n >= 1 && n <= 65535) return n;
  }
  return undefined;
}

/** A tcpSocket readiness probe on the declared port, added as the container's last key. */
function tcpReadinessFix(ctx: ResourceCheckContext, c: ContainerView, port: number): Fix | undefined {
  const pad = ' '.repeat(indentUnit(ctx.doc, ctx.resource));
  const edit = appendToBlockMapAt(ctx.doc, ctx.resource, c.path, ['readinessProbe:', `${pad}tcpSocket:`, `${pad}${pad}port: ${port}`]);
  return edit ? { title: `Add a tcpSocket readinessProbe on port ${port}`, edits: [edit] } : undefined;
}

export const containerProbesRule: Rule = { scope: 'resource', meta: META, check };
