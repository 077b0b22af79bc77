import type { PathSegment } from '../parse/locate';
import type { Resource } from '../parse/manifestParser';
import type { ResourceIndex } from '../index/resourceIndex';
import { SCALABLE_KINDS, WORKLOAD_KINDS, asArray, asRecord, getPath, groupOf } from './kinds';
import { memoByObject } from './memo';
import type { NameLookup } from './serviceAddress';
import { findOutside, missingProblem } from './unitLookup';
import { lookupKey } from './referenceCarry';
import type { ReferenceProblem, ResourceMetric, ScalesReference } from './references';

/** HorizontalPodAutoscaler → the workload it scales, with its range and metrics. */

/** Lower-cased spellings people use for scalable kinds (`deploy`, `deployments`, `sts`). */
const KIND_ALIASES: Record<string, string> = {
  deployment: 'Deployment',
  deployments: 'Deployment',
  deploy: 'Deployment',
  statefulset: 'StatefulSet',
  statefulsets: 'StatefulSet',
  sts: 'StatefulSet',
  replicaset: 'ReplicaSet',
  replicasets: 'ReplicaSet',
  rs: 'ReplicaSet',
  replicationcontroller: 'ReplicationController',
  replicationcontrollers: 'ReplicationController',
  rc: 'ReplicationController',
};

/** An HPA's scaleTargetRef read from its object: everything but the lookup of the target. */
interface ScaleOutgoing {
  scaleTargetRef: ScalesReference['scaleTargetRef'];
  minReplicas: number;
  maxReplicas?: number;
  metrics: ResourceMetric[];
  /** The kind to look the target up as; undefined when kind or name is missing. */
  lookupKind?: string;
  /** A kind that is not one of the scalable built-ins: resolved if present, else out of scope. */
  custom: boolean;
  /** What is wrong with kind or apiVersion, whatever the target. */
  kindProblem?: ReferenceProblem;
}

const scaleOutgoingOf = memoByObject((hpa: Resource): ScaleOutgoing | undefined => {
  let out: ScaleOutgoing | undefined;
  const ref = asRecord(getPath(hpa.object, ['spec', 'scaleTargetRef']));
  if (ref) {
    const scaleTargetRef = {
      apiVersion: typeof ref.apiVersion === 'string' ? ref.apiVersion : undefined,
      kind: typeof ref.kind === 'string' ? ref.kind : undefined,
      name: typeof ref.name === 'string' ? ref.name : undefined,
    };
    const min = getPath(hpa.object, ['spec', 'minReplicas']);
    const max = getPath(hpa.object, ['spec', 'maxReplicas']);
    out = {
      scaleTargetRef,
      minReplicas: typeof min === 'number' ? min : 1,
      maxReplicas: typeof max === 'number' ? max : undefined,
      metrics: hpaMetrics(hpa),
      custom: false,
    };
    const { kind, name, apiVersion } = scaleTargetRef;
    // Without kind or name there is nothing to look up: schema validation reports the missing field.
    if (kind && name) {
      out.lookupKind = kind;
      if (SCALABLE_KINDS[kind]) {
        const expected = SCALABLE_KINDS[kind];
        if (apiVersion && apiVersion !== expected) {
          // The autoscaler finds the target by API group and kind; the version is not used.
          const sameGroup = groupOf(apiVersion) === groupOf(expected);
          out.kindProblem = { reason: 'kind-invalid', detail: sameGroup ? 'api-version' : 'api-group', expectedApiVersion: expected };
        }
      } else if (KIND_ALIASES[kind.toLowerCase()]) {
        out.lookupKind = KIND_ALIASES[kind.toLowerCase()];
        out.kindProblem = { reason: 'kind-invalid', detail: 'unknown-kind', expectedKind: out.lookupKind, expectedApiVersion: SCALABLE_KINDS[out.lookupKind] };
      } else if (WORKLOAD_KINDS.has(kind)) {
        out.kindProblem = { reason: 'kind-invalid', detail: 'not-scalable' };
      } else {
        // A custom resource with a /scale subresource (Argo Rollout, …).
        out.custom = true;
      }
    }
  }
  return out;
});

