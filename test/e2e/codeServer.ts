/**
 * A real VS Code for the end-to-end tests: code-server (installed and cached by setup.sh) with the
 * packaged .vsix installed into a throw-away extensions folder, a throw-away user-data folder and
 * a copy of a fixture workspace, driven by Debian's Chromium through playwright-core.
 *
 * Every process started here runs in its own process group and is killed in `close()`, on
 * SIGINT/SIGTERM and when node exits, so an interrupted run leaves nothing behind.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeEach } from 'node:test';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '../../..');
export const SCREENSHOTS = path.join(ROOT, '.test-artifacts', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CODE_SERVER_VERSION = process.env.CODE_SERVER_VERSION ?? '4.100.3';
const CACHE = process.env.KUBE_TOPOLOGY_CODE_SERVER_CACHE ?? path.join(os.homedir(), '.cache', 'kube-topology', 'code-server');
export const CODE_SERVER = path.join(CACHE, CODE_SERVER_VERSION, 'node_modules', '.bin', 'code-server');
export const EXTENSION_ID = 'kube-topology.kube-topology';

/** Generous ceilings for waits on a busy 2-core machine; they only bound a hang, never pass/fail a timing. */
export const UI_WAIT = 60_000;

export function vsixPath(): string {
  if (process.env.KUBE_TOPOLOGY_VSIX) return path.resolve(process.env.KUBE_TOPOLOGY_VSIX);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  return path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
}

/** Runs setup.sh (cached: seconds when warm) and returns its wall time. */
export function runSetup(): number {
  const started = Date.now();
  const out = execFileSync('bash', [path.join(ROOT, 'test/e2e/setup.sh')], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(out.replace(/^/gm, '# '));
  return Date.now() - started;
}

// ---------------------------------------------------------------------------------------------
// Process bookkeeping

const groups = new Set<number>();
/** Temp folders of open sessions, removed on exit too. */
const tempDirs = new Set<string>();

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
  groups.delete(pid);
}

let handlersInstalled = false;
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const pid of [...groups]) killGroup(pid);
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const pid of [...groups]) killGroup(pid);
      process.exit(130);
    });
  }
}

