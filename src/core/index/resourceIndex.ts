import type { Resource } from '../parse/manifestParser';
import { effectiveNamespace, isWorkload } from '../model/kinds';

/**
 * Lookup tables over every resource in scope (a workspace folder, or all CLI paths).
 * Built once per analysis pass in O(n); cross-resource checks and the graph read from it.
 */
export class ResourceIndex {
  readonly all: readonly Resource[];
  private readonly byKey = new Map<string, Resource[]>();
  private readonly byKindNs = new Map<string, Resource[]>();
  private readonly workloadsByNs = new Map<string, Resource[]>();
  private readonly nsOf = new Map<Resource, string | undefined>();

  constructor(
    resources: readonly Resource[],
    readonly defaultNamespace = 'default',
  ) {
    this.all = resources;
    for (const r of resources) {
      if (!r.kind) continue;
      const k = keysOf(r, r.kind, defaultNamespace);
      this.nsOf.set(r, k.ns);
      push(this.byKindNs, k.kindNs, r);
      if (k.nameKey !== undefined) push(this.byKey, k.nameKey, r);
      if (k.workloadNs !== undefined) push(this.workloadsByNs, k.workloadNs, r);
    }
  }

  namespaceOf(r: Resource): string | undefined {
    return this.nsOf.has(r) ? this.nsOf.get(r) : effectiveNamespace(r, this.defaultNamespace);
  }

  /** All resources of a kind with this name in this namespace (more than one is a duplicate). */
  find(kind: string, namespace: string | undefined, name: string): Resource[] {
    return this.byKey.get(key(kind, namespace, name)) ?? [];
  }

  first(kind: string, namespace: string | undefined, name: string): Resource | undefined {
    return this.byKey.get(key(kind, namespace, name))?.[0];
  }

  ofKind(kind: string, namespace?: string): Resource[] {
    if (namespace !== undefined) return this.byKindNs.get(`${kind}/${namespace}`) ?? [];
    const out: Resource[] = [];
    for (const [k, list] of this.byKindNs) if (k.startsWith(`${kind}/`)) out.push(...list);
    return out;
  }

  workloads(namespace: string): Resource[] {
    return this.workloadsByNs.get(namespace) ?? [];
  }

  /** Resources sharing kind, namespace and name (two or more), in order of the first one's place in `all`. */
  sameKeyGroups(): Resource[][] {
    const out: Resource[][] = [];
    // A Map iterates in insertion order, which is the order each key first appeared in.
    for (const list of this.byKey.values()) if (list.length > 1) out.push(list);
    return out;
  }

  /** Namespaces with workloads, in the order their first workload appears in `all`. */
  workloadNamespaces(): IterableIterator<string> {
    return this.workloadsByNs.keys();
  }

  /** Same name in any namespace, for "did you mean the one in namespace X" hints. */
  findAnyNamespace(kind: string, name: string): Resource[] {
    return this.ofKind(kind).filter((r) => r.name === name);
  }

  namespaces(): string[] {
    const s = new Set<string>();
    for (const ns of this.nsOf.values()) if (ns) s.add(ns);
    return [...s].sort();
  }
}

interface ResourceKeys {
  defaultNamespace: string;
  ns: string | undefined;
  kindNs: string;
  nameKey?: string;
  workloadNs?: string;
}

/**
 * The table keys of a resource, kept with it: a Resource stays the same object while its file is
 * not set again, so a keystroke in one file does not rebuild the key strings of every other file.
 */
const keysCache = new WeakMap<Resource, ResourceKeys>();

function keysOf(r: Resource, kind: string, defaultNamespace: string): ResourceKeys {
  let k = keysCache.get(r);
  if (k?.defaultNamespace !== defaultNamespace) {
    const ns = effectiveNamespace(r, defaultNamespace);
    k = {
      defaultNamespace,
      ns,
      kindNs: `${kind}/${ns ?? ''}`,
      nameKey: r.name ? key(kind, ns, r.name) : undefined,
      workloadNs: isWorkload(r) ? (ns ?? '') : undefined,
    };
    keysCache.set(r, k);
  }
  return k;
}

function key(kind: string, ns: string | undefined, name: string): string {
  return `${kind}/${ns ?? ''}/${name}`;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
