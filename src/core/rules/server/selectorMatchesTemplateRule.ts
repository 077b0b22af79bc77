import { isMap, isScalar, type Pair } from 'yaml';
import type { Fix, RelatedLocation, TextEdit } from '../../findings';
import { asArray, asRecord, getPath, labelSelectorMatches, podTemplateOf, stringMap, type LabelExpression } from '../../model/kinds';
import type { PathSegment } from '../../parse/locate';
import type { ResourceCheck, ResourceCheckContext, RuleMeta, Rule } from '../types';
import { isBuiltin, kindAndName } from './builtinKinds';
import {
  appendToBlockMap,
  appendToFlowMap,
  formatScalar,
  indentUnit,
  insertLinesAfterOffset,
  insertLinesBefore,
  isBlockMapWithItems,
  keyColumn,
  nodeAt,
  pairAt,
  removePairEdit,
  replaceScalarEdit,
  startsLine,
} from '../yamlEdits';

const META: RuleMeta[] = [
  {
    code: 'selector-template-mismatch',
    family: 'server',
    severity: 'error',
    title: "Workload selector does not match its pod template's labels (or is empty)",
  },
  {
    code: 'job-selector-not-generated',
    family: 'server',
    severity: 'error',
    title: 'Job sets spec.selector without manualSelector: true',
  },
];

interface SelectorView {
  path: PathSegment[];
  matchLabels: Record<string, string>;
  matchLabelsPath: PathSegment[];
  expressions: LabelExpression[];
}

/**
 * The API server rejects a Deployment, ReplicaSet, StatefulSet or DaemonSet (and a Job with
 * manualSelector, and a ReplicationController with an explicit selector) whose selector does
 * not select the pods its own template creates, and rejects an empty selector.
 */
const check: ResourceCheck = (ctx) => {
  const r = ctx.resource;
  if (checkJobSelector(ctx)) return;
  const selector = selectorOf(ctx);
  if (!selector) return;
  const template = podTemplateOf(r);
  if (!template || getPath(r.object, template.specPath.slice(0, -1)) === undefined) return;
  const templatePath = template.specPath.slice(0, -1);
  const what = kindAndName(r);

  if (Object.keys(selector.matchLabels).length === 0 && selector.expressions.length === 0) {
    ctx.report(
      'selector-template-mismatch',
      `The selector of ${what} is empty, which the API server rejects: a selector decides which pods this ${r.kind} owns. ` +
        `Put the pod template's labels under spec.selector.matchLabels${describeLabels(template.labels)}.`,
      ctx.range(selector.path, 'key'),
    );
    return;
  }

  const labels = template.labels;
  const missing: [string, string][] = [];
  const differing: [string, string, string][] = [];
  for (const [k, v] of Object.entries(selector.matchLabels)) {
    if (!Object.hasOwn(labels, k)) missing.push([k, v]);
    else if (labels[k] !== v) differing.push([k, v, labels[k]]);
  }
  const failingExpressions = selector.expressions.map((e, i) => ({ e, i })).filter(({ e }) => !labelSelectorMatches({ matchExpressions: [e] }, labels));
  if (missing.length === 0 && differing.length === 0 && failingExpressions.length === 0) return;

  const problems: string[] = [
    ...missing.map(([k, v]) => `${k}=${v} (missing from the template)`),
    ...differing.map(([k, v, actual]) => `${k}=${v} (the template has ${k}=${actual})`),
    ...failingExpressions.map(({ e }) => `${describeExpression(e)} (not satisfied by the template)`),
  ];
  const related: RelatedLocation[] = [
    ...[...missing, ...differing].map(([k]) => ({
      file: '',
      range: ctx.range([...selector.matchLabelsPath, k], 'pair'),
      message: `selector requires ${k}=${selector.matchLabels[k]}`,
    })),
    ...failingExpressions.map(({ e, i }) => ({
      file: '',
      range: ctx.range([...selector.path, 'matchExpressions', i]),
      message: `selector requires ${describeExpression(e)}`,
    })),
  ];

  const fixes: Fix[] = [];
  if (failingExpressions.length === 0) {
    const edits = templateLabelEdits(ctx, templatePath, missing, differing);
    if (edits) {
      const changed = [...missing, ...differing].map(([k, v]) => `${k}: ${v}`).join(', ');
      fixes.push({
        title: differing.length ? `Set the pod template labels to match the selector (${changed})` : `Add ${changed} to the pod template labels`,
        edits,
        preferred: differing.length === 0,
      });
    }
  }

  ctx.report(
    'selector-template-mismatch',
    `The selector of ${what} does not match its pod template's labels, so the API server rejects it ("selector does not match template labels"): ` +
      `${problems.join('; ')}. Every pod the ${r.kind} creates must carry the labels its selector asks for.`,
    ctx.range(template.labelsPath, 'key'),
    { fixes, related },
  );
};

/**
 * A Job makes its own selector (from a generated controller-uid label) and the API server rejects
 * one written by hand unless manualSelector is true — a Deployment habit that does not carry over.
 */
function checkJobSelector(ctx: ResourceCheckContext): boolean {
  const r = ctx.resource;
  const spec = asRecord(r.object.spec);
  if (!isBuiltin(r, 'Job') || !spec || spec.selector == null || spec.manualSelector === true) return false;
  const fixes: Fix[] = [];
  const removal = removePairEdit(ctx.doc, pairAt(r, ['spec', 'selector']));
  if (removal) fixes.push({ title: 'Remove spec.selector (the Job generates it)', edits: [removal], preferred: true });
  ctx.report(
    'job-selector-not-generated',
    'A Job generates its own selector; the API server rejects spec.selector here ("`selector` not auto-generated") unless manualSelector is true. ' +
      'Remove spec.selector: the pods are still found through the labels the Job adds to them.',
    ctx.range(['spec', 'selector'], 'key'),
    { fixes },
  );
  return true;
}

