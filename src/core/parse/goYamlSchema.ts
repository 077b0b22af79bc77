import type { ScalarTag, Tags } from 'yaml';

/**
 * Scalars as kubectl reads them. kubectl turns YAML into JSON with sigs.k8s.io/yaml, which uses
 * go-yaml v2: YAML 1.1 booleans and integers, not YAML 1.2's. So `yes`, `on`, `y` and their
 * capitalised forms are `true` (and `no`, `off`, `n` are `false`), `0644` is the octal 420,
 * `1_000` is 1000 and `0b101` is 5 — and a boolean where a string is required (an env value, a
 * label) is rejected by the API server. `!!binary` is decoded to the string it encodes.
 * Timestamps stay strings (go-yaml keeps them so when decoding into JSON), and sexagesimal
 * numbers (`12:30`) are strings (go-yaml never had them), as in YAML 1.2.
 */

const TRUE = /^(?:y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const BOOL = /^(?:y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON|n|N|no|No|NO|false|False|FALSE|off|Off|OFF)$/;

/** What go-yaml reads as an integer: a Go integer literal once underscores are removed. */
const INT = /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)$/;

/** The value of an INT match the way Go's strconv.ParseInt(s, 0, 64) reads it; a leading 0 is octal. */
export function goInteger(text: string): number {
  const plain = text.replace(/_/g, '');
  const negative = plain.startsWith('-');
  const body = plain.replace(/^[-+]/, '');
  let value: number;
  if (/^0[xX]/.test(body)) value = parseInt(body.slice(2), 16);
  else if (/^0[oO]/.test(body)) value = parseInt(body.slice(2), 8);
  else if (/^0[bB]/.test(body)) value = parseInt(body.slice(2), 2);
  else if (/^0[0-7]+$/.test(body)) value = parseInt(body, 8);
  // `08`, `09`: not octal, so go-yaml takes the float 8.
  else value = parseInt(body, 10);
  return negative ? -value : value;
}

const goBool: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  identify: (value) => typeof value === 'boolean',
  test: BOOL,
  resolve: (text) => TRUE.test(text),
};

const goInt: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  identify: (value) => typeof value === 'number' && Number.isInteger(value),
  test: INT,
  resolve: (text) => goInteger(text),
};

const goBinary: ScalarTag = {
  tag: 'tag:yaml.org,2002:binary',
  identify: () => false,
  resolve: (text) => Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8'),
};

/**
 * How kubectl reads a plain scalar that YAML 1.2 tools read differently (`on`, `y`, `no` as
 * booleans; `0644` as octal; `1_000`, `0b101` as numbers), or undefined when both read it alike.
 */
export function goYamlOnlyReading(source: string): string | undefined {
  if (BOOL.test(source) && !/^(?:true|True|TRUE|false|False|FALSE)$/.test(source)) return `the boolean ${TRUE.test(source)}`;
  if (INT.test(source) && (/_|^[-+]?0[bBoOX]/.test(source) || /^[-+]?0[0-7]+$/.test(source))) return `the number ${goInteger(source)}`;
  return undefined;
}

/** The core schema's tags with go-yaml's booleans, integers and binaries in place of YAML 1.2's. */
export function goYamlTags(tags: Tags): Tags {
  const kept = tags.filter((t) => typeof t === 'string' || (t.tag !== 'tag:yaml.org,2002:bool' && t.tag !== 'tag:yaml.org,2002:int'));
  return [...kept, goBool, goInt, goBinary];
}

// logLevel: the library's own warnings (a mapping used as a key, say) go to process.emitWarning,
// once per parse, into the extension host's log; they are findings here or harmless.
// merge: `<<: *anchor` as kubectl reads it (Go's YAML decoder applies merge keys); scalars as
// go-yaml v2 reads them (above); duplicate keys are found by the caller (the last one wins, as in kubectl).
/** The YAML library's options for reading manifests as kubectl does (manifestParser, and blockYaml's scalars). */
export const KUBECTL_YAML_OPTIONS = {
  prettyErrors: false,
  uniqueKeys: false,
  strict: true,
  merge: true,
  logLevel: 'error',
  schema: 'core',
  customTags: goYamlTags,
} as const;
