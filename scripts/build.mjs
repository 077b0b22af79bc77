// Bundles the extension host code, the CLI and the webview with esbuild into dist/.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };

const jobs = [
  build({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] }),
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' } }),
];
if (existsSync('webview/src/main.ts')) {
  jobs.push(build({ ...common, entryPoints: ['webview/src/main.ts'], outfile: 'dist/webview/main.js', platform: 'browser', format: 'iife', target: 'chrome120' }));
}
await Promise.all(jobs);
if (watch) console.log('watch mode is not implemented; rerun npm run build');
