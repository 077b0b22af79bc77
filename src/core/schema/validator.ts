import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { release as loadRelease, type Release, type StoredSchema } from './store';
import { FastChecker } from './fastCheck';
import { FORMATS } from './formats';

/**
 * ajv validators for one Kubernetes release, compiled lazily per definition.
 *
 * Compiling a whole kind at once is slow (a Deployment pulls in ~120 definitions and ajv needs
 * about a second for them), and a typical manifest touches only a handful of them. So every
 * reference between definitions becomes a small custom keyword (`k8sRef`) that compiles its
 * target the first time data reaches it; each compiled definition is shared by every kind of
 * the release. A kind's validator is just its root definition's.
 *
 * ajv only runs for objects the fast check (fastCheck.ts) rejects, to explain what is wrong.
 *
 * Nulls: the API server treats `field: null` as unset, so optional fields accept null (their
 * types get "null", references skip null), while required fields, list items and the object
 * itself do not. No copy of the object is made.
 */

/** Marks each compiled definition with its name, so error handling knows which type it was in. */
export const DEFINITION_KEY = 'x-k8s-definition';

export interface ValidatorStats {
  /** Definitions compiled so far (all releases). */
  compiled: number;
  /** Time spent compiling them, ms. */
  compileMs: number;
  /** Objects the fast check rejected, validated again by ajv for the errors. */
  slowPath: number;
}

const stats: ValidatorStats = { compiled: 0, compileMs: 0, slowPath: 0 };

export function validatorStats(): ValidatorStats {
  return { ...stats };
}

class ReleaseValidators {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  readonly fast: FastChecker;

  constructor(readonly release: Release) {
    this.fast = new FastChecker(release);
    this.ajv = new Ajv({
      allErrors: true,
      verbose: true,
      strict: false,
      validateSchema: false,
      addUsedSchema: false,
      messages: false,
      inlineRefs: false,
      // ajv's name optimisation is quadratic on large objects (PodSpec); it buys nothing here.
      code: { optimize: false },
    });
    for (const [name, f] of Object.entries(FORMATS)) this.ajv.addFormat(name, { type: f.type, validate: f.check } as never);

    const get = (name: string): ValidateFunction => this.definition(name);
    // Optional reference: null means unset.
    // ajv reads a keyword's errors from the function's `errors` property right after the call.
    // A part the fast checker finds valid has no errors: only the definitions along the invalid
    // parts get compiled (a Deployment with one bad container port: 6 definitions instead of 9).
    type KeywordFn = ((name: string, data: unknown, parent: unknown, cxt: unknown) => boolean) & { errors?: ErrorObject[] };
    const optionalRef: KeywordFn = (name, data, _parent, cxt) => {
      if (data === null || this.fast.check(name, data)) return true;
      const v = get(name);
      if (v(data, cxt as never)) return true;
      optionalRef.errors = v.errors ?? [];
      return false;
    };
    const requiredRef: KeywordFn = (name, data, _parent, cxt) => {
      if (this.fast.check(name, data)) return true;
      const v = get(name);
      if (v(data, cxt as never)) return true;
      requiredRef.errors = v.errors ?? [];
      return false;
    };
    this.ajv.addKeyword({ keyword: 'k8sRef', schemaType: 'string', errors: 'full', validate: optionalRef as never });
    this.ajv.addKeyword({ keyword: 'k8sRefRequired', schemaType: 'string', errors: 'full', validate: requiredRef as never });
    this.ajv.addKeyword({ keyword: DEFINITION_KEY, schemaType: 'string' });
  }

  /** The compiled validator of one definition. */
  definition(name: string): ValidateFunction {
    let v = this.compiled.get(name);
    if (!v) {
      const stored = this.release.schema(name);
      if (!stored) throw new Error(`definition ${name} missing from the Kubernetes ${this.release.name} schemas`);
      const started = performance.now();
      v = this.ajv.compile({ ...toAjv(this.release, stored, false), [DEFINITION_KEY]: name });
      stats.compileMs += performance.now() - started;
      stats.compiled++;
      this.compiled.set(name, v);
    }
    return v;
  }
}

