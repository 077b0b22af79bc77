#!/usr/bin/env node
// Generates the committed schemas/ directory from the upstream Kubernetes OpenAPI v2 documents.
//
//   node scripts/generate-schemas.mjs [inputDir] [--out schemas]
//   KUBE_OPENAPI_DIR=/path npm run schemas
//
// Input: swagger-v1.XX.json files (default ../shared/kubernetes-openapi relative to the repo root).
// Output (compact; identical definitions are stored once across all releases):
//   schemas/k8s-schemas.json       index: releases, file names, counts (the runtime finds schemas/ by this file)
//   schemas/definitions.json       content-addressed store: hash → JSON Schema of one definition, no descriptions
//   schemas/descriptions.json      content-addressed store: hash → { "": type description, field: description }
//   schemas/v1.XX.json             per release: apiVersion → kind → root definition; definition → [schema hash, description hash]
//   schemas/api-availability.json  apiVersion → kind → releases that serve it
//
// Kubernetes specifics applied to every schema:
//   - `$ref: "#/definitions/X"` becomes `$ref: "X"` (names resolve per release through the release file)
//   - objects with properties reject unknown fields (`additionalProperties: false`, like kubectl's strict
//     field validation) unless marked `x-kubernetes-preserve-unknown-fields`
//   - objects without properties (RawExtension, FieldsV1, JSON, …) accept anything
//   - int-or-string → integer or string; Quantity → string (format "quantity") or number
//   - formats kept: int32, int64, byte, date-time (the validator defines them); others dropped
//   - allowed values for well-known enum fields from scripts/schemas/enums.mjs
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { enumLookup } from './schemas/enums.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const outDir = resolve(repoRoot, outArg !== -1 ? args[outArg + 1] : 'schemas');
const positional = args.filter((a, i) => !a.startsWith('--') && (outArg === -1 || i !== outArg + 1));
const inputDir = resolve(repoRoot, positional[0] ?? process.env.KUBE_OPENAPI_DIR ?? '../shared/kubernetes-openapi');

export const INDEX_FILE = 'k8s-schemas.json';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const KEPT_FORMATS = new Set(['int32', 'int64', 'byte', 'date-time']);
const HASH_LENGTH = 10;
const GENERATED_FILES = [INDEX_FILE, 'definitions.json', 'descriptions.json', 'api-availability.json'];

const findEnum = enumLookup();

function hashOf(value) {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, HASH_LENGTH);
}

/** JSON with object keys sorted (arrays keep their order): equal content gives equal text. */
function canonicalJson(value) {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys(value[k]);
    return out;
  }
  return value;
}

function refName(ref) {
  const prefix = '#/definitions/';
  if (!ref.startsWith(prefix)) throw new Error(`unexpected $ref ${ref}`);
  return ref.slice(prefix.length);
}

/**
 * One schema node (a definition, a property, list items, map values) → validation schema without
 * descriptions. `owner` is the definition name, `field` the property name (for the enum table).
 */
function convert(node, owner, field) {
  if (node === true || node === false) return node;
  if (!node || typeof node !== 'object') throw new Error(`bad schema node in ${owner}`);
  if (node.$ref) return { $ref: refName(node.$ref) };
  if (node['x-kubernetes-int-or-string'] || node.format === 'int-or-string') return { type: ['integer', 'string'] };
  if (owner === QUANTITY && field === undefined) return { type: ['string', 'number'], format: 'quantity' };

  const out = {};
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (node.type) out.type = node.type;
  if (node.format && KEPT_FORMATS.has(node.format)) out.format = node.format;
  if (node.type === 'array' && node.items) {
    out.items = convert(node.items, owner, undefined);
    const e = field !== undefined ? findEnum(owner, field) : undefined;
    if (e?.items) out.items = { ...out.items, enum: e.values };
  }
  if (node.properties) {
    out.properties = {};
    for (const [name, prop] of Object.entries(node.properties)) {
      let converted = convert(prop, owner, name);
      const e = findEnum(owner, name);
      if (e && !e.items && converted.type === 'string') converted = { ...converted, enum: e.values };
      out.properties[name] = converted;
    }
    if (node.required?.length) out.required = [...node.required];
    if (!preserve && node.additionalProperties === undefined) out.additionalProperties = false;
  }
  if (node.additionalProperties !== undefined && !preserve) {
    out.additionalProperties = convert(node.additionalProperties, owner, undefined);
  }
  if (!node.properties && node.required?.length) out.required = [...node.required];
  // An object type with neither properties nor additionalProperties (RawExtension, FieldsV1, …)
  // is free-form: keep only the type. A node without a type (apiextensions JSON) accepts anything.
  return out;
}

/** Field descriptions of one definition: "" is the type's own description. */
function descriptionsOf(def) {
  const out = {};
  if (def.description) out[''] = def.description;
  for (const [name, prop] of Object.entries(def.properties ?? {})) {
    if (prop.description) out[name] = prop.description;
  }
  return out;
}

