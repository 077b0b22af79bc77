import { asRecord, getPath, podTemplateOf } from '../../model/kinds';
import type { PathSegment } from '../../parse/locate';
import type { ResourceCheck, ResourceCheckContext, RuleMeta, Rule } from '../types';
import { isBuiltin, POD_KINDS } from './builtinKinds';
import { hasTemplatePlaceholder, labelValue, qualifiedName } from './nameSyntax';

const META: RuleMeta[] = [
  { code: 'invalid-label', family: 'server', severity: 'error', title: 'Label key or value the API server rejects' },
  { code: 'invalid-annotation', family: 'server', severity: 'error', title: 'Annotation key the API server rejects, or annotations over 256 KiB' },
];

/** The API server's limit on the total size of an object's annotations (keys plus values). */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/**
 * Label keys are qualified names (`prefix/name`), values at most 63 characters of letters,
 * digits, '-', '_' and '.'. Checked on the object, its pod template and its selectors.
 */
const check: ResourceCheck = (ctx) => {
  const r = ctx.resource;
  checkLabelMap(ctx, ['metadata', 'labels'], 'label');
  checkAnnotations(ctx, ['metadata', 'annotations']);

  if (isBuiltin(r, ...POD_KINDS) && r.kind !== 'Pod') {
    const t = podTemplateOf(r);
    if (t) {
      checkLabelMap(ctx, t.labelsPath, 'pod template label');
      checkAnnotations(ctx, [...t.labelsPath.slice(0, -1), 'annotations']);
    }
    if (r.kind === 'CronJob') checkLabelMap(ctx, ['spec', 'jobTemplate', 'metadata', 'labels'], 'job template label');
    checkLabelMap(ctx, ['spec', 'selector', 'matchLabels'], 'selector label');
  }
  if (isBuiltin(r, 'ReplicationController', 'Service')) checkLabelMap(ctx, ['spec', 'selector'], 'selector label');
};

function checkLabelMap(ctx: ResourceCheckContext, path: PathSegment[], what: string): void {
  const labels = asRecord(getPath(ctx.resource.object, path));
  if (!labels) return;
  for (const [key, value] of Object.entries(labels)) {
    if (hasTemplatePlaceholder(key) || (typeof value === 'string' && hasTemplatePlaceholder(value))) continue;
    const keyProblem = qualifiedName(key);
    if (keyProblem) {
      ctx.report('invalid-label', `The ${what} key "${key}" ${keyProblem}; the API server rejects it.`, ctx.range([...path, key], 'key'));
    }
    if (typeof value !== 'string') continue; // numbers and booleans are the schema's type error
    const valueProblem = labelValue(value);
    if (valueProblem) {
      ctx.report(
        'invalid-label',
        `The ${what} value "${shorten(value)}" of ${key} ${valueProblem}; the API server rejects it.`,
        ctx.range([...path, key], 'value'),
      );
    }
  }
}

function checkAnnotations(ctx: ResourceCheckContext, path: PathSegment[]): void {
  const annotations = asRecord(getPath(ctx.resource.object, path));
  if (!annotations) return;
  let total = 0;
  for (const [key, value] of Object.entries(annotations)) {
    total += utf8Length(key) + (typeof value === 'string' ? utf8Length(value) : 0);
    if (hasTemplatePlaceholder(key)) continue;
    // The server checks annotation keys case-insensitively.
    const problem = qualifiedName(key.toLowerCase());
    if (problem) ctx.report('invalid-annotation', `The annotation key "${key}" ${problem}; the API server rejects it.`, ctx.range([...path, key], 'key'));
  }
  if (total > ANNOTATIONS_MAX_BYTES) {
    ctx.report(
      'invalid-annotation',
      `These annotations take ${Math.ceil(total / 1024)} KiB; the API server rejects more than 256 KiB in total. ` +
        'Large content belongs in a ConfigMap (a kubectl.kubernetes.io/last-applied-configuration this big means: use kubectl apply --server-side).',
      ctx.range(path, 'key'),
    );
  }
}

const encoder = new TextEncoder();

/** Size in bytes, as the API server counts it. */
function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

function shorten(value: string): string {
  return value.length > 70 ? `${value.slice(0, 67)}…` : value;
}

export const labelsAndAnnotationsRule: Rule = { scope: 'resource', meta: META, check, onPatches: true };
