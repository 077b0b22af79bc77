/**
 * Runs the BUILT webview bundle (dist/webview) in Debian's Chromium, in a page served from a local
 * HTTP server with the same HTML and CSP as the VS Code panel, plus a small script that plays VS
 * Code's side: `acquireVsCodeApi()` records what the webview posts, and the test posts host messages
 * with `window.postMessage` (which is how VS Code delivers them).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { WorkspaceIndex } from '../../src/core/index/workspaceIndex';
import { buildGraph } from '../../src/core/graph/buildGraph';
import type { GraphModel } from '../../src/core/graph/types';
import { renderWebviewHtml } from '../../src/core/graph/render/page';
import { DARK_VARS, LIGHT_VARS, themeCss } from '../../src/core/graph/render/themes';

/** VS Code's high contrast theme, roughly: black, solid borders, bright focus. */
const HIGH_CONTRAST_VARS: Record<string, string> = {
  ...DARK_VARS,
  '--vscode-editor-background': '#000000',
  '--vscode-sideBar-background': '#000000',
  '--vscode-editorWidget-background': '#0c141f',
  '--vscode-foreground': '#ffffff',
  '--vscode-editor-foreground': '#ffffff',
  '--vscode-contrastBorder': '#6fc3df',
  '--vscode-contrastActiveBorder': '#f38518',
  '--vscode-focusBorder': '#f38518',
  '--vscode-panel-border': '#6fc3df',
};
import type { HostToWebviewMessage, WebviewToHostMessage } from '../../src/shared/webviewProtocol';

export const ROOT = path.resolve(__dirname, '../../..');
export const DIST = path.join(ROOT, 'dist/webview');
export const SCREENSHOTS = path.join(ROOT, '.test-artifacts/screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

const SHIM = `(() => {
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
  });
  window.__posted = [];
  let state = window.__restoredState;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => {
      const copy = JSON.parse(JSON.stringify(m));
      window.__posted.push(copy);
      // A test that plays the host answers through a binding (page.exposeBinding('__host', …)).
      if (typeof window.__host === 'function') window.__host(copy);
    },
    getState: () => state,
    setState: (s) => { state = s; window.__state = JSON.parse(JSON.stringify(s)); },
  });
  const theme = new URLSearchParams(location.search).get('theme') || 'light';
  document.body.classList.add('vscode-' + theme);
  document.body.dataset.vscodeThemeKind = 'vscode-' + theme;
})();
`;

export interface Harness {
  origin: string;
  /** A persistent context on a fresh, throw-away profile directory. */
  browser: BrowserContext;
  close(): Promise<void>;
}

/** Pages registered for `/page/NAME` (the standalone HTML that `graph --output html` writes). */
const extraPages = new Map<string, string>();

export function servePage(name: string, html: string): string {
  extraPages.set(name, html);
  return `/page/${name}`;
}

export async function startHarness(): Promise<Harness> {
  if (!fs.existsSync(path.join(DIST, 'main.js'))) throw new Error('dist/webview/main.js is missing: run `npm run build` first');
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run test/browser/setup.sh`);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (type: string, body: string | Buffer) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/' || url.pathname === '/generator') {
      // The topology panel, or the generator form: the same page and CSP as the extension serves.
      const bundle = url.pathname === '/' ? 'main' : 'generator';
      const theme = url.searchParams.get('theme') === 'dark' ? 'dark' : url.searchParams.get('theme') === 'high-contrast' ? 'high-contrast' : 'light';
      const vars = theme === 'light' ? 'light' : theme === 'dark' ? 'dark' : 'hc';
      const origin = `http://${req.headers.host}`;
      send(
        'text/html; charset=utf-8',
        renderWebviewHtml({
          cspSource: origin,
          nonce: `test${Math.random().toString(36).slice(2)}`,
          scriptUri: `${origin}/dist/${bundle}.js`,
          styleUri: `${origin}/dist/${bundle}.css`,
          extraScripts: [`${origin}/host-shim.js`],
          extraStyles: [`${origin}/theme-${vars}.css`],
          title: bundle === 'main' ? undefined : 'Generate Topology',
        }),
      );
      return;
    }
    if (url.pathname === '/host-shim.js') return send('text/javascript', SHIM);
    if (url.pathname.startsWith('/page/') && extraPages.has(url.pathname.slice(6)))
      return send('text/html; charset=utf-8', extraPages.get(url.pathname.slice(6))!);
    if (url.pathname === '/theme-light.css') return send('text/css', themeCss(':root', LIGHT_VARS));
    if (url.pathname === '/theme-dark.css') return send('text/css', themeCss(':root', DARK_VARS));
    if (url.pathname === '/theme-hc.css') return send('text/css', themeCss(':root', HIGH_CONTRAST_VARS));
    if (url.pathname.startsWith('/dist/')) {
      const file = path.join(DIST, path.basename(url.pathname));
      if (fs.existsSync(file))
        return send(file.endsWith('.css') ? 'text/css' : file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream', fs.readFileSync(file));
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-chromium-'));
  let browser: BrowserContext;
  try {
    // A fresh --user-data-dir (playwright passes it for a persistent context).
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, viewport: null });
  } catch (e) {
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  return {
    origin,
    browser,
    close: async () => {
      await browser.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export type Theme = 'light' | 'dark' | 'high-contrast';

export interface OpenOptions {
  theme?: Theme;
  width?: number;
  height?: number;
  /** What `getState()` returns at start (a restored panel). */
  state?: unknown;
  /** Which page: the topology panel (default) or the generator form. */
  page?: 'topology' | 'generator';
  /** Plays the host: called with every message the webview posts (before `ready` is awaited). */
  host?: (message: Record<string, unknown>) => void;
}

export async function openPanel(h: Harness, o: OpenOptions = {}): Promise<Page> {
  const page = await h.browser.newPage();
  await page.setViewportSize({ width: o.width ?? 1400, height: o.height ?? 860 });
  if (o.state !== undefined) await page.addInitScript((s) => ((globalThis as unknown as { __restoredState: unknown }).__restoredState = s), o.state);
  if (o.host) {
    const host = o.host;
    await page.exposeBinding('__host', (_source, m: Record<string, unknown>) => host(m));
  }
  await page.goto(`${h.origin}/${o.page === 'generator' ? 'generator' : ''}?theme=${o.theme ?? 'light'}`);
  await waitForPosted(page, 'ready');
  return page;
}

export async function sendToWebview(page: Page, message: HostToWebviewMessage | Record<string, unknown>): Promise<void> {
  await page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, target: string): void }).postMessage(m, '*'), message);
}

