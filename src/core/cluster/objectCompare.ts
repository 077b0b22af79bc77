/**
 * Comparing what is on the cluster with what an apply would leave there, and showing it: server
 * bookkeeping is removed (managedFields, resourceVersion, uid, creationTimestamp, generation,
 * status) so only what a person wrote or the server defaulted differently remains, and Secret
 * values never leave this module in clear text.
 */
import { stringify as toYamlText } from 'yaml';
import { unifiedDiff } from './textDiff';
import type { ResourceDiff } from './applyTypes';
import { decodedBase64, REDACTED } from './redaction';

export { REDACTED };

type Obj = Record<string, unknown>;

const METADATA_NOISE = ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink'];
/** Written by `kubectl apply` (client side): a copy of the last applied object, Secrets included. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** A deep copy without server bookkeeping and status. */
export function withoutServerNoise(obj: Obj): Obj {
  const copy = structuredClone(obj);
  delete copy.status;
  const meta = copy.metadata as Obj | undefined;
  if (meta) {
    for (const k of METADATA_NOISE) delete meta[k];
    const annotations = meta.annotations as Obj | undefined;
    if (annotations && Object.keys(annotations).length === 0) delete meta.annotations;
  }
  return copy;
}

/** Same object as far as an apply is concerned (status and bookkeeping ignored). */
export function sameObject(live: Obj, intended: Obj): boolean {
  return canonicalJson(withoutServerNoise(live)) === canonicalJson(withoutServerNoise(intended));
}

/** JSON with keys sorted, so field order never counts as a difference. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const sorted: Obj = {};
      for (const key of Object.keys(value).sort()) sorted[key] = (value as Obj)[key];
      return sorted;
    }
    return value;
  });
}

export function isSecret(obj: { kind?: unknown } | undefined): boolean {
  return obj?.kind === 'Secret';
}

/**
 * Secret values replaced: `***` on the live side; on the intended side `***` when unchanged and
 * `*** (changed)` / `*** (new)` otherwise, so a diff shows which keys change without showing values.
 * Other kinds are returned as they are.
 */
export function redactPair(live: Obj | undefined, intended: Obj | undefined): { live?: Obj; intended?: Obj } {
  if (!isSecret(live) && !isSecret(intended)) return { live, intended };
  const liveValues = secretValues(live);
  const l = live && redactSecret(live, () => REDACTED);
  const i =
    intended &&
    redactSecret(intended, (field, key, value) => {
      const before = liveValues.get(`${field}/${key}`);
      if (before === undefined) return live ? `${REDACTED} (new)` : REDACTED;
      return before === value ? REDACTED : `${REDACTED} (changed)`;
    });
  return { live: l, intended: i };
}

/** A Secret with every value of data/stringData (and kubectl's last-applied copy) replaced. */
export function redactSecret(obj: Obj, replacement: (field: string, key: string, value: string) => string = () => REDACTED): Obj {
  if (!isSecret(obj)) return obj;
  const copy = structuredClone(obj);
  for (const field of ['data', 'stringData']) {
    const values = copy[field] as Obj | undefined;
    if (!values || typeof values !== 'object') continue;
    for (const key of Object.keys(values)) values[key] = replacement(field, key, normalizedSecretValue(field, values[key]));
  }
  const annotations = (copy.metadata as Obj | undefined)?.annotations as Obj | undefined;
  if (annotations && LAST_APPLIED in annotations) annotations[LAST_APPLIED] = REDACTED;
  return copy;
}

/** data is base64, stringData plain: compare both as plain text. */
function normalizedSecretValue(field: string, value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  if (field === 'data') {
    try {
      return Buffer.from(s, 'base64').toString('utf8');
    } catch {
      return s;
    }
  }
  return s;
}

function secretValues(obj: Obj | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!isSecret(obj)) return out;
  for (const field of ['data', 'stringData']) {
    const values = (obj as Obj)[field] as Obj | undefined;
    if (!values || typeof values !== 'object') continue;
    // The server folds stringData into data: compare under `data` for both.
    for (const [k, v] of Object.entries(values)) out.set(`data/${k}`, normalizedSecretValue(field, v));
  }
  return out;
}

/**
 * Every Secret value of an object as written (base64 `data` decoded too), for a Redactor: a
 * server or webhook error may quote a value in any of its forms (see redaction.ts).
 */
export function secretStrings(obj: Obj | undefined): string[] {
  if (!isSecret(obj)) return [];
  const out = new Set<string>();
  for (const field of ['data', 'stringData']) {
    const values = (obj as Obj)[field] as Obj | undefined;
    if (!values || typeof values !== 'object') continue;
    for (const v of Object.values(values)) {
      if (typeof v !== 'string') continue;
      out.add(v);
      const plain = field === 'data' ? decodedBase64(v) : undefined;
      if (plain) out.add(plain);
    }
  }
  return [...out];
}

export function toYaml(obj: Obj): string {
  return toYamlText(obj, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Live against intended as YAML texts and a unified diff, noise removed and Secrets redacted. */
export function diffObjects(live: Obj, intended: Obj, label: string): ResourceDiff {
  const r = redactPair(withoutServerNoise(live), withoutServerNoise(intended));
  const liveText = toYaml(r.live as Obj);
  const intendedText = toYaml(r.intended as Obj);
  return {
    live: liveText,
    intended: intendedText,
    unified: unifiedDiff(liveText, intendedText, { fromLabel: `${label} (live)`, toLabel: `${label} (intended)` }),
  };
}
