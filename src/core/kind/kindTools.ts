/**
 * What kind-create and load ask the user's `docker` and `kind` (run by toolRunner.ts): whether they
 * are there and which versions, the cgroup version, and what Docker knows about a kind cluster's
 * node containers (the host ports mapped to NodePorts).
 */
import { KindToolError, runTool } from './toolRunner';
import { printableLine } from '../terminalText';

export { INSTALL_HELP, KindToolError, runTool, type ToolRunOptions, type ToolRunResult } from './toolRunner';

/** The NodePort range of a default API server (--service-node-port-range). */
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

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
