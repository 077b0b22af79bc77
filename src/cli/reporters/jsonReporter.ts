import type { ValidationReport } from './findingReport';

/** The documented JSON shape: `{resources, findings: [...], summary}`. */
export function formatJson(report: ValidationReport): string {
  const { resources, findings, summary } = report;
  return JSON.stringify({ resources, findings, summary }, null, 2) + '\n';
}
