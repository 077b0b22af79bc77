import { isScalar as isYamlScalar } from 'yaml';
import type { Fix, TextEdit } from '../findings';
import type { ResourceCheck, ResourceCheckContext, Rule, RuleMeta } from '../rules/types';
import { findNode, type PathSegment } from '../parse/locate';
import { explainErrors, type IssueFix, type SchemaIssue } from './messages';
import { findApiChange, REMOVED_ONLY_GROUPS, type ApiChange } from './removedApis';
import { apiAvailability, compareReleases, isGeneratedGroup, release, resolveRelease, schemasAvailable, splitApiVersion, type Release } from './store';
import { closest, plainList, sameWord } from './suggest';
import { validateAgainst } from './validator';
import { getPath, groupOf } from '../model/kinds';

/** Schema and apiVersion codes (owned by the schema module). */
export const SCHEMA_RULES: RuleMeta[] = [
  { code: 'schema-unknown-field', family: 'schema', severity: 'error', title: 'Field not defined for this kind (kubectl strict field validation rejects it)' },
  { code: 'schema-required', family: 'schema', severity: 'error', title: 'A required field is missing' },
  { code: 'schema-type', family: 'schema', severity: 'error', title: 'Value has the wrong type' },
  { code: 'schema-enum', family: 'schema', severity: 'error', title: 'Value is not one of the allowed values' },
  { code: 'schema-format', family: 'schema', severity: 'error', title: 'Value is not in the required format (quantity, base64, date-time, 32-bit integer)' },
  { code: 'schema-invalid', family: 'schema', severity: 'error', title: 'Value does not match the schema' },
  { code: 'unknown-kind', family: 'schema', severity: 'error', title: 'Kind does not exist in this built-in API group' },
  { code: 'schema-unavailable', family: 'schema', severity: 'warning', title: 'Kubernetes schemas could not be loaded; resources were not validated' },
  { code: 'api-version-removed', family: 'api-version', severity: 'error', title: 'apiVersion was removed from Kubernetes' },
  { code: 'api-version-deprecated', family: 'api-version', severity: 'warning', title: 'apiVersion is deprecated and will be removed' },
  { code: 'api-version-unavailable', family: 'api-version', severity: 'error', title: 'apiVersion/kind is not served by the selected Kubernetes version' },
];

/** An API group of Kubernetes itself (generated, or removed long ago); anything else is a custom resource. */
export function isBuiltinApiGroup(group: string): boolean {
  return isGeneratedGroup(group) || REMOVED_ONLY_GROUPS.has(group);
}

/** isBuiltinApiGroup of an apiVersion's group, remembered per apiVersion (asked for every object on every pass). */
export function isBuiltinApiVersion(apiVersion: string): boolean {
  let builtin = builtinByApiVersion.get(apiVersion);
  if (builtin === undefined) {
    if (builtinByApiVersion.size >= 10_000) builtinByApiVersion.clear();
    builtinByApiVersion.set(apiVersion, (builtin = isBuiltinApiGroup(groupOf(apiVersion))));
  }
  return builtin;
}
const builtinByApiVersion = new Map<string, boolean>();

function apiVersionFix(ctx: ResourceCheckContext, title: string, apiVersion: string, preferred: boolean): Fix {
  return { title, edits: [valueEdit(ctx, ['apiVersion'], 'value', apiVersion)], preferred: preferred || undefined };
}

/**
 * Replaces a value. A block scalar's range (`|-` and its lines) ends after its last line break,
 * which the new text must keep, or the next key would be glued onto this line.
 */
function valueEdit(ctx: ResourceCheckContext, path: PathSegment[], part: IssueFix['part'], newText: string): TextEdit {
  const range = ctx.range(path, part);
  const eatsLineBreak = range.end.character === 0 && range.end.line > range.start.line;
  return { file: '', range, newText: eatsLineBreak ? newText + (ctx.doc.text.includes('\r\n') ? '\r\n' : '\n') : newText };
}

/** Whether the object as written validates against `apiVersion` in the release (so renaming apiVersion alone is enough). */
function validatesAs(rel: Release, apiVersion: string, kind: string, object: Record<string, unknown>): boolean {
  const root = rel.rootOf(apiVersion, kind);
  if (!root) return false;
  const copy = { ...object, apiVersion };
  return validateAgainst(rel.name, root, copy).length === 0;
}

function releasesText(list: string[]): string {
  if (!list.length) return '';
  return list.length === 1 ? list[0] : `${list[0]}–${list[list.length - 1]}`;
}

