import * as vscode from 'vscode';
import type { PlannedResource } from '../../core/cluster/applyTypes';
import { liveDocumentPath, resourceLabel } from './clusterText';

export const LIVE_SCHEME = 'kube-topology-live';

/**
 * Read-only documents for the diff editor: the object as it is on the cluster and as the dry-run
 * says it will be. The texts come from the apply engine with server noise removed and Secret values
 * already redacted; nothing here reads the cluster.
 */
export class LiveDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(LIVE_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '# This view is gone: run "Apply to Cluster" again to see the diff.\n';
  }

  /** Opens live ↔ intended for one planned resource; false when it has no diff. */
  async showDiff(context: string, p: PlannedResource): Promise<boolean> {
    if (!p.diff) return false;
    const left = this.put(liveDocumentPath(context, p.ref, 'live'), p.diff.live);
    const right = this.put(liveDocumentPath(context, p.ref, 'intended'), p.diff.intended);
    await vscode.commands.executeCommand('vscode.diff', left, right, `${resourceLabel(p.ref)}: ${context} ↔ after apply`, { preview: false });
    return true;
  }

  private put(path: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: LIVE_SCHEME, path });
    this.texts.set(path, text);
    this.changed.fire(uri);
    return uri;
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
    this.texts.clear();
  }
}
