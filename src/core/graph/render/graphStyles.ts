/**
 * The graph's stylesheet, one source for every view: the webview adopts it as a constructable
 * stylesheet (no inline styles under the CSP), `graph --output svg|html` embeds it, and exports embed
 * it with the current theme's colours resolved.
 *
 * Colours come from VS Code's theme variables with light fallbacks, through `--kt-*` tokens so an
 * export can pin them. High contrast themes get solid borders and thicker lines.
 */
export const GRAPH_TOKENS: Record<string, string> = {
  '--kt-bg': 'var(--vscode-editor-background, #ffffff)',
  '--kt-fg': 'var(--vscode-editor-foreground, #1f2328)',
  '--kt-muted': 'var(--vscode-descriptionForeground, #59636e)',
  '--kt-card': 'var(--vscode-editorWidget-background, #ffffff)',
  '--kt-card-border': 'var(--vscode-editorWidget-border, var(--vscode-widget-border, #d1d9e0))',
  '--kt-frame-border': 'var(--vscode-panel-border, #d1d9e0)',
  '--kt-focus': 'var(--vscode-focusBorder, #0969da)',
  '--kt-error': 'var(--vscode-editorError-foreground, #cf222e)',
  '--kt-warning': 'var(--vscode-editorWarning-foreground, #9a6700)',
  '--kt-info': 'var(--vscode-editorInfo-foreground, #0969da)',
  '--kt-entry': 'var(--vscode-charts-purple, #8250df)',
  '--kt-service': 'var(--vscode-charts-blue, #0969da)',
  '--kt-workload': 'var(--vscode-charts-green, #1a7f37)',
  '--kt-autoscaler': 'var(--vscode-charts-orange, #bc4c00)',
  '--kt-config': 'var(--vscode-charts-yellow, #9a6700)',
  '--kt-edge': 'var(--vscode-editorLineNumber-foreground, #818b98)',
  '--kt-font': 'var(--vscode-font-family, system-ui, -apple-system, "Segoe UI", Ubuntu, sans-serif)',
};

const CATEGORY_COLOURS: Record<string, string> = {
  entry: 'var(--kt-entry)',
  service: 'var(--kt-service)',
  workload: 'var(--kt-workload)',
  autoscaler: 'var(--kt-autoscaler)',
  config: 'var(--kt-config)',
};

const EDGE_COLOURS: Record<string, string> = {
  routes: 'var(--kt-entry)',
  selects: 'var(--kt-service)',
  calls: 'var(--kt-workload)',
  scales: 'var(--kt-autoscaler)',
  mounts: 'var(--kt-edge)',
};

function tokens(selector: string, values: Record<string, string>): string {
  return `${selector} {\n${Object.entries(values)
    .map(([k, v]) => `  ${k}: ${v};`)
    .join('\n')}\n}\n`;
}

