import type { Resource } from '../parse/manifestParser';
import type { ResourceIndex } from '../index/resourceIndex';
import { groupOf } from './kinds';

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

const KUSTOMIZATION_FILES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

/** A kustomize build file. */
function isKustomization(r: Resource): boolean {
  return r.kind === 'Kustomization' && (groupOf(r.apiVersion) === 'kustomize.config.k8s.io' || KUSTOMIZATION_FILES.has(baseName(r.file)));
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

function dirOf(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i === -1 ? '' : file.slice(0, i);
}

/**
 * Same kind, namespace and name, defined more than once. Files under different kustomize roots
 * (a base and its overlays) are separate builds, so a patch in an overlay is not a duplicate.
 * Built on the ResourceIndex's name table: only names that occur twice cost anything.
 */
export function findDuplicates(index: ResourceIndex): Resource[][] {
  const out: Resource[][] = [];
  let rootOf: ((file: string) => string) | undefined;
  for (const same of index.sameKeyGroups()) {
    rootOf ??= kustomizeRoots(index);
    // Split the same-named objects by API group family and kustomize root.
    const groups = new Map<string, Resource[]>();
    for (const x of same) {
      if (isKustomization(x) || x.doc.parsed.hasSyntaxErrors) continue;
      push(groups, `${canonicalGroup(x)}|${rootOf(x.file)}`, x);
    }
    for (const list of groups.values()) if (list.length > 1) out.push(list);
  }
  return out;
}

/**
 * A kustomize root is a folder with a Kustomization object in the workspace, or — as a
 * kustomization.yaml written without kind is not indexed at all — a folder named `base` or a
 * folder inside one named `overlays`. Returns the root a file belongs to ('' for none).
 */
function kustomizeRoots(index: ResourceIndex): (file: string) => string {
  const roots = new Set<string>();
  for (const r of index.ofKind('Kustomization')) if (isKustomization(r)) roots.add(dirOf(r.file));
  const isRoot = (d: string): boolean => {
    if (roots.has(d)) return true;
    const parent = dirOf(d);
    return baseName(d) === 'base' || baseName(parent) === 'overlays';
  };
  const cache = new Map<string, string>();
  return (file: string): string => {
    const dir = dirOf(file);
    let root = cache.get(dir);
    if (root === undefined) {
      root = '';
      for (let d = dir; d; d = dirOf(d)) {
        if (isRoot(d)) {
          root = d;
          break;
        }
      }
      cache.set(dir, root);
    }
    return root;
  };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
