import { createHash } from 'node:crypto';
import { escapeXml } from './svgString';
import { standaloneThemeCss } from './themes';

/**
 * The HTML around the topology webview bundle, for the VS Code panel (and the browser tests, which
 * serve the same page with the same CSP) and for the standalone page of `graph --output html`.
 */

export interface WebviewPageOptions {
  /** `webview.cspSource`: the origin the bundle is served from. */
  cspSource: string;
  /** Fresh per render. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title?: string;
  /** Test-only: scripts that run before the bundle (a host shim), and stylesheets (theme variables). */
  extraScripts?: string[];
  extraStyles?: string[];
}

/** The panel's Content-Security-Policy: nothing by default, our bundle by nonce, workers from blob:. */
export function webviewCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    'worker-src blob:',
    `font-src ${cspSource}`,
  ].join('; ');
}

export function renderWebviewHtml(o: WebviewPageOptions): string {
  const styles = [o.styleUri, ...(o.extraStyles ?? [])].map((href) => `<link rel="stylesheet" href="${escapeXml(href)}">`).join('\n    ');
  const scripts = [...(o.extraScripts ?? []), o.scriptUri]
    .map((src) => `<script nonce="${escapeXml(o.nonce)}" src="${escapeXml(src)}"></script>`)
    .join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${attr(webviewCsp(o.cspSource, o.nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${escapeXml(o.title ?? 'Kube Topology')}</title>
  </head>
  <body>
    <div id="app"></div>
    ${scripts}
  </body>
</html>
`;
}

export interface StandalonePageOptions {
  /** dist/webview/main.js and main.css. */
  script: string;
  css: string;
  /** The InitialData the bundle reads from `#kt-initial` (scope, graph, layout). */
  data: unknown;
  title: string;
}

/**
 * One self-contained, interactive HTML file. Everything is inline, so the CSP allows exactly these
 * inline blocks by their SHA-256 hashes: no 'unsafe-inline', no network, workers only from blob:.
 * The embedded JSON is a data block (not executed), escaped so it cannot close its element.
 */
export function renderStandalonePage(o: StandalonePageOptions): string {
  const css = standaloneThemeCss() + o.css.replace(/\/\*# sourceMappingURL=\S+ \*\/\s*$/, '');
  const script = o.script.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n').replace(/<(\/?)script/gi, '<$1\\u0073cript');
  const json = JSON.stringify(o.data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  const csp = ["default-src 'none'", `script-src '${sha256(script)}'`, `style-src '${sha256(css)}'`, 'img-src data:', 'worker-src blob:'].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeXml(o.title)}</title>
<style>${css}</style>
</head>
<body>
<div id="app"></div>
<script type="application/json" id="kt-initial">${json}</script>
<script>${script}</script>
</body>
</html>
`;
}

/** Attribute text: only `&`, `"` and `<` need escaping inside a double-quoted attribute. */
function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}
