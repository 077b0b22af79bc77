/**
 * What a load run aims at: the Service (read from the cluster), the port, the workloads behind it
 * and the HPAs that scale them. Names typed by a person or read from manifests are checked with
 * the API server's own rules (requestPath.ts, the one place request paths are built) before they
 * reach a URL path, a pod spec or a terminal; what the server sends is read with the defensive
 * readers of serverObject.ts, lists paged and bounded (listAll).
 */
import type { ClusterClient } from '../cluster/clusterClient';
import { describeClusterError, listAll } from '../cluster/liveConnection';
import { nameRuleOf, quoteValue, resourcePath, ruleProblem, type ApiPath } from '../cluster/requestPath';
import { asNumber, asObject, asString, at, numberAt, objectsAt, stringAt, stringMapAt, type JsonObject } from '../cluster/serverObject';
import { ianaServiceName } from '../rules/server/nameSyntax';
import { labelSelectorMatches } from '../model/kinds';
import { printableLine } from '../terminalText';
import type { LoadRequestSpec } from './loadTypes';
import { serverFailure } from '../cluster/serverText';

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
  // The API server's rules, as every request path is checked (a Service name is a DNS label, the
  // wider rule of the two a server may apply; a namespace a DNS-1123 label).
  const svc = ruleProblem(input.service, nameRuleOf('Service'));
  if (svc) throw new LoadError(`Service name ${quoteValue(input.service)} is not valid: ${svc}`);
  const ns = ruleProblem(input.namespace, 'dns-label');
  if (ns) throw new LoadError(`namespace ${quoteValue(input.namespace)} is not valid: ${ns}`);
  if (input.port !== undefined && !/^\d{1,5}$/.test(input.port) && ianaServiceName(input.port)) {
    throw new LoadError(`--port must be a Service port number or name, got "${printableLine(input.port, 40)}"`);
  }
  if (!(METHODS as readonly string[]).includes(spec.method))
    throw new LoadError(`--method must be one of ${METHODS.join(', ')}, got "${printableLine(spec.method, 20)}"`);
  if (spec.path.length > 2048 || !PATH_RE.test(spec.path))
    throw new LoadError(`--path must start with / and hold only URL characters (no spaces), got "${printableLine(spec.path, 80)}"`);
  if (!(spec.rps > 0 && spec.rps <= MAX_RPS)) throw new LoadError(`--rps must be more than 0 and at most ${MAX_RPS}`);
  if (!(spec.durationMs >= 1000 && spec.durationMs <= MAX_DURATION_MS)) throw new LoadError('--duration must be between 1s and 1h');
  if (!(spec.timeoutMs >= 100 && spec.timeoutMs <= 120_000)) throw new LoadError('--timeout must be between 100ms and 2m');
  if (spec.body !== undefined && Buffer.byteLength(spec.body) > MAX_BODY_BYTES)
    throw new LoadError(`the request body must be at most ${MAX_BODY_BYTES / 1024} KB`);
  if (spec.contentType !== undefined && !/^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=[\w.+-]+)*$/.test(spec.contentType)) {
    throw new LoadError(`--content-type is not a media type: "${printableLine(spec.contentType, 80)}"`);
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

const SCALABLE = [
  { kind: 'Deployment', apiVersion: 'apps/v1', resource: 'deployments' },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', resource: 'statefulsets' },
] as const;

/** The objects of a collection (none when the API is not served), paged and bounded. */
async function listOf(client: ClusterClient, path: ApiPath, what: string, signal?: AbortSignal): Promise<JsonObject[]> {
  try {
    return (await listAll(client, path, {}, { signal })).items.map((o) => asObject(o) ?? {});
  } catch (e) {
    if ((e as { statusCode?: unknown }).statusCode === 404) return [];
    throw new LoadError(`cannot list ${what}: ${printableLine(describeClusterError(e, client), 400)}`);
  }
}

/** Reads the Service and finds the port, the workloads it selects and their HPAs. */
export async function resolveLoadTarget(client: ClusterClient, input: LoadTargetInput, signal?: AbortSignal): Promise<LoadTarget> {
  const { namespace, service } = input;
  const res = await client.request({
    method: 'GET',
    path: resourcePath({ apiVersion: 'v1', resource: 'services', namespace, name: service, kind: 'Service' }),
    signal,
  });
  if (res.status === 404) throw new LoadError(`Service ${namespace}/${service} does not exist on ${client.context.name} (apply it first)`);
  if (res.status !== 200) throw new LoadError(`cannot read Service ${namespace}/${service}: ${serverFailure(client, res)}`);
  const svc = res.body;
  const type = stringAt(svc, 'spec', 'type') ?? 'ClusterIP';
  if (type === 'ExternalName') throw new LoadError(`Service ${service} is an ExternalName Service: it has no pods of its own to load`);
  const selector = stringMapAt(svc, 'spec', 'selector');
  if (!Object.keys(selector).length) throw new LoadError(`Service ${service} has no selector: kube-topology loads Services that select pods`);
  const port = pickPort(objectsAt(svc, 'spec', 'ports'), input.port, service);

  const workloads: ScaledWorkload[] = [];
  for (const s of SCALABLE) {
    for (const w of await listOf(client, resourcePath({ apiVersion: s.apiVersion, resource: s.resource, namespace }), `${s.kind}s in ${namespace}`, signal)) {
      const name = stringAt(w, 'metadata', 'name');
      if (name && labelSelectorMatches({ matchLabels: selector }, stringMapAt(w, 'spec', 'template', 'metadata', 'labels')))
        workloads.push({ kind: s.kind, name });
    }
  }
  const autoscalers: AutoscalerRef[] = [];
  const hpaPath = resourcePath({ apiVersion: 'autoscaling/v2', resource: 'horizontalpodautoscalers', namespace });
  for (const h of await listOf(client, hpaPath, `HPAs in ${namespace}`, signal)) {
    const target = workloads.find((w) => w.kind === stringAt(h, 'spec', 'scaleTargetRef', 'kind') && w.name === stringAt(h, 'spec', 'scaleTargetRef', 'name'));
    const name = stringAt(h, 'metadata', 'name');
    if (!target || !name) continue;
    const min = numberAt(h, 'spec', 'minReplicas');
    autoscalers.push({
      name,
      target,
      ...(min !== undefined && Number.isInteger(min) ? { minReplicas: min } : {}),
      maxReplicas: numberAt(h, 'spec', 'maxReplicas') ?? 0,
    });
  }
  return {
    namespace,
    service,
    type,
    port,
    selector,
    serviceUrl: `http://${service}.${namespace}.svc.cluster.local:${port.port}`,
    workloads,
    autoscalers,
  };
}

/** The Service port named or numbered, or the only one (TCP ports with a number only). */
export function pickPort(ports: readonly unknown[], wanted: string | undefined, service: string): ServicePortInfo {
  const tcp = ports
    .map((p) => ({ p, port: numberAt(p, 'port'), name: stringAt(p, 'name') }))
    .filter((x): x is { p: unknown; port: number; name: string | undefined } => (stringAt(x.p, 'protocol') ?? 'TCP') === 'TCP' && Number.isInteger(x.port));
  const list = tcp.map((x) => `${x.port}${x.name ? ` (${printableLine(x.name, 20)})` : ''}`).join(', ');
  let hit: (typeof tcp)[number] | undefined;
  if (wanted === undefined) {
    if (tcp.length !== 1)
      throw new LoadError(tcp.length ? `Service ${service} has ${tcp.length} ports (${list}): pick one with --port` : `Service ${service} has no TCP port`);
    hit = tcp[0];
  } else {
    hit = tcp.find((x) => String(x.port) === wanted || x.name === wanted);
    if (!hit) throw new LoadError(`Service ${service} has no port ${printableLine(wanted, 20)} (ports: ${list || 'none'})`);
  }
  const target = at(hit.p, 'targetPort');
  const targetPort = asNumber(target) ?? asString(target) ?? hit.port;
  const nodePort = numberAt(hit.p, 'nodePort');
  return {
    port: hit.port,
    ...(hit.name !== undefined ? { name: hit.name } : {}),
    targetPort,
    ...(nodePort !== undefined && Number.isInteger(nodePort) ? { nodePort } : {}),
  };
}
