/**
 * API server answers turned into findings on the YAML that caused them: a 422's
 * `details.causes[].field` (`spec.template.spec.containers[0].image`), a strict-decoding
 * "unknown field", a server-side-apply conflict's field (`.spec.template.spec.containers[name="x"].image`),
 * each becomes the range of that field in the file; errors without a field point at the
 * resource's name.
 */
import type { Finding, Range } from '../findings';
import type { Resource } from '../parse/manifestParser';
import { rangeOf, type PathSegment } from '../parse/locate';
import { refOf } from '../model/kinds';
import { APPLY_CODES } from './applyTypes';
import type { ClusterResponse, KubeStatus } from './clusterClient';
import { checkApiVersion, checkName, checkNamespace, RefusedPathError } from './requestPath';

/** One step of a server field path: a key, an index, or a list item chosen by its keys (`[name="x"]`). */
export type FieldStep = string | number | { match: Record<string, unknown> };

/** Parses `spec.a[0].b`, `.spec.containers[name="x"].image`, `metadata.labels[app.kubernetes.io/name]`. */
export function parseFieldPath(field: string): FieldStep[] {
  const steps: FieldStep[] = [];
  let i = 0;
  let word = '';
  const flush = () => {
    if (word) steps.push(word);
    word = '';
  };
  while (i < field.length) {
    const c = field[i];
    if (c === '.') {
      flush();
      i++;
    } else if (c === '[') {
      flush();
      let j = i + 1;
      let quote: string | undefined;
      for (; j < field.length; j++) {
        const d = field[j];
        if (quote) {
          if (d === '\\') j++;
          else if (d === quote) quote = undefined;
        } else if (d === '"' || d === "'") quote = d;
        else if (d === ']') break;
      }
      steps.push(bracketStep(field.slice(i + 1, j)));
      i = j + 1;
    } else {
      word += c;
      i++;
    }
  }
  flush();
  return steps;
}

function bracketStep(inner: string): FieldStep {
  if (/^\d+$/.test(inner)) return Number(inner);
  if (!/^[A-Za-z_][\w-]*=/.test(inner)) return inner;
  const match: Record<string, unknown> = {};
  for (const part of splitOutsideQuotes(inner, ',')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const raw = part.slice(eq + 1).trim();
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      /* a bare word */
    }
    match[part.slice(0, eq).trim()] = value;
  }
  return { match };
}