function rules(): string {
  let css = '';
  for (const [cat, colour] of Object.entries(CATEGORY_COLOURS)) css += `.kt-graph .node.cat-${cat} { --kt-accent: ${colour}; }\n`;
  for (const [type, colour] of Object.entries(EDGE_COLOURS)) css += `.kt-graph .e-${type} { --kt-edge-colour: ${colour}; }\n`;
  return (
    css +
    `
.kt-graph { font-family: var(--kt-font); color: var(--kt-fg); }
.kt-graph text { fill: var(--kt-fg); font-family: var(--kt-font); }
.kt-graph .bg { fill: var(--kt-bg); }
.kt-graph .ns-frame { fill: var(--kt-fg); fill-opacity: 0.025; stroke: var(--kt-frame-border); stroke-width: 1; }
.kt-graph .ns-title { font-size: 13px; font-weight: 600; }
.kt-graph .ns-meta { font-size: 11.5px; fill: var(--kt-muted); }
.kt-graph .ns-meta.has-errors { fill: var(--kt-error); }
.kt-graph .card { fill: var(--kt-card); stroke: var(--kt-card-border); stroke-width: 1; }
.kt-graph .accent { fill: var(--kt-accent); }
.kt-graph .bubble { fill: var(--kt-accent); fill-opacity: 0.14; }
.kt-graph .glyph { fill: none; stroke: var(--kt-accent); stroke-width: 1.4; stroke-linecap: round; stroke-linejoin: round; }
.kt-graph .kind { font-size: 9.5px; font-weight: 600; letter-spacing: 0.06em; fill: var(--kt-accent); }
.kt-graph .name { font-size: 13px; font-weight: 600; }
.kt-graph .sub { font-size: 11px; fill: var(--kt-muted); }
.kt-graph .badge-error { fill: var(--kt-error); }
.kt-graph .badge-warning { fill: var(--kt-warning); }
.kt-graph .badge-info { fill: var(--kt-info); }
.kt-graph .badge-text { fill: var(--kt-bg); font-size: 10px; font-weight: 700; text-anchor: middle; }
.kt-graph .node.status-error .card { stroke: var(--kt-error); }
.kt-graph .node.ghost .card { fill: none; stroke: var(--kt-error); stroke-dasharray: 5 4; stroke-width: 1.3; }
.kt-graph .node.ghost { --kt-accent: var(--kt-error); }
.kt-graph .node.ghost.status-warning { --kt-accent: var(--kt-warning); }
.kt-graph .node.ghost.status-info { --kt-accent: var(--kt-muted); }
.kt-graph .node.ghost.status-info .card, .kt-graph .node.ghost.status-warning .card { stroke: var(--kt-accent); }
.kt-graph .node.ghost .name { fill: var(--kt-accent); }
.kt-graph .halo { fill: none; stroke: var(--kt-focus); stroke-width: 3; stroke-opacity: 0; }
.kt-graph .edge-line { fill: none; stroke: var(--kt-edge-colour); stroke-width: 1.6; stroke-opacity: 0.85; }
.kt-graph .e-mounts .edge-line, .kt-graph .e-scales .edge-line { stroke-width: 1.2; stroke-dasharray: 1 0; }
.kt-graph .edge.broken .edge-line { stroke: var(--kt-error); stroke-dasharray: 6 4; stroke-opacity: 1; }
.kt-graph .edge.to-ghost:not(.broken) .edge-line { stroke-dasharray: 6 4; }
.kt-graph .edge-hit { fill: none; stroke: transparent; stroke-width: 10; }
.kt-graph .arrow { stroke: none; }
.kt-graph .edge-label rect { fill: var(--kt-bg); stroke: var(--kt-edge-colour); stroke-opacity: 0.55; stroke-width: 1; }
.kt-graph .edge-label text { font-size: 10.5px; fill: var(--kt-muted); text-anchor: middle; }
.kt-graph .edge-label.broken rect { stroke: var(--kt-error); stroke-opacity: 1; }
.kt-graph .edge-label.broken text { fill: var(--kt-error); }
` +
    Object.entries(EDGE_COLOURS)
      .map(([type, colour]) => `.kt-graph .arrow-${type} { fill: ${colour}; }\n`)
      .join('') +
    `.kt-graph .arrow-broken { fill: var(--kt-error); }
.kt-graph .node { cursor: pointer; }
.kt-graph .node:focus { outline: none; }
.kt-graph .node:focus-visible .card, .kt-graph .node.selected .card { stroke: var(--kt-focus); stroke-width: 2.2; }
.kt-graph .node.highlighted .halo { stroke-opacity: 0.55; }
.kt-graph .node.match .card { stroke: var(--kt-focus); stroke-width: 2; }
.kt-graph.has-focus .node:not(.related), .kt-graph.has-focus .edge:not(.related), .kt-graph.has-focus .edge-label:not(.related) { opacity: 0.28; }
.kt-graph.searching .node:not(.match) { opacity: 0.3; }
.kt-graph .edge.related .edge-line { stroke-width: 2.4; }
/* Level of detail (the webview sets these by zoom): unreadable text is not laid out at all. */
.kt-graph.lod-mid .node .kind, .kt-graph.lod-mid .node .sub, .kt-graph.lod-mid .edge-label, .kt-graph.lod-mid .badge-text { display: none; }
.kt-graph.lod-far .node text, .kt-graph.lod-far .edge-label, .kt-graph.lod-far .glyph, .kt-graph.lod-far .ns-meta { display: none; }
body.vscode-high-contrast .kt-graph .card, body.vscode-high-contrast-light .kt-graph .card { stroke: var(--vscode-contrastBorder, #6fc3df); stroke-width: 1.5; }
body.vscode-high-contrast .kt-graph .edge-line, body.vscode-high-contrast-light .kt-graph .edge-line { stroke-width: 2; stroke-opacity: 1; }
body.vscode-high-contrast .kt-graph .bubble, body.vscode-high-contrast-light .kt-graph .bubble { fill-opacity: 0; stroke: var(--kt-accent); }
body.vscode-high-contrast .kt-graph .node:focus-visible .card, body.vscode-high-contrast .kt-graph .node.selected .card { stroke: var(--vscode-contrastActiveBorder, #f38518); stroke-width: 3; }
`
  );
}

