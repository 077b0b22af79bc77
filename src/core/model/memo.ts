/**
 * Per-object caches. A resource's parsed object is shared by every analysis pass while its
 * document text is unchanged (DocumentCache), so whatever depends on the object alone is computed
 * once per edit of it. A computation must read only the object (and what the object says): the
 * Resource around it is a new value whenever its file is set again, and the cache must not hold it.
 */

interface HasObject {
  object: object;
}

/** `compute(r)`, computed once per `r.object`. */
export function memoByObject<R extends HasObject, V>(compute: (r: R) => V): (r: R) => V {
  const cache = new WeakMap<object, V>();
  return (r) => {
    if (cache.has(r.object)) return cache.get(r.object) as V;
    const value = compute(r);
    cache.set(r.object, value);
    return value;
  };
}

/** `compute(a, b)`, computed once per pair of objects (a Service's ports over one workload's containers). */
export function memoByObjectPair<A extends HasObject, B extends HasObject, V>(compute: (a: A, b: B) => V): (a: A, b: B) => V {
  const outer = new WeakMap<object, WeakMap<object, V>>();
  return (a, b) => {
    let inner = outer.get(a.object);
    if (!inner) outer.set(a.object, (inner = new WeakMap()));
    if (inner.has(b.object)) return inner.get(b.object) as V;
    const value = compute(a, b);
    inner.set(b.object, value);
    return value;
  };
}
