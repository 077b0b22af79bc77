import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { release, resolveRelease, type Release, type StoredSchema } from './store';

/**
 * Writes our schemas as standalone JSON Schemas in kubeconform's local layout, so a benchmark or
 * CI job can run kubeconform against exactly the same definitions:
 *
 *   kubeconform -strict -kubernetes-version 1.36.0 -schema-location <dir> manifests/
 *
 * kubeconform appends `{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/
 * {{ .ResourceKind }}{{ .KindSuffix }}.json` to a location that does not end in .json: the
 * version gets a "v" prefix, the kind is lowercased, and the suffix is "-<version>" for the core
 * group or "-<first DNS label of the group>-<version>" otherwise (deployment-apps-v1.json,
 * service-v1.json, ingress-networking-v1.json).
 *
 * Each file holds the kind's schema with the definitions it uses under `definitions` (local
 * `$ref`s, so recursive types work). Optional fields accept null like the API server does; the
 * custom formats our validator adds (quantity, int32, base64) are left out.
 */
export function kubeconformFileName(apiVersion: string, kind: string): string {
  const parts = apiVersion.split('/');
  let suffix = `-${parts[0].split('.')[0].toLowerCase()}`;
  if (parts.length > 1) suffix += `-${parts[1].toLowerCase()}`;
  return `${kind.toLowerCase()}${suffix}.json`;
}

const KEPT_FORMATS = new Set(['date-time']);

function standalone(rel: Release, s: StoredSchema, nullable: boolean, used: Set<string>, queue: string[]): Record<string, unknown> {
  if (s.$ref) {
    if (!used.has(s.$ref)) {
      used.add(s.$ref);
      queue.push(s.$ref);
    }
    return { $ref: `#/definitions/${s.$ref}` };
  }
  const out: Record<string, unknown> = {};
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? [...s.type] : [s.type];
    out.type = nullable ? [...types, 'null'] : types.length === 1 ? types[0] : types;
  }
  if (s.format && KEPT_FORMATS.has(s.format)) out.format = s.format;
  if (s.enum) out.enum = nullable ? [...s.enum, null] : s.enum;
  if (s.properties) {
    const required = new Set(s.required ?? []);
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s.properties)) props[k] = standalone(rel, v, !required.has(k), used, queue);
    out.properties = props;
  }
  if (s.required) out.required = s.required;
  if (s.additionalProperties !== undefined) {
    out.additionalProperties =
      typeof s.additionalProperties === 'boolean' ? s.additionalProperties : standalone(rel, s.additionalProperties, true, used, queue);
  }
  if (s.items) out.items = standalone(rel, s.items, false, used, queue);
  return out;
}

/** One kind as a standalone schema document. */
export function standaloneSchema(version: string, apiVersion: string, kind: string): Record<string, unknown> | undefined {
  const rel = release(resolveRelease(version));
  const root = rel.rootOf(apiVersion, kind);
  const rootSchema = root ? rel.schema(root) : undefined;
  if (!root || !rootSchema) return undefined;
  const used = new Set<string>();
  const queue: string[] = [];
  const top = standalone(rel, rootSchema, false, used, queue);
  const props = (top.properties ?? {}) as Record<string, unknown>;
  if (props.apiVersion) props.apiVersion = { type: 'string', enum: [apiVersion] };
  if (props.kind) props.kind = { type: 'string', enum: [kind] };
  const definitions: Record<string, unknown> = {};
  while (queue.length) {
    const name = queue.shift()!;
    const s = rel.schema(name);
    // Definitions are referenced from optional fields far more often than from required ones;
    // accepting null in the definition itself (as kubeconform's usual schemas do) keeps refs plain.
    definitions[name] = s ? standalone(rel, s, s.type !== undefined, used, queue) : {};
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    // An $id makes the document its own resource: its "#/definitions/…" refs keep working when
    // several kinds are combined into one schema (oneOf) for an editor.
    $id: `https://schemas.kube-topology.invalid/v${rel.name}.0-standalone-strict/${kubeconformFileName(apiVersion, kind)}`,
    description: `${kind} (${apiVersion}), Kubernetes ${rel.name}`,
    ...top,
    definitions,
  };
}

/**
 * Writes every kind of a release (default 1.36) under `<schemaLocation>/v<release>.0-standalone-strict/`
 * and returns that directory. Pass `-kubernetes-version <release>.0 -strict -schema-location
 * <schemaLocation>` to kubeconform.
 */
export function writeKubeconformSchemas(schemaLocation: string, version = '1.36'): string {
  const rel = release(resolveRelease(version));
  const kubernetesVersion = `${rel.name}.0`;
  const dir = join(schemaLocation, `v${kubernetesVersion}-standalone-strict`);
  mkdirSync(dir, { recursive: true });
  for (const [apiVersion, kinds] of Object.entries(rel.manifest.kinds)) {
    for (const kind of Object.keys(kinds)) {
      const schema = standaloneSchema(rel.name, apiVersion, kind);
      if (!schema) continue;
      writeFileSync(join(dir, kubeconformFileName(apiVersion, kind)), JSON.stringify(schema));
    }
  }
  return dir;
}

/**
 * Several kinds as one schema (`oneOf`), with the definitions they share hoisted to the top: the
 * shape an editor-side validator such as yaml-language-server takes for "any of these kinds".
 * (Combining the standalone files as they are relies on each file's `$id` scoping its
 * `#/definitions/…` refs, which yaml-language-server does not resolve reliably.)
 */
export function combinedSchema(version: string, kinds: readonly (readonly [apiVersion: string, kind: string])[]): Record<string, unknown> {
  const definitions: Record<string, unknown> = {};
  const oneOf: Record<string, unknown>[] = [];
  for (const [apiVersion, kind] of kinds) {
    const s = standaloneSchema(version, apiVersion, kind);
    if (!s) throw new Error(`Kubernetes ${version} has no ${apiVersion} ${kind}`);
    const { definitions: defs, $id: _id, $schema: _schema, ...rest } = s;
    Object.assign(definitions, defs);
    oneOf.push(rest);
  }
  return { $schema: 'http://json-schema.org/draft-07/schema#', oneOf, definitions };
}
