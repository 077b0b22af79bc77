import type { Resource } from '../parse/manifestParser';
import { effectiveNamespace, isClusterScoped, isWorkload } from '../model/kinds';
import type { UnitKind } from './applyUnits';
import type { AddedLabels, PatchTarget } from './kustomization';
import { pushTo } from '../multimap';
import { nearestName } from '../model/nearNames';

export interface UnitPatch {
  /** The patch's file. */
  file: string;
  /** A patch object (undefined for a JSON 6902 patch, which is a list of operations). */
  resource?: Resource;
  target?: PatchTarget;
}

/** What an index knows about the apply unit it covers (see applyUnits.ts). */
export interface UnitScope {
  /** The unit's name, for messages. */
  name: string;
  /**
   * How the unit was found. A `folder` is taken as a unit because nothing declares otherwise
   * (`kubectl apply -f DIR`): its files may be alternatives applied one at a time.
   */
  kind: UnitKind;
  /** Every resource of the scope (all units), where references that leave the unit are looked up. */
  outside?: ResourceIndex;
  /**
   * What may create objects no file of the unit defines: its custom resources (their
   * controllers make pods and Services), a Helm chart, a remote base. Empty when the unit is
   * all there is.
   */
  makers: string[];
  /** ConfigMaps and Secrets a kustomization generates: `ConfigMap/name`. */
  generated: ReadonlySet<string>;
  /**
   * Kustomize patches of the unit, checked against its resources: each patch object, with the
   * target its kustomization names (for a JSON 6902 patch, the only way to know the target).
   */
  patches: readonly UnitPatch[];
  /** Whether everything the unit builds from is here (no remote base, no missing file, no chart). */
  complete: boolean;
  /** namePrefix / nameSuffix of the kustomizations that build the unit: a patch may name the target either way. */
  renamed: boolean;
}

/**
 * Lookup tables over the resources of one apply unit (or of a whole scope: a workspace folder, or
 * all CLI paths). Built once per analysis pass in O(n); cross-resource checks and the graph read from it.
 */
export class ResourceIndex {
  readonly all: readonly Resource[];
  /** The tables as first built for the scope. */
  private readonly base: Tables = emptyTables();
  /**
   * Lists (by key) and namespaces (by resource) that later passes changed, read before `base`:
   * a keystroke that replaced a few resources touches a few entries here, not whole tables.
   */
  private readonly changed?: Tables;
  /**
   * "Did you mean" answers by kind/namespace and name, as a place in the kind's list (-1: none).
   * Later passes that rename nothing share it: they keep every name and every list's order, so
   * the place still holds the same name; a pass that renames starts its own.
   */
  private readonly nearestPlaces = new Map<string, Map<string, number>>();

  constructor(
    resources: readonly Resource[],
    readonly defaultNamespace = 'default',
    readonly unit?: UnitScope,
    /** The namespace kustomize writes into a file's objects, by file. */
    private readonly forcedNamespaces?: ReadonlyMap<string, string>,
    /** The labels kustomize writes into a file's selectors and pod templates, by file. */
    private readonly addedLabels?: ReadonlyMap<string, AddedLabels>,
  ) {
    this.all = resources;
    const t = this.base;
    for (const r of resources) {
      if (!r.kind) continue;
      const k = keysOf(r, r.kind, defaultNamespace, forcedNamespaces?.get(r.file));
      t.nsOf.set(r, k.ns);
      pushTo(t.byKindNs, k.kindNs, r);
      if (k.nameKey !== undefined) pushTo(t.byKey, k.nameKey, r);
      if (k.workloadNs !== undefined) pushTo(t.workloadsByNs, k.workloadNs, r);
    }
  }

  /** Whether `r` is (or was, before a later pass replaced it) in this index's tables. */
  private holds(r: Resource): boolean {
    return this.base.nsOf.has(r) || (this.changed?.nsOf.has(r) ?? false);
  }

  /** A list of one table, as changed by later passes. */
  private list(table: TableName, key: string): Resource[] | undefined {
    return this.changed?.[table].get(key) ?? this.base[table].get(key);
  }

