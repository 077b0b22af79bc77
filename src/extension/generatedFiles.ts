import * as vscode from 'vscode';
import { renderFiles, renderNotes, type OutputLayout, type ParameterValues, type Template } from '../core/generate';
import { existsNoFollow, writeFileNoFollow } from '../core/generate/writeNoFollow';

export interface GenerateDeps {
  /** Opens the topology view for a generated file (one-file layout) or folder (one file per object). */
  showTopology?(uri: vscode.Uri): Promise<void>;
}

export interface GenerationRequest {
  template: Template;
  /** Resolved, valid values (every parameter). */
  values: ParameterValues;
  /** Parameters the user changed (for the "Regenerate: --set …" header line). */
  changed: string[];
  layout: OutputLayout;
  folder: vscode.Uri;
}

export type GenerationOutcome = { written: true; message: string; files: vscode.Uri[] } | { written: false; message: string };

/**
 * Writes what a template renders into a folder — never over an existing file without a modal
 * question — then opens the first file, shows its topology and offers the template's next steps.
 * The one place every way of generating (quick input, defaults, form) writes files.
 */
export async function writeGeneratedFiles(req: GenerationRequest, deps: GenerateDeps): Promise<GenerationOutcome> {
  const { template, values, folder, layout } = req;
  const files = renderFiles(template, values, { layout, changed: req.changed });
  const targets = files.map((f) => ({ uri: vscode.Uri.joinPath(folder, ...f.path.split('/')), text: f.text }));

  const existing: vscode.Uri[] = [];
  for (const t of targets) if (await uriExists(t.uri)) existing.push(t.uri);
  if (existing.length > 0) {
    const names = existing.map((u) => vscode.workspace.asRelativePath(u, false));
    const answer = await vscode.window.showWarningMessage(
      existing.length === 1 ? `${names[0]} already exists. Overwrite?` : `${existing.length} files already exist. Overwrite them?`,
      { modal: true, detail: names.join('\n') },
      'Overwrite',
    );
    if (answer !== 'Overwrite') return { written: false, message: 'Nothing was written: the existing files were kept.' };
  }
  await vscode.workspace.fs.createDirectory(folder);
  for (const t of targets) await writeTarget(t.uri, t.text);

  const first = targets[0].uri;
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(first), { preview: false });
  if (deps.showTopology) await deps.showTopology(layout === 'single' ? first : folder);

  const notes = renderNotes(template, values);
  const where = vscode.workspace.asRelativePath(targets.length === 1 ? first : folder, false);
  const wrote = `wrote ${targets.length === 1 ? where : `${targets.length} files to ${where}`}`;
  const message = `Kube Topology: ${wrote}. Apply with kubectl apply -f ${where}`;
  if (notes.length === 0) {
    void vscode.window.showInformationMessage(message);
  } else {
    void vscode.window.showInformationMessage(message, 'Next Steps').then((choice) => {
      if (choice) void vscode.window.showInformationMessage('Next steps', { modal: true, detail: notes.map((n) => `• ${n}`).join('\n\n') });
    });
  }
  return { written: true, message: `${wrote[0].toUpperCase()}${wrote.slice(1)}.`, files: targets.map((t) => t.uri) };
}

/** A local file is written without following a link at its name (as the CLI does); anything else through VS Code. */
async function writeTarget(uri: vscode.Uri, text: string): Promise<void> {
  if (uri.scheme === 'file') await writeFileNoFollow(uri.fsPath, text);
  else await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

/** Whether a name is taken; a local symbolic link counts, even a dangling one. */
export async function uriExists(uri: vscode.Uri): Promise<boolean> {
  if (uri.scheme === 'file') return existsNoFollow(uri.fsPath);
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
