/**
 * The scope's index carried from one pass to the next (ResourceIndex.next): after any sequence of
 * edits it must answer every question exactly as an index built afresh over the same resources,
 * in the same order; and where an edit only replaced values, it must have reused the tables.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifestFile, DocumentCache, type ParsedFile, type Resource } from '../../src/core/parse/manifestParser';
import { ResourceIndex } from '../../src/core/index/resourceIndex';

const KINDS = ['Deployment', 'Service', 'ConfigMap', 'StatefulSet'];
// Long enough for "did you mean" guesses (`webapp` for `webap`).
const NAMES = ['webapp', 'apiserver', 'dbase'];
const TYPOS = ['webap', 'apiservr', 'dbse', 'webapp'];
const NAMESPACES = [undefined, 'shop', 'default'];

/** A small deterministic generator (the same sequence on every run). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function doc(kind: string, name: string, ns: string | undefined, replicas: number): string {
  const apiVersion = kind === 'Service' || kind === 'ConfigMap' ? 'v1' : 'apps/v1';
  const meta = `metadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}`;
  return `apiVersion: ${apiVersion}\nkind: ${kind}\n${meta}spec:\n  replicas: ${replicas}\n`;
}

function answers(index: ResourceIndex): unknown {
  const out: Record<string, unknown> = {
    all: index.all.map((r) => r.id),
    groups: index.sameKeyGroups().map((g) => g.map((r) => r.id)),
    workloadNamespaces: [...index.workloadNamespaces()],
    namespaces: index.namespaces(),
    namespaceOf: index.all.map((r) => index.namespaceOf(r)),
  };
  for (const kind of KINDS) {
    out[`ofKind ${kind}`] = index.ofKind(kind).map((r) => r.id);
    for (const ns of [...NAMESPACES, 'other']) {
      out[`ofKind ${kind} ${ns}`] = index.ofKind(kind, ns ?? 'default').map((r) => r.id);
      out[`workloads ${ns}`] = index.workloads(ns ?? 'default').map((r) => r.id);
      for (const name of NAMES) out[`find ${kind} ${ns} ${name}`] = index.find(kind, ns ?? 'default', name).map((r) => r.id);
      for (const name of TYPOS) out[`nearest ${kind} ${ns} ${name}`] = index.nearest(kind, ns ?? 'default', name)?.id;
    }
  }
  return out;
}

/** The resources of the files, in order. */
function resourcesOf(files: ParsedFile[]): Resource[] {
  return files.flatMap((f) => f.resources);
}

test('the index carried over edits answers as one built afresh, and reuses the tables when only values changed', () => {
  const next = random(18);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const cache = new DocumentCache();
  const texts: string[][] = Array.from({ length: 6 }, () => Array.from({ length: 5 }, () => doc(pick(KINDS), pick(NAMES), pick(NAMESPACES), 1)));
  let files = texts.map((docs, i) => parseManifestFile(`/w/f${i}.yaml`, docs.join('---\n'), { cache }));
  let index = new ResourceIndex(resourcesOf(files));
  let reused = 0;
  for (let step = 0; step < 400; step++) {
    const f = Math.floor(next() * texts.length);
    const d = Math.floor(next() * texts[f].length);
    const edit = next();
    const [, kind, name, ns] = /kind: (\S+)\nmetadata:\n {2}name: (\S+)\n(?: {2}namespace: (\S+)\n)?/.exec(texts[f][d])!;
    if (edit < 0.7)
      texts[f][d] = doc(kind, name, ns, 1 + Math.floor(next() * 5)); // a value: the usual keystroke
    else if (edit < 0.8)
      texts[f][d] = doc(kind, pick(NAMES), ns, 1); // renamed
    else if (edit < 0.87)
      texts[f][d] = doc(kind, name, pick(NAMESPACES), 1); // another namespace
    else if (edit < 0.93)
      texts[f][d] = doc(pick(KINDS), name, ns, 1); // another kind
    else if (edit < 0.97)
      texts[f].splice(d, 1, doc(kind, name, ns, 1), doc(pick(KINDS), pick(NAMES), pick(NAMESPACES), 1)); // one more
    else if (edit < 0.985 && texts[f].length > 1) texts[f].splice(d, 1); // one fewer
    if (edit >= 0.985) {
      // Two files change places (the same objects in another order), as when files are put back in the order named.
      const g = (f + 1) % files.length;
      [files[f], files[g]] = [files[g], files[f]];
      [texts[f], texts[g]] = [texts[g], texts[f]];
    } else files = files.map((p, i) => (i === f ? parseManifestFile(p.file, texts[i].join('---\n'), { cache, previous: p }) : p));
    const resources = resourcesOf(files);
    const carried = index.next(resources, 'default');
    assert.deepEqual(answers(carried), answers(new ResourceIndex(resources)), `step ${step}`);
    // A value edit leaves some list untouched: it is the very same array as last pass's.
    type Tables = { byKindNs: Map<string, Resource[]> };
    const lists = (i: ResourceIndex) => {
      const { base, changed } = i as unknown as { base: Tables; changed?: Tables };
      return new Map([...base.byKindNs.keys()].map((k) => [k, changed?.byKindNs.get(k) ?? base.byKindNs.get(k)]));
    };
    const before = lists(index);
    if ([...lists(carried)].some(([k, list]) => before.get(k) === list)) reused++;
    index = carried;
  }
  assert.ok(reused > 150, `the tables were carried over on ${reused} of 400 edits`);
});

test('other namespace settings or a unit build the tables anew', () => {
  const a = parseManifestFile('/w/a.yaml', doc('Deployment', 'web', undefined, 1));
  const index = new ResourceIndex(a.resources);
  assert.equal(index.next(a.resources, 'shop').namespaceOf(a.resources[0]), 'shop');
  const forced = new Map([['/w/a.yaml', 'kust']]);
  assert.equal(index.next(a.resources, 'default', forced).namespaceOf(a.resources[0]), 'kust');
  assert.equal(index.next(a.resources, 'default', forced).find('Deployment', 'kust', 'web')[0], a.resources[0]);
  // Two objects with the same keys that change places (files put in another order): each one's
  // entry must follow it, not be swapped into its twin's place.
  const x = parseManifestFile('/w/x.yaml', doc('Deployment', 'web', undefined, 1)).resources[0];
  const y = parseManifestFile('/w/y.yaml', doc('Deployment', 'web', undefined, 2)).resources[0];
  const moved = new ResourceIndex([x, y]).next([y, x], 'default');
  assert.deepEqual(answers(moved), answers(new ResourceIndex([y, x])));
  assert.equal(moved.first('Deployment', 'default', 'web'), y);
});
