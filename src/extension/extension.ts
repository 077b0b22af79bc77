import * as vscode from 'vscode';
import { ManifestAnalysis } from './manifestAnalysis';
import { DiagnosticsPublisher } from './diagnosticsPublisher';
import { ManifestCodeActions } from './codeActions';

const MANIFEST_SELECTOR: vscode.DocumentSelector = [
  { language: 'yaml' },
  { language: 'json' },
];

/**
 * Activation only wires listeners and providers; parsing, schemas and cluster clients load on
 * first use so the editor never waits for us.
 */
export function activate(context: vscode.ExtensionContext): { analysis: ManifestAnalysis } {
  const log = vscode.window.createOutputChannel('Kube Topology', { log: true });
  const analysis = new ManifestAnalysis(log);
  const rulesDoc = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules.md');
  const publisher = new DiagnosticsPublisher(analysis, rulesDoc);
  context.subscriptions.push(
    log,
    analysis,
    publisher,
    vscode.languages.registerCodeActionsProvider(MANIFEST_SELECTOR, new ManifestCodeActions(publisher), {
      providedCodeActionKinds: ManifestCodeActions.kinds,
    }),
    vscode.commands.registerCommand('kubeTopology.openRulesReference', () => vscode.commands.executeCommand('markdown.showPreview', rulesDoc)),
  );
  return { analysis };
}

export function deactivate(): void {
  // Disposables registered on the context are released by VS Code.
}
