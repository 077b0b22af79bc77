import type { ValidationReport } from './findingReport';

/**
 * The documented JSON shape: `{resources, findings: [...], summary}`, and with validate the
 * `units` (name, the kubectl command they stand for, file count), the `skipped` files (file,
 * reason) and the custom kinds `notSchemaChecked` (apiVersion, kind, count).
 */
export function formatJson(report: ValidationReport): string {
  const { resources, findings, summary, scope } = report;
  return JSON.stringify({ resources, findings, summary, ...(scope ?? {}) }, null, 2) + '\n';
}
