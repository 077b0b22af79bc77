import type { ErrorObject } from 'ajv';
import { goYamlOnlyReading } from '../parse/goYamlSchema';
import type { PathSegment, RangePart } from '../parse/locate';
import { formatPath } from '../parse/locate';
import type { Release, StoredSchema } from './store';
import { DEFINITION_KEY } from './validator';
import { QUANTITY_RE } from './formats';
import { closest, quoteList, sameWord } from './suggest';

/**
 * ajv errors → findings a person can act on: one finding per mistake, on the key or value that
 * is wrong, saying what was expected and what was found, with a fix when the fix is obvious.
 */

export interface IssueFix {
  title: string;
  path: PathSegment[];
  part: 'key' | 'value';
  newText: string;
  preferred?: boolean;
}

export interface SchemaIssue {
  code: string;
  message: string;
  path: PathSegment[];
  part: RangePart;
  fixes?: IssueFix[];
  /** The field a `schema-required` issue is about. */
  field?: string;
}

/** The YAML source of a plain (unquoted) scalar at a path, for quote/unquote fixes. */
export type PlainScalarSource = (path: PathSegment[]) => string | undefined;

export interface ExplainContext {
  kind: string;
  release: Release;
  /** The object that was validated. */
  data: unknown;
  plainScalar: PlainScalarSource;
}

export const MAX_ISSUES_PER_RESOURCE = 100;

/** Field-specific advice for unknown fields that are not typos (definition short name + field). */
const FIELD_HINTS: Record<string, { hint: string; rename?: string }> = {
  'DaemonSetSpec.replicas': {
    hint: 'a DaemonSet runs one pod on each eligible node and has no replica count; did you mean a Deployment or a StatefulSet?',
  },
  'ServicePort.containerPort': { hint: 'did you mean "targetPort" (the port the pods listen on)?', rename: 'targetPort' },
  'IngressBackend.serviceName': { hint: 'networking.k8s.io/v1 names the Service under service.name' },
  'IngressBackend.servicePort': { hint: 'networking.k8s.io/v1 takes the port under service.port.number or service.port.name' },
  'HorizontalPodAutoscalerSpec.targetCPUUtilizationPercentage': {
    hint: 'autoscaling/v2 sets CPU targets under metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}}]',
  },
  'Container.environment': { hint: 'did you mean "env"?', rename: 'env' },
  'Container.cpu': { hint: 'CPU goes under resources.requests.cpu and resources.limits.cpu' },
  'Container.memory': { hint: 'memory goes under resources.requests.memory and resources.limits.memory' },
  'Container.requests': { hint: 'did you mean resources.requests?' },
  'Container.limits': { hint: 'did you mean resources.limits?' },
};