function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') {
        cur += c + (s[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === sep) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

/** Resolves list selectors against the object; stops at the first step that does not resolve. */
export function resolveFieldPath(object: unknown, steps: readonly FieldStep[]): PathSegment[] {
  const out: PathSegment[] = [];
  let node: unknown = object;
  for (const step of steps) {
    if (typeof step === 'object') {
      if (!Array.isArray(node)) break;
      const index = node.findIndex(
        (item) => item && typeof item === 'object' && Object.entries(step.match).every(([k, v]) => looseEqual((item as Record<string, unknown>)[k], v)),
      );
      if (index === -1) break;
      out.push(index);
      node = node[index];
    } else {
      out.push(step);
      node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[step] : undefined;
    }
  }
  return out;
}

function looseEqual(a: unknown, b: unknown): boolean {
  // Selectors quote numbers as the server prints them: port=80 or port="80".
  if (a === b) return true;
  const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  return scalar(a) && scalar(b) && String(a) === String(b);
}

/** A server field path as people read it, list selectors kept (`containers[name="x"].image`). */
export function displayField(field: string): string {
  return field.replace(/^\./, '');
}

/** Where to put a message about the resource as a whole: its name, else its kind. */
export function headRange(resource: Resource): Range {
  if (resource.name) return rangeOf(resource, ['metadata', 'name'], 'value');
  return rangeOf(resource, ['kind'], 'value');
}

export function fieldRange(resource: Resource, field: string | undefined): Range {
  if (!field) return headRange(resource);
  const path = resolveFieldPath(resource.object, parseFieldPath(field));
  return path.length ? rangeOf(resource, path, 'auto') : headRange(resource);
}

export interface ErrorContext {
  resource: Resource;
  /** Namespace the resource is applied in (for messages). */
  namespace?: string;
  /** Removes credentials and Secret values from a message (the connection's Redactor). */
  redact: (text: string) => string;
  /** The verb that failed, for messages: "apply", "dry-run", "delete". */
  verb: string;
}

function statusOf(res: ClusterResponse): KubeStatus {
  if (res.body && typeof res.body === 'object') return res.body;
  return { message: typeof res.body === 'string' ? res.body.slice(0, 2000) : undefined };
}

function makeFinding(ctx: ErrorContext, code: string, message: string, range: Range): Finding {
  const r = ctx.resource;
  return {
    code,
    severity: 'error',
    message: ctx.redact(message),
    file: r.file,
    range,
    resource: { ...refOf(r), namespace: ctx.namespace },
  };
}

/** The field managers named in a 409 conflict ("conflict with \"other\" using apps/v1"). */
export function conflictManagers(status: KubeStatus): string[] {
  const names = new Set<string>();
  const texts = [status.message ?? '', ...(status.details?.causes ?? []).map((c) => c.message ?? '')];
  for (const t of texts) for (const m of t.matchAll(/conflicts? with "([^"]+)"/g)) names.add(m[1]);
  return [...names];
}

/** Findings for a failed request about `ctx.resource`. */
export function findingsForResponse(res: ClusterResponse, ctx: ErrorContext): Finding[] {
  const status = statusOf(res);
  const r = ctx.resource;
  const what = `${r.kind ?? 'object'} "${r.name ?? ''}"`;
  const msg = (status.message ?? '').trim();
  const causes = status.details?.causes ?? [];
  switch (res.status) {
    case 403:
      return [
        makeFinding(
          ctx,
          APPLY_CODES.forbidden,
          `forbidden: ${msg || `not allowed to ${ctx.verb} ${what}`} — the context's user lacks RBAC permission`,
          headRange(r),
        ),
      ];
    case 409: {
      if (status.reason === 'Conflict' && causes.some((c) => c.reason === 'FieldManagerConflict')) {
        return causes
          .filter((c) => c.reason === 'FieldManagerConflict')
          .map((c) => {
            const manager = /conflict with "([^"]+)"/.exec(c.message ?? '')?.[1] ?? 'another field manager';
            const field = displayField(c.field ?? '');
            return makeFinding(
              ctx,
              APPLY_CODES.conflict,
              `${field || 'a field'} of ${what} is managed by "${manager}"${/using (\S+)/.exec(c.message ?? '') ? ` (${/using (\S+)/.exec(c.message ?? '')?.[1]})` : ''}; applying would take it over — use force (--force-conflicts) to do so, or remove the field from the file`,
              fieldRange(r, c.field),
            );
          });
      }
      return [makeFinding(ctx, APPLY_CODES.conflict, `conflict: ${msg || what}`, headRange(r))];
    }
    case 404: {
      const kind = status.details?.kind;
      if (kind === 'namespaces') {
        return [
          makeFinding(
            ctx,
            APPLY_CODES.namespaceMissing,
            `namespace "${status.details?.name ?? ctx.namespace}" does not exist on the cluster; create it first or add a Namespace to the files`,
            r.namespace ? rangeOf(r, ['metadata', 'namespace'], 'value') : headRange(r),
          ),
        ];
      }
      return [
        makeFinding(
          ctx,
          APPLY_CODES.unknownKind,
          `the server has no ${r.apiVersion} ${r.kind} (HTTP 404${msg ? `: ${msg}` : ''})`,
          rangeOf(r, ['kind'], 'value'),
        ),
      ];
    }
    case 400:
    case 422: {
      const out: Finding[] = [];
      for (const c of causes) {
        const field = c.field ?? '';
        const text = c.message ?? c.reason ?? 'invalid';
        out.push(
          makeFinding(
            ctx,
            APPLY_CODES.rejected,
            `the server rejected ${what}: ${field ? `${displayField(field)}: ` : ''}${text}`,
            fieldRange(r, field || undefined),
          ),
        );
      }
      if (out.length) return out;
      // Strict decoding and server-side-apply schema errors name the field in the message only.
      const unknown = [...msg.matchAll(/unknown field "([^"]+)"/g)].map((m) => m[1]);
      if (unknown.length) {
        return unknown.map((f) => makeFinding(ctx, APPLY_CODES.rejected, `the server rejected ${what}: unknown field "${f}"`, fieldRange(r, f)));
      }
      const typed = /(?:typed (?:patch|value)[^:]*|errors):\s*(\.[\w.[\]"=,-]+):\s*(.+)$/s.exec(msg);
      if (typed)
        return [makeFinding(ctx, APPLY_CODES.rejected, `the server rejected ${what}: ${displayField(typed[1])}: ${typed[2].trim()}`, fieldRange(r, typed[1]))];
      return [makeFinding(ctx, APPLY_CODES.rejected, `the server rejected ${what}: ${msg || `HTTP ${res.status}`}`, headRange(r))];
    }
    case 401:
      return [
        makeFinding(ctx, APPLY_CODES.forbidden, `unauthorized: the server rejected the context's credentials (HTTP 401)${msg ? `: ${msg}` : ''}`, headRange(r)),
      ];
    default: {
      // Typed-object errors of server-side apply come back as 500 on some versions.
      const typed = /typed (?:patch|value)[^:]*:\s*(\.[\w.[\]"=,-]+):\s*(.+)$/s.exec(msg);
      if (typed)
        return [makeFinding(ctx, APPLY_CODES.rejected, `the server rejected ${what}: ${displayField(typed[1])}: ${typed[2].trim()}`, fieldRange(r, typed[1]))];
      return [makeFinding(ctx, APPLY_CODES.failed, `${ctx.verb} of ${what} failed: ${msg || `HTTP ${res.status}`} (HTTP ${res.status})`, headRange(r))];
    }
  }
}

/** The finding code of a failure below HTTP: an answer that was too large or a context that cannot be used is not "unreachable". */
export function transportCode(kind: string): string {
  return kind === 'too-large' || kind === 'config' ? APPLY_CODES.failed : APPLY_CODES.unreachable;
}

/** A finding for a failure below HTTP (unreachable, timeout, credentials). */
export function transportFinding(resource: Resource, namespace: string | undefined, message: string, code: string = APPLY_CODES.unreachable): Finding {
  return {
    code,
    severity: 'error',
    message,
    file: resource.file,
    range: headRange(resource),
    resource: { ...refOf(resource), namespace },
  };
}

/**
 * The finding for a resource refused before anything was sent (requestPath.ts): on the field that
 * is wrong — metadata.name, metadata.namespace (or the resource, when the namespace came from
 * --namespace or the context), apiVersion, or kind when the server's discovery was the problem.
 */
export function refusalFinding(resource: Resource, namespace: string | undefined, e: RefusedPathError): Finding {
  const field: PathSegment[] | undefined =
    e.part === 'name'
      ? ['metadata', 'name']
      : e.part === 'namespace'
        ? resource.namespace
          ? ['metadata', 'namespace']
          : undefined
        : e.part === 'apiVersion'
          ? ['apiVersion']
          : ['kind'];
  return {
    ...transportFinding(resource, namespace, `${e.message} — nothing was sent for it`, APPLY_CODES.invalidObject),
    range: field ? rangeOf(resource, field, 'value') : headRange(resource),
  };
}

/** Checks what can be checked before discovery: the apiVersion and the name (by kind). */
export function refusedBeforeDiscovery(resource: Resource, namespace: string | undefined): Finding | undefined {
  try {
    checkApiVersion(resource.apiVersion ?? '');
    checkName(resource.kind ?? '', resource.name ?? '');
    return undefined;
  } catch (e) {
    if (e instanceof RefusedPathError) return refusalFinding(resource, namespace, e);
    throw e;
  }
}

/** Checks the namespace of a namespaced resource (written in the file or the default one). */
export function refusedNamespace(resource: Resource, namespace: string): Finding | undefined {
  try {
    checkNamespace(namespace, resource.namespace ? 'metadata.namespace' : 'namespace (from --namespace or the context)');
    return undefined;
  } catch (e) {
    if (e instanceof RefusedPathError) return refusalFinding(resource, namespace, e);
    throw e;
  }
}
