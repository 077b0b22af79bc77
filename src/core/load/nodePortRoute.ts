/**
 * Load through a NodePort that the kind node publishes on this machine (kind's extraPortMappings;
 * `kube-topology kind-create` maps one): requests from here enter the node and kube-proxy sends
 * each connection to any ready pod of the Service — real spreading, no image needed.
 *
 * When the Service itself is not a NodePort on the published port, a temporary NodePort Service
 * with the same selector and target port is created for the run and deleted afterwards (labelled
 * and annotated with an expiry, so a run that could not clean up is cleaned by the next one).
 */
import * as http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { ClusterClient } from '../cluster/clusterClient';
import { listAll } from '../cluster/liveConnection';
import { resourcePath, type ApiPath } from '../cluster/requestPath';
import { objectsAt, stringAt } from '../cluster/serverObject';
import type { NodePortMapping } from '../kind/kindTools';
import { printableLine } from '../terminalText';
import { LoadError, type LoadTarget } from './loadTarget';
import { EXPIRES_ANNOTATION, LOAD_LABEL, MANAGED_BY } from './podLoad';
import { serverFailure } from '../cluster/serverText';

const READY_TIMEOUT_MS = 120_000;

export interface NodePortRoute {
  host: string;
  hostPort: number;
  nodePort: number;
  /** The Service the requests enter through (the target itself, or the temporary one). */
  service: string;
  temporary: boolean;
  remove(): Promise<void>;
}

/** The temporary Service: a NodePort on the published port, selecting what the target selects. */
export function temporaryServiceManifest(o: { name: string; target: LoadTarget; nodePort: number; runId: string; expires: string }): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: o.name,
      namespace: o.target.namespace,
      labels: { ...MANAGED_BY, [LOAD_LABEL]: o.runId },
      annotations: { [EXPIRES_ANNOTATION]: o.expires, 'kube-topology.io/load-for': o.target.service },
    },
    spec: {
      type: 'NodePort',
      selector: o.target.selector,
      ports: [{ name: 'load', protocol: 'TCP', port: o.target.port.port, targetPort: o.target.port.targetPort, nodePort: o.nodePort }],
    },
  };
}

export async function openNodePortRoute(
  client: ClusterClient,
  target: LoadTarget,
  mapping: NodePortMapping,
  o: { runId: string; expiresAt: number; signal?: AbortSignal; onWaiting?: (m: string) => void },
): Promise<NodePortRoute> {
  const base = { host: mapping.host, hostPort: mapping.hostPort, nodePort: mapping.nodePort };
  if (target.port.nodePort === mapping.nodePort) {
    await waitUntilAnswering(base.host, base.hostPort, o.signal, o.onWaiting);
    return { ...base, service: target.service, temporary: false, remove: () => Promise.resolve() };
  }
  const servicesPath = resourcePath({ apiVersion: 'v1', resource: 'services', namespace: target.namespace });
  const name = `kt-load-${randomBytes(4).toString('hex')}`;
  const servicePath = resourcePath({ apiVersion: 'v1', resource: 'services', namespace: target.namespace, name, kind: 'Service' });
  const body = temporaryServiceManifest({ name, target, nodePort: mapping.nodePort, runId: o.runId, expires: new Date(o.expiresAt).toISOString() });
  let res = await client.request({ method: 'POST', path: servicesPath, body, signal: o.signal });
  if (res.status === 422 && /already allocated/i.test(stringAt(res.body, 'message') ?? '')) {
    // Taken: by an expired load Service of ours (delete it and try once more), or by something else.
    const holder = await nodePortHolder(client, mapping.nodePort, o.signal);
    if (holder?.expiredPath) {
      await client.request({ method: 'DELETE', path: holder.expiredPath, signal: o.signal });
      res = await client.request({ method: 'POST', path: servicesPath, body, signal: o.signal });
    } else {
      const who = holder
        ? `Service ${holder.namespace}/${holder.name}${holder.ours ? ' (another kube-topology load that is still running)' : ''}`
        : 'another Service';
      throw new LoadError(
        `NodePort ${mapping.nodePort} (published on ${mapping.host}:${mapping.hostPort}) is taken by ${who}: stop that first, or send load from a pod with --via pod`,
      );
    }
  }
  if (res.status !== 201 && res.status !== 200) throw new LoadError(`could not create the NodePort Service for the load: ${serverFailure(client, res)}`);
  let removed = false;
  const remove = async () => {
    if (removed) return;
    removed = true;
    await client.request({ method: 'DELETE', path: servicePath, timeoutMs: 15_000 }).catch(() => undefined);
  };
  try {
    await waitUntilAnswering(base.host, base.hostPort, o.signal, o.onWaiting);
  } catch (e) {
    await remove();
    throw e;
  }
  return { ...base, service: name, temporary: true, remove };
}

