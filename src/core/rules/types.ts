import type { Fix, Range, RelatedLocation, Severity } from '../findings';
import type { PathSegment, RangePart } from '../parse/locate';
import type { ParsedDocument, Resource, ResourceData } from '../parse/manifestParser';
import type { ResourceIndex } from '../index/resourceIndex';
import type { FileContext } from '../index/applyUnits';

/** The families rules are grouped by in docs/rules.md and in the e2e workspace. */
export type RuleFamily = 'yaml' | 'schema' | 'api-version' | 'server' | 'cross-resource' | 'kind' | 'practice' | 'security';

export interface RuleMeta {
  /** Stable, kebab-case; never renamed once released (it is what users suppress). */
  code: string;
  family: RuleFamily;
  severity: Severity;
  /** One line for docs and hovers. */
  title: string;
}

/** Settings that change what the analysis reports; part of every cache key. */
export interface AnalysisOptions {
  /** Kubernetes minor version the schemas and API checks follow, e.g. "1.36". */
  kubernetesVersion: string;
  /** Namespace for resources that do not set one. */
  defaultNamespace: string;
  /** Codes switched off everywhere (setting kubeTopology.rules.disabled, CLI --ignore). */
  disabledRules: string[];
  /** Per-code severity overrides, or 'off'. */
  severityOverrides: Record<string, Severity | 'off'>;
  /** Report schema findings (off lets another schema validator own them). */
  schemaValidation: boolean;
}

export const DEFAULT_OPTIONS: AnalysisOptions = {
  kubernetesVersion: '1.36',
  defaultNamespace: 'default',
  disabledRules: [],
  severityOverrides: {},
  schemaValidation: true,
};

export interface ReportExtras {
  fixes?: Fix[];
  related?: RelatedLocation[];
  /** Overrides the rule's default severity for this one finding. */
  severity?: Severity;
}

/**
 * What a per-resource check sees: one object with helpers that give document-local ranges.
 * Per-resource results are cached with the document's text, so a check must depend only on
 * the resource itself and the options (anything cross-resource is a {@link IndexCheck}).
 */
export interface ResourceCheckContext {
  resource: ResourceData;
  doc: ParsedDocument;
  /** What the apply units say about the file: a resource or a kustomize patch, and what kustomize adds. */
  file: FileContext;
  options: AnalysisOptions;
  range(path: readonly PathSegment[], part?: RangePart): Range;
  report(code: string, message: string, range: Range, extras?: ReportExtras): void;
}

export type ResourceCheck = (ctx: ResourceCheckContext) => void;

/** What a cross-resource check sees: every resource in scope, with file ranges. */
export interface IndexCheckContext {
  index: ResourceIndex;
  options: AnalysisOptions;
  range(resource: Resource, path: readonly PathSegment[], part?: RangePart): Range;
  report(resource: Resource, code: string, message: string, range: Range, extras?: ReportExtras): void;
}

export type IndexCheck = (ctx: IndexCheckContext) => void;

/**
 * Every rule has this one shape: the codes it reports (the catalog, docs/rules.md, SARIF and the
 * editor's links are generated from them) and its check. A `resource` check sees one object at a
 * time and is cached with its document; an `index` check sees every resource of an analysis pass.
 */
export type Rule = ResourceRule | { scope: 'index'; meta: readonly RuleMeta[]; check: IndexCheck };

export interface ResourceRule {
  scope: 'resource';
  meta: readonly RuleMeta[];
  check: ResourceCheck;
  /**
   * Also run on kustomize patches: the check judges values a patch sets (a label, a port number)
   * rather than the whole object, which a patch is not.
   */
  onPatches?: boolean;
}

/** The codes of a list of rules, in order. */
export function metaOf(rules: readonly Rule[]): RuleMeta[] {
  return rules.flatMap((r) => r.meta);
}
