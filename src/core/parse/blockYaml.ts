import { Document, isScalar, type ScalarTag } from 'yaml';
import { KUBECTL_YAML_OPTIONS } from './goYamlSchema';

/**
 * A document written in plain block YAML — what nearly every manifest is — read in one pass over
 * its lines instead of through the YAML library's lexer, parser and composer (several times
 * faster, and it allocates no tree). Like the JSON path (jsonDocument.ts) it is taken only when the
 * result is certain to be what the YAML path gives, and the caller builds the YAML tree from the
 * same text on first use (a finding that needs a range).
 *
 * Accepted: block mappings and sequences by indentation (a sequence may sit at its key's indent);
 * plain scalars on one line, resolved by the same schema tags the YAML path uses (go-yaml's
 * booleans and integers, goYamlSchema.ts); single- and double-quoted scalars on one line (double
 * ones with JSON's escapes only); literal block scalars `|` and `|-`; flow collections that close
 * on their line (`{cpu: 100m}`, `[a, "b"]`, nested); comments and blank lines; one leading `---`.
 * Anything else — anchors, aliases, tags, flow collections over several lines or with a trailing
 * comma or an empty entry, multi-line plain or quoted scalars, folded or `|+` blocks, explicit or
 * non-string keys, `<<`, a key written twice, tabs, CR, control or Unicode line-break characters,
 * `{{`, a root that is not a mapping with a string apiVersion and kind, a `…List` kind — returns
 * undefined and takes the YAML path, which also reports whatever is wrong with it.
 * test/unit/parseFastPath.test.ts and test/fuzz/blockYaml.test.ts compare the two paths.
 */

/** Thrown (one shared object, no stack taken per document) when the document must take the YAML path. */
const REJECT = new Error('not plain block YAML');