export async function posted(page: Page): Promise<WebviewToHostMessage[]> {
  return page.evaluate(() => (globalThis as unknown as { __posted: WebviewToHostMessage[] }).__posted);
}

/** Waits for a posted message of this type whose fields equal `match` (no eval: the CSP forbids it). */
export async function waitForPosted(page: Page, type: string, match: Record<string, unknown> = {}, timeout = 30_000): Promise<WebviewToHostMessage> {
  const handle = await page.waitForFunction(
    ([t, want]) => {
      const list = (globalThis as unknown as { __posted: Record<string, unknown>[] }).__posted ?? [];
      return list.find((m) => m.type === t && Object.entries(want).every(([k, v]) => m[k] === v));
    },
    [type, match] as const,
    { timeout },
  );
  return (await handle.jsonValue()) as WebviewToHostMessage;
}

/** Sends a graph and waits until that revision is on screen. */
export async function showGraph(page: Page, graph: GraphModel, revision = 1, label = 'test/fixtures/graph'): Promise<void> {
  await sendToWebview(page, { type: 'graph', revision, scope: { kind: 'folder', uri: `file:///${label}`, label }, graph });
  await waitForPosted(page, 'rendered', { revision });
}

export async function violations(page: Page): Promise<unknown[]> {
  return page.evaluate(() => (globalThis as unknown as { __violations: unknown[] }).__violations);
}

/** The graph of fixture folders, as the extension would send it. */
export function fixtureGraph(...dirs: string[]): GraphModel {
  const index = new WorkspaceIndex();
  for (const dir of dirs) {
    const abs = path.join(ROOT, 'test/fixtures/graph', dir);
    for (const f of fs.readdirSync(abs).sort()) index.setFile(path.join(abs, f), fs.readFileSync(path.join(abs, f), 'utf8'));
  }
  return buildGraph(index.analyze());
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, timeout: 60_000 });
  return file;
}
