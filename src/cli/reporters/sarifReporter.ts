import type { Severity } from '../../core/findings';
import { RULES } from '../../core/rules/catalog';
import { ruleDocUrl, type ValidationReport } from './findingReport';

const LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

/** SARIF 2.1.0, as GitHub code scanning and other CI viewers read it. */
interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  helpUri: string;
  defaultConfiguration: { level: string };
  properties: { family: string };
}

export function formatSarif(report: ValidationReport, version: string): string {
  const used = new Set(report.findings.map((f) => f.code));
  const rules: SarifRule[] = RULES.filter((r) => used.has(r.code)).map((r) => ({
    id: r.code,
    name: r.code,
    shortDescription: { text: r.title },
    helpUri: ruleDocUrl(r.code),
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: { family: r.family },
  }));
  for (const code of used) {
    if (!rules.some((r) => r.id === code))
      rules.push({
        id: code,
        name: code,
        shortDescription: { text: code },
        helpUri: ruleDocUrl(code),
        defaultConfiguration: { level: 'warning' },
        properties: { family: 'other' },
      });
  }
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'kube-topology', informationUri: 'https://github.com/kube-topology/kube-topology', version, rules } },
        results: report.findings.map((f) => ({
          ruleId: f.code,
          ruleIndex: index.get(f.code),
          level: LEVEL[f.severity],
          message: { text: f.message },
          ...(f.unit !== undefined ? { properties: { unit: f.unit } } : {}),
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.file.split('\\').join('/') },
                region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
              },
            },
          ],
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