function selectorOf(ctx: ResourceCheckContext): SelectorView | undefined {
  const r = ctx.resource;
  const spec = asRecord(r.object.spec);
  if (!spec) return undefined;
  if (isBuiltin(r, 'ReplicationController')) {
    // A plain map; when absent or empty it defaults to the template's labels.
    const sel = stringMap(spec.selector);
    if (Object.keys(sel).length === 0) return undefined;
    return { path: ['spec', 'selector'], matchLabels: sel, matchLabelsPath: ['spec', 'selector'], expressions: [] };
  }
  const labelSelectorKind = isBuiltin(r, 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet');
  const manualJob = isBuiltin(r, 'Job') && spec.manualSelector === true;
  if (!labelSelectorKind && !manualJob) return undefined;
  // A missing selector is the schema's finding (required in apps/v1) or defaulted (older APIs).
  if (spec.selector === undefined || spec.selector === null) return undefined;
  const sel = asRecord(spec.selector);
  if (!sel) return undefined;
  const expressions = asArray(sel.matchExpressions)
    .map(asRecord)
    .filter((e): e is Record<string, unknown> => !!e && typeof e.key === 'string' && typeof e.operator === 'string')
    .map((e) => ({ key: e.key as string, operator: e.operator as string, values: asArray(e.values).map(String) }));
  return { path: ['spec', 'selector'], matchLabels: stringMap(sel.matchLabels), matchLabelsPath: ['spec', 'selector', 'matchLabels'], expressions };
}

/**
 * Edits that give the pod template the selector's labels: new keys go under an existing
 * `labels:` (or a new one under `metadata:`, or a new `metadata:` under `template:`), and
 * differing values are replaced in place. Undefined when the YAML has a shape we do not edit.
 */
function templateLabelEdits(
  ctx: ResourceCheckContext,
  templatePath: PathSegment[],
  missing: [string, string][],
  differing: [string, string, string][],
): TextEdit[] | undefined {
  const { doc, resource } = ctx;
  const edits: TextEdit[] = [];
  const labelsPath = [...templatePath, 'metadata', 'labels'];
  for (const [k, v] of differing) {
    const edit = replaceScalarEdit(doc, nodeAt(resource, [...labelsPath, k]), formatScalar(v));
    if (!edit) return undefined;
    edits.push(edit);
  }
  if (missing.length === 0) return edits;
  const entries = missing.map(([k, v]) => `${formatScalar(k)}: ${formatScalar(v)}`);
  const unit = indentUnit(doc, resource);
  const pad = ' '.repeat(unit);

  const labels = nodeAt(resource, labelsPath);
  if (isMap(labels)) {
    const edit = labels.flow ? appendToFlowMap(doc, labels, entries) : appendToBlockMap(doc, labels, entries);
    return edit ? [...edits, edit] : undefined;
  }
  const labelsPair = pairAt(resource, labelsPath);
  if (labelsPair) return withInsertUnderKey(ctx, labelsPair, entries, edits);

  const metadata = nodeAt(resource, [...templatePath, 'metadata']);
  if (isBlockMapWithItems(metadata)) {
    const edit = appendToBlockMap(doc, metadata, ['labels:', ...entries.map((e) => pad + e)]);
    return edit ? [...edits, edit] : undefined;
  }
  const metadataPair = pairAt(resource, [...templatePath, 'metadata']);
  if (metadataPair) return withInsertUnderKey(ctx, metadataPair, ['labels:', ...entries.map((e) => pad + e)], edits);

  // No metadata at all: add it as the template's first key (where people write it, above spec).
  const template = nodeAt(resource, templatePath);
  if (!isBlockMapWithItems(template)) return undefined;
  const first = template.items[0];
  const firstKey = first.key as { range?: [number, number, number] };
  const column = keyColumn(doc, first);
  if (column === undefined || !firstKey.range || !startsLine(doc, firstKey.range[0])) return undefined;
  return [...edits, insertLinesBefore(doc, firstKey.range[0], column, ['metadata:', `${pad}labels:`, ...entries.map((e) => pad + pad + e)])];
}

/** Lines under a key whose value is empty (`labels:` followed by nothing). */
function withInsertUnderKey(ctx: ResourceCheckContext, pair: Pair, lines: string[], edits: TextEdit[]): TextEdit[] | undefined {
  const key = pair.key as { range?: [number, number, number] } | undefined;
  const value = pair.value;
  if (!key?.range || (value != null && !(isScalar(value) && value.value == null))) return undefined;
  const column = keyColumn(ctx.doc, pair);
  if (column === undefined) return undefined;
  const unit = indentUnit(ctx.doc, ctx.resource);
  const end = (value as { range?: [number, number, number] } | null)?.range?.[1] ?? key.range[1];
  return [...edits, insertLinesAfterOffset(ctx.doc, end, column + unit, lines)];
}

function describeLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return ' (and give the template matching labels)';
  return ` (for example ${entries.map(([k, v]) => `${k}: ${v}`).join(', ')})`;
}

function describeExpression(e: LabelExpression): string {
  const values = e.values?.length ? ` (${e.values.join(', ')})` : '';
  return `${e.key} ${e.operator}${values}`;
}

export const selectorMatchesTemplateRule: Rule = { scope: 'resource', meta: META, check };
