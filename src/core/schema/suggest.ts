/** "Did you mean" helpers for field names, kinds and enum values. */
import { editDistance } from '../model/nearNames';

/** Same word apart from case and separators: image_pull_policy ~ imagePullPolicy. */
function squash(s: string): string {
  return s.toLowerCase().replace(/[-_.\s]/g, '');
}

/** How far a name may be from a candidate and still count as a typo of it. */
function allowance(length: number): number {
  return length <= 3 ? 1 : length <= 7 ? 2 : 3;
}

/**
 * Candidates close to `input`, best first; empty when nothing is plausibly a typo. Only the
 * candidates at the best distance are returned, so one result means one clear suggestion.
 */
export function closest(input: string, candidates: Iterable<string>): string[] {
  const sq = squash(input);
  const exact: string[] = [];
  let best = Infinity;
  let bestList: string[] = [];
  for (const c of candidates) {
    if (c === input) continue;
    if (squash(c) === sq) {
      exact.push(c);
      continue;
    }
    const limit = Math.min(allowance(Math.min(input.length, c.length)), best);
    const d = editDistance(input.toLowerCase(), c.toLowerCase(), limit);
    if (d > limit) continue;
    if (d < best) {
      best = d;
      bestList = [c];
    } else if (d === best) {
      bestList.push(c);
    }
  }
  return exact.length ? exact : bestList;
}

/** Whether two strings differ only in case or separators (a fix between them is safe to prefer). */
export function sameWord(a: string, b: string): boolean {
  return squash(a) === squash(b);
}

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
export function quoteList(items: string[], conjunction = 'or'): string {
  const q = items.map((s) => JSON.stringify(s));
  if (q.length <= 1) return q.join('');
  return `${q.slice(0, -1).join(', ')} ${conjunction} ${q[q.length - 1]}`;
}

export function plainList(items: string[], conjunction = 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}
