import type { Finding, Range, Severity } from '../findings';
import { compareFindings } from '../findings';
import {
  DocumentCache,
  parseManifestFile,
  restoreFile,
  toPortable,
  type PortableFile,
  placeFinding,
  DEFAULT_LIMITS,
  type LocalFinding,
  type ParseLimits,
  type ParsedDocument,
  type ParsedFile,
  type PlacedDocument,
  type Resource,
  type ResourceData,
} from '../parse/manifestParser';
import { localRangeOf, rangeOf } from '../parse/locate';
import { refOf, getPath } from '../model/kinds';
import { followReferences } from '../model/references';
import { ResourceIndex, type UnitPatch } from './resourceIndex';
import { PROJECT_CONFIG_FILE, planUnits, type ApplyUnit, type DeclaredUnit, type FileContext, type FileRole, type UnitPlan } from './applyUnits';
import { isKustomizationFile, type AddedLabels } from './kustomization';
import { baseName } from './unitPaths';
import { isBuiltinApiVersion } from '../schema/schemaRules';
import type { AnalysisOptions, IndexCheck, IndexCheckContext, ReportExtras, ResourceCheckContext } from '../rules/types';
import { DEFAULT_OPTIONS } from '../rules/types';
import { INDEX_RULES, RESOURCE_RULES, ruleMeta } from '../rules/catalog';
import { isKubeTopologyTemplate } from '../generate/templateDetect';
import { errorText } from '../errorText';

/** Annotation that switches codes off for one resource: `kube-topology.io/ignore: code-a,code-b` (or `*`). */
export const IGNORE_ANNOTATION = 'kube-topology.io/ignore';

/** Why a file was not validated as a manifest. */
export type SkipReason =
  /**
   * No document is shaped like a Kubernetes object: none has apiVersion, nor kind with metadata
   * (a CI config, a values file, docker-compose, another tool's test data with a `kind:` key).
   */
  | 'not-kubernetes'
  /** Go/Helm template actions where YAML reads structure (`name: {{ .Release.Name }}`). */
  | 'template'
  /** A Kube Topology template (`${…}` placeholders), rendered by `generate`. */
  | 'kube-topology-template'
  /** Under a Helm chart's templates/: rendered by helm. */
  | 'helm-template'
  /** Chart.yaml, values files and other files of a Helm chart. */
  | 'helm-chart'
  /** Read by kustomize as configuration (transformers, generators, configurations, crds, replacements). */
  | 'kustomize-config';

/** The reasons in words, for one file and for several ("3 Helm chart templates"). */
export const SKIP_REASONS: Record<SkipReason, [one: string, many: string]> = {
  'not-kubernetes': ['file that is not a Kubernetes manifest', 'files that are not Kubernetes manifests'],
  template: ['Go/Helm template outside a chart', 'Go/Helm templates outside a chart'],
  'kube-topology-template': ['Kube Topology template', 'Kube Topology templates'],
  'helm-template': ['Helm chart template', 'Helm chart templates'],
  'helm-chart': ['Helm chart file (Chart.yaml, values)', 'Helm chart files (Chart.yaml, values)'],
  'kustomize-config': ['kustomize configuration file', 'kustomize configuration files'],
};

export interface SkippedFile {
  file: string;
  reason: SkipReason;
}

/** Resources of kinds without a schema here (custom resources): validated for everything but their fields. */
export interface UncheckedKind {
  apiVersion: string;
  kind: string;
  count: number;
}

export interface UnitAnalysis {
  unit: ApplyUnit;
  /** The unit's resources (its own and its bases'), with the whole scope as `outside`. */
  index: ResourceIndex;
}

