import * as controls from './toolkit';
import { el } from './dom';

export type StateKind = 'loading' | 'empty' | 'filtered' | 'error';

export interface StateAction {
  label: string;
  onClick: () => void;
}

const TOAST_MS = 4000;

/**
 * What the canvas says when there is no graph to draw (loading, empty, all filtered out, an
 * error), the banner over a capped graph, and short toasts (export saved, where a resource is).
 */
export class Notices {
  private readonly overlay = el('div', 'state');
  private readonly banner = el('div', 'banner');
  private readonly toast = el('div', 'toast');
  private toastTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(canvas: HTMLElement) {
    this.overlay.setAttribute('role', 'status');
    this.banner.hidden = true;
    this.toast.setAttribute('role', 'status');
    this.toast.hidden = true;
    canvas.append(this.overlay, this.banner, this.toast);
  }

  showState(kind: StateKind, title: string, message: string, extra: { hint?: string; action?: StateAction } = {}): void {
    this.overlay.hidden = false;
    this.overlay.className = `state state-${kind}`;
    const h = el('h2');
    h.textContent = title;
    const p = el('p');
    p.textContent = message;
    const parts: HTMLElement[] = [h, p];
    if (extra.hint) {
      const hp = el('p', 'hint');
      hp.textContent = extra.hint;
      parts.push(hp);
    }
    if (extra.action) parts.push(controls.createButton({ label: extra.action.label, appearance: 'primary', onClick: extra.action.onClick }));
    this.overlay.replaceChildren(...parts);
  }

  hideState(): void {
    this.overlay.hidden = true;
  }

  /** A line over the graph (undefined: none). */
  setBanner(text: string | undefined): void {
    this.banner.hidden = text === undefined;
    this.banner.textContent = text ?? '';
  }

  showToast(text: string): void {
    this.toast.textContent = text;
    this.toast.hidden = false;
    if (this.toastTimer) clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => (this.toast.hidden = true), TOAST_MS);
  }
}