/** Who holds the NodePort (every namespace's Services, paged and bounded); undefined when no one or when that cannot be read. */
async function nodePortHolder(
  client: ClusterClient,
  nodePort: number,
  signal?: AbortSignal,
): Promise<{ namespace: string; name: string; ours: boolean; expiredPath?: ApiPath } | undefined> {
  let services;
  try {
    services = (await listAll(client, resourcePath({ apiVersion: 'v1', resource: 'services' }), {}, { signal })).items;
  } catch {
    return undefined;
  }
  for (const s of services) {
    if (!objectsAt(s, 'spec', 'ports').some((p) => p.nodePort === nodePort)) continue;
    const name = stringAt(s, 'metadata', 'name') ?? '';
    const namespace = stringAt(s, 'metadata', 'namespace') ?? '';
    const ours = stringAt(s, 'metadata', 'labels', LOAD_LABEL) !== undefined;
    const expires = Date.parse(stringAt(s, 'metadata', 'annotations', EXPIRES_ANNOTATION) ?? '');
    const expired = ours && /^kt-load-[0-9a-f]{8}$/.test(name) && Number.isFinite(expires) && expires < Date.now();
    let expiredPath: ApiPath | undefined;
    try {
      // Only an expired one of ours is ever deleted, and only by a path from checked parts.
      if (expired) expiredPath = resourcePath({ apiVersion: 'v1', resource: 'services', namespace, name, kind: 'Service' });
    } catch {
      expiredPath = undefined;
    }
    return { namespace: printableLine(namespace, 63), name: printableLine(name, 63), ours, ...(expiredPath ? { expiredPath } : {}) };
  }
  return undefined;
}

/**
 * The route works once an HTTP request through it gets any HTTP answer (even a 404): the Service
 * has ready endpoints and kube-proxy has programmed the NodePort. Docker accepts connections on the
 * host port before that and then drops them, so a TCP connect alone proves nothing.
 */
async function waitUntilAnswering(host: string, port: number, signal?: AbortSignal, onWaiting?: (m: string) => void): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  for (;;) {
    if (signal?.aborted) throw new LoadError('cancelled');
    const outcome = await probe(host, port);
    if (outcome === 'answered') return;
    if (outcome !== last) onWaiting?.(`waiting for the NodePort to answer at ${host}:${port} (${outcome})`);
    last = outcome;
    if (Date.now() > deadline) {
      throw new LoadError(
        `nothing answers through the NodePort at ${host}:${port} (${outcome}): are the Service's pods ready? (kube-topology status, or the graph)`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

function probe(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const req = http.request({ host, port, path: '/', method: 'GET', agent: false, headers: { connection: 'close', 'user-agent': 'kube-topology-load' } });
    const timer = setTimeout(() => {
      req.destroy();
      resolve('no answer within 5 s');
    }, 5000);
    req.on('response', (res) => {
      clearTimeout(timer);
      res.resume();
      resolve('answered');
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(e.code ?? 'connection error');
    });
    req.end();
  });
}