export interface AnalysisResult {
  /** Findings per file, sorted; every analysed file has an entry (possibly empty). */
  byFile: Map<string, Finding[]>;
  /** Objects of every unit (patches, templates and kustomize files are not objects). */
  resources: Resource[];
  /** All of them, across units (the whole workspace folder or CLI run). */
  index: ResourceIndex;
  /** One entry per apply unit, in plan order. */
  units: UnitAnalysis[];
  plan: UnitPlan;
  /** Files found but not validated, with the reason. */
  skipped: SkippedFile[];
  /** Custom kinds whose fields were not checked (no schema), with how many objects each. */
  unchecked: UncheckedKind[];
}

/** How units are declared for this index: resolved declarations and the project root, for names. */
export interface UnitSettings {
  declared?: DeclaredUnit[];
  root?: string;
}

/** Roles of files that are never checked as manifests: Helm's and kustomize's own files. */
function isNotChecked(role: FileRole): role is 'helm-chart' | 'helm-template' | 'kustomize-config' {
  return role === 'helm-chart' || role === 'helm-template' || role === 'kustomize-config';
}

/** One indexed file as the plan sees it. */
interface FileLayout {
  file: string;
  role: FileRole;
  context: FileContext;
  /** Checked and shown: a resource, a patch or a file nothing applies (not Helm or kustomize configuration). */
  read: boolean;
}

/** One unit's files, as places in the plan's file order. */
interface UnitLayout {
  /** Own resource files, then context files (a base's), as places in {@link PlanLayout.files}. */
  read: number[];
  /** It reads every resource file of the scope, in the scope's order: its objects are the scope's list. */
  wholeScope: boolean;
  patchFiles: string[];
  /** Files whose findings the unit reports (its own files and patches); empty when it has none. */
  home: ReadonlySet<string>;
}

/** What one unit plan decides for every analysis pass over the same files. */
interface PlanLayout {
  plan: UnitPlan;
  /** One entry per indexed file, in the index's order. */
  files: FileLayout[];
  /** Files not checked and why, sorted by name. */
  skipped: SkippedFile[];
  homeNamespaces: Map<string, string>;
  homeLabels: Map<string, AddedLabels>;
  units: Map<ApplyUnit, UnitLayout>;
  /** Some unit reads only a part of the files (it needs them by place). */
  partialUnits: boolean;
}

/**
 * The incremental heart of validation: files go in as text, findings come out per file.
 * Parsing and per-resource checks are cached per YAML document text, so after a one-line edit
 * only that document is re-parsed and re-checked; cross-resource checks run per apply unit
 * (applyUnits.ts) over lookup tables rebuilt in O(resources).
 */
export class WorkspaceIndex {
  private readonly files = new Map<string, ParsedFile>();
  private readonly kustomizations = new Map<string, string>();
  private readonly skippedFiles = new Map<string, SkipReason>();
  private readonly explicitFiles = new Set<string>();
  private readonly cache = new DocumentCache();
  private readonly placed = new WeakMap<ParsedFile, { key: string; findings: Finding[] }>();
  private readonly placedDocuments = new WeakMap<PlacedDocument, { local: LocalFinding[]; findings: Finding[] }>();
  private options: AnalysisOptions;
  private optionsKey: string;
  /** The rules with a code still on (activeRules). */
  private rules: ReturnType<typeof activeRules>;
  private unitSettings: UnitSettings = {};
  /** Bumped whenever something the unit plan reads changes (file names, kustomizations, settings). */
  private planVersion = 0;
  private planned?: { version: number; plan: UnitPlan };
  /** What the current plan decides for each pass (planLayout), worked out once per plan. */
  private laidOut?: PlanLayout;
  /** The scope's index of the last pass. */
  private scope?: ResourceIndex;
  /** Each unit's index of the last pass, by unit name: a keystroke's references reuse its unchanged ones. */
  private unitIndexes = new Map<string, ResourceIndex>();
  /** Finding lists of the pass in progress that got findings after their file's sorted own ones. */
  private readonly unsorted = new Set<Finding[]>();

  constructor(
    options: Partial<AnalysisOptions> = {},
    private readonly limits: ParseLimits = DEFAULT_LIMITS,
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.optionsKey = JSON.stringify(this.options);
    this.rules = activeRules(this.options);
  }

