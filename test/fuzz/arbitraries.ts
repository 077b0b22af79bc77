/**
 * Generators of hostile and not-so-hostile manifests for the fuzz properties. Everything is built
 * from fast-check arbitraries (so a seed replays a run and failures shrink), except the objects
 * drawn from the Kubernetes schemas, which use a seeded walk: the schemas are recursive and huge,
 * and a walk with depth and breadth budgets keeps every object small enough to run hundreds per test.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { listKnownKinds, type KnownKind } from '../../src/core/schema';
import { release, type Release, type StoredSchema } from '../../src/core/schema/store';

export const FUZZ_VERSION = '1.36';

// ---------------------------------------------------------------------------------------------
// Strings

/** One code point from every Unicode plane that has one, plus the troublemakers of the BMP. */
export const UNICODE_SAMPLES = [
  'a',
  'é',
  'ß',
  'ﬁ',
  'İ',
  'Σ',
  'ж',
  'א',
  'ع',
  'क',
  '中',
  '한',
  'ｱ',
  '\u{1F600}',
  '\u{1D11E}',
  '\u{10348}', // plane 1: emoji, music, Gothic
  '\u{20000}',
  '\u{2A6D6}', // plane 2
  '\u{30000}', // plane 3
  '\u{E0001}',
  '\u{E0041}', // plane 14: tags
  '\u{F0000}',
  '\u{10FFFD}',
  '\u{10FFFF}', // planes 15/16: private use, the last code point
  '\uD800',
  '\uDBFF',
  '\uDC00',
  '\uDFFF', // lone surrogates (not valid UTF-16 text)
  '\uFEFF', // BOM / zero-width no-break space
  '\u202E',
  '\u202D',
  '\u2066',
  '\u2069',
  '\u200F', // bidi overrides and isolates
  '\u200B',
  '\u200D',
  '\u2028',
  '\u2029',
  '\u0085', // zero-width, line/paragraph separators, NEL
  '\u00A0',
  '\u3000',
  '\uFFFD',
  '\uFFFE',
  '\uFFFF',
  '\r',
  '\t',
  '\v',
  '\f',
  '\u0001',
  '\u001B',
  '\u007F',
  '\u0000',
];

/** Strings an attacker would put in a name, label, annotation, image or env value. */
export const HOSTILE_STRINGS = [
  '<img src=x onerror=alert(1)>',
  '</script><script>alert(1)</script>',
  'javascript:alert(1)',
  '<svg onload=alert(1)>',
  '"><iframe src=javascript:alert(1)>',
  '{{ .Values.name }}',
  '${KT_SECRET}',
  '[run](command:workbench.action.terminal.new)',
  '\u202Egnp.exe',
  'it\'s "quoted"',
  '%YAML 1.1',
  '--- ',
  '... ',
  '&anchor',
  '*alias',
  '!!binary',
  '- item',
  '? key',
  ': value',
  '#comment',
  '@',
  '`',
  'a'.repeat(1000),
  'x'.repeat(70_000),
  'very-long-name-'.repeat(40),
  '0'.repeat(400),
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '0x7FFFFFFFFFFFFFFFFF',
  '.inf',
  '.nan',
  'NaN',
  '~',
  'null',
  'yes',
  'on',
  'no',
  '010',
  '0o777',
  '1_000',
  '12:30:00',
  '2001-12-14t21:59:43.10-05:00',
];

