import type { Finding, Severity } from '../../core/findings';
import type { AnalysisResult, SkipReason } from '../../core/index/workspaceIndex';
import { displayPath } from '../manifestFiles';

/** One finding as the CLI prints it: 1-based lines and columns, paths relative to cwd. */
export interface ReportedFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  code: string;
  message: string;
  resource?: { apiVersion: string; kind: string; name: string; namespace?: string };
  /** The apply unit a cross-resource finding was judged in. */
  unit?: string;
}

/** What the run covered besides findings: apply units, files not validated, custom kinds not schema-checked. */
export interface ReportScope {
  units: { name: string; how: string; files: number }[];
  skipped: { file: string; reason: SkipReason }[];
  notSchemaChecked: { apiVersion: string; kind: string; count: number }[];
}

export interface ValidationReport {
  resources: number;
  files: string[];
  findings: ReportedFinding[];
  summary: { files: number; resources: number; errors: number; warnings: number; infos: number };
  scope?: ReportScope;
}

/** A finding with 1-based positions and a path relative to `cwd` (validate's and apply's JSON). */
export function reportedFinding(f: Finding, cwd: string): ReportedFinding {
  return {
    file: displayPath(f.file, cwd),
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    severity: f.severity,
    code: f.code,
    message: f.message,
    resource: f.resource,
    ...(f.unit !== undefined ? { unit: f.unit } : {}),
  };
}

/** The units, skipped files and unchecked kinds of an analysis, with paths relative to `cwd`. */
export function reportScope(result: AnalysisResult, cwd: string): ReportScope {
  return {
    units: result.units.map(({ unit }) => ({ name: unit.name, how: unit.how, files: unit.files.length })),
    skipped: result.skipped.map((s) => ({ file: displayPath(s.file, cwd), reason: s.reason })),
    notSchemaChecked: result.unchecked,
  };
}

export function buildReport(byFile: Map<string, Finding[]>, resources: number, cwd: string, scope?: ReportScope): ValidationReport {
  const findings: ReportedFinding[] = [];
  const files = [...byFile.keys()].map((f) => displayPath(f, cwd));
  for (const list of byFile.values()) for (const f of list) findings.push(reportedFinding(f, cwd));
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  return {
    resources,
    files,
    findings,
    summary: { files: files.length, resources, errors: count('error'), warnings: count('warning'), infos: count('info') },
    scope,
  };
}

export const RULES_DOC_URL = 'https://github.com/kube-topology/kube-topology/blob/main/docs/rules.md';

export function ruleDocUrl(code: string): string {
  return `${RULES_DOC_URL}#${code}`;
}
