import type { GraphModel } from '../types';
import type { GraphLayout } from '../layout/types';
import { BUNDLE_CSS, GRAPH_CSS } from './graphStyles';
import { graphScene, sceneDefs, type SceneElement } from './scene';

/** Text for XML: markup characters as entities; control characters XML 1.0 cannot hold at all shown as U+FFFD. */
export function escapeXml(s: string): string {
  return s
    .replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'))
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd'); // eslint-disable-line no-control-regex
}

export function sceneToString(e: SceneElement, indent = ''): string {
  const attrs = Object.entries(e.attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
  if (!e.children?.length && e.text === undefined) return `${indent}<${e.tag}${attrs}/>`;
  if (!e.children?.length) return `${indent}<${e.tag}${attrs}>${escapeXml(e.text ?? '')}</${e.tag}>`;
  const inner = e.children.map((c) => sceneToString(c, `${indent}  `)).join('\n');
  return `${indent}<${e.tag}${attrs}>\n${inner}\n${indent}</${e.tag}>`;
}

export interface SvgDocumentOptions {
  /** The stylesheet to embed (default: the live-variable one, which falls back to light colours). */
  css?: string;
  title?: string;
}

/** A self-contained SVG file of the graph: the same drawing as the panel. */
export function renderSvgDocument(graph: GraphModel, layout: GraphLayout, options: SvgDocumentOptions = {}): string {
  const scene = graphScene(graph, layout, { interactive: false });
  const w = Math.max(1, Math.ceil(scene.width));
  const h = Math.max(1, Math.ceil(scene.height));
  const title = options.title ?? 'Kubernetes topology';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="kt-graph" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeXml(title)}">`,
    `  <title>${escapeXml(title)}</title>`,
    `  <style>\n${options.css ?? GRAPH_CSS}${graph.bundles?.length ? BUNDLE_CSS : ''}  </style>`,
    sceneToString(sceneDefs(), '  '),
    `  <rect class="bg" width="${w}" height="${h}"/>`,
    sceneToString(scene.root, '  '),
    '</svg>',
    '',
  ].join('\n');
}
