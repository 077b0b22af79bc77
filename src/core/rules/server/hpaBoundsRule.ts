import type { Fix } from '../../findings';
import { asArray, asRecord, getPath } from '../../model/kinds';
import type { PathSegment } from '../../parse/locate';
import type { ResourceCheck, ResourceCheckContext, RuleMeta, Rule } from '../types';
import { isBuiltin } from './builtinKinds';
import { parseQuantity, quantitySign } from './quantity';
import { nodeAt, replaceScalarEdit } from '../yamlEdits';

const META: RuleMeta[] = [
  { code: 'hpa-replica-range', family: 'server', severity: 'error', title: 'HPA minReplicas/maxReplicas the API server rejects' },
  { code: 'hpa-invalid-target', family: 'server', severity: 'error', title: 'HPA metric target that is zero or negative' },
];

/** The scaling range: 1 ≤ minReplicas ≤ maxReplicas. */
const check: ResourceCheck = (ctx) => {
  const r = ctx.resource;
  if (!isBuiltin(r, 'HorizontalPodAutoscaler')) return;
  const min = getPath(r.object, ['spec', 'minReplicas']);
  const max = getPath(r.object, ['spec', 'maxReplicas']);
  const minOk = typeof min === 'number' && Number.isInteger(min);
  const maxOk = typeof max === 'number' && Number.isInteger(max);
  if (minOk && min < 1) {
    ctx.report(
      'hpa-replica-range',
      `minReplicas ${min} is rejected: an HPA keeps at least 1 replica (0 needs the alpha HPAScaleToZero feature gate, which kind does not enable).`,
      ctx.range(['spec', 'minReplicas'], 'value'),
    );
  }
  if (maxOk && max < 1) {
    ctx.report('hpa-replica-range', `maxReplicas ${max} is rejected: it must be at least 1.`, ctx.range(['spec', 'maxReplicas'], 'value'));
  }
  if (minOk && maxOk && min >= 1 && max >= 1 && min > max) {
    const fixes: Fix[] = [];
    const a = replaceScalarEdit(ctx.doc, nodeAt(r, ['spec', 'minReplicas']), String(max));
    const b = replaceScalarEdit(ctx.doc, nodeAt(r, ['spec', 'maxReplicas']), String(min));
    if (a && b) fixes.push({ title: `Swap them: minReplicas ${max}, maxReplicas ${min}`, edits: [a, b] });
    ctx.report(
      'hpa-replica-range',
      `maxReplicas ${max} is below minReplicas ${min}; the API server rejects it. The scaling range is minReplicas..maxReplicas.`,
      ctx.range(['spec', 'maxReplicas'], 'value'),
      { fixes, related: [{ file: '', range: ctx.range(['spec', 'minReplicas'], 'value'), message: `minReplicas ${min}` }] },
    );
  }
  checkTargets(ctx);
};

/** Utilization targets must be ≥ 1 (percent); value and averageValue targets must be positive. */
function checkTargets(ctx: ResourceCheckContext): void {
  const r = ctx.resource;
  const v1 = getPath(r.object, ['spec', 'targetCPUUtilizationPercentage']);
  if (typeof v1 === 'number' && v1 < 1) reportUtilization(ctx, ['spec', 'targetCPUUtilizationPercentage'], v1);
  asArray(getPath(r.object, ['spec', 'metrics'])).forEach((m, i) => {
    const metric = asRecord(m);
    if (!metric) return;
    for (const source of ['resource', 'containerResource', 'pods', 'object', 'external']) {
      const src = asRecord(metric[source]);
      if (!src) continue;
      const base: PathSegment[] = ['spec', 'metrics', i, source];
      // autoscaling/v2beta1 spelled the targets as fields of the source.
      const legacy = src.targetAverageUtilization;
      if (typeof legacy === 'number' && legacy < 1) reportUtilization(ctx, [...base, 'targetAverageUtilization'], legacy);
      const target = asRecord(src.target);
      if (!target) continue;
      if (typeof target.averageUtilization === 'number' && target.averageUtilization < 1) {
        reportUtilization(ctx, [...base, 'target', 'averageUtilization'], target.averageUtilization);
      }
      for (const key of ['averageValue', 'value']) {
        const q = parseQuantity(target[key]);
        if (q && quantitySign(q) <= 0) {
          ctx.report(
            'hpa-invalid-target',
            `target.${key} ${String(target[key])} is rejected: it must be a positive quantity.`,
            ctx.range([...base, 'target', key], 'value'),
          );
        }
      }
    }
  });
}

function reportUtilization(ctx: ResourceCheckContext, path: PathSegment[], value: number): void {
  ctx.report(
    'hpa-invalid-target',
    `A utilization target of ${value}% is rejected: it must be greater than 0 (it is a percentage of the pods' requests, for example 50).`,
    ctx.range(path, 'value'),
  );
}

export const hpaBoundsRule: Rule = { scope: 'resource', meta: META, check };
