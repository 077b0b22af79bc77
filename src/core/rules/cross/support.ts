import { isMap, isScalar, isSeq, type Node as YamlNode, type Pair, type Scalar } from 'yaml';
import type { Range, RelatedLocation, TextEdit } from '../../findings';
import { shiftRange } from '../../findings';
import type { Resource } from '../../parse/manifestParser';
import { findNode, rangeOf, type PathSegment } from '../../parse/locate';
import type { IndexCheck, IndexCheckContext, RuleMeta } from '../types';
import { isHeadless, serviceType } from '../../model/serviceAddress';

/** One cross-resource rule: its catalog entry and its check. */
export interface CrossRule {
  meta: RuleMeta;
  check: IndexCheck;
}

/**
 * Runs a check so that a bug in it becomes an `internal-error` finding instead of taking the
 * whole analysis pass (and every other rule's findings) down.
 */
export function guarded(rule: CrossRule): IndexCheck {
  return (outer: IndexCheckContext) => {
    // A document that does not parse cleanly is mid-edit: its syntax error is the finding to show,
    // not the cross-resource problems of its half-typed values.
    const ctx: IndexCheckContext = {
      ...outer,
      report: (r, code, message, range, extras) => {
        if (!r.doc.parsed.hasSyntaxErrors) outer.report(r, code, message, range, extras);
      },
    };
    try {
      rule.check(ctx);
    } catch (e) {
      const first = ctx.index.all[0];
      if (!first) return;
      ctx.report(
        first,
        'internal-error',
        `Kube Topology could not finish the ${rule.meta.code} check: ${e instanceof Error ? e.message : String(e)}`,
        ctx.range(first, []),
      );
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Words

/** `Deployment gateway`, with the namespace when asked. */
export function nameOf(r: Resource, namespace?: string): string {
  return `${r.kind ?? 'object'} ${r.name ?? '(unnamed)'}${namespace ? ` in namespace ${namespace}` : ''}`;
}

/** What a Service is for, in the words of the course: entry point or internal service. */
export function serviceRole(svc: Resource): string {
  const type = serviceType(svc);
  if (type === 'LoadBalancer' || type === 'NodePort') return `entry point, ${type}`;
  if (type === 'ExternalName') return 'external name';
  if (isHeadless(svc)) return 'internal service, headless';
  return 'internal service';
}

export function labelsText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

export function listText(items: readonly string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export function related(r: Resource, path: readonly PathSegment[], message: string, part: 'key' | 'value' | 'auto' = 'auto'): RelatedLocation {
  return { file: r.file, range: rangeOf(r, path, part), message };
}

// ---------------------------------------------------------------------------------------------
// Ranges and edits (always in file positions)

function fileRange(r: Resource, start: number, end: number): Range {
  return shiftRange(r.doc.parsed.lines.range(start, end), r.doc.startLine);
}

function scalarAt(r: Resource, path: readonly PathSegment[]): Scalar | undefined {
  const found = findNode(r.node, path);
  if (found.depth !== path.length || !isScalar(found.node) || !found.node.range) return undefined;
  return found.node;
}

/**
 * Source offsets of `[start, end)` of a string scalar's value. Exact for plain and quoted
 * scalars; for block scalars and escaped strings the same substring is located in the source.
 */
function sourceSpan(r: Resource, path: readonly PathSegment[], start: number, end: number): [number, number] | undefined {
  const node = scalarAt(r, path);
  if (!node || typeof node.value !== 'string') return undefined;
  const [s, e] = node.range!;
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
 * Replaces the scalar at `path`. Numbers are written plain; strings keep the quoting style of
 * the value they replace.
 */
export function replaceScalar(r: Resource, path: readonly PathSegment[], value: string | number): TextEdit | undefined {
  const node = scalarAt(r, path);
  if (!node) return undefined;
  const [s, e] = node.range!;
  let text = String(value);
  if (typeof value === 'string') {
    if (node.type === 'QUOTE_DOUBLE') text = JSON.stringify(value);
    else if (node.type === 'QUOTE_SINGLE') text = `'${value.replace(/'/g, "''")}'`;
    else if (!/^[a-z0-9]([a-z0-9./-]*[a-z0-9])?$/i.test(value) || /^[0-9.]+$/.test(value) || /^(true|false|null|yes|no|on|off|~)$/i.test(value))
      text = JSON.stringify(value);
  }
  return { file: r.file, range: fileRange(r, s, e), newText: text };
}

function pairAt(r: Resource, path: readonly PathSegment[]): Pair | undefined {
  const found = findNode(r.node, path);
  return found.depth === path.length ? found.pair : undefined;
}

function lineText(r: Resource, line: number): string {
  const lines = r.doc.parsed.lines;
  const start = lines.lineStart(line);
  const next = line + 1 < lines.lineCount ? lines.lineStart(line + 1) : lines.text.length;
  return lines.text.slice(start, next).replace(/\r?\n$/, '');
}

/**
 * Deletes the lines of a `key: value` pair in a block mapping. Only offered when the pair has
 * its lines to itself and is not the mapping's only entry.
 */
export function deletePairLines(r: Resource, path: readonly PathSegment[]): TextEdit | undefined {
  const pair = pairAt(r, path);
  const parent = findNode(r.node, path.slice(0, -1)).node;
  if (!pair || !isMap(parent) || parent.flow || parent.items.length < 2) return undefined;
  const key = pair.key as YamlNode | undefined;
  const value = pair.value as YamlNode | undefined;
  if (!key?.range) return undefined;
  const lines = r.doc.parsed.lines;
  const text = lines.text;
  const keyStart = key.range[0];
  const startLine = lines.position(keyStart).line;
  if (text.slice(lines.lineStart(startLine), keyStart).trim() !== '') return undefined;
  const valueEnd = value?.range ? value.range[1] : key.range[1];
  const endLine = lines.position(Math.max(valueEnd - 1, keyStart)).line;
  const rest = lineText(r, endLine).slice(lines.position(valueEnd).line === endLine ? lines.position(valueEnd).character : 0);
  if (lines.position(valueEnd).line === endLine && rest.trim() !== '' && !rest.trim().startsWith('#')) return undefined;
  const from = lines.lineStart(startLine);
  const to = endLine + 1 < lines.lineCount ? lines.lineStart(endLine + 1) : text.length;
  return { file: r.file, range: fileRange(r, from, to), newText: '' };
}

/**
 * Adds entries at the end of the block mapping at `mapPath`, indented like its keys. `block` is
 * YAML relative to the mapping's indentation (`['requests:', '  cpu: 100m']`). An empty flow
 * mapping (`resources: {}`) is replaced by a block one.
 */
export function insertIntoMap(r: Resource, mapPath: readonly PathSegment[], block: string[], indentStep = 2): TextEdit | undefined {
  const found = findNode(r.node, mapPath);
  if (found.depth !== mapPath.length) return undefined;
  const lines = r.doc.parsed.lines;
  const text = lines.text;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const node = found.node;
  if (isMap(node) && node.flow) {
    if (node.items.length || !found.pair?.key || !node.range) return undefined;
    const keyNode = found.pair.key as YamlNode;
    if (!keyNode.range) return undefined;
    const col = lines.position(keyNode.range[0]).character + indentStep;
    const newText = ':' + eol + block.map((l) => ' '.repeat(col) + l).join(eol);
    return { file: r.file, range: fileRange(r, keyNode.range[1], node.range[1]), newText };
  }
  if (!isMap(node) || !node.items.length) return undefined;
  const firstKey = node.items[0].key as YamlNode | undefined;
  const last = node.items[node.items.length - 1];
  const lastEnd = ((last.value as YamlNode | null)?.range ?? (last.key as YamlNode | undefined)?.range)?.[1];
  if (!firstKey?.range || lastEnd === undefined) return undefined;
  const col = lines.position(firstKey.range[0]).character;
  const endLine = lines.position(Math.max(lastEnd - 1, 0)).line;
  const body = block.map((l) => ' '.repeat(col) + l + eol).join('');
  if (endLine + 1 < lines.lineCount) {
    const at = lines.lineStart(endLine + 1);
    return { file: r.file, range: fileRange(r, at, at), newText: body };
  }
  // The mapping ends on the last line of the document, without a newline.
  return { file: r.file, range: fileRange(r, text.length, text.length), newText: eol + body.slice(0, -eol.length) };
}

/** Whether the value at `path` is a collection written in block style (safe to edit line-wise). */
export function isBlockCollection(r: Resource, path: readonly PathSegment[]): boolean {
  const found = findNode(r.node, path);
  return found.depth === path.length && (isMap(found.node) || isSeq(found.node)) && !(found.node as { flow?: boolean }).flow;
}