  setOptions(options: Partial<AnalysisOptions>): void {
    this.options = { ...this.options, ...options };
    this.optionsKey = JSON.stringify(this.options);
    this.rules = activeRules(this.options);
  }

  getOptions(): AnalysisOptions {
    return this.options;
  }

  /** Declared units (`.kube-topology.yaml`, `kubeTopology.units`) and the project root. */
  setUnitSettings(settings: UnitSettings): void {
    this.unitSettings = settings;
    this.planVersion++;
  }

  /**
   * Adds or replaces a file. Kustomization files are read for apply units. Other files found by a
   * folder walk or opened in the editor are treated as manifests when they look like Kubernetes
   * (some document has apiVersion or kind); `explicit` files (named on the command line) always
   * are. Templates are never parsed as manifests. Returns false when the file was skipped; the
   * reason is in the analysis result.
   */
  setFile(file: string, text: string, options: { explicit?: boolean } = {}): boolean {
    if (isKustomizationFile(file)) {
      if (this.kustomizations.get(file) !== text) this.planVersion++;
      this.kustomizations.set(file, text);
      this.files.delete(file);
      this.skippedFiles.delete(file);
      return true;
    }
    if (baseName(file.replace(/\\/g, '/')) === PROJECT_CONFIG_FILE) return false;
    const before = this.files.get(file);
    const parsed = parseManifestFile(file, text, { limits: this.limits, cache: this.cache, previous: before });
    // The documents the previous version held and this one did not take over.
    if (before) this.releaseDocuments(before, parsed);
    // Files named on the command line make a unit of their own: naming one or not changes the plan.
    if (this.explicitFiles.has(file) !== !!options.explicit) this.planVersion++;
    if (options.explicit) this.explicitFiles.add(file);
    else this.explicitFiles.delete(file);
    // Kube Topology templates hold ${...} placeholders that only make sense once rendered. A file
    // refused as too large or binary has no documents and is not scanned again.
    let reason: SkipReason | undefined;
    if (parsed.documents.length > 0 && isKubeTopologyTemplate(text)) reason = 'kube-topology-template';
    else if (parsed.documents.some((d) => d.parsed.templated)) reason = 'template';
    else if (!options.explicit && !looksLikeKubernetes(parsed)) reason = 'not-kubernetes';
    const known = this.files.has(file);
    if (reason) {
      if (known || this.skippedFiles.get(file) !== reason) this.planVersion++;
      this.releaseDocuments(parsed);
      this.files.delete(file);
      this.skippedFiles.set(file, reason);
      return false;
    }
    if (!known) this.planVersion++;
    this.skippedFiles.delete(file);
    this.files.set(file, parsed);
    return true;
  }

  /**
   * The file as plain data for another thread, its per-document checks done here (so a worker
   * thread does the parsing and per-resource work, and the receiving index only cross-checks).
   * `context` is what the unit plan says about the file (the receiving index plans the same).
   */
  exportFile(file: string, context: FileContext = RESOURCE_CONTEXT): PortableFile | undefined {
    const parsed = this.files.get(file);
    return parsed && toPortable(parsed, (doc) => this.documentFindings(doc, context));
  }

  /** Adds a file exported by {@link exportFile} from an index with the same options and context. */
  adoptFile(portable: PortableFile, context: FileContext = RESOURCE_CONTEXT): void {
    const before = this.files.get(portable.file);
    if (before) this.releaseDocuments(before);
    else this.planVersion++;
    this.skippedFiles.delete(portable.file);
    this.files.set(portable.file, restoreFile(portable, this.analysisKey(context), this.limits));
  }

  /** Runs the per-document checks now (they are cached), e.g. while another thread works. */
  checkDocuments(): void {
    const plan = this.plan();
    for (const [file, parsed] of this.files) {
      const context = plan.contextOf(file);
      for (const doc of parsed.documents) this.documentFindings(doc.parsed, context);
    }
  }

