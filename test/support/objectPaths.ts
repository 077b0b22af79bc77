import type { PathSegment } from '../../src/core/parse/locate';

/**
 * Every path in a parsed manifest object (the root included), plus one missing key under each
 * mapping and one index past the end of each sequence: the places a finding can point at, for
 * comparing ranges worked out two ways.
 */
export function pathsOf(value: unknown, base: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
  if (Array.isArray(value)) {
    value.forEach((v, i) => pathsOf(v, [...base, i], out));
    out.push([...base, value.length]);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...base, k], out);
    out.push([...base, 'missing-key']);
  }
  out.push(base);
  return out;
}
