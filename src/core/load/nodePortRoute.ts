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
import type { NodePortMapping } from '../kind/kindTools';
import { safeLine } from '../safeText';
import { LoadError, type LoadTarget } from './loadTarget';
import { EXPIRES_ANNOTATION, LOAD_LABEL, MANAGED_BY } from './podLoad';
import { apiMessage, listItems, str, type ServiceObject } from './apiObjects';

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
  const servicesPath = `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/services`;
  const name = `kt-load-${randomBytes(4).toString('hex')}`;
  const body = temporaryServiceManifest({ name, target, nodePort: mapping.nodePort, runId: o.runId, expires: new Date(o.expiresAt).toISOString() });
  let res = await client.request({ method: 'POST', path: servicesPath, body, signal: o.signal });
  if (res.status === 422 && /already allocated/i.test(JSON.stringify(res.body))) {
    // Taken: by an expired load Service of ours (delete it and try once more), or by something else.
    const holder = await nodePortHolder(client, mapping.nodePort, o.signal);
    if (holder?.expired) {
      await client.request({
        method: 'DELETE',
        path: `/api/v1/namespaces/${encodeURIComponent(holder.namespace)}/services/${encodeURIComponent(holder.name)}`,
        signal: o.signal,
      });
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
  if (res.status !== 201 && res.status !== 200)
    throw new LoadError(`could not create the NodePort Service for the load: HTTP ${res.status}${apiMessage(res.body)}`);
  let removed = false;
  const remove = async () => {
    if (removed) return;
    removed = true;
    await client.request({ method: 'DELETE', path: `${servicesPath}/${name}`, timeoutMs: 15_000 }).catch(() => undefined);
  };
  try {
    await waitUntilAnswering(base.host, base.hostPort, o.signal, o.onWaiting);
  } catch (e) {
    await remove();
    throw e;
  }
  return { ...base, service: name, temporary: true, remove };
}

async function nodePortHolder(
  client: ClusterClient,
  nodePort: number,
  signal?: AbortSignal,
): Promise<{ namespace: string; name: string; ours: boolean; expired: boolean } | undefined> {
  const res = await client.request({ method: 'GET', path: '/api/v1/services', signal });
  for (const s of res.status === 200 ? listItems<ServiceObject>(res.body) : []) {
    const ports = Array.isArray(s.spec?.ports) ? s.spec.ports : [];
    if (!ports.some((p) => p?.nodePort === nodePort)) continue;
    const ours = typeof s.metadata?.labels?.[LOAD_LABEL] === 'string';
    const expires = Date.parse(str(s.metadata?.annotations?.[EXPIRES_ANNOTATION]) ?? '');
    const name = str(s.metadata?.name) ?? '';
    return {
      namespace: safeLine(s.metadata?.namespace, 63),
      name: safeLine(name, 63),
      ours,
      expired: ours && /^kt-load-[0-9a-f]{8}$/.test(name) && Number.isFinite(expires) && expires < Date.now(),
    };
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
