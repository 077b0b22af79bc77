import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import Module from 'node:module';
import { compileCacheDirectory } from '../../src/cli/compileCache';

const repo = path.resolve(__dirname, '../../..');
// Node 22 and later keep the cache themselves (module.enableCompileCache); these tests are about
// the Node 20 path, which the engines field allows.
const platformCache = typeof (Module as unknown as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const loader = path.join(__dirname, '../../src/cli/compileCache.js');

/** Loads `bundle` in a fresh Node process (the cache is written at exit) and reports what it saw. */
function load(bundle: string, cacheDir: string, variant = 'validate'): { cache: string; answer: unknown; file: unknown } {
  const script = `const { loadBundle } = require(${JSON.stringify(loader)});
const r = loadBundle(${JSON.stringify(bundle)}, ${JSON.stringify(cacheDir)}, ${JSON.stringify(variant)});
console.log(JSON.stringify({ cache: r.cache, answer: r.exports.answer(), file: r.exports.file }));`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

const BUNDLE = (n: number) =>
  `#!/usr/bin/env node\n'use strict';\nconst path = require('node:path');\nexports.file = path.basename(__filename);\nexports.answer = () => ${n} + require('./helper.js').one;\n`;

test('the code cache: written by the first run, used by the next, per build and per variant', { skip: platformCache && 'Node keeps this cache itself' }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kt-cc-'));
  const cacheDir = path.join(dir, 'cache');
  const bundle = path.join(dir, 'bundle.js');
  writeFileSync(path.join(dir, 'helper.js'), 'exports.one = 1;\n');
  writeFileSync(bundle, BUNDLE(41));

  assert.deepEqual(load(bundle, cacheDir), { cache: 'written', answer: 42, file: 'bundle.js' });
  const first = readdirSync(cacheDir);
  assert.equal(first.length, 1);
  assert.match(first[0], /^bundle\.validate-[0-9a-f]{20}\.v8$/);
  assert.deepEqual(load(bundle, cacheDir), { cache: 'used', answer: 42, file: 'bundle.js' });

  // Another command keeps its own file beside.
  assert.equal(load(bundle, cacheDir, 'apply').cache, 'written');
  assert.equal(readdirSync(cacheDir).length, 2);

  // A new build of the same length: V8 alone would take the old code; the name says it is another.
  writeFileSync(bundle, BUNDLE(42));
  assert.deepEqual(load(bundle, cacheDir), { cache: 'written', answer: 43, file: 'bundle.js' });
  const after = readdirSync(cacheDir).filter((f) => f.startsWith('bundle.validate-'));
  assert.equal(after.length, 1, 'the old build’s file is replaced');
  assert.notEqual(after[0], first[0]);

  // A damaged file is refused by V8 and rewritten; the bundle still runs.
  writeFileSync(path.join(cacheDir, after[0]), Buffer.from('not a code cache'));
  assert.deepEqual(load(bundle, cacheDir), { cache: 'rejected', answer: 43, file: 'bundle.js' });
  assert.equal(load(bundle, cacheDir).cache, 'used');
});

test('the code cache: a folder that cannot be written costs nothing but the cache', { skip: platformCache && 'Node keeps this cache itself' }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kt-cc-'));
  const bundle = path.join(dir, 'bundle.js');
  writeFileSync(path.join(dir, 'helper.js'), 'exports.one = 1;\n');
  writeFileSync(bundle, BUNDLE(1));
  const blocked = path.join(dir, 'a-file');
  writeFileSync(blocked, '');
  // The cache folder would have to be inside a regular file.
  assert.deepEqual(load(bundle, path.join(blocked, 'cache')), { cache: 'written', answer: 2, file: 'bundle.js' });
  assert.deepEqual(load(bundle, path.join(blocked, 'cache')), { cache: 'written', answer: 2, file: 'bundle.js' });
});

test('the code cache folder: XDG_CACHE_HOME or ~/.cache; NODE_DISABLE_COMPILE_CACHE turns it off', () => {
  assert.equal(compileCacheDirectory({ XDG_CACHE_HOME: '/x/cache' }), path.join('/x/cache', 'kube-topology', 'compile-cache'));
  assert.match(compileCacheDirectory({ XDG_CACHE_HOME: 'relative' }) ?? '', /\.cache[/\\]kube-topology[/\\]compile-cache$/);
  assert.equal(compileCacheDirectory({ NODE_DISABLE_COMPILE_CACHE: '1', XDG_CACHE_HOME: '/x' }), undefined);
});

test('the executable: the same output from a cold and a warm cache, one file per command', () => {
  const cacheHome = mkdtempSync(path.join(tmpdir(), 'kt-cc-home-'));
  const env = { ...process.env, XDG_CACHE_HOME: cacheHome, NODE_DISABLE_COMPILE_CACHE: '' };
  const run = () =>
    spawnSync(process.execPath, [path.join(repo, 'dist', 'cli.js'), 'validate', '-o', 'json', 'examples/zoomcamp'], { cwd: repo, env, encoding: 'utf8' });
  const cold = run();
  assert.equal(cold.status, 0, cold.stderr);
  const files = readdirSync(path.join(cacheHome, 'kube-topology', 'compile-cache'));
  if (!platformCache)
    assert.deepEqual(
      files.map((f) => f.replace(/-[0-9a-f]+\.v8$/, '')),
      ['cli-main.validate'],
    );
  else assert.ok(files.length > 0);
  const warm = run();
  assert.equal(warm.status, 0, warm.stderr);
  assert.equal(warm.stdout, cold.stdout);
  assert.ok(JSON.parse(warm.stdout).resources > 0);
});
