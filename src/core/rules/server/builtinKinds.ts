import { asArray, asRecord, groupOf, podTemplateOf, type ContainerView } from '../../model/kinds';
import type { ResourceData } from '../../parse/manifestParser';

/**
 * Which built-in API a resource belongs to. Rules that mirror the API server's validation only
 * apply to the real built-in kinds, not to a custom resource that happens to share a kind name.
 */
const GROUPS_OF_KIND: Record<string, string[]> = {
  Pod: [''],
  Service: [''],
  Namespace: [''],
  ConfigMap: [''],
  Secret: [''],
  ServiceAccount: [''],
  PersistentVolume: [''],
  PersistentVolumeClaim: [''],
  ReplicationController: [''],
  LimitRange: [''],
  ResourceQuota: [''],
  Endpoints: [''],
  Deployment: ['apps', 'extensions'],
  ReplicaSet: ['apps', 'extensions'],
  DaemonSet: ['apps', 'extensions'],
  StatefulSet: ['apps'],
  Job: ['batch'],
  CronJob: ['batch'],
  Ingress: ['networking.k8s.io', 'extensions'],
  IngressClass: ['networking.k8s.io'],
  NetworkPolicy: ['networking.k8s.io', 'extensions'],
  HorizontalPodAutoscaler: ['autoscaling'],
  PodDisruptionBudget: ['policy'],
  StorageClass: ['storage.k8s.io'],
  PriorityClass: ['scheduling.k8s.io'],
  EndpointSlice: ['discovery.k8s.io'],
};

/** Whether the resource is the built-in `kind` (from one of that kind's API groups). */
export function isBuiltin(resource: ResourceData, ...kinds: string[]): boolean {
  if (!resource.kind || !kinds.includes(resource.kind)) return false;
  const groups = GROUPS_OF_KIND[resource.kind];
  return groups !== undefined && groups.includes(groupOf(resource.apiVersion));
}

/** Built-in kinds that carry a pod template (or are a Pod). */
export const POD_KINDS = ['Pod', 'Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'ReplicationController', 'Job', 'CronJob'];

/** Kinds whose pods are expected to keep running (probes matter for them). */
export const LONG_RUNNING_KINDS = ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'ReplicationController'];

/**
 * Containers, init containers and ephemeral containers of a built-in workload, with their paths.
 * A dozen rules ask for every pod: worked out once per object and selection (do not modify).
 */
export function podContainers(resource: ResourceData, which: { init?: boolean; ephemeral?: boolean } = {}): readonly ContainerView[] {
  const slot = (which.init ? 1 : 0) + (which.ephemeral ? 2 : 0);
  let views = containerViews.get(resource.object);
  if (!views) containerViews.set(resource.object, (views = []));
  return (views[slot] ??= listContainers(resource, which));
}

const containerViews = new WeakMap<object, ContainerView[][]>();

function listContainers(resource: ResourceData, which: { init?: boolean; ephemeral?: boolean }): ContainerView[] {
  if (!isBuiltin(resource, ...POD_KINDS)) return [];
  const t = podTemplateOf(resource);
  if (!t) return [];
  const lists: [string, boolean][] = [['containers', false]];
  if (which.init) lists.push(['initContainers', true]);
  if (which.ephemeral) lists.push(['ephemeralContainers', true]);
  const out: ContainerView[] = [];
  for (const [key, init] of lists) {
    asArray(t.spec?.[key]).forEach((c, i) => {
      const rec = asRecord(c);
      if (rec) out.push({ container: rec, path: [...t.specPath, key, i], name: typeof rec.name === 'string' ? rec.name : '', init });
    });
  }
  return out;
}

/** The Kubernetes minor version the analysis follows (36 for "1.36"). */
export function kubernetesMinor(options: { kubernetesVersion: string }): number {
  // Asked for every resource; the setting rarely changes, so the last answer is kept.
  if (lastMinor?.version !== options.kubernetesVersion) {
    const m = /^v?1\.(\d+)/.exec(options.kubernetesVersion);
    lastMinor = { version: options.kubernetesVersion, minor: m ? Number(m[1]) : 36 };
  }
  return lastMinor.minor;
}

let lastMinor: { version: string; minor: number } | undefined;

/** "Deployment gateway" for messages. */
export function kindAndName(resource: ResourceData): string {
  return resource.name ? `${resource.kind} ${resource.name}` : `this ${resource.kind}`;
}
