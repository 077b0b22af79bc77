// Bundles the extension host code, the CLI and the webview with esbuild into dist/.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
// --outdir=DIR writes the bundles elsewhere (packaging builds into a staging folder, leaving dist/ alone).
const outdir = (process.argv.find((a) => a.startsWith('--outdir=')) ?? '--outdir=dist').slice('--outdir='.length);
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };

/**
 * yaml's browser build is the same code without a `process.env.LOG_TOKENS` read per token, which
 * costs a quarter of the parse time on Node (bench: npm run bench, docs/performance.md).
 */
const yamlWithoutEnvReads = {
  name: 'yaml-without-env-reads',
  setup(b) {
    b.onResolve({ filter: /^yaml$/ }, () => ({ path: fileURLToPath(new URL('../node_modules/yaml/browser/index.js', import.meta.url)) }));
  },
};
/**
 * The CLI and the extension load @kubernetes/client-node (18 MB bundled) only for cluster work: it
 * lives in its own file next to cli.js and extension.js, so `validate` and activation do not read
 * and compile it.
 */
const clientNodeBeside = {
  name: 'client-node-beside',
  setup(b) {
    b.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({ path: './client-node.js', external: true }));
  },
};
const jobs = [
  build({
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: `${outdir}/extension.js`,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [yamlWithoutEnvReads, clientNodeBeside],
  }),
  build({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: `${outdir}/cli-main.js`,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [yamlWithoutEnvReads, clientNodeBeside],
  }),
  // The executable: a few lines that load cli-main.js through V8's code cache (compileCache.ts).
  build({
    ...common,
    entryPoints: ['src/cli/bin.ts'],
    outfile: `${outdir}/cli.js`,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  }),
  build({
    ...common,
    stdin: { contents: "module.exports = require('@kubernetes/client-node');", resolveDir: '.', loader: 'js' },
    outfile: `${outdir}/client-node.js`,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }),
];
if (existsSync('webview/src/main.ts')) {
  jobs.push(buildWebview());
}

/**
 * The webviews: the layout worker is bundled first into one self-contained script, then inlined
 * into each page's script as a string (import 'kt-layout-worker'), because a webview may start
 * workers only from blob: URLs and cannot importScripts. Two pages, each its own bundle: the
 * topology panel (main.js, main.css) and the generator form (generator.js, generator.css, which
 * draws its preview with the same graph view); the CSS comes from what each entry imports.
 */
async function buildWebview() {
  const worker = await build({
    ...common,
    entryPoints: ['webview/src/layoutWorker.ts'],
    write: false,
    outfile: `${outdir}/webview/layoutWorker.js`,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    sourcemap: false,
    minify: true,
  });
  const workerSource = worker.outputFiles[0].text;
  const inlineWorker = {
    name: 'kt-layout-worker',
    setup(b) {
      b.onResolve({ filter: /^kt-layout-worker$/ }, () => ({ path: 'kt-layout-worker', namespace: 'kt-inline' }));
      b.onLoad({ filter: /.*/, namespace: 'kt-inline' }, () => ({ contents: workerSource, loader: 'text' }));
    },
  };
  const page = (entry, name) =>
    build({
      ...common,
      entryPoints: [entry],
      outfile: `${outdir}/webview/${name}.js`,
      platform: 'browser',
      format: 'iife',
      target: 'chrome120',
      plugins: [inlineWorker],
    });
  await Promise.all([page('webview/src/main.ts', 'main'), page('webview/src/generator/main.ts', 'generator')]);
}
await Promise.all(jobs);
if (watch) console.log('watch mode is not implemented; rerun npm run build');
