import { parseAllDocuments, isAlias, isMap, isScalar, isSeq, visit, type Document, type YAMLMap, type Node as YamlNode } from 'yaml';
import type { Finding, Range, Severity } from '../findings';
import { shiftRange, ZERO_RANGE } from '../findings';
import { IndentedLineIndex, LineIndex } from './lineIndex';
import { splitDocuments } from './documentSplitter';
import { recordMergeSources } from './locate';
import { KUBECTL_YAML_OPTIONS } from './goYamlSchema';
import { adoptSpans, parseBlockObject, spansOfObject, type Spans } from './blockYaml';
import { parseJsonObject } from './jsonDocument';
import { errorText } from '../errorText';
import { pushTo } from '../multimap';

/** Limits that turn hostile input into a finding instead of a hang. */
export interface ParseLimits {
  /** Files larger than this are reported and not parsed. */
  maxFileBytes: number;
  /** Aliases resolved per document before we call it an alias bomb. */
  maxAliasCount: number;
  /** Documents per file; the rest are reported and ignored. */
  maxDocuments: number;
}

export const DEFAULT_LIMITS: ParseLimits = {
  maxFileBytes: 8 * 1024 * 1024,
  maxAliasCount: 200,
  maxDocuments: 10_000,
};

/** A finding whose range is relative to the start of its document chunk and whose file is not yet known. */
export type LocalFinding = Omit<Finding, 'file'>;

/** The parts of one Kubernetes object that do not depend on where its document sits in a file. */
export interface ResourceData {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  /** The object as plain data (what `kubectl` would send, nulls included). */
  object: Record<string, unknown>;
  /** The YAML mapping node of the object, for locating keys and values. */
  node: YAMLMap;
  /** Path from the document root to this object: [] or ['items', i] inside a `kind: List`. */
  itemPath: (string | number)[];
}

/**
 * One YAML document, parsed once and cached by its exact text. Ranges inside are local to the
 * chunk (line 0 is the chunk's first line).
 */
export interface ParsedDocument {
  text: string;
  lines: LineIndex;
  yaml?: Document.Parsed;
  resources: ResourceData[];
  /** Syntax and shape findings, local ranges. */
  findings: LocalFinding[];
  hasSyntaxErrors: boolean;
  /** Go/Helm template actions (`{{ … }}`) stand where YAML reads structure: a template, not a manifest. */
  templated?: boolean;
  /** Per-configuration analysis results (schema, per-resource rules), keyed by a settings fingerprint. */
  analysis?: { key: string; findings: LocalFinding[] };
}

/** A parsed document placed in a file. */
export interface PlacedDocument {
  file: string;
  index: number;
  startLine: number;
  parsed: ParsedDocument;
}

/** One Kubernetes object at its place in the workspace. */
export interface Resource extends ResourceData {
  /** Stable while the file keeps its document order: `file#doc` or `file#doc.item`. */
  id: string;
  file: string;
  doc: PlacedDocument;
}

export interface ParsedFile {
  file: string;
  text: string;
  documents: PlacedDocument[];
  resources: Resource[];
  /** All parse findings of the file, with file positions. */
  findings: Finding[];
}

/**
 * Caches parsed documents by text so an edit re-parses only the document it touched, and files
 * with the same document share one parse.
 *
 * Each `get` is a hold on the document for the file version that asked; the index releases a
 * file version's holds when it replaces or drops it. A document nobody holds is kept only among
 * the last few released (an undo, a file set back to what it was): typing would otherwise keep
 * every intermediate text of a document parsed until the entry limit (about 20 KB per keystroke
 * in a 2,000-file workspace).
 */
export class DocumentCache {
  private readonly held = new Map<string, { doc: ParsedDocument; holders: number }>();
  /** Released documents, oldest first, with the characters of text they hold in all. */
  private readonly released = new Map<string, ParsedDocument>();
  private releasedChars = 0;

  constructor(
    private readonly maxEntries = 50_000,
    /** The released documents kept: at most this many, and at most `maxReleasedChars` of text. */
    private readonly maxReleased = 256,
    private readonly maxReleasedChars = 2_000_000,
  ) {}

  /** The parse of `text`, held until {@link release}d. */
  get(text: string, limits: ParseLimits): ParsedDocument {
    const entry = this.held.get(text);
    if (entry) {
      entry.holders++;
      return entry.doc;
    }
    let doc = this.released.get(text);
    if (doc) {
      this.released.delete(text);
      this.releasedChars -= text.length;
    } else doc = parseDocumentChunk(text, limits);
    // Past the limit a document is parsed for its file without being shared.
    if (this.held.size < this.maxEntries) this.held.set(text, { doc, holders: 1 });
    return doc;
  }

