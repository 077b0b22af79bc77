import { isMap, isPair, isScalar, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';
import type { Range, TextEdit } from '../findings';
import { shiftRange } from '../findings';
import type { ParsedDocument, Resource, ResourceData } from '../parse/manifestParser';
import { findNode, rangeOf, type PathSegment } from '../parse/locate';
import { blockFirstNestedKeys, blockMapAppendPoint, blockPairPlace } from '../parse/blockYaml';

/**
 * The one module for quick-fix edits, which change YAML the way a person would: a new key is a
 * whole line at the indentation its siblings use, a changed value replaces only the value's text.
 *
 * The first part works in one document chunk (offsets and edits local to it, file ''), which is
 * what per-resource checks see; the framework places their edits in the file. The second part
 * takes a placed {@link Resource} (what cross-resource checks see) and returns file edits.
 */

/** The YAML node at `path`, only when the whole path exists (null values give undefined). */
export function nodeAt(resource: ResourceData, path: readonly PathSegment[]): YamlNode | undefined {
  const found = findNode(resource.node, path);
  return found.depth === path.length ? found.node : undefined;
}

/** The `key: value` pair at `path` (its last segment must be a mapping key). */
export function pairAt(resource: ResourceData, path: readonly PathSegment[]): Pair | undefined {
  if (path.length === 0) return undefined;
  const parent = path.length === 1 ? resource.node : nodeAt(resource, path.slice(0, -1));
  if (!isMap(parent)) return undefined;
  const last = String(path[path.length - 1]);
  return parent.items.find((p): p is Pair => isPair(p) && keyText(p.key) === last);
}

export function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean' ? String(key) : undefined;
}

/** The line break the document already uses. */
export function lineBreak(doc: ParsedDocument): string {
  return doc.text.includes('\r\n') ? '\r\n' : '\n';
}

export function columnAt(doc: ParsedDocument, offset: number): number {
  return doc.lines.position(offset).character;
}

/** Column of a pair's key, or undefined when the pair has no located key. */
export function keyColumn(doc: ParsedDocument, pair: Pair): number | undefined {
  const k = pair.key as YamlNode | undefined;
  return k?.range ? columnAt(doc, k.range[0]) : undefined;
}

/** A block mapping with at least one entry: the only shape the insert helpers edit. */
export function isBlockMapWithItems(node: unknown): node is YAMLMap {
  return isMap(node) && !node.flow && node.items.length > 0 && node.items.every((p) => isPair(p) && (p.key as YamlNode | undefined)?.range);
}

/** Whether only spaces stand between the start of the line and `offset`. */
export function startsLine(doc: ParsedDocument, offset: number): boolean {
  const lineStart = doc.lines.lineStart(doc.lines.position(offset).line);
  return /^ *$/.test(doc.text.slice(lineStart, offset));
}

/**
 * How many spaces one nesting level takes in this resource, read from the first block mapping
 * nested under a top-level key (`metadata:` → `name:`); 2 when nothing tells.
 */
export function indentUnit(doc: ParsedDocument, resource: ResourceData): number {
  // A document the block reader took answers from its spans, without building the YAML tree.
  const nested = blockFirstNestedKeys(resource.object);
  if (nested) {
    for (const { parentKey, childKey } of nested) {
      const step = columnAt(doc, childKey) - columnAt(doc, parentKey);
      if (step > 0) return step;
    }
    return 2;
  }
  for (const item of resource.node.items) {
    if (!isPair(item) || !isBlockMapWithItems(item.value)) continue;
    const parent = keyColumn(doc, item);
    const child = keyColumn(doc, item.value.items[0]);
    if (parent !== undefined && child !== undefined && child > parent) return child - parent;
  }
  return 2;
}

export function replaceEdit(doc: ParsedDocument, start: number, end: number, newText: string): TextEdit {
  return { file: '', range: doc.lines.range(start, end), newText };
}

/** Replaces a scalar's text (quotes included), keeping any comment after it. */
export function replaceScalarEdit(doc: ParsedDocument, node: YamlNode | undefined, newText: string): TextEdit | undefined {
  if (!isScalar(node) || !node.range) return undefined;
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') return undefined;
  return replaceEdit(doc, node.range[0], node.range[1], newText);
}

/**
 * Inserts whole lines after the line on which `endOffset` lies. Each line is prefixed with
 * `column` spaces; lines may carry their own extra indentation for nested keys.
 */
export function insertLinesAfterOffset(doc: ParsedDocument, endOffset: number, column: number, lines: string[]): TextEdit {
  const text = doc.text;
  const br = lineBreak(doc);
  const body = lines.map((l) => ' '.repeat(column) + l);
  let at: number;
  let newText: string;
  if (endOffset > 0 && text[endOffset - 1] === '\n') {
    at = endOffset;
    newText = body.join(br) + br;
  } else {
    const nl = text.indexOf('\n', endOffset);
    if (nl === -1) {
      at = text.length;
      newText = br + body.join(br);
    } else {
      at = nl + 1;
      newText = body.join(br) + br;
    }
  }
  return replaceEdit(doc, at, at, newText);
}

