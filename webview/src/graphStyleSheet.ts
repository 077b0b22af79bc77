import { BUNDLE_CSS, GRAPH_CSS } from '../../src/core/graph/render/graphStyles';

let adopted = false;

/** The graph stylesheet as a constructable stylesheet: no <style> element, no 'unsafe-inline'. */
export function adoptGraphStyles(): void {
  if (adopted) return;
  adopted = true;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(GRAPH_CSS + BUNDLE_CSS);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
