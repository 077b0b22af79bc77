import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTemplates, WORKSPACE_TEMPLATES_DIR, type Template, type TemplateDirectory } from '../core/generate';

/**
 * What every way of generating needs from the editor: the templates (presets, then the workspace's
 * `.kube-topology/templates/`), the workspace folder to write into, and whether the current context
 * is a kind cluster (for kind-friendly suggestions).
 */

/** The preset the generate commands start from: the lesson's gateway + model. */
export const PREFERRED_TEMPLATE = 'gateway-model';

export async function loadAllTemplates(context: vscode.ExtensionContext): Promise<Template[]> {
  const dirs: TemplateDirectory[] = [{ dir: vscode.Uri.joinPath(context.extensionUri, 'templates').toString(), builtIn: true }];
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    dirs.push({ dir: vscode.Uri.joinPath(f.uri, ...WORKSPACE_TEMPLATES_DIR.split('/')).toString() });
  }
  const decoder = new TextDecoder();
  const loaded = await loadTemplates(dirs, {
    listDir: async (d) => {
      try {
        const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.parse(d));
        return entries.filter(([, type]) => (type & vscode.FileType.File) !== 0).map(([name]) => name);
      } catch {
        return undefined;
      }
    },
    readFile: async (f) => decoder.decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(f))),
    join: (d, n) => vscode.Uri.joinPath(vscode.Uri.parse(d), n).toString(),
  });
  if (loaded.errors.length > 0) {
    const first = loaded.errors[0];
    const where = vscode.workspace.asRelativePath(safeUri(first.source) ?? first.source, false);
    void vscode.window.showWarningMessage(
      `Kube Topology: skipped ${loaded.errors.length === 1 ? 'a template' : `${loaded.errors.length} templates`}: ${where}${first.line !== undefined ? `:${first.line}` : ''}: ${first.detail}`,
    );
  }
  return loaded.templates;
}

/** The gateway + model preset (or the workspace template that replaces it), else the first. */
export function preferredTemplate(templates: readonly Template[]): Template | undefined {
  return templates.find((t) => t.name === PREFERRED_TEMPLATE) ?? templates[0];
}

/** Where a template comes from, for pickers: "built-in" or its workspace-relative file. */
export function templateWhere(t: Template): string {
  return t.builtIn ? 'built-in' : vscode.workspace.asRelativePath(safeUri(t.source) ?? t.source, false);
}

export function safeUri(s: string): vscode.Uri | undefined {
  try {
    return vscode.Uri.parse(s, true);
  } catch {
    return undefined;
  }
}

/** undefined: no workspace (the folder step offers a dialog); null: the user cancelled. */
export async function pickWorkspaceFolder(): Promise<vscode.WorkspaceFolder | undefined | null> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder to generate the topology in', ignoreFocusOut: true });
  return picked ?? null;
}

/** `k8s/` of the workspace folder: where generated manifests go unless the user says otherwise. */
export function defaultTargetFolder(workspaceFolder: vscode.WorkspaceFolder | undefined): vscode.Uri | undefined {
  return workspaceFolder ? vscode.Uri.joinPath(workspaceFolder.uri, 'k8s') : undefined;
}

/**
 * Whether kubectl's current context is a kind cluster (its contexts are named `kind-<cluster>`),
 * read from the first kubeconfig file; only used to suggest kind-friendly choices.
 */
export async function currentContextIsKind(): Promise<boolean> {
  const first = (process.env.KUBECONFIG ?? '').split(path.delimiter).find(Boolean) ?? path.join(os.homedir(), '.kube', 'config');
  try {
    const text = await fs.readFile(first, 'utf8');
    const m = /^current-context:\s*["']?([^"'\s]+)/m.exec(text);
    return Boolean(m && m[1].startsWith('kind-'));
  } catch {
    return false;
  }
}