/** A YAML scalar as it would be written in the file, including the strange ones. */
export const RAW_SCALARS = [
  '0',
  '-0',
  '1',
  '-1',
  '80',
  '65535',
  '65536',
  '2147483648',
  '9007199254740993',
  '99999999999999999999999999999999999999',
  '1e308',
  '1e309',
  '-1e400',
  '4.9e-324',
  '0x1F',
  '0o17',
  '0b101',
  '1_000_000',
  '+12',
  '.5',
  '5.',
  '.inf',
  '-.Inf',
  '.NaN',
  'true',
  'false',
  'True',
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  'n',
  '~',
  'null',
  'Null',
  "''",
  '""',
  '"\\u0000"',
  '"\\x00\\xff"',
  '"\\uD800"',
  '"\\U0001F600"',
  "'it''s'",
  '"a\\tb"',
  '"\\\\"',
  '!!str 5',
  '!!int "5"',
  '!!float x',
  '!!bool maybe',
  '!!null x',
  '!!binary aGVsbG8=',
  '!!timestamp nope',
  '!custom x',
  '!<tag:yaml.org,2002:str> 5',
  '2001-12-14',
  '12:30',
  '1:20:30',
  '=',
  '<<',
  '-',
  '?',
  ':',
  '&',
  '*',
  '|',
  '>',
  '%',
  '[]',
  '{}',
  '[1, [2, [3]]]',
  '{a: 1, a: 2}',
  '[a, b,]',
  '{a: [1, {b: c}]}',
  'app',
  'gateway',
  'nginx:latest',
  'busybox:1.36',
  'ClusterIP',
  'LoadBalancer',
  'TCP',
  '100m',
  '128Mi',
  '1Gi',
  '0.5',
  'http',
  'web',
];

