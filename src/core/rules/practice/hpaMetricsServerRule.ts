import { asArray, asRecord, getPath } from '../../model/kinds';
import type { PathSegment } from '../../parse/locate';
import type { ResourceCheck, RuleMeta, Rule } from '../types';
import { isBuiltin } from '../server/builtinKinds';

const META: RuleMeta[] = [
  {
    code: 'hpa-needs-metrics-server',
    family: 'kind',
    severity: 'info',
    title: 'HPA on CPU/memory needs metrics-server, which kind does not install',
  },
];

/**
 * CPU and memory metrics come from metrics-server. kind does not ship it, so the HPA shows
 * `<unknown>/50%` and never scales until it is installed.
 */
const check: ResourceCheck = (ctx) => {
  const r = ctx.resource;
  if (!isBuiltin(r, 'HorizontalPodAutoscaler')) return;
  const at = resourceMetricPath(r.object, r.apiVersion);
  if (!at) return;
  ctx.report(
    'hpa-needs-metrics-server',
    'This HPA scales on CPU or memory usage, which comes from metrics-server. kind does not install it, so `kubectl get hpa` shows ' +
      '<unknown> as the current value and nothing scales. Install metrics-server (on kind add --kubelet-insecure-tls to its container args) ' +
      'and check that `kubectl top pods` shows numbers.',
    ctx.range(at, 'value'),
  );
};

/** Where the HPA asks for a resource metric: the metric's type, the v1 CPU target, or the HPA's kind when it relies on the default. */
function resourceMetricPath(obj: Record<string, unknown>, apiVersion: string | undefined): PathSegment[] | undefined {
  if (apiVersion === 'autoscaling/v1') {
    return getPath(obj, ['spec', 'targetCPUUtilizationPercentage']) !== undefined ? ['spec', 'targetCPUUtilizationPercentage'] : ['kind'];
  }
  const metrics = asArray(getPath(obj, ['spec', 'metrics']));
  // No metrics at all: the default is 80% average CPU utilization.
  if (metrics.length === 0) return ['kind'];
  const i = metrics.findIndex((m) => {
    const type = asRecord(m)?.type;
    return type === 'Resource' || type === 'ContainerResource';
  });
  return i === -1 ? undefined : ['spec', 'metrics', i, 'type'];
}

export const hpaMetricsServerRule: Rule = { scope: 'resource', meta: META, check };
