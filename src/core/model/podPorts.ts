import type { Resource } from '../parse/manifestParser';
import type { PathSegment } from '../parse/locate';
import { asArray, asRecord, containersOf, type ContainerView, type PodTemplateView } from './kinds';
import { memoByObject, memoByObjectPair } from './memo';
import { cachedServicePortsOf, toPortNumber, type ServicePortView } from './serviceAddress';
import { templateOf } from './labelIndex';

/** How Service ports map onto the container ports of the pods they select. */

export interface ContainerPortView {
  container: ContainerView;
  index: number;
  path: PathSegment[];
  containerPort?: number;
  name?: string;
  protocol: string;
}

/** Where one Service port's traffic lands in one selected workload. */
export interface PortMapping {
  servicePort: ServicePortView;
  /**
   * - `declared`: a container declares the target port (by number or name);
   * - `undeclared`: a numeric targetPort no container declares (works only if the process listens there);
   * - `named-missing`: no container has a port of that name (no traffic reaches these pods);
   * - `no-ports`: the workload declares no container ports at all (nothing to compare with);
   * - `invalid`: the Service port itself has no usable port/targetPort.
   */
  status: 'declared' | 'undeclared' | 'named-missing' | 'no-ports' | 'invalid';
  /** The declared container port the traffic reaches, when `declared`. */
  containerPort?: ContainerPortView;
  /** The port number on the pod, when known (port → targetPort → containerPort). */
  podPort?: number;
}

/** longRunningContainers per template view (do not modify). */
const longRunning = new WeakMap<PodTemplateView, readonly ContainerView[]>();

/** Containers that run for the pod's lifetime: regular containers and sidecar init containers, once per template view (do not modify). */
export function longRunningContainers(t: PodTemplateView): readonly ContainerView[] {
  let list = longRunning.get(t);
  if (!list) longRunning.set(t, (list = containersOf(t, true).filter((c) => !c.init || c.container.restartPolicy === 'Always')));
  return list;
}

export function containerPortsOf(containers: readonly ContainerView[]): ContainerPortView[] {
  const out: ContainerPortView[] = [];
  for (const c of containers) {
    asArray(c.container.ports).forEach((p, index) => {
      const rec = asRecord(p);
      if (!rec) return;
      out.push({
        container: c,
        index,
        path: [...c.path, 'ports', index],
        containerPort: toPortNumber(rec.containerPort),
        name: typeof rec.name === 'string' ? rec.name : undefined,
        protocol: typeof rec.protocol === 'string' ? rec.protocol : 'TCP',
      });
    });
  }
  return out;
}

export function mapServicePort(servicePort: ServicePortView, ports: readonly ContainerPortView[]): PortMapping {
  const tp = servicePort.targetPort;
  if (tp === undefined) return { servicePort, status: 'invalid' };
  if (typeof tp === 'string') {
    const hit = ports.find((p) => p.name === tp && p.protocol === servicePort.protocol) ?? ports.find((p) => p.name === tp);
    return hit ? { servicePort, status: 'declared', containerPort: hit, podPort: hit.containerPort } : { servicePort, status: 'named-missing' };
  }
  const hit = ports.find((p) => p.containerPort === tp && p.protocol === servicePort.protocol) ?? ports.find((p) => p.containerPort === tp);
  if (hit) return { servicePort, status: 'declared', containerPort: hit, podPort: tp };
  return { servicePort, status: ports.length ? 'undeclared' : 'no-ports', podPort: tp };
}

/**
 * The status {@link mapServicePort} gives, without building the mapping: cross-resource rules ask
 * it for every Service port on every pass, and almost every port maps.
 */
export function servicePortStatus(servicePort: ServicePortView, ports: readonly ContainerPortView[]): PortMapping['status'] {
  const tp = servicePort.targetPort;
  if (tp === undefined) return 'invalid';
  if (typeof tp === 'string') {
    for (const p of ports) if (p.name === tp) return 'declared';
    return 'named-missing';
  }
  for (const p of ports) if (p.containerPort === tp) return 'declared';
  return ports.length ? 'undeclared' : 'no-ports';
}

/** The container ports of a workload's long-running containers, once per object (do not modify). */
export const workloadPorts = memoByObject((w: Resource): ContainerPortView[] => {
  const t = templateOf(w);
  return t ? containerPortsOf(longRunningContainers(t)) : [];
});

/** Service port → container port mappings of one Service over one workload: both objects decide it. */
export const mappingsOf = memoByObjectPair((svc: Resource, w: Resource): PortMapping[] => {
  const ports = workloadPorts(w);
  return cachedServicePortsOf(svc).map((sp) => mapServicePort(sp, ports));
});

/** Workloads whose container ports are alike (number, name, protocol, in order): every Service port maps onto them the same way. */
export interface PortGroup {
  /** The container ports of the first member (the others have equal ones). */
  ports: ContainerPortView[];
  members: Resource[];
  /** Where each member stands in the list the group was made from. */
  positions: number[];
}

const portSignature = memoByObject((w: Resource): string =>
  workloadPorts(w)
    .map((p) => `${p.containerPort ?? ''}/${p.protocol}/${p.name ?? ''}`)
    .join('\u0000'),
);

const groupsMemo = new WeakMap<readonly Resource[], PortGroup[]>();

/**
 * `workloads` split by container ports, in order of first member, once per list: Services that
 * select the same pods share their list, so a port is mapped once per kind of pod, not once per
 * Service × workload.
 */
export function portGroupsOf(workloads: readonly Resource[]): PortGroup[] {
  let groups = groupsMemo.get(workloads);
  if (groups) return groups;
  const bySignature = new Map<string, PortGroup>();
  workloads.forEach((w, i) => {
    const sig = portSignature(w);
    const g = bySignature.get(sig);
    if (g) {
      g.members.push(w);
      g.positions.push(i);
    } else bySignature.set(sig, { ports: workloadPorts(w), members: [w], positions: [i] });
  });
  groups = [...bySignature.values()];
  groupsMemo.set(workloads, groups);
  return groups;
}
