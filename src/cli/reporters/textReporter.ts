import type { ValidationReport } from './findingReport';
import { escapeControlChars } from '../../core/terminalText';

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', dim: '\x1b[2m', reset: '\x1b[0m' };

/**
 * `file:line:col: severity message [code]`, the shape editors and CI logs link to. File names and
 * messages (which quote the manifest) have their control characters escaped: only our own colours
 * reach the terminal.
 */
export function formatText(report: ValidationReport, color: boolean): string {
  const c = (k: keyof typeof COLORS, s: string) => (color ? COLORS[k] + s + COLORS.reset : s);
  const lines = report.findings.map(
    (f) => `${escapeControlChars(f.file)}:${f.line}:${f.column}: ${c(f.severity, f.severity)} ${escapeControlChars(f.message)} ${c('dim', `[${f.code}]`)}`,
  );
  const s = report.summary;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  lines.push(
    `${plural(s.resources, 'resource')} in ${plural(s.files, 'file')}: ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${s.infos} info`,
  );
  return lines.join('\n') + '\n';
}
