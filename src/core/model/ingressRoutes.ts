import type { PathSegment } from '../parse/locate';
import type { Resource } from '../parse/manifestParser';
import type { ResourceIndex } from '../index/resourceIndex';
import { asArray, asRecord, getPath } from './kinds';
import { memoByObject } from './memo';
import { cachedServicePortsOf, serviceType, toPortNumber, type NameLookup } from './serviceAddress';
import type { RoutesReference } from './references';
import { findOutside, missingProblem } from './unitLookup';
import { lookupKey } from './referenceCarry';

/** Ingress → the Service port each rule path (or the default backend) sends traffic to. */

/** An Ingress backend as written: the Service it names and the port. */
type BackendOutgoing = Omit<RoutesReference, 'type' | 'from' | 'target' | 'problem' | 'servicePort'>;

const backendsOf = memoByObject((ing: Resource): BackendOutgoing[] => {
  const out: BackendOutgoing[] = [];
  const spec = asRecord(ing.object.spec);
  if (!spec) return out;
  const add = (backendPath: PathSegment[], backend: unknown, isDefault: boolean, host?: string, httpPath?: string) => {
    const b = asRecord(backend);
    if (!b) return;
    let serviceName: string | undefined;
    let namePath: PathSegment[];
    let port: RoutesReference['port'];
    const svc = asRecord(b.service);
    if (svc) {
      serviceName = typeof svc.name === 'string' ? svc.name : undefined;
      namePath = [...backendPath, 'service', 'name'];
      const p = asRecord(svc.port);
      if (p && p.number !== undefined) port = { number: toPortNumber(p.number), path: [...backendPath, 'service', 'port', 'number'] };
      else if (p && typeof p.name === 'string') port = { name: p.name, path: [...backendPath, 'service', 'port', 'name'] };
    } else if (typeof b.serviceName === 'string') {
      // extensions/v1beta1 and networking.k8s.io/v1beta1
      serviceName = b.serviceName;
      namePath = [...backendPath, 'serviceName'];
      const n = toPortNumber(b.servicePort);
      if (n !== undefined) port = { number: n, path: [...backendPath, 'servicePort'] };
      else if (typeof b.servicePort === 'string') port = { name: b.servicePort, path: [...backendPath, 'servicePort'] };
    } else {
      return; // a resource backend, or nothing to resolve
    }
    if (!serviceName) return;
    out.push({ path: namePath, serviceName, port, host, httpPath, isDefault });
  };
  if (spec.defaultBackend) add(['spec', 'defaultBackend'], spec.defaultBackend, true);
  else if (spec.backend) add(['spec', 'backend'], spec.backend, true);
  asArray(spec.rules).forEach((rule, i) => {
    const r = asRecord(rule);
    const host = typeof r?.host === 'string' ? r.host : undefined;
    asArray(getPath(r, ['http', 'paths'])).forEach((p, j) => {
      const pr = asRecord(p);
      add(['spec', 'rules', i, 'http', 'paths', j, 'backend'], pr?.backend, false, host, typeof pr?.path === 'string' ? pr.path : undefined);
    });
  });
  return out;
});

/** `deps` gets the keys of the lookups (referenceCarry.ts). */
export function ingressRoutes(ing: Resource, index: ResourceIndex, names: NameLookup, out: RoutesReference[], deps: string[]): void {
  const backends = backendsOf(ing);
  if (!backends.length) return;
  const ns = index.namespaceOf(ing) ?? '';
  for (const backend of backends) {
    const { serviceName, port } = backend;
    const ref: RoutesReference = { type: 'routes', from: ing, ...backend };
    out.push(ref);
    deps.push(lookupKey.name('Service', ns, serviceName));
    const target = index.first('Service', ns, serviceName);
    if (!target) {
      const there = findOutside(index, 'Service', ns, serviceName);
      if (there) {
        ref.target = there;
        ref.outside = true;
        continue;
      }
      const elsewhere = names.anyNamespace('Service', serviceName, deps);
      ref.problem = elsewhere.length
        ? { reason: 'other-namespace', candidates: elsewhere }
        : missingProblem(index, names.nearest('Service', ns, serviceName, deps));
      continue;
    }
    ref.target = target;
    if (!port) continue;
    const ports = cachedServicePortsOf(target);
    const hit = port.number !== undefined ? ports.find((p) => p.port === port.number) : ports.find((p) => p.name === port.name);
    if (hit) ref.servicePort = hit;
    else if (!(serviceType(target) === 'ExternalName' && !ports.length)) {
      ref.problem = { reason: 'port-missing', port: port.number ?? port.name ?? '', ports };
    }
  }
}