  /** Drops one hold on a document `get` returned; other documents are ignored. */
  release(doc: ParsedDocument): void {
    const entry = this.held.get(doc.text);
    if (entry?.doc !== doc || --entry.holders > 0) return;
    this.held.delete(doc.text);
    this.released.set(doc.text, doc);
    this.releasedChars += doc.text.length;
    while (this.released.size > this.maxReleased || (this.releasedChars > this.maxReleasedChars && this.released.size > 0)) {
      const [text] = this.released.keys();
      this.released.delete(text);
      this.releasedChars -= text.length;
    }
  }

  /** Documents held, and released ones still kept. */
  get size(): { held: number; released: number } {
    return { held: this.held.size, released: this.released.size };
  }

  clear(): void {
    this.held.clear();
    this.released.clear();
    this.releasedChars = 0;
  }
}

export function parseManifestFile(
  file: string,
  source: string,
  options: {
    limits?: ParseLimits;
    cache?: DocumentCache;
    /**
     * The file's previous parse: a document that reads the same and stays where it was keeps its
     * placed document and resources (the same objects), so caches keyed by them carry over an edit.
     */
    previous?: ParsedFile;
  } = {},
): ParsedFile {
  const limits = options.limits ?? DEFAULT_LIMITS;
  // A lone CR is a line break to go-yaml (and to editors); the YAML library and the splitter only
  // know LF and CRLF. Same length, so every offset stays where it was.
  const text = source.includes('\r') ? source.replace(/\r(?!\n)/g, '\n') : source;
  const result: ParsedFile = { file, text, documents: [], resources: [], findings: [] };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxFileBytes) {
    result.findings.push({
      code: 'file-too-large',
      severity: 'warning',
      message: `File is ${formatBytes(bytes)}, over the ${formatBytes(limits.maxFileBytes)} limit; it was not validated (setting kubeTopology.maxFileSizeKB).`,
      file,
      range: ZERO_RANGE,
    });
    return result;
  }
  if (text.indexOf('\u0000') !== -1) {
    const at = new LineIndex(text).position(text.indexOf('\u0000'));
    result.findings.push({
      code: 'binary-file',
      severity: 'warning',
      message: 'File contains NUL bytes and looks binary; it was not validated.',
      file,
      range: { start: at, end: { line: at.line, character: at.character + 1 } },
    });
    return result;
  }
  const chunks = splitDocuments(text);
  const previous = options.previous?.file === file ? placedResources(options.previous) : undefined;
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i];
    if (i >= limits.maxDocuments) {
      result.findings.push({
        code: 'too-many-documents',
        severity: 'warning',
        message: `File has more than ${limits.maxDocuments} documents; the rest were not validated.`,
        file,
        range: { start: { line: chunk.startLine, character: 0 }, end: { line: chunk.startLine, character: 3 } },
      });
      break;
    }
    const before = previous ? options.previous!.documents[i] : undefined;
    // The document at the same place reading the same is the usual case after a keystroke: compared
    // directly (a memory compare), not hashed again for the cache (a 5,000-line file has hundreds).
    const parsed =
      before && before.parsed.text === chunk.text
        ? before.parsed
        : options.cache
          ? options.cache.get(chunk.text, limits)
          : parseDocumentChunk(chunk.text, limits);
    const same = previous && before && before.parsed === parsed && before.startLine === chunk.startLine;
    const placed: PlacedDocument = same ? before : { file, index: i, startLine: chunk.startLine, parsed };
    result.documents.push(placed);
    for (const f of parsed.findings) result.findings.push(placeFinding(f, file, chunk.startLine));
    const kept = same ? previous.get(before) : undefined;
    if (kept) {
      result.resources.push(...kept);
      continue;
    }
    parsed.resources.forEach((data, j) => {
      const id = data.itemPath.length ? `${file}#${i}.${j}` : `${file}#${i}`;
      result.resources.push(placeResource(data, id, file, placed));
    });
  }
  return result;
}

/** A parsed file's resources by the placed document they are in. */
function placedResources(parsed: ParsedFile): Map<PlacedDocument, Resource[]> {
  const out = new Map<PlacedDocument, Resource[]>();
  for (const r of parsed.resources) {
    pushTo(out, r.doc, r);
  }
  return out;
}

