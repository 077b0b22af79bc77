import { asArray, asRecord, getPath } from '../../model/kinds';
import type { PathSegment } from '../../parse/locate';
import type { ResourceData } from '../../parse/manifestParser';
import { isBuiltin, podContainers } from './builtinKinds';

/** Where a port number or port name sits in a manifest, and what it means there. */
export type PortRole = 'containerPort' | 'hostPort' | 'servicePort' | 'targetPort' | 'nodePort' | 'probePort' | 'backendPort';

export interface PortField {
  role: PortRole;
  path: PathSegment[];
  value: unknown;
  /** "containers[0] (gateway) readinessProbe" — where it is, for messages. */
  where: string;
}

const PROBES = ['readinessProbe', 'livenessProbe', 'startupProbe'];
const HANDLERS = ['httpGet', 'tcpSocket', 'grpc'];

/** Per object: two rules read the same fields, and an unchanged document keeps its object between passes. */
const fieldsCache = new WeakMap<object, readonly PortField[]>();

/** Every port number or name field of a built-in Pod workload, Service or Ingress (shared: read only). */
export function portFieldsOf(r: ResourceData): readonly PortField[] {
  let fields = fieldsCache.get(r.object);
  if (!fields) fieldsCache.set(r.object, (fields = collectPortFields(r)));
  return fields;
}

function collectPortFields(r: ResourceData): PortField[] {
  const out: PortField[] = [];
  for (const c of podContainers(r, { init: true })) {
    const label = `container ${c.name || String(c.path[c.path.length - 1])}`;
    asArray(c.container.ports).forEach((p, i) => {
      const port = asRecord(p);
      if (!port) return;
      const base = [...c.path, 'ports', i];
      if ('containerPort' in port) out.push({ role: 'containerPort', path: [...base, 'containerPort'], value: port.containerPort, where: label });
      if ('hostPort' in port) out.push({ role: 'hostPort', path: [...base, 'hostPort'], value: port.hostPort, where: label });
    });
    for (const probe of PROBES) {
      if (!asRecord(c.container[probe])) continue;
      for (const handler of HANDLERS) {
        const path = [...c.path, probe, handler, 'port'];
        const value = getPath(r.object, path);
        if (value !== undefined) out.push({ role: 'probePort', path, value, where: `${label} ${probe}.${handler}` });
      }
    }
  }
  if (isBuiltin(r, 'Service')) {
    asArray(getPath(r.object, ['spec', 'ports'])).forEach((p, i) => {
      const port = asRecord(p);
      if (!port) return;
      const base: PathSegment[] = ['spec', 'ports', i];
      const where = `ports[${i}]`;
      if ('port' in port) out.push({ role: 'servicePort', path: [...base, 'port'], value: port.port, where });
      if ('targetPort' in port) out.push({ role: 'targetPort', path: [...base, 'targetPort'], value: port.targetPort, where });
      if ('nodePort' in port) out.push({ role: 'nodePort', path: [...base, 'nodePort'], value: port.nodePort, where });
    });
  }
  if (isBuiltin(r, 'Ingress')) {
    for (const { path, where } of ingressBackends(r)) {
      for (const key of ['number', 'name']) {
        const value = getPath(r.object, [...path, 'service', 'port', key]);
        if (value !== undefined) out.push({ role: 'backendPort', path: [...path, 'service', 'port', key], value, where });
      }
    }
  }
  return out;
}

/** The backends of a networking.k8s.io/v1 Ingress (default backend and every path). */
export function ingressBackends(r: ResourceData): { path: PathSegment[]; where: string }[] {
  const out: { path: PathSegment[]; where: string }[] = [];
  if (asRecord(getPath(r.object, ['spec', 'defaultBackend']))) out.push({ path: ['spec', 'defaultBackend'], where: 'defaultBackend' });
  asArray(getPath(r.object, ['spec', 'rules'])).forEach((_, i) => {
    asArray(getPath(r.object, ['spec', 'rules', i, 'http', 'paths'])).forEach((__, j) => {
      const path: PathSegment[] = ['spec', 'rules', i, 'http', 'paths', j, 'backend'];
      if (asRecord(getPath(r.object, path))) out.push({ path, where: `rules[${i}].http.paths[${j}]` });
    });
  });
  return out;
}

export function protocolOf(port: Record<string, unknown>): string {
  return typeof port.protocol === 'string' && port.protocol ? port.protocol : 'TCP';
}
