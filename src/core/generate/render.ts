import { isAlias, isMap, isScalar, isSeq, Scalar, type Document, type Node as YamlNode } from 'yaml';
import { conditionHolds } from './expression';
import { interpolate, solePlaceholder } from './placeholders';
import { VALUE_KEY, WHEN_KEY } from './templateParser';
import type { GeneratedFile, OutputLayout, ParameterValues, Template } from './templateTypes';

/** One rendered Kubernetes object. */
export interface RenderedDocument {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** The YAML of this one document, comments kept, no `---` marker. */
  text: string;
}

const REMOVE = Symbol('remove');
type Out = YamlNode | null | typeof REMOVE;

/** Printer options: long values are never folded, two-space indents, list items indented under their key. */
const PRINT = { lineWidth: 0, minContentWidth: 0, indent: 2, indentSeq: true } as const;

/**
 * Fills the template's documents with values (already resolved with {@link resolveValues}).
 * Works on YAML nodes: conditional parts (`$when`) are dropped, placeholders replaced, and the
 * printer quotes whatever needs quoting. Comments written in the template stay in the output.
 */
export function renderDocuments(template: Template, values: ParameterValues): RenderedDocument[] {
  const out: RenderedDocument[] = [];
  const ctx: Ctx = { values, commentValues: oneLineValues(values) };
  for (const source of template.body) {
    const doc = source.clone();
    const root = transform(doc.contents, ctx);
    if (root === REMOVE || root === null) continue;
    doc.contents = root as typeof doc.contents;
    if (doc.commentBefore) doc.commentBefore = interpolate(doc.commentBefore, ctx.commentValues);
    if (doc.comment) doc.comment = interpolate(doc.comment, ctx.commentValues);
    const obj = (doc.toJS() ?? {}) as Record<string, unknown>;
    const meta = (obj.metadata ?? {}) as Record<string, unknown>;
    out.push({
      apiVersion: scalarText(obj.apiVersion),
      kind: scalarText(obj.kind),
      name: scalarText(meta.name),
      namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined,
      text: printDocument(doc),
    });
  }
  return out;
}

function printDocument(doc: Document): string {
  if (doc.directives) doc.directives.docStart = null;
  let text = doc.toString(PRINT);
  // The printer emits a leading marker for documents that had one in the template.
  text = text.replace(/^---\s*\n/, '');
  return text.endsWith('\n') ? text : `${text}\n`;
}

interface Ctx {
  values: ParameterValues;
  /** The values with line breaks flattened, for comments (a value must not add comment lines). */
  commentValues: ParameterValues;
}

function oneLineValues(values: ParameterValues): ParameterValues {
  const out: ParameterValues = {};
  for (const [k, v] of Object.entries(values)) out[k] = typeof v === 'string' ? v.replace(/[\r\n\u2028\u2029]+/g, ' ') : v;
  return out;
}

function transform(node: YamlNode | null, ctx: Ctx): Out {
  if (!node) return node;
  const values = ctx.values;
  interpolateComments(node, ctx.commentValues);
  if (isScalar(node)) {
    if (typeof node.value === 'string') {
      const sole = solePlaceholder(node.value);
      if (sole !== undefined && sole in values && (node.type === undefined || node.type === Scalar.PLAIN)) {
        // An unquoted `${port}` takes the parameter's type: ints stay ints, booleans stay booleans.
        node.value = values[sole];
        node.type = undefined;
      } else {
        node.value = interpolate(node.value, values);
      }
    }
    return node;
  }
  if (isAlias(node)) return node;
  if (isSeq(node)) {
    const items: unknown[] = [];
    for (const item of node.items) {
      const t = transform(item as YamlNode, ctx);
      if (t !== REMOVE) items.push(t);
    }
    node.items = items;
    return node;
  }
  if (isMap(node)) {
    const whenPair = node.items.find((p) => isScalar(p.key) && p.key.value === WHEN_KEY);
    if (whenPair) {
      const cond = isScalar(whenPair.value) ? whenPair.value.value : true;
      const holds = typeof cond === 'boolean' ? cond : conditionHolds(String(cond), values);
      if (!holds) return REMOVE;
      const valuePair = node.items.find((p) => isScalar(p.key) && p.key.value === VALUE_KEY);
      if (valuePair) {
        const inner = transform(valuePair.value as YamlNode, ctx);
        if (inner !== REMOVE && inner && node.commentBefore && !inner.commentBefore) inner.commentBefore = node.commentBefore;
        return inner;
      }
      node.items = node.items.filter((p) => p !== whenPair);
      // A comment written above `$when:` belongs to the mapping's first real key.
      const first = node.items[0];
      const whenComment = isScalar(whenPair.key) ? whenPair.key.commentBefore : undefined;
      if (whenComment && first && isScalar(first.key) && !first.key.commentBefore) first.key.commentBefore = interpolate(whenComment, ctx.commentValues);
    }
    const pairs = [];
    for (const [i, pair] of node.items.entries()) {
      if (isScalar(pair.key)) transform(pair.key, ctx);
      const v = transform(pair.value as YamlNode, ctx);
      if (v === REMOVE) {
        // The parser keeps a comment above a nested mapping's first key on the mapping; it
        // describes that entry, so it goes with it.
        if (i === 0) node.commentBefore = undefined;
        continue;
      }
      pair.value = v;
      pairs.push(pair);
    }
    node.items = pairs;
    return node;
  }
  return node;
}