function checkApiChange(
  ctx: ResourceCheckContext,
  change: ApiChange,
  target: string,
  rel: Release,
  apiVersion: string,
  kind: string,
): 'removed' | 'deprecated' | undefined {
  const removed = change.removedIn !== undefined && compareReleases(target, change.removedIn) >= 0;
  const deprecated = !removed && change.deprecatedIn !== undefined && compareReleases(target, change.deprecatedIn) >= 0;
  if (!removed && !deprecated) return undefined;
  const replacementKind = change.replacementKind ?? kind;
  const replacement = change.replacements.find((r) => rel.rootOf(r, replacementKind)) ?? change.replacements[0];
  let message = removed
    ? `${apiVersion} ${kind} was removed in Kubernetes ${change.removedIn}`
    : `${apiVersion} ${kind} is deprecated since Kubernetes ${change.deprecatedIn}${change.removedIn ? ` and is removed in ${change.removedIn}` : ''}`;
  if (replacement) message += `; use ${replacement}${replacementKind !== kind ? ` ${replacementKind}` : ''}`;
  else message += ' and has no replacement API';
  if (change.note) message += replacement ? ` (${change.note})` : `; ${change.note}`;
  const fixes: Fix[] = [];
  if (replacement && replacementKind === kind && change.rename && rel.rootOf(replacement, kind)) {
    if (change.rename === 'safe') {
      fixes.push(apiVersionFix(ctx, `Change apiVersion to ${replacement}`, replacement, true));
    } else if (ctx.options.schemaValidation !== false && validatesAs(rel, replacement, kind, ctx.resource.object)) {
      fixes.push(apiVersionFix(ctx, `Change apiVersion to ${replacement} (review: ${change.note ?? 'defaults may differ'})`, replacement, false));
    }
  }
  ctx.report(removed ? 'api-version-removed' : 'api-version-deprecated', message, ctx.range(['apiVersion'], 'value'), fixes.length ? { fixes } : undefined);
  return removed ? 'removed' : 'deprecated';
}

/** apiVersion/kind not in the release: say where the kind is served instead, or what the kind might be. */
function reportUnknown(ctx: ResourceCheckContext, rel: Release, apiVersion: string, kind: string): void {
  const served = rel.apiVersionsOf(kind);
  const history = apiAvailability().apiVersions[apiVersion]?.[kind];
  if (served.length || history) {
    let message = `${apiVersion} ${kind} is not served by Kubernetes ${rel.name}`;
    if (history?.length) {
      const first = history[0];
      const last = history[history.length - 1];
      if (compareReleases(first, rel.name) > 0) message += ` (it is served from ${first})`;
      else if (compareReleases(last, rel.name) < 0) message += ` (it was served in ${releasesText(history)})`;
    }
    if (served.length) message += `; ${kind} is served as ${plainList(served)}`;
    const fixes: Fix[] = [];
    if (served.length === 1 && ctx.options.schemaValidation !== false && validatesAs(rel, served[0], kind, ctx.resource.object)) {
      fixes.push(apiVersionFix(ctx, `Change apiVersion to ${served[0]}`, served[0], false));
    }
    ctx.report('api-version-unavailable', message, ctx.range(['apiVersion'], 'value'), fixes.length ? { fixes } : undefined);
    return;
  }
  if (ctx.options.schemaValidation === false) return;
  const sameApi = Object.keys(rel.manifest.kinds[apiVersion] ?? {});
  let candidates = closest(kind, sameApi);
  let where = apiVersion;
  if (!candidates.length) {
    candidates = closest(kind, rel.allKinds());
    where = '';
  }
  let message = `unknown kind ${JSON.stringify(kind)} for ${apiVersion}`;
  const fixes: Fix[] = [];
  if (candidates.length) {
    const described = candidates.map((c) => (where ? JSON.stringify(c) : `${JSON.stringify(c)} (${plainList(rel.apiVersionsOf(c))})`));
    message += ` — did you mean ${plainList(described)}?`;
    if (candidates.length === 1 && where) {
      fixes.push({
        title: `Change kind to ${candidates[0]}`,
        edits: [valueEdit(ctx, ['kind'], 'value', candidates[0])],
        preferred: sameWord(kind, candidates[0]) || undefined,
      });
    }
  } else if (!rel.manifest.kinds[apiVersion]) {
    const { group } = splitApiVersion(apiVersion);
    const versions = Object.keys(rel.manifest.kinds).filter((v) => splitApiVersion(v).group === group);
    message = `${apiVersion} is not an API version of Kubernetes ${rel.name}${versions.length ? `; ${group || 'the core group'} has ${plainList(versions)}` : ''}`;
    ctx.report('api-version-unavailable', message, ctx.range(['apiVersion'], 'value'));
    return;
  }
  ctx.report('unknown-kind', message, ctx.range(['kind'], 'value'), fixes.length ? { fixes } : undefined);
}

