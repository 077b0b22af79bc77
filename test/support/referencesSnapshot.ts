import type { References } from '../../src/core/model/references';

/**
 * Findings or references as text, for comparing two analyses of the same texts: a Resource becomes
 * its id, kind/name and first line (identity differs between the two, content and place must
 * not); the label index and resolver (lookup machinery, not results) are left out.
 */
export function snapshot(value: unknown): string {
  return JSON.stringify(value, (key, v) => {
    if (key === 'labels' || key === 'resolver') return undefined;
    if (v && typeof v === 'object' && 'doc' in v && 'object' in v && 'file' in v) {
      const r = v as { id: string; kind?: string; name?: string; doc: { startLine: number } };
      return `${r.id} ${r.kind}/${r.name} @${r.doc.startLine}`;
    }
    return v;
  });
}

/** Every kind of reference of one pass (the per-pair `selects` included), as text. */
export function referencesSnapshot(refs: References): string {
  const { selections, selects, scales, routes, calls, uses, duplicates, all } = refs;
  return snapshot({ selections, selects, scales, routes, calls, uses, duplicates, all: all.length });
}