  /** Puts the files in this order (files filled in from several threads keep the order they were named in). */
  orderFiles(order: readonly string[]): void {
    const entries = new Map(this.files);
    this.files.clear();
    for (const f of order) {
      const parsed = entries.get(f);
      if (parsed) {
        this.files.set(f, parsed);
        entries.delete(f);
      }
    }
    for (const [f, parsed] of entries) this.files.set(f, parsed);
    this.planVersion++;
  }

  removeFile(file: string): boolean {
    const parsed = this.files.get(file);
    if (parsed) this.releaseDocuments(parsed);
    const had = this.files.delete(file) || this.kustomizations.delete(file) || this.skippedFiles.delete(file);
    this.explicitFiles.delete(file);
    if (had) this.planVersion++;
    return had;
  }

  /** Releases the cache holds of a file version, except on documents `next` took over at the same place. */
  private releaseDocuments(version: ParsedFile, next?: ParsedFile): void {
    version.documents.forEach((d, i) => {
      if (next?.documents[i]?.parsed !== d.parsed) this.cache.release(d.parsed);
    });
  }

  hasFile(file: string): boolean {
    return this.files.has(file);
  }

  getFile(file: string): ParsedFile | undefined {
    return this.files.get(file);
  }

  fileNames(): string[] {
    return [...this.files.keys()];
  }

  /** The objects the units apply: not patches, templates or kustomize configuration. */
  resources(): Resource[] {
    const plan = this.plan();
    const out: Resource[] = [];
    for (const [file, f] of this.files) if (plan.roleOf(file) === 'resource') out.push(...f.resources);
    return out;
  }

  /**
   * The unit plan files about to be loaded will have: lets another thread check their documents
   * with the context this index will give them.
   */
  previewPlan(entries: readonly { file: string; text: string; explicit?: boolean }[]): UnitPlan {
    const kustomizations = new Map<string, string>();
    for (const e of entries) if (isKustomizationFile(e.file)) kustomizations.set(e.file, e.text);
    return planUnits({
      files: entries.map((e) => e.file),
      kustomizations,
      explicit: new Set(entries.filter((e) => e.explicit).map((e) => e.file)),
      declared: this.unitSettings.declared,
      root: this.unitSettings.root,
    });
  }

  /** The apply units of the current files (recomputed only when files, kustomizations or settings change). */
  plan(): UnitPlan {
    if (this.planned?.version !== this.planVersion) {
      const plan = planUnits({
        files: [...this.files.keys(), ...this.kustomizations.keys(), ...this.skippedFiles.keys()],
        kustomizations: this.kustomizations,
        explicit: this.explicitFiles,
        declared: this.unitSettings.declared,
        root: this.unitSettings.root,
      });
      this.planned = { version: this.planVersion, plan };
    }
    return this.planned.plan;
  }