function interpolateComments(node: YamlNode, values: ParameterValues): void {
  if (node.commentBefore) node.commentBefore = interpolate(node.commentBefore, values);
  if (node.comment) node.comment = interpolate(node.comment, values);
}

export interface RenderOptions {
  layout: OutputLayout;
  /** Prefixed to every path with `/` (the caller may also join paths itself). */
  directory?: string;
  /** A short comment at the top of each file saying where it came from and how to regenerate it. */
  header?: boolean;
  /** Parameters that differ from their defaults (for the regenerate line of the header). */
  changed?: string[];
}

/**
 * Renders the template into files, as data: one multi-document file, or one file per object
 * (`<prefix>-<kind>-<name>.yaml`; a Namespace goes first as `00-namespace-<name>.yaml` so that
 * `kubectl apply -f <folder>` creates it before the objects inside it). The caller writes them.
 */
export function renderFiles(template: Template, values: ParameterValues, options: RenderOptions): GeneratedFile[] {
  const docs = renderDocuments(template, values);
  const header = options.header === false ? '' : headerComment(template, values, options.changed ?? []);
  const place = (name: string): string => (options.directory ? `${options.directory.replace(/[\\/]+$/, '')}/${name}` : name);
  if (options.layout === 'single') {
    const name = safeFileName(interpolate(template.output.singleFile, values), `${template.name}.yaml`);
    return [{ path: place(name), text: header + docs.map((d) => d.text).join('---\n') }];
  }
  const prefix = safeFileName(interpolate(template.output.prefix, values), template.name);
  const used = new Set<string>();
  const files: GeneratedFile[] = [];
  for (const d of docs) {
    const base = fileStem(prefix, d);
    let name = `${base}.yaml`;
    for (let i = 2; used.has(name); i++) name = `${base}-${i}.yaml`;
    used.add(name);
    files.push({ path: place(name), text: header + d.text });
  }
  return files;
}

const KIND_SLUGS: Record<string, string> = { HorizontalPodAutoscaler: 'hpa', PersistentVolumeClaim: 'pvc' };

function fileStem(prefix: string, d: RenderedDocument): string {
  const kind = KIND_SLUGS[d.kind] ?? (d.kind.toLowerCase() || 'object');
  const name = slug(d.name) || 'unnamed';
  if (d.kind === 'Namespace') return `00-namespace-${name}`;
  let short = name;
  if (short === prefix) return `${prefix}-${kind}`;
  if (short.startsWith(`${prefix}-`)) short = short.slice(prefix.length + 1);
  return `${prefix}-${kind}-${short}`;
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

/** A rendered scalar as text ('' for a missing or structured value, never "[object Object]"). */
function scalarText(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** A file name from user values must stay one plain name inside the target folder. */
function safeFileName(name: string, fallback: string): string {
  const cleaned = name
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\\/:*?"<>|\x00-\x1f]+/g, '-')
    .replace(/^\.+/, '')
    .trim();
  return cleaned || fallback;
}

function headerComment(template: Template, values: ParameterValues, changed: string[]): string {
  const lines = [`# Generated by Kube Topology from the "${template.name}" template; edit freely.`];
  const sets = changed.map((n) => `--set ${shellQuote(`${n}=${String(values[n])}`)}`);
  if (!sets.some((s) => /[\r\n\u2028\u2029]/.test(s))) {
    lines.push(`# Regenerate: kube-topology generate ${template.name}${sets.length ? ` ${sets.join(' ')}` : ''}`);
  }
  return `${lines.join('\n')}\n\n`;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Which of the files already exist (the caller asks before overwriting them). */
export async function findExistingFiles(files: readonly GeneratedFile[], exists: (path: string) => boolean | Promise<boolean>): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) if (await exists(f.path)) out.push(f.path);
  return out;
}

/** The template's notes (next steps) that apply to these values, placeholders filled. */
export function renderNotes(template: Template, values: ParameterValues): string[] {
  return template.notes.filter((n) => !n.when || conditionHolds(n.when, values)).map((n) => interpolate(n.text, values).trim());
}
