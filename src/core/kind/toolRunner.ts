/**
 * Runs the user's `docker` and `kind` as programs (PATH, or $KUBE_TOPOLOGY_DOCKER /
 * $KUBE_TOPOLOGY_KIND), never through a shell: bounded in time and output, each output line made
 * printable as it arrives, and cancellation that lets kind clean up. The one runner for kind-load,
 * kind-create, kind-addons and the locality check; every failure a person can act on is a
 * KindToolError saying how.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { printableLine } from '../terminalText';

export type KindToolProblem = 'not-installed' | 'daemon-down' | 'no-cluster' | 'failed' | 'cancelled';

export class KindToolError extends Error {
  constructor(
    message: string,
    readonly problem: KindToolProblem,
  ) {
    super(message);
    this.name = 'KindToolError';
  }
}

/** How to get each tool, for the "not installed" message. */
export const INSTALL_HELP = {
  docker: 'install Docker Engine or Docker Desktop (https://docs.docker.com/engine/install/) and start it',
  kind: 'install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation), e.g. `go install sigs.k8s.io/kind@v0.33.0` or a release binary on PATH',
} as const;

export type Tool = 'docker' | 'kind';
const ENV_VAR: Record<Tool, string> = { docker: 'KUBE_TOPOLOGY_DOCKER', kind: 'KUBE_TOPOLOGY_KIND' };

/** The binary to run: the env override, else the bare name (found on PATH). */
export function toolBinary(tool: Tool, env: NodeJS.ProcessEnv = process.env): string {
  return env[ENV_VAR[tool]] || tool;
}
/** Output kept per stream; kind's and docker's answers here are a few KB. */
const MAX_OUTPUT = 1 << 20;

export interface ToolRunOptions {
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  timeoutMs: number;
  /** Each output line (stdout and stderr), made printable, as it arrives. */
  onLine?: (line: string) => void;
}

export interface ToolRunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function notInstalled(tool: Tool, env: NodeJS.ProcessEnv): KindToolError {
  const override = env[ENV_VAR[tool]];
  return new KindToolError(
    override
      ? `${tool} not found at ${override} (from ${ENV_VAR[tool]})`
      : `${tool} is not installed or not on PATH: ${INSTALL_HELP[tool]} (or set ${ENV_VAR[tool]} to its path)`,
    'not-installed',
  );
}

/**
 * Runs docker or kind without a shell. On abort the program gets SIGINT (kind removes a half-made
 * node on it), then SIGTERM and SIGKILL if it lingers; the promise rejects as cancelled only once
 * the program has exited, so the caller's clean-up never races it.
 */
export function runTool(tool: Tool, args: readonly string[], opts: ToolRunOptions): Promise<ToolRunResult> {
  const env = opts.env ?? process.env;
  const childEnv = { ...env };
  // kind runs `docker` itself: give it the docker we were told to use.
  if (tool === 'kind' && env.KUBE_TOPOLOGY_DOCKER) childEnv.PATH = `${path.dirname(env.KUBE_TOPOLOGY_DOCKER)}${path.delimiter}${env.PATH ?? ''}`;
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new KindToolError('cancelled', 'cancelled'));
    const child = spawn(toolBinary(tool, env), args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = { stdout: '', stderr: '' };
    const partial = { stdout: '', stderr: '' };
    let outcome: 'timeout' | 'cancelled' | undefined;
    const escalate: NodeJS.Timeout[] = [];
    const stop = (why: 'timeout' | 'cancelled') => {
      if (outcome) return;
      outcome = why;
      child.kill('SIGINT');
      escalate.push(
        setTimeout(() => child.kill('SIGTERM'), 10_000),
        setTimeout(() => child.kill('SIGKILL'), 20_000),
      );
    };
    const timer = setTimeout(() => stop('timeout'), opts.timeoutMs);
    const onAbort = () => stop('cancelled');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream].setEncoding('utf8').on('data', (d: string) => {
        // stdout keeps its head (the answer), stderr its tail (where the error is).
        if (stream === 'stderr') out.stderr = (out.stderr + d).slice(-MAX_OUTPUT);
        else if (out.stdout.length < MAX_OUTPUT) out.stdout += d.slice(0, MAX_OUTPUT - out.stdout.length);
        if (!opts.onLine) return;
        const lines = (partial[stream] + d).split(/\r?\n|\r/);
        partial[stream] = (lines.pop() ?? '').slice(-4096);
        for (const l of lines) {
          const line = printableLine(l);
          if (line) opts.onLine(line);
        }
      });
    }
    const finish = () => {
      clearTimeout(timer);
      escalate.forEach(clearTimeout);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish();
      reject(e.code === 'ENOENT' || e.code === 'EACCES' ? notInstalled(tool, env) : e);
    });
    child.on('close', (code) => {
      finish();
      if (outcome === 'cancelled') return reject(new KindToolError('cancelled', 'cancelled'));
      if (outcome === 'timeout')
        return reject(new KindToolError(`${tool} ${args[0] ?? ''} ${args[1] ?? ''}: no result after ${Math.round(opts.timeoutMs / 1000)} s`, 'failed'));
      resolve({ code: code ?? 1, ...out });
    });
  });
}
