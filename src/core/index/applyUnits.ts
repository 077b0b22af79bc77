import {
  isKustomizationFile,
  isRemoteRef,
  mergeAddedLabels,
  NO_ADDED_LABELS,
  parseKustomization,
  type AddedLabels,
  type GeneratedObject,
  type ImageOverride,
  type KustomizationSpec,
  type PatchTarget,
} from './kustomization';
import { baseName, dirKey, isWithin, joinKey, pathKey, relativeKey } from './unitPaths';
import { pushTo } from '../multimap';

/**
 * Apply units: the sets of files that are applied together, so that duplicates and references
 * are judged between objects that really meet in a cluster, not between alternative files or
 * unrelated examples that happen to sit in one repository.
 *
 * Without a declaration, units follow what the files say about themselves:
 * - a folder with a kustomization is `kubectl apply -k DIR`: the files and folders its
 *   `resources` (and `components`) name, its bases' objects visible to it, its patches checked as
 *   patches, its transformer and generator files not read as objects;
 * - a folder with a `Chart.yaml` is a Helm chart: `templates/` is rendered by helm and not
 *   validated (reported as skipped), `crds/` is applied as it is;
 * - any other folder is `kubectl apply -f DIR`: the files directly in it (not its subfolders).
 * Files named on the command line are one unit (`kubectl apply -f a.yaml -f b.yaml`), and a
 * project can declare units (`.kube-topology.yaml`, setting `kubeTopology.units`).
 */

export type UnitKind = 'folder' | 'kustomize' | 'helm' | 'files' | 'declared';

export type FileRole =
  /** Objects its unit applies. */
  | 'resource'
  /** A kustomize patch: a partial object merged into a resource of its unit. */
  | 'patch'
  /** A kustomization file. */
  | 'kustomization'
  /** Read by kustomize as its own configuration (transformers, generators, configurations, crds, replacements). */
  | 'kustomize-config'
  /**
   * In a folder kustomize builds from, but named by no kustomization (a patch left unused, a
   * sample): `kubectl apply -k` does not apply it. Checked field by field, like a patch.
   */
  | 'unreferenced'
  /** Under a Helm chart's templates/: rendered by helm, not plain YAML. */
  | 'helm-template'
  /** Chart.yaml, values files and the other files of a chart that are not manifests. */
  | 'helm-chart'
  /** The project's unit declaration. */
  | 'project-config';

export interface ApplyUnit {
  /** Stable identity: kind and folder (or the declared name). */
  id: string;
  kind: UnitKind;
  /** Short name for people: the folder relative to the project, or the declared name. */
  name: string;
  /** The command this unit stands for: `kubectl apply -k deploy/overlays/dev`. */
  how: string;
  /** Files whose objects this unit judges (their home unit). */
  files: string[];
  /** Files whose objects the unit applies too, judged in their own unit (a kustomize base of an overlay). */
  contextFiles: string[];
  /** Kustomize patches of this unit. */
  patches: string[];
  /** The namespace kustomize writes into the objects, per file of the unit (own and context). */
  namespaceOf: Map<string, string>;
  /** The labels kustomize writes into selectors and pod templates, per file of the unit that gets any. */
  labelsOf: Map<string, AddedLabels>;
  /** ConfigMaps and Secrets a kustomization generates. */
  generated: GeneratedObject[];
  /** A kustomization that builds the unit sets namePrefix or nameSuffix. */
  renamed: boolean;
  /**
   * Why the unit may hold objects no file here defines (a remote base, a chart kustomize
   * inflates, a missing file): references that do not resolve are then not judged strictly.
   */
  incomplete: string[];
}

export interface PatchPlacement {
  unit: ApplyUnit;
  target?: PatchTarget;
  json6902: boolean;
}

/** What per-resource checks of a file need to know about the units it belongs to (part of their cache key). */
export interface FileContext {
  role: 'resource' | 'patch';
  /** A kustomization that builds this file writes selector labels (commonLabels, labels with includeSelectors). */
  selectorLabelsAdded?: boolean;
  /** `$(NAME)` placeholders a kustomization replaces at build time. */
  vars?: string[];
  /** A kustomization that builds this file sets `namespace:` (kustomize also fills namespace fields that reference objects). */
  namespaceAdded?: boolean;
  /** Image rewrites (`images:`) of the kustomizations that build this file. */
  images?: ImageOverride[];
}

export interface DeclaredUnit {
  name?: string;
  /** Files or folders, as for `kubectl apply -f` (folder keys or file keys). */
  paths: string[];
  recursive?: boolean;
}

