import * as vscode from 'vscode';
import { COMMANDS, type CommandHandlers } from './commandTable';

/**
 * Registers one handler per command of the table; the type makes the set complete. Every command
 * works on the workspace's manifests, so the first one run indexes the workspace before it goes on.
 */
export function registerCommands(analysis: { start(): Promise<void> }, handlers: CommandHandlers): vscode.Disposable {
  return vscode.Disposable.from(
    ...COMMANDS.map(({ id }) =>
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        await analysis.start();
        return handlers[id](...args);
      }),
    ),
  );
}
