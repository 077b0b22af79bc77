/**
 * Reading the workbench the way a person reads it: the Problems panel rows, the code action
 * menu, the topology webview's SVG. Selectors are VS Code 1.100's DOM (code-server 4.100.3).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { ATTEMPT, UI_WAIT, eventually, openFile, runCommand } from './codeServer';

export interface ProblemRow {
  file: string;
  severity: 'error' | 'warning' | 'info';
  code: string;
  line: number;
  column: number;
  message: string;
}

/** Opens the Problems panel, maximised so every row is rendered (the list is virtualised). */
export async function showProblems(page: Page): Promise<void> {
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').waitFor();
  const maximized = await page.locator('.monaco-workbench .part.panel').evaluate((el) => el.getBoundingClientRect().height > 600);
  if (!maximized) await runCommand(page, 'View: Toggle Maximized Panel');
  await page.locator('.markers-panel .monaco-list-row').first().waitFor();
}

/** Every problem row of the panel, with the file it is listed under. */
export async function readProblems(page: Page): Promise<ProblemRow[]> {
  return page
    .locator('.markers-panel .monaco-list')
    .first()
    .evaluate((list) => {
      const rows = [...list.querySelectorAll('.monaco-list-row')].sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index));
      const out: ProblemRow[] = [];
      let file = '';
      for (const row of rows) {
        const level = row.getAttribute('aria-level');
        if (level === '1') {
          file = row.querySelector('.label-name')?.textContent?.trim() ?? '';
          continue;
        }
        const code = row.querySelector('.marker-code')?.textContent?.trim();
        const where = /Ln (\d+), Col (\d+)/.exec(row.querySelector('.marker-line')?.textContent ?? '');
        const icon = row.querySelector('.marker-icon');
        if (level !== '2' || !code || !where || !icon) continue; // related-information rows
        const severity = icon.classList.contains('error') ? 'error' : icon.classList.contains('warning') ? 'warning' : 'info';
        out.push({
          file,
          severity,
          code,
          line: Number(where[1]),
          column: Number(where[2]),
          message: row.querySelector('.marker-message')?.textContent?.trim() ?? '',
        });
      }
      return out;
    });
}

/** The 1-based line of the first line of `file` that contains `needle`. */
export function lineOf(file: string, needle: string): number {
  const i = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${path.basename(file)} has no line with ${needle}`);
  return i + 1;
}

/** Moves the cursor with Go to Line (Ctrl+G, "line:column"). */
export async function goTo(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  // The box opens holding ':' (the go-to-line prefix); without it the text would be a file search.
  await input.fill(`:${line}:${column}`);
  // Enter accepts what the box offers: wait until it offers this line, not the empty prefix's hint.
  await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: new RegExp(`Go to line ${line}\\b`) }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Ctrl+. at the cursor, then arrow keys to the code action whose title starts with `title`, and Enter. */
export async function applyQuickFix(page: Page, title: string): Promise<void> {
  const menu = page.locator('.action-widget');
  // Ctrl+. before the editor has the line's code actions shows nothing: press again until it does.
  await eventually(
    async () => {
      await page.keyboard.press('Control+.');
      return menu.waitFor({ timeout: ATTEMPT }).then(
        () => true,
        () => false,
      );
    },
    Boolean,
    `the quick fix menu for "${title}"`,
  );
  // The menu puts a pointer-blocking layer over the workbench; keys are what reach it reliably.
  const rows = menu.locator('.monaco-list-row.action');
  await rows.first().waitFor();
  const count = await rows.count();
  const labels: string[] = [];
  for (let i = 0; i <= count; i++) {
    const focused = (await menu.locator('.monaco-list-row.action.focused').getAttribute('aria-label')) ?? '';
    if (focused.startsWith(title)) {
      await page.keyboard.press('Enter');
      await menu.waitFor({ state: 'hidden' });
      return;
    }
    labels.push(focused);
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Escape');
  throw new Error(`no quick fix "${title}"; offered: ${labels.join(' | ')}`);
}

/**
 * The frame holding a topology panel's page. Each webview is an iframe whose page nests our HTML
 * in a second iframe (#active-frame); the inner document's title is the panel title.
 */
export async function topologyFrame(page: Page, title: string, timeout = UI_WAIT): Promise<Frame> {
  return eventually(
    async () => {
      for (const frame of page.frames()) {
        if (!frame.url().includes('fake.html') && frame.name() !== 'active-frame') continue;
        if (
          (await frame.title().catch(() => '')) === title &&
          (await frame
            .locator('svg.kt-graph')
            .count()
            .catch(() => 0)) > 0
        )
          return frame;
      }
      return undefined;
    },
    (f) => f !== undefined,
    `a topology webview titled "${title}" (frames: ${page.frames().length})`,
    timeout,
  ) as Promise<Frame>;
}

export interface DrawnGraph {
  nodes: string[];
  names: string[];
  ghosts: string[];
  edges: number;
  edgeLabels: string[];
}

export async function readGraph(frame: Frame): Promise<DrawnGraph> {
  return frame.locator('svg.kt-graph').evaluate((svg) => {
    const nodes = [...svg.querySelectorAll('.node')];
    return {
      nodes: nodes.map((n) => n.getAttribute('data-id') ?? '').sort(),
      names: nodes.map((n) => n.querySelector('.name')?.textContent ?? '').sort(),
      ghosts: nodes
        .filter((n) => (n.getAttribute('data-id') ?? '').startsWith('ghost:') || n.classList.contains('ghost'))
        .map((n) => n.getAttribute('data-id') ?? ''),
      edges: svg.querySelectorAll('.edge').length,
      edgeLabels: [...svg.querySelectorAll('.edge-label text')].map((t) => t.textContent ?? '').sort(),
    };
  });
}

/** Waits until the drawn graph has `count` nodes (the webview lays out in a worker). */
export async function waitForNodes(frame: Frame, count: number): Promise<DrawnGraph> {
  return eventually(
    () => readGraph(frame),
    (g) => g.nodes.length === count,
    `${count} nodes in the topology`,
    UI_WAIT,
  );
}

/** What a failed wait saw: every frame (name, title, whether it drew a graph), the tabs, the notifications. */
export async function describeScreen(page: Page): Promise<{ frames: string[]; tabs: string[]; notifications: string[] }> {
  const frames = await Promise.all(
    page.frames().map(
      async (f) =>
        `${f.name()} "${await f.title().catch(() => '?')}" graph=${await f
          .locator('svg.kt-graph')
          .count()
          .catch(() => -1)}`,
    ),
  );
  const tabs = await page.locator('.tabs-container .tab').allTextContents();
  const notifications = await page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
  return { frames, tabs, notifications };
}

/** A file's topology, given the whole window and fitted, as a user would look at it. */
export async function showFittedTopology(page: Page, file: string): Promise<Frame> {
  await openFile(page, file);
  await runCommand(page, 'Kube Topology: Show Topology');
  const frame = await topologyFrame(page, `Topology: ${path.basename(file)}`);
  // Room for the graph: the panel's group maximized, then Fit.
  await runCommand(page, 'View: Maximize Editor Group and Hide Side Bars');
  await frame.getByTitle('Fit the whole graph (0)').click();
  return frame;
}
