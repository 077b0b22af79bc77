/**
 * The whole core pipeline over a set of files, with every invariant the fuzzers check:
 * parse → WorkspaceIndex.analyze (all rules, schema on) → buildGraph → the graph message the host
 * would post. Returns the violations as sentences instead of throwing, so the watchdog worker can
 * hand them back and fast-check can shrink the input.
 */
import { WorkspaceIndex } from '../../src/core/index/workspaceIndex';
import { buildGraph } from '../../src/core/graph/buildGraph';
import { RULES } from '../../src/core/rules/catalog';
import { isHostToWebviewMessage } from '../../src/shared/webviewProtocol';
import type { Finding, Range, TextEdit } from '../../src/core/findings';
import type { ParseLimits } from '../../src/core/parse/manifestParser';

export interface FuzzFile {
  name: string;
  text: string;
}

export interface PipelineReport {
  violations: string[];
  /** UTF-8 bytes over all files. */
  bytes: number;
  /** Wall time of parse + analyze + graph (the fix re-checks are not counted). */
  ms: number;
  findings: number;
  nodes: number;
  edges: number;
  codes: string[];
}

export interface PipelineOptions {
  kubernetesVersion?: string;
  limits?: ParseLimits;
  /** Apply every quick fix and re-analyse the result (costs one more analysis per fix). */
  checkFixes?: boolean;
}

const KNOWN_CODES = new Set(RULES.map((r) => r.code));
const SYNTAX_CODES = new Set(['yaml-syntax', 'duplicate-key']);

/**
 * The lines of a text as the core counts them: a line ends at \n, \r\n or a lone \r (as go-yaml,
 * kubectl and editors read it), and the line break is not part of the line.
 */
export function editorLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

export function rangeProblem(range: Range, lines: readonly string[]): string | undefined {
  const ok = (p: Range['start']) =>
    Number.isInteger(p.line) &&
    Number.isInteger(p.character) &&
    p.line >= 0 &&
    p.character >= 0 &&
    p.line < lines.length &&
    p.character <= lines[p.line].length;
  if (!ok(range.start)) return `start ${JSON.stringify(range.start)} outside the document (${lines.length} lines)`;
  if (!ok(range.end))
    return `end ${JSON.stringify(range.end)} outside the document (${lines.length} lines, that line ${lines[range.end.line]?.length ?? '-'} chars)`;
  if (range.end.line < range.start.line || (range.end.line === range.start.line && range.end.character < range.start.character))
    return `range ends before it starts ${JSON.stringify(range)}`;
  return undefined;
}

function offsetOf(lineStarts: number[], p: Range['start']): number {
  return lineStarts[p.line] + p.character;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Applies edits to one text; throws when two edits overlap (an editor would refuse them). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lineStartsOf(text);
  const spans = edits
    .map((e) => ({ from: offsetOf(starts, e.range.start), to: offsetOf(starts, e.range.end), text: e.newText }))
    .sort((a, b) => b.from - a.from || b.to - a.to);
  let out = text;
  let limit = Infinity;
  for (const s of spans) {
    if (s.to > limit) throw new Error(`overlapping edits at offset ${s.from}..${s.to}`);
    out = out.slice(0, s.from) + s.text + out.slice(s.to);
    limit = s.from;
  }
  return out;
}

function analyzeFiles(files: readonly FuzzFile[], o: PipelineOptions) {
  const index = new WorkspaceIndex({ kubernetesVersion: o.kubernetesVersion ?? '1.36', schemaValidation: true }, o.limits);
  for (const f of files) index.setFile(f.name, f.text, { explicit: true });
  const analysis = index.analyze();
  const graph = buildGraph(analysis);
  return { analysis, graph };
}