/** A resource at its place; a node built on first use (a document read by a fast path) stays so. */
function placeResource(data: ResourceData, id: string, file: string, doc: PlacedDocument): Resource {
  if (!Object.getOwnPropertyDescriptor(data, 'node')?.get) return { ...data, id, file, doc };
  const { apiVersion, kind, name, namespace, object, itemPath } = data;
  const resource = { apiVersion, kind, name, namespace, object, itemPath, id, file, doc } as Resource;
  Object.defineProperty(resource, 'node', { enumerable: true, get: () => data.node });
  return resource;
}

let fastPaths = true;

/**
 * Whether documents may be read by a fast path (plain JSON with JSON.parse, plain block YAML with
 * blockYaml.ts). Off only to compare the paths (test/unit/parseFastPath.test.ts): they must give
 * the same findings.
 */
export function setFastPaths(on: boolean): void {
  fastPaths = on;
}

function parseDocumentChunk(source: string, limits: ParseLimits): ParsedDocument {
  const fast = fastPaths ? (parseJsonObject(source) ?? parseBlockObject(source)) : undefined;
  return fast ? fastDocument(source, fast) : parseYamlChunk(source, limits);
}

/**
 * A document read by a fast path (JSON.parse, or the plain block YAML reader): its YAML tree (for
 * ranges) is parsed from the same text on first use.
 */
function fastDocument(text: string, obj: Record<string, unknown>): ParsedDocument {
  // Only the tree is wanted (the object, findings and line table are already here): one YAML
  // document whose root is the object's mapping, as both fast paths guarantee.
  let tree: Document.Parsed | undefined;
  const treeOf = () => (tree ??= parseYaml(text)[0]);
  const meta = obj.metadata && typeof obj.metadata === 'object' ? (obj.metadata as Record<string, unknown>) : undefined;
  const data = {
    apiVersion: obj.apiVersion as string,
    kind: obj.kind as string,
    name: typeof meta?.name === 'string' ? meta.name : undefined,
    namespace: typeof meta?.namespace === 'string' ? meta.namespace : undefined,
    object: obj,
    itemPath: [],
  } as Omit<ResourceData, 'node'> as ResourceData;
  Object.defineProperty(data, 'node', { enumerable: true, get: () => treeOf().contents as YAMLMap });
  return {
    text,
    lines: new LineIndex(text),
    get yaml() {
      return treeOf();
    },
    resources: [data],
    findings: [],
    hasSyntaxErrors: false,
  };
}

export function placeFinding(f: LocalFinding, file: string, startLine: number): Finding {
  return {
    ...f,
    file,
    range: shiftRange(f.range, startLine),
    fixes: f.fixes?.map((fix) => ({
      ...fix,
      edits: fix.edits.map((e) => ({ ...e, file: e.file || file, range: e.file ? e.range : shiftRange(e.range, startLine) })),
    })),
    related: f.related?.map((r) => ({ ...r, file: r.file || file, range: r.file ? r.range : shiftRange(r.range, startLine) })),
  };
}

function parseYaml(text: string): Document.Parsed[] {
  const docs = parseAllDocuments(text, KUBECTL_YAML_OPTIONS) as Document.Parsed[];
  return Array.isArray(docs) ? docs : []; // EmptyStream: only comments or whitespace
}

function parseYamlChunk(source: string, limits: ParseLimits): ParsedDocument {
  let text = source;
  /** The text as written, when the YAML library reads an indented copy (see below). */
  let original: string | undefined;
  let docs: Document.Parsed[];
  try {
    docs = parseYaml(text);
    // go-yaml reads a quoted scalar up to its closing quote whatever the indentation of its
    // continuation lines; the YAML library wants them indented. Parse a copy with those lines
    // indented (spaces only, so every line keeps its number and the value its text).
    if (docs.some((d) => d.errors.some((e) => UNCLOSED_QUOTE.test(e.message)))) {
      const indented = indentQuotedContinuations(text);
      if (indented !== text) {
        const again = parseYaml(indented);
        if (!again.some((d) => d.errors.some((e) => UNCLOSED_QUOTE.test(e.message)))) {
          original = text;
          text = indented;
          docs = again;
        }
      }
    }
  } catch (e) {
    const out: ParsedDocument = { text, lines: new LineIndex(text), resources: [], findings: [], hasSyntaxErrors: true };
    out.findings.push(localFinding('yaml-syntax', 'error', `YAML could not be parsed: ${errorText(e)}`, ZERO_RANGE));
    return out;
  }
  const lines = original === undefined ? new LineIndex(text) : new IndentedLineIndex(text, original);
  const out: ParsedDocument = { text, lines, resources: [], findings: [], hasSyntaxErrors: false };
  if (text.includes('{{')) out.templated = docs.some((d) => hasTemplateAction(d, text));
  // The splitter gives one document per chunk; a stray marker the splitter did not see is still handled.
  for (const doc of docs) {
    if (!out.yaml) out.yaml = doc;
    for (const err of doc.errors) {
      out.hasSyntaxErrors = true;
      out.findings.push(localFinding('yaml-syntax', 'error', cleanYamlMessage(err.message), lines.range(err.pos[0], Math.max(err.pos[1], err.pos[0] + 1))));
    }
    if (!doc.errors.length) out.findings.push(...duplicateKeys(doc, lines));
    for (const w of doc.warnings) {
      out.findings.push(localFinding('yaml-warning', 'warning', cleanYamlMessage(w.message), lines.range(w.pos[0], Math.max(w.pos[1], w.pos[0] + 1))));
    }
    if (doc.errors.length && !doc.contents) continue;
    extractResources(doc, text, lines, limits, out);
  }
  return out;
}