  /**
   * What the plan decides for every pass until it changes: each file's role and context, in the
   * files' order (which only a plan change can change), and each unit's files. A keystroke then
   * looks nothing up by file name.
   */
  private layout(plan: UnitPlan): PlanLayout {
    if (this.laidOut?.plan === plan) return this.laidOut;
    const skipped: SkippedFile[] = [];
    for (const [file, reason] of this.skippedFiles) {
      const role = plan.roleOf(file);
      skipped.push({ file, reason: isNotChecked(role) ? role : reason });
    }
    const files: FileLayout[] = [];
    const position = new Map<string, number>();
    const resourceFiles: string[] = [];
    for (const file of this.files.keys()) {
      const role = plan.roleOf(file);
      position.set(file, files.length);
      if (isNotChecked(role)) skipped.push({ file, reason: role });
      const read = role === 'resource' || role === 'patch' || role === 'unreferenced';
      files.push({ file, role, context: plan.contextOf(file), read });
      if (role === 'resource') resourceFiles.push(file);
    }
    skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    // Each file's objects are in the namespace its own unit gives them (kustomize's `namespace:`).
    const homeNamespaces = new Map<string, string>();
    const homeLabels = new Map<string, AddedLabels>();
    for (const unit of plan.units) {
      for (const f of unit.files) {
        if (unit.namespaceOf.has(f)) homeNamespaces.set(f, unit.namespaceOf.get(f)!);
        if (unit.labelsOf.has(f)) homeLabels.set(f, unit.labelsOf.get(f)!);
      }
    }
    const units = new Map<ApplyUnit, UnitLayout>();
    for (const unit of plan.units) {
      const isResource = (f: string) => this.files.has(f) && plan.roleOf(f) === 'resource';
      const ownFiles = unit.files.filter(isResource);
      const patchFiles = unit.patches.filter((f) => this.files.has(f));
      const readFiles = [...ownFiles, ...unit.contextFiles.filter(isResource)];
      units.set(unit, {
        read: readFiles.map((f) => position.get(f)!),
        wholeScope: readFiles.length === resourceFiles.length && readFiles.every((f, i) => f === resourceFiles[i]),
        patchFiles,
        home: new Set([...ownFiles, ...patchFiles]),
      });
    }
    const partialUnits = [...units.values()].some((u) => !u.wholeScope);
    this.laidOut = { plan, files, skipped, homeNamespaces, homeLabels, units, partialUnits };
    return this.laidOut;
  }

  /** Runs every check over the indexed files: per file, then per apply unit. */
  analyze(): AnalysisResult {
    const plan = this.plan();
    const layout = this.layout(plan);
    const byFile = new Map<string, Finding[]>();
    // Already sorted by name; copied because the result is the caller's.
    const skipped = layout.skipped.slice();
    const resources: Resource[] = [];
    const customs: Resource[] = [];
    // This pass's parse of each file, in the layout's order (the files' order, fixed for a plan),
    // for units that read a part of them.
    const parsedFiles: ParsedFile[] = [];
    const keepParsed = layout.partialUnits;
    let at = 0;
    for (const parsed of this.files.values()) {
      const entry = layout.files[at++];
      const file = parsed.file;
      if (entry?.file !== file) {
        // Every change of the files' set or order makes a new plan; should one not, plan again.
        this.planVersion++;
        return this.analyze();
      }
      if (keepParsed) parsedFiles.push(parsed);
      if (!entry.read) continue;
      const { role, context } = entry;
      // The file's own cached list; copied when a unit or the note below adds to it.
      let list = this.fileFindings(file, parsed, context);
      if (role === 'unreferenced') {
        // Nothing applies the file: what would fail if it were applied is worth a warning, not an error.
        list = list.map((f) => (f.severity === 'error' ? { ...f, severity: 'warning' } : f));
        const f = this.applySettings({
          code: 'not-in-kustomization',
          severity: 'info',
          message:
            'No kustomization names this file, though kustomize builds from its folder: `kubectl apply -k` does not apply it. ' +
            'It is checked like a patch (its fields and values, not as a whole object). If it should be applied, add it to resources (or patches) of kustomization.yaml.',
          file,
          range: { start: { line: parsed.documents[0]?.startLine ?? 0, character: 0 }, end: { line: parsed.documents[0]?.startLine ?? 0, character: 0 } },
        });
        if (f) list.push(f);
        this.unsorted.add(list);
      }
      byFile.set(file, list);
      if (role === 'resource') {
        for (const r of parsed.resources) resources.push(r);
        for (const r of customResourcesOf(parsed)) customs.push(r);
      }
    }
    const { homeNamespaces, homeLabels } = layout;
    // Last pass's tables, updated where a keystroke only replaced resources (resourceIndex.ts `next`).
    const scope = this.scope
      ? this.scope.next(resources, this.options.defaultNamespace, homeNamespaces, homeLabels)
      : new ResourceIndex(resources, this.options.defaultNamespace, undefined, homeNamespaces, homeLabels);
    followReferences(scope, this.scope);
    this.scope = scope;
    const units: UnitAnalysis[] = [];
    const unitIndexes = new Map<string, ResourceIndex>();
    for (const unit of plan.units) {
      const analysed = this.analyzeUnit(unit, layout.units.get(unit)!, plan, scope, { resources, customs, parsedFiles }, byFile);
      if (analysed) {
        units.push(analysed);
        unitIndexes.set(unit.name, analysed.index);
      }
    }
    this.unitIndexes = unitIndexes;
    // Each file's own list is kept sorted; only lists a unit (or the note above) added to are sorted again.
    for (const list of this.unsorted) list.sort(compareFindings);
    this.unsorted.clear();
    return { byFile, resources, index: scope, units, plan, skipped, unchecked: uncheckedKinds(customs) };
  }

