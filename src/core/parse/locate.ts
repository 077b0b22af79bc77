import { isAlias, isMap, isPair, isScalar, isSeq, visit, type Document, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';
import type { Range } from '../findings';
import type { Resource, ResourceData, ParsedDocument } from './manifestParser';
import { shiftRange } from '../findings';
import { blockHasPath, blockPairSpan, blockRange, blockRootRange } from './blockYaml';

export type PathSegment = string | number;
/** Which part of a `key: value` pair a finding should underline. */
export type RangePart = 'key' | 'value' | 'pair' | 'auto';

interface Located {
  node?: YamlNode;
  pair?: Pair;
  /** How many segments of the requested path exist in the YAML. */
  depth: number;
}

/**
 * Mappings that merge others in (`<<: *anchor` or `<<: [*a, *b]`) → the merged mappings, first
 * wins. Filled when a document is parsed, so locating a merged field needs no Document.
 */
const mergeSources = new WeakMap<YAMLMap, YAMLMap[]>();

export function recordMergeSources(doc: Document.Parsed): void {
  visit(doc, {
    Map(_key, map) {
      const sources: YAMLMap[] = [];
      for (const it of map.items) {
        if (!isMergeKey(it.key)) continue;
        for (const v of isSeq(it.value) ? it.value.items : [it.value]) {
          const target = isAlias(v) ? v.resolve(doc) : v;
          if (isMap(target)) sources.push(target);
        }
      }
      if (sources.length) mergeSources.set(map, sources);
    },
  });
}

/** With merge keys on, the parser gives `<<` a symbol as its value. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
}

/** The pair for `key` in a mapping: its own keys first, then what it merges (as YAML resolves them). */
function pairOf(map: YAMLMap, key: string, depth = 0): Pair | undefined {
  const items = map.items;
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (keyText(it.key) === key) return it;
  }
  const sources = depth < 20 ? mergeSources.get(map) : undefined;
  if (sources) {
    for (const src of sources) {
      const p = pairOf(src, key, depth + 1);
      if (p) return p;
    }
  }
  return undefined;
}

/**
 * Walks the YAML AST along a data path, stopping at the deepest segment that exists. A field
 * that comes from a merged mapping is found where the anchor defines it.
 */
export function findNode(root: YamlNode, path: readonly PathSegment[]): Located {
  let node: YamlNode | undefined = root;
  let pair: Pair | undefined;
  let depth = 0;
  for (const seg of path) {
    if (isMap(node)) {
      const p = pairOf(node, typeof seg === 'string' ? seg : String(seg));
      if (!p) break;
      pair = p;
      node = (p.value ?? undefined) as YamlNode | undefined;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as YamlNode | undefined;
      if (!item) break;
      pair = undefined;
      node = item;
    } else {
      break;
    }
    depth++;
    if (!node) break;
  }
  return { node, pair, depth };
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) {
    const v = key.value;
    return typeof v === 'string' ? v : String(v);
  }
  // A mapping or sequence used as a key has no text a path could name.
  return typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean' ? String(key) : undefined;
}

/**
 * The range of `path` inside a resource, in document-local lines. For a missing path it returns
 * the range of the deepest ancestor that exists (its key), which is where a person would add it.
 */
export function localRangeOf(data: ResourceData, lines: ParsedDocument['lines'], path: readonly PathSegment[], part: RangePart = 'auto'): Range {
  // A document read as plain block YAML knows where its keys and scalars are without its YAML tree.
  const quick = blockRange(data.object, path, part);
  if (quick) return lines.range(quick[0], Math.max(quick[1], quick[0]));
  const found = findNode(data.node, path);
  const complete = found.depth === path.length;
  const keyNode = found.pair?.key as YamlNode | undefined;
  const valueNode = found.pair ? (found.pair.value as YamlNode | undefined) : found.node;
  let target: YamlNode | undefined;
  if (!complete) {
    target = keyNode ?? firstKey(data.node);
  } else if (part === 'key') {
    target = keyNode ?? valueNode;
  } else if (part === 'value') {
    target = valueNode ?? keyNode;
  } else if (part === 'pair') {
    if (keyNode?.range && valueNode?.range) return lines.range(keyNode.range[0], valueNode.range[1]);
    target = keyNode ?? valueNode;
  } else {
    // auto: scalars underline the value, collections the key (a short, readable range).
    target = valueNode && isScalar(valueNode) ? valueNode : (keyNode ?? valueNode);
  }
  if (!target?.range) return lines.range(0, 0);
  const [s, e] = target.range;
  if (isMap(target) || isSeq(target)) {
    // Collections: first line only.
    const r = lines.range(s, e);
    if (r.end.line > r.start.line) return lines.range(s, Math.max(s, lines.lineStart(r.start.line + 1) - 1));
    return r;
  }
  return lines.range(s, Math.max(e, s));
}

