import * as vscode from 'vscode';
import type { Finding, Severity } from '../../core/findings';
import { toVsRange } from '../diagnosticsPublisher';
import { pushTo } from '../../core/multimap';

export const APPLY_DIAGNOSTICS = 'kube-topology-apply';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/**
 * What the server said about the last dry-run / apply / tear down, on the YAML ranges: kept apart
 * from validation (its own collection) so re-validating while typing does not wipe it, and
 * replaced per file by the next cluster run over that file (cleared when it succeeds).
 */
export class ApplyDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(APPLY_DIAGNOSTICS);

  /** Replaces the diagnostics of `files` with these findings (files without findings are cleared). */
  publish(files: Iterable<string>, findings: readonly Finding[]): number {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const f of files) byFile.set(f, []);
    for (const f of findings) {
      const d = new vscode.Diagnostic(toVsRange(f.range), f.message, SEVERITY[f.severity]);
      d.source = APPLY_DIAGNOSTICS;
      d.code = f.code;
      pushTo(byFile, f.file, d);
    }
    for (const [file, list] of byFile) this.collection.set(toUri(file), list);
    return findings.length;
  }

  clear(): void {
    this.collection.clear();
  }

  dispose(): void {
    this.collection.dispose();
  }
}

/** Index file names are URI strings; the CLI's are paths. */
export function toUri(file: string): vscode.Uri {
  return /^[a-z][a-z0-9+.-]+:/i.test(file) ? vscode.Uri.parse(file, true) : vscode.Uri.file(file);
}