function apiVersionOf(gvk) {
  return gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
}

function compareReleases(a, b) {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || an - bn;
}

function main() {
  if (!existsSync(inputDir)) {
    console.error(`OpenAPI input directory not found: ${inputDir}\nPass it as the first argument or set KUBE_OPENAPI_DIR.`);
    process.exit(2);
  }
  const files = readdirSync(inputDir)
    .map((f) => /^swagger-v(\d+\.\d+)\.json$/.exec(f))
    .filter(Boolean)
    .map((m) => ({ release: m[1], file: join(inputDir, m[0]) }))
    .sort((a, b) => compareReleases(a.release, b.release));
  if (!files.length) {
    console.error(`No swagger-vX.Y.json files in ${inputDir}`);
    process.exit(2);
  }

  const definitionStore = new Map(); // hash → schema
  const descriptionStore = new Map(); // hash → descriptions
  const availability = {}; // apiVersion → kind → releases
  const releases = [];

  mkdirSync(outDir, { recursive: true });
  // Remove only what an earlier run wrote (a dropped release must not leave its file behind).
  for (const f of readdirSync(outDir)) {
    if (/^v\d+\.\d+\.json$/.test(f) || GENERATED_FILES.includes(f)) rmSync(join(outDir, f));
  }

  for (const { release, file } of files) {
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const defs = doc.definitions ?? {};
    const kinds = {};
    const definitions = {};
    for (const name of Object.keys(defs).sort()) {
      const def = defs[name];
      const schema = convert(def, name, undefined);
      const sHash = hashOf(schema);
      const prev = definitionStore.get(sHash);
      if (prev && canonicalJson(prev) !== canonicalJson(schema)) throw new Error(`hash collision ${sHash}; raise HASH_LENGTH`);
      definitionStore.set(sHash, schema);
      const desc = descriptionsOf(def);
      let dHash = '';
      if (Object.keys(desc).length) {
        dHash = hashOf(desc);
        const prevD = descriptionStore.get(dHash);
        if (prevD && canonicalJson(prevD) !== canonicalJson(desc)) throw new Error(`hash collision ${dHash}; raise HASH_LENGTH`);
        descriptionStore.set(dHash, desc);
      }
      definitions[name] = dHash ? [sHash, dHash] : [sHash];

      const gvks = def['x-kubernetes-group-version-kind'];
      // DeleteOptions and WatchEvent list every group; they are not kinds one writes in a manifest.
      if (!Array.isArray(gvks) || gvks.length !== 1) continue;
      const apiVersion = apiVersionOf(gvks[0]);
      (kinds[apiVersion] ??= {})[gvks[0].kind] = name;
      ((availability[apiVersion] ??= {})[gvks[0].kind] ??= []).push(release);
    }
    const manifest = { release, kinds: sortKeys(kinds), definitions };
    writeFileSync(join(outDir, `v${release}.json`), JSON.stringify(manifest));
    releases.push({
      release,
      file: `v${release}.json`,
      kinds: Object.values(kinds).reduce((n, k) => n + Object.keys(k).length, 0),
      definitions: Object.keys(definitions).length,
    });
  }

  writeFileSync(join(outDir, 'definitions.json'), JSON.stringify(sortKeys(Object.fromEntries(definitionStore))));
  writeFileSync(join(outDir, 'descriptions.json'), JSON.stringify(sortKeys(Object.fromEntries(descriptionStore))));
  writeFileSync(
    join(outDir, 'api-availability.json'),
    JSON.stringify({ releases: releases.map((r) => r.release), apiVersions: sortKeys(availability) }, null, 1) + '\n',
  );
  const groups = new Set();
  for (const apiVersion of Object.keys(availability)) groups.add(apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');
  const index = {
    format: 1,
    generatedBy: 'scripts/generate-schemas.mjs',
    source: 'Kubernetes OpenAPI v2 (swagger) documents',
    releases,
    groups: [...groups].sort(),
    files: { definitions: 'definitions.json', descriptions: 'descriptions.json', availability: 'api-availability.json' },
    uniqueDefinitions: definitionStore.size,
    uniqueDescriptions: descriptionStore.size,
  };
  writeFileSync(join(outDir, INDEX_FILE), JSON.stringify(index, null, 1) + '\n');

  let total = 0;
  const sizes = [];
  for (const f of readdirSync(outDir)) {
    const size = statSync(join(outDir, f)).size;
    total += size;
    sizes.push(`  ${f.padEnd(24)} ${(size / 1024).toFixed(0).padStart(6)} KB`);
  }
  console.log(`schemas for ${releases.map((r) => r.release).join(', ')} from ${inputDir}`);
  console.log(`${definitionStore.size} unique definitions, ${descriptionStore.size} unique description sets`);
  console.log(sizes.join('\n'));
  console.log(`total ${(total / 1024 / 1024).toFixed(2)} MB in ${outDir}`);
}

main();
