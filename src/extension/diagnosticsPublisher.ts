import * as vscode from 'vscode';
import type { Finding, Range, Severity } from '../core/findings';
import type { AnalysisScope, ManifestAnalysis } from './manifestAnalysis';

export const DIAGNOSTIC_SOURCE = 'kube-topology';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function toVsRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/**
 * Turns findings into diagnostics. Only files whose findings changed are re-published, so a
 * keystroke in one file does not repaint the Problems panel for the whole workspace.
 */
export class DiagnosticsPublisher implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  /** Last published findings per file, with a fingerprint to skip unchanged files. */
  private readonly published = new Map<string, { scope: string; fingerprint: string; findings: Finding[] }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    analysis: ManifestAnalysis,
    private readonly rulesDoc: vscode.Uri,
  ) {
    this.disposables.push(
      this.collection,
      analysis.onDidAnalyze((scope) => this.publish(scope)),
      analysis.onDidReset(() => {
        this.collection.clear();
        this.published.clear();
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** The findings behind the diagnostics of a file (for code actions). */
  findingsFor(uri: vscode.Uri): Finding[] {
    return this.published.get(uri.toString())?.findings ?? [];
  }

  private publish(scope: AnalysisScope): void {
    const byFile = scope.last?.byFile ?? new Map<string, Finding[]>();
    // With several apply units, a cross-resource finding says which one it was judged in.
    const withUnits = (scope.last?.units.length ?? 0) > 1;
    for (const [file, entry] of this.published) {
      if (entry.scope === scope.key && !byFile.has(file)) {
        this.collection.delete(vscode.Uri.parse(file));
        this.published.delete(file);
      }
    }
    for (const [file, findings] of byFile) {
      const fingerprint = fingerprintOf(findings);
      const prev = this.published.get(file);
      if (prev && prev.fingerprint === fingerprint) {
        prev.findings = findings;
        continue;
      }
      this.published.set(file, { scope: scope.key, fingerprint, findings });
      this.collection.set(
        vscode.Uri.parse(file),
        findings.map((f) => this.toDiagnostic(f, withUnits)),
      );
    }
  }

  private toDiagnostic(f: Finding, withUnit: boolean): vscode.Diagnostic {
    const message = withUnit && f.unit ? `${f.message} (apply unit ${f.unit})` : f.message;
    const d = new vscode.Diagnostic(toVsRange(f.range), message, SEVERITY[f.severity]);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = { value: f.code, target: this.rulesDoc.with({ fragment: f.code }) };
    if (f.related?.length) {
      d.relatedInformation = f.related.map(
        (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.parse(r.file), toVsRange(r.range)), r.message),
      );
    }
    return d;
  }
}

function fingerprintOf(findings: Finding[]): string {
  let s = '';
  for (const f of findings) {
    const r = f.range;
    s += `${f.code}|${f.severity}|${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}|${f.message}|${f.unit ?? ''}|${f.related?.length ?? 0}\n`;
  }
  return s;
}