export function runPipeline(files: readonly FuzzFile[], o: PipelineOptions = {}): PipelineReport {
  const violations: string[] = [];
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text, 'utf8'), 0);
  const t0 = performance.now();
  let result: ReturnType<typeof analyzeFiles>;
  try {
    result = analyzeFiles(files, o);
  } catch (e) {
    return {
      violations: [`threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`],
      bytes,
      ms: performance.now() - t0,
      findings: 0,
      nodes: 0,
      edges: 0,
      codes: [],
    };
  }
  const ms = performance.now() - t0;
  const { analysis, graph } = result;
  const byName = new Map(files.map((f) => [f.name, f]));
  const linesOf = new Map<string, string[]>();
  const lines = (file: string) => {
    let l = linesOf.get(file);
    if (!l) linesOf.set(file, (l = editorLines(byName.get(file)?.text ?? '')));
    return l;
  };
  const codes = new Set<string>();
  let count = 0;
  const all: Finding[] = [];
  for (const [file, list] of analysis.byFile) {
    if (!byName.has(file)) violations.push(`findings for a file that was never given: ${file}`);
    for (const f of list) {
      count++;
      all.push(f);
      codes.add(f.code);
      const where = `${f.code} in ${f.file}`;
      if (f.file !== file) violations.push(`${where} is listed under ${file}`);
      if (!KNOWN_CODES.has(f.code)) violations.push(`unknown code ${f.code} (not in RULES): ${f.message}`);
      if (f.code === 'internal-error') violations.push(`internal-error: ${f.message}`);
      if (!['error', 'warning', 'info'].includes(f.severity)) violations.push(`${where}: severity ${String(f.severity)}`);
      if (typeof f.message !== 'string' || f.message.length === 0) violations.push(`${where}: empty message`);
      const rp = rangeProblem(f.range, lines(f.file));
      if (rp) violations.push(`${where}: ${rp}`);
      for (const r of f.related ?? []) {
        if (!byName.has(r.file)) violations.push(`${where}: related location in unknown file ${r.file}`);
        else {
          const p = rangeProblem(r.range, lines(r.file));
          if (p) violations.push(`${where}: related ${p}`);
        }
      }
      for (const fix of f.fixes ?? []) {
        for (const e of fix.edits) {
          if (!byName.has(e.file)) violations.push(`${where}: fix "${fix.title}" edits unknown file ${e.file}`);
          else {
            const p = rangeProblem(e.range, lines(e.file));
            if (p) violations.push(`${where}: fix "${fix.title}" edit ${p}`);
          }
        }
      }
    }
  }

  // The graph only references nodes it has, and the webview would accept it.
  const ids = new Set<string>();
  for (const n of graph.nodes) {
    if (ids.has(n.id)) violations.push(`duplicate node id ${n.id}`);
    ids.add(n.id);
    if (!n.ghost && n.file && byName.has(n.file)) {
      const p = rangeProblem(n.range, lines(n.file));
      if (p) violations.push(`node ${n.id}: ${p}`);
    }
  }
  const edgeIds = new Set<string>();
  for (const e of graph.edges) {
    if (!ids.has(e.from)) violations.push(`edge ${e.id} from a missing node ${e.from}`);
    if (!ids.has(e.to)) violations.push(`edge ${e.id} to a missing node ${e.to}`);
    if (edgeIds.has(e.id)) violations.push(`duplicate edge id ${e.id}`);
    edgeIds.add(e.id);
  }
  const message = { type: 'graph', revision: 1, scope: { kind: 'workspace', uri: 'file:///fuzz', label: 'fuzz' }, graph };
  if (!isHostToWebviewMessage(message))
    violations.push(`the webview protocol rejects this graph (${graph.nodes.length} nodes, ${graph.edges.length} edges): ${whyRejected(graph)}`);

  if (o.checkFixes !== false && violations.length === 0) violations.push(...checkFixes(files, all, o));
  return { violations, bytes, ms, findings: count, nodes: graph.nodes.length, edges: graph.edges.length, codes: [...codes].sort() };
}

/**
 * Every quick fix applies cleanly (edits inside the file, not overlapping), the result still
 * analyses without throwing, and a fix never turns a file that parsed into one that does not.
 */
function checkFixes(files: readonly FuzzFile[], findings: readonly Finding[], o: PipelineOptions): string[] {
  const out: string[] = [];
  const syntaxBefore = new Set(findings.filter((f) => SYNTAX_CODES.has(f.code)).map((f) => f.file));
  let budget = 6; // fixes re-checked per input: over hundreds of inputs every code is covered, and time stays bounded
  for (const f of findings) {
    for (const fix of f.fixes ?? []) {
      if (budget-- <= 0) return out;
      const byFile = new Map<string, TextEdit[]>();
      for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
      let next: FuzzFile[];
      try {
        next = files.map((file) => (byFile.has(file.name) ? { name: file.name, text: applyEdits(file.text, byFile.get(file.name)!) } : file));
      } catch (e) {
        out.push(`${f.code}: fix "${fix.title}" does not apply: ${(e as Error).message}`);
        continue;
      }
      try {
        const { analysis } = analyzeFiles(next, o);
        for (const [file, list] of analysis.byFile) {
          if (!byFile.has(file) || syntaxBefore.has(file)) continue;
          const broken = list.find((x) => SYNTAX_CODES.has(x.code));
          if (broken)
            out.push(`${f.code}: fix "${fix.title}" breaks the YAML of ${file}: ${broken.code} ${broken.message} at line ${broken.range.start.line + 1}`);
        }
      } catch (e) {
        out.push(`${f.code}: after fix "${fix.title}" the analysis threw: ${(e as Error).message}`);
      }
    }
  }
  return out;
}

/** Which field of the graph the protocol validator refuses (the validator itself only says no). */
function whyRejected(graph: ReturnType<typeof buildGraph>): string {
  const ok = (nodes: unknown[], edges: unknown[]) =>
    isHostToWebviewMessage({ type: 'graph', revision: 1, scope: { kind: 'workspace', uri: 'file:///fuzz', label: 'fuzz' }, graph: { nodes, edges } });
  const base = {
    id: 'a',
    kind: 'Pod',
    name: 'a',
    namespace: '',
    category: 'workload',
    file: '',
    line: 1,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    facts: {},
    status: 'ok',
    problems: [],
  };
  const show = (v: unknown) => JSON.stringify(v)?.slice(0, 160);
  for (const n of graph.nodes) {
    if (ok([n], [])) continue;
    for (const [k, v] of Object.entries(n)) {
      if (k === 'facts') {
        for (const [fk, fv] of Object.entries(v as object))
          if (!ok([{ ...base, facts: { [fk]: fv } }], [])) return `node ${n.id.slice(0, 80)}: facts.${fk} = ${show(fv)}`;
      } else if (!ok([{ ...base, [k]: v }], []))
        return `node ${n.id.slice(0, 80)}: ${k} = ${show(v)} (${Array.isArray(v) ? v.length : typeof v === 'string' ? v.length : ''})`;
    }
    return `node ${show(n)}`;
  }
  for (const e of graph.edges) {
    const ends = [
      { ...base, id: e.from },
      { ...base, id: e.to },
    ];
    if (!ok(ends, [e])) {
      for (const [k, v] of Object.entries(e))
        if (!ok(ends, [{ id: 'e', from: e.from, to: e.to, type: 'calls', reason: '', label: '', [k]: v }]))
          return `edge ${e.id.slice(0, 80)}: ${k} = ${show(v)} (${typeof v === 'string' ? v.length : ''})`;
      return `edge ${show(e)}`;
    }
  }
  return 'the whole message (size budget?)';
}
