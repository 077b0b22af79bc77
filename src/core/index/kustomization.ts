import { parse } from 'yaml';
import { asArray, asRecord } from '../model/kinds';
import { baseName, dirKey, pathKey } from './unitPaths';
import { errorText } from '../errorText';

/**
 * What a kustomization file says, as far as apply units need it: which files and folders it
 * builds from, which files are patches (checked as patches, not as objects), which are
 * kustomize's own configuration, what it generates, and the transformations that change what
 * the checks see (namespace, selector labels, `$(VAR)` placeholders).
 */

export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export function isKustomizationFile(file: string): boolean {
  return KUSTOMIZATION_FILE_NAMES.includes(baseName(pathKey(file)));
}

/** A patch's target as a kustomization selects it (kind and name are enough to look it up). */
export interface PatchTarget {
  kind?: string;
  name?: string;
  namespace?: string;
  /** The target is chosen by label or annotation selector or a name pattern: not looked up. */
  bySelector?: boolean;
}

export interface PatchFile {
  /** The path as written. */
  ref: string;
  target?: PatchTarget;
  /** A JSON 6902 patch (a list of operations), not an object. */
  json6902: boolean;
}

/** An `images` entry: kustomize rewrites container images named `name`. */
export interface ImageOverride {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

export interface GeneratedObject {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  namespace?: string;
}

/** Labels a kustomization adds (later kustomizations' values win for the same key). */
export interface AddedLabels {
  /** Written into selectors (a Service's, a workload's) and pod templates: commonLabels, labels with includeSelectors. */
  selector: Record<string, string>;
  /** Written into pod templates: the above, and labels with includeTemplates. */
  template: Record<string, string>;
}

export const NO_ADDED_LABELS: AddedLabels = Object.freeze({ selector: {}, template: {} });

/** `outer`'s pairs over `inner`'s: an overlay's labels are applied after its bases'. */
export function mergeAddedLabels(inner: AddedLabels, outer: AddedLabels): AddedLabels {
  if (inner === NO_ADDED_LABELS) return outer;
  if (outer === NO_ADDED_LABELS) return inner;
  return { selector: { ...inner.selector, ...outer.selector }, template: { ...inner.template, ...outer.template } };
}

export interface KustomizationSpec {
  file: string;
  /** Folder key (pathKey) of the kustomization root. */
  dir: string;
  kind: 'Kustomization' | 'Component';
  /** `resources` and the older `bases`, as written: files, folders, or remote URLs. */
  resources: string[];
  components: string[];
  patches: PatchFile[];
  /** Files kustomize reads as its own configuration (transformers, generators, configurations, crds, …). */
  configFiles: string[];
  generated: GeneratedObject[];
  namespace?: string;
  /** commonLabels, or labels with includeSelectors: kustomize writes them into selectors and pod templates. */
  addsSelectorLabels: boolean;
  /** The label pairs kustomize writes into selectors and into pod templates (`labels`, `commonLabels`). */
  addedLabels: AddedLabels;
  /** `vars` names: `$(NAME)` in values is replaced at build time. */
  vars: string[];
  images: ImageOverride[];
  /** namePrefix or nameSuffix: kustomize renames the objects (and the references it knows). */
  renames: boolean;
  /** Builds content no file here holds: a Helm chart it inflates, or generators it runs. */
  opaque: string[];
  /** A file that is not a readable kustomization. */
  error?: string;
}

const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git::|gh:|git@|github\.com\/|gitlab\.com\/|bitbucket\.org\/)|\?ref=|\?version=|\/\/.+\?/i;

/** A `resources` entry kustomize fetches over the network. */
export function isRemoteRef(ref: string): boolean {
  return REMOTE.test(ref);
}

function strings(v: unknown): string[] {
  return asArray(v).filter((x): x is string => typeof x === 'string' && x.trim() !== '');
}

function targetOf(v: unknown): PatchTarget | undefined {
  const t = asRecord(v);
  if (!t) return undefined;
  const kind = typeof t.kind === 'string' ? t.kind : undefined;
  const name = typeof t.name === 'string' ? t.name : undefined;
  const namespace = typeof t.namespace === 'string' ? t.namespace : undefined;
  // A name is a regular expression in a target; only a plain DNS-like name is looked up.
  const plainName = name === undefined || /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name);
  const bySelector = t.labelSelector !== undefined || t.annotationSelector !== undefined || !plainName || (!kind && !name);
  return { kind, name: plainName ? name : undefined, namespace, bySelector };
}