function spawnGroup(command: string, args: string[], options: { env: NodeJS.ProcessEnv; log: string }): ChildProcess {
  installExitHandlers();
  const log = fs.openSync(options.log, 'a');
  // detached: the child leads its own process group, so killing -pid also ends its children
  // (code-server forks the extension host and file watchers).
  const child = spawn(command, args, { env: options.env, detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  if (child.pid) groups.add(child.pid);
  return child;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + UI_WAIT;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${fs.readFileSync(log, 'utf8').slice(-3000)}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer on ${url}:\n${fs.readFileSync(log, 'utf8').slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// ---------------------------------------------------------------------------------------------
// The session

export interface SessionOptions {
  /** Fixture folder copied into a fresh temp workspace. */
  fixture: string;
  /** User settings (settings.json in the user-data folder). */
  settings?: Record<string, unknown>;
  /** Screenshot file prefix, e.g. `e2e-main`. */
  name: string;
}

export interface Session {
  page: Page;
  workspace: string;
  userData: string;
  /** Wall time of `code-server --install-extension <vsix>`. */
  installMs: number;
  /** From navigation to the workbench being on screen. */
  workbenchMs: number;
  screenshot(step: string): Promise<string>;
  /** Puts the workspace files back to the fixture's: edits undone, files a test added removed. */
  restoreWorkspace(): void;
  close(): Promise<void>;
}

export async function startSession(options: SessionOptions): Promise<Session> {
  for (const [what, file] of [
    ['code-server', CODE_SERVER],
    ['Chromium', CHROMIUM],
    ['the packaged extension', vsixPath()],
  ] as const) {
    if (!fs.existsSync(file)) throw new Error(`${what} is missing (${file}): run bash test/e2e/setup.sh`);
  }
  installExitHandlers();
  const base = fs.mkdtempSync(path.join(os.tmpdir(), `kt-${options.name}-`));
  tempDirs.add(base);
  const userData = path.join(base, 'user-data');
  const extensions = path.join(base, 'extensions');
  const workspace = path.join(base, 'workspace');
  const home = path.join(base, 'home');
  for (const d of [userData, extensions, home, path.join(userData, 'User')]) fs.mkdirSync(d, { recursive: true });
  fs.cpSync(options.fixture, workspace, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'editor.minimap.enabled': false,
    // Unsaved edits stay unsaved until a test saves them (code-server's default may differ).
    'files.autoSave': 'off',
    // code-server announces every port a process opens; those toasts would cover the screenshots.
    'remote.autoForwardPorts': false,
    // Our own debounce stays at its default: the test waits for results, it never races them.
    ...options.settings,
  };
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  // code-server writes ~/.config/code-server/config.yaml (with a password) unless given one.
  const config = path.join(base, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\n');
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local/share') };
  const log = path.join(base, 'code-server.log');

  const installStarted = Date.now();
  execFileSync(CODE_SERVER, ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsixPath()], {
    env,
    stdio: 'pipe',
  });
  const installMs = Date.now() - installStarted;

  const port = await freePort();
  const server = spawnGroup(
    CODE_SERVER,
    [
      '--config',
      config,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      workspace,
    ],
    { env, log },
  );
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    if (server.pid) killGroup(server.pid);
    fs.rmSync(base, { recursive: true, force: true });
    tempDirs.delete(base);
  };
  try {
    const origin = `http://127.0.0.1:${port}`;
    await waitForHttp(`${origin}/healthz`, server, log);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    });
    // Clipboard access lets a test read the editor selection with Ctrl+C, as a person would copy it.
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_WAIT);
    const navStarted = Date.now();
    await page.goto(`${origin}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor();
    const workbenchMs = Date.now() - navStarted;
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    return {
      page,
      workspace,
      userData,
      installMs,
      workbenchMs,
      async screenshot(step: string) {
        const file = path.join(SCREENSHOTS, `${options.name}-${step}.png`);
        await page.screenshot({ path: file });
        return file;
      },
      restoreWorkspace() {
        syncFolder(options.fixture, workspace);
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Makes `to` hold exactly what `from` holds, touching only what differs (the folder itself stays:
 * it is the open workspace, and the editor's file watcher sees only real changes).
 */
function syncFolder(from: string, to: string): void {
  const wanted = new Set(fs.readdirSync(from));
  for (const name of fs.readdirSync(to)) if (!wanted.has(name)) fs.rmSync(path.join(to, name), { recursive: true, force: true });
  for (const name of wanted) {
    const src = path.join(from, name);
    const dst = path.join(to, name);
    if (fs.statSync(src).isDirectory()) {
      if (!fs.existsSync(dst) || !fs.statSync(dst).isDirectory()) {
        fs.rmSync(dst, { recursive: true, force: true });
        fs.mkdirSync(dst);
      }
      syncFolder(src, dst);
    } else if (!fs.existsSync(dst) || !fs.readFileSync(src).equals(fs.readFileSync(dst))) {
      fs.rmSync(dst, { recursive: true, force: true });
      fs.copyFileSync(src, dst);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Workbench actions, as a user does them

const QUICK_INPUT = '.quick-input-widget';
const DIALOG = '.monaco-dialog-box';

/** Bounds one attempt at opening the palette; the caller waits on the state it needs, not on this. */
/** One attempt of an action that is retried until its state shows (a click or key can be lost). */
export const ATTEMPT = 5_000;

/**
 * F1, type the command's title, pick the entry whose label is exactly that title.
 *
 * It waits on states, not on time: no modal dialog may be open (a dialog swallows F1, so that is a
 * failure that names the dialog); the palette must be open; the command must be listed. A key
 * pressed while focus is moving into a webview can be lost, and a palette opened before an
 * extension's contributions arrived never lists them, so an attempt that does not reach both
 * states closes the palette and opens it again until UI_WAIT.
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  await failOnDialog(page, `run "${title}"`);
  const row = page
    .locator(`${QUICK_INPUT} .monaco-list-row`, { has: page.locator('.monaco-highlighted-label', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) })
    .first();
  await eventually(
    async () => {
      if (!(await openPalette(page, `>${title}`))) return false;
      // The palette can close between finding the row and clicking it (focus moving into a
      // webview): then open it again rather than wait on a row that is gone.
      const clicked = await row
        .waitFor({ timeout: ATTEMPT })
        .then(() => row.click({ timeout: ATTEMPT }))
        .then(
          () => true,
          () => false,
        );
      if (clicked) return true;
      await closeQuickInput(page);
      return false;
    },
    Boolean,
    `"${title}" listed in the command palette and clicked`,
  );
}

/** Opens the palette (F1) holding `text`; false when it did not open in one attempt. */
async function openPalette(page: Page, text: string): Promise<boolean> {
  const input = page.locator(`${QUICK_INPUT} .quick-input-box input`);
  if (!(await input.isVisible())) {
    await page.keyboard.press('F1');
    if (
      !(await input.waitFor({ timeout: ATTEMPT }).then(
        () => true,
        () => false,
      ))
    )
      return false;
  }
  // The palette can close again while focus settles (a webview taking it): then this attempt failed.
  return input.fill(text, { timeout: ATTEMPT }).then(
    () => true,
    () => false,
  );
}

async function closeQuickInput(page: Page): Promise<void> {
  const widget = page.locator(QUICK_INPUT);
  if (!(await widget.isVisible())) return;
  await page.keyboard.press('Escape');
  await widget.waitFor({ state: 'hidden' });
}

/**
 * Registers, in the calling suite, a fresh start before each of its tests: the workbench reset
 * (see resetWorkbench), then the workspace files put back to the fixture's, so no test depends on
 * what the one before it edited or generated. (State outside the editor, such as a cluster, carries over.)
 */
export function startEachTestFresh(session: () => Session): void {
  beforeEach(async () => {
    const s = session();
    const cleaned = await resetWorkbench(s.page);
    if (cleaned.length) console.log(`# reset: ${cleaned.join('; ')}`);
    s.restoreWorkspace();
  });
}

