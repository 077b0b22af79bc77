/**
 * What a load run aims at: the Service (read from the cluster), the port, the workloads behind it
 * and the HPAs that scale them. Names typed by a person or read from manifests are checked against
 * the API server's own syntax before they reach a URL path, a pod spec or a terminal.
 */
import type { ClusterClient } from '../cluster/clusterClient';
import { dns1035Label, dns1123Label, ianaServiceName } from '../rules/server/nameSyntax';
import { labelSelectorMatches } from '../model/kinds';
import { safeLine } from '../safeText';
import type { LoadRequestSpec } from './loadTypes';
import { apiMessage, listItems, str, type HpaObject, type ServiceObject, type ServicePortObject, type WorkloadObject } from './apiObjects';

export class LoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadError';
  }
}

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const MAX_RPS = 500;
export const MAX_DURATION_MS = 3_600_000;
export const MAX_BODY_BYTES = 1 << 20;

/** Path and query as an HTTP request line allows them, nothing else (no spaces, no fragment, no control characters). */
const PATH_RE = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;

/** The media type of a request body read from a file: JSON for a .json file or a body that parses as JSON. */
export function bodyContentType(fileName: string, body: string): string {
  if (fileName.endsWith('.json')) return 'application/json';
  try {
    JSON.parse(body);
    return 'application/json';
  } catch {
    return 'application/octet-stream';
  }
}

export interface LoadTargetInput {
  namespace: string;
  service: string;
  /** Service port number or name; may be left out when the Service has one port. */
  port?: string;
}

/** A person's input checked: throws LoadError saying what is wrong. */
export function checkLoadInput(input: LoadTargetInput, spec: LoadRequestSpec): void {
  const svc = dns1035Label(input.service);
  if (svc) throw new LoadError(`Service name "${safeLine(input.service, 80)}" ${svc}`);
  const ns = dns1123Label(input.namespace);
  if (ns) throw new LoadError(`namespace "${safeLine(input.namespace, 80)}" ${ns}`);
  if (input.port !== undefined && !/^\d{1,5}$/.test(input.port) && ianaServiceName(input.port)) {
    throw new LoadError(`--port must be a Service port number or name, got "${safeLine(input.port, 40)}"`);
  }
  if (!(METHODS as readonly string[]).includes(spec.method))
    throw new LoadError(`--method must be one of ${METHODS.join(', ')}, got "${safeLine(spec.method, 20)}"`);
  if (spec.path.length > 2048 || !PATH_RE.test(spec.path))
    throw new LoadError(`--path must start with / and hold only URL characters (no spaces), got "${safeLine(spec.path, 80)}"`);
  if (!(spec.rps > 0 && spec.rps <= MAX_RPS)) throw new LoadError(`--rps must be more than 0 and at most ${MAX_RPS}`);
  if (!(spec.durationMs >= 1000 && spec.durationMs <= MAX_DURATION_MS)) throw new LoadError('--duration must be between 1s and 1h');
  if (!(spec.timeoutMs >= 100 && spec.timeoutMs <= 120_000)) throw new LoadError('--timeout must be between 100ms and 2m');
  if (spec.body !== undefined && Buffer.byteLength(spec.body) > MAX_BODY_BYTES)
    throw new LoadError(`the request body must be at most ${MAX_BODY_BYTES / 1024} KB`);
  if (spec.contentType !== undefined && !/^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=[\w.+-]+)*$/.test(spec.contentType)) {
    throw new LoadError(`--content-type is not a media type: "${safeLine(spec.contentType, 80)}"`);
  }
}

export interface ServicePortInfo {
  port: number;
  name?: string;
  /** A number, or a container port name (resolved per pod by kube-proxy). */
  targetPort: number | string;
  nodePort?: number;
}

export interface ScaledWorkload {
  kind: string;
  name: string;
}

export interface AutoscalerRef {
  name: string;
  target: ScaledWorkload;
  minReplicas?: number;
  maxReplicas: number;
}

export interface LoadTarget {
  namespace: string;
  service: string;
  type: string;
  port: ServicePortInfo;
  selector: Record<string, string>;
  /** What a pod in the cluster calls: http://NAME.NS.svc.cluster.local:PORT (the path is added per request). */
  serviceUrl: string;
  workloads: ScaledWorkload[];
  autoscalers: AutoscalerRef[];
}

const SCALABLE: { kind: string; path: string }[] = [
  { kind: 'Deployment', path: '/apis/apps/v1/namespaces/NS/deployments' },
  { kind: 'StatefulSet', path: '/apis/apps/v1/namespaces/NS/statefulsets' },
];

