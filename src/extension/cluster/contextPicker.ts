import * as vscode from 'vscode';
import type { ClusterContextManager } from './clusterContext';

/**
 * "Select Cluster Context": every kubeconfig context, local ones marked (kind first), the
 * selected one ticked, and kind clusters that have no context yet named with the fix.
 */
export async function selectClusterContext(contexts: ClusterContextManager): Promise<void> {
  contexts.reload();
  const info = contexts.kubeconfig;
  const selected = contexts.state.context?.name;
  type Item = vscode.QuickPickItem & { name?: string; refresh?: boolean };
  const items: Item[] = [];
  const list = [...(info?.contexts ?? [])].sort(
    (a, b) => Number(b.local) - Number(a.local) || (a.localKind === 'kind' ? -1 : 0) - (b.localKind === 'kind' ? -1 : 0) || a.name.localeCompare(b.name),
  );
  for (const c of list) {
    items.push({
      label: `${c.name === selected ? '$(check) ' : ''}${c.name}`,
      description: c.local ? `local · ${c.localKind}${c.kindCluster ? ` (kind cluster "${c.kindCluster}")` : ''}` : 'remote — applying asks first',
      detail: `${c.server || 'no server URL'}${c.namespace ? ` · namespace ${c.namespace}` : ''}${c.execCommand ? ` · credentials from ${c.execCommand}` : ''}`,
      name: c.name,
    });
  }
  const kind = contexts.knownKindClusters ?? [];
  const orphans = kind.filter((k) => !list.some((c) => c.kindCluster === k));
  if (orphans.length) {
    items.push({ label: 'kind clusters without a kubeconfig context', kind: vscode.QuickPickItemKind.Separator });
    for (const k of orphans) items.push({ label: `$(info) kind cluster "${k}"`, description: `run: kind export kubeconfig --name ${k}` });
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: '$(refresh) Re-read kubeconfig and check the connection', refresh: true });
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Kube Topology: Select Cluster Context',
    placeHolder: list.length
      ? `Files: ${info?.files.join(', ') || 'none'}${kind.length ? ` · kind get clusters: ${kind.join(', ')}` : ''}`
      : 'No kubeconfig contexts. Create a local cluster with `kind create cluster`.',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked) return;
  if (picked.refresh) {
    contexts.reload();
    return;
  }
  if (picked.name) await contexts.select(picked.name);
}
