import type { GraphModel } from '../../src/core/graph/types';
import { matchesSearch } from '../../src/core/graph/filter';
import type { GraphView } from './graphView';

/**
 * Find in the graph: which drawn nodes match the query (name, image, label), the count for the
 * toolbar, and Enter / Shift+Enter stepping through the matches with keyboard focus.
 */
export class GraphSearch {
  query = '';
  private matches: string[] = [];
  private index = -1;

  constructor(
    private readonly view: GraphView,
    /** "3 matches", or '' without a query. */
    private readonly showCount: (text: string) => void,
  ) {}

  /** Applies the current query to what is drawn; `move` focuses the first match. */
  apply(graph: GraphModel | undefined, move = false): void {
    const q = this.query.trim();
    if (!q || !graph) {
      this.matches = [];
      this.index = -1;
      this.view.setMatches(undefined);
      this.showCount('');
      return;
    }
    this.matches = graph.nodes.filter((n) => matchesSearch(n, q)).map((n) => n.id);
    this.view.setMatches(new Set(this.matches));
    this.showCount(this.matches.length === 1 ? '1 match' : `${this.matches.length} matches`);
    if (move && this.matches.length) this.next(1);
  }

  /** Focuses the next (1) or previous (-1) match, wrapping round. */
  next(step: number): void {
    if (!this.matches.length) return;
    this.index = (this.index + step + this.matches.length) % this.matches.length;
    this.view.focusNode(this.matches[this.index]);
  }
}
