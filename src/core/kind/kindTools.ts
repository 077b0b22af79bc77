/**
 * The user's `docker` and `kind`, run as programs (PATH, or $KUBE_TOPOLOGY_DOCKER / $KUBE_TOPOLOGY_KIND
 * like kind-load): whether they are there, their output line by line for progress, cancellation
 * that lets kind clean up, and what Docker knows about a kind cluster's node containers (the host
 * ports mapped to NodePorts). Every failure a person can act on is a KindToolError saying how.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { KindToolError, toolBinary } from '../cluster/kindImages';
import { printableLine } from '../terminalText';

export { KindToolError } from '../cluster/kindImages';

/** How to get each tool, for the "not installed" message. */
export const INSTALL_HELP = {
  docker: 'install Docker Engine or Docker Desktop (https://docs.docker.com/engine/install/) and start it',
  kind: 'install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation), e.g. `go install sigs.k8s.io/kind@v0.33.0` or a release binary on PATH',
} as const;

/** The NodePort range of a default API server (--service-node-port-range). */
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

type Tool = 'docker' | 'kind';
const ENV_VAR: Record<Tool, string> = { docker: 'KUBE_TOPOLOGY_DOCKER', kind: 'KUBE_TOPOLOGY_KIND' };
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
    override ? `${tool} not found at ${override} (from ${ENV_VAR[tool]})` : `${tool} is not installed or not on PATH: ${INSTALL_HELP[tool]}`,
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
        if (out[stream].length < MAX_OUTPUT) out[stream] += d.slice(0, MAX_OUTPUT - out[stream].length);
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

const DAEMON_DOWN = /Cannot connect to the Docker daemon|Is the docker daemon running|error during connect|docker\.sock/i;

/** The first line of an error output, printable. */
export function firstErrorLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => printableLine(l))
    .filter(Boolean);
  return lines.find((l) => /^(ERROR|error)\b/.test(l)) ?? lines[0] ?? '';
}

export interface ToolVersions {
  docker: string;
  kind: string;
}

/**
 * Docker answers (the daemon, not only the client) and kind is installed; otherwise a
 * KindToolError that says what to install or start.
 */
export async function requireDockerAndKind(opts: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<ToolVersions> {
  const docker = await runTool('docker', ['version', '--format', '{{.Server.Version}}'], { ...opts, timeoutMs: 30_000 });
  if (docker.code !== 0) {
    if (DAEMON_DOWN.test(docker.stderr)) {
      throw new KindToolError(
        `Docker is installed but its daemon does not answer (${firstErrorLine(docker.stderr)}): start Docker (Docker Desktop, or \`sudo systemctl start docker\`)`,
        'daemon-down',
      );
    }
    throw new KindToolError(`docker version failed: ${firstErrorLine(docker.stderr) || `exit ${docker.code}`}`, 'failed');
  }
  const kind = await runTool('kind', ['version'], { ...opts, timeoutMs: 30_000 });
  if (kind.code !== 0) throw new KindToolError(`kind version failed: ${firstErrorLine(kind.stderr) || `exit ${kind.code}`}`, 'failed');
  return { docker: printableLine(docker.stdout, 100), kind: printableLine(kind.stdout, 200) };
}

/** `docker info`'s cgroup version of the engine's host ('1' or '2'; undefined when it does not say). */
export async function dockerCgroupVersion(opts: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<'1' | '2' | undefined> {
  const r = await runTool('docker', ['info', '--format', '{{.CgroupVersion}}'], { ...opts, timeoutMs: 30_000 });
  const v = r.stdout.trim();
  return r.code === 0 && (v === '1' || v === '2') ? v : undefined;
}

/** A host port that reaches a NodePort on a kind node (kind's `extraPortMappings`). */
export interface NodePortMapping {
  nodePort: number;
  /** Where to connect from this machine (127.0.0.1 when Docker listens on every address). */
  host: string;
  hostPort: number;
}

/**
 * The NodePort-range container ports of a node container that Docker publishes on the host, from
 * `docker inspect --format '{{json .HostConfig.PortBindings}}'` output (one JSON object per line).
 */
export function parseNodePortBindings(inspectOutput: string): NodePortMapping[] {
  const found: NodePortMapping[] = [];
  for (const line of inspectOutput.split('\n')) {
    let bindings: unknown;
    try {
      bindings = JSON.parse(line);
    } catch {
      continue;
    }
    if (!bindings || typeof bindings !== 'object') continue;
    for (const [key, value] of Object.entries(bindings as Record<string, unknown>)) {
      const m = /^(\d{1,5})\/tcp$/.exec(key);
      if (!m || !Array.isArray(value)) continue;
      const nodePort = Number(m[1]);
      if (nodePort < NODE_PORT_MIN || nodePort > NODE_PORT_MAX) continue;
      for (const b of value as { HostIp?: unknown; HostPort?: unknown }[]) {
        const hostPort = Number(b?.HostPort);
        if (!Number.isInteger(hostPort) || hostPort < 1 || hostPort > 65535) continue;
        const ip = typeof b.HostIp === 'string' ? b.HostIp : '';
        const host = ip === '' || ip === '0.0.0.0' ? '127.0.0.1' : ip === '::' ? '::1' : ip;
        if (!/^[0-9a-fA-F:.]+$/.test(host)) continue; // an address, nothing else reaches a URL
        if (!found.some((f) => f.nodePort === nodePort && f.host === host && f.hostPort === hostPort)) found.push({ nodePort, host, hostPort });
      }
    }
  }
  return found.sort((a, b) => a.nodePort - b.nodePort);
}

/** The host ports Docker maps to NodePorts of the kind cluster's nodes (empty when none). */
export async function nodePortMappings(cluster: string, opts: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<NodePortMapping[]> {
  const ps = await runTool('docker', ['ps', '--filter', `label=io.x-k8s.kind.cluster=${cluster}`, '--format', '{{.Names}}'], { ...opts, timeoutMs: 30_000 });
  if (ps.code !== 0) {
    if (DAEMON_DOWN.test(ps.stderr)) throw new KindToolError(`the Docker daemon does not answer (${firstErrorLine(ps.stderr)})`, 'daemon-down');
    throw new KindToolError(`docker ps failed: ${firstErrorLine(ps.stderr)}`, 'failed');
  }
  const names = ps.stdout.split('\n').filter((n) => /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(n));
  if (!names.length) return [];
  const inspect = await runTool('docker', ['inspect', '--format', '{{json .HostConfig.PortBindings}}', ...names], { ...opts, timeoutMs: 30_000 });
  return inspect.code === 0 ? parseNodePortBindings(inspect.stdout) : [];
}