function toFix(ctx: ResourceCheckContext, f: IssueFix): Fix {
  return { title: f.title, edits: [valueEdit(ctx, f.path, f.part, f.newText)], preferred: f.preferred || undefined };
}

function plainScalarSource(ctx: ResourceCheckContext) {
  return (path: PathSegment[]): string | undefined => {
    const found = findNode(ctx.resource.node, path);
    if (found.depth !== path.length || !isYamlScalar(found.node)) return undefined;
    const node = found.node;
    if (node.type !== 'PLAIN' || !node.range) return undefined;
    return ctx.doc.text.slice(node.range[0], node.range[1]);
  };
}

/** YAML files with a core-looking apiVersion that are not API objects (a kubeconfig is `v1 Config`). */
const NOT_API_OBJECTS = new Set(['v1 Config']);

let unavailableReported = false;

const schemaCheck: ResourceCheck = (ctx) => {
  const { apiVersion, kind } = ctx.resource;
  if (!apiVersion || !kind) return; // reported by the parser
  if (!schemasAvailable()) {
    if (!unavailableReported) {
      unavailableReported = true;
      ctx.report(
        'schema-unavailable',
        'Kubernetes schemas could not be loaded (schemas/k8s-schemas.json not found); resources are not validated. Run npm run schemas.',
        ctx.range(['apiVersion'], 'value'),
      );
    }
    return;
  }
  const target = resolveRelease(ctx.options.kubernetesVersion);
  const rel = release(target);
  const patch = ctx.file.role === 'patch';
  const change = findApiChange(apiVersion, kind);
  // A patch creates nothing: the apiVersion that reaches the server is its target's.
  if (change && (patch || checkApiChange(ctx, change, target, rel, apiVersion, kind) === 'removed')) return;

  const { group } = splitApiVersion(apiVersion);
  if (!isBuiltinApiGroup(group)) return; // a custom resource: its CRD is the schema
  if (kind === 'List' || NOT_API_OBJECTS.has(`${apiVersion} ${kind}`)) return;
  const root = rel.rootOf(apiVersion, kind);
  if (!root) {
    if (!patch) reportUnknown(ctx, rel, apiVersion, kind);
    return;
  }
  if (ctx.options.schemaValidation === false) return;
  const data = ctx.file.selectorLabelsAdded ? withKustomizeSelector(kind, ctx.resource.object) : ctx.resource.object;
  const errors = validateAgainst(target, root, data);
  if (!errors.length) return;
  let issues: SchemaIssue[] = explainErrors(errors, { kind, release: rel, data, plainScalar: plainScalarSource(ctx) });
  if (patch)
    issues = issues.filter(
      (i) => i.code !== 'schema-required' && !isPatchDirective(i) && !(i.code === 'schema-unknown-field' && getPath(data, i.path) === null),
    );
  // kustomize's namespace transformer fills the namespace of objects a field refers to (a webhook's Service).
  if (ctx.file.namespaceAdded) issues = issues.filter((i) => !(i.code === 'schema-required' && i.field === 'namespace'));
  for (const issue of issues) {
    const fixes = issue.fixes?.map((f) => toFix(ctx, f));
    ctx.report(issue.code, issue.message, ctx.range(issue.path, issue.part), fixes ? { fixes } : undefined);
  }
};

/** Workloads whose selector kustomize writes from commonLabels (or labels with includeSelectors) when it is missing. */
const SELECTOR_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** The object as kustomize sends it as far as the schema cares: with the selector kustomize adds. */
function withKustomizeSelector(kind: string, object: Record<string, unknown>): Record<string, unknown> {
  const spec = object.spec;
  if (!SELECTOR_KINDS.has(kind) || spec === null || typeof spec !== 'object' || Array.isArray(spec) || 'selector' in spec) return object;
  return { ...object, spec: { ...spec, selector: { matchLabels: { 'kustomize.config.k8s.io/common-labels': 'added' } } } };
}

/** `$patch`, `$setElementOrder/…`, `$retainKeys`, `$deleteFromPrimitiveList/…`: strategic merge patch directives. */
function isPatchDirective(issue: SchemaIssue): boolean {
  return issue.code === 'schema-unknown-field' && String(issue.path[issue.path.length - 1]).startsWith('$');
}

/** Schema and apiVersion rules: one check per resource. */
export const schemaRule: Rule = { scope: 'resource', meta: SCHEMA_RULES, check: schemaCheck, onPatches: true };
