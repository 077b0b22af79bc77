import type { TextEdit } from '../../findings';
import { groupOf } from '../../model/kinds';
import { referencesOf } from '../../model/references';
import type { Rule } from '../types';
import { replaceScalar } from '../yamlEdits';

const CODE = 'hpa-target-kind-invalid';

const NOT_SCALABLE_WHY: Record<string, string> = {
  DaemonSet: 'a DaemonSet runs exactly one pod per node',
  Job: 'a Job runs to completion; set parallelism instead',
  CronJob: 'a CronJob starts Jobs on a schedule; set parallelism on its job template instead',
  Pod: 'a bare Pod is a single replica; put it in a Deployment',
};

/** API versions removed in Kubernetes 1.16 that people still copy from old tutorials. */
const REMOVED_IN_1_16 = new Set(['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2']);

/**
 * scaleTargetRef must name a kind with a /scale subresource, spelled as the API spells it, in
 * the API group that serves it. The autoscaler looks its target up by group and kind, so a wrong
 * group (`extensions/v1beta1`) or kind (`Deployments`) is an error; an old version of the right
 * group (`apps/v1beta1`) still works and is a warning.
 */
export const hpaTargetKindInvalid: Rule = {
  scope: 'index',
  meta: [
    {
      code: CODE,
      family: 'cross-resource',
      severity: 'error',
      title: 'HorizontalPodAutoscaler scaleTargetRef has a wrong kind or apiVersion',
    },
  ],
  check(ctx) {
    for (const ref of referencesOf(ctx.index).scales) {
      const p = ref.problem;
      if (p?.reason !== 'kind-invalid') continue;
      const hpa = ref.from;
      const { kind, apiVersion } = ref.scaleTargetRef;
      const base = ['spec', 'scaleTargetRef'];
      if (p.detail === 'not-scalable') {
        ctx.report(
          hpa,
          CODE,
          `An autoscaler cannot scale a ${kind}: ${NOT_SCALABLE_WHY[kind!] ?? 'it has no scale subresource'}. Autoscalers scale Deployments, StatefulSets and ReplicaSets.`,
          ctx.range(hpa, [...base, 'kind'], 'value'),
        );
        continue;
      }
      if (p.detail === 'unknown-kind') {
        const edits: TextEdit[] = [];
        const kindEdit = replaceScalar(hpa, [...base, 'kind'], p.expectedKind!);
        if (kindEdit) edits.push(kindEdit);
        if (apiVersion && p.expectedApiVersion && apiVersion !== p.expectedApiVersion) {
          const v = replaceScalar(hpa, [...base, 'apiVersion'], p.expectedApiVersion);
          if (v) edits.push(v);
        }
        ctx.report(
          hpa,
          CODE,
          `kind ${kind} is not a Kubernetes kind: write ${p.expectedKind} (singular, as in the object's own kind). As written, the autoscaler cannot find its target and never scales.`,
          ctx.range(hpa, [...base, 'kind'], 'value'),
          { fixes: kindEdit ? [{ title: `Change kind to ${p.expectedKind}`, edits, preferred: true }] : undefined },
        );
        continue;
      }
      const expected = p.expectedApiVersion!;
      const removed = apiVersion && REMOVED_IN_1_16.has(apiVersion) ? ` (${apiVersion} was removed in Kubernetes 1.16)` : '';
      const edit = replaceScalar(hpa, [...base, 'apiVersion'], expected);
      const fixes = edit ? [{ title: `Change apiVersion to ${expected}`, edits: [edit], preferred: true }] : undefined;
      const range = ctx.range(hpa, [...base, 'apiVersion'], 'value');
      if (p.detail === 'api-group') {
        ctx.report(
          hpa,
          CODE,
          `${kind} is served by ${expected}, not ${apiVersion}${removed}: the autoscaler looks the target up in API group ${groupOf(apiVersion) || 'core'} and cannot find it.`,
          range,
          { fixes },
        );
      } else {
        ctx.report(
          hpa,
          CODE,
          `${apiVersion} is an old version of ${expected}${removed}. The autoscaler only uses the API group, so it still finds ${kind} ${ref.scaleTargetRef.name}, but write ${expected}.`,
          range,
          { severity: 'warning', fixes },
        );
      }
    }
  },
};
