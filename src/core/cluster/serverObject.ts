/**
 * Typed, defensive reading of what a server sends. Nothing is assumed about its shape: a hostile
 * or broken server can send a number where a string belongs, an object where a list belongs, or
 * nothing at all; each reader returns a value of the type asked for or undefined (an empty list),
 * never throws and never hands out `any`.
 */

export type JsonObject = Record<string, unknown>;

export function asObject(v: unknown): JsonObject | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : undefined;
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Finite numbers only (JSON has no NaN, but a transform might). */
export function asNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function asBoolean(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

/** The value at a path of object keys, or undefined as soon as a step is not an object. */
export function at(v: unknown, ...keys: string[]): unknown {
  let node = v;
  for (const k of keys) {
    const o = asObject(node);
    if (!o) return undefined;
    node = o[k];
  }
  return node;
}

export function stringAt(v: unknown, ...keys: string[]): string | undefined {
  return asString(at(v, ...keys));
}

export function numberAt(v: unknown, ...keys: string[]): number | undefined {
  return asNumber(at(v, ...keys));
}

export function objectAt(v: unknown, ...keys: string[]): JsonObject | undefined {
  return asObject(at(v, ...keys));
}

/** The objects of a list at that path; non-objects in it are skipped, a non-list is empty. */
export function objectsAt(v: unknown, ...keys: string[]): JsonObject[] {
  const list = at(v, ...keys);
  return Array.isArray(list) ? list.map(asObject).filter((o): o is JsonObject => o !== undefined) : [];
}

/** The strings of a list at that path. */
export function stringsAt(v: unknown, ...keys: string[]): string[] {
  const list = at(v, ...keys);
  return Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string') : [];
}

/** A map of string to string (labels, selectors); other values are left out. */
export function stringMapAt(v: unknown, ...keys: string[]): Record<string, string> {
  const o = objectAt(v, ...keys);
  const out: Record<string, string> = {};
  if (o) for (const [k, val] of Object.entries(o)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** A status condition as the readers use it. */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export function conditionsAt(v: unknown, ...keys: string[]): Condition[] {
  return objectsAt(v, ...keys).map((c) => ({
    type: asString(c.type) ?? '',
    status: asString(c.status) ?? '',
    reason: asString(c.reason),
    message: asString(c.message),
  }));
}

/** A number or a string as servers print quantities (`250m`, 3), for display. */
export function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}
