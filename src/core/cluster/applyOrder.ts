import { pushTo } from '../multimap';
/**
 * The order resources are applied in: what others depend on first (a namespace before what lives
 * in it, a CRD before its custom resources, a ConfigMap before the pods that mount it, a
 * Deployment before the HPA that scales it). Delete runs the same tiers backwards.
 */
const TIERS: string[][] = [
  ['Namespace'],
  ['CustomResourceDefinition'],
  ['PriorityClass', 'StorageClass', 'IngressClass', 'RuntimeClass', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy'],
  ['ServiceAccount', 'ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding'],
  ['ConfigMap', 'Secret'],
  ['PersistentVolume', 'PersistentVolumeClaim'],
  ['Service', 'Endpoints', 'EndpointSlice'],
  ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Pod'],
  ['HorizontalPodAutoscaler', 'PodDisruptionBudget', 'VerticalPodAutoscaler'],
  ['Ingress'],
];

const TIER_OF = new Map<string, number>();
TIERS.forEach((kinds, i) => kinds.forEach((k) => TIER_OF.set(k, i)));

/** Everything else (custom resources, webhooks, APIServices) goes last. */
export const LAST_TIER = TIERS.length;

export function applyTier(kind: string | undefined): number {
  const tier = kind ? TIER_OF.get(kind) : undefined;
  return tier ?? LAST_TIER;
}

/** Groups items by tier, lowest first (or highest first for deletion), keeping file order inside a tier. */
export function groupByTier<T>(items: readonly T[], tierOf: (item: T) => number, reverse = false): T[][] {
  const map = new Map<number, T[]>();
  for (const item of items) {
    const t = tierOf(item);
    pushTo(map, t, item);
  }
  const tiers = [...map.keys()].sort((a, b) => (reverse ? b - a : a - b));
  return tiers.map((t) => map.get(t) as T[]);
}

/** Runs `fn` over items with at most `limit` running at once; stops starting new ones when `stop()` says so. */
export async function runBounded<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
  stop: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
