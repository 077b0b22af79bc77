import * as vscode from 'vscode';
import type { Finding } from '../../core/findings';
import type { Resource } from '../../core/parse/manifestParser';
import type { ManifestAnalysis } from '../manifestAnalysis';

/** The manifests a cluster command works on, with what validation says about them. */
export interface ManifestSelection {
  /** What was picked, for messages ("gateway.yaml", "k8s/", "the workspace"). */
  label: string;
  resources: Resource[];
  /** The files involved (URI strings), also those that hold no resource any more. */
  files: string[];
  /** Validation errors in those files. */
  errors: Finding[];
}

/**
 * Resolves a command argument — a file (CodeLens, editor title), a folder or several (Explorer),
 * nothing (palette: the active editor's file, else the whole workspace) — into resources.
 */
export async function selectManifests(analysis: ManifestAnalysis, arg?: unknown, many?: unknown): Promise<ManifestSelection | undefined> {
  const uris = Array.isArray(many) && many.every((u) => u instanceof vscode.Uri) && many.length ? many : arg instanceof vscode.Uri ? [arg] : [];
  if (!uris.length) {
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active && analysis.scopeFor(active).index.getFile(active.toString())) uris.push(active);
    else if (vscode.workspace.workspaceFolders?.length) return workspaceSelection(analysis);
    else return undefined;
  }
  const resources: Resource[] = [];
  const files = new Set<string>();
  const errors: Finding[] = [];
  const labels: string[] = [];
  for (const uri of uris) {
    const isFolder = await isDirectory(uri);
    const result = analysis.analysisFor(uri);
    const key = uri.toString();
    const inScope = (file: string) => (isFolder ? file.startsWith(key.endsWith('/') ? key : `${key}/`) : file === key);
    for (const r of result.resources) if (inScope(r.file) && r.kind) resources.push(r);
    for (const [file, findings] of result.byFile) {
      if (!inScope(file)) continue;
      files.add(file);
      errors.push(...findings.filter((f) => f.severity === 'error'));
    }
    labels.push(vscode.workspace.asRelativePath(uri) + (isFolder ? '/' : ''));
  }
  return { label: labels.join(', '), resources: dedupe(resources), files: [...files], errors };
}

/** A topology panel's scope: a file, a folder or the workspace. */
export async function selectScope(
  analysis: ManifestAnalysis,
  scope: { kind: 'file' | 'folder' | 'workspace'; uri: vscode.Uri },
): Promise<ManifestSelection | undefined> {
  if (scope.kind === 'workspace') return workspaceSelection(analysis);
  return selectManifests(analysis, scope.uri);
}

function workspaceSelection(analysis: ManifestAnalysis): ManifestSelection {
  const resources: Resource[] = [];
  const files: string[] = [];
  const errors: Finding[] = [];
  for (const s of analysis.allScopes()) {
    if (!s.last) continue;
    resources.push(...s.last.resources.filter((r) => r.kind));
    for (const [file, findings] of s.last.byFile) {
      files.push(file);
      errors.push(...findings.filter((f) => f.severity === 'error'));
    }
  }
  return { label: vscode.workspace.name ?? 'the workspace', resources: dedupe(resources), files, errors };
}

function dedupe(list: Resource[]): Resource[] {
  const seen = new Set<string>();
  return list.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
}

async function isDirectory(uri: vscode.Uri): Promise<boolean> {
  try {
    return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory) !== 0;
  } catch {
    return false;
  }
}
