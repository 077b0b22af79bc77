import type { GraphModel } from '../../../src/core/graph/types';
import type { HostToGeneratorMessage } from '../../../src/shared/webviewProtocol';
import { EMPTY_MEMORY, type LayoutMemory } from '../../../src/core/graph/layout/types';
import { MARGIN } from '../../../src/core/graph/render/scene';
import { GraphView } from '../graphView';
import { HoverCard } from '../hoverCard';
import { LayoutClient } from '../layoutClient';
import * as controls from '../toolkit';
import { el } from '../dom';

type StateMessage = Extract<HostToGeneratorMessage, { type: 'state' }>;

const HOVER_DELAY_MS = 250;

/**
 * The live preview beside the form: the topology graph of what would be written (the topology
 * panel's own view, layout worker and hover card), the YAML of every file, and the checks the
 * editor would report on it — all from the host's evaluation of the current values.
 */
export class PreviewView {
  readonly root: HTMLElement;
  private readonly canvas: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly yaml: HTMLElement;
  private readonly checks: HTMLElement;
  private readonly tabs: HTMLElement;
  private readonly view: GraphView;
  private readonly card: HoverCard;
  private readonly layouts = new LayoutClient();
  private memory: LayoutMemory = EMPTY_MEMORY;
  private graph: GraphModel | undefined;
  private shownIds = '';

  constructor(parent: HTMLElement) {
    this.root = el('section', 'gen-preview');
    this.root.setAttribute('aria-label', 'Preview of what will be generated');
    this.summary = el('p', 'gen-summary');
    this.notice = el('p', 'gen-notice');
    this.notice.hidden = true;
    this.canvas = el('div', 'canvas gen-canvas');
    this.yaml = el('div', 'gen-yaml');
    this.checks = el('div', 'gen-checks');
    this.tabs = controls.createTabs('Preview', [
      { id: 'gen-tab-graph', label: 'Topology', content: this.canvas },
      { id: 'gen-tab-yaml', label: 'YAML', content: this.yaml },
      { id: 'gen-tab-checks', label: 'Checks', content: this.checks },
    ]);
    this.root.append(this.summary, this.notice, this.tabs);
    parent.append(this.root);
    this.view = new GraphView(this.canvas, {
      activate: (id) => this.view.setSelected(id),
      hover: (t, anchor) => {
        const g = this.graph;
        if (!t || !anchor || !g) return this.card.hide();
        if (t.kind === 'node') {
          const n = g.nodes.find((x) => x.id === t.id);
          if (n) this.card.showNode(g, n, anchor, HOVER_DELAY_MS);
        } else {
          const e = g.edges.find((x) => x.id === t.id);
          if (e) this.card.showEdge(g, e, anchor, HOVER_DELAY_MS);
        }
      },
      escape: () => {
        this.view.setSelected(undefined);
        this.card.hide();
      },
      viewChanged: () => undefined,
    });
    this.card = new HoverCard(parent);
  }

  /** Shows an evaluation: summary, graph (laid out off the main thread), YAML and checks. */
  async show(s: StateMessage): Promise<void> {
    const errors = s.findings.filter((f) => f.severity === 'error').length;
    const warnings = s.findings.filter((f) => f.severity === 'warning').length;
    const infos = s.findings.length - errors - warnings;
    const objects = s.graph.nodes.filter((n) => !n.ghost).length;
    const files = s.files.length === 1 ? s.files[0].path : `${s.files.length} files`;
    const verdict = errors || warnings ? [count(errors, 'error'), count(warnings, 'warning')].filter(Boolean).join(', ') : 'no errors or warnings';
    this.summary.textContent = `${plural(objects, 'object')} in ${files} · ${verdict}${infos ? ` · ${count(infos, 'note')}` : ''}`;
    this.summary.classList.toggle('has-errors', errors + warnings > 0);
    this.notice.hidden = s.valid;
    this.notice.textContent = s.valid ? '' : 'Some values need fixing: the preview shows their defaults until then.';
    this.root.classList.toggle('stale', !s.valid);
    this.renderYaml(s);
    this.renderChecks(s);
    controls.setTabLabel(this.tabs, 'gen-tab-checks', s.findings.length ? `Checks (${s.findings.length})` : 'Checks');
    await this.renderGraph(s.graph, s.revision);
  }

  private async renderGraph(graph: GraphModel, revision: number): Promise<void> {
    // A different set of resources starts afresh: the direction is chosen again and the view fitted.
    // A renamed value alone keeps the layout and the view steady.
    const ids = graph.nodes
      .map((n) => `${n.kind}/${n.ghost ? 'ghost' : ''}`)
      .sort()
      .join('|');
    const fresh = ids !== this.shownIds;
    const area = this.view.viewport();
    const result = await this.layouts.request(graph, fresh ? EMPTY_MEMORY : this.memory, Math.max(1, Math.min(3, area.width / Math.max(1, area.height))), {
      viewport: { width: Math.max(1, area.width - 2 * MARGIN), height: Math.max(1, area.height - 2 * MARGIN) },
    });
    if (!result) return; // a newer evaluation superseded this one
    this.memory = result.memory;
    this.graph = graph;
    this.view.render(graph, result.layout, new Map());
    if (fresh) {
      this.view.fit();
      this.shownIds = ids;
    }
    this.root.dataset.renderedRevision = String(revision);
    this.root.dataset.renderedNodes = String(graph.nodes.length);
  }

  private renderYaml(s: StateMessage): void {
    this.yaml.replaceChildren(
      ...s.files.flatMap((f) => {
        const h = el('h3', 'gen-file');
        h.textContent = f.path;
        const pre = el('pre', 'gen-code');
        pre.tabIndex = 0;
        pre.setAttribute('aria-label', `YAML of ${f.path}`);
        pre.textContent = f.text;
        return [h, pre];
      }),
    );
  }

  private renderChecks(s: StateMessage): void {
    const parts: HTMLElement[] = [];
    if (!s.findings.length) {
      const p = el('p', 'gen-clean');
      p.textContent = 'No findings: the files validate clean.';
      parts.push(p);
    } else {
      const list = el('ul', 'gen-findings');
      for (const f of s.findings) {
        const li = el('li', `sev-${f.severity}`);
        const sev = el('span', 'hc-sev');
        sev.textContent = f.severity;
        const code = el('span', 'hc-code');
        code.textContent = `${f.code} · ${f.file}:${f.line}`;
        const msg = el('span', 'gen-finding-message');
        msg.textContent = f.message;
        li.append(sev, ' ', code, msg);
        list.append(li);
      }
      parts.push(list);
    }
    if (s.notes.length) {
      const h = el('h3', 'gen-notes-title');
      h.textContent = 'Next steps';
      const list = el('ul', 'gen-notes');
      for (const n of s.notes) {
        const li = el('li', '');
        li.textContent = n;
        list.append(li);
      }
      parts.push(h, list);
    }
    this.checks.replaceChildren(...parts);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "2 errors"; nothing for none. */
function count(n: number, word: string): string {
  return n ? plural(n, word) : '';
}