async function getList<T>(client: ClusterClient, path: string, what: string, signal?: AbortSignal): Promise<T[]> {
  const res = await client.request({ method: 'GET', path, signal });
  if (res.status === 404) return [];
  if (res.status !== 200) throw new LoadError(`cannot list ${what}: HTTP ${res.status}${apiMessage(res.body)}`);
  return listItems<T>(res.body);
}

/** Reads the Service and finds the port, the workloads it selects and their HPAs. */
export async function resolveLoadTarget(client: ClusterClient, input: LoadTargetInput, signal?: AbortSignal): Promise<LoadTarget> {
  const ns = encodeURIComponent(input.namespace);
  const res = await client.request({ method: 'GET', path: `/api/v1/namespaces/${ns}/services/${encodeURIComponent(input.service)}`, signal });
  if (res.status === 404) throw new LoadError(`Service ${input.namespace}/${input.service} does not exist on ${client.context.name} (apply it first)`);
  if (res.status !== 200) throw new LoadError(`cannot read Service ${input.namespace}/${input.service}: HTTP ${res.status}${apiMessage(res.body)}`);
  const svc = (res.body ?? {}) as ServiceObject;
  const type = str(svc.spec?.type) ?? 'ClusterIP';
  if (type === 'ExternalName') throw new LoadError(`Service ${input.service} is an ExternalName Service: it has no pods of its own to load`);
  const selector: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.spec?.selector ?? {})) if (typeof v === 'string') selector[k] = v;
  if (!Object.keys(selector).length) throw new LoadError(`Service ${input.service} has no selector: kube-topology loads Services that select pods`);
  const port = pickPort(Array.isArray(svc.spec?.ports) ? svc.spec.ports : [], input.port, input.service);

  const workloads: ScaledWorkload[] = [];
  for (const s of SCALABLE) {
    for (const w of await getList<WorkloadObject>(client, s.path.replace('NS', ns), `${s.kind}s in ${input.namespace}`, signal)) {
      const name = str(w.metadata?.name);
      const labels = w.spec?.template?.metadata?.labels ?? {};
      if (name && labelSelectorMatches({ matchLabels: selector }, labels)) workloads.push({ kind: s.kind, name });
    }
  }
  const autoscalers: AutoscalerRef[] = [];
  for (const h of await getList<HpaObject>(client, `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`, `HPAs in ${input.namespace}`, signal)) {
    const ref = h.spec?.scaleTargetRef ?? {};
    const target = workloads.find((w) => w.kind === ref.kind && w.name === ref.name);
    const name = str(h.metadata?.name);
    if (!target || !name) continue;
    const min = h.spec?.minReplicas;
    autoscalers.push({ name, target, ...(Number.isInteger(min) ? { minReplicas: min } : {}), maxReplicas: Number(h.spec?.maxReplicas) || 0 });
  }
  return {
    namespace: input.namespace,
    service: input.service,
    type,
    port,
    selector,
    serviceUrl: `http://${input.service}.${input.namespace}.svc.cluster.local:${port.port}`,
    workloads,
    autoscalers,
  };
}

/** The Service port named or numbered, or the only one. */
export function pickPort(ports: readonly ServicePortObject[], wanted: string | undefined, service: string): ServicePortInfo {
  const tcp = ports.filter((p): p is ServicePortObject & { port: number } => (p?.protocol ?? 'TCP') === 'TCP' && Number.isInteger(p?.port));
  const list = tcp.map((p) => `${p.port}${p.name ? ` (${safeLine(p.name, 20)})` : ''}`).join(', ');
  let hit: (typeof tcp)[number] | undefined;
  if (wanted === undefined) {
    if (tcp.length !== 1)
      throw new LoadError(tcp.length ? `Service ${service} has ${tcp.length} ports (${list}): pick one with --port` : `Service ${service} has no TCP port`);
    hit = tcp[0];
  } else {
    hit = tcp.find((p) => String(p.port) === wanted || p.name === wanted);
    if (!hit) throw new LoadError(`Service ${service} has no port ${safeLine(wanted, 20)} (ports: ${list || 'none'})`);
  }
  const target = hit.targetPort ?? hit.port;
  const nodePort = hit.nodePort;
  return {
    port: hit.port,
    ...(typeof hit.name === 'string' ? { name: hit.name } : {}),
    targetPort: typeof target === 'number' || typeof target === 'string' ? target : hit.port,
    ...(nodePort !== undefined && Number.isInteger(nodePort) ? { nodePort } : {}),
  };
}
