import * as vscode from 'vscode';
import type { Finding } from '../core/findings';
import { DIAGNOSTIC_SOURCE, toVsRange, type DiagnosticsPublisher } from './diagnosticsPublisher';

/** Offers the core's safe fixes as quick fixes on our diagnostics. */
export class ManifestCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly publisher: DiagnosticsPublisher) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (ours.length === 0) return [];
    const findings = this.publisher.findingsFor(document.uri);
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      const code = typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code);
      const finding = findings.find((f) => f.code === code && toVsRange(f.range).isEqual(diagnostic.range));
      for (const fix of finding?.fixes ?? []) actions.push(toAction(fix, diagnostic));
    }
    return actions;
  }
}

function toAction(fix: NonNullable<Finding['fixes']>[number], diagnostic: vscode.Diagnostic): vscode.CodeAction {
  const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  action.isPreferred = fix.preferred === true;
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) edit.replace(vscode.Uri.parse(e.file), toVsRange(e.range), e.newText);
  action.edit = edit;
  return action;
}
