/**
 * What the cluster commands (apply, delete, contexts, status, port-forward) share: durations, the
 * kubeconfig context and where its server is, the "this is not a local cluster" question, Ctrl-C
 * as cancellation, finding lines, and text that is safe for a terminal.
 */
import * as path from 'node:path';
import { UsageError, type CliIo } from './cliIo';
import { displayPath } from './manifestFiles';
import { stringOption, type ParsedArgs } from './argParser';
import { ClusterError, DEFAULT_TIMEOUT_MS, openCluster, type ClusterClient } from '../core/cluster/clusterClient';
import type { Finding, ResourceRef } from '../core/findings';
import { parseDurationMs } from '../core/duration';
import { findContext, KubeconfigError, loadKubeconfig, withLocality, type ContextInfo, type KubeconfigInfo } from '../core/cluster/kubeconfig';
import { escapeControlChars } from '../core/terminalText';

/** `120s`, `2m`, `1m30s`, `500ms`, or a bare number of seconds. */
export function parseDuration(text: string, option: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined) throw new UsageError(`${option} must be a duration like 120s, 2m or 1m30s, got "${text}"`);
  return ms;
}

export interface ResolvedContext {
  info: KubeconfigInfo;
  context: ContextInfo;
}

/**
 * The kubeconfig and the chosen (or current) context, with where its server is (asking kind and
 * DNS only when the address alone does not say local); kubeconfig problems are usage errors.
 */
export async function resolveContext(opts: { kubeconfig?: string; context?: string; cwd: string }): Promise<ResolvedContext> {
  let info: KubeconfigInfo;
  let context: ContextInfo;
  try {
    info = loadKubeconfig({ kubeconfig: kubeconfigOption(opts.kubeconfig, opts.cwd) });
    context = findContext(info, opts.context);
  } catch (e) {
    if (e instanceof KubeconfigError) throw new UsageError(e.message);
    throw e;
  }
  if (context.local) return { info, context };
  const confirmed = await withLocality(info, { only: context.name });
  return { info: confirmed, context: findContext(confirmed, context.name) };
}

/** A --kubeconfig path list made absolute against the working folder. */
export function kubeconfigOption(value: string | undefined, cwd: string): string | undefined {
  return value
    ?.split(path.delimiter)
    .map((p) => path.resolve(cwd, p))
    .join(path.delimiter);
}

/** A label for a context in messages: `"kind-dev" (https://127.0.0.1:6443)`. */
export function describeContext(ctx: ContextInfo): string {
  return `${JSON.stringify(ctx.name)} (${ctx.server || 'no server'})`;
}

/** Why a context counts as remote, for the refusal. */
function remoteReason(ctx: ContextInfo): string {
  const label = [ctx.name, ctx.cluster].find((n) => /^kind-|^minikube$|^docker-(desktop|for-desktop)$/.test(n));
  return (
    'its server is not on this machine (not a loopback address, a unix socket or a kind cluster of this machine)' +
    (label ? `; a name like ${JSON.stringify(label)} does not make a cluster local` : '')
  );
}

/**
 * Writes to a cluster that is not on this machine need a yes: `--yes`, or y at a prompt on a
 * terminal. Without a terminal and without --yes the answer is no.
 */
export async function confirmRemote(io: CliIo, ctx: ContextInfo, action: string, yes: boolean): Promise<boolean> {
  if (ctx.local || yes) return true;
  const question = `${action} context ${describeContext(ctx)}, which is not a local cluster: ${remoteReason(ctx)}. Continue? [y/N] `;
  if (!io.isTTY || !process.stdin.isTTY) {
    io.stderr(`${question}\nrefusing without a terminal to ask on: pass --yes to ${action.toLowerCase().split(' ')[0]} there anyway\n`);
    return false;
  }
  io.stderr(question);
  const answer = await readLine();
  return /^y(es)?$/i.test(answer.trim());
}

function readLine(): Promise<string> {
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      process.stdin.off('data', onData);
      process.stdin.pause();
      resolve(chunk.toString('utf8'));
    };
    process.stdin.resume();
    process.stdin.on('data', onData);
  });
}

