import * as vscode from 'vscode';
import type { ContextInfo } from '../../core/cluster/kubeconfig';
import type { ClusterContextManager } from './clusterContext';
import { confirmationMessage, needsConfirmation } from './clusterText';

/**
 * The two checks before anything that changes a cluster: the workspace is trusted (manifests from
 * an untrusted folder never reach a cluster), and a context that is not on this machine is
 * confirmed in a modal naming it and its server. Every entry point (command, CodeLens, graph
 * toolbar, node action) goes through here, so the webview cannot skip them.
 */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showErrorMessage(
      `Kube Topology: ${action} is not available in an untrusted workspace. Validation and the topology view still work; trust the folder to change a cluster from it.`,
      'Manage Workspace Trust',
    )
    .then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}

/** The selected context, or undefined after telling the user why there is none. */
export function requireContext(contexts: ClusterContextManager): ContextInfo | undefined {
  const c = contexts.state.context;
  if (c) return c;
  void vscode.window
    .showErrorMessage(
      `Kube Topology: no cluster context${contexts.state.error ? ` (${contexts.state.error})` : ''}. Create a cluster (e.g. \`kind create cluster\`) or pick a context.`,
      'Select Cluster Context',
    )
    .then((choice) => choice && vscode.commands.executeCommand('kubeTopology.selectContext'));
  return undefined;
}

/**
 * Local clusters go ahead; others need an explicit yes in a modal. Local is where the server is
 * (core/cluster/locality.ts), never what the context is called: a `kind-*` context pointing at a
 * remote host asks too, and the modal says why.
 */
export async function confirmRemote(c: ContextInfo, verb: 'Apply' | 'Tear down', count: number, detail?: string): Promise<boolean> {
  if (!needsConfirmation(c)) return true;
  const button = verb === 'Apply' ? 'Apply' : 'Tear Down';
  const why = `Its server ${c.server || '(none)'} is not on this machine: not a loopback address, a unix socket or a kind cluster of this machine. A context's name does not make a cluster local.`;
  const choice = await vscode.window.showWarningMessage(
    confirmationMessage(c, verb, count),
    { modal: true, detail: detail ? `${detail}\n\n${why}` : why },
    button,
  );
  return choice === button;
}

/** Trust, then a context, then (remote only) a confirmation. */
export async function gate(contexts: ClusterContextManager, verb: 'Apply' | 'Tear down', count: number, detail?: string): Promise<ContextInfo | undefined> {
  if (!requireTrust(verb === 'Apply' ? 'Applying to a cluster' : 'Tearing down')) return undefined;
  const c = requireContext(contexts);
  if (!c) return undefined;
  return (await confirmRemote(c, verb, count, detail)) ? c : undefined;
}
