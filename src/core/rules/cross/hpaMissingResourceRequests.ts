import type { RelatedLocation, TextEdit } from '../../findings';
import type { Resource } from '../../parse/manifestParser';
import type { ResourceIndex } from '../../index/resourceIndex';
import { findNode, type PathSegment } from '../../parse/locate';
import { asArray, asRecord, getPath, type ContainerView, type PodTemplateView } from '../../model/kinds';
import { longRunningContainers, referencesOf } from '../../model/references';
import type { Rule } from '../types';
import { listText, nameOf, related } from './wording';
import { insertIntoMap } from '../yamlEdits';
import { isMap } from 'yaml';

const CODE = 'hpa-missing-resource-requests';

/** What the quick fix requests when nothing is set. */
const DEFAULT_REQUEST: Record<string, string> = { cpu: '100m', memory: '128Mi' };
const RESOURCE_WORD: Record<string, string> = { cpu: 'CPU', memory: 'memory' };

/**
 * Utilization is usage divided by the container's request. A container without a request (and
 * without a limit, which sets the request) for the metric's resource makes the utilization
 * undefined: `kubectl get hpa` shows `<unknown>` and the workload never scales. Covers
 * autoscaling/v2 Resource and ContainerResource metrics, v2beta1 targetAverageUtilization,
 * v1 targetCPUUtilizationPercentage, and the implicit 80 % CPU target when no metric is set.
 * A LimitRange in the namespace with a default request or limit for the resource satisfies it.
 */
export const hpaMissingResourceRequests: Rule = {
  scope: 'index',
  meta: [
    {
      code: CODE,
      family: 'cross-resource',
      severity: 'warning',
      title: 'Autoscaler on CPU/memory utilization, but the containers have no request for it',
    },
  ],
  check(ctx) {
    const refs = referencesOf(ctx.index);
    const limitRangeDefaults = new Map<string, Set<string>>();
    for (const ref of refs.scales) {
      const w = ref.outside ? undefined : ref.target;
      if (!w || (ref.problem && !(ref.problem.reason === 'kind-invalid' && ref.problem.detail === 'api-version'))) continue;
      const t = refs.labels.template(w);
      if (!t) continue;
      const ns = ctx.index.namespaceOf(w) ?? '';
      let defaults = limitRangeDefaults.get(ns);
      if (!defaults) limitRangeDefaults.set(ns, (defaults = limitRangeDefaultsIn(ctx.index, ns)));
      const hpa = ref.from;
      for (const metric of ref.metrics) {
        const res = metric.resource;
        if (metric.targetType !== 'Utilization' || !(res in DEFAULT_REQUEST) || defaults.has(res)) continue;
        const missing = containersWithout(t, res, metric.container);
        if (!missing.length) continue;
        const word = RESOURCE_WORD[res];
        const names = listText(missing.map((c) => c.name || '(unnamed)'));
        const pct = metric.utilization !== undefined ? ` (${metric.utilization}%${metric.defaulted ? ', the default when no metric is set' : ''})` : '';
        const message =
          `The autoscaler scales ${nameOf(w)} on ${word} utilization${pct}, but container${missing.length > 1 ? 's' : ''} ${names} ` +
          `${missing.length > 1 ? 'have' : 'has'} no ${word} request (nor a limit, which would set one): utilization cannot be computed, ` +
          `kubectl get hpa shows <unknown> and the workload never scales.`;
        const part = metric.defaulted ? 'key' : 'value';
        const relatedLocations: RelatedLocation[] = missing.map((c) =>
          related(w, c.container.name !== undefined ? [...c.path, 'name'] : c.path, `Container ${c.name || '(unnamed)'} has no ${word} request`, 'value'),
        );
        const edits: TextEdit[] = [];
        for (const c of missing) {
          const e = addRequest(w, c, res, DEFAULT_REQUEST[res]);
          if (!e) {
            edits.length = 0;
            break;
          }
          edits.push(e);
        }
        ctx.report(hpa, CODE, message, ctx.range(hpa, metric.path, metric.path.length === 1 ? 'key' : part), {
          fixes: edits.length
            ? [
                {
                  title: `Add resources.requests.${res}: ${DEFAULT_REQUEST[res]} to container${missing.length > 1 ? 's' : ''} ${names}`,
                  edits,
                  preferred: true,
                },
              ]
            : undefined,
          related: relatedLocations,
        });
      }
    }
  },
};

const withoutMemo = new WeakMap<PodTemplateView, Map<string, readonly ContainerView[]>>();

/**
 * The long-running containers (the one named, for a ContainerResource metric) with neither a
 * request nor a limit for `res`: once per pod template, which is shared while its document is
 * unchanged, so a keystroke re-judges only the workloads it edited.
 */
function containersWithout(t: PodTemplateView, res: string, container: string | undefined): readonly ContainerView[] {
  let byKey = withoutMemo.get(t);
  if (!byKey) withoutMemo.set(t, (byKey = new Map<string, readonly ContainerView[]>()));
  const key = container ? `${res}\u0000${container}` : res;
  let missing = byKey.get(key);
  if (!missing) {
    missing = longRunningContainers(t).filter((c) => (!container || c.name === container) && !hasAmount(c, 'requests', res) && !hasAmount(c, 'limits', res));
    byKey.set(key, missing);
  }
  return missing;
}

function hasAmount(c: ContainerView, field: 'requests' | 'limits', res: string): boolean {
  const v = getPath(c.container, ['resources', field, res]);
  return v !== undefined && v !== null && v !== '';
}

/** Resources a LimitRange in the namespace gives containers a default request (or limit) for. */
function limitRangeDefaultsIn(index: ResourceIndex, ns: string): Set<string> {
  const out = new Set<string>();
  for (const lr of index.ofKind('LimitRange', ns)) {
    for (const item of asArray(getPath(lr.object, ['spec', 'limits']))) {
      const rec = asRecord(item);
      if (!rec || rec.type !== 'Container') continue;
      for (const field of ['defaultRequest', 'default']) for (const k of Object.keys(asRecord(rec[field]) ?? {})) out.add(k);
    }
  }
  return out;
}

/** An edit that adds `resources.requests.<res>: <amount>` to one container, keeping the indentation. */
function addRequest(w: Resource, c: ContainerView, res: string, amount: string): TextEdit | undefined {
  const resourcesPath: PathSegment[] = [...c.path, 'resources'];
  const resources = findNode(w.node, resourcesPath);
  if (resources.depth !== resourcesPath.length) return insertIntoMap(w, c.path, ['resources:', '  requests:', `    ${res}: ${amount}`]);
  if (!isMap(resources.node)) return undefined;
  const requestsPath = [...resourcesPath, 'requests'];
  const requests = findNode(w.node, requestsPath);
  if (requests.depth !== requestsPath.length) return insertIntoMap(w, resourcesPath, ['requests:', `  ${res}: ${amount}`]);
  if (!isMap(requests.node)) return undefined;
  return insertIntoMap(w, requestsPath, [`${res}: ${amount}`]);
}
