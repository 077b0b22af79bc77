import { escapeControlChars } from '../core/terminalText';
import { existsNoFollow, writeFileNoFollow } from '../core/generate/writeNoFollow';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs, stringOption } from './argParser';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError } from './cliIo';
import {
  findBuiltInTemplatesDir,
  findExistingFiles,
  loadTemplates,
  renderFiles,
  renderNotes,
  resolveValues,
  WORKSPACE_TEMPLATES_DIR,
  type ParameterValue,
  type Template,
  type TemplateDirectory,
  type TemplateParameter,
} from '../core/generate';
import { errorText } from '../core/errorText';

export const GENERATE_HELP = `Usage: kube-topology generate PRESET [options]
       kube-topology generate --list [PRESET]

Writes the Kubernetes manifests of a topology preset: gateway-model (the ML Zoomcamp gateway +
TensorFlow Serving model, with HPAs and an Ingress) or ml-microservices (a movie recommendation
system), or a template of your own from .kube-topology/templates/ (see docs/templates.md).

Options:
  --set NAME=VALUE     set a parameter (repeatable); --list shows them with their defaults
  --out DIR|FILE|-     folder to write into (default k8s), a .yaml file name (one-file
                       layout), or - for standard output
  --single-file        one multi-document file (default)
  --split              one file per object (<app>-<kind>-<name>.yaml)
  --force              overwrite files that already exist (a symbolic link is replaced by
                       the file, never written through)
  --templates DIR      also load templates from DIR (repeatable; later folders win on name clashes)
  --list               list the presets and their parameters

Exit status: 0 written, 1 files exist (nothing written; use --force), 2 usage error or bad value.
`;

/** What the generate command touches; paths are absolute. */
export interface GenerateIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  readFile(file: string): Promise<string>;
  writeFile(file: string, text: string): Promise<void>;
  exists(file: string): Promise<boolean> | boolean;
  /** Creates a folder and its parents (no error when it exists). */
  mkdir(dir: string): Promise<void>;
  /** File names in a folder, or undefined when there is no such folder (defaults to node:fs). */
  readDir?(dir: string): Promise<string[] | undefined>;
  /** Folder of the shipped presets (default: the `templates/` found walking up from this bundle). */
  builtInTemplatesDir?: string;
}

/** The real file system, for wiring into the CLI's main. */
export function nodeGenerateIo(base: { stdout(t: string): void; stderr(t: string): void; cwd: string }): GenerateIo {
  return {
    // Values and notes may come from a workspace template: no control characters reach the terminal.
    stdout: (t) => base.stdout(escapeControlChars(t)),
    stderr: (t) => base.stderr(t),
    cwd: base.cwd,
    readFile: (f) => fs.readFile(f, 'utf8'),
    writeFile: writeFileNoFollow,
    // lstat: a symbolic link is an existing file, even when it points nowhere.
    exists: existsNoFollow,
    mkdir: async (d) => {
      await fs.mkdir(d, { recursive: true });
    },
  };
}

