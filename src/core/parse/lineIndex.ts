import type { Position, Range } from '../findings';

/** Maps string offsets to 0-based line/character positions with a binary search over line starts. */
export class LineIndex {
  private readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    // Between the \r and \n of a CRLF is no position an editor has: it belongs to the line's end.
    // So is the end of a text cut after the \r of a CRLF (a document's own text ends there).
    const cr = o > this.starts[lo] && this.text.charCodeAt(o - 1) === 13 && (o === this.text.length || this.text.charCodeAt(o) === 10) ? 1 : 0;
    return { line: lo, character: o - this.starts[lo] - cr };
  }

  offset(pos: Position): number {
    return Math.min(this.lineStart(pos.line) + pos.character, this.text.length);
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }
}

/**
 * Positions in a copy of a text that has spaces put in front of some lines (to let the YAML library
 * read it), reported in the columns of the original text the person sees.
 */
export class IndentedLineIndex extends LineIndex {
  private readonly added: number[];

  constructor(text: string, original: string) {
    super(text);
    const a = text.split('\n');
    const o = original.split('\n');
    this.added = a.map((l, i) => Math.max(0, l.length - (o[i]?.length ?? l.length)));
  }

  override position(offset: number): Position {
    const p = super.position(offset);
    return { line: p.line, character: Math.max(0, p.character - (this.added[p.line] ?? 0)) };
  }

  override offset(pos: Position): number {
    return super.offset({ line: pos.line, character: pos.character + (this.added[pos.line] ?? 0) });
  }
}