function firstKey(map: YamlNode): YamlNode | undefined {
  if (isMap(map) && map.items.length && isPair(map.items[0])) return map.items[0].key as YamlNode;
  return map;
}

/** File range of `path` inside a placed resource. */
export function rangeOf(resource: Resource, path: readonly PathSegment[], part: RangePart = 'auto'): Range {
  return shiftRange(localRangeOf(resource, resource.doc.parsed.lines, path, part), resource.doc.startLine);
}

/** Whether the path exists in the YAML (not just in defaults). */
export function hasPath(data: ResourceData, path: readonly PathSegment[]): boolean {
  return blockHasPath(data.object, path) ?? findNode(data.node, path).depth === path.length;
}

/**
 * From `path`'s key (or item) to the end of its value, in document-local lines: the whole place a
 * reference is written, which findings on any part of it overlap. For a missing path, the deepest
 * ancestor that exists; undefined when the YAML has no range for it.
 */
export function localPairSpan(data: ResourceData, lines: ParsedDocument['lines'], path: readonly PathSegment[]): Range | undefined {
  const quick = blockPairSpan(data.object, path);
  if (quick) return lines.range(quick[0], Math.max(quick[0], quick[1]));
  const found = findNode(data.node, path);
  const key = found.pair && isPair(found.pair) ? (found.pair.key as YamlNode | undefined) : undefined;
  const value = found.node;
  const start = key?.range?.[0] ?? value?.range?.[0];
  const end = value?.range?.[1] ?? key?.range?.[1];
  return start === undefined || end === undefined ? undefined : lines.range(start, Math.max(start, end));
}

/** The whole resource (its mapping node), in document-local lines. */
export function localResourceRange(data: ResourceData, lines: ParsedDocument['lines']): Range {
  // A document read as plain block YAML knows its mapping's extent without its YAML tree.
  const quick = blockRootRange(data.object);
  if (quick) return lines.range(quick[0], quick[1]);
  const [s, , e] = data.node.range ?? [0, 0, 0];
  return lines.range(s, e);
}

/** The whole resource (its mapping node), in file lines. */
export function resourceRange(resource: Resource): Range {
  return shiftRange(localResourceRange(resource, resource.doc.parsed.lines), resource.doc.startLine);
}

/** A data path as people read it: `spec.template.spec.containers[0].image`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

/** The path under the cursor (document-local offset), deepest first match, for hovers. */
export function pathAtOffset(data: ResourceData, offset: number): { path: PathSegment[]; onKey: boolean } | undefined {
  const path: PathSegment[] = [];
  let node: YamlNode | undefined = data.node;
  let onKey = false;
  for (;;) {
    if (isMap(node)) {
      const p = node.items.find((it) => {
        const k = it.key as YamlNode | undefined;
        const v = it.value as YamlNode | undefined;
        const start = k?.range?.[0] ?? v?.range?.[0];
        const end = v?.range?.[1] ?? k?.range?.[1];
        return start !== undefined && end !== undefined && offset >= start && offset <= end;
      });
      if (!p) break;
      path.push(keyText(p.key) ?? '');
      const k = p.key as YamlNode | undefined;
      if (k?.range && offset >= k.range[0] && offset <= k.range[1]) {
        onKey = true;
        break;
      }
      node = (p.value ?? undefined) as YamlNode | undefined;
    } else if (isSeq(node)) {
      const i = node.items.findIndex((it) => {
        const r = (it as YamlNode).range;
        return r && offset >= r[0] && offset <= r[1];
      });
      if (i === -1) break;
      path.push(i);
      node = node.items[i] as YamlNode;
    } else {
      break;
    }
  }
  return path.length ? { path, onKey } : undefined;
}
