import * as vscode from 'vscode';
import { ManifestAnalysis } from './manifestAnalysis';
import { DiagnosticsPublisher } from './diagnosticsPublisher';
import { ManifestCodeActions } from './codeActions';
import { ManifestHoverProvider } from './manifestHover';
import { TopologyCodeLensProvider } from './topologyCodeLens';
import { topologySource } from './topologySource';
import { registerTopology, scopeFromUri, showTopology } from './topologyPanel';
import { generateTopologyCommand, generateWithDefaultsCommand } from './generateCommand';
import { openGeneratorForm } from './generatorPanel';
import { registerCommands } from './commands';
import { registerClusterFeatures } from './cluster';

const MANIFEST_SELECTOR: vscode.DocumentSelector = [{ language: 'yaml' }, { language: 'json' }];

/** What `activate` hands to other extensions and to the end-to-end tests. */
export interface KubeTopologyApi {
  analysis: ManifestAnalysis;
  codeLens: TopologyCodeLensProvider;
  log: vscode.LogOutputChannel;
}

/**
 * Activation only wires listeners and providers; schemas, the graph layout and cluster clients
 * load on first use so the editor never waits for us.
 */
export function activate(context: vscode.ExtensionContext): KubeTopologyApi {
  const started = Date.now();
  const log = vscode.window.createOutputChannel('Kube Topology', { log: true });
  const analysis = new ManifestAnalysis(log);
  const rulesDoc = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules.md');
  const publisher = new DiagnosticsPublisher(analysis, rulesDoc);
  const codeLens = new TopologyCodeLensProvider(analysis);
  registerTopology(context, topologySource(analysis, log));

  const openTopology = async (uri?: unknown, kind?: 'file' | 'folder' | 'workspace') => {
    const scope = await scopeFromUri(uri instanceof vscode.Uri ? uri : undefined, kind);
    if (!scope) {
      void vscode.window.showInformationMessage('Kube Topology: open a manifest or a folder to show its topology.');
      return;
    }
    showTopology(context, scope);
  };

  context.subscriptions.push(
    log,
    analysis,
    publisher,
    codeLens,
    vscode.languages.registerCodeActionsProvider(MANIFEST_SELECTOR, new ManifestCodeActions(publisher), {
      providedCodeActionKinds: ManifestCodeActions.kinds,
    }),
    vscode.languages.registerHoverProvider(MANIFEST_SELECTOR, new ManifestHoverProvider(analysis)),
    vscode.languages.registerCodeLensProvider(MANIFEST_SELECTOR, codeLens),
  );
  const generateDeps = { showTopology: (uri: vscode.Uri) => openTopology(uri), log };
  const clusterCommands = registerClusterFeatures(context, { analysis, codeLens, log });
  context.subscriptions.push(
    registerCommands(analysis, {
      'kubeTopology.showTopology': (uri?: unknown) => openTopology(uri),
      'kubeTopology.showWorkspaceTopology': () => openTopology(vscode.workspace.workspaceFolders?.[0]?.uri, 'workspace'),
      'kubeTopology.revalidate': () => analysis.refresh(),
      'kubeTopology.openRulesReference': () => vscode.commands.executeCommand('markdown.showPreview', rulesDoc),
      'kubeTopology.generateTopology': generateTopologyCommand(context, {
        ...generateDeps,
        openForm: (start) => openGeneratorForm(context, generateDeps, start),
      }),
      'kubeTopology.generateWithDefaults': generateWithDefaultsCommand(context, generateDeps),
      'kubeTopology.openGenerator': (target?: unknown) => openGeneratorForm(context, generateDeps, target instanceof vscode.Uri ? { folder: target } : {}),
      ...clusterCommands,
    }),
  );
  log.info(
    `Activated in ${Date.now() - started} ms${analysis.started ? '.' : '; the workspace is indexed when a Kubernetes manifest is opened or a command needs it.'}`,
  );
  return { analysis, codeLens, log };
}

export function deactivate(): void {
  // Disposables registered on the context are released by VS Code.
}