export function explainErrors(errors: ErrorObject[], cx: ExplainContext): SchemaIssue[] {
  const seen = new Set<string>();
  const unique: ErrorObject[] = [];
  for (const e of errors) {
    const key = `${e.keyword}|${e.instancePath}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(e);
  }
  // A misspelt required field shows up twice (unknown + missing): keep the unknown one, which carries the fix.
  const typoOfRequired = new Set<string>();
  const missing = new Set(
    unique.filter((e) => e.keyword === 'required').map((e) => `${e.instancePath}|${(e.params as { missingProperty: string }).missingProperty}`),
  );
  // A value of the wrong type also fails its enum/format check: one finding (the type) is enough.
  const wrongTypeAt = new Set(unique.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const issues: SchemaIssue[] = [];
  for (const e of unique) {
    if (e.keyword !== 'additionalProperties') continue;
    const issue = unknownField(e, cx, missing);
    if (issue.suggestion && missing.has(`${e.instancePath}|${issue.suggestion}`)) typoOfRequired.add(`${e.instancePath}|${issue.suggestion}`);
    issues.push(issue.issue);
  }
  for (const e of unique) {
    if (issues.length >= MAX_ISSUES_PER_RESOURCE) break;
    switch (e.keyword) {
      case 'additionalProperties':
        break;
      case 'required': {
        const prop = (e.params as { missingProperty: string }).missingProperty;
        if (typoOfRequired.has(`${e.instancePath}|${prop}`)) break;
        issues.push(requiredField(e, prop, cx));
        break;
      }
      case 'type':
        issues.push(wrongType(e, cx));
        break;
      case 'enum':
        if (!wrongTypeAt.has(e.instancePath)) issues.push(notAllowed(e, cx));
        break;
      case 'format':
        if (!wrongTypeAt.has(e.instancePath)) issues.push(badFormat(e, cx));
        break;
      default: {
        const path = toPath(e.instancePath, cx.data);
        issues.push({ code: 'schema-invalid', message: `${label(path, cx)} is not valid here (${e.keyword} ${JSON.stringify(e.params)})`, path, part: 'auto' });
      }
    }
  }
  return issues.slice(0, MAX_ISSUES_PER_RESOURCE);
}

/** ajv's JSON pointer → data path, numbers for list indexes. */
export function toPath(pointer: string, root: unknown): PathSegment[] {
  if (!pointer) return [];
  const out: PathSegment[] = [];
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.indexOf('~') === -1 ? raw : raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      const i = Number(seg);
      out.push(i);
      cur = cur[i];
    } else {
      out.push(seg);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

/**
 * The value at a data path. (ajv's verbose `data` cannot be used: errors that pass through the
 * lazy reference keyword carry the data of the outermost reference instead.)
 */
export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** `Deployment.spec.template.spec` (the object), for "in …" phrases. */
function objectLabel(path: PathSegment[], cx: ExplainContext): string {
  return path.length ? `${cx.kind}.${formatPath(path)}` : cx.kind;
}

/** `spec.replicas` (a field), or the kind for the object itself. */
function label(path: PathSegment[], cx: ExplainContext): string {
  return path.length ? formatPath(path) : cx.kind;
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return typeof v;
}

function expectedType(types: string[], format: string | undefined): string {
  const t = types.filter((x) => x !== 'null');
  if (format === 'quantity') return 'a quantity (like 500m, 2, 128Mi or 1Gi)';
  const names: Record<string, string> = {
    integer: 'an integer',
    number: 'a number',
    string: 'a string',
    boolean: 'true or false',
    object: 'a mapping',
    array: 'a list',
  };
  return t.map((x) => names[x] ?? x).join(' or ');
}

interface UnknownFieldResult {
  issue: SchemaIssue;
  suggestion?: string;
}

function unknownField(e: ErrorObject, cx: ExplainContext, missing: Set<string>): UnknownFieldResult {
  const key = (e.params as { additionalProperty: string }).additionalProperty;
  const parent = toPath(e.instancePath, cx.data);
  const path = [...parent, key];
  const schema = (e.parentSchema ?? {}) as { properties?: Record<string, unknown>; [DEFINITION_KEY]?: string };
  const known = Object.keys(schema.properties ?? {});
  const data = valueAt(cx.data, parent) as Record<string, unknown> | undefined;
  const present = (name: string) => !!data && Object.prototype.hasOwnProperty.call(data, name);
  let message = `unknown field ${JSON.stringify(key)} in ${objectLabel(parent, cx)}`;
  const fixes: IssueFix[] = [];
  let suggestion: string | undefined;

  const definition = schema[DEFINITION_KEY];
  const hint = definition ? FIELD_HINTS[`${definition.slice(definition.lastIndexOf('.') + 1)}.${key}`] : undefined;
  const candidates = closest(key, known);
  if (candidates.length) {
    message += ` — did you mean ${quoteList(candidates)}?`;
    if (candidates.length === 1 && !present(candidates[0])) {
      suggestion = candidates[0];
      const required = missing.has(`${e.instancePath}|${suggestion}`);
      fixes.push({ title: `Rename to "${suggestion}"`, path, part: 'key', newText: suggestion, preferred: sameWord(key, suggestion) || required });
    }
  } else if (hint) {
    message += ` — ${hint.hint}`;
    if (hint.rename && known.includes(hint.rename) && !present(hint.rename)) {
      fixes.push({ title: `Rename to "${hint.rename}"`, path, part: 'key', newText: hint.rename });
    }
  } else if (definition) {
    const elsewhere = findNested(cx.release, definition, key);
    if (elsewhere) message += ` — did you mean ${parent.length ? `${formatPath(parent)}.` : ''}${elsewhere}?`;
  }
  return { issue: { code: 'schema-unknown-field', message, path, part: 'key', fixes: fixes.length ? fixes : undefined }, suggestion };
}

/**
 * Where a field that is unknown in `definition` lives further down (e.g. `containers` written
 * directly under a Deployment's spec → `template.spec.containers`). Breadth-first, shallow.
 */
export function findNested(release: Release, definition: string, key: string, maxDepth = 3): string | undefined {
  const queue: { def: string; path: string }[] = [{ def: definition, path: '' }];
  const visited = new Set<string>([definition]);
  for (let depth = 0; depth < maxDepth && queue.length; depth++) {
    const level = queue.splice(0, queue.length);
    for (const { def, path } of level) {
      const schema = release.schema(def);
      for (const [name, prop] of Object.entries(schema?.properties ?? {})) {
        const child = refOf(prop);
        const childPath = path ? `${path}.${name}` : name;
        if (!child) continue;
        const childSchema = release.schema(child.name);
        if (childSchema?.properties && Object.prototype.hasOwnProperty.call(childSchema.properties, key) && name !== 'status') {
          return `${childPath}${child.list ? '[]' : ''}.${key}`;
        }
        if (!visited.has(child.name) && name !== 'status' && name !== 'metadata') {
          visited.add(child.name);
          queue.push({ def: child.name, path: `${childPath}${child.list ? '[]' : ''}` });
        }
      }
    }
  }
  return undefined;
}

function refOf(s: StoredSchema): { name: string; list: boolean } | undefined {
  if (s.$ref) return { name: s.$ref, list: false };
  if (s.items?.$ref) return { name: s.items.$ref, list: true };
  return undefined;
}

function requiredField(e: ErrorObject, prop: string, cx: ExplainContext): SchemaIssue {
  const parent = toPath(e.instancePath, cx.data);
  const data = valueAt(cx.data, parent) as Record<string, unknown> | undefined;
  if (data && Object.prototype.hasOwnProperty.call(data, prop) && data[prop] === null) {
    return {
      code: 'schema-required',
      message: `required field ${JSON.stringify(prop)} in ${objectLabel(parent, cx)} is null`,
      path: [...parent, prop],
      part: 'key',
      field: prop,
    };
  }
  return {
    code: 'schema-required',
    message: `missing required field ${JSON.stringify(prop)} in ${objectLabel(parent, cx)}`,
    field: prop,
    path: parent,
    part: 'key',
  };
}

function wrongType(e: ErrorObject, cx: ExplainContext): SchemaIssue {
  const path = toPath(e.instancePath, cx.data);
  const schema = (e.parentSchema ?? {}) as { type?: string | string[]; format?: string };
  const types = ([] as string[]).concat((e.params as { type: string | string[] }).type ?? schema.type ?? []);
  const value = valueAt(cx.data, path);
  // A Secret's values are never echoed: messages end up in CI logs and uploaded SARIF.
  const secret = cx.kind === 'Secret' && (path[0] === 'data' || path[0] === 'stringData') && (value === null || typeof value !== 'object');
  let message = `${label(path, cx)} must be ${expectedType(types, schema.format)}, got ${secret ? `a ${value === null ? 'null' : typeof value} (Secret value not shown)` : describeValue(value)}`;
  const fixes: IssueFix[] = [];
  const source = typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' ? cx.plainScalar(path) : undefined;
  const numeric = types.includes('integer') || types.includes('number');
  if (types.includes('string') && !numeric && (typeof value === 'number' || typeof value === 'boolean')) {
    if (source !== undefined) {
      const quoted = JSON.stringify(source);
      // YAML 1.1 spellings YAML 1.2 tools read as strings: say why kubectl does not.
      const reading = secret ? undefined : goYamlOnlyReading(source);
      if (reading) message += ` (kubectl reads ${source} as ${reading}: YAML 1.1, as go-yaml reads it)`;
      message += secret ? ' — quote it' : ` — quote it: ${quoted}`;
      fixes.push({ title: secret ? 'Quote the value' : `Quote the value: ${quoted}`, path, part: 'value', newText: quoted, preferred: true });
    } else {
      message += ' — quote it';
    }
  } else if (numeric && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) {
    const digits = value.trim();
    if (types.includes('number') || /^-?\d+$/.test(digits)) {
      message += ' — remove the quotes';
      fixes.push({ title: `Write it as the number ${digits}`, path, part: 'value', newText: digits, preferred: true });
    }
  } else if (types.includes('boolean') && typeof value === 'string' && /^(true|false)$/i.test(value.trim())) {
    const b = value.trim().toLowerCase();
    message += ' — remove the quotes';
    fixes.push({ title: `Write it as ${b}`, path, part: 'value', newText: b, preferred: true });
  } else if (types.includes('boolean') && typeof value === 'string' && /^(yes|no|on|off|y|n)$/i.test(value.trim())) {
    message += ' — write true or false';
  } else if (types.includes('array') && typeof value === 'string') {
    message += ' — write it as a list (one "- " item per line, or ["a", "b"])';
  } else if (types.includes('array') && value !== null && typeof value === 'object') {
    message += ' — start each item with "- "';
  } else if (types.includes('object') && Array.isArray(value)) {
    message += ' — remove the leading "- "';
  }
  return { code: 'schema-type', message, path, part: 'value', fixes: fixes.length ? fixes : undefined };
}

function notAllowed(e: ErrorObject, cx: ExplainContext): SchemaIssue {
  const path = toPath(e.instancePath, cx.data);
  const allowed = ((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).filter((v) => v !== null).map(String);
  const value = valueAt(cx.data, path);
  let message = `${label(path, cx)} must be one of ${allowed.join(', ')}; got ${describeValue(value)}`;
  const fixes: IssueFix[] = [];
  if (typeof value === 'string') {
    const candidates = closest(value, allowed);
    if (candidates.length) {
      message += ` — did you mean ${quoteList(candidates)}?`;
      if (candidates.length === 1) {
        fixes.push({ title: `Change to "${candidates[0]}"`, path, part: 'value', newText: candidates[0], preferred: sameWord(value, candidates[0]) });
      }
    }
  }
  return { code: 'schema-enum', message, path, part: 'value', fixes: fixes.length ? fixes : undefined };
}

function badFormat(e: ErrorObject, cx: ExplainContext): SchemaIssue {
  const path = toPath(e.instancePath, cx.data);
  const format = (e.params as { format: string }).format;
  const value = valueAt(cx.data, path);
  const where = label(path, cx);
  const fixes: IssueFix[] = [];
  let message: string;
  switch (format) {
    case 'quantity': {
      message = `${where} must be a quantity like 500m, 2, 128Mi or 1Gi; got ${describeValue(value)}`;
      const better = typeof value === 'string' ? suggestQuantity(value) : [];
      if (better.length) {
        message += ` — did you mean ${quoteList(better)}?`;
        for (const b of better)
          fixes.push({ title: `Change to ${b}`, path, part: 'value', newText: b, preferred: better.length === 1 && sameWord(String(value), b) });
      }
      break;
    }
    case 'int32':
      message = `${where} must be a 32-bit integer (up to 2147483647); got ${describeValue(value)}`;
      break;
    case 'byte':
      message = `${where} must be base64-encoded; got text that is not valid base64`;
      if (path[0] === 'data' && cx.kind === 'Secret') message += ' (put plain text under stringData instead)';
      break;
    case 'date-time':
      message = `${where} must be an RFC 3339 date-time like 2024-01-31T12:00:00Z; got ${describeValue(value)}`;
      break;
    default:
      message = `${where} must be in ${format} format; got ${describeValue(value)}`;
  }
  return { code: 'schema-format', message, path, part: 'value', fixes: fixes.length ? fixes : undefined };
}

/** "1GB" → 1G, 1Gi; "512mb" → 512M, 512Mi; "2 Gi" → 2Gi; "1gi" → 1Gi. */
export function suggestQuantity(raw: string): string[] {
  const s = raw.replace(/\s+/g, '');
  if (s !== raw && QUANTITY_RE.test(s)) return [s];
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))([kKmMgGtTpPeE])(i?)([bB]?)$/.exec(s);
  if (!m) return [];
  const unit = m[2] === 'k' || m[2] === 'K' ? 'k' : m[2].toUpperCase();
  const binary = unit === 'k' ? 'Ki' : `${unit}i`;
  if (m[3]) return [`${m[1]}${binary}`];
  if (m[4]) return [`${m[1]}${unit}`, `${m[1]}${binary}`].filter((q) => QUANTITY_RE.test(q));
  return [];
}