/** Inserts whole lines before the line that starts (after its indentation) at `offset`. */
export function insertLinesBefore(doc: ParsedDocument, offset: number, column: number, lines: string[]): TextEdit {
  const br = lineBreak(doc);
  const lineStart = doc.lines.lineStart(doc.lines.position(offset).line);
  const newText = lines.map((l) => ' '.repeat(column) + l + br).join('');
  return replaceEdit(doc, lineStart, lineStart, newText);
}

/**
 * Deletes a `key: value` pair with all its lines (a block value included), when the key starts
 * its line. Comment lines after the value stay.
 */
export function removePairEdit(doc: ParsedDocument, pair: Pair | undefined): TextEdit | undefined {
  const key = pair?.key as YamlNode | undefined;
  if (!pair || !key?.range) return undefined;
  return removeLinesEdit(doc, key.range[0], pairEnd(pair) ?? key.range[1]);
}

/** Deletes the lines from the one a key starts at `keyStart` (alone at its line's start) to the one its value ends on at `end`. */
function removeLinesEdit(doc: ParsedDocument, keyStart: number, end: number): TextEdit | undefined {
  if (!startsLine(doc, keyStart)) return undefined;
  const { text, lines } = doc;
  const start = lines.lineStart(lines.position(keyStart).line);
  if (text[end - 1] !== '\n') {
    const nl = text.indexOf('\n', end);
    end = nl === -1 ? text.length : nl + 1;
  }
  return replaceEdit(doc, start, end, '');
}

/** Where the text of a pair ends (its value, or its key when the value is empty). */
export function pairEnd(pair: Pair): number | undefined {
  const v = pair.value as YamlNode | undefined;
  const k = pair.key as YamlNode | undefined;
  return v?.range?.[1] ?? k?.range?.[1];
}

/**
 * Adds `key: value` lines to a block mapping, after its last entry and at its entries' column.
 * `lines` are the new lines without the mapping's indentation.
 */
export function appendToBlockMap(doc: ParsedDocument, map: YAMLMap, lines: string[]): TextEdit | undefined {
  if (!isBlockMapWithItems(map)) return undefined;
  const first = map.items[0];
  const last = map.items[map.items.length - 1];
  const column = keyColumn(doc, first);
  const end = pairEnd(last);
  if (column === undefined || end === undefined) return undefined;
  return insertLinesAfterOffset(doc, end, column, lines);
}

/**
 * {@link appendToBlockMap} for the mapping at `path` in `resource` (the root for `[]`), from the
 * block reader's spans when it took the document (no YAML tree built), else from the tree.
 */
export function appendToBlockMapAt(doc: ParsedDocument, resource: ResourceData, path: readonly PathSegment[], lines: string[]): TextEdit | undefined {
  const point = blockMapAppendPoint(resource.object, path);
  if (point) return insertLinesAfterOffset(doc, point.end, columnAt(doc, point.firstKey), lines);
  const map = path.length ? nodeAt(resource, path) : resource.node;
  return isBlockMapWithItems(map) ? appendToBlockMap(doc, map, lines) : undefined;
}

/** Adds `key: value` entries to a flow mapping written on one line (`{app: x}`). */
export function appendToFlowMap(doc: ParsedDocument, map: YAMLMap, entries: string[]): TextEdit | undefined {
  if (!isMap(map) || !map.flow || !map.range) return undefined;
  const [start, end] = map.range;
  const source = doc.text.slice(start, end);
  if (source.includes('\n') || !source.endsWith('}')) return undefined;
  if (map.items.length === 0) return replaceEdit(doc, start, end, `{${entries.join(', ')}}`);
  const last = map.items[map.items.length - 1];
  const at = pairEnd(last);
  if (at === undefined) return undefined;
  return replaceEdit(doc, at, at, `, ${entries.join(', ')}`);
}

const YAML_SPECIAL = /^(?:true|false|yes|no|on|off|y|n|null|~)$/i;
const NUMBER_LIKE = /^[-+]?(?:\d[\d_]*(?:\.[\d_]*)?(?:[eE][-+]?\d+)?|\.\d+|0[xob][0-9a-fA-F_]+|\.inf|\.nan)$/i;

/** A string as a YAML scalar: plain when it reads back as the same string, double-quoted otherwise. */
export function formatScalar(value: string): string {
  if (/^[A-Za-z0-9/][A-Za-z0-9._/-]*$/.test(value) && !YAML_SPECIAL.test(value) && !NUMBER_LIKE.test(value)) return value;
  return JSON.stringify(value);
}

