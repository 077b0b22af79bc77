/**
 * A unified line diff (like `diff -u`) for the CLI's `apply --diff`; the editor shows both YAML
 * texts in VS Code's own diff editor instead. Objects are small, so a longest-common-subsequence
 * table is fast enough; very large inputs fall back to "all removed, all added".
 */

const MAX_CELLS = 4_000_000;

type Op = { kind: ' ' | '-' | '+'; line: string; a: number; b: number };

export function unifiedDiff(before: string, after: string, opts: { fromLabel?: string; toLabel?: string; context?: number } = {}): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  const context = opts.context ?? 3;
  const out = [`--- ${opts.fromLabel ?? 'live'}`, `+++ ${opts.toLabel ?? 'intended'}`];
  let i = 0;
  while (i < ops.length) {
    if (ops[i].kind === ' ') {
      i++;
      continue;
    }
    // A hunk: from `context` lines before the first change to `context` after the last change
    // that is not separated from the next one by more than 2 * context unchanged lines.
    let start = Math.max(0, i - context);
    let end = i;
    for (;;) {
      while (end < ops.length && ops[end].kind !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next].kind === ' ') next++;
      if (next < ops.length && next - end <= 2 * context) end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    const hunk = ops.slice(start, stop);
    const aStart = hunk.find((o) => o.kind !== '+')?.a ?? hunk[0].a;
    const bStart = hunk.find((o) => o.kind !== '-')?.b ?? hunk[0].b;
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${aLen ? aStart + 1 : aStart},${aLen} +${bLen ? bStart + 1 : bStart},${bLen} @@`);
    for (const o of hunk) out.push(o.kind + o.line);
    i = stop;
    start = stop;
  }
  return out.join('\n') + '\n';
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function diffLines(a: string[], b: string[]): Op[] {
  // Common prefix and suffix first: most edits touch a few lines of a long object.
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const ops: Op[] = [];
  for (let k = 0; k < pre; k++) ops.push({ kind: ' ', line: a[k], a: k, b: k });
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  const n = am.length;
  const m = bm.length;
  if ((n + 1) * (m + 1) > MAX_CELLS) {
    am.forEach((line, k) => ops.push({ kind: '-', line, a: pre + k, b: pre }));
    bm.forEach((line, k) => ops.push({ kind: '+', line, a: pre + n, b: pre + k }));
  } else {
    // lcs[i][j]: length of the LCS of am[i..] and bm[j..].
    const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let x = n - 1; x >= 0; x--) {
      for (let y = m - 1; y >= 0; y--) lcs[x][y] = am[x] === bm[y] ? lcs[x + 1][y + 1] + 1 : Math.max(lcs[x + 1][y], lcs[x][y + 1]);
    }
    let x = 0;
    let y = 0;
    while (x < n || y < m) {
      if (x < n && y < m && am[x] === bm[y]) {
        ops.push({ kind: ' ', line: am[x], a: pre + x, b: pre + y });
        x++;
        y++;
      } else if (x < n && (y === m || lcs[x + 1][y] >= lcs[x][y + 1])) {
        // Removals before additions, as diff -u prints them.
        ops.push({ kind: '-', line: am[x], a: pre + x, b: pre + y });
        x++;
      } else {
        ops.push({ kind: '+', line: bm[y], a: pre + x, b: pre + y });
        y++;
      }
    }
  }
  for (let k = 0; k < suf; k++) ops.push({ kind: ' ', line: a[a.length - suf + k], a: a.length - suf + k, b: b.length - suf + k });
  return ops;
}
