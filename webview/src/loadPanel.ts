/**
 * The scaling card: a load run drawn over the graph's corner — request rate, errors and latency,
 * each HPA's replicas current → desired with its CPU and one dot per pod, and the timeline of
 * scaling events — with Stop while it runs. The graph's own live chips show the same HPAs and pods
 * on their cards; this card adds what only the run knows. DOM calls only (no markup strings).
 */
import './loadPanel.css';
import type { LoadCounts, LoadScaler, LoadStatus } from '../../src/core/load/loadTypes';
import * as controls from './toolkit';

const TIMELINE_ROWS = 12;

export class LoadPanel {
  private readonly el: HTMLElement;
  private dismissed: string | undefined;

  constructor(
    parent: HTMLElement,
    private readonly stop: (id: string) => void,
  ) {
    this.el = document.createElement('section');
    this.el.className = 'load-card';
    this.el.setAttribute('aria-label', 'Load and scaling');
    this.el.hidden = true;
    parent.append(this.el);
  }

  update(s: LoadStatus | undefined): void {
    if (!s || s.id === this.dismissed) {
      this.el.hidden = true;
      this.el.replaceChildren();
      return;
    }
    this.el.hidden = false;
    this.el.dataset.phase = s.phase;
    this.el.dataset.run = s.id;
    const active = s.phase === 'running' || s.phase === 'settling' || s.phase === 'stopping';

    const head = div('load-head');
    const title = div('load-title', `Load → ${s.service}`);
    title.title = `${s.method} ${s.url} via ${s.via} (${s.context})`;
    const phase = div('load-phase', phaseText(s));
    phase.setAttribute('role', 'status');
    head.append(title, phase);
    const button = active
      ? s.phase === 'settling'
        ? controls.createButton({ label: 'Stop watching', title: 'The load is over: stop following the autoscalers', onClick: () => this.stop(s.id) })
        : controls.createButton({ label: 'Stop', title: `Stop the load on ${s.service} and remove what it created`, onClick: () => this.stop(s.id) })
      : controls.createButton({ label: 'Close', title: 'Hide this card', onClick: () => ((this.dismissed = s.id), this.update(undefined)) });
    button.classList.add('load-button');
    if (s.phase === 'stopping') button.setAttribute('disabled', '');
    head.append(button);

    const rate = div('load-rate', s.phase === 'running' ? countsText(s.lastSecond, true) : countsText(s.total, false));
    rate.setAttribute('aria-live', 'polite');
    const via = div('load-via', `${s.method} ${pathOf(s.url)} · ${s.rps} req/s for ${Math.round(s.durationMs / 1000)} s · ${s.via}`);
    const parts: HTMLElement[] = [head, rate, via];
    const errorKinds = Object.entries(s.errorKinds);
    if (errorKinds.length) parts.push(div('load-errors', `errors: ${errorKinds.map(([k, n]) => `${k} ×${n}`).join(', ')}`));
    for (const sc of s.scalers) parts.push(scalerRow(sc));

    const list = document.createElement('ol');
    list.className = 'load-timeline';
    list.setAttribute('aria-label', 'Scaling timeline');
    for (const e of s.timeline.slice(-TIMELINE_ROWS)) {
      const li = document.createElement('li');
      li.className = `tl-${e.kind}`;
      const at = document.createElement('span');
      at.className = 'tl-at';
      at.textContent = `${e.atMs < 0 ? '-' : '+'}${(Math.abs(e.atMs) / 1000).toFixed(0)}s`;
      li.append(at, document.createTextNode(` ${e.text}`));
      list.append(li);
    }
    parts.push(list);
    if (s.message && s.phase === 'failed') parts.push(div('load-message', s.message));
    this.el.replaceChildren(...parts);
  }
}

function scalerRow(sc: LoadScaler): HTMLElement {
  const row = div('load-scaler');
  row.dataset.hpa = sc.name;
  const replicas = sc.desiredReplicas && sc.desiredReplicas !== sc.currentReplicas ? `${sc.currentReplicas} → ${sc.desiredReplicas}` : `${sc.currentReplicas}`;
  const one = sc.currentReplicas === 1 && (sc.desiredReplicas || 1) === 1;
  const text = div(
    'scaler-text',
    `HPA ${sc.name}: ${replicas} replica${one ? '' : 's'} (${sc.minReplicas ?? 1}–${sc.maxReplicas})${sc.metrics.length ? ` · ${sc.metrics.join(', ')}` : ''}`,
  );
  const dots = document.createElement('span');
  dots.className = 'scaler-pods';
  dots.setAttribute('aria-label', `${sc.pods.filter((p) => p.ready).length} of ${sc.pods.length} pods ready`);
  for (const p of sc.pods.slice(0, 20)) {
    const dot = document.createElement('span');
    dot.className = `pod-dot ${p.ready ? 'ready' : 'starting'}`;
    dot.title = `${p.name} ${p.ready ? 'ready' : p.phase}`;
    dot.dataset.pod = p.name;
    dots.append(dot);
  }
  row.append(text, dots);
  if (sc.condition) row.append(div('scaler-condition', sc.condition));
  return row;
}

function phaseText(s: LoadStatus): string {
  const secs = (ms: number) => `${Math.round(ms / 1000)} s`;
  switch (s.phase) {
    case 'running':
      return `${secs(s.elapsedMs)} / ${secs(s.durationMs)}`;
    case 'settling':
      return `load over · watching scale-down (${secs(s.elapsedMs)})`;
    case 'stopping':
      return 'stopping…';
    case 'done':
      return 'done';
    case 'stopped':
      return 'stopped';
    case 'failed':
      return 'failed';
  }
}

function countsText(c: LoadCounts, perSecond: boolean): string {
  const latency = c.p50Ms !== undefined ? ` · p50 ${c.p50Ms} ms · p95 ${c.p95Ms} ms` : '';
  return perSecond ? `${c.sent} req/s · ${c.errors} errors${latency}` : `${c.sent} requests · ${c.ok} ok · ${c.errors} errors${latency}`;
}

function pathOf(url: string): string {
  const i = url.indexOf('/', url.indexOf('//') + 2);
  return i < 0 ? '/' : url.slice(i);
}

function div(cls: string, text?: string): HTMLElement {
  const d = document.createElement('div');
  d.className = cls;
  if (text !== undefined) d.textContent = text;
  return d;
}
