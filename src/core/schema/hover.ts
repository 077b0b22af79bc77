import { release, resolveRelease, splitApiVersion, type Release, type StoredSchema } from './store';

/** What a hover shows for one field. */
export interface FieldDescription {
  description: string;
  /** Go-style type: `integer`, `string`, `[]Container`, `map[string]string`, `Quantity`, … */
  type: string;
  /** Whether the parent object requires the field (undefined for list items, map entries and the object itself). */
  required?: boolean;
}

const SCALAR_NAMES: Record<string, string> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': 'Quantity (string like 500m or 1Gi, or a number)',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': 'integer or string',
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': 'Time (RFC 3339 string)',
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': 'MicroTime (RFC 3339 string)',
};

function shortName(definition: string): string {
  return definition.slice(definition.lastIndexOf('.') + 1);
}

function typeName(rel: Release, s: StoredSchema | undefined): string {
  if (!s) return 'any';
  if (s.$ref) return SCALAR_NAMES[s.$ref] ?? shortName(s.$ref);
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  if (types.includes('array')) return `[]${typeName(rel, s.items)}`;
  if (types.includes('object')) {
    if (s.additionalProperties && typeof s.additionalProperties === 'object') return `map[string]${typeName(rel, s.additionalProperties)}`;
    return 'object';
  }
  if (!types.length) return 'any';
  let t = types.join(' or ');
  if (s.format && s.format !== 'int-or-string') t += ` (${s.format})`;
  if (s.enum) t += `: one of ${s.enum.join(', ')}`;
  return t;
}

/**
 * Describes the field at `path` (as in the YAML: ['spec', 'template', 'spec', 'containers', 0, 'image'])
 * of a built-in kind, for hovers. `version` is a Kubernetes release like "1.36". Loads the
 * description store on first use.
 */
export function describeField(version: string, apiVersion: string, kind: string, path: readonly (string | number)[]): FieldDescription | undefined {
  let rel: Release;
  try {
    rel = release(resolveRelease(version));
  } catch {
    return undefined;
  }
  const root = rel.rootOf(apiVersion, kind);
  if (!root) return undefined;
  let definition: string | undefined = root;
  let schema: StoredSchema | undefined = rel.schema(root);
  let description = rel.descriptions(root)?.[''] ?? '';
  let required: boolean | undefined;
  let shown: StoredSchema | undefined = { $ref: root };
  for (const seg of path) {
    // Step through references to the definition itself.
    while (schema?.$ref) {
      definition = schema.$ref;
      schema = rel.schema(definition);
    }
    if (!schema) return undefined;
    if (typeof seg === 'number') {
      if (!schema.items) return undefined;
      shown = schema.items;
      schema = schema.items;
      required = undefined;
      definition = undefined;
      continue;
    }
    const prop = schema.properties?.[seg];
    if (prop) {
      description = (definition && rel.descriptions(definition)?.[seg]) || '';
      required = schema.required?.includes(seg) ?? false;
      shown = prop;
      schema = prop;
      definition = undefined;
      continue;
    }
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      shown = schema.additionalProperties;
      schema = schema.additionalProperties;
      required = undefined;
      definition = undefined;
      continue;
    }
    return undefined;
  }
  if (!description) {
    // Fall back to the description of the field's type (e.g. a list item's type).
    let s = shown;
    if (s?.items) s = s.items;
    if (s?.$ref) description = rel.descriptions(s.$ref)?.[''] ?? '';
  }
  return { description, type: path.length ? typeName(rel, shown) : kind, required: path.length ? required : undefined };
}

export interface KnownKind {
  apiVersion: string;
  group: string;
  version: string;
  kind: string;
}

/** Every built-in kind of a release ("1.36"), sorted by apiVersion then kind. */
export function listKnownKinds(version: string): KnownKind[] {
  const rel = release(resolveRelease(version));
  const out: KnownKind[] = [];
  for (const apiVersion of Object.keys(rel.manifest.kinds).sort()) {
    const { group, version: v } = splitApiVersion(apiVersion);
    for (const kind of Object.keys(rel.manifest.kinds[apiVersion]).sort()) out.push({ apiVersion, group, version: v, kind });
  }
  return out;
}
