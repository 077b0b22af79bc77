import type { GraphModel } from '../../src/core/graph/types';
import type { GraphLayout } from '../../src/core/graph/layout/types';
import { GRAPH_TOKENS, pinnedGraphCss } from '../../src/core/graph/render/graphStyles';
import { renderSvgDocument } from '../../src/core/graph/render/svgString';

/** Largest PNG side we render (browsers refuse bigger canvases). */
const MAX_PNG_SIDE = 16_000;

/**
 * The SVG file of what is on screen, in the current theme's colours (the `--kt-*` tokens are read
 * from the live drawing and pinned, so the file looks the same outside VS Code).
 */
export function exportSvg(graph: GraphModel, layout: GraphLayout, live: SVGSVGElement, title: string): string {
  const style = getComputedStyle(live);
  const resolved: Record<string, string> = {};
  for (const k of Object.keys(GRAPH_TOKENS)) resolved[k] = style.getPropertyValue(k);
  return renderSvgDocument(graph, layout, { css: pinnedGraphCss(resolved), title });
}

/** A PNG (as a data: URL) of the same SVG, at twice the resolution when it fits. */
export async function exportPng(svg: string): Promise<string> {
  const size = /width="(\d+)" height="(\d+)"/.exec(svg);
  const w = size ? Number(size[1]) : 1000;
  const h = size ? Number(size[2]) : 800;
  const scale = Math.max(0.1, Math.min(2, MAX_PNG_SIDE / w, MAX_PNG_SIDE / h));
  const img = new Image();
  // A data: URL (the CSP allows `img-src data:`); blob: URLs are not allowed there.
  img.src = `data:image/svg+xml;base64,${base64(svg)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(w * scale);
  canvas.height = Math.round(h * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas available');
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0, w, h);
  return canvas.toDataURL('image/png');
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
