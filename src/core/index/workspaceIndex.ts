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
  type Resource,
  type ResourceData,
} from '../parse/manifestParser';
import { localRangeOf, rangeOf } from '../parse/locate';
import { refOf, getPath } from '../model/kinds';
import { ResourceIndex } from './resourceIndex';
import type { AnalysisOptions, IndexCheck, IndexCheckContext, ReportExtras, ResourceCheckContext } from '../rules/types';
import { DEFAULT_OPTIONS } from '../rules/types';
import { INDEX_RULES, RESOURCE_CHECKS, ruleMeta } from '../rules/catalog';
import { isKubeTopologyTemplate } from '../generate/templateDetect';

/** Annotation that switches codes off for one resource: `kube-topology.io/ignore: code-a,code-b` (or `*`). */
export const IGNORE_ANNOTATION = 'kube-topology.io/ignore';

export interface AnalysisResult {
  /** Findings per file, sorted; every indexed file has an entry (possibly empty). */
  byFile: Map<string, Finding[]>;
  resources: Resource[];
  index: ResourceIndex;
}

/**
 * The incremental heart of validation: files go in as text, findings come out per file.
 * Parsing and per-resource checks are cached per YAML document text, so after a one-line edit
 * only that document is re-parsed and re-checked; cross-resource checks run over lookup tables
 * rebuilt in O(resources).
 */
export class WorkspaceIndex {
  private readonly files = new Map<string, ParsedFile>();
  private readonly cache = new DocumentCache();
  private readonly placed = new WeakMap<ParsedFile, { key: string; findings: Finding[] }>();
  private options: AnalysisOptions;
  private optionsKey: string;

  constructor(
    options: Partial<AnalysisOptions> = {},
    private readonly limits: ParseLimits = DEFAULT_LIMITS,
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.optionsKey = JSON.stringify(this.options);
  }

  setOptions(options: Partial<AnalysisOptions>): void {
    this.options = { ...this.options, ...options };
    this.optionsKey = JSON.stringify(this.options);
  }

  getOptions(): AnalysisOptions {
    return this.options;
  }

  /**
   * Adds or replaces a file. Files found by a folder walk or opened in the editor are only
   * treated as manifests when they look like Kubernetes (some document has apiVersion or kind)
   * and are not Helm/Go templates; `explicit` files (named on the command line) always are.
   * Returns false when the file was skipped as not Kubernetes.
   */
  setFile(file: string, text: string, options: { explicit?: boolean } = {}): boolean {
    const parsed = parseManifestFile(file, text, { limits: this.limits, cache: this.cache });
    // Kube Topology templates hold ${...} placeholders that only make sense once rendered. A file
    // refused as too large or binary has no documents and is not scanned again.
    if ((!options.explicit && !looksLikeKubernetes(parsed)) || (parsed.documents.length > 0 && isKubeTopologyTemplate(text))) {
      this.files.delete(file);
      return false;
    }
    this.files.set(file, parsed);
    return true;
  }

  /**
   * The file as plain data for another thread, its per-document checks done here (so a worker
   * thread does the parsing and per-resource work, and the receiving index only cross-checks).
   */
  exportFile(file: string): PortableFile | undefined {
    const parsed = this.files.get(file);
    return parsed && toPortable(parsed, (doc) => this.documentFindings(doc));
  }

  /** Adds a file exported by {@link exportFile} from an index with the same options. */
  adoptFile(portable: PortableFile): void {
    this.files.set(portable.file, restoreFile(portable, this.optionsKey, this.limits));
  }

  /** Runs the per-document checks now (they are cached), e.g. while another thread works. */
  checkDocuments(): void {
    for (const parsed of this.files.values()) for (const doc of parsed.documents) this.documentFindings(doc.parsed);
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
  }