export function parseKustomization(file: string, text: string): KustomizationSpec {
  const dir = dirKey(pathKey(file));
  const spec: KustomizationSpec = {
    file,
    dir,
    kind: 'Kustomization',
    resources: [],
    components: [],
    patches: [],
    configFiles: [],
    generated: [],
    addsSelectorLabels: false,
    addedLabels: NO_ADDED_LABELS,
    vars: [],
    images: [],
    renames: false,
    opaque: [],
  };
  let data: unknown;
  try {
    data = parse(text, { prettyErrors: false, logLevel: 'silent', maxAliasCount: 100 });
  } catch (e) {
    spec.error = errorText(e);
    return spec;
  }
  const k = asRecord(data);
  if (!k) {
    spec.error = 'not a mapping';
    return spec;
  }
  if (k.kind === 'Component') spec.kind = 'Component';
  spec.resources = [...strings(k.resources), ...strings(k.bases)];
  spec.components = strings(k.components);
  for (const p of asArray(k.patches)) {
    if (typeof p === 'string') spec.patches.push({ ref: p, json6902: false });
    const rec = asRecord(p);
    if (rec && typeof rec.path === 'string') spec.patches.push({ ref: rec.path, target: targetOf(rec.target), json6902: false });
  }
  // Entries of patchesStrategicMerge may be inline YAML; only file names are files.
  for (const p of strings(k.patchesStrategicMerge)) if (!p.includes('\n') && !p.includes(':')) spec.patches.push({ ref: p, json6902: false });
  for (const p of asArray(k.patchesJson6902)) {
    const rec = asRecord(p);
    if (rec && typeof rec.path === 'string') spec.patches.push({ ref: rec.path, target: targetOf(rec.target), json6902: true });
  }
  for (const field of ['transformers', 'generators', 'validators', 'configurations', 'crds']) spec.configFiles.push(...strings(k[field]));
  for (const r of asArray(k.replacements)) {
    const rec = asRecord(r);
    if (rec && typeof rec.path === 'string') spec.configFiles.push(rec.path);
  }
  const openapi = asRecord(k.openapi);
  if (openapi && typeof openapi.path === 'string') spec.configFiles.push(openapi.path);
  for (const [field, kind] of [
    ['configMapGenerator', 'ConfigMap'],
    ['secretGenerator', 'Secret'],
  ] as const) {
    for (const g of asArray(k[field])) {
      const rec = asRecord(g);
      if (rec && typeof rec.name === 'string')
        spec.generated.push({ kind, name: rec.name, namespace: typeof rec.namespace === 'string' ? rec.namespace : undefined });
    }
  }
  if (typeof k.namespace === 'string' && k.namespace !== '') spec.namespace = k.namespace;
  spec.renames = (typeof k.namePrefix === 'string' && k.namePrefix !== '') || (typeof k.nameSuffix === 'string' && k.nameSuffix !== '');
  const common = asRecord(k.commonLabels);
  spec.addsSelectorLabels = (common !== undefined && Object.keys(common).length > 0) || asArray(k.labels).some((l) => asRecord(l)?.includeSelectors === true);
  spec.addedLabels = addedLabelsOf(common, asArray(k.labels));
  for (const v of asArray(k.vars)) {
    const rec = asRecord(v);
    if (rec && typeof rec.name === 'string') spec.vars.push(rec.name);
  }
  for (const i of asArray(k.images)) {
    const rec = asRecord(i);
    if (!rec || typeof rec.name !== 'string') continue;
    const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
    const image: ImageOverride = { name: rec.name };
    for (const field of ['newName', 'newTag', 'digest'] as const) {
      const value = text(rec[field]);
      if (value !== undefined) image[field] = value;
    }
    spec.images.push(image);
  }
  if (asArray(k.helmCharts).length) spec.opaque.push('a Helm chart it inflates (helmCharts)');
  if (strings(k.generators).length) spec.opaque.push('generator plugins');
  return spec;
}

/** The pairs of commonLabels and of `labels` entries, by where kustomize writes them (string values only, as kustomize requires). */
function addedLabelsOf(common: Record<string, unknown> | undefined, labels: unknown[]): AddedLabels {
  const selector: Record<string, string> = {};
  const template: Record<string, string> = {};
  const add = (pairs: Record<string, unknown> | undefined, to: Record<string, string>[]) => {
    for (const [key, value] of Object.entries(pairs ?? {})) if (typeof value === 'string') for (const t of to) t[key] = value;
  };
  add(common, [selector, template]);
  for (const entry of labels) {
    const rec = asRecord(entry);
    if (!rec) continue;
    if (rec.includeSelectors === true) add(asRecord(rec.pairs), [selector, template]);
    else if (rec.includeTemplates === true) add(asRecord(rec.pairs), [template]);
  }
  return Object.keys(template).length ? { selector, template } : NO_ADDED_LABELS;
}
