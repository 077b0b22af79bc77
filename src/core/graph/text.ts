/** Text measurement without a DOM (the CLI and the layout worker have none). */

/**
 * Approximate advance widths (in em) for a sans-serif UI font. Layout happens where no font can be
 * measured (the CLI, the worker), so the estimate is deliberately generous.
 */
export function textWidth(text: string, size: number, bold = false, letterSpacing = 0): number {
  let w = 0;
  for (const ch of text) {
    if ("iljt.,:;|!'`·".includes(ch)) w += 0.32;
    else if ('frI() -/[]'.includes(ch)) w += 0.42;
    else if ('mwMW@%'.includes(ch)) w += 0.92;
    else if (ch >= 'A' && ch <= 'Z') w += 0.72;
    else if (ch >= '0' && ch <= '9') w += 0.64;
    else w += 0.61;
  }
  return (w * (bold ? 1.07 : 1) + letterSpacing * [...text].length) * size;
}

/** The text, cut with an ellipsis to fit `max` pixels. */
export function fitText(text: string, max: number, size: number, bold = false, letterSpacing = 0): string {
  if (textWidth(text, size, bold, letterSpacing) <= max) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(`${text.slice(0, mid)}…`, size, bold, letterSpacing) <= max) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}
