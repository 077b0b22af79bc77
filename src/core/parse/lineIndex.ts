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
    const cr = o > this.starts[lo] && this.text.charCodeAt(o) === 10 && this.text.charCodeAt(o - 1) === 13 ? 1 : 0;
    return { line: lo, character: o - this.starts[lo] - cr };
  }

  offset(pos: Position): number {
    return Math.min(this.lineStart(pos.line) + pos.character, this.text.length);
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }
}
