import * as vscode from 'vscode';
import type { ClusterContextManager } from '../cluster/clusterContext';
import { requireTrust } from '../cluster/clusterGate';
import { setting } from '../config';
import type { CreatedKindCluster } from '../../core/kind/kindCreate';

export interface KindCommandDeps {
  contexts: ClusterContextManager;
  log: vscode.LogOutputChannel;
}

const KIND_QUICK_START = 'https://kind.sigs.k8s.io/docs/user/quick-start/#installation';
const DOCKER_INSTALL = 'https://docs.docker.com/engine/install/';

/**
 * "Create kind Cluster": a name (the first free of kind, kind-2, …), then the user's kind with a
 * config that publishes a NodePort here, with kind's own progress lines, cancellable (the half-made
 * cluster is deleted). The new context is selected for this workspace.
 */
export async function createKindClusterCommand(deps: KindCommandDeps): Promise<CreatedKindCluster | undefined> {
  if (!requireTrust('Creating a kind cluster')) return undefined;
  const kind = await import('../../core/kind/kindCreate');
  const { listKindClusters } = await import('../../core/cluster/kindImages');
  let existing: string[];
  try {
    existing = await listKindClusters();
  } catch (e) {
    showToolError(e);
    return undefined;
  }
  let suggestion = kind.DEFAULT_KIND_CLUSTER_NAME;
  for (let i = 2; existing.includes(suggestion); i++) suggestion = `${kind.DEFAULT_KIND_CLUSTER_NAME}-${i}`;
  const name = await vscode.window.showInputBox({
    title: 'Create kind Cluster',
    prompt: `Name of the new kind cluster (its context will be kind-NAME). NodePort ${kind.DEFAULT_NODE_PORT} is published on 127.0.0.1 so load reaches every replica.`,
    value: suggestion,
    validateInput: (v) =>
      kind.clusterNameProblem(v) ?? (existing.includes(v) ? `a kind cluster named "${v}" already exists: it is never changed, pick another name` : undefined),
  });
  if (!name) return undefined;
  const image = setting('kind.nodeImage') || undefined;
  deps.log.info(`Creating kind cluster ${name}${image ? ` (image ${image})` : ''}`);
  let created: CreatedKindCluster | undefined;
  try {
    created = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Kube Topology: creating kind cluster "${name}"`, cancellable: true },
      async (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        return kind.createKindCluster({
          name,
          image,
          signal: ac.signal,
          onProgress: (p) => {
            deps.log.info(`kind-create ${name}: ${p.message}`);
            progress.report({ message: p.message });
          },
        });
      },
    );
  } catch (e) {
    const err = e as Error & { problem?: string };
    if (err.problem === 'cancelled') {
      void vscode.window.showInformationMessage(`Kube Topology: creating kind cluster "${name}" was stopped; the unfinished cluster was deleted.`);
      return undefined;
    }
    deps.log.error(`kind-create ${name}: ${err.message}`);
    showToolError(e);
    return undefined;
  }
  for (const n of created.notes) deps.log.info(`kind-create ${name}: ${n}`);
  await deps.contexts.select(created.context);
  const ports = created.nodePorts.map((m) => `NodePort ${m.nodePort} is published on ${m.host}:${m.hostPort}`).join('; ');
  const message = `Kube Topology: kind cluster "${created.name}" is ready (usable after ${Math.round(created.usableMs / 1000)} s); context ${created.context} selected.${ports ? ` ${ports}.` : ''}`;
  deps.log.info(message);
  void vscode.window
    .showInformationMessage(message, 'Install metrics-server')
    .then((c) => c && vscode.commands.executeCommand('kubeTopology.installMetricsServer'));
  return created;
}

/** docker or kind missing or stopped: what to do, with a link to how. */
export function showToolError(e: unknown): void {
  const err = e as Error & { problem?: string };
  const message = `Kube Topology: ${err.message}`;
  if (err.problem !== 'not-installed' && err.problem !== 'daemon-down') {
    void vscode.window.showErrorMessage(message);
    return;
  }
  const dockerProblem = /docker/i.test(err.message) && !/^kind /.test(err.message);
  const button = dockerProblem ? 'How to Install Docker' : 'How to Install kind';
  void vscode.window
    .showErrorMessage(message, button)
    .then((c) => c && vscode.env.openExternal(vscode.Uri.parse(dockerProblem ? DOCKER_INSTALL : KIND_QUICK_START)));
}
