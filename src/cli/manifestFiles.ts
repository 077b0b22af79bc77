import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { UsageError, type CliIo } from './cliIo';
import { WorkspaceIndex, type UnitSettings } from '../core/index/workspaceIndex';
import { PROJECT_CONFIG_FILE } from '../core/index/applyUnits';
import { parseProjectConfig, resolveDeclarations } from '../core/index/projectConfig';
import { pathKey } from '../core/index/unitPaths';
import type { AnalysisOptions } from '../core/rules/types';
import { loadInParallel, workerCount, type LoadEntry } from './parallelLoad';
import { errorText } from '../core/errorText';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out']);
/** Name shown for manifests read from standard input. */
export const STDIN_NAME = '<stdin>';

/**
 * Expands CLI paths: files as given, folders recursively (YAML and JSON only, skipping
 * dependency and VCS folders), `-` for standard input. A missing path is a usage error.
 *
 * Folders and files are read with the synchronous calls: a command line has nothing else to do
 * meanwhile, and each `fs.promises` call costs an event-loop round trip through the thread pool
 * that is dearer than reading a manifest (2,000 files: 9–18 ms read one after another, 80–120 ms
 * with 32 reads in flight; 20,000 files: 54 against 340 ms; docs/performance.md).
 */
export interface ManifestPath {
  file: string;
  /** Named on the command line (always validated) rather than found in a folder (validated when it looks like Kubernetes). */
  explicit: boolean;
}

export async function collectManifestFiles(paths: string[], cwd: string): Promise<ManifestPath[]> {
  const out: ManifestPath[] = [];
  const seen = new Set<string>();
  const add = (file: string, explicit: boolean) => {
    if (!seen.has(file)) {
      seen.add(file);
      out.push({ file, explicit });
    }
  };
  for (const p of paths) {
    if (p === '-') {
      add(STDIN_NAME, true);
      continue;
    }
    const abs = path.resolve(cwd, p);
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      throw new UsageError(`${p}: no such file or directory`);
    }
    if (stat.isDirectory()) {
      const found: string[] = [];
      walk(abs, found);
      for (const f of found) add(f, false);
    } else {
      add(abs, true);
    }
  }
  return out;
}

function walk(dir: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new UsageError(`${dir}: cannot read folder (${errorCode(e)})`);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.')) walk(full, out);
    } else if (MANIFEST_EXTENSIONS.has(path.extname(e.name).toLowerCase()) && (e.isFile() || (e.isSymbolicLink() && isFile(full)))) {
      // A symlinked manifest is read, as `kubectl apply -f DIR` reads it; a symlinked folder is
      // not entered (kubectl does not either, and it cannot loop).
      out.push(full);
    }
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false; // a dangling link
  }
}

/**
 * The project's declared apply units: `.kube-topology.yaml` in the working directory (or the
 * file named), paths relative to its folder. A file that cannot be read as a unit declaration is
 * a usage error that says where.
 */
export async function readUnitSettings(cwd: string, configFile?: string): Promise<UnitSettings> {
  const file = configFile ? path.resolve(cwd, configFile) : path.join(cwd, PROJECT_CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (configFile) throw new UsageError(`${configFile}: cannot read (${errorCode(e)})`);
    return { root: pathKey(cwd) };
  }
  const config = parseProjectConfig(text);
  if (config.problems.length) throw new UsageError(`${displayPath(file, cwd)}: ${config.problems.join('; ')}`);
  const root = pathKey(path.dirname(file));
  return { declared: resolveDeclarations(config.units, root), root: pathKey(cwd) };
}

/** Reads the given paths into a fresh index, with the project's apply units (`.kube-topology.yaml`, or `configFile`). */
export async function loadIndex(paths: string[], io: CliIo, options: Partial<AnalysisOptions> = {}, configFile?: string): Promise<WorkspaceIndex> {
  const files = await collectManifestFiles(paths, io.cwd);
  const index = new WorkspaceIndex(options);
  index.setUnitSettings(await readUnitSettings(io.cwd, configFile));
  const entries: LoadEntry[] = [];
  for (const { file, explicit } of files) {
    if (file === STDIN_NAME) {
      const text = await io.readStdin();
      // An empty pipe (a failed `generate … |`) must not pass as "no findings".
      if (text.trim() === '') throw new UsageError('standard input is empty: nothing to validate');
      entries.push({ file, text, explicit });
      continue;
    }
    try {
      entries.push({ file, text: readFileSync(file, 'utf8'), explicit });
    } catch (e) {
      throw new UsageError(`${path.relative(io.cwd, file) || file}: cannot read (${errorCode(e)})`);
    }
  }
  // Large inputs parse on every core (parallelLoad.ts); the findings are the same either way.
  await loadInParallel(index, entries, workerCount(entries));
  return index;
}

/** Paths in output are relative to the working directory, like compilers print them. */
export function displayPath(file: string, cwd: string): string {
  if (file === STDIN_NAME) return file;
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? errorText(e);
}