export interface PlanInput {
  /** Every file of the scope (the names the analysis uses). */
  files: readonly string[];
  /** The text of every kustomization file among them (by file name). */
  kustomizations?: ReadonlyMap<string, string>;
  /** Files named on the command line: one unit, like `kubectl apply -f a.yaml -f b.yaml`. */
  explicit?: ReadonlySet<string>;
  /** Units the project declares, with paths already resolved to keys (pathKey). */
  declared?: readonly DeclaredUnit[];
  /** The project root (a folder key), for short unit names. */
  root?: string;
}

export interface UnitPlan {
  units: ApplyUnit[];
  roleOf(file: string): FileRole;
  /** The unit whose checks judge this file's objects. */
  unitOf(file: string): ApplyUnit | undefined;
  patchOf(file: string): PatchPlacement | undefined;
  contextOf(file: string): FileContext;
}

export const PROJECT_CONFIG_FILE = '.kube-topology.yaml';

interface KustomizeNode {
  spec: KustomizationSpec;
  /** Files its resources and components name directly. */
  own: string[];
  /** Kustomization folders it builds on (bases and components). */
  bases: string[];
  components: string[];
  patches: { file: string; target?: PatchTarget; json6902: boolean }[];
  incomplete: string[];
}

export function planUnits(input: PlanInput): UnitPlan {
  const root = input.root ?? '';
  const keyOf = new Map<string, string>();
  const fileOfKey = new Map<string, string>();
  for (const f of input.files) {
    const k = pathKey(f);
    keyOf.set(f, k);
    if (!fileOfKey.has(k)) fileOfKey.set(k, f);
  }
  const key = (f: string) => keyOf.get(f) ?? pathKey(f);
  const dirsWithFiles = new Set<string>();
  for (const k of fileOfKey.keys()) for (let d = dirKey(k); d && !dirsWithFiles.has(d); d = parentDir(d)) dirsWithFiles.add(d);

  const roles = new Map<string, FileRole>();
  const home = new Map<string, ApplyUnit>();
  const patchOf = new Map<string, PatchPlacement>();
  const contexts = new Map<string, FileContext>();
  const units: ApplyUnit[] = [];
  const display = (k: string) => relativeKey(k, root);
  const newUnit = (id: string, kind: UnitKind, name: string, how: string): ApplyUnit => {
    const u: ApplyUnit = {
      id,
      kind,
      name,
      how,
      files: [],
      contextFiles: [],
      patches: [],
      namespaceOf: new Map(),
      labelsOf: new Map(),
      generated: [],
      incomplete: [],
      renamed: false,
    };
    units.push(u);
    return u;
  };
  const claim = (file: string, unit: ApplyUnit) => {
    if (home.has(file)) return;
    home.set(file, unit);
    unit.files.push(file);
  };

  for (const f of input.files) if (baseName(key(f)) === PROJECT_CONFIG_FILE) roles.set(f, 'project-config');

  // Helm charts: the nearest folder above a file with a Chart.yaml.
  const charts = new Set<string>();
  for (const f of input.files) if (baseName(key(f)) === 'Chart.yaml') charts.add(dirKey(key(f)));
  const chartUnits = new Map<string, ApplyUnit>();
  const chartOf = (k: string): string | undefined => {
    for (let d = dirKey(k); d; d = parentDir(d)) if (charts.has(d)) return d;
    return undefined;
  };
  for (const f of input.files) {
    if (roles.has(f)) continue;
    const chart = chartOf(key(f));
    if (chart === undefined) continue;
    const rel = relativeKey(key(f), chart);
    if (rel.startsWith('templates/')) {
      roles.set(f, 'helm-template');
    } else if (rel.startsWith('crds/')) {
      let u = chartUnits.get(chart);
      if (!u) chartUnits.set(chart, (u = newUnit(`helm:${chart}`, 'helm', display(chart), `helm install … ${display(chart)}`)));
      u.incomplete.push('the chart templates, rendered by helm');
      roles.set(f, 'resource');
      claim(f, u);
    } else {
      roles.set(f, 'helm-chart');
    }
  }

  // Kustomizations.
  const nodes = new Map<string, KustomizeNode>();
  for (const [file, text] of input.kustomizations ?? []) {
    if (roles.has(file) && roles.get(file) !== 'resource') continue;
    const spec = parseKustomization(file, text);
    roles.set(file, 'kustomization');
    if (spec.error || nodes.has(spec.dir)) continue;
    nodes.set(spec.dir, { spec, own: [], bases: [], components: [], patches: [], incomplete: [...spec.opaque] });
  }
  for (const f of input.files) if (!roles.has(f) && isKustomizationFile(f)) roles.set(f, 'kustomization');
  const listedAsResource = new Map<string, string[]>(); // file → kustomization dirs naming it
  for (const node of nodes.values()) {
    const { spec } = node;
    const resolveRef = (ref: string, into: 'resource' | 'component') => {
      if (isRemoteRef(ref)) {
        node.incomplete.push(`a remote ${into} (${ref})`);
        return;
      }
      const k = joinKey(spec.dir, ref);
      if (nodes.has(k)) {
        (into === 'component' ? node.components : node.bases).push(k);
        return;
      }
      const file = fileOfKey.get(k);
      if (file !== undefined) {
        node.own.push(file);
        pushTo(listedAsResource, file, spec.dir);
        return;
      }
      node.incomplete.push(dirsWithFiles.has(k) ? `a folder without a kustomization (${ref})` : `a file that is not here (${ref})`);
    };
    for (const r of spec.resources) resolveRef(r, 'resource');
    for (const c of spec.components) resolveRef(c, 'component');
    for (const p of spec.patches) {
      const file = fileOfKey.get(joinKey(spec.dir, p.ref));
      if (file !== undefined) node.patches.push({ file, target: p.target, json6902: p.json6902 });
      else if (!isRemoteRef(p.ref)) node.incomplete.push(`a patch that is not here (${p.ref})`);
    }
    for (const c of spec.configFiles) {
      const file = fileOfKey.get(joinKey(spec.dir, c));
      if (file !== undefined && !roles.has(file)) roles.set(file, 'kustomize-config');
    }
  }
  // A file named as a resource is a resource (also when another kustomization patches with it).
  for (const file of listedAsResource.keys()) roles.set(file, 'resource');
  for (const node of nodes.values()) for (const p of node.patches) if (!roles.has(p.file)) roles.set(p.file, 'patch');

  // Declared units and the files named on the command line claim their files first.
  for (const d of input.declared ?? []) {
    const name = d.name ?? d.paths.map(display).join(', ');
    const u = newUnit(`declared:${name}`, 'declared', name, `kubectl apply ${d.recursive ? '-R ' : ''}${d.paths.map((p) => `-f ${display(p)}`).join(' ')}`);
    for (const f of input.files) {
      const k = key(f);
      const hit = d.paths.some((p) => k === p || (d.recursive ? isWithin(k, p) : dirKey(k) === p));
      if (hit && isManifestRole(roles.get(f))) {
        roles.set(f, 'resource');
        claim(f, u);
      }
    }
  }
  if (input.explicit?.size) {
    const named = input.files.filter((f) => input.explicit!.has(f) && isManifestRole(roles.get(f)) && !home.has(f));
    if (named.length) {
      const u = newUnit(
        'files:',
        'files',
        named.length === 1 ? display(key(named[0])) : 'the files named',
        named.map((f) => `-f ${display(key(f))}`).join(' '),
      );
      u.how = `kubectl apply ${u.how}`;
      for (const f of named) claim(f, u);
    }
  }

  // Folders kustomize builds from: what else lies there is not a manifest of its own.
  const managedDirs = new Set<string>();
  for (const node of nodes.values()) for (const c of node.spec.configFiles) managedDirs.add(dirKey(joinKey(node.spec.dir, c)));

  // Kustomize units, deepest folder first, so a file listed by two kustomizations belongs to the nearer one.
  const kustomizeUnits = new Map<string, ApplyUnit>();
  const ordered = [...nodes.values()].sort((a, b) => b.spec.dir.length - a.spec.dir.length);
  for (const node of ordered) {
    if (node.spec.kind === 'Component') continue;
    const name = display(node.spec.dir);
    kustomizeUnits.set(node.spec.dir, newUnit(`kustomize:${node.spec.dir}`, 'kustomize', name, `kubectl apply -k ${name}`));
  }
  for (const node of ordered) {
    const u = kustomizeUnits.get(node.spec.dir);
    if (!u) continue;
    const seen = new Set<string>();
    const visit = (
      n: KustomizeNode,
      ns: string | undefined,
      asBase: boolean,
      addsLabels: boolean,
      vars: string[],
      images: ImageOverride[],
      outerLabels: AddedLabels,
    ) => {
      managedDirs.add(n.spec.dir);
      // An outer kustomization's image rewrite wins over an inner one's for the same name.
      const allImages = [...images, ...n.spec.images.filter((i) => !images.some((o) => o.name === i.name))];
      if (seen.has(n.spec.dir)) return;
      seen.add(n.spec.dir);
      // The outer kustomization's namespace wins over the inner one's.
      const namespace = ns ?? n.spec.namespace;
      const labels = addsLabels || n.spec.addsSelectorLabels;
      const added = mergeAddedLabels(n.spec.addedLabels, outerLabels);
      const allVars = [...vars, ...n.spec.vars];
      u.incomplete.push(...n.incomplete);
      if (n.spec.renames) u.renamed = true;
      u.generated.push(...n.spec.generated.map((g) => ({ ...g, namespace: g.namespace ?? namespace })));
      for (const file of n.own) {
        if (namespace !== undefined) u.namespaceOf.set(file, namespace);
        if (added !== NO_ADDED_LABELS) u.labelsOf.set(file, added);
        noteContext(file, labels, allVars, namespace !== undefined, allImages);
        managedDirs.add(dirKey(key(file)));
        // A base's files are judged in the base's own unit; a file two kustomizations name belongs to the nearer one.
        if (asBase || (home.has(file) && home.get(file) !== u)) u.contextFiles.push(file);
        else claim(file, u);
      }
      for (const p of n.patches) {
        managedDirs.add(dirKey(key(p.file)));
        if (roles.get(p.file) !== 'patch') continue;
        noteContext(p.file, labels, allVars, namespace !== undefined, allImages);
        // A patch is checked in the unit whose kustomization (or component) names it.
        if (asBase || patchOf.has(p.file)) continue;
        patchOf.set(p.file, { unit: u, target: p.target, json6902: p.json6902 });
        u.patches.push(p.file);
        if (namespace !== undefined) u.namespaceOf.set(p.file, namespace);
      }
      for (const c of n.components) {
        const cn = nodes.get(c);
        if (cn) visit(cn, namespace, asBase, labels, allVars, allImages, added);
      }
      for (const b of n.bases) {
        const bn = nodes.get(b);
        if (bn) visit(bn, namespace, true, labels, allVars, allImages, added);
      }
    };
    visit(node, undefined, false, false, [], [], NO_ADDED_LABELS);
  }
  function noteContext(file: string, labels: boolean, vars: string[], namespace: boolean, images: ImageOverride[]): void {
    const c = contexts.get(file) ?? { role: roles.get(file) === 'patch' ? 'patch' : 'resource' };
    if (labels) c.selectorLabelsAdded = true;
    if (namespace) c.namespaceAdded = true;
    if (images.length) c.images = [...(c.images ?? []), ...images.filter((i) => !c.images?.some((o) => o.name === i.name))];
    if (vars.length) c.vars = [...new Set([...(c.vars ?? []), ...vars])].sort();
    contexts.set(file, c);
  }

  // Everything else: one unit per folder, as `kubectl apply -f DIR` reads it.
  const folderUnits = new Map<string, ApplyUnit>();
  for (const f of input.files) {
    if (home.has(f) || !isManifestRole(roles.get(f))) continue;
    const dir = dirKey(key(f));
    // A folder kustomize builds from, or one directly below a kustomization (its patches/, a scaffold's leftovers).
    if (managedDirs.has(dir) || nodes.has(parentDir(dir))) {
      roles.set(f, 'unreferenced');
      continue;
    }
    roles.set(f, 'resource');
    let u = folderUnits.get(dir);
    if (!u) {
      const name = dir === '' ? '.' : display(dir);
      folderUnits.set(dir, (u = newUnit(`folder:${dir}`, 'folder', name, `kubectl apply -f ${name}`)));
    }
    claim(f, u);
  }
  for (const u of units) {
    u.incomplete = [...new Set(u.incomplete)];
    u.contextFiles = [...new Set(u.contextFiles)].filter((f) => home.get(f) !== u);
  }

  const kept = units.filter((u) => u.files.length || u.patches.length);
  return {
    units: kept,
    roleOf: (file) => roles.get(file) ?? 'resource',
    unitOf: (file) => home.get(file) ?? patchOf.get(file)?.unit,
    patchOf: (file) => patchOf.get(file),
    contextOf: (file) => contexts.get(file) ?? { role: roles.get(file) === 'patch' || roles.get(file) === 'unreferenced' ? 'patch' : 'resource' },
  };
}

function isManifestRole(role: FileRole | undefined): boolean {
  return role === undefined || role === 'resource';
}

function parentDir(dir: string): string {
  const p = dirKey(dir);
  return p === dir ? '' : p;
}
