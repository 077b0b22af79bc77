import type { Resource } from '../parse/manifestParser';
import type { ResourceIndex } from '../index/resourceIndex';
import { groupOf } from './kinds';
import { pushTo } from '../multimap';

/** Built-in kinds that moved API group: the old group addresses the same object. */
const CANONICAL_GROUP: Record<string, string> = {
  Deployment: 'apps',
  DaemonSet: 'apps',
  ReplicaSet: 'apps',
  StatefulSet: 'apps',
  Ingress: 'networking.k8s.io',
  NetworkPolicy: 'networking.k8s.io',
  PodSecurityPolicy: 'policy',
};

function canonicalGroup(r: Resource): string {
  return CANONICAL_GROUP[r.kind ?? ''] ?? groupOf(r.apiVersion);
}

/**
 * Same kind, namespace and name, defined more than once in one index (one apply unit: its own
 * files and the bases it builds on). Built on the ResourceIndex's name table: only names that
 * occur twice cost anything.
 */
export function findDuplicates(index: ResourceIndex): Resource[][] {
  const out: Resource[][] = [];
  for (const same of index.sameKeyGroups()) {
    // Split the same-named objects by API group family (extensions/v1beta1 and apps/v1 are one Deployment).
    const groups = new Map<string, Resource[]>();
    for (const x of same) {
      if (x.doc.parsed.hasSyntaxErrors) continue;
      const key = canonicalGroup(x);
      pushTo(groups, key, x);
    }
    for (const list of groups.values()) if (list.length > 1) out.push(list);
  }
  return out;
}
