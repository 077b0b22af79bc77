import type { LayoutMemory } from '../../src/core/graph/layout/types';
import { NODE_CATEGORIES, type NodeCategory } from '../../src/core/graph/types';
import type { GraphScope, WebviewState } from '../../src/shared/webviewProtocol';
import type { Host } from './host';
import type { View } from './graphView';

/** What a reloaded panel gets back: the scope, the filters, the search, the view and the layout memory. */
export interface RestoredView {
  scope?: GraphScope;
  namespace: string;
  hidden: NodeCategory[];
  showConfig: boolean;
  search?: string;
  view?: View;
  memory?: LayoutMemory;
}

/** Positions survive a reload for ordinary sizes; huge graphs are laid out afresh. */
const MAX_REMEMBERED_POSITIONS = 3000;
const SAVE_AFTER_MS = 300;

/** Reads the panel's saved state (`vscode.getState()`), trusting nothing in it. */
export function restoreView(host: Host): RestoredView | undefined {
  const s = host.getState();
  if (!s) return undefined;
  const view = s.view && [s.view.x, s.view.y, s.view.k].every((v) => typeof v === 'number' && Number.isFinite(v)) && s.view.k > 0 ? s.view : undefined;
  return {
    scope: s.scope,
    namespace: typeof s.namespace === 'string' ? s.namespace : '',
    hidden: (s.hiddenCategories ?? []).filter((c): c is NodeCategory => (NODE_CATEGORIES as readonly string[]).includes(c)),
    showConfig: s.showConfig !== false,
    search: typeof s.search === 'string' ? s.search : undefined,
    view,
    memory: isMemory(s.memory) ? s.memory : undefined,
  };
}

/** Saves the panel's state a moment after the last change (pan and zoom change it often). */
export class ViewStateSaver {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: Host,
    private readonly collect: () => RestoredView,
  ) {}

  saveSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const v = this.collect();
      const memory = v.memory && Object.keys(v.memory.positions).length <= MAX_REMEMBERED_POSITIONS ? v.memory : undefined;
      const state: WebviewState = {
        scope: v.scope,
        namespace: v.namespace,
        hiddenCategories: [...v.hidden],
        showConfig: v.showConfig,
        search: v.search,
        view: v.view,
        memory,
      };
      this.host.setState(state);
    }, SAVE_AFTER_MS);
  }
}

function isMemory(v: unknown): v is LayoutMemory {
  if (!v || typeof v !== 'object') return false;
  const m = v as Record<string, unknown>;
  if (m.direction !== undefined && m.direction !== 'LR' && m.direction !== 'TB') return false;
  return ['offsets', 'anchors', 'positions'].every((k) => m[k] !== null && typeof m[k] === 'object' && !Array.isArray(m[k]));
}
