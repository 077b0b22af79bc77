/**
 * The .vsix that `npm run package` makes (setup.sh keeps it current) holds what the extension
 * needs and nothing else, within the size budget, and its bundles load no node_modules.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, runSetup, vsixPath } from './codeServer';

interface ZipEntry {
  name: string;
  size: number;
  compressedSize: number;
}
interface VsixPolicy {
  zipEntries(buf: Buffer): ZipEntry[];
  readEntry(buf: Buffer, name: string): Buffer;
  checkEntries(names: string[]): { unexpected: string[]; missing: string[] };
  foreignRequires(source: string, allowed: string[], exists?: (relative: string) => boolean): string[];
}
// Plain CommonJS shared with scripts/package.mjs, so the script and this test apply one policy.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const policy = require(path.join(ROOT, 'scripts/vsixPolicy.cjs')) as VsixPolicy;

const BUDGET_KB = Number(process.env.KUBE_TOPOLOGY_VSIX_BUDGET_KB ?? 5120);

let entries: ZipEntry[] = [];
let vsix: Buffer;

before(() => {
  runSetup();
  vsix = fs.readFileSync(vsixPath());
  entries = policy.zipEntries(vsix);
  const kb = (vsix.length / 1024).toFixed(0);
  console.log(`# ${path.basename(vsixPath())}: ${kb} KB, ${entries.length} entries`);
});

/** A stored (uncompressed) zip written by hand, to check the reader against known content. */
function storedZip(names: string[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const name of names) {
    const data = Buffer.from(`content of ${name}`);
    const n = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    locals.push(local, n, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe('packaged extension (.vsix)', () => {
  test('the zip reader lists and reads the entries of a zip it did not write', () => {
    const names = ['extension/package.json', 'extension/dist/extension.js', 'extension/node_modules/x/index.js'];
    const zip = storedZip(names);
    assert.deepEqual(
      policy.zipEntries(zip).map((e) => e.name),
      names,
    );
    assert.equal(policy.readEntry(zip, 'extension/dist/extension.js').toString(), 'content of extension/dist/extension.js');
    assert.throws(() => policy.zipEntries(Buffer.from('not a zip at all, just some text that is long enough')), /not a zip/);
  });

  test('holds only bundles, schemas, templates, snippets, media and docs', () => {
    const { unexpected, missing } = policy.checkEntries(entries.map((e) => e.name));
    assert.deepEqual(unexpected, []);
    assert.deepEqual(missing, []);
    const names = entries.map((e) => e.name);
    for (const forbidden of [/node_modules\//, /(^|\/)src\//, /(^|\/)test\//, /\.map$/, /\.ts$/, /(^|\/)out\//, /\.vsix$/]) {
      assert.deepEqual(
        names.filter((n) => forbidden.test(n)),
        [],
        `nothing matching ${forbidden}`,
      );
    }
    for (const walkthrough of fs.readdirSync(path.join(ROOT, 'media/walkthrough')))
      assert.ok(names.includes(`extension/media/walkthrough/${walkthrough}`), walkthrough);
    assert.ok(names.includes('extension/media/icon.png'));
  });

  test('the policy rejects what a careless .vscodeignore would let in', () => {
    const { unexpected } = policy.checkEntries([
      'extension/package.json',
      'extension/node_modules/yaml/index.js',
      'extension/src/extension/extension.ts',
      'extension/dist/extension.js.map',
      'extension/test/e2e/editor.test.ts',
    ]);
    assert.equal(unexpected.length, 4);
  });

  test('is within the size budget', () => {
    const kb = vsix.length / 1024;
    assert.ok(kb <= BUDGET_KB, `${kb.toFixed(0)} KB > ${BUDGET_KB} KB`);
  });

  test('the bundles in the package load nothing from node_modules', () => {
    const names = new Set(entries.map((e) => e.name));
    const bundles = [...names].filter((n) => /^extension\/dist\/.+\.js$/.test(n)).map((n) => n.slice('extension/dist/'.length));
    assert.ok(
      bundles.includes('extension.js') && bundles.includes('cli.js') && bundles.includes('cli-main.js') && bundles.includes('webview/main.js'),
      bundles.join(', '),
    );
    for (const file of bundles) {
      const source = policy.readEntry(vsix, `extension/dist/${file}`).toString('utf8');
      const beside: string[] = [];
      const foreign = policy.foreignRequires(source, file === 'extension.js' ? ['vscode'] : [], (rel) => {
        beside.push(rel);
        return true;
      });
      assert.deepEqual(foreign, [], `dist/${file}`);
      for (const rel of beside)
        assert.ok(names.has(`extension/${path.posix.join('dist', path.posix.dirname(file), rel)}`), `dist/${file} loads ${rel}, which is shipped`);
    }
    // The extension bundle really is the minified production build.
    const extension = policy.readEntry(vsix, 'extension/dist/extension.js').toString('utf8');
    assert.ok(!extension.includes('sourceMappingURL'), 'no source map reference');
    // Minified code has long lines (template literals keep some newlines); readable code averages ~40.
    const averageLine = extension.length / extension.split('\n').length;
    assert.ok(averageLine > 500, `minified (average line ${averageLine.toFixed(0)} chars)`);
    assert.deepEqual(policy.foreignRequires('const y = require("yaml"); const fs = require("node:fs"); const v = require("vscode");', []), ['vscode', 'yaml']);
    assert.deepEqual(policy.foreignRequires(`f.code = 'require("ajv/dist/runtime/equal").default'`, []), [], 'code inside a string is not a require');
  });

  test('the manifest declares the icon and the kind walkthrough with existing media', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      icon: string;
      contributes: { walkthroughs: { id: string; steps: { id: string; media: { markdown?: string; image?: string } }[] }[] };
    };
    assert.ok(fs.existsSync(path.join(ROOT, pkg.icon)));
    const png = fs.readFileSync(path.join(ROOT, pkg.icon));
    assert.equal(png.readUInt32BE(16), 128, 'icon width');
    assert.equal(png.readUInt32BE(20), 128, 'icon height');
    const walkthrough = pkg.contributes.walkthroughs.find((w) => w.id === 'kindQuickStart');
    assert.ok(walkthrough);
    assert.deepEqual(
      walkthrough.steps.map((s) => s.id),
      ['createCluster', 'buildImages', 'loadImages', 'generate', 'validate', 'view', 'apply', 'portForward', 'callGateway'],
    );
    for (const step of walkthrough.steps) assert.ok(fs.existsSync(path.join(ROOT, step.media.markdown ?? step.media.image ?? '')), `${step.id} media`);
  });
});