/** A stored definition without properties of its own (Quantity, IntOrString, Time): inlined at the use site. */
function isScalar(s: StoredSchema): boolean {
  return !s.properties && s.additionalProperties === undefined && !s.items && s.type !== 'object' && s.type !== 'array';
}

function withNull(type: string | string[]): string[] {
  return Array.isArray(type) ? [...type, 'null'] : [type, 'null'];
}

/**
 * Most fields a definition may have and still be inlined where it is used. Kept small: a big
 * object with many optional sub-objects (Volume, Container) compiles much faster when the
 * sub-objects stay lazy and only the ones a manifest uses get compiled.
 */
const INLINE_MAX_FIELDS = 4;
const leafCache = new WeakMap<StoredSchema, boolean>();

/**
 * A small definition that references nothing but scalars (ContainerPort, HTTPGetAction, …):
 * compiled into each user instead of behind a lazy reference, which saves a compile and a call.
 */
function isSmallLeaf(rel: Release, s: StoredSchema): boolean {
  let leaf = leafCache.get(s);
  if (leaf === undefined) {
    leaf = Object.keys(s.properties ?? {}).length <= INLINE_MAX_FIELDS && !refersToObjects(rel, s);
    leafCache.set(s, leaf);
  }
  return leaf;
}

function refersToObjects(rel: Release, s: StoredSchema): boolean {
  if (s.$ref) {
    const target = rel.schema(s.$ref);
    return !target || !isScalar(target);
  }
  if (s.properties) for (const p of Object.values(s.properties)) if (refersToObjects(rel, p)) return true;
  if (s.items && refersToObjects(rel, s.items)) return true;
  return typeof s.additionalProperties === 'object' && refersToObjects(rel, s.additionalProperties);
}

/** Stored schema → ajv schema (see the module comment for nulls and references). */
export function toAjv(rel: Release, s: StoredSchema, nullable: boolean): Record<string, unknown> {
  if (s.$ref) {
    const target = rel.schema(s.$ref);
    if (target && (isScalar(target) || isSmallLeaf(rel, target))) {
      const inlined = toAjv(rel, target, nullable);
      return target.properties ? { ...inlined, [DEFINITION_KEY]: s.$ref } : inlined;
    }
    return nullable ? { k8sRef: s.$ref } : { k8sRefRequired: s.$ref };
  }
  const out: Record<string, unknown> = {};
  if (s.type !== undefined) out.type = nullable ? withNull(s.type) : s.type;
  if (s.format !== undefined) out.format = s.format;
  if (s.enum !== undefined) out.enum = nullable ? [...s.enum, null] : s.enum;
  if (s.properties) {
    const required = new Set(s.required ?? []);
    const props: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(s.properties)) props[key] = toAjv(rel, value, !required.has(key));
    out.properties = props;
  }
  if (s.required) out.required = s.required;
  if (s.additionalProperties !== undefined) {
    out.additionalProperties = typeof s.additionalProperties === 'boolean' ? s.additionalProperties : toAjv(rel, s.additionalProperties, true);
  }
  if (s.items) out.items = toAjv(rel, s.items, false);
  return out;
}

const byRelease = new Map<string, ReleaseValidators>();

export function releaseValidators(releaseName: string): ReleaseValidators {
  let r = byRelease.get(releaseName);
  if (!r) {
    r = new ReleaseValidators(loadRelease(releaseName));
    byRelease.set(releaseName, r);
  }
  return r;
}

/** Drops compiled validators (after {@link setSchemasDir}, or to measure compile time). */
export function resetValidators(): void {
  byRelease.clear();
  stats.compiled = 0;
  stats.compileMs = 0;
  stats.slowPath = 0;
}

/**
 * Validates one object against a definition of a release; returns ajv's errors (verbose: each
 * carries its data and parent schema) or an empty list.
 */
export function validateAgainst(releaseName: string, definition: string, data: unknown): ErrorObject[] {
  const r = releaseValidators(releaseName);
  if (r.fast.check(definition, data)) return [];
  stats.slowPath++;
  const v = r.definition(definition);
  return v(data) ? [] : (v.errors ?? []);
}

export type { ErrorObject };
