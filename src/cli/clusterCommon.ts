/**
 * What the cluster commands (apply, delete, contexts) share: durations, the kubeconfig context,
 * the "this is not a local cluster" question, Ctrl-C as cancellation, and finding lines.
 */
import * as path from 'node:path';
import { UsageError, type CliIo } from './cliIo';
import { displayPath } from './manifestFiles';
import { stringOption, type ParsedArgs } from './argParser';
import { ClusterError, DEFAULT_TIMEOUT_MS, openCluster, type ClusterClient } from '../core/cluster/clusterClient';
import type { Finding, ResourceRef } from '../core/findings';
import { parseDurationMs } from '../core/duration';
import { findContext, KubeconfigError, loadKubeconfig, type ContextInfo, type KubeconfigInfo } from '../core/cluster/kubeconfig';

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

/** The kubeconfig and the chosen (or current) context; kubeconfig problems are usage errors. */
export function resolveContext(opts: { kubeconfig?: string; context?: string; cwd: string }): ResolvedContext {
  try {
    const info = loadKubeconfig({
      kubeconfig: opts.kubeconfig
        ?.split(path.delimiter)
        .map((p) => path.resolve(opts.cwd, p))
        .join(path.delimiter),
    });
    return { info, context: findContext(info, opts.context) };
  } catch (e) {
    if (e instanceof KubeconfigError) throw new UsageError(e.message);
    throw e;
  }
}

/** A label for a context in messages: `"kind-dev" (https://127.0.0.1:6443)`. */
export function describeContext(ctx: ContextInfo): string {
  return `"${ctx.name}" (${ctx.server || 'no server'})`;
}

/**
 * Writes to a cluster that is not on this machine need a yes: `--yes`, or y at a prompt on a
 * terminal. Without a terminal and without --yes the answer is no.
 */
export async function confirmRemote(io: CliIo, ctx: ContextInfo, action: string, yes: boolean): Promise<boolean> {
  if (ctx.local || yes) return true;
  const question = `${action} context ${describeContext(ctx)}, which is not a local cluster. Continue? [y/N] `;
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

/** `file:line:col: error apply-rejected: message`. */
export function findingLine(f: Finding, cwd: string): string {
  return `${displayPath(f.file, cwd)}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.code}: ${f.message}`;
}

/** `deployment/gateway` (with the namespace when it is not the default one). */
export function refLabel(ref: ResourceRef, defaultNamespace?: string): string {
  const base = `${ref.kind.toLowerCase()}/${ref.name}`;
  return ref.namespace && defaultNamespace && ref.namespace !== defaultNamespace ? `${base} -n ${ref.namespace}` : base;
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
    if (e instanceof ClusterError) throw new UsageError(e.message);
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
