import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UsageError, type CliIo } from './cliIo';
import { WorkspaceIndex } from '../core/index/workspaceIndex';
import type { AnalysisOptions } from '../core/rules/types';
import { loadInParallel, workerCount, type LoadEntry } from './parallelLoad';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out']);
/** Name shown for manifests read from standard input. */
export const STDIN_NAME = '<stdin>';

/**
 * Expands CLI paths: files as given, folders recursively (YAML and JSON only, skipping
 * dependency and VCS folders), `-` for standard input. A missing path is a usage error.
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
      stat = await fs.stat(abs);
    } catch {
      throw new UsageError(`${p}: no such file or directory`);
    }
    if (stat.isDirectory()) {
      const found: string[] = [];
      await walk(abs, found);
      for (const f of found) add(f, false);
    } else {
      add(abs, true);
    }
  }
  return out;
}

async function walk(dir: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new UsageError(`${dir}: cannot read folder (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.')) await walk(full, out);
    } else if (e.isFile() && MANIFEST_EXTENSIONS.has(path.extname(e.name).toLowerCase())) {
      out.push(full);
    }
  }
}

/** Reads the given paths into a fresh index. */
export async function loadIndex(paths: string[], io: CliIo, options: Partial<AnalysisOptions> = {}): Promise<WorkspaceIndex> {
  const files = await collectManifestFiles(paths, io.cwd);
  const index = new WorkspaceIndex(options);
  const entries: LoadEntry[] = [];
  for (const { file, explicit } of files) {
    let text: string;
    if (file === STDIN_NAME) {
      text = await io.readStdin();
      // An empty pipe (a failed `generate … |`) must not pass as "no findings".
      if (text.trim() === '') throw new UsageError('standard input is empty: nothing to validate');
    } else {
      try {
        text = await fs.readFile(file, 'utf8');
      } catch (e) {
        throw new UsageError(`${path.relative(io.cwd, file) || file}: cannot read (${(e as NodeJS.ErrnoException).code ?? e})`);
      }
    }
    entries.push({ file, text, explicit });
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
