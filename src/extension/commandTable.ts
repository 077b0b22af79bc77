/**
 * Every command the extension contributes, in one table: `package.json` `contributes.commands`
 * must equal it (a unit test checks), and `registerCommands` takes exactly one handler per id, so
 * a command cannot be declared without a handler or registered without a declaration.
 * Pure data: no `vscode` import, so tests and scripts can read it.
 */
export const COMMAND_CATEGORY = 'Kube Topology';

export interface CommandSpec {
  id: string;
  title: string;
  /** A codicon for editor-title and view buttons, e.g. `$(type-hierarchy)`. */
  icon?: string;
  /** A when-clause; cluster-changing commands need a trusted workspace. */
  enablement?: string;
}

const TRUSTED = 'isWorkspaceTrusted';

export const COMMANDS = [
  { id: 'kubeTopology.showTopology', title: 'Show Topology', icon: '$(type-hierarchy)' },
  { id: 'kubeTopology.showWorkspaceTopology', title: 'Show Workspace Topology' },
  { id: 'kubeTopology.generateTopology', title: 'Generate Gateway + Model Topology' },
  { id: 'kubeTopology.generateWithDefaults', title: 'Generate Topology with Defaults' },
  { id: 'kubeTopology.openGenerator', title: 'Open Topology Generator' },
  { id: 'kubeTopology.revalidate', title: 'Validate All Manifests Again' },
  { id: 'kubeTopology.openRulesReference', title: 'Open Rules Reference' },
  { id: 'kubeTopology.applyToCluster', title: 'Apply to Cluster', icon: '$(cloud-upload)', enablement: TRUSTED },
  { id: 'kubeTopology.tearDown', title: 'Tear Down (Delete from Cluster)', enablement: TRUSTED },
  { id: 'kubeTopology.loadImagesIntoKind', title: 'Load Images into kind', enablement: TRUSTED },
  { id: 'kubeTopology.portForward', title: 'Port-Forward to Service', enablement: TRUSTED },
  { id: 'kubeTopology.stopPortForwards', title: 'Stop Port-Forwards' },
  { id: 'kubeTopology.selectContext', title: 'Select Cluster Context' },
  { id: 'kubeTopology.checkCluster', title: 'Check Cluster Connection' },
  { id: 'kubeTopology.createKindCluster', title: 'Create kind Cluster', enablement: TRUSTED },
  { id: 'kubeTopology.installMetricsServer', title: 'Install metrics-server (for HPAs)', enablement: TRUSTED },
  { id: 'kubeTopology.removeMetricsServer', title: 'Remove metrics-server', enablement: TRUSTED },
  { id: 'kubeTopology.sendLoad', title: 'Send Load to Service…', enablement: TRUSTED },
  { id: 'kubeTopology.stopLoad', title: 'Stop Load' },
] as const satisfies readonly CommandSpec[];

export type CommandId = (typeof COMMANDS)[number]['id'];

/** A command's arguments come from VS Code (menus pass URIs), so handlers take `unknown`s. */
export type CommandHandler = (...args: unknown[]) => unknown;
export type CommandHandlers<K extends CommandId = CommandId> = { [id in K]: CommandHandler };

/** The `contributes.commands` entries of package.json, as VS Code wants them. */
export function contributedCommands(): Array<Omit<CommandSpec, 'id'> & { command: string; category: string }> {
  return COMMANDS.map(({ id, ...rest }) => ({ command: id, ...rest, category: COMMAND_CATEGORY }));
}