const SCALE_TARGET_PATH: PathSegment[] = ['spec', 'scaleTargetRef'];

/** `deps` gets the keys of the lookups (referenceCarry.ts). */
export function hpaScales(hpa: Resource, index: ResourceIndex, names: NameLookup, out: ScalesReference[], deps: string[]): void {
  const plan = scaleOutgoingOf(hpa);
  if (!plan) return;
  const base: ScalesReference = {
    type: 'scales',
    from: hpa,
    path: SCALE_TARGET_PATH,
    scaleTargetRef: plan.scaleTargetRef,
    minReplicas: plan.minReplicas,
    maxReplicas: plan.maxReplicas,
    metrics: plan.metrics,
  };
  if (plan.kindProblem) base.problem = plan.kindProblem;
  out.push(base);
  const lookupKind = plan.lookupKind;
  const name = plan.scaleTargetRef.name;
  if (!lookupKind || !name) return;
  const ns = index.namespaceOf(hpa) ?? '';
  deps.push(lookupKey.name(lookupKind, ns, name));
  if (plan.custom) {
    const found = index.first(lookupKind, ns, name);
    if (found) base.target = found;
    else base.problem = { reason: 'out-of-scope' };
    return;
  }
  const found = index.first(lookupKind, ns, name);
  if (found) {
    base.target = found;
    return;
  }
  const there = findOutside(index, lookupKind, ns, name);
  if (there) {
    base.target = there;
    base.outside = true;
    return;
  }
  // A wrong kind is the problem to fix first; an old apiVersion of the right group gives way to a missing target.
  if (base.problem && !(base.problem.reason === 'kind-invalid' && base.problem.detail === 'api-version')) return;
  const elsewhere = names.anyNamespace(lookupKind, name, deps);
  if (elsewhere.length) {
    base.problem = { reason: 'other-namespace', candidates: elsewhere };
    return;
  }
  base.problem = missingProblem(index, names.nearest(lookupKind, ns, name, deps));
}

function hpaMetrics(hpa: Resource): ResourceMetric[] {
  const out: ResourceMetric[] = [];
  const spec = asRecord(hpa.object.spec);
  if (!spec) return out;
  if (hpa.apiVersion === 'autoscaling/v1') {
    const pct = spec.targetCPUUtilizationPercentage;
    out.push({
      resource: 'cpu',
      targetType: 'Utilization',
      utilization: typeof pct === 'number' ? pct : 80,
      path: pct === undefined ? ['spec'] : ['spec', 'targetCPUUtilizationPercentage'],
      defaulted: pct === undefined,
    });
    return out;
  }
  const metrics = asArray(spec.metrics);
  if (!metrics.length) {
    out.push({ resource: 'cpu', targetType: 'Utilization', utilization: 80, path: ['spec'], defaulted: true });
    return out;
  }
  metrics.forEach((m, i) => {
    const rec = asRecord(m);
    if (!rec) return;
    const field = rec.type === 'Resource' ? 'resource' : rec.type === 'ContainerResource' ? 'containerResource' : undefined;
    if (!field) return;
    const body = asRecord(rec[field]);
    if (!body || typeof body.name !== 'string') return;
    const target = asRecord(body.target);
    let targetType: string | undefined;
    let utilization: number | undefined;
    if (target) {
      targetType = typeof target.type === 'string' ? target.type : undefined;
      if (typeof target.averageUtilization === 'number') utilization = target.averageUtilization;
    } else if (typeof body.targetAverageUtilization === 'number') {
      // autoscaling/v2beta1
      targetType = 'Utilization';
      utilization = body.targetAverageUtilization;
    } else if (body.targetAverageValue !== undefined) {
      targetType = 'AverageValue';
    }
    if (!targetType) return;
    out.push({
      resource: body.name,
      targetType,
      utilization,
      path: ['spec', 'metrics', i, field, 'name'],
      container: field === 'containerResource' && typeof body.container === 'string' ? body.container : undefined,
      defaulted: false,
    });
  });
  return out;
}
