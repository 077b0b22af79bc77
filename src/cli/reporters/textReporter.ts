import type { ReportScope, ValidationReport } from './findingReport';
import { SKIP_REASONS, type SkipReason } from '../../core/index/workspaceIndex';
import { escapeControlChars } from '../../core/terminalText';

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', dim: '\x1b[2m', reset: '\x1b[0m' };

/**
 * `file:line:col: severity message [code]`, the shape editors and CI logs link to. File names and
 * messages (which quote the manifest) have their control characters escaped: only our own colours
 * reach the terminal.
 */
export function formatText(report: ValidationReport, color: boolean): string {
  const c = (k: keyof typeof COLORS, s: string) => (color ? COLORS[k] + s + COLORS.reset : s);
  // The unit a cross-resource finding was judged in matters once there are several.
  const units = report.scope?.units.length ?? 0;
  const lines = report.findings.map(
    (f) =>
      `${escapeControlChars(f.file)}:${f.line}:${f.column}: ${c(f.severity, f.severity)} ${escapeControlChars(f.message)} ${c('dim', `[${f.code}]`)}` +
      (units > 1 && f.unit ? c('dim', ` (unit ${escapeControlChars(f.unit)})`) : ''),
  );
  const s = report.summary;
  if (report.scope) lines.push(...scopeLines(report.scope));
  lines.push(
    `${plural(s.resources, 'resource')} in ${plural(s.files, 'file')}${units > 1 ? ` (${units} apply units)` : ''}: ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${s.infos} info`,
  );
  return lines.join('\n') + '\n';
}

function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 ? '' : 's'}`;
}

const SKIP_ORDER: SkipReason[] = ['template', 'helm-template', 'helm-chart', 'kustomize-config', 'kube-topology-template', 'not-kubernetes'];

/** One line for what was not validated (and why), one for custom kinds that were not schema-checked. */
function scopeLines(scope: ReportScope): string[] {
  const out: string[] = [];
  if (scope.skipped.length) {
    const parts = SKIP_ORDER.map((reason) => {
      const files = scope.skipped.filter((x) => x.reason === reason);
      if (!files.length) return undefined;
      // Templates outside a chart are the surprise worth naming.
      const names =
        reason === 'template'
          ? ` (${files
              .slice(0, 3)
              .map((f) => escapeControlChars(f.file))
              .join(', ')}${files.length > 3 ? ', …' : ''})`
          : '';
      return `${files.length} ${SKIP_REASONS[reason][files.length === 1 ? 0 : 1]}${names}`;
    }).filter((p): p is string => p !== undefined);
    out.push(`Not validated: ${parts.join('; ')}.`);
  }
  if (scope.notSchemaChecked.length) {
    const kinds = scope.notSchemaChecked.slice(0, 6).map((k) => `${escapeControlChars(`${k.kind} (${k.apiVersion})`)} ×${k.count}`);
    const more = scope.notSchemaChecked.length - kinds.length;
    out.push(`Not schema-checked (custom kinds, no schema here): ${kinds.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`);
  }
  return out;
}