  /** Parse findings and per-document findings of a file, placed in the file (cached per parse, options and context). */
  private fileFindings(file: string, parsed: ParsedFile, context: FileContext): Finding[] {
    // An unchanged file (same parse) under the same options has the same per-file findings; only
    // the cross-resource ones are recomputed, so a keystroke does not re-place every file's list.
    const key = this.analysisKey(context);
    let own = this.placed.get(parsed);
    if (own?.key !== key) {
      const list: Finding[] = [];
      for (const f of parsed.findings) {
        if (context.role === 'patch' && PATCH_SHAPE_CODES.has(f.code)) continue;
        const adjusted = this.applySettings(f);
        if (adjusted) list.push(adjusted);
      }
      for (const doc of parsed.documents) {
        // A document that kept its place (the same placed document) keeps its placed findings.
        const local = this.documentFindings(doc.parsed, context);
        let placed = this.placedDocuments.get(doc);
        if (placed?.local !== local) {
          placed = { local, findings: local.map((f) => placeFinding(f, file, doc.startLine)) };
          this.placedDocuments.set(doc, placed);
        }
        for (const f of placed.findings) list.push(f);
      }
      list.sort(compareFindings);
      own = { key, findings: list };
      this.placed.set(parsed, own);
    }
    return own.findings;
  }

  /** Cross-resource checks of one unit; their findings go to the unit's own files, named with the unit. */
  private analyzeUnit(
    unit: ApplyUnit,
    layout: UnitLayout,
    plan: UnitPlan,
    scope: ResourceIndex,
    pass: { resources: Resource[]; customs: Resource[]; parsedFiles: readonly ParsedFile[] },
    byFile: Map<string, Finding[]>,
  ): UnitAnalysis | undefined {
    if (!layout.home.size) return undefined;
    let resources = pass.resources;
    let customs = pass.customs;
    // A unit of every resource file in the scope's order (a workspace folder) holds the scope's very list.
    if (!layout.wholeScope) {
      resources = [];
      customs = [];
      for (const at of layout.read) {
        const parsed = pass.parsedFiles[at];
        for (const r of parsed.resources) resources.push(r);
        for (const r of customResourcesOf(parsed)) customs.push(r);
      }
    }
    const patches: UnitPatch[] = [];
    for (const f of layout.patchFiles) {
      const placement = plan.patchOf(f);
      if (placement?.json6902) patches.push({ file: f, target: placement.target });
      else for (const resource of this.files.get(f)!.resources) patches.push({ file: f, resource, target: placement?.target });
    }
    const index = scope.forUnit(
      resources,
      {
        name: unit.name,
        kind: unit.kind,
        outside: scope,
        makers: makersOf(unit, customs),
        generated: new Set(unit.generated.map((g) => `${g.kind}/${g.name}`)),
        patches,
        complete: unit.incomplete.length === 0,
        renamed: unit.renamed,
      },
      unit.namespaceOf,
      unit.labelsOf,
    );
    followReferences(index, this.unitIndexes.get(unit.name));
    const home = layout.home;
    const options = this.options;
    const ctx: IndexCheckContext = {
      index,
      options,
      range: (r, path, part) => rangeOf(r, path, part),
      report: (r, code, message, range, extras) => {
        if (!home.has(r.file)) return; // a base's object: judged in the base's own unit
        const f = this.makeFinding(code, message, range, r, extras);
        if (!f) return;
        const finding: Finding = { ...f, file: r.file, resource: { ...refOf(r, options.defaultNamespace), namespace: index.namespaceOf(r) }, unit: unit.name };
        let list = byFile.get(r.file);
        if (!list) byFile.set(r.file, [finding]);
        else {
          if (!this.unsorted.has(list)) {
            list = list.slice();
            byFile.set(r.file, list);
            this.unsorted.add(list);
          }
          list.push(finding);
        }
      },
    };
    for (const rule of this.rules.index) runIndexCheck(rule.check, rule.meta[0]?.code ?? 'check', ctx);
    return { unit, index };
  }

