import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { runGraph } from '../../src/cli/graphCommand';
import { ROOT, screenshot, servePage, startHarness, type Harness } from './harness';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

async function graphHtml(...dirs: string[]): Promise<string> {
  let out = '';
  const code = await runGraph(['--output', 'html', ...dirs.map((d) => path.join(ROOT, 'test/fixtures/graph', d))], {
    cwd: ROOT,
    isTTY: false,
    stdout: (t) => void (out += t),
    stderr: () => undefined,
    readStdin: async () => '',
  });
  assert.equal(code, 0);
  return out;
}

describe('kube-topology graph --output html in Chromium', () => {
  test('the self-contained page draws the graph under its own strict CSP, filters through the blob: worker', async () => {
    const html = await graphHtml('zoomcamp', 'shop');
    const page = await h.browser.newPage();
    await page.setViewportSize({ width: 1400, height: 860 });
    await page.addInitScript(() => {
      const w = globalThis as unknown as {
        __violations: unknown[];
        document: { addEventListener(t: string, f: (e: { violatedDirective: string; blockedURI: string }) => void): void };
      };
      w.__violations = [];
      w.document.addEventListener('securitypolicyviolation', (e) => w.__violations.push({ directive: e.violatedDirective, blocked: e.blockedURI }));
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${h.origin}${servePage('zoomcamp-shop', html)}`);
    await page.waitForSelector('svg.kt-graph .node');
    assert.equal(await page.locator('svg.kt-graph .node').count(), 12);
    // A namespace filter needs a new layout: it runs in the worker started from a blob: URL.
    await page.locator('vscode-dropdown[aria-label="Namespace"]').click();
    await page.locator('vscode-option[value="shop"]').click();
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('svg.kt-graph .node').length ===
        4,
    );
    await page.locator('svg.kt-graph .node').first().click();
    await page.waitForSelector('.toast:not([hidden])');
    assert.match(await page.locator('.toast').innerText(), /^Service frontend: test\/fixtures\/graph\/shop\/shop\.yaml:\d+$/);
    await screenshot(page, 'standalone-html');
    assert.deepEqual(await page.evaluate(() => (globalThis as unknown as { __violations: unknown[] }).__violations), []);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
