import * as vscode from 'vscode';
import type { ManifestAnalysis } from './manifestAnalysis';
import { resourceSetting } from './config';

/** Extra lenses other features add at the top of a manifest file (apply, tear down). */
export interface FileLens {
  title: string;
  command: string;
  tooltip?: string;
}

/**
 * One row of lenses above the first resource of each manifest file: "Show Topology" and whatever
 * the cluster features register. Titles are ours, never text from the manifest.
 */
export class TopologyCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private readonly extra: FileLens[] = [];

  constructor(private readonly analysis: ManifestAnalysis) {
    this.subscription = analysis.onDidAnalyze(() => this.changed.fire());
  }

  addFileLens(lens: FileLens): vscode.Disposable {
    this.extra.push(lens);
    this.changed.fire();
    return new vscode.Disposable(() => {
      const i = this.extra.indexOf(lens);
      if (i >= 0) this.extra.splice(i, 1);
      this.changed.fire();
    });
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!resourceSetting('codeLens.enabled', doc.uri)) return [];
    const parsed = this.analysis.scopeFor(doc.uri).index.getFile(doc.uri.toString());
    const first = parsed?.resources.find((r) => r.kind !== undefined);
    if (!first) return [];
    const line = first.doc.startLine;
    const range = new vscode.Range(line, 0, line, 0);
    const lenses = [
      new vscode.CodeLens(range, {
        title: 'Show Topology',
        command: 'kubeTopology.showTopology',
        arguments: [doc.uri],
        tooltip: 'Draw the resources of this file and what they connect to',
      }),
    ];
    for (const l of this.extra) lenses.push(new vscode.CodeLens(range, { title: l.title, command: l.command, arguments: [doc.uri], tooltip: l.tooltip }));
    return lenses;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