  /**
   * The scope's index for the next pass, from this one's tables when the only change is resources
   * replaced in place by ones of the same kind and namespace (a value or a name edited in a
   * document: the usual keystroke): the lists that held them are copied with the entries swapped
   * (a renamed one moved from its old name's list to its new name's), every list in the order a
   * fresh build gives it, and the rest is shared. Anything else — a resource added, removed or
   * moved to another namespace, other namespace settings, many replaced — builds the tables anew.
   */
  next(
    resources: readonly Resource[],
    defaultNamespace: string,
    forcedNamespaces?: ReadonlyMap<string, string>,
    addedLabels?: ReadonlyMap<string, AddedLabels>,
  ): ResourceIndex {
    const fresh = () => new ResourceIndex(resources, defaultNamespace, undefined, forcedNamespaces, addedLabels);
    if (
      this.unit ||
      defaultNamespace !== this.defaultNamespace ||
      resources.length !== this.all.length ||
      (this.changed?.nsOf.size ?? 0) > MAX_CHANGED ||
      !sameEntries(forcedNamespaces, this.forcedNamespaces) ||
      !sameEntries(addedLabels, this.addedLabels)
    ) {
      return fresh();
    }
    const swaps: [before: Resource, after: Resource, keys?: ResourceKeys, oldNameKey?: string][] = [];
    let renamedNow = false;
    for (let i = 0; i < resources.length; i++) {
      const before = this.all[i];
      const after = resources[i];
      if (before === after) continue;
      // An object this index already holds has moved (files reordered): swapping entries in place
      // could put it where its twin was, so the order is built anew.
      if (swaps.length === MAX_SWAPS || before.kind !== after.kind || this.holds(after)) return fresh();
      if (!after.kind) {
        swaps.push([before, after]);
        continue;
      }
      const a = keysOf(before, before.kind!, defaultNamespace, forcedNamespaces?.get(before.file));
      const b = keysOf(after, after.kind, defaultNamespace, forcedNamespaces?.get(after.file));
      if (a.ns !== b.ns || a.kindNs !== b.kindNs || a.workloadNs !== b.workloadNs) return fresh();
      if (a.nameKey !== b.nameKey) renamedNow = true;
      swaps.push([before, after, b, a.nameKey]);
    }
    const changed: Tables = {
      byKey: new Map(this.changed?.byKey),
      byKindNs: new Map(this.changed?.byKindNs),
      workloadsByNs: new Map(this.changed?.workloadsByNs),
      nsOf: new Map(this.changed?.nsOf),
      sharedKeys: this.changed?.sharedKeys,
    };
    const copied = new Set<Resource[]>();
    const writable = (table: TableName, key: string): Resource[] => {
      let list = changed[table].get(key) ?? this.base[table].get(key) ?? [];
      if (!copied.has(list)) {
        list = list.slice();
        copied.add(list);
        changed[table].set(key, list);
      }
      return list;
    };
    const swapIn = (table: TableName, key: string | undefined, before: Resource, after: Resource): boolean => {
      if (key === undefined) return true;
      const list = writable(table, key);
      const at = list.indexOf(before);
      if (at === -1) return false;
      list[at] = after;
      return true;
    };
    // The place in `all` (the same in both passes: every swap is in place) of an object of a list
    // being renamed into, which may not be swapped in yet. Such lists are short (one name).
    const placeOf = (r: Resource) => {
      const at = resources.indexOf(r);
      return at !== -1 ? at : this.all.indexOf(r);
    };
    const renamedKeys: string[] = [];
    const rename = (before: Resource, after: Resource, from: string | undefined, to: string | undefined): boolean => {
      if (from !== undefined) renamedKeys.push(from);
      if (to !== undefined) renamedKeys.push(to);
      if (from !== undefined) {
        const list = writable('byKey', from);
        const at = list.indexOf(before);
        if (at === -1) return false;
        list.splice(at, 1);
      }
      if (to !== undefined) {
        const list = writable('byKey', to);
        const place = placeOf(after);
        let at = 0;
        while (at < list.length && placeOf(list[at]) < place) at++;
        list.splice(at, 0, after);
      }
      return true;
    };
    for (const [before, after, k, oldNameKey] of swaps) {
      if (!k) continue;
      const named = oldNameKey === k.nameKey ? swapIn('byKey', k.nameKey, before, after) : rename(before, after, oldNameKey, k.nameKey);
      if (!named || !swapIn('byKindNs', k.kindNs, before, after) || !swapIn('workloadsByNs', k.workloadNs, before, after)) return fresh();
      changed.nsOf.delete(before);
      changed.nsOf.set(after, k.ns);
    }
    if (renamedNow) {
      // Names that two or more objects share: the ones before, and the renamed ones that now do,
      // in the order of their first object's place (a fresh build's order).
      const candidates = new Set([...this.sharedKeys(), ...renamedKeys]);
      const listOf = (k: string) => changed.byKey.get(k) ?? this.base.byKey.get(k) ?? [];
      const shared = [...candidates].filter((k) => listOf(k).length > 1);
      if (shared.length > 1) {
        // Every object is swapped in by now: its place is in `resources`. Only the first object of
        // each shared name is placed (not a map of every object on every renaming keystroke).
        const firsts = new Set(shared.map((k) => listOf(k)[0]));
        const places = new Map<Resource, number>();
        for (let i = 0; i < resources.length; i++) if (firsts.has(resources[i])) places.set(resources[i], i);
        shared.sort((x, y) => places.get(listOf(x)[0])! - places.get(listOf(y)[0])!);
      }
      changed.sharedKeys = shared;
    }
    const out = Object.create(ResourceIndex.prototype) as ResourceIndex;
    // "Did you mean" places hold only while every name stays.
    const nearestPlaces = renamedNow ? new Map<string, Map<string, number>>() : this.nearestPlaces;
    return Object.assign(out, this, { all: resources, changed, forcedNamespaces, addedLabels, nearestPlaces });
  }

