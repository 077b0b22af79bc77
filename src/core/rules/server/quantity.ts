/**
 * Kubernetes resource quantities ("100m", "0.5", "128Mi", "1e3", "2G") as exact numbers, so that
 * "requests.cpu: 500m" and "limits.cpu: 0.5" compare equal without floating-point surprises.
 * A value is digits × 10^exp10 × 2^exp2.
 */
export interface Quantity {
  digits: bigint;
  exp10: number;
  exp2: number;
}

const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** Parses a quantity as written in YAML (string or number); undefined if it is not one. */
export function parseQuantity(value: unknown): Quantity | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    text = String(value);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return undefined;
  }
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const [, sign, number, suffix, exponent] = m;
  const [whole, fraction = ''] = number.split('.');
  let digits = BigInt((whole || '0') + fraction);
  if (sign === '-') digits = -digits;
  let exp10 = -fraction.length;
  let exp2 = 0;
  if (exponent !== undefined) exp10 += Number(exponent);
  else if (suffix && suffix in BINARY_SUFFIX) exp2 = BINARY_SUFFIX[suffix];
  else exp10 += DECIMAL_SUFFIX[suffix ?? ''];
  // Far beyond anything the API server accepts; keeps the exact arithmetic small.
  if (Math.abs(exp10) > 64) return undefined;
  return { digits, exp10, exp2 };
}

/** -1, 0 or 1 as a is less than, equal to or greater than b. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  // Bring both to integers over a common power of ten and two.
  const minExp10 = Math.min(a.exp10, b.exp10);
  const minExp2 = Math.min(a.exp2, b.exp2);
  const scale = (q: Quantity): bigint => q.digits * 10n ** BigInt(q.exp10 - minExp10) * 2n ** BigInt(q.exp2 - minExp2);
  const x = scale(a);
  const y = scale(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function quantitySign(q: Quantity): number {
  return q.digits > 0n ? 1 : q.digits < 0n ? -1 : 0;
}
