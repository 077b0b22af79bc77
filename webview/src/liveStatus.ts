import type { ClusterInfo } from '../../src/shared/webviewProtocol';
import type { LiveSnapshot } from '../../src/core/cluster/liveTypes';
import * as controls from './toolkit';
import { el } from './dom';

export interface LiveStatusEvents {
  /** The cluster chip: pick another kubeconfig context. */
  selectContext(): void;
  apply(): void;
}

/**
 * The toolbar's live status: which cluster the panel talks to and whether the view is live, as a
 * chip that picks another context, and the Apply button (disabled, with the reason, when applying
 * is not allowed). Rebuilt from the latest `cluster` and `live` messages.
 */
export class LiveStatus {
  constructor(
    private readonly slot: HTMLElement,
    private readonly events: LiveStatusEvents,
    /** The standalone page has no host: no Apply. */
    private readonly standalone: boolean,
  ) {}

  render(c: ClusterInfo | undefined, live: LiveSnapshot | undefined): void {
    if (!c) {
      this.slot.hidden = true;
      return;
    }
    this.slot.hidden = false;
    const chip = el('span', `cluster-chip ${c.reachable ? 'reachable' : 'unreachable'}`);
    const where = c.context ?? 'no cluster context';
    const state = !c.context ? '' : c.reachable ? (live?.error ? 'live view interrupted' : live ? 'live' : 'connected') : 'not reachable';
    chip.textContent = `${where}${c.local ? ' (local)' : ''}${state ? ` · ${state}` : ''}`;
    chip.title = [c.detail, live?.error].filter(Boolean).join('\n') || (c.reachable ? 'Live state from this cluster is drawn on the graph' : 'No live state');
    chip.setAttribute('role', 'button');
    chip.tabIndex = 0;
    chip.setAttribute('aria-label', `Cluster ${chip.textContent}. Press Enter to pick another context.`);
    const pick = () => this.events.selectContext();
    chip.addEventListener('click', pick);
    chip.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        pick();
      }
    });
    const parts: HTMLElement[] = [chip];
    if (!this.standalone && c.context) {
      const apply = controls.createButton({
        label: 'Apply to Cluster',
        appearance: 'primary',
        title: c.canApply ? `Dry-run, diff and apply these manifests to ${c.context}` : 'Applying needs a trusted workspace and a reachable cluster',
        onClick: () => this.events.apply(),
      });
      if (!c.canApply) apply.setAttribute('disabled', '');
      apply.classList.add('apply-button');
      parts.push(apply);
    }
    this.slot.replaceChildren(...parts);
  }
}