/** A modal dialog blocks every keybinding: say which one instead of timing out on F1. */
async function failOnDialog(page: Page, doing: string): Promise<void> {
  const dialog = page.locator(DIALOG);
  if (await dialog.isVisible()) throw new Error(`cannot ${doing}: a modal dialog is open: ${(await dialog.innerText()).replace(/\s+/g, ' ').slice(0, 500)}`);
}

/**
 * Puts the workbench into the state every test starts from, whatever the test before left:
 * no modal dialog, no quick input or menu, no notifications, no editors (unsaved changes reverted),
 * no panel, side bar shown, keyboard focus on the workbench. Returns what it had to clean up, so
 * a test that leaves a mess is visible in the log.
 */
export async function resetWorkbench(page: Page): Promise<string[]> {
  const cleaned: string[] = [];
  const dialog = page.locator(DIALOG);
  while (await dialog.isVisible()) {
    cleaned.push(`dialog: ${(await dialog.innerText()).replace(/\s+/g, ' ').slice(0, 200)}`);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  }
  for (const [what, selector] of [
    ['quick input', QUICK_INPUT],
    ['menu', '.context-view .monaco-menu'],
    ['action widget', '.action-widget'],
  ] as const) {
    const el = page.locator(selector).first();
    if (!(await el.isVisible())) continue;
    cleaned.push(what);
    await page.keyboard.press('Escape');
    await el.waitFor({ state: 'hidden' });
  }
  // Unsaved editors are reverted, never saved: read the names in one go (tabs re-render), then revert each.
  const dirtyNames = () => page.locator('.tabs-container .tab.dirty').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('data-resource-name') ?? ''));
  for (let names = await dirtyNames(); names.length > 0; names = await dirtyNames()) {
    cleaned.push(`unsaved editor: ${names[0]}`);
    const tab = page.locator(`.tabs-container .tab[data-resource-name="${names[0]}"]`).first();
    await tab.click();
    await runCommand(page, 'View: Revert and Close Editor');
    await tab.waitFor({ state: 'detached' });
  }
  const tabs = page.locator('.tabs-container .tab');
  if ((await tabs.count()) > 0) {
    await runCommand(page, 'View: Close All Editors');
    await eventually(
      () => tabs.count(),
      (n) => n === 0,
      'every editor closed',
    );
  }
  if (await page.locator('.monaco-workbench .part.panel').isVisible()) await runCommand(page, 'View: Hide Panel');
  if (!(await page.locator('.monaco-workbench .part.sidebar').isVisible())) {
    cleaned.push('side bar hidden');
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await page.locator('.monaco-workbench .part.sidebar').waitFor();
  }
  const toasts = page.locator('.notifications-toasts .notification-toast');
  if ((await toasts.count()) > 0) {
    await runCommand(page, 'Notifications: Clear All Notifications');
    await eventually(
      () => toasts.count(),
      (n) => n === 0,
      'notifications cleared',
    );
  }
  return cleaned;
}