/** A new string value written in the same quoting style as the scalar it replaces. */
export function formatLike(node: YamlNode | undefined, value: string): string {
  if (isScalar(node) && node.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (isScalar(node) && node.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  return formatScalar(value);
}

// ---------------------------------------------------------------------------------------------
// Edits in a placed resource (file positions)

/** A document-local edit as an edit of the resource's file. */
export function placeEdit(r: Resource, edit: TextEdit): TextEdit {
  return { file: r.file, range: shiftRange(edit.range, r.doc.startLine), newText: edit.newText };
}

function placed(r: Resource, edit: TextEdit | undefined): TextEdit | undefined {
  return edit && placeEdit(r, edit);
}

function fileRange(r: Resource, start: number, end: number): Range {
  return shiftRange(r.doc.parsed.lines.range(start, end), r.doc.startLine);
}

/** Replaces the scalar at `path`: numbers plain, strings in the quoting style of the value they replace. */
export function replaceScalar(r: Resource, path: readonly PathSegment[], value: string | number): TextEdit | undefined {
  const node = nodeAt(r, path);
  return placed(r, replaceScalarEdit(r.doc.parsed, node, typeof value === 'number' ? String(value) : formatLike(node, value)));
}

/**
 * Source offsets of `[start, end)` of a string scalar's value. Exact for plain and quoted
 * scalars; for block scalars and escaped strings the same substring is located in the source.
 */
function sourceSpan(r: Resource, path: readonly PathSegment[], start: number, end: number): [number, number] | undefined {
  const node = nodeAt(r, path);
  if (!isScalar(node) || !node.range || typeof node.value !== 'string') return undefined;
  const [s, e] = node.range;
  const raw = r.doc.parsed.text.slice(s, e);
  const value = node.value;
  if (raw === value) return [s + start, s + end];
  if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && raw.slice(1, -1) === value) return [s + 1 + start, s + 1 + end];
  const sub = value.slice(start, end);
  if (!sub) return undefined;
  let k = 0;
  for (let i = value.indexOf(sub); i !== -1 && i < start; i = value.indexOf(sub, i + 1)) k++;
  let at = -1;
  for (let i = 0; i <= k; i++) {
    at = raw.indexOf(sub, at + 1);
    if (at === -1) return undefined;
  }
  return [s + at, s + at + sub.length];
}

/** File range of `[start, end)` inside the string value at `path`; the whole value if it cannot be mapped. */
export function rangeInString(r: Resource, path: readonly PathSegment[], start: number, end: number): Range {
  const span = sourceSpan(r, path, start, end);
  return span ? fileRange(r, span[0], span[1]) : rangeOf(r, path, 'value');
}

/** Replaces `[start, end)` of the string value at `path`. */
export function replaceInString(r: Resource, path: readonly PathSegment[], start: number, end: number, newText: string): TextEdit | undefined {
  const span = sourceSpan(r, path, start, end);
  return span ? { file: r.file, range: fileRange(r, span[0], span[1]), newText } : undefined;
}

/**
 * Deletes the lines of a `key: value` pair in a block mapping. Only offered when the pair has its
 * lines to itself (a comment after it goes with it) and is not the mapping's only entry.
 */
export function deletePairLines(r: Resource, path: readonly PathSegment[]): TextEdit | undefined {
  const doc = r.doc.parsed;
  const alone = (end: number) => {
    const rest = doc.text.slice(end, lineEndOffset(doc, end)).trim();
    return rest === '' || rest.startsWith('#');
  };
  // A document the block reader took answers from its spans, without building the YAML tree.
  const quick = blockPairPlace(r.object, path);
  if (quick) return quick.blockSiblings >= 2 && alone(quick.end) ? placed(r, removeLinesEdit(doc, quick.keyStart, quick.end)) : undefined;
  const parent = path.length === 1 ? r.node : nodeAt(r, path.slice(0, -1));
  if (!isMap(parent) || parent.flow || parent.items.length < 2) return undefined;
  const pair = pairAt(r, path);
  const end = pair && pairEnd(pair);
  if (end === undefined || !alone(end)) return undefined;
  return placed(r, removePairEdit(doc, pair));
}

function lineEndOffset(doc: ParsedDocument, offset: number): number {
  const nl = doc.text.indexOf('\n', offset);
  return nl === -1 ? doc.text.length : nl;
}

/**
 * Adds entries at the end of the block mapping at `mapPath`, indented like its keys. `block` is
 * YAML relative to the mapping's indentation (`['requests:', '  cpu: 100m']`). An empty flow
 * mapping (`resources: {}`) is replaced by a block one.
 */
export function insertIntoMap(r: Resource, mapPath: readonly PathSegment[], block: string[], indentStep = 2): TextEdit | undefined {
  const found = findNode(r.node, mapPath);
  if (found.depth !== mapPath.length) return undefined;
  const doc = r.doc.parsed;
  const node = found.node;
  if (isMap(node) && node.flow) {
    const keyNode = found.pair?.key as YamlNode | undefined;
    if (node.items.length || !keyNode?.range || !node.range) return undefined;
    const col = columnAt(doc, keyNode.range[0]) + indentStep;
    const br = lineBreak(doc);
    return placed(r, replaceEdit(doc, keyNode.range[1], node.range[1], ':' + br + block.map((l) => ' '.repeat(col) + l).join(br)));
  }
  return isMap(node) ? placed(r, appendToBlockMap(doc, node, block)) : undefined;
}