/**
 * Ctrl-C cancels: the first one asks the engine to stop (writes in flight finish, the rest are
 * reported as skipped), a second one exits at once.
 */
export function cancelOnInterrupt(io: CliIo): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    io.stderr('\ncancelling: waiting for requests in flight (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}

/** `file:line:col: error apply-rejected: message` (one line: control characters and newlines escaped). */
export function findingLine(f: Finding, cwd: string): string {
  return oneLine(`${displayPath(f.file, cwd)}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.code}: ${f.message}`);
}

/** `deployment/gateway` (with the namespace when it is not the default one); names from files are escaped. */
export function refLabel(ref: ResourceRef, defaultNamespace?: string): string {
  const base = `${ref.kind.toLowerCase()}/${ref.name}`;
  return oneLine(ref.namespace && defaultNamespace && ref.namespace !== defaultNamespace ? `${base} -n ${ref.namespace}` : base);
}

/** Text for one terminal line: control characters escaped, and newlines too. */
export function oneLine(text: string): string {
  return escapeControlChars(text).replace(/\r?\n/g, '\\n');
}

/**
 * The io of a command whose output is text for a terminal: every control character that is not a
 * newline or tab is escaped on the way out (a name or a server's message cannot move the cursor,
 * recolour, retitle or clear the screen). JSON output is escaped by JSON itself.
 */
export function terminalIo(io: CliIo): CliIo {
  return { ...io, stdout: (t) => io.stdout(escapeControlChars(t)), stderr: (t) => io.stderr(escapeControlChars(t)) };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The options every cluster-writing command shares: output format, paths, the two timeouts. */
export function commonClusterOptions(
  args: ParsedArgs,
  command: string,
  defaultWaitMs: number,
): { json: boolean; waitTimeoutMs: number; requestTimeoutMs: number } {
  const format = stringOption(args, 'output') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--output must be text or json, got "${format}"`);
  if (args.positionals.length === 0) throw new UsageError(`${command} needs at least one PATH (a file, a folder, or - for stdin)`);
  return {
    json: format === 'json',
    waitTimeoutMs: parseDuration(stringOption(args, 'timeout') ?? `${defaultWaitMs / 1000}s`, '--timeout'),
    requestTimeoutMs: parseDuration(stringOption(args, 'request-timeout') ?? `${DEFAULT_TIMEOUT_MS / 1000}s`, '--request-timeout'),
  };
}

/**
 * Opens the context and checks that the server answers, so an unreachable cluster is one clear
 * line (and a JSON object with `--output json`) before any work starts. Undefined: unreachable,
 * already reported. The caller disposes `interrupt` and closes `client`.
 */
export async function openReachableCluster(
  io: CliIo,
  command: string,
  context: ContextInfo,
  info: KubeconfigInfo,
  requestTimeoutMs: number,
  json: Record<string, unknown> | undefined,
): Promise<{ client: ClusterClient; interrupt: { signal: AbortSignal; dispose(): void }; version?: string } | undefined> {
  let client: ClusterClient;
  try {
    client = openCluster(context.name, { info, timeoutMs: requestTimeoutMs });
  } catch (e) {
    if (e instanceof ClusterError || e instanceof KubeconfigError) throw new UsageError(e.message);
    throw e;
  }
  const interrupt = cancelOnInterrupt(io);
  const probe: { reachable: boolean; error?: string; version?: string } = await client
    .probe({ signal: interrupt.signal })
    .catch((e: Error) => ({ reachable: false, error: e.message }));
  if (probe.reachable && !probe.error) return { client, interrupt, version: probe.version };
  const message = probe.error ?? `cannot reach ${context.server}`;
  if (json) io.stdout(JSON.stringify({ context: context.name, server: context.server, error: message, ...json }, null, 2) + '\n');
  else io.stderr(`kube-topology ${command}: ${message}\n`);
  interrupt.dispose();
  client.close();
  return undefined;
}
