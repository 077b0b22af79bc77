/**
 * The string and number formats the schemas use, shared by the ajv validators and the fast check.
 * Each check passes values of other types (a format only constrains its own type, as in ajv).
 */

/** Kubernetes quantity: <signed number><suffix>, suffix one of Ki…Ei, n u m k M G T P E, or an exponent. */
export const QUANTITY_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+|[KMGTPE]i|[numkMGTPE])?$/;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

export function isQuantity(s: string): boolean {
  return QUANTITY_RE.test(s);
}

export function isInt32(n: number): boolean {
  return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647;
}

/** Go's base64 decoder skips line breaks, so a wrapped value is fine. */
export function isBase64(s: string): boolean {
  return BASE64_RE.test(s.indexOf('\n') === -1 ? s : s.replace(/\r?\n/g, ''));
}

export function isDateTime(s: string): boolean {
  return DATE_TIME_RE.test(s);
}

/** Format name → the type it constrains and its check. */
export const FORMATS: Record<string, { type: 'string' | 'number'; check: (v: never) => boolean }> = {
  quantity: { type: 'string', check: isQuantity },
  int32: { type: 'number', check: isInt32 },
  int64: { type: 'number', check: () => true },
  byte: { type: 'string', check: isBase64 },
  'date-time': { type: 'string', check: isDateTime },
};

/** The same checks for any value (other types pass). */
export const FORMAT_CHECKS: Record<string, (v: unknown) => boolean> = Object.fromEntries(
  Object.entries(FORMATS).map(([name, f]) => [name, (v: unknown) => typeof v !== f.type || (f.check as (x: unknown) => boolean)(v)]),
);