  /**
   * An index over the same resources for an apply unit, sharing this one's tables when the unit
   * holds exactly these resources in the same order, namespaces and added labels (a workspace
   * folder that is one unit: every keystroke would otherwise build the same tables twice).
   */
  forUnit(
    resources: readonly Resource[],
    unit: UnitScope,
    forcedNamespaces?: ReadonlyMap<string, string>,
    addedLabels?: ReadonlyMap<string, AddedLabels>,
  ): ResourceIndex {
    // Without kustomize namespaces or labels on either side (the usual folder) only the objects are compared.
    const settingsApart = !!(forcedNamespaces?.size || this.forcedNamespaces?.size || addedLabels?.size || this.addedLabels?.size);
    const same =
      resources.length === this.all.length &&
      ((resources === this.all && !settingsApart) ||
        resources.every(
          (r, i) =>
            r === this.all[i] &&
            (!settingsApart ||
              (forcedNamespaces?.get(r.file) === this.forcedNamespaces?.get(r.file) && addedLabels?.get(r.file) === this.addedLabels?.get(r.file))),
        ));
    if (!same) return new ResourceIndex(resources, this.defaultNamespace, unit, forcedNamespaces, addedLabels);
    const shared = Object.create(ResourceIndex.prototype) as ResourceIndex;
    // The tables are read-only once built; the unit's own maps answer for objects outside them (patches).
    return Object.assign(shared, this, { unit, forcedNamespaces, addedLabels });
  }

  /** The same default namespace, and the same namespaces and labels kustomize writes into each file. */
  sameSettings(other: ResourceIndex): boolean {
    return (
      this.defaultNamespace === other.defaultNamespace &&
      sameEntries(this.forcedNamespaces, other.forcedNamespaces) &&
      sameEntries(this.addedLabels, other.addedLabels)
    );
  }

  /** Labels kustomize adds to `r`'s selectors and pod template, when it adds any. */
  labelsAddedTo(r: Resource): AddedLabels | undefined {
    return this.addedLabels?.get(r.file);
  }

  namespaceOf(r: Resource): string | undefined {
    if (this.changed?.nsOf.has(r)) return this.changed.nsOf.get(r);
    if (this.base.nsOf.has(r)) return this.base.nsOf.get(r);
    const forced = this.forcedNamespaces?.get(r.file);
    return forced !== undefined && !isClusterScoped(r.kind) ? forced : effectiveNamespace(r, this.defaultNamespace);
  }

  /** All resources of a kind with this name in this namespace (more than one is a duplicate). */
  find(kind: string, namespace: string | undefined, name: string): Resource[] {
    return this.list('byKey', key(kind, namespace, name)) ?? [];
  }

  first(kind: string, namespace: string | undefined, name: string): Resource | undefined {
    return this.list('byKey', key(kind, namespace, name))?.[0];
  }

  ofKind(kind: string, namespace?: string): Resource[] {
    if (namespace !== undefined) return this.list('byKindNs', `${kind}/${namespace}`) ?? [];
    const out: Resource[] = [];
    for (const [k, list] of this.base.byKindNs) if (k.startsWith(`${kind}/`)) out.push(...(this.changed?.byKindNs.get(k) ?? list));
    return out;
  }

