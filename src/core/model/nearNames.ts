/**
 * Edit distance, and the names a mistyped name most likely meant. One implementation for every
 * "did you mean": field names and kinds (schema), object names and label values (references).
 */

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), giving up (max + 1) beyond `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const m = b.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m];
}

/**
 * How many edits still make two names one name mistyped: one per four characters of the longer
 * (`gatway` → `gateway`, `model-server` → `model-serving`). Names of three characters or fewer get
 * no guess (`api` and `app` are both real names), and a shorter name inside a longer one is not a
 * typo (`api` is not `paymentapi`, `ping` is not `shoppingassistantservice`).
 */
export function typoBound(a: string, b: string): number {
  return Math.floor(Math.max(a.length, b.length) / 4);
}

/** Names that differ only in their digits are siblings (`worker-1`, `worker-2`; `api-v1`, `api-v2`), not typos. */
export function differOnlyInDigits(a: string, b: string): boolean {
  return a !== b && a.replace(/[0-9]+/g, '#') === b.replace(/[0-9]+/g, '#');
}

/** Whether `candidate` is likely what `name` was meant to be. */
export function isLikelyTypo(name: string, candidate: string): boolean {
  if (name === candidate || differOnlyInDigits(name, candidate)) return false;
  const bound = typoBound(name, candidate);
  return bound > 0 && editDistance(name, candidate, bound) <= bound;
}

/**
 * The candidate most likely meant by `name`: the smallest edit distance within {@link typoBound},
 * ties keeping the first candidate. At most `budget` candidates are compared.
 */
export function nearestName<T>(name: string, candidates: Iterable<T>, nameOf: (c: T) => string | undefined, budget = 2000): T | undefined {
  let best: T | undefined;
  let bestScore = Infinity;
  let seen = 0;
  for (const c of candidates) {
    if (++seen > budget) break;
    const other = nameOf(c);
    if (!other || other === name || differOnlyInDigits(name, other)) continue;
    const bound = Math.min(typoBound(name, other), bestScore - 1);
    if (bound <= 0) continue;
    const score = editDistance(name, other, bound);
    if (score <= bound) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}