  private analysisKey(context: FileContext): string {
    if (context.role === 'resource' && !context.selectorLabelsAdded && !context.vars?.length && !context.namespaceAdded && !context.images?.length) {
      return this.optionsKey;
    }
    return `${this.optionsKey}\n${JSON.stringify(context)}`;
  }

  /** Per-document findings (schema and per-resource rules), cached with the document. */
  private documentFindings(doc: ParsedDocument, context: FileContext): LocalFinding[] {
    const key = this.analysisKey(context);
    if (doc.analysis?.key === key) return doc.analysis.findings;
    const findings: LocalFinding[] = [];
    if (!doc.hasSyntaxErrors) {
      for (const resource of doc.resources) {
        const ctx: ResourceCheckContext = {
          resource,
          doc,
          file: context,
          options: this.options,
          range: (path, part) => localRangeOf(resource, doc.lines, path, part),
          report: (code, message, range, extras) => {
            const f = this.makeFinding(code, message, range, resource, extras);
            if (f) findings.push({ ...f, resource: refOf(resource as Resource, this.options.defaultNamespace) });
          },
        };
        for (const rule of this.rules.resource) {
          if (context.role === 'patch' && !rule.onPatches) continue;
          try {
            rule.check(ctx);
          } catch (e) {
            // A rule bug must never take validation down; it shows up as a finding instead.
            findings.push({
              code: 'internal-error',
              severity: 'warning',
              message: `Kube Topology could not finish a check here: ${errorText(e)}`,
              range: localRangeOf(resource, doc.lines, []),
            });
          }
        }
      }
    }
    doc.analysis = { key, findings };
    return findings;
  }

  /** Applies disabled rules and severity overrides to findings that come straight from parsing. */
  private applySettings(f: Finding): Finding | undefined {
    if (this.options.disabledRules.includes(f.code)) return undefined;
    const override = this.options.severityOverrides[f.code];
    if (override === 'off') return undefined;
    return override ? { ...f, severity: override } : f;
  }

  private makeFinding(code: string, message: string, range: Range, resource: ResourceData, extras?: ReportExtras): LocalFinding | undefined {
    const opts = this.options;
    if (opts.disabledRules.includes(code)) return undefined;
    if (isIgnoredByAnnotation(resource, code)) return undefined;
    const override = opts.severityOverrides[code];
    if (override === 'off') return undefined;
    const severity: Severity = override ?? extras?.severity ?? ruleMeta(code)?.severity ?? 'error';
    return { code, severity, message, range, fixes: extras?.fixes, related: extras?.related };
  }
}

/**
 * Runs a cross-resource check so that a bug in it becomes an `internal-error` finding instead of
 * taking the whole pass (and every other rule's findings) down. A document that does not parse
 * cleanly is mid-edit: its syntax error is the finding to show, not the cross-resource problems of
 * its half-typed values.
 */