export const unicodeChar = fc.oneof(
  fc.constantFrom(...UNICODE_SAMPLES),
  fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)), // lone surrogates included
  fc.constantFrom(' ', ' ', '\n', ':', '-', '#', '"', "'", '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '%', '@', '`', '?'),
);

/** Text of any kind: a mix of every plane, YAML indicators, line breaks and NULs. */
export const junkText = fc.array(unicodeChar, { maxLength: 400 }).map((a) => a.join(''));

/** Bytes read as if a binary file had been opened as UTF-8 (or latin1). */
export const binaryText = fc
  .tuple(fc.uint8Array({ maxLength: 4000 }), fc.boolean())
  .map(([bytes, utf8]) => (utf8 ? Buffer.from(bytes).toString('utf8') : Buffer.from(bytes).toString('latin1')));

// ---------------------------------------------------------------------------------------------
// Objects drawn from the schemas of every built-in kind

export const KNOWN_KINDS: KnownKind[] = listKnownKinds(FUZZ_VERSION);

/** Small deterministic PRNG (mulberry32) for the schema walk. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)];

const NAMES = [
  'app',
  'web',
  'gateway',
  'model',
  'api',
  'tf-serving-clothing-model',
  'a',
  'x'.repeat(63),
  'x'.repeat(300),
  'x'.repeat(600),
  'Bad_Name',
  'ns-1',
  '',
  '\u{1F600}\u202E',
  'y'.repeat(70_000),
];
const LABEL_VALUES = ['app', 'web', 'gateway', 'v1', '', 'x'.repeat(64), 'bad value!'];

interface WalkBudget {
  /** Values left to create in this object. */
  left: number;
}

function wrongValue(rnd: () => number): unknown {
  return pick(rnd, [
    true,
    'not-a-number',
    -1,
    1e300,
    2 ** 63,
    null,
    [],
    {},
    [1, 'two'],
    { nested: { deep: true } },
    pick(rnd, HOSTILE_STRINGS),
    pick(rnd, UNICODE_SAMPLES),
  ]);
}

function stringFor(schema: StoredSchema, key: string, rnd: () => number): string {
  if (schema.format === 'date-time') return pick(rnd, ['2024-01-01T00:00:00Z', 'yesterday', '2024-13-40T25:61:61Z']);
  if (schema.format === 'quantity') return pick(rnd, ['100m', '1', '0.5', '128Mi', '1Gi', '2Ti', '1e3', '-1', 'lots', '1.5.5']);
  if (schema.format === 'byte') return pick(rnd, ['aGVsbG8=', 'not base64!', '']);
  if (/image$/i.test(key)) return pick(rnd, ['nginx', 'nginx:latest', 'busybox:1.36', 'registry.local:5000/app@sha256:' + 'a'.repeat(64), 'UPPER/Case', '']);
  if (/name$/i.test(key)) return pick(rnd, NAMES);
  if (/namespace$/i.test(key)) return pick(rnd, ['default', 'kube-system', 'prod', 'Bad NS']);
  if (rnd() < 0.1) return pick(rnd, HOSTILE_STRINGS);
  if (rnd() < 0.1) return Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => pick(rnd, UNICODE_SAMPLES)).join('');
  return pick(rnd, ['app', 'web', 'value', 'http', 'TCP', '/healthz', 'RollingUpdate', 'Always', 'cpu', 'memory', '8080', '*']);
}

function numberFor(schema: StoredSchema, key: string, rnd: () => number): number {
  if (/port$/i.test(key)) return pick(rnd, [80, 443, 8080, 9696, 8500, 0, 65535, 65536, -1]);
  if (/replicas$/i.test(key)) return pick(rnd, [0, 1, 2, 3, 10, -1, 1000]);
  if (schema.type === 'number' || (Array.isArray(schema.type) && schema.type.includes('number'))) return pick(rnd, [0.5, 1.5, 1e-9, 1e308, -0, 3]);
  return pick(rnd, [0, 1, 2, 3, 42, 100, 2 ** 31, 2 ** 53 + 1, -5, 1e21]);
}

function walk(rel: Release, schema: StoredSchema | undefined, key: string, depth: number, rnd: () => number, budget: WalkBudget): unknown {
  budget.left--;
  let s = schema;
  for (let hops = 0; s?.$ref && hops < 20; hops++) s = rel.schema(s.$ref);
  if (!s) return pick(rnd, ['x', 1, true, null]);
  if (rnd() < 0.03) return wrongValue(rnd);
  if (s.enum?.length) return rnd() < 0.9 ? pick(rnd, s.enum) : 'NotInTheEnum';
  const types = s.type === undefined ? (s.properties ? ['object'] : ['string']) : Array.isArray(s.type) ? s.type : [s.type];
  const type = pick(rnd, types);
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      if (s.properties) {
        for (const [k, prop] of Object.entries(s.properties)) {
          const required = s.required?.includes(k);
          const p = required ? 0.9 : depth > 5 ? 0 : 0.35 / (1 + depth * 0.5);
          if (budget.left > 0 && rnd() < p) out[k] = walk(rel, prop, k, depth + 1, rnd, budget);
        }
        if (rnd() < 0.04) out[pick(rnd, ['replica', 'contaner', 'imagePullPolcy', 'labels', 'spec', 'unknownField'])] = 'typo';
      } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        const n = depth > 6 || budget.left <= 0 ? 0 : Math.floor(rnd() * 4);
        for (let i = 0; i < n; i++)
          out[pick(rnd, ['app', 'tier', 'app.kubernetes.io/name', 'kube-topology.io/ignore', 'example.com/x', pick(rnd, HOSTILE_STRINGS)])] = walk(
            rel,
            s.additionalProperties,
            key,
            depth + 1,
            rnd,
            budget,
          );
      }
      return out;
    }
    case 'array': {
      const n = depth > 6 || budget.left <= 0 ? 0 : Math.floor(rnd() * 3.5);
      return Array.from({ length: n }, () => walk(rel, s.items, key, depth + 1, rnd, budget));
    }
    case 'string':
      return stringFor(s, key, rnd);
    case 'integer':
    case 'number':
      return numberFor(s, key, rnd);
    case 'boolean':
      return rnd() < 0.5;
    default:
      return null;
  }
}

/** One object of a built-in kind with random fields drawn from its schema (and a few mistakes). */
export function objectOfKind(kind: KnownKind, seed: number): Record<string, unknown> {
  const rel = release(FUZZ_VERSION);
  const rnd = prng(seed);
  const root = rel.rootOf(kind.apiVersion, kind.kind);
  const body = (walk(rel, root ? { $ref: root } : undefined, '', 0, rnd, { left: 120 }) ?? {}) as Record<string, unknown>;
  const obj: Record<string, unknown> = typeof body === 'object' && !Array.isArray(body) ? body : {};
  // Most objects are recognisable resources; some keep whatever the walk gave them.
  if (rnd() < 0.95) obj.apiVersion = kind.apiVersion;
  if (rnd() < 0.95) obj.kind = kind.kind;
  const meta = (obj.metadata && typeof obj.metadata === 'object' && !Array.isArray(obj.metadata) ? obj.metadata : (obj.metadata = {})) as Record<
    string,
    unknown
  >;
  if (rnd() < 0.9) meta.name = rnd() < 0.9 ? pick(rnd, NAMES.slice(0, 7)) : pick(rnd, NAMES);
  if (rnd() < 0.5) meta.labels = { app: pick(rnd, LABEL_VALUES) };
  if (kind.kind === 'Secret' && rnd() < 0.7) obj.stringData = { password: 'hunter2-fuzz' };
  return obj;
}

export const kindObject = fc.tuple(fc.constantFrom(...KNOWN_KINDS), fc.integer()).map(([k, seed]) => objectOfKind(k, seed));

/** Deployments, Services, HPAs and Ingresses that point at each other by a few shared names. */
export const topologyObject = fc
  .tuple(
    fc.constantFrom('Deployment', 'Service', 'HorizontalPodAutoscaler', 'Ingress', 'ConfigMap', 'Secret', 'StatefulSet', 'Pod'),
    fc.constantFrom('app', 'web', 'gateway'),
    fc.constantFrom('app', 'web', 'gateway'),
    fc.constantFrom(80, 8080, 9696, 'http'),
    fc.boolean(),
  )
  .map(([kind, name, target, port, extra]) => {
    const labels = { app: target };
    switch (kind) {
      case 'Service':
        return {
          apiVersion: 'v1',
          kind,
          metadata: { name },
          spec: { selector: labels, ports: [{ port: 80, targetPort: port }], ...(extra ? { type: 'LoadBalancer' } : {}) },
        };
      case 'HorizontalPodAutoscaler':
        return {
          apiVersion: 'autoscaling/v2',
          kind,
          metadata: { name },
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
            minReplicas: 1,
            maxReplicas: extra ? 0 : 3,
            metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
          },
        };
      case 'Ingress':
        return {
          apiVersion: 'networking.k8s.io/v1',
          kind,
          metadata: { name },
          spec: {
            rules: [
              {
                http: {
                  paths: [
                    {
                      path: '/',
                      pathType: 'Prefix',
                      backend: { service: { name: target, port: typeof port === 'number' ? { number: port } : { name: port } } },
                    },
                  ],
                },
              },
            ],
          },
        };
      case 'ConfigMap':
        return { apiVersion: 'v1', kind, metadata: { name }, data: { TF_SERVING_HOST: `${target}.default.svc.cluster.local:8500` } };
      case 'Secret':
        return { apiVersion: 'v1', kind, metadata: { name }, stringData: { token: 'hunter2-fuzz' } };
      case 'Pod':
        return {
          apiVersion: 'v1',
          kind,
          metadata: { name, labels },
          spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: typeof port === 'number' ? port : 9696, name: 'http' }] }] },
        };
      default: {
        const pod = {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'c',
                image: extra ? 'app:latest' : 'app:1',
                env: [{ name: 'TF_SERVING_HOST', value: `${target}:8500` }],
                ports: [{ containerPort: typeof port === 'number' ? port : 9696, name: 'http' }],
                ...(extra ? { resources: { requests: { cpu: '100m' } } } : {}),
              },
            ],
          },
        };
        return {
          apiVersion: 'apps/v1',
          kind,
          metadata: { name },
          spec: { replicas: 2, selector: { matchLabels: labels }, template: pod, ...(kind === 'StatefulSet' ? { serviceName: target } : {}) },
        };
      }
    }
  });

// ---------------------------------------------------------------------------------------------
// Serialising: the yaml library's emitter with random options, JSON, or a raw emitter that
// writes scalars exactly as given (so `1e400` or `!!binary x` reach the parser as text)

const yamlOptions = fc.record({
  indent: fc.constantFrom(1, 2, 4, 8),
  flowLevel: fc.constantFrom(-1, 0, 1, 2, 5),
  lineWidth: fc.constantFrom(0, 20, 80),
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
  json: fc.boolean(),
});

export function emitWith(value: unknown, o: { indent: number; flowLevel: number; lineWidth: number; defaultStringType: string; json: boolean }): string {
  if (o.json) return JSON.stringify(value, null, o.indent > 4 ? '\t' : o.indent);
  try {
    return stringify(value, {
      indent: o.indent,
      lineWidth: o.lineWidth,
      collectionStyle: o.flowLevel === 0 ? 'flow' : 'any',
      defaultStringType: o.defaultStringType as 'PLAIN',
    });
  } catch {
    return JSON.stringify(value); // the emitter refuses some combinations; JSON is YAML too
  }
}

/** A tree whose leaves are raw scalar texts, emitted by hand in block style. */
type RawTree = string | RawTree[] | { [k: string]: RawTree };

const rawScalar = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...RAW_SCALARS) }, { weight: 1, arbitrary: junkText.map((s) => s.slice(0, 30)) });
const rawKey = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'apiVersion',
      'kind',
      'metadata',
      'name',
      'spec',
      'ports',
      'port',
      'selector',
      'app',
      'image',
      'containers',
      'replicas',
      'a',
      'b',
    ),
  },
  { weight: 1, arbitrary: rawScalar },
);

const rawTree: fc.Arbitrary<RawTree> = fc.letrec<{ tree: RawTree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    rawScalar,
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.dictionary(rawKey, tie('tree'), { maxKeys: 5 }),
  ),
})).tree;

export function emitRaw(t: RawTree, indent = 0, unit = '  '): string {
  const pad = unit.repeat(indent);
  if (typeof t === 'string') return `${pad}${t}\n`;
  if (Array.isArray(t)) {
    if (!t.length) return `${pad}[]\n`;
    return t.map((c) => (typeof c === 'string' ? `${pad}- ${c}\n` : `${pad}-\n${emitRaw(c, indent + 1, unit)}`)).join('');
  }
  const entries = Object.entries(t);
  if (!entries.length) return `${pad}{}\n`;
  return entries.map(([k, v]) => (typeof v === 'string' ? `${pad}${k}: ${v}\n` : `${pad}${k}:\n${emitRaw(v, indent + 1, unit)}`)).join('');
}

const rawDocument = fc
  .tuple(
    fc.constantFrom('v1', 'apps/v1', 'autoscaling/v2', 'networking.k8s.io/v1'),
    fc.constantFrom('Service', 'Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'Pod'),
    rawTree,
    fc.constantFrom('  ', ' ', '    ', '\t'),
  )
  .map(([apiVersion, kind, tree, unit]) => `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n${unit}name: fuzz\nspec:\n${emitRaw(tree, 1, unit)}`);

/** One manifest document as text, by any of the routes above. */
export const documentText = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(kindObject, yamlOptions).map(([o, opts]) => emitWith(o, opts)) },
  { weight: 3, arbitrary: fc.tuple(topologyObject, yamlOptions).map(([o, opts]) => emitWith(o, opts)) },
  { weight: 2, arbitrary: rawDocument },
  { weight: 1, arbitrary: fc.tuple(fc.anything({ maxDepth: 4 }), yamlOptions).map(([o, opts]) => emitWith(o, opts)) },
);

// ---------------------------------------------------------------------------------------------
// Whole files, and mutations of them

const SEPARATORS = ['---\n', '---\r\n', '--- \n', '---  # c\n', '--- |\n', '--- !!map\n', '...\n', '...\n---\n', '\n---\n', '---', '--- >-\n  folded\n---\n'];

export const multiDocument = fc
  .tuple(fc.array(documentText, { minLength: 1, maxLength: 8 }), fc.array(fc.constantFrom(...SEPARATORS), { minLength: 8, maxLength: 8 }), fc.boolean())
  .map(([docs, seps, leading]) => (leading ? '---\n' : '') + docs.map((d, i) => (i ? seps[i % seps.length] : '') + d).join(''));

type Mutation = { op: 'insert' | 'delete' | 'dupLine' | 'separator' | 'crlf' | 'tabs' | 'truncate' | 'bom' | 'cr'; at: number; len: number; payload: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('insert', 'insert', 'delete', 'dupLine', 'dupLine', 'separator', 'crlf', 'tabs', 'truncate', 'bom', 'cr'),
  at: fc.nat(),
  len: fc.nat({ max: 200 }),
  payload: fc.oneof(
    junkText.map((s) => s.slice(0, 20)),
    fc.constantFrom(...SEPARATORS, ...RAW_SCALARS, ...HOSTILE_STRINGS.slice(0, 20), ': ', '- ', '\n  ', '\t', '&a ', '*a', '<<: *a\n'),
  ),
});

export function mutate(text: string, m: Mutation): string {
  const at = text.length ? m.at % (text.length + 1) : 0;
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  switch (m.op) {
    case 'insert':
      return text.slice(0, at) + m.payload + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.len);
    case 'dupLine': {
      const end = text.indexOf('\n', at);
      const line = text.slice(lineStart, end === -1 ? text.length : end + 1);
      return text.slice(0, lineStart) + line + (line.endsWith('\n') ? '' : '\n') + text.slice(lineStart);
    }
    case 'separator':
      return text.slice(0, m.len % 2 ? lineStart : at) + pickSep(m.len) + text.slice(m.len % 2 ? lineStart : at);
    case 'crlf':
      return text.replace(/\r?\n/g, '\r\n');
    case 'tabs':
      return text.replace(/^( {2})+/gm, (s) => '\t'.repeat(s.length / 2));
    case 'truncate':
      return text.slice(0, at);
    case 'bom':
      return m.len % 2 ? '\uFEFF' + text : text.slice(0, at) + '\uFEFF' + text.slice(at);
    case 'cr':
      return text.replace(/\n/g, m.len % 2 ? '\r' : '\n\r');
  }
}

function pickSep(n: number): string {
  return SEPARATORS[n % SEPARATORS.length];
}

export const mutatedDocument = fc.tuple(multiDocument, fc.array(mutation, { minLength: 1, maxLength: 6 })).map(([text, ms]) => ms.reduce(mutate, text));

/** Several files of one workspace, so cross-resource checks and the graph see each other's resources. */
export const workspace = fc
  .array(
    fc.oneof(
      { weight: 5, arbitrary: multiDocument },
      { weight: 4, arbitrary: mutatedDocument },
      { weight: 1, arbitrary: junkText },
      { weight: 1, arbitrary: binaryText },
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((texts) => texts.map((text, i) => ({ name: `/fuzz/ws/file-${i}.${i % 3 === 2 ? 'json' : 'yaml'}`, text })));

// ---------------------------------------------------------------------------------------------
// The adversarial classics, as arbitraries with a size parameter

/** Billion laughs: each level holds `width` aliases of the level below. */
export function aliasBomb(levels: number, width: number): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: lol', 'data:', '  a0: &a0 "lol"'];
  for (let i = 1; i <= levels; i++) lines.push(`  a${i}: &a${i} [${Array.from({ length: width }, () => `*a${i - 1}`).join(', ')}]`);
  return lines.join('\n') + '\n';
}

export const aliasBombText = fc.tuple(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 12 })).map(([l, w]) => aliasBomb(l, w));

/** Nesting in every YAML style: block maps, block sequences, flow sequences, flow maps, mixed. */
export function deepNesting(style: 'block-map' | 'block-seq' | 'flow-seq' | 'flow-map' | 'mixed', depth: number): string {
  const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n';
  switch (style) {
    case 'block-map':
      return head + Array.from({ length: depth }, (_, i) => `${' '.repeat(2 + i)}k:\n`).join('') + `${' '.repeat(2 + depth)}v\n`;
    case 'block-seq':
      return head + '  x:\n' + Array.from({ length: depth }, (_, i) => `${' '.repeat(2 + i * 2)}-\n`).join('') + `${' '.repeat(2 + depth * 2)}v\n`;
    case 'flow-seq':
      return head + `  x: ${'['.repeat(depth)}1${']'.repeat(depth)}\n`;
    case 'flow-map':
      return head + `  x: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`;
    case 'mixed':
      return head + `  x: ${'[{a: '.repeat(depth)}1${'}]'.repeat(depth)}\n`;
  }
}

export const deepNestingText = fc
  .tuple(
    fc.constantFrom('block-map', 'block-seq', 'flow-seq', 'flow-map', 'mixed' as const),
    fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 200 }) }, { weight: 1, arbitrary: fc.constantFrom(1000, 3000, 10_000) }),
  )
  .map(([style, depth]) => deepNesting(style as 'block-map', depth));

/** Numbers at and past every limit, as YAML text in the fields rules read. */
export const hugeNumbersText = fc
  .array(fc.constantFrom(...RAW_SCALARS.slice(0, 24), '1' + '0'.repeat(400), '-' + '9'.repeat(1000), '0.' + '0'.repeat(500) + '1'), {
    minLength: 6,
    maxLength: 6,
  })
  .map(
    ([a, b, c, d, e, f]) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: huge
spec:
  replicas: ${a}
  selector: {matchLabels: {app: huge}}
  template:
    metadata: {labels: {app: huge}}
    spec:
      containers:
      - name: c
        image: busybox
        ports: [{containerPort: ${b}}]
        resources: {requests: {cpu: ${c}, memory: ${d}}, limits: {cpu: ${e}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: huge}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: huge}
  minReplicas: ${f}
  maxReplicas: ${a}
---
apiVersion: v1
kind: Service
metadata: {name: huge}
spec:
  selector: {app: huge}
  ports: [{port: ${b}, targetPort: ${c}, nodePort: ${f}}]
`,
  );