/** The command palette entries offered for `text` (F1, type, read the list, Escape). */
export async function paletteEntries(page: Page, text: string): Promise<string[]> {
  await failOnDialog(page, `list the commands for "${text}"`);
  await eventually(() => openPalette(page, `>${text}`), Boolean, 'the command palette');
  // The list is filtered as you type; wait for the palette to show the filtered result.
  await page.locator(`${QUICK_INPUT} .monaco-list-row`).first().waitFor();
  const labels = await page.locator(`${QUICK_INPUT} .monaco-list-row .label-name`).allTextContents();
  await closeQuickInput(page);
  return labels.map((l) => l.trim());
}

/** Opens a workspace file with Quick Open (Ctrl+P) and waits for its editor tab. */
export async function openFile(page: Page, relative: string): Promise<void> {
  await failOnDialog(page, `open ${relative}`);
  const name = path.basename(relative);
  const dir = path.dirname(relative);
  // Enter opens the focused row. Until the filter has run, the focused row is the most recently
  // opened file, whatever was typed; and a file created a moment ago may not be in the file
  // search yet ("No matching results" until Quick Open is opened again). So: wait until this
  // file's row is the focused one, reopening Quick Open when an attempt does not get there.
  let row = page
    .locator(`${QUICK_INPUT} .monaco-list-row.focused`)
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) });
  if (dir !== '.') row = row.filter({ has: page.locator('.label-description', { hasText: new RegExp(`${escapeRegExp(dir)}$`) }) });
  const input = page.locator(`${QUICK_INPUT} .quick-input-box input`);
  await eventually(
    async () => {
      await closeQuickInput(page);
      await page.keyboard.press('Control+P');
      if (
        !(await input.waitFor({ timeout: ATTEMPT }).then(
          () => true,
          () => false,
        ))
      )
        return false;
      await input.fill(relative);
      return row.waitFor({ timeout: ATTEMPT }).then(
        () => true,
        () => false,
      );
    },
    Boolean,
    `${relative} focused in Quick Open`,
  );
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab.active[data-resource-name="${name}"]`).waitFor();
}

/** The line (1-based) of the cursor in the active editor, from the status bar ("Ln 12, Col 5"). */
export async function cursorPosition(page: Page): Promise<{ line: number; column: number; selected?: number }> {
  const text = (await page.locator('#status\\.editor\\.selection').innerText()).trim();
  const m = /Ln (\d+), Col (\d+)(?: \((\d+) selected\))?/.exec(text);
  if (!m) throw new Error(`unexpected cursor status: ${text}`);
  return { line: Number(m[1]), column: Number(m[2]), selected: m[3] ? Number(m[3]) : undefined };
}

/**
 * The innermost frame of a webview panel. VS Code nests each webview twice: an outer iframe
 * (`.webview.ready`) hosts the service-worker page, whose `#active-frame` holds our HTML.
 */
export async function webviewFrame(page: Page, title: string): Promise<Frame> {
  const deadline = Date.now() + UI_WAIT;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame.name() !== 'active-frame' && !frame.url().includes('fake.html')) continue;
      const pageTitle = await frame.title().catch(() => '');
      if (pageTitle === title) return frame;
    }
    if (Date.now() > deadline)
      throw new Error(
        `no webview titled "${title}"; frames: ${page
          .frames()
          .map((f) => f.url())
          .join(', ')}`,
      );
    await page.waitForTimeout(200);
  }
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Polls `read` until `accept` holds, returning the last value (a wait, not a timing assertion). */
export async function eventually<T>(read: () => Promise<T>, accept: (v: T) => boolean, what: string, timeout = UI_WAIT): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: T = await read();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${String(JSON.stringify(last, null, 1)).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}