  /** The resource of this kind in `namespace` whose name `name` most likely meant (nearNames.ts). */
  nearest(kind: string, namespace: string, name: string): Resource | undefined {
    const kindNs = `${kind}/${namespace}`;
    const candidates = this.list('byKindNs', kindNs) ?? [];
    let places = this.nearestPlaces.get(kindNs);
    if (!places) this.nearestPlaces.set(kindNs, (places = new Map<string, number>()));
    let place = places.get(name);
    if (place === undefined) {
      const found = nearestName(name, candidates, (r) => r.name);
      place = found ? candidates.indexOf(found) : -1;
      places.set(name, place);
    }
    return place === -1 ? undefined : candidates[place];
  }

  workloads(namespace: string): Resource[] {
    return this.list('workloadsByNs', namespace) ?? [];
  }

  /** Resources sharing kind, namespace and name (two or more), in order of the first one's place in `all`. */
  sameKeyGroups(): Resource[][] {
    return this.sharedKeys().map((k) => this.changed?.byKey.get(k) ?? this.base.byKey.get(k)!);
  }

  /** Keys of the names two or more objects share, in the order of their first object's place. */
  private sharedKeys(): string[] {
    if (this.changed?.sharedKeys) return this.changed.sharedKeys;
    // A Map iterates in insertion order, which is the order each key first appeared in; passes that
    // only swap objects keep every list's length, and a pass that renames works out its own (next).
    const base = this.base;
    base.sharedKeys ??= [...base.byKey].filter(([, list]) => list.length > 1).map(([k]) => k);
    return base.sharedKeys;
  }

  /** Namespaces with workloads, in the order their first workload appears in `all`. */
  workloadNamespaces(): IterableIterator<string> {
    // A later pass never adds or removes a key (it would build the tables anew).
    return this.base.workloadsByNs.keys();
  }

  /** Same name in any namespace, for "did you mean the one in namespace X" hints. */
  findAnyNamespace(kind: string, name: string): Resource[] {
    return this.ofKind(kind).filter((r) => r.name === name);
  }

  namespaces(): string[] {
    const s = new Set<string>();
    // Replaced resources keep their namespace, so the first tables name them all.
    for (const ns of this.base.nsOf.values()) if (ns) s.add(ns);
    return [...s].sort();
  }
}

interface ResourceKeys {
  /** The default namespace and kustomize's namespace the keys were built with. */
  namespaces: string;
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

function keysOf(r: Resource, kind: string, defaultNamespace: string, forced: string | undefined): ResourceKeys {
  let k = keysCache.get(r);
  const namespaces = forced === undefined ? defaultNamespace : `${defaultNamespace}\n${forced}`;
  if (k?.namespaces !== namespaces) {
    const ns = forced !== undefined && !isClusterScoped(kind) ? forced : effectiveNamespace(r, defaultNamespace);
    k = {
      namespaces,
      ns,
      kindNs: `${kind}/${ns ?? ''}`,
      nameKey: r.name ? key(kind, ns, r.name) : undefined,
      workloadNs: isWorkload(r) ? (ns ?? '') : undefined,
    };
    keysCache.set(r, k);
  }
  return k;
}

/** Past this many replaced resources a pass builds its tables anew (copying them would cost as much). */
const MAX_SWAPS = 64;
/** Past this many resources replaced since the tables were built, they are built anew. */
const MAX_CHANGED = 512;

type TableName = 'byKey' | 'byKindNs' | 'workloadsByNs';
interface Tables {
  byKey: Map<string, Resource[]>;
  /**
   * Keys of byKey with two or more resources, in order: found on first use for the first tables,
   * set by a later pass that renamed objects (and kept by the passes after it).
   */
  sharedKeys?: string[];
  byKindNs: Map<string, Resource[]>;
  workloadsByNs: Map<string, Resource[]>;
  nsOf: Map<Resource, string | undefined>;
}

function emptyTables(): Tables {
  return { byKey: new Map(), byKindNs: new Map(), workloadsByNs: new Map(), nsOf: new Map() };
}

/** The same entries (values compared by identity), or both absent. */
function sameEntries<V>(a: ReadonlyMap<string, V> | undefined, b: ReadonlyMap<string, V> | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.size !== b.size) return (a?.size ?? 0) === 0 && (b?.size ?? 0) === 0;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function key(kind: string, ns: string | undefined, name: string): string {
  return `${kind}/${ns ?? ''}/${name}`;
}
