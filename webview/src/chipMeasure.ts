import type { MeasureText } from './liveOverlay';

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Measures chip text in the font the chips are drawn with — read from the page's CSS through a
 * probe chip, so a theme's font family and the stylesheet's size and weight are what counts — on a
 * 2D canvas, which forces no layout of the document. Widths are cached per text.
 */
export function chipTextMeasure(svg: SVGSVGElement): MeasureText {
  const ctx = document.createElement('canvas').getContext('2d');
  const cache = new Map<string, number>();
  let font = '';
  const readFont = (): string => {
    const chip = document.createElementNS(SVG_NS, 'g');
    chip.setAttribute('class', 'live-chip');
    const text = document.createElementNS(SVG_NS, 'text');
    text.setAttribute('class', 'chip-text');
    chip.append(text);
    svg.append(chip);
    const cs = getComputedStyle(text);
    const f = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    chip.remove();
    return f;
  };
  return (text) => {
    if (!font) {
      font = readFont();
      if (ctx) ctx.font = font;
    }
    let w = cache.get(text);
    if (w === undefined) {
      // No canvas (never in a browser that runs the webview): a generous per-character estimate.
      w = ctx ? ctx.measureText(text).width : text.length * 7;
      cache.set(text, w);
    }
    return w;
  };
}