/** Characters that make a document take the YAML path wherever they are. */
// eslint-disable-next-line no-control-regex
const UNSUPPORTED_CHARACTER = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/** First characters a plain scalar may not start with here (indicators, quotes handled apart). */
const PLAIN_START_INDICATOR = new Set(['[', ']', '{', '}', ',', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`', '?', ':']);

let tags: { plain: ScalarTag[]; string: ScalarTag } | undefined;
/** Plain scalars already resolved: primitives only (null, not undefined, for an empty one). */
const plainValues = new Map<string, unknown>();

/** A plain scalar's value as the YAML path reads it: the first default tag whose test matches, else a string. */
function resolvePlain(source: string): unknown {
  if (!tags) {
    // The schema the YAML path builds from the same options, and the YAML library's own lookup.
    const schema = new Document(null, KUBECTL_YAML_OPTIONS).schema;
    tags = {
      plain: schema.tags.filter((t): t is ScalarTag => typeof t === 'object' && t.default === true && 'test' in t && !!t.test),
      string: (schema as unknown as Record<symbol, ScalarTag>)[Symbol.for('yaml.scalar')],
    };
  }
  const known = plainValues.get(source);
  if (known !== undefined) return known;
  const tag = tags.plain.find((t) => t.test!.test(source)) ?? tags.string;
  const resolved = tag.resolve(
    source,
    () => {
      throw REJECT;
    },
    KUBECTL_YAML_OPTIONS,
  );
  const value: unknown = isScalar(resolved) ? resolved.value : resolved;
  // Keys and many values repeat across documents (`name`, `TCP`, `IfNotPresent`); the cache is bounded.
  if (plainValues.size >= 20_000) plainValues.clear();
  plainValues.set(source, value);
  return value;
}

/**
 * Where the keys and values of a read document are, per mapping and sequence (numbered in the
 * order they are read; the root mapping is 0): for a mapping its keys in order and six numbers per
 * key (key start and end, value start and end, value kind, the value's own number or -1); for a
 * sequence four per item (value start, end, kind, number). Kinds: {@link SCALAR} a scalar with
 * text (its range is the YAML node's), {@link COLLECTION} a mapping or sequence (or `[]`/`{}`),
 * {@link OTHER} an empty value or a block scalar (ranges from the YAML tree). One entry per
 * document in the weak map, found from the root object.
 */
export interface Spans {
  keys?: string[];
  pos: number[];
  /** Where the collection's YAML node starts (its first key or `-`; a flow one's `{` or `[`). */
  start?: number;
  /**
   * Where the YAML node's value ends (`range[1]`: the start of the line after its last line with
   * content, after a flow one's closing bracket), or -1 when its last value is empty (the tree
   * ends it before the line break) or comments follow it.
   */
  valueEnd?: number;
  /** A flow collection (`{…}`, `[…]`). */
  flow?: true;
}
const SCALAR = 0;
const COLLECTION = 1;
const OTHER = 2;
const spansOf = new WeakMap<object, Spans[]>();

/** A mapping key: its string, where its text starts and ends, and the offset after its colon. */
interface Key {
  name: string;
  after: number;
  start: number;
  end: number;
}

class BlockReader {
  /** Offset of the start of the current line. */
  private pos = 0;
  /** The span of the value `value()` or `blockBelow()` read last: start, end, kind, collection number. */
  private vs = 0;
  private ve = 0;
  private vk = OTHER;
  private vc = -1;
  /** Spans of every mapping and sequence read, by number. */
  readonly spans: Spans[] = [];
  /** The start of the line after the last line with content read so far. */
  private contentEnd = 0;
  /** `contentEnd` when that line ended in an empty value (the tree's mapping then ends before the line break). */
  private emptyValueEnd = -1;

  constructor(private readonly text: string) {}

  read(): Record<string, unknown> {
    this.skipLeadingMarker();
    const line = this.nextContentLine();
    if (!line || line.indent !== 0) throw REJECT;
    const first = this.key(line.start);
    if (!first) throw REJECT;
    const root = this.mapping(0, first);
    if (this.nextContentLine()) throw REJECT;
    return root;
  }

  // --- lines ----------------------------------------------------------------------------------

  private lineEnd(from: number): number {
    const nl = this.text.indexOf('\n', from);
    return nl === -1 ? this.text.length : nl;
  }

  /** Skips blank and comment lines; the next line with content (not consumed), or undefined. */
  private nextContentLine(): { indent: number; start: number } | undefined {
    const t = this.text;
    while (this.pos < t.length) {
      let i = this.pos;
      while (t.charCodeAt(i) === 0x20) i++;
      const c = t.charCodeAt(i);
      if (i >= t.length) return undefined;
      if (c === 0x0a || c === 0x23 /* # */) {
        const end = this.lineEnd(i);
        this.pos = end + 1;
        continue;
      }
      return { indent: i - this.pos, start: i };
    }
    return undefined;
  }

  /** One `---` line (alone or with a comment) before the content, as a chunk after the first starts. */
  private skipLeadingMarker(): void {
    const t = this.text;
    const line = this.nextContentLine();
    if (!line || !t.startsWith('---', line.start) || line.indent !== 0) return;
    const end = this.lineEnd(line.start);
    const rest = t.slice(line.start + 3, end);
    if (!/^(?: +(?:#.*)?)?$/.test(rest)) throw REJECT;
    this.pos = end + 1;
  }

  /** Moves to the next line after `end` (the end of the current line's content). */
  private nextLine(end: number): void {
    this.pos = end >= this.text.length ? this.text.length : end + 1;
    this.contentEnd = this.pos;
  }

  // --- collections ------------------------------------------------------------------------------

  /** A block mapping whose keys stand at column `indent`; `first` is its first key, read from the current line. */
  private mapping(indent: number, first: Key): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const keys: string[] = [];
    const pos: number[] = [];
    const id = this.spans.push({ keys, pos, start: first.start }) - 1;
    let key: Key | undefined = first;
    for (;;) {
      if (Object.hasOwn(out, key.name) || key.name === '__proto__' || key.name === '<<') throw REJECT;
      out[key.name] = this.value(key.after, indent, true);
      keys.push(key.name);
      pos.push(key.start, key.end, this.vs, this.ve, this.vk, this.vc);
      const next = this.nextContentLine();
      if (!next || next.indent < indent) break;
      if (next.indent > indent) throw REJECT;
      // A sequence entry at the mapping's own indent belongs to a key with no value; anywhere else it is wrong.
      if (this.isEntry(next.start)) break;
      key = this.key(next.start);
      if (!key) throw REJECT;
    }
    this.endCollection(id);
    return out;
  }

  /** A block sequence whose `-` stand at column `indent`; the current line starts with one. */
  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    const pos: number[] = [];
    const spans: Spans = { pos };
    const id = this.spans.push(spans) - 1;
    const t = this.text;
    for (;;) {
      const line = this.nextContentLine();
      if (!line || line.indent < indent) break;
      if (line.indent > indent) throw REJECT;
      if (!this.isEntry(line.start)) break;
      spans.start ??= line.start;
      let p = line.start + 1;
      while (t.charCodeAt(p) === 0x20) p++;
      const end = this.lineEnd(p);
      if (p >= end || t.charCodeAt(p) === 0x23) {
        // `-` alone: the item is the block on the next lines, or null.
        this.nextLine(end);
        out.push(this.blockBelow(indent, false));
      } else if (this.isEntry(p)) {
        throw REJECT; // `- - a`
      } else {
        const key = this.key(p);
        out.push(key ? this.mapping(p - this.lineStartOf(p), key) : this.value(p, indent, false));
      }
      pos.push(this.vs, this.ve, this.vk, this.vc);
    }
    this.endCollection(id);
    return out;
  }

  /**
   * The collection just read is the last value read: where it ends, and its number. Its loop has
   * looked ahead to the next line with content; comments between that line and its own last one
   * are counted into it by the YAML library in some shapes and not in others, so then only the
   * tree knows the end.
   */
  private endCollection(id: number): void {
    const comment = this.text.indexOf('#', this.contentEnd);
    const known = this.emptyValueEnd !== this.contentEnd && (comment === -1 || comment >= this.pos);
    this.spans[id].valueEnd = known ? this.contentEnd : -1;
    this.vk = COLLECTION;
    this.vc = id;
  }

  private lineStartOf(p: number): number {
    return this.text.lastIndexOf('\n', p - 1) + 1;
  }

  /** `-` followed by a space or the end of the line. */
  private isEntry(p: number): boolean {
    const t = this.text;
    if (t.charCodeAt(p) !== 0x2d) return false;
    const c = t.charCodeAt(p + 1);
    return c === 0x20 || c === 0x0a || p + 1 >= t.length;
  }

  /**
   * The node below a key or `-` that has nothing after it on its line: a mapping or sequence on the
   * next lines, more indented than `indent` (a mapping's value may also be a sequence at its key's
   * indent), or null.
   */
  private blockBelow(indent: number, mapValue: boolean): unknown {
    this.vk = OTHER;
    this.vc = -1;
    const empty = this.contentEnd;
    const next = this.nextContentLine();
    if (next && next.indent > indent) {
      if (this.isEntry(next.start)) return this.sequence(next.indent);
      const key = this.key(next.start);
      if (key) return this.mapping(next.indent, key);
      throw REJECT; // a scalar on the next line: multi-line
    }
    if (next && mapValue && next.indent === indent && this.isEntry(next.start)) return this.sequence(indent);
    this.emptyValueEnd = empty;
    return null;
  }

  // --- keys and values ----------------------------------------------------------------------------

  /** A key at `p` (plain or quoted, a string) followed by `:` and a space or the end of the line. */
  private key(p: number): Key | undefined {
    const t = this.text;
    const end = this.lineEnd(p);
    const c = t[p];
    let name: string;
    let colon: number;
    let keyEnd: number;
    if (c === '"' || c === "'") {
      const q = this.quoted(p, end);
      if (!q) return undefined;
      name = q.value;
      colon = q.end;
      keyEnd = q.end;
    } else {
      if (PLAIN_START_INDICATOR.has(c) || (c === '-' && this.isEntry(p))) return undefined;
      colon = -1;
      for (let i = p; i < end; i++) {
        const d = t.charCodeAt(i);
        if (d === 0x3a /* : */ && (i + 1 >= end || t.charCodeAt(i + 1) === 0x20)) {
          colon = i;
          break;
        }
        if (d === 0x23 /* # */ && t.charCodeAt(i - 1) === 0x20) return undefined;
      }
      if (colon === -1) return undefined;
      name = t.slice(p, colon).replace(/ +$/, '');
      if (!name || name.length > 1000) return undefined;
      keyEnd = p + name.length;
      // A key that reads as a number, boolean or null is not a string key.
      if (resolvePlain(name) !== name) return undefined;
    }
    if (t.charCodeAt(colon) !== 0x3a || !(colon + 1 >= end || t.charCodeAt(colon + 1) === 0x20)) return undefined;
    return { name, after: colon + 1, start: p, end: keyEnd };
  }

  /**
   * The value that starts at or after `p` on the current line (after a key's colon or a `-`), with
   * the lines it takes; `indent` is the column of its mapping's keys or its sequence's dashes.
   */
  private value(p: number, indent: number, mapValue: boolean): unknown {
    const t = this.text;
    const end = this.lineEnd(p);
    while (p < end && t.charCodeAt(p) === 0x20) p++;
    if (p >= end || t.charCodeAt(p) === 0x23) {
      this.nextLine(end);
      return this.blockBelow(indent, mapValue);
    }
    const c = t[p];
    let value: unknown;
    let after: number;
    this.vc = -1;
    if (c === '"' || c === "'") {
      const q = this.quoted(p, end);
      if (!q) throw REJECT;
      value = q.value;
      after = q.end;
      this.vk = SCALAR;
    } else if (c === '|') {
      const text = this.literal(p, end, indent);
      this.vk = OTHER;
      return text;
    } else if (c === '[' || c === '{') {
      value = this.flowCollection(p, end);
      after = this.flowAt;
    } else {
      if (PLAIN_START_INDICATOR.has(c) || this.isEntry(p)) throw REJECT;
      let stop = end;
      for (let i = p; i < end; i++) {
        const d = t.charCodeAt(i);
        if (d === 0x23 && t.charCodeAt(i - 1) === 0x20) {
          stop = i;
          break;
        }
        // `a: b: c` (a mapping in a compact one) and a trailing `:` are errors on the YAML path.
        if (d === 0x3a && (i + 1 >= end || t.charCodeAt(i + 1) === 0x20)) throw REJECT;
      }
      const source = t.slice(p, stop).replace(/ +$/, '');
      value = resolvePlain(source);
      if (value !== null && typeof value === 'object') throw REJECT;
      after = p + source.length;
      this.vk = SCALAR;
    }
    this.vs = p;
    this.ve = after;
    // Only spaces and a comment after the value.
    let i = after;
    while (i < end && t.charCodeAt(i) === 0x20) i++;
    if (i < end && !(t.charCodeAt(i) === 0x23 && i > after)) throw REJECT;
    this.nextLine(end);
    return value;
  }

  // --- flow collections on one line ---------------------------------------------------------------

  /**
   * A flow mapping or sequence that starts at `p` and closes on the same line: items separated by
   * `, `, keys followed by `: `, scalars plain (ending at a flow indicator) or quoted, nested flow
   * collections. Left to the YAML path: a collection over several lines, a trailing comma, an
   * empty item or value, a key with no value, a `:` a plain scalar could end at, a comment, `"a":b`.
   * Sets the value's span (`vs`, `ve`, `vk`, `vc`) and `flowAt`, the offset after it.
   */
  private flowCollection(p: number, end: number): unknown {
    const t = this.text;
    const isMap = t.charCodeAt(p) === 0x7b; /* { */
    const close = isMap ? 0x7d : 0x5d; /* } ] */
    let i = this.skipSpaces(p + 1, end);
    if (t.charCodeAt(i) === close) {
      // `[]`, `{ }`: no span of their own (ranges of an empty collection come from the tree).
      this.setFlowSpan(p, i + 1, COLLECTION, -1);
      return isMap ? {} : [];
    }
    const keys: string[] = [];
    const pos: number[] = [];
    const id = this.spans.push(isMap ? { keys, pos, start: p, flow: true } : { pos, start: p, flow: true }) - 1;
    const map: Record<string, unknown> = {};
    const seq: unknown[] = [];
    for (;;) {
      if (isMap) {
        const key = this.flowKey(i, end);
        if (Object.hasOwn(map, key.name) || key.name === '__proto__' || key.name === '<<') throw REJECT;
        map[key.name] = this.flowValue(key.after, end);
        keys.push(key.name);
        pos.push(key.start, key.end, this.vs, this.ve, this.vk, this.vc);
      } else {
        seq.push(this.flowValue(i, end));
        pos.push(this.vs, this.ve, this.vk, this.vc);
      }
      i = this.skipSpaces(this.flowAt, end);
      const d = t.charCodeAt(i);
      if (d === close) break;
      if (d !== 0x2c /* , */) throw REJECT;
      i = this.skipSpaces(i + 1, end);
      if (i >= end || t.charCodeAt(i) === close) throw REJECT;
    }
    this.spans[id].valueEnd = i + 1;
    this.setFlowSpan(p, i + 1, COLLECTION, id);
    return isMap ? map : seq;
  }

  /** Offset after the value a flow collection's part read last. */
  private flowAt = 0;

  private setFlowSpan(start: number, end: number, kind: number, collection: number): void {
    this.vs = start;
    this.ve = end;
    this.vk = kind;
    this.vc = collection;
    this.flowAt = end;
  }

  private skipSpaces(i: number, end: number): number {
    while (i < end && this.text.charCodeAt(i) === 0x20) i++;
    return i;
  }

  /** A key in a flow mapping at `p`: a string written plain or quoted, then `: ` right after it. */
  private flowKey(p: number, end: number): Key {
    const t = this.text;
    let name: string;
    let keyEnd: number;
    if (t[p] === '"' || t[p] === "'") {
      const q = this.quoted(p, end);
      if (!q) throw REJECT;
      name = q.value;
      keyEnd = q.end;
    } else {
      keyEnd = this.flowPlainEnd(p, end, true);
      name = t.slice(p, keyEnd);
      if (name.length > 1000 || resolvePlain(name) !== name) throw REJECT;
    }
    if (t.charCodeAt(keyEnd) !== 0x3a || t.charCodeAt(keyEnd + 1) !== 0x20) throw REJECT;
    return { name, start: p, end: keyEnd, after: this.skipSpaces(keyEnd + 1, end) };
  }

  /** A value or item in a flow collection at `p`: a scalar or a nested flow collection. */
  private flowValue(p: number, end: number): unknown {
    const t = this.text;
    const c = t[p];
    if (c === '[' || c === '{') return this.flowCollection(p, end);
    if (c === '"' || c === "'") {
      const q = this.quoted(p, end);
      if (!q) throw REJECT;
      this.setFlowSpan(p, q.end, SCALAR, -1);
      return q.value;
    }
    const stop = this.flowPlainEnd(p, end, false);
    const value = resolvePlain(t.slice(p, stop));
    if (value !== null && typeof value === 'object') throw REJECT;
    this.setFlowSpan(p, stop, SCALAR, -1);
    return value;
  }

  /**
   * Where a plain scalar in a flow collection that starts at `p` ends (its last non-space
   * character + 1): before a flow indicator, or for a key before its `: `. Anything it could be
   * read otherwise at — a `:` before a space or an indicator, a comment, the end of the line, an
   * indicator where it starts — takes the YAML path.
   */
  private flowPlainEnd(p: number, end: number, key: boolean): number {
    const t = this.text;
    const c = t[p];
    if (c === undefined || PLAIN_START_INDICATOR.has(c)) throw REJECT;
    // `-` starts a plain scalar only before a character that may be in one (`-1`, not `- a` or `-]`).
    if (c === '-' && (p + 1 >= end || ' ,[]{}'.includes(t[p + 1]))) throw REJECT;
    let i = p;
    for (; i < end; i++) {
      const d = t.charCodeAt(i);
      if (d === 0x2c || d === 0x5b || d === 0x5d || d === 0x7b || d === 0x7d) break;
      if (d === 0x23 /* # */ && t.charCodeAt(i - 1) === 0x20) throw REJECT;
      if (d === 0x3a /* : */) {
        const e = t.charCodeAt(i + 1);
        const ends = i + 1 >= end || e === 0x20 || e === 0x2c || e === 0x5b || e === 0x5d || e === 0x7b || e === 0x7d;
        if (!ends) continue;
        if (key && e === 0x20) break;
        throw REJECT;
      }
    }
    if (i >= end) throw REJECT;
    let last = i;
    while (last > p && t.charCodeAt(last - 1) === 0x20) last--;
    // A key written `a : b`: its range on the YAML path is not worth a rule of its own here.
    if (last === p || (key && last !== i)) throw REJECT;
    if (key && t.charCodeAt(i) !== 0x3a) throw REJECT;
    return last;
  }

  /** A quoted scalar on one line from `p`: its value and the offset after the closing quote. */
  private quoted(p: number, end: number): { value: string; end: number } | undefined {
    const t = this.text;
    const q = t[p];
    if (q === "'") {
      let value = '';
      let i = p + 1;
      for (;;) {
        const close = t.indexOf("'", i);
        if (close === -1 || close >= end) return undefined;
        value += t.slice(i, close);
        if (t[close + 1] === "'") {
          value += "'";
          i = close + 2;
          continue;
        }
        return { value, end: close + 1 };
      }
    }
    let escaped = false;
    for (let i = p + 1; i < end; i++) {
      const c = t[i];
      if (c === '\\') {
        // JSON's escapes read the same in YAML; YAML's others (\x, \e, \N, \_, \L, \P, \0, \a, \v, a line break) take the YAML path.
        if (!'"\\/bfnrtu'.includes(t[i + 1] ?? '')) return undefined;
        escaped = true;
        i++;
        continue;
      }
      if (c === '"') {
        const body = t.slice(p, i + 1);
        if (!escaped) return { value: body.slice(1, -1), end: i + 1 };
        try {
          return { value: JSON.parse(body) as string, end: i + 1 };
        } catch {
          return undefined;
        }
      }
    }
    return undefined;
  }

  /** A literal block scalar (`|` or `|-`) whose header is at `p`, under a node at column `indent`. */
  private literal(p: number, end: number, indent: number): string {
    const t = this.text;
    const header = /^\|(-?)(?: +(?:#.*)?)?$/.exec(t.slice(p, end));
    if (!header || end >= t.length) throw REJECT;
    const strip = header[1] === '-';
    const lines: string[] = [];
    let contentIndent = -1;
    let blankRun: number[] = [];
    let pos = end + 1;
    let lastContentEnd = -1;
    while (pos < t.length) {
      const lineEnd = this.lineEnd(pos);
      let i = pos;
      while (i < lineEnd && t.charCodeAt(i) === 0x20) i++;
      const spaces = i - pos;
      if (i === lineEnd) {
        // Blank: part of the scalar (as an empty line) if content follows at its indent.
        blankRun.push(spaces);
        pos = lineEnd + 1;
        continue;
      }
      if (contentIndent === -1) {
        if (spaces <= indent) break;
        contentIndent = spaces;
      } else if (spaces < contentIndent) break;
      // A blank line with more spaces than the indent keeps them as content: not read here.
      if (blankRun.some((s) => s > contentIndent)) throw REJECT;
      for (let k = 0; k < blankRun.length; k++) lines.push('');
      blankRun = [];
      lines.push(t.slice(pos + contentIndent, lineEnd));
      lastContentEnd = lineEnd;
      pos = lineEnd + 1;
    }
    // Empty, ending without a line break, or trailing blank lines with more spaces than the indent.
    if (contentIndent === -1 || lastContentEnd >= t.length || blankRun.some((s) => s > contentIndent)) throw REJECT;
    this.pos = lastContentEnd + 1;
    this.contentEnd = this.pos;
    const body = lines.join('\n');
    return strip ? body : `${body}\n`;
  }
}

/** The object of a document in plain block YAML that reads the same on the YAML path, or undefined. */
export function parseBlockObject(text: string): Record<string, unknown> | undefined {
  if (UNSUPPORTED_CHARACTER.test(text) || text.includes('{{') || text.includes('\r')) return undefined;
  const reader = new BlockReader(text);
  let obj: Record<string, unknown>;
  try {
    obj = reader.read();
  } catch (e) {
    // A nesting too deep for the stack is the YAML path's to report, as it always was.
    if (e === REJECT || e instanceof RangeError) return undefined;
    throw e;
  }
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string' || obj.kind.endsWith('List')) return undefined;
  spansOf.set(obj, reader.spans);
  return obj;
}

/** The spans of a document the reader took (plain data, for a copy made in another thread), or undefined. */
export function spansOfObject(root: object): Spans[] | undefined {
  return spansOf.get(root);
}

/** Gives a copy of a read object (structured-cloned from a worker) the spans of its original. */
export function adoptSpans(root: object, spans: Spans[]): void {
  spansOf.set(root, spans);
}

/**
 * The offsets of a taken document's root mapping as the YAML tree gives them (its first key to the
 * end of its content), or undefined when the reader did not take it or only the tree knows the end.
 * With no comment after the content (else `valueEnd` is -1) the node ends where its value does.
 */
export function blockRootRange(root: object): [number, number] | undefined {
  const spans = spansOf.get(root)?.[0];
  if (spans?.start === undefined || spans.valueEnd === undefined || spans.valueEnd < 0) return undefined;
  return [spans.start, spans.valueEnd];
}

/** Which part of a key-value pair a range covers (locate.ts RangePart). */
type Part = 'auto' | 'key' | 'value' | 'pair';

/**
 * The offsets of `path` in a document the reader took, as the YAML tree would give them
 * (locate.ts localRangeOf), without building the tree; undefined when the reader did not take the
 * document or the answer needs the tree (a missing path, an empty value, a block scalar, a
 * collection's own range).
 */
export function blockRange(root: object, path: readonly (string | number)[], part: Part): [number, number] | undefined {
  const at = walk(root, path);
  if (!at) return undefined;
  const { key, start, end, kind } = at;
  const value: [number, number] | undefined = kind === SCALAR ? [start, end] : undefined;
  switch (part) {
    case 'key':
      return key ?? value;
    case 'value':
      return value;
    case 'pair':
      return key && value ? [key[0], value[1]] : undefined;
    default:
      // Scalars underline the value, collections the key.
      return value ?? (kind === COLLECTION ? key : undefined);
  }
}

/**
 * From the start of `path`'s key (or of the item, in a sequence) to where its value ends, as the
 * YAML tree gives them (`key.range[0]` or `value.range[0]`, to `value.range[1]`), in a document
 * the reader took; undefined when the path is missing or only the tree knows.
 */
export function blockPairSpan(root: object, path: readonly (string | number)[]): [number, number] | undefined {
  const at = walk(root, path);
  if (!at) return undefined;
  const { key, start, end, kind, collection } = at;
  const from = key ? key[0] : kind === SCALAR ? start : collection?.start;
  const to = valueEndOf(kind, end, collection);
  return from !== undefined && to !== undefined ? [from, to] : undefined;
}

/**
 * Where a value's text ends as the tree gives it (`range[1]`), from its span: a scalar's end, a
 * collection's `valueEnd`; undefined when only the tree knows (an empty value, a block scalar,
 * `[]`/`{}`, a collection with comments after it).
 */
function valueEndOf(kind: number, end: number, collection: Spans | undefined): number | undefined {
  if (kind === SCALAR) return end;
  const to = kind === COLLECTION ? collection?.valueEnd : undefined;
  return to !== undefined && to >= 0 ? to : undefined;
}

/**
 * Where lines appended to the block mapping at `path` (the root for `[]`) go, as the YAML tree
 * says (yamlEdits.ts appendToBlockMap): the offset of its first key (whose column the new lines
 * take) and where its last entry's text ends. Undefined when the reader did not take the
 * document, the path is not a block mapping with entries, or only the tree knows the end (an
 * empty last value, a block scalar, an empty `{}`, a nested end the tree decides).
 */
export function blockMapAppendPoint(root: object, path: readonly (string | number)[]): { firstKey: number; end: number } | undefined {
  const all = spansOf.get(root);
  if (!all) return undefined;
  let map: Spans | undefined = all[0];
  if (path.length) {
    const at = walk(root, path);
    map = at?.kind === COLLECTION ? at.collection : undefined;
  }
  if (!map?.keys?.length || map.flow) return undefined;
  const last = 6 * (map.keys.length - 1);
  const end = valueEndOf(map.pos[last + 4], map.pos[last + 3], collectionAt(all, map.pos[last + 5]));
  return end !== undefined ? { firstKey: map.pos[0], end } : undefined;
}

/** The spans of collection number `id` (-1: a value that is no collection, or `[]`/`{}`). */
function collectionAt(all: readonly Spans[], id: number): Spans | undefined {
  return id >= 0 ? all[id] : undefined;
}

/**
 * Each top-level key whose value is a block mapping with entries, with that mapping's first key,
 * in order (yamlEdits.ts indentUnit reads the nesting step from them); undefined when the reader
 * did not take the document.
 */
export function blockFirstNestedKeys(root: object): { parentKey: number; childKey: number }[] | undefined {
  const all = spansOf.get(root);
  const top = all?.[0];
  if (!all || !top?.keys) return undefined;
  const out: { parentKey: number; childKey: number }[] = [];
  for (let i = 0; i < top.keys.length; i++) {
    const child = top.pos[6 * i + 4] === COLLECTION ? collectionAt(all, top.pos[6 * i + 5]) : undefined;
    if (child?.keys?.length && !child.flow) out.push({ parentKey: top.pos[6 * i], childKey: child.pos[0] });
  }
  return out;
}

/**
 * The key-value pair at `path` (its last segment a mapping key) in a taken document: where its key
 * starts, where its text ends (yamlEdits.ts pairEnd), and how many entries its mapping has — 0
 * when that mapping is a flow one. Undefined when the reader did not take the document, the pair
 * is missing, or only the tree knows its end.
 */
export function blockPairPlace(root: object, path: readonly (string | number)[]): { keyStart: number; end: number; blockSiblings: number } | undefined {
  const all = spansOf.get(root);
  if (!all || !path.length || typeof path[path.length - 1] !== 'string') return undefined;
  const parent = path.length === 1 ? all[0] : walk(root, path.slice(0, -1))?.collection;
  const i = parent?.keys ? parent.keys.indexOf(path[path.length - 1] as string) : -1;
  if (!parent?.keys || i === -1) return undefined;
  const p = parent.pos;
  const end = valueEndOf(p[6 * i + 4], p[6 * i + 3], collectionAt(all, p[6 * i + 5]));
  return end !== undefined ? { keyStart: p[6 * i], end, blockSiblings: parent.flow ? 0 : parent.keys.length } : undefined;
}

/** Whether `path` exists in a taken document (a null value counts); undefined when the reader did not take it. */
export function blockHasPath(root: object, path: readonly (string | number)[]): boolean | undefined {
  if (!spansOf.has(root)) return undefined;
  return path.length === 0 || walk(root, path) !== undefined;
}

/** The spans of the place `path` leads to in a taken document: its key, its value's offsets and kind, its collection. */
function walk(
  root: object,
  path: readonly (string | number)[],
): { key?: [number, number]; start: number; end: number; kind: number; collection?: Spans } | undefined {
  const all = spansOf.get(root);
  if (!all || !path.length) return undefined;
  let at = 0;
  let key: [number, number] | undefined;
  let start = 0;
  let end = 0;
  let kind = OTHER;
  for (const seg of path) {
    const spans = at >= 0 ? all[at] : undefined;
    if (!spans) return undefined;
    const p = spans.pos;
    if (spans.keys) {
      const i = typeof seg === 'string' ? spans.keys.indexOf(seg) : -1;
      if (i === -1) return undefined;
      key = [p[6 * i], p[6 * i + 1]];
      [start, end, kind, at] = [p[6 * i + 2], p[6 * i + 3], p[6 * i + 4], p[6 * i + 5]];
    } else {
      if (typeof seg !== 'number' || !Number.isInteger(seg) || seg < 0 || 4 * seg >= p.length) return undefined;
      key = undefined;
      [start, end, kind, at] = [p[4 * seg], p[4 * seg + 1], p[4 * seg + 2], p[4 * seg + 3]];
    }
  }
  return { key, start, end, kind, collection: collectionAt(all, at) };
}
