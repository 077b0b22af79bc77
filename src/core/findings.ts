/**
 * Findings are values, not strings: every problem the core reports carries a stable code,
 * a severity and the exact range in the file it belongs to. Lines and characters are 0-based
 * here (like VS Code); the CLI converts to 1-based on output.
 */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface TextEdit {
  file: string;
  range: Range;
  newText: string;
}

/** A quick fix; only offered when applying it cannot make the manifest worse. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The one fix an editor may apply with "auto fix". */
  preferred?: boolean;
}

export interface RelatedLocation {
  file: string;
  range: Range;
  message: string;
}

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  file: string;
  range: Range;
  resource?: ResourceRef;
  fixes?: Fix[];
  related?: RelatedLocation[];
  /** The apply unit a cross-resource finding was judged in (its name), see applyUnits.ts. */
  unit?: string;
}

export const ZERO_RANGE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

export function shiftRange(range: Range, lines: number): Range {
  if (lines === 0) return range;
  return {
    start: { line: range.start.line + lines, character: range.start.character },
    end: { line: range.end.line + lines, character: range.end.character },
  };
}