export function runIndexCheck(check: IndexCheck, code: string, outer: IndexCheckContext): void {
  const ctx: IndexCheckContext = {
    ...outer,
    report: (r, c, message, range, extras) => {
      if (!r.doc.parsed.hasSyntaxErrors) outer.report(r, c, message, range, extras);
    },
  };
  try {
    check(ctx);
  } catch (e) {
    const first = ctx.index.all[0];
    if (first) ctx.report(first, 'internal-error', `Kube Topology could not finish the ${code} check: ${errorText(e)}`, ctx.range(first, []));
  }
}

/**
 * The rules worth running: one whose every code is switched off (`disabledRules`, a severity
 * override `off`) would only have its findings dropped, so it does not run at all.
 */
function activeRules(options: AnalysisOptions): { resource: typeof RESOURCE_RULES; index: typeof INDEX_RULES } {
  const on = (rule: { meta: readonly { code: string }[] }) =>
    rule.meta.length === 0 || rule.meta.some((m) => !options.disabledRules.includes(m.code) && options.severityOverrides[m.code] !== 'off');
  return { resource: RESOURCE_RULES.filter(on), index: INDEX_RULES.filter(on) };
}

/** Some document is shaped like a Kubernetes object: it declares apiVersion, or kind and metadata. */
export function looksLikeKubernetes(parsed: ParsedFile): boolean {
  if (parsed.documents.length === 0 && parsed.findings.length > 0) return /^(apiVersion|kind):/m.test(parsed.text.slice(0, 4096));
  // A `kind:` key alone is common outside Kubernetes (kwok's stage test data, tool configs); an
  // object missing its apiVersion still has the metadata every Kubernetes object has.
  return parsed.resources.some((r) => r.apiVersion !== undefined || (r.kind !== undefined && r.object.metadata !== undefined));
}

const RESOURCE_CONTEXT: FileContext = { role: 'resource' };

/** Shape findings that do not apply to a patch: a JSON 6902 patch is a list, a targeted patch may omit kind. */
const PATCH_SHAPE_CODES = new Set(['not-an-object', 'missing-api-version', 'missing-kind']);

/** A file's objects of kinds that are not built in (custom resources), once per parse of the file. */
const customResources = new WeakMap<ParsedFile, Resource[]>();

function customResourcesOf(parsed: ParsedFile): Resource[] {
  let out = customResources.get(parsed);
  if (!out) {
    out = parsed.resources.filter((r) => r.kind && r.apiVersion && !isBuiltinApiVersion(r.apiVersion));
    customResources.set(parsed, out);
  }
  return out;
}

/** What may create objects a unit's files do not define: its custom resources, and what kustomize or helm adds. */
function makersOf(unit: ApplyUnit, customs: readonly Resource[]): string[] {
  const out = [...unit.incomplete];
  const makers = customs.filter((r) => r.kind !== 'CustomResourceDefinition');
  if (makers.length)
    out.push(
      `its custom resources (${makers
        .slice(0, 3)
        .map((r) => `${r.kind} ${r.name ?? ''}`.trim())
        .join(', ')}${makers.length > 3 ? ', …' : ''})`,
    );
  return out;
}

/** Custom kinds whose fields were not checked, with how many objects each, most first. */
function uncheckedKinds(customs: readonly Resource[]): UncheckedKind[] {
  const counts = new Map<string, UncheckedKind>();
  for (const r of customs) {
    const k = `${r.apiVersion} ${r.kind}`;
    const entry = counts.get(k);
    if (entry) entry.count++;
    else counts.set(k, { apiVersion: r.apiVersion!, kind: r.kind!, count: 1 });
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : 1));
}

export function isIgnoredByAnnotation(resource: ResourceData, code: string): boolean {
  const value = getPath(resource.object, ['metadata', 'annotations', IGNORE_ANNOTATION]);
  if (typeof value !== 'string') return false;
  return value.split(',').some((c) => {
    const t = c.trim();
    return t === '*' || t === code;
  });
}
