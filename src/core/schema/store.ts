import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pushTo } from '../multimap';

/**
 * The committed schemas/ directory (written by scripts/generate-schemas.mjs), loaded lazily:
 * the index on first use, one release file when that release is first asked for, the shared
 * definition store on the first validation, and descriptions only when a hover needs them.
 */

/** The file that marks a schemas/ directory as ours; the runtime walks up to find it. */
export const SCHEMA_INDEX_FILE = 'k8s-schemas.json';

/** One definition as stored: a JSON Schema subset with `$ref` by definition name. */
export interface StoredSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  properties?: Record<string, StoredSchema>;
  required?: string[];
  additionalProperties?: boolean | StoredSchema;
  items?: StoredSchema;
  $ref?: string;
}

export interface SchemaIndex {
  format: number;
  releases: { release: string; file: string; kinds: number; definitions: number }[];
  groups: string[];
  files: { definitions: string; descriptions: string; availability: string };
}

export interface ReleaseManifest {
  release: string;
  /** apiVersion → kind → root definition name. */
  kinds: Record<string, Record<string, string>>;
  /** definition name → [schema hash, description hash?]. */
  definitions: Record<string, [string, string?]>;
}

export interface Availability {
  releases: string[];
  /** apiVersion → kind → releases that serve it. */
  apiVersions: Record<string, Record<string, string[]>>;
}

export type Descriptions = Record<string, string>;

let explicitDir: string | undefined;
let located: string | undefined;
let index: SchemaIndex | undefined;
let definitionStore: Record<string, StoredSchema> | undefined;
let descriptionStore: Record<string, Descriptions> | undefined;
let availability: Availability | undefined;
const releases = new Map<string, Release>();

/** Points the store at a schemas/ directory (tests, or an extension that ships it elsewhere). */
export function setSchemasDir(dir: string | undefined): void {
  explicitDir = dir ? resolve(dir) : undefined;
  located = undefined;
  index = undefined;
  definitionStore = undefined;
  descriptionStore = undefined;
  availability = undefined;
  builtinGroups = undefined;
  releases.clear();
  resolved.clear();
}

/**
 * The schemas/ directory: `setSchemasDir`, else $KUBE_TOPOLOGY_SCHEMAS, else the first
 * `schemas/k8s-schemas.json` walking up from this module (works from out/src/core/schema/ in
 * tests and from dist/ in the esbuild bundles).
 */
export function schemasDir(): string {
  if (located) return located;
  const candidates: string[] = [];
  if (explicitDir) candidates.push(explicitDir);
  else {
    if (process.env.KUBE_TOPOLOGY_SCHEMAS) candidates.push(resolve(process.env.KUBE_TOPOLOGY_SCHEMAS));
    for (let dir = __dirname; ; dir = dirname(dir)) {
      candidates.push(join(dir, 'schemas'));
      if (dirname(dir) === dir) break;
    }
  }
  for (const dir of candidates) {
    if (existsSync(join(dir, SCHEMA_INDEX_FILE))) return (located = dir);
  }
  throw new Error(`Kubernetes schemas not found (looked for schemas/${SCHEMA_INDEX_FILE} above ${explicitDir ?? __dirname}); run npm run schemas`);
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(schemasDir(), file), 'utf8')) as T;
}

export function schemaIndex(): SchemaIndex {
  return (index ??= readJson<SchemaIndex>(SCHEMA_INDEX_FILE));
}

/** Whether the schemas can be loaded at all (for a one-line status instead of an exception). */
export function schemasAvailable(): boolean {
  if (index) return true;
  try {
    schemaIndex();
    return true;
  } catch {
    return false;
  }
}

export function definitions(): Record<string, StoredSchema> {
  return (definitionStore ??= readJson<Record<string, StoredSchema>>(schemaIndex().files.definitions));
}

export function descriptionSets(): Record<string, Descriptions> {
  return (descriptionStore ??= readJson<Record<string, Descriptions>>(schemaIndex().files.descriptions));
}

export function apiAvailability(): Availability {
  return (availability ??= readJson<Availability>(schemaIndex().files.availability));
}

/** Releases with schemas, oldest first ("1.28" … "1.36"). */
export function supportedReleases(): string[] {
  return schemaIndex().releases.map((r) => r.release);
}

export function compareReleases(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/**
 * The release to validate against: "1.30", "v1.30" and "1.30.2" all mean 1.30; versions outside
 * the generated range are clamped to the nearest one (the newest when unparsable).
 */
export function resolveRelease(version: string | undefined): string {
  const key = version ?? '';
  let r = resolved.get(key);
  if (r === undefined) {
    r = resolveUncached(version);
    resolved.set(key, r);
  }
  return r;
}

const resolved = new Map<string, string>();

function resolveUncached(version: string | undefined): string {
  const list = supportedReleases();
  const m = /^v?(\d+)\.(\d+)/.exec((version ?? '').trim());
  if (!m) return list[list.length - 1];
  const wanted = `${Number(m[1])}.${Number(m[2])}`;
  if (list.includes(wanted)) return wanted;
  if (compareReleases(wanted, list[0]) < 0) return list[0];
  let best = list[0];
  for (const r of list) if (compareReleases(r, wanted) <= 0) best = r;
  return best;
}

/** Splits "apps/v1" into group "apps" and version "v1" ("v1" → core group ""). */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** One release's kinds and definitions. */
export class Release {
  private byKindCache?: Map<string, string[]>;

  constructor(
    readonly name: string,
    readonly manifest: ReleaseManifest,
  ) {}

  /** Root definition name of a kind, if this release serves it. */
  rootOf(apiVersion: string, kind: string): string | undefined {
    const kinds = this.manifest.kinds[apiVersion];
    return kinds && Object.prototype.hasOwnProperty.call(kinds, kind) ? kinds[kind] : undefined;
  }

  /** apiVersions that serve `kind` in this release. */
  apiVersionsOf(kind: string): string[] {
    if (!this.byKindCache) {
      const map = new Map<string, string[]>();
      for (const [apiVersion, kinds] of Object.entries(this.manifest.kinds)) {
        for (const k of Object.keys(kinds)) {
          pushTo(map, k, apiVersion);
        }
      }
      this.byKindCache = map;
    }
    return this.byKindCache.get(kind) ?? [];
  }

  allKinds(): string[] {
    this.apiVersionsOf('');
    return [...this.byKindCache!.keys()];
  }

  /** The stored schema of a definition (refs by name, resolved with {@link schema} again). */
  schema(definition: string): StoredSchema | undefined {
    const entry = this.manifest.definitions[definition];
    return entry ? definitions()[entry[0]] : undefined;
  }

  descriptions(definition: string): Descriptions | undefined {
    const entry = this.manifest.definitions[definition];
    return entry?.[1] ? descriptionSets()[entry[1]] : undefined;
  }
}

/** A release by name (as returned by {@link resolveRelease}); loads its file on first use. */
export function release(name: string): Release {
  let r = releases.get(name);
  if (!r) {
    const entry = schemaIndex().releases.find((x) => x.release === name);
    if (!entry) throw new Error(`no schemas for Kubernetes ${name}`);
    r = new Release(name, readJson<ReleaseManifest>(entry.file));
    releases.set(name, r);
  }
  return r;
}

let builtinGroups: Set<string> | undefined;

/** Whether an API group appears in any generated release (anything else may be a custom resource). */
export function isGeneratedGroup(group: string): boolean {
  builtinGroups ??= new Set(schemaIndex().groups);
  return builtinGroups.has(group);
}
