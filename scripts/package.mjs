// npm run package: kube-topology-<version>.vsix with minified bundles, built in a staging folder
// (.cache/package/) so the dist/ that tests and the debugger use is left alone.
// Fails when a bundle would need node_modules at run time, when the package holds anything but
// bundles, schemas, templates, addons, snippets, media and docs, or when it is larger than the budget.
//
//   KUBE_TOPOLOGY_VSIX_BUDGET_KB   size budget (default 5120 KB)
//   --out=FILE                     where to write the vsix (default ./kube-topology-<version>.vsix)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { zipEntries, checkEntries, foreignRequires } = require('./vsixPolicy.cjs');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outArg = process.argv.find((a) => a.startsWith('--out='));
const vsix = resolve(root, outArg ? outArg.slice('--out='.length) : `${pkg.name}-${pkg.version}.vsix`);
const budgetKB = Number(process.env.KUBE_TOPOLOGY_VSIX_BUDGET_KB ?? 5120);
const stage = join(root, '.cache', 'package');

const started = Date.now();
const fail = (message) => {
  console.error(`package: ${message}`);
  // A package that failed a check must not be mistaken for a good one later.
  rmSync(vsix, { force: true });
  process.exit(1);
};

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production', `--outdir=${join(stage, 'dist')}`], { cwd: root, stdio: 'inherit' });

// Every bundle may load Node built-ins and the files shipped beside it; only the extension gets `vscode`.
const distDir = join(stage, 'dist');
const bundles = readdirSync(distDir, { recursive: true })
  .filter((f) => String(f).endsWith('.js'))
  .map(String);
/** Files the bundles load from beside themselves (vsix paths); they must be in the package. */
const loadedBeside = new Set();
for (const file of bundles) {
  const foreign = foreignRequires(readFileSync(join(distDir, file), 'utf8'), file === 'extension.js' ? ['vscode'] : [], (rel) => {
    loadedBeside.add(`extension/${posix.join('dist', posix.dirname(file), rel)}`);
    return true;
  });
  if (foreign.length) fail(`dist/${file} loads ${foreign.join(', ')} at run time, which the vsix does not ship; bundle it instead`);
}

for (const item of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'schemas', 'templates', 'addons', 'snippets', 'media', 'docs']) {
  if (existsSync(join(root, item))) cpSync(join(root, item), join(stage, item), { recursive: true });
}

rmSync(vsix, { force: true });
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
// --no-dependencies: the bundles are self-contained, so vsce must not collect node_modules.
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', vsix], { cwd: stage, stdio: ['ignore', 'inherit', 'inherit'] });

const entries = zipEntries(readFileSync(vsix));
const { unexpected, missing } = checkEntries(entries.map((e) => e.name));
if (unexpected.length) fail(`the vsix holds files it must not ship:\n  ${unexpected.join('\n  ')}`);
if (missing.length) fail(`the vsix lacks ${missing.join(', ')}`);
const names = new Set(entries.map((e) => e.name));
const notShipped = [...loadedBeside].filter((n) => !names.has(n));
if (notShipped.length) fail(`the bundles load ${notShipped.join(', ')}, which .vscodeignore leaves out`);

const sizeKB = statSync(vsix).size / 1024;
const unpackedKB = entries.reduce((s, e) => s + e.size, 0) / 1024;
if (sizeKB > budgetKB) fail(`${vsix} is ${sizeKB.toFixed(0)} KB, over the ${budgetKB} KB budget`);
console.log(
  `package: ${vsix.slice(root.length + 1)} ${sizeKB.toFixed(0)} KB (${entries.length} entries, ${unpackedKB.toFixed(0)} KB unpacked; budget ${budgetKB} KB) in ${Date.now() - started} ms`,
);
