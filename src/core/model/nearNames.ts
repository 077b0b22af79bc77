/**
 * Edit distance, and the names a mistyped name most likely meant. One implementation for every
 * "did you mean": field names and kinds (schema), object names and label values (references).
 */

/** Rows of {@link editDistance}, reused: a "did you mean" over thousands of names allocates nothing per name. */
let rows = new Int32Array(3 * 64);

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), giving up (max + 1) beyond `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const m = b.length;
  const width = m + 1;
  if (rows.length < 3 * width) rows = new Int32Array(3 * width * 2);
  // Three rows of one buffer: the one before the previous (for transpositions), the previous, the current.
  let prev2 = 0;
  let prev = width;
  let cur = 2 * width;
  for (let j = 0; j <= m; j++) rows[prev + j] = j;
  for (let i = 1; i <= a.length; i++) {
    rows[cur] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = Math.min(rows[prev + j] + 1, rows[cur + j - 1] + 1, rows[prev + j - 1] + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) v = Math.min(v, rows[prev2 + j - 2] + 1);
      rows[cur + j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return rows[prev + m];
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
  if (a === b) return false;
  // Compared as tokens, each run of digits one token that equals any other run (and a literal `#`),
  // without building the two masked strings: this runs once per candidate of every "did you mean".
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(j);
    const xDigits = isDigit(x);
    const yDigits = isDigit(y);
    if (xDigits) while (i < a.length && isDigit(a.charCodeAt(i))) i++;
    else i++;
    if (yDigits) while (j < b.length && isDigit(b.charCodeAt(j))) j++;
    else j++;
    if ((xDigits ? HASH : x) !== (yDigits ? HASH : y)) return false;
  }
  return i === a.length && j === b.length;
}

const HASH = 0x23;
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
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
