import { el } from './dom';

const EDGE_LEGEND: [string, string][] = [
  ['routes', 'routes (Ingress → Service)'],
  ['selects', 'selects (Service → pods)'],
  ['calls', 'calls (by DNS name)'],
  ['scales', 'scales (HPA)'],
  ['mounts', 'uses config / secret'],
];

/** The footer that says what each kind of connection line means. */
export function buildLegend(): HTMLElement {
  const legend = el('footer', 'legend kt-graph');
  legend.setAttribute('aria-label', 'Legend');
  const title = el('div', 'legend-title');
  title.textContent = 'Connections';
  legend.append(title);
  for (const [type, text] of EDGE_LEGEND) {
    const row = el('div', `legend-row e-${type}`);
    row.append(el('span', 'swatch'), document.createTextNode(text));
    legend.append(row);
  }
  const broken = el('div', 'legend-row broken');
  broken.append(el('span', 'swatch'), document.createTextNode('broken reference (see Problems)'));
  legend.append(broken);
  return legend;
}