async function listDirWithNode(dir: string): Promise<string[] | undefined> {
  try {
    return await fs.readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

export async function runGenerate(argv: string[], io: GenerateIo): Promise<number> {
  try {
    return await generate(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`kube-topology generate: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

async function generate(argv: string[], io: GenerateIo): Promise<number> {
  const args = parseArgs(argv, {
    set: { value: true, multiple: true, alias: 's' },
    out: { value: true, alias: 'o' },
    'single-file': {},
    split: {},
    force: { alias: 'f' },
    templates: { value: true, multiple: true },
    list: {},
    help: { alias: 'h' },
  });
  if (args.options.help) {
    io.stdout(GENERATE_HELP);
    return EXIT_OK;
  }
  const loaded = await loadAll(args.options.templates, io);
  if (args.options.list) {
    const wanted = args.positionals[0];
    const shown = wanted ? loaded.filter((t) => t.name === wanted) : loaded;
    if (wanted && shown.length === 0) throw new UsageError(unknownPreset(wanted, loaded));
    io.stdout(formatList(shown));
    return EXIT_OK;
  }
  if (args.positionals.length === 0) throw new UsageError(`which preset? ${available(loaded)} (or --list)`);
  if (args.positionals.length > 1) throw new UsageError(`one preset at a time (got ${args.positionals.join(', ')})`);
  const template = loaded.find((t) => t.name === args.positionals[0]);
  if (!template) throw new UsageError(unknownPreset(args.positionals[0], loaded));
  if (args.options['single-file'] && args.options.split) throw new UsageError('--single-file and --split exclude each other');

  const given: Record<string, ParameterValue> = {};
  const sets = args.options.set;
  for (const s of Array.isArray(sets) ? sets : []) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set needs NAME=VALUE, got "${s}"`);
    given[s.slice(0, eq).trim()] = s.slice(eq + 1);
  }
  const resolved = resolveValues(template, given);
  if (resolved.problems.length > 0) {
    for (const p of resolved.problems) io.stderr(`kube-topology generate: ${p.message}\n`);
    return EXIT_USAGE;
  }

  const layout = args.options.split ? 'per-resource' : 'single';
  const out = stringOption(args, 'out') ?? 'k8s';
  const files = renderFiles(template, resolved.values, { layout, changed: resolved.changed });
  const notes = renderNotes(template, resolved.values);

  if (out === '-') {
    // Standard output carries only YAML, so it can be piped into kubectl apply -f -.
    const text = files.length === 1 ? files[0].text : files.map((f) => `# File: ${f.path}\n${f.text}`).join('---\n');
    io.stdout(text);
    for (const n of notes) io.stderr(`note: ${n}\n`);
    return EXIT_OK;
  }

  // `--out topology.yaml` names the one file itself; anything else is a folder.
  const outIsFile = /\.ya?ml$/i.test(out);
  if (outIsFile && layout === 'per-resource') throw new UsageError(`--split writes several files: give --out a folder, not ${out}`);
  const dir = outIsFile ? path.dirname(path.resolve(io.cwd, out)) : path.resolve(io.cwd, out);
  const targets = outIsFile ? [{ path: path.resolve(io.cwd, out), text: files[0].text }] : files.map((f) => ({ path: path.join(dir, f.path), text: f.text }));
  // File names are single plain names (render.ts); this keeps every write inside the folder regardless.
  const outside = targets.find((t) => path.dirname(t.path) !== dir);
  if (outside) throw new UsageError(`refusing to write ${display(outside.path, io.cwd)}: it is not directly inside ${display(dir, io.cwd)}`);
  const existing = await findExistingFiles(targets, (p) => io.exists(p));
  if (existing.length > 0 && !args.options.force) {
    const names = existing.map((p) => display(p, io.cwd)).join(', ');
    io.stderr(
      `kube-topology generate: not overwriting ${existing.length === 1 ? 'an existing file' : `${existing.length} existing files`}: ${names}\nNothing was written. Use --force to overwrite, or --out to pick another folder.\n`,
    );
    return EXIT_FINDINGS;
  }
  try {
    await io.mkdir(dir);
    for (const f of targets) await io.writeFile(f.path, f.text);
  } catch (e) {
    throw new UsageError(`cannot write to ${display(dir, io.cwd)} (${(e as NodeJS.ErrnoException).code ?? errorText(e)})`);
  }
  for (const f of targets) io.stdout(`${existing.includes(f.path) ? 'overwrote' : 'wrote'} ${display(f.path, io.cwd)}\n`);
  io.stdout(`\nApply with: kubectl apply -f ${display(targets.length === 1 ? targets[0].path : dir, io.cwd)}\n`);
  for (const n of notes) io.stdout(`${n}\n`);
  return EXIT_OK;
}

async function loadAll(extra: string | string[] | boolean | undefined, io: GenerateIo): Promise<Template[]> {
  const dirs: TemplateDirectory[] = [];
  const builtIn = io.builtInTemplatesDir ?? (await findBuiltInTemplatesDir(__dirname, (p) => io.exists(p)));
  if (builtIn) dirs.push({ dir: builtIn, builtIn: true });
  else io.stderr('kube-topology generate: warning: the built-in templates folder was not found next to the program\n');
  dirs.push({ dir: path.join(io.cwd, ...WORKSPACE_TEMPLATES_DIR.split('/')) });
  for (const d of Array.isArray(extra) ? extra : []) {
    const abs = path.resolve(io.cwd, d);
    const names = await (io.readDir ?? listDirWithNode)(abs);
    if (names === undefined) throw new UsageError(`--templates ${d}: no such folder`);
    dirs.push({ dir: abs });
  }
  const result = await loadTemplates(dirs, {
    listDir: (d) => (io.readDir ?? listDirWithNode)(d),
    readFile: (f) => io.readFile(f),
    join: (d, n) => path.join(d, n),
  });
  for (const e of result.errors)
    io.stderr(`kube-topology generate: warning: skipped template ${display(e.source, io.cwd)}${e.line !== undefined ? `:${e.line}` : ''}: ${e.detail}\n`);
  return result.templates;
}

function available(templates: Template[]): string {
  return templates.length ? `available presets: ${templates.map((t) => t.name).join(', ')}` : 'no presets were found';
}

function unknownPreset(name: string, templates: Template[]): string {
  return `unknown preset "${name}"; ${available(templates)}`;
}

function display(p: string, cwd: string): string {
  const rel = path.relative(cwd, p);
  return p.startsWith(cwd + path.sep) && rel && !rel.startsWith('..') ? rel : p;
}

/** Presets and their parameters, the way `--set` takes them. */
export function formatList(templates: Template[]): string {
  const out: string[] = [];
  for (const t of templates) {
    out.push(`${t.name} — ${t.title}${t.builtIn ? '' : ` (${t.source})`}`);
    if (t.description) out.push(...wrap(t.description, 96).map((l) => `  ${l}`));
    out.push('  Parameters (--set NAME=VALUE):');
    const width = Math.max(...t.parameters.map((p) => p.name.length));
    for (const p of t.parameters) {
      out.push(`    ${p.name.padEnd(width)}  ${p.type.padEnd(9)} default ${JSON.stringify(p.default)}`);
      const about = [(p.description ?? p.prompt)?.replace(/\.$/, ''), allowedText(p), p.when ? `only when ${p.when}` : undefined].filter(Boolean).join('; ');
      if (about) out.push(...wrap(about, 90).map((l) => `    ${' '.repeat(width)}  ${l}`));
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

function allowedText(p: TemplateParameter): string | undefined {
  if (p.type === 'enum') return `one of ${(p.choices ?? []).map((c) => c.value).join(', ')}`;
  if (p.type === 'integer' && (p.minimum !== undefined || p.maximum !== undefined)) return `${p.minimum ?? '…'}–${p.maximum ?? '…'}`;
  if (p.type === 'string' && p.patternMessage) return p.patternMessage;
  return undefined;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
