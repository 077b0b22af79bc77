import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { Script } from 'node:vm';

/**
 * Loading the CLI bundle with V8's code cache.
 *
 * Every `kube-topology` run compiles the 1.3 MB bundle and then, lazily, each function it calls;
 * for a CI step validating a folder that is a sixth of the run's CPU (docs/performance.md). Node
 * 22 keeps such a cache itself (`module.enableCompileCache`), and the CLI uses it there; Node 20
 * has no such switch, so this does the same with `vm.Script`'s `cachedData`: the first run saves
 * the code V8 compiled — after the run, so the functions the command needed are in it — and later
 * runs start from it.
 *
 * The cache is only ever an optimisation: a file that is missing, unreadable, truncated or from
 * another build is ignored (V8 checks its version and flags; the file name carries a hash of the
 * bundle's bytes, because V8's own check of the source is only its length), and any failure to
 * write it is silent. It lives under the user's cache folder with the other test and tool caches;
 * `NODE_DISABLE_COMPILE_CACHE=1` (Node's own switch for its cache) turns it off.
 */

export type CacheOutcome = 'off' | 'platform' | 'used' | 'written' | 'rejected';

export interface BundleLoad {
  exports: Record<string, unknown>;
  /** What happened to the cache (tests look; nothing prints it). */
  cache: CacheOutcome;
}

/** `$XDG_CACHE_HOME/kube-topology/compile-cache`, else `~/.cache/kube-topology/compile-cache`. */
export function compileCacheDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(homedir(), '.cache');
  return path.join(base, 'kube-topology', 'compile-cache');
}

type EnableCompileCache = (dir: string) => unknown;

/**
 * Loads the CommonJS file `file` as `require` would, with the code cache in `cacheDir` (none when
 * undefined). The cache is written when the process exits, once per build of the bundle and
 * `variant` (a name of the caller's choosing, [a-z-]; the CLI's command).
 */
export function loadBundle(file: string, cacheDir: string | undefined, variant = 'default'): BundleLoad {
  const load = createRequire(file);
  if (!cacheDir) return { exports: load(file) as Record<string, unknown>, cache: 'off' };
  const enable = (Module as unknown as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  if (typeof enable === 'function') {
    enable(cacheDir);
    return { exports: load(file) as Record<string, unknown>, cache: 'platform' };
  }

  const source = readFileSync(file, 'utf8');
  const key = createHash('sha256').update(process.version).update(process.arch).update(source).digest('hex').slice(0, 20);
  if (!/^[a-z-]{1,32}$/.test(variant)) throw new Error(`bad cache variant ${JSON.stringify(variant)}`);
  const stem = `${path.basename(file, '.js')}.${variant}-`;
  const cacheFile = path.join(cacheDir, `${stem}${key}.v8`);
  let cached: Buffer | undefined;
  try {
    cached = readFileSync(cacheFile);
  } catch {
    cached = undefined;
  }
  // A `#!` line is fine for `require`, not inside the function wrapper.
  const body = source.startsWith('#!') ? `//${source.slice(2)}` : source;
  const script = new Script(Module.wrap(body), { filename: file, cachedData: cached });
  const outcome: CacheOutcome = cached === undefined ? 'written' : script.cachedDataRejected ? 'rejected' : 'used';
  if (outcome !== 'used') process.once('exit', () => saveCache(script, cacheDir, cacheFile, stem));

  const bundle = new Module(file, module);
  bundle.filename = file;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(bundle.exports, bundle.exports, load, bundle, file, path.dirname(file));
  bundle.loaded = true;
  return { exports: bundle.exports as Record<string, unknown>, cache: outcome };
}

/** Writes the code V8 has compiled so far; replaces older builds' files; never throws. */
function saveCache(script: Script, cacheDir: string, cacheFile: string, stem: string): void {
  try {
    mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    // Written aside and renamed, so a run that starts meanwhile reads a whole file or none.
    const temporary = `${cacheFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, cacheFile);
    for (const name of readdirSync(cacheDir)) {
      const other = path.join(cacheDir, name);
      if (name.startsWith(stem) && other !== cacheFile && name.endsWith('.v8')) rmSync(other, { force: true });
    }
  } catch {
    // A read-only or full disk only costs the next run its head start.
  }
}