const UNCLOSED_QUOTE = /^Missing closing ["']quote/;

/**
 * The text with the continuation lines of multi-line quoted scalars indented one column deeper than
 * the line the scalar starts on, where they are less indented. Only spaces are added (after the
 * line break), so lines keep their numbers.
 */
export function indentQuotedContinuations(text: string): string {
  let out = '';
  let i = 0;
  let lineStart = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      lineStart = i + 1;
      out += c;
      i++;
      continue;
    }
    if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t' || text[i - 1] === '\n')) {
      const nl = text.indexOf('\n', i);
      const end = nl === -1 ? text.length : nl;
      out += text.slice(i, end);
      i = end;
      continue;
    }
    const before = text.slice(lineStart, i);
    // A quote that starts a scalar: after `key: `, `- `, or at the start of a line.
    if ((c === "'" || c === '"') && /^\s*(?:-\s+)*(?:[^\s#'"][^#]*?:\s+)?(?:-\s+)*$/.test(before)) {
      const indent = /^ */.exec(before)![0].length + 1;
      let j = i + 1;
      let body = c;
      let closed = false;
      while (j < text.length) {
        const d = text[j];
        if (c === "'" && d === "'" && text[j + 1] === "'") {
          body += "''";
          j += 2;
          continue;
        }
        if (c === '"' && d === '\\') {
          body += text.slice(j, j + 2);
          j += 2;
          continue;
        }
        body += d;
        j++;
        if (d === c) {
          closed = true;
          break;
        }
        if (d === '\n') {
          const spaces = /^ */.exec(text.slice(j))![0].length;
          const rest = text[j + spaces];
          // Blank lines stay blank; a document marker ends the scalar anyway.
          if (rest !== '\n' && rest !== undefined && spaces < indent && !text.startsWith('---', j) && !text.startsWith('...', j))
            body += ' '.repeat(indent - spaces);
        }
      }
      if (!closed) return text;
      out += body;
      i = j;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/**
 * Keys written twice in one mapping. kubectl (go-yaml) keeps the last value; the rest of the
 * document is read and checked as kubectl reads it, so this is a warning that names the key and
 * where it first appears.
 */
function duplicateKeys(doc: Document.Parsed, lines: LineIndex): LocalFinding[] {
  const out: LocalFinding[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Map<string, YamlNode>();
      for (const pair of map.items) {
        const key = pair.key as YamlNode | null;
        if (!isScalar(key) || !key.range || typeof key.value === 'symbol') continue;
        const name = String(key.value);
        const first = seen.get(name);
        if (!first) {
          seen.set(name, key);
          continue;
        }
        const firstRange = lines.range(first.range![0], first.range![1]);
        out.push({
          code: 'duplicate-key',
          severity: 'warning',
          message: `Key ${JSON.stringify(name)} appears twice in this mapping (first on line ${firstRange.start.line + 1}): kubectl keeps this last value and drops the first one.`,
          range: lines.range(key.range[0], key.range[1]),
          related: [{ file: '', range: firstRange, message: `${JSON.stringify(name)} first appears here` }],
        });
      }
      return undefined;
    },
  });
  return out;
}

/**
 * Whether a `{{ … }}` action stands where YAML reads structure: a flow mapping that starts with
 * `{{` (`name: {{ .Release.Name }}`, a `{{- if … }}` line). Inside quoted or block strings (an
 * Argo Workflow parameter, a Prometheus alert, a Grafana dashboard in a ConfigMap) it is data.
 */
function hasTemplateAction(doc: Document.Parsed, text: string): boolean {
  let found = false;
  visit(doc, {
    Map(_key, node) {
      if (node.flow && node.range && text.startsWith('{{', node.range[0])) {
        found = true;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function extractResources(doc: Document.Parsed, text: string, lines: LineIndex, limits: ParseLimits, out: ParsedDocument): void {
  const root = doc.contents as YamlNode | null;
  if (root == null) return; // empty document
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (e) {
    const merge = MERGE_ERROR.test(errorText(e)) ? firstMergeValue(doc) : undefined;
    if (merge) {
      out.findings.push(
        localFinding('yaml-syntax', 'error', `${errorText(e)}: \`<<\` merges mappings into this one (\`<<: *anchor\`).`, nodeRange(merge, lines, true)),
      );
      return;
    }
    out.findings.push(
      localFinding(
        'yaml-alias-limit',
        'error',
        `Document not validated: ${errorText(e)} (more than ${limits.maxAliasCount} aliases resolved).`,
        nodeRange(root, lines, true),
      ),
    );
    return;
  }
  if (value == null) return;
  // Only documents that use aliases can merge; most never pay for the walk.
  if (text.includes('<<')) recordMergeSources(doc);
  if (!isMap(root) || typeof value !== 'object' || Array.isArray(value)) {
    out.findings.push(
      localFinding(
        'not-an-object',
        'error',
        'This document is not a Kubernetes object: expected a mapping with apiVersion, kind and metadata.',
        nodeRange(root, lines, true),
      ),
    );
    return;
  }
  const obj = value as Record<string, unknown>;
  const kind = typeof obj.kind === 'string' ? obj.kind : undefined;
  const items = root.get('items', true);
  if (kind && kind.endsWith('List') && isSeq(items)) {
    items.items.forEach((item, i) => {
      const itemValue = (obj.items as unknown[])[i];
      if (!isMap(item) || itemValue == null || typeof itemValue !== 'object' || Array.isArray(itemValue)) {
        out.findings.push(
          localFinding('not-an-object', 'error', `items[${i}] of this ${kind} is not a Kubernetes object.`, nodeRange(item as YamlNode, lines, true)),
        );
        return;
      }
      addResource(item, itemValue as Record<string, unknown>, ['items', i], lines, out);
    });
    return;
  }
  addResource(root, obj, [], lines, out);
}

function addResource(node: YAMLMap, obj: Record<string, unknown>, itemPath: (string | number)[], lines: LineIndex, out: ParsedDocument): void {
  const meta = obj.metadata && typeof obj.metadata === 'object' ? (obj.metadata as Record<string, unknown>) : undefined;
  const data: ResourceData = {
    apiVersion: typeof obj.apiVersion === 'string' ? obj.apiVersion : undefined,
    kind: typeof obj.kind === 'string' ? obj.kind : undefined,
    name: typeof meta?.name === 'string' ? meta.name : undefined,
    namespace: typeof meta?.namespace === 'string' ? meta.namespace : undefined,
    object: obj,
    node,
    itemPath,
  };
  const where = itemPath.length ? `items[${itemPath[1]}]` : 'This document';
  const start = nodeRange(node, lines, true);
  if (!data.apiVersion) {
    out.findings.push(
      localFinding(
        'missing-api-version',
        'error',
        `${where} has no apiVersion; every Kubernetes object needs one (for example apps/v1 for a Deployment).`,
        start,
      ),
    );
  }
  if (!data.kind) {
    out.findings.push(
      localFinding('missing-kind', 'error', `${where} has no kind; every Kubernetes object needs one (for example Deployment or Service).`, start),
    );
  }
  out.resources.push(data);
}

/** Range of a node; `firstLine` narrows a collection to its first line so a finding does not paint the whole document. */
function nodeRange(node: YamlNode, lines: LineIndex, firstLine: boolean): Range {
  const [start, end] = node.range ?? [0, 0, 0];
  if (!firstLine) return lines.range(start, end);
  const r = lines.range(start, end);
  if (r.end.line > r.start.line) {
    const lineEnd = lines.lineStart(r.start.line + 1) - 1;
    return lines.range(start, Math.max(start, lineEnd - (lines.text[lineEnd - 1] === '\r' ? 1 : 0)));
  }
  return r;
}

const MERGE_ERROR = /^Merge sources/;

/** The value of the first `<<` key whose merge source is not a mapping (what toJS rejected). */
function firstMergeValue(doc: Document.Parsed): YamlNode | undefined {
  let found: YamlNode | undefined;
  visit(doc, {
    Pair(_key, pair) {
      const k = pair.key as { value?: unknown } | null;
      if (k && typeof k.value === 'symbol' && pair.value) {
        const values = isSeq(pair.value) ? pair.value.items : [pair.value];
        const bad = values.some((v) => !(isMap(v) || (isAlias(v) && isMap(v.resolve(doc)))));
        if (bad) {
          found = pair.value as YamlNode;
          return visit.BREAK;
        }
      }
      return undefined;
    },
  });
  return found;
}

function localFinding(code: string, severity: Severity, message: string, range: Range): LocalFinding {
  return { code, severity, message, range };
}

function cleanYamlMessage(message: string): string {
  return message.replace(/\s+at line \d+, column \d+:?[\s\S]*$/, '').trim();
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

/**
 * A document parsed and checked in another thread, as plain data that survives structured
 * cloning: everything but the YAML tree, which {@link restoreDocument} rebuilds from the text only
 * if something asks for it (a cross-resource finding that needs a range). The tree is what makes
 * cloning expensive, and most resources never need it again.
 */
export interface PortableDocument {
  index: number;
  startLine: number;
  text: string;
  hasSyntaxErrors: boolean;
  templated?: boolean;
  findings: LocalFinding[];
  resources: Omit<ResourceData, 'node'>[];
  /** Where the keys and scalars of a document read by the block reader are (blockYaml.ts): ranges without its YAML tree. */
  spans?: Spans[];
  /** Per-document findings (schema, per-resource rules) computed with the same options. */
  analysis: LocalFinding[];
}

export interface PortableFile {
  file: string;
  text: string;
  findings: Finding[];
  documents: PortableDocument[];
}

export function toPortable(parsed: ParsedFile, analysisOf: (doc: ParsedDocument) => LocalFinding[]): PortableFile {
  return {
    file: parsed.file,
    text: parsed.text,
    findings: parsed.findings,
    documents: parsed.documents.map((d) => ({
      index: d.index,
      startLine: d.startLine,
      text: d.parsed.text,
      hasSyntaxErrors: d.parsed.hasSyntaxErrors,
      templated: d.parsed.templated,
      findings: d.parsed.findings,
      resources: d.parsed.resources.map(({ apiVersion, kind, name, namespace, object, itemPath }) => ({ apiVersion, kind, name, namespace, object, itemPath })),
      spans: d.parsed.resources.length === 1 ? spansOfObject(d.parsed.resources[0].object) : undefined,
      analysis: analysisOf(d.parsed),
    })),
  };
}

/**
 * The ParsedFile of a {@link PortableFile}, with `analysisKey` marking the per-document findings
 * as computed. YAML trees, line indexes and resource nodes are built on first access, by the
 * same parser from the same text, so they are what a local parse would have produced.
 */
export function restoreFile(p: PortableFile, analysisKey: string, limits: ParseLimits = DEFAULT_LIMITS): ParsedFile {
  const out: ParsedFile = { file: p.file, text: p.text, documents: [], resources: [], findings: p.findings };
  for (const d of p.documents) {
    let full: ParsedDocument | undefined;
    const reparse = () => (full ??= parseDocumentChunk(d.text, limits));
    let lines: LineIndex | undefined;
    const parsed: ParsedDocument = {
      text: d.text,
      get lines() {
        return (lines ??= full?.lines ?? new LineIndex(d.text));
      },
      get yaml() {
        return reparse().yaml;
      },
      resources: [],
      findings: d.findings,
      hasSyntaxErrors: d.hasSyntaxErrors,
      templated: d.templated,
      analysis: { key: analysisKey, findings: d.analysis },
    };
    const placed: PlacedDocument = { file: p.file, index: d.index, startLine: d.startLine, parsed };
    out.documents.push(placed);
    if (d.spans && d.resources.length === 1) adoptSpans(d.resources[0].object, d.spans);
    d.resources.forEach((data, j) => {
      const id = data.itemPath.length ? `${p.file}#${d.index}.${j}` : `${p.file}#${d.index}`;
      const resource = { ...data, id, file: p.file, doc: placed } as Resource;
      Object.defineProperty(resource, 'node', { enumerable: true, get: () => reparse().resources[j].node });
      parsed.resources.push(resource);
      out.resources.push(resource);
    });
  }
  return out;
}
