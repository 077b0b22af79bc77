/**
 * A unified line diff (like `diff -u`) for the CLI's `apply --diff`, from jsdiff (the `diff`
 * package); the editor shows both YAML texts in VS Code's own diff editor instead. The work is
 * bounded: past MAX_EDIT_LENGTH edits the diff is "all removed, all added" rather than a long wait.
 */
import { formatPatch, structuredPatch, type StructuredPatch } from 'diff';

/** Beyond this many inserted plus removed lines (or half a second) jsdiff stops looking for the shortest edit. */
const MAX_EDIT_LENGTH = 1000;

export function unifiedDiff(before: string, after: string, opts: { fromLabel?: string; toLabel?: string; context?: number } = {}): string {
  if (before === after) return '';
  const from = opts.fromLabel ?? 'live';
  const to = opts.toLabel ?? 'intended';
  const patch =
    structuredPatch(from, to, before, after, undefined, undefined, { context: opts.context ?? 3, maxEditLength: MAX_EDIT_LENGTH, timeout: 500 }) ??
    wholesale(from, to, before, after);
  // jsdiff starts a patch with a line of "=" (its Index: separator); diff -u does not.
  return formatPatch(patch).replace(/^=+\n/, '');
}

function lines(text: string): string[] {
  const all = text.split('\n');
  if (all.length && all[all.length - 1] === '') all.pop();
  return all;
}

/** Every line of `before` removed and every line of `after` added: one hunk. */
function wholesale(from: string, to: string, before: string, after: string): StructuredPatch {
  const a = lines(before);
  const b = lines(after);
  return {
    oldFileName: from,
    newFileName: to,
    oldHeader: undefined,
    newHeader: undefined,
    hunks: [{ oldStart: 1, oldLines: a.length, newStart: 1, newLines: b.length, lines: [...a.map((l) => `-${l}`), ...b.map((l) => `+${l}`)] }],
  };
}