/** The same keys over and over, at every level. */
export const duplicateKeysText = fc
  .tuple(fc.integer({ min: 2, max: 2000 }), fc.constantFrom('apiVersion', 'kind', 'metadata', 'name', 'spec', '<<', '? x'))
  .map(([n, key]) => {
    const dup = Array.from({ length: n }, (_, i) => `  ${key === '? x' ? '? x\n  ' : ''}${key === '? x' ? ': ' : `${key}: `}${i}\n`).join('');
    return `apiVersion: v1\nkind: Service\nmetadata:\n  name: dup\n  name: dup2\n${dup}spec:\n${dup}`;
  });

/** `---` and `...` where they are markers, where they look like markers, and where they are content. */
export const oddSeparatorsText = fc
  .array(
    fc.constantFrom(
      'a: |\n  ---\n  text\n',
      'a: |\n---\n  text\n',
      'a: "---"\n',
      'a: [\n---\n]\n',
      'a: {b:\n---\n}\n',
      '--- a: 1\n',
      '---a: 1\n',
      ' ---\n',
      '--- # comment\n',
      '...\n',
      '... # end\n',
      '%YAML 1.2\n---\n',
      '%TAG ! tag:x,2000:\n---\n',
      '---\n---\n---\n',
      'kind: Service\n',
      'apiVersion: v1\n',
      'metadata: {name: sep}\n',
      '? complex\n: key\n',
      '- seq\n',
      '\uFEFF---\n',
      '---\r\n',
    ),
    { minLength: 1, maxLength: 14 },
  )
  .map((parts) => parts.join(''));
