// What the packaged extension may hold, and a small reader for the .vsix (a zip) to check it.
// Shared by scripts/package.mjs (refuses to leave a bad package behind) and the packaging test.
'use strict';

const { builtinModules } = require('node:module');

/** Paths inside the vsix's `extension/` folder that may be shipped. Anything else is a mistake. */
const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/i, // vsce writes readme.md and changelog.md
  /^CHANGELOG\.md$/i,
  /^LICENSE(\.txt)?$/,
  /^dist\/[^/]+\.js$/, // extension.js, cli.js and modules they load lazily (client-node.js)
  /^dist\/webview\/(main|generator)\.(js|css)$/, // the topology panel and the generator form
  /^schemas\/[^/]+\.json$/,
  /^templates\/[^/]+\.ya?ml$/,
  /^addons\/[^/]+\/[^/]+\.ya?ml$/, // pinned upstream manifests (metrics-server), each with its licence
  /^addons\/[^/]+\/LICENSE$/,
  /^snippets\/[^/]+\.json$/,
  /^media\/.+\.(png|svg|md)$/,
  /^docs\/.+\.(md|png|svg)$/,
];

/** Entries that must be there for the extension to work at all. */
const REQUIRED = [
  'package.json',
  'dist/extension.js',
  'dist/cli.js',
  'dist/webview/main.js',
  'dist/webview/main.css',
  'dist/webview/generator.js',
  'dist/webview/generator.css',
  'schemas/k8s-schemas.json',
  'templates/gateway-model.yaml',
  'addons/metrics-server/components.yaml',
  'addons/metrics-server/LICENSE',
];

/**
 * Optional native speed-ups that `ws` (under @kubernetes/client-node) requires inside try/catch
 * and does without when they are missing: not shipping them is intended.
 */
const OPTIONAL_NATIVE = new Set(['bufferutil', 'utf-8-validate']);

/** The two files vsce writes beside `extension/`. */
const VSCE_FILES = new Set(['extension.vsixmanifest', '[Content_Types].xml']);

/**
 * Entry names and sizes from a zip's central directory (no zip64: a vsix is far below 4 GB).
 * @param {Buffer} buf
 * @returns {{ name: string, size: number, compressedSize: number, method: number, offset: number }[]}
 */
function zipEntries(buf) {
  const EOCD = 0x06054b50;
  const CENTRAL = 0x02014b50;
  // The end record is 22 bytes plus a comment of at most 64 KiB, so search backwards from there.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file: no end of central directory record');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== CENTRAL) throw new Error(`corrupt zip: bad central directory entry ${n}`);
    const compressedSize = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    entries.push({ name, size, compressedSize, method: buf.readUInt16LE(at + 10), offset: buf.readUInt32LE(at + 42) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * The content of one entry (stored or deflated, the two methods vsce writes).
 * @param {Buffer} buf
 * @param {string} name
 * @returns {Buffer}
 */
function readEntry(buf, name) {
  const entry = zipEntries(buf).find((e) => e.name === name);
  if (!entry) throw new Error(`${name} is not in the zip`);
  const at = entry.offset;
  if (buf.readUInt32LE(at) !== 0x04034b50) throw new Error(`corrupt zip: bad local header for ${name}`);
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const data = buf.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return Buffer.from(data);
  if (entry.method === 8) return require('node:zlib').inflateRawSync(data);
  throw new Error(`${name}: unsupported compression method ${entry.method}`);
}

/**
 * Checks a vsix's entry names against the policy.
 * @param {string[]} names
 * @returns {{ unexpected: string[], missing: string[] }}
 */
function checkEntries(names) {
  const unexpected = [];
  const shipped = new Set();
  for (const name of names) {
    if (name.endsWith('/') || VSCE_FILES.has(name)) continue;
    const inner = name.startsWith('extension/') ? name.slice('extension/'.length) : undefined;
    if (inner === undefined || !ALLOWED.some((re) => re.test(inner))) unexpected.push(name);
    else shipped.add(inner);
  }
  return { unexpected, missing: REQUIRED.filter((r) => !shipped.has(r)) };
}

/**
 * Modules a bundle loads at run time that are neither Node built-ins nor in `allowed`: a bundle
 * that needs node_modules breaks once installed, because the vsix ships none.
 * A relative require is fine when `exists` says the file is shipped beside the bundle.
 * @param {string} source bundle text
 * @param {string[]} allowed
 * @param {(relative: string) => boolean} [exists]
 * @returns {string[]}
 */
function foreignRequires(source, allowed, exists = () => false) {
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const found = new Set();
  const ok = (spec) =>
    spec.startsWith('node:') || // built-in by definition, also those newer than Node 20 (node:sqlite)
    builtins.has(spec) ||
    builtins.has(spec.split('/')[0]) ||
    OPTIONAL_NATIVE.has(spec) ||
    (spec.startsWith('./') && exists(spec)) ||
    allowed.includes(spec);
  // A call that starts a string literal is code text, not a call: ajv keeps
  // 'require("ajv/dist/runtime/equal")' as a string for its standalone code generator.
  for (const m of source.matchAll(/(?<!['"`])\b(?:require|import)\(\s*(["'`])([^"'`]+)\1\s*\)/g)) {
    if (!ok(m[2])) found.add(m[2]);
  }
  return [...found].sort();
}

module.exports = { ALLOWED, REQUIRED, zipEntries, readEntry, checkEntries, foreignRequires };