/**
 * Bundles (src/core/graph/bundles.ts): kept apart so a graph without one embeds exactly the
 * stylesheet it always did; views that may show bundles add it.
 */
export const BUNDLE_CSS = `.kt-graph .bundle .edge-line { stroke-width: 1.3; stroke-opacity: 0.6; }
.kt-graph .bundle .edge-line.broken { stroke: var(--kt-error); stroke-dasharray: 6 4; stroke-opacity: 1; }
.kt-graph .bundle-arrows { fill: var(--kt-edge-colour); }
.kt-graph .bundle-pill .pill { fill: var(--kt-card); stroke: var(--kt-edge-colour); stroke-width: 1.6; }
.kt-graph .bundle-pill.broken .pill { stroke: var(--kt-error); stroke-dasharray: 6 4; }
.kt-graph .bundle-pill .bundle-title { font-size: 11px; font-weight: 600; text-anchor: middle; }
.kt-graph .bundle-pill .bundle-caption { font-size: 10px; fill: var(--kt-muted); text-anchor: middle; }
.kt-graph .bundle-pill { cursor: pointer; }
.kt-graph .bundle-pill:focus { outline: none; }
.kt-graph .bundle-pill:focus-visible .pill, .kt-graph .bundle-pill.selected .pill { stroke: var(--kt-focus); stroke-width: 2.4; }
.kt-graph.has-focus .bundle:not(.related), .kt-graph.has-focus .bundle-pill:not(.related) { opacity: 0.28; }
.kt-graph .bundle.related .edge-line { stroke-width: 2; stroke-opacity: 0.9; }
.kt-graph.lod-far .bundle-pill text { display: none; }
body.vscode-high-contrast .kt-graph .bundle .edge-line, body.vscode-high-contrast-light .kt-graph .bundle .edge-line { stroke-width: 2; stroke-opacity: 1; }
`;

/** The stylesheet with live theme variables (webview, HTML page). */
export const GRAPH_CSS = tokens('.kt-graph', GRAPH_TOKENS) + rules();

/** The stylesheet with the tokens pinned to concrete colours (exports: the SVG looks as it did). */
export function pinnedGraphCss(resolved: Record<string, string>): string {
  const values: Record<string, string> = {};
  for (const k of Object.keys(GRAPH_TOKENS)) values[k] = resolved[k] && resolved[k].trim() ? resolved[k].trim() : GRAPH_TOKENS[k];
  return tokens('.kt-graph', values) + rules();
}