  removeFile(file: string): boolean {
    return this.files.delete(file);
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

  resources(): Resource[] {
    const out: Resource[] = [];
    for (const f of this.files.values()) out.push(...f.resources);
    return out;
  }

  /** Runs every check over the indexed files. */
  analyze(): AnalysisResult {
    const resources = this.resources();
    const index = new ResourceIndex(resources, this.options.defaultNamespace);
    const byFile = new Map<string, Finding[]>();
    for (const [file, parsed] of this.files) {
      // An unchanged file (same parse) under the same options has the same per-file findings; only
      // the cross-resource ones are recomputed, so a keystroke does not re-place every file's list.
      let own = this.placed.get(parsed);
      if (own?.key !== this.optionsKey) {
        const list: Finding[] = [];
        for (const f of parsed.findings) {
          const adjusted = this.applySettings(f);
          if (adjusted) list.push(adjusted);
        }
        for (const doc of parsed.documents) {
          for (const f of this.documentFindings(doc.parsed)) list.push(placeFinding(f, file, doc.startLine));
        }
        own = { key: this.optionsKey, findings: list };
        this.placed.set(parsed, own);
      }
      byFile.set(file, own.findings.slice());
    }
    const options = this.options;
    const ctx: IndexCheckContext = {
      index,
      options,
      range: (r, path, part) => rangeOf(r, path, part),
      report: (r, code, message, range, extras) => {
        const f = this.makeFinding(code, message, range, r, extras);
        if (!f) return;
        const finding: Finding = { ...f, file: r.file, resource: refOf(r, options.defaultNamespace) };
        const list = byFile.get(r.file);
        if (list) list.push(finding);
        else byFile.set(r.file, [finding]);
      },
    };
    for (const rule of INDEX_RULES) runIndexCheck(rule.check, rule.meta[0]?.code ?? 'check', ctx);
    for (const list of byFile.values()) list.sort(compareFindings);
    return { byFile, resources, index };
  }

  /** Per-document findings (schema and per-resource rules), cached with the document. */
  private documentFindings(doc: ParsedDocument): LocalFinding[] {
    if (doc.analysis?.key === this.optionsKey) return doc.analysis.findings;
    const findings: LocalFinding[] = [];
    if (!doc.hasSyntaxErrors) {
      for (const resource of doc.resources) {
        const ctx: ResourceCheckContext = {
          resource,
          doc,
          options: this.options,
          range: (path, part) => localRangeOf(resource, doc.lines, path, part),
          report: (code, message, range, extras) => {
            const f = this.makeFinding(code, message, range, resource, extras);
            if (f) findings.push({ ...f, resource: refOf(resource as Resource, this.options.defaultNamespace) });
          },
        };
        for (const check of RESOURCE_CHECKS) {
          try {
            check(ctx);
          } catch (e) {
            // A rule bug must never take validation down; it shows up as a finding instead.
            findings.push({
              code: 'internal-error',
              severity: 'warning',
              message: `Kube Topology could not finish a check here: ${e instanceof Error ? e.message : String(e)}`,
              range: localRangeOf(resource, doc.lines, []),
            });
          }
        }
      }
    }
    doc.analysis = { key: this.optionsKey, findings };
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
    if (first)
      ctx.report(
        first,
        'internal-error',
        `Kube Topology could not finish the ${code} check: ${e instanceof Error ? e.message : String(e)}`,
        ctx.range(first, []),
      );
  }
}

/** Some document declares apiVersion or kind, and the file is not a template with `{{ }}` placeholders. */
export function looksLikeKubernetes(parsed: ParsedFile): boolean {
  if (parsed.documents.length === 0 && parsed.findings.length > 0) return /^(apiVersion|kind):/m.test(parsed.text.slice(0, 4096));
  // The line-by-line pattern costs milliseconds on a big file at every keystroke; most have no `{{`.
  if (parsed.text.includes('{{') && TEMPLATE_PLACEHOLDER.test(parsed.text)) return false;
  return parsed.resources.some((r) => r.apiVersion !== undefined || r.kind !== undefined);
}

const TEMPLATE_PLACEHOLDER = /^[^#\n]*\{\{[^}\n]*\}\}/m;

export function isIgnoredByAnnotation(resource: ResourceData, code: string): boolean {
  const value = getPath(resource.object, ['metadata', 'annotations', IGNORE_ANNOTATION]);
  if (typeof value !== 'string') return false;
  return value.split(',').some((c) => {
    const t = c.trim();
    return t === '*' || t === code;
  });
}
