import type * as vscode from 'vscode';

/**
 * Runs `work` with an AbortSignal that fires when the VS Code cancellation token does: the core
 * speaks AbortSignal, the editor speaks CancellationToken, and this is the one bridge between them.
 */
export async function withAbortSignal<T>(token: vscode.CancellationToken, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  if (token.isCancellationRequested) abort.abort();
  const sub = token.onCancellationRequested(() => abort.abort());
  try {
    return await work(abort.signal);
  } finally {
    sub.dispose();
  }
}
