import * as vscode from 'vscode';
import { COMMANDS, type CommandHandlers } from './commandTable';

/** Registers one handler per command of the table; the type makes the set complete. */
export function registerCommands(handlers: CommandHandlers): vscode.Disposable {
  return vscode.Disposable.from(...COMMANDS.map(({ id }) => vscode.commands.registerCommand(id, handlers[id])));
}
