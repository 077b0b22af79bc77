import type { NodeCategory } from '../../src/core/graph/types';
import { CATEGORY_LABELS, NODE_CATEGORIES } from '../../src/core/graph/types';
import type { FilteredGraph, GraphFilter } from '../../src/core/graph/filter';
import * as controls from './toolkit';
import { el } from './dom';

/** What the toolbar's controls ask for; the app decides what happens. */
export interface ToolbarEvents {
  namespaceChanged(namespace: string): void;
  /** '' for every apply unit. */
  unitChanged(unit: string): void;
  categoryToggled(category: NodeCategory, shown: boolean): void;
  configToggled(shown: boolean): void;
  searchInput(query: string): void;
  searchNext(backwards: boolean): void;
  searchClear(): void;
  fit(): void;
  zoom(factor: number): void;
  export(format: 'svg' | 'png'): void;
  /** Absent in the standalone page (nothing to re-analyse there). */
  refresh?(): void;
}

/**
 * The topology panel's toolbar as DOM: the scope's title and counts, the namespace, apply-unit and
 * kind filters, the search field, the view and export buttons, and a slot for the live status. It
 * shows what it is told and reports what the user does.
 */
export class Toolbar {
  readonly el: HTMLElement;
  /** Where the cluster chip and Apply go (see liveStatus.ts). */
  readonly liveSlot: HTMLElement;
  private readonly title = el('div', 'title');
  private readonly summary = el('div', 'summary');
  private readonly matchCount = el('span', 'match-count');
  private readonly nsSelect: HTMLElement;
  /** One apply unit or all (shown when the graph has two or more). */
  private readonly unitSelect: HTMLElement;
  private readonly categoryBoxes = new Map<NodeCategory, HTMLElement>();
  private readonly configBox: HTMLElement;
  private readonly searchField: HTMLElement;

  constructor(events: ToolbarEvents) {
    this.el = el('header', 'toolbar');
    this.el.setAttribute('role', 'toolbar');
    this.el.setAttribute('aria-label', 'Topology view controls');
    this.summary.setAttribute('aria-live', 'polite');
    this.matchCount.setAttribute('aria-live', 'polite');

    const heading = el('div', 'heading');
    heading.append(this.title, this.summary);

    const filters = el('div', 'filters');
    filters.setAttribute('role', 'group');
    filters.setAttribute('aria-label', 'Filters');
    this.nsSelect = controls.createSelect({
      label: 'Namespace',
      options: [{ value: '', label: 'All namespaces' }],
      value: '',
      onChange: (v) => events.namespaceChanged(v),
    });
    this.unitSelect = controls.createSelect({
      label: 'Apply unit',
      options: [{ value: '', label: 'All apply units' }],
      value: '',
      onChange: (v) => events.unitChanged(v),
    });
    this.unitSelect.hidden = true;
    filters.append(this.nsSelect, this.unitSelect);
    for (const cat of NODE_CATEGORIES) {
      if (cat === 'config') continue;
      const box = controls.createCheckbox({ label: CATEGORY_LABELS[cat], checked: true, onChange: (checked) => events.categoryToggled(cat, checked) });
      box.classList.add(`cat-${cat}`);
      this.categoryBoxes.set(cat, box);
      filters.append(box);
    }
    this.configBox = controls.createCheckbox({ label: CATEGORY_LABELS.config, checked: true, onChange: (checked) => events.configToggled(checked) });
    this.configBox.classList.add('cat-config');
    this.configBox.title = 'Unticked, ConfigMaps and Secrets fold into their workloads ("+2 config"); broken ones stay visible.';
    filters.append(this.configBox);

    const search = el('div', 'search');
    this.searchField = controls.createSearch({
      placeholder: 'Find (name, image, label)',
      label: 'Find resources',
      value: '',
      onInput: (v) => events.searchInput(v),
      onEnter: (back) => events.searchNext(back),
      onEscape: () => events.searchClear(),
    });
    search.append(this.searchField, this.matchCount);

    const actions = el('div', 'actions');
    actions.append(
      controls.createButton({ label: 'Fit', title: 'Fit the whole graph (0)', onClick: () => events.fit() }),
      controls.createButton({ label: '−', title: 'Zoom out (-)', onClick: () => events.zoom(0.8) }),
      controls.createButton({ label: '+', title: 'Zoom in (+)', onClick: () => events.zoom(1.25) }),
      controls.createButton({ label: 'Export SVG', title: 'Save the graph as SVG', onClick: () => events.export('svg') }),
      controls.createButton({ label: 'Export PNG', title: 'Save the graph as PNG', onClick: () => events.export('png') }),
    );
    if (events.refresh) {
      actions.append(controls.createButton({ label: 'Refresh', title: 'Analyse the manifests again', onClick: () => events.refresh?.() }));
    }
    this.liveSlot = el('div', 'live-status');
    this.liveSlot.setAttribute('aria-live', 'polite');
    this.liveSlot.hidden = true;
    this.el.append(heading, filters, search, actions, this.liveSlot);
  }

  setTitle(label: string): void {
    this.title.textContent = label;
    this.title.title = label;
  }

  /** "7 of 9 resources · 6 connections · 1 broken". */
  setSummary(f: FilteredGraph): void {
    const real = f.graph.nodes.filter((n) => !n.ghost).length;
    const broken = f.graph.edges.filter((e) => e.broken).length;
    const errors = f.graph.nodes.filter((n) => n.status === 'error' && !n.ghost).length;
    const parts = [`${real} of ${f.total} resources`, `${f.graph.edges.length} connections`];
    if (broken) parts.push(`${broken} broken`);
    if (errors) parts.push(`${errors} with errors`);
    this.summary.textContent = parts.join(' · ');
    this.summary.classList.toggle('has-errors', broken + errors > 0);
  }

  /** The namespace choices ('' is cluster-scoped) with the current one selected. */
  setNamespaces(namespaces: string[], current: string): void {
    controls.setSelectOptions(
      this.nsSelect,
      [{ value: '', label: 'All namespaces' }, ...namespaces.map((ns) => ({ value: ns, label: ns || 'cluster-scoped' }))],
      current,
    );
  }

  /** The apply units to choose from, with the current one ('' for all) selected; hidden below two. */
  setUnits(units: string[], current: string): void {
    this.unitSelect.hidden = units.length < 2;
    controls.setSelectOptions(this.unitSelect, [{ value: '', label: 'All apply units' }, ...units.map((u) => ({ value: u, label: u }))], current);
  }

  /** Ticks the kind boxes to match a filter (restored state, "Show everything"). */
  setFilter(filter: GraphFilter): void {
    for (const [cat, box] of this.categoryBoxes) controls.setChecked(box, !filter.hidden.includes(cat));
    controls.setChecked(this.configBox, filter.showConfig);
  }

  setSearch(query: string): void {
    controls.setValue(this.searchField, query);
  }

  /** "3 matches"; empty when there is no search. */
  setMatchCount(text: string): void {
    this.matchCount.textContent = text;
  }

  focusSearch(): void {
    controls.focusControl(this.searchField);
  }
}
