import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, fixtureGraph, openPanel, posted, screenshot, sendToWebview, showGraph, startHarness, violations, waitForPosted, type Harness } from './harness';
import type { GraphModel } from '../../src/core/graph/types';
import { DEFAULT_FILTER, filterGraph, unitsOf } from '../../src/core/graph/filter';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

async function activeNodeId(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const a = (
      globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null; classList?: { contains(c: string): boolean } } | null } }
    ).document.activeElement;
    return a && a.classList?.contains('node') ? a.getAttribute('data-id') : null;
  });
}

async function nodeBox(page: Page, id: string): Promise<string | null> {
  return page.locator(`svg.kt-graph .node[data-id="${id}"]`).getAttribute('transform');
}

describe('topology webview in Chromium (built bundle, panel CSP)', () => {
  test('draws every node and edge of the gateway and model manifests, with readable labels', async () => {
    const graph = fixtureGraph('zoomcamp');
    const page = await openPanel(h);
    await showGraph(page, graph);
    assert.equal(await page.locator('svg.kt-graph .node').count(), graph.nodes.length);
    assert.equal(await page.locator('svg.kt-graph .edge').count(), graph.edges.length);
    const names = await page.locator('svg.kt-graph .node .name').allTextContents();
    for (const n of ['clothing', 'gateway', 'gateway-hpa', 'tf-serving-clothing-model', 'gateway-settings', 'gateway-credentials'])
      assert.ok(names.includes(n), n);
    const labels = await page.locator('svg.kt-graph .edge-label text').allTextContents();
    for (const l of ['80 → 9696', ':8500', '/predict → 80', '1–3 @ 50% CPU']) assert.ok(labels.includes(l), `edge label ${l} in ${labels.join(' | ')}`);
    const aria = await page.locator('svg.kt-graph .node[data-id="Deployment/default/gateway"]').getAttribute('aria-label');
    assert.match(aria ?? '', /^Deployment gateway, namespace default, 2 replicas/);
    assert.equal(await page.locator('svg.kt-graph .node[data-id="Deployment/default/gateway"]').getAttribute('role'), 'button');
    await screenshot(page, 'zoomcamp-light');
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  test('clicking a node posts reveal with that resource', async () => {
    const page = await openPanel(h);
    await showGraph(page, fixtureGraph('zoomcamp'));
    await page.locator('svg.kt-graph .node[data-id="Service/default/tf-serving-clothing-model"]').click();
    const m = await waitForPosted(page, 'reveal');
    assert.deepEqual(m, { type: 'reveal', nodeId: 'Service/default/tf-serving-clothing-model' });
    assert.equal(await page.locator('svg.kt-graph .node.selected').count(), 1);
    await page.close();
  });

  test('Tab and arrow keys move focus between nodes, Enter reveals, Escape clears', async () => {
    const page = await openPanel(h);
    await showGraph(page, fixtureGraph('zoomcamp'));
    await page.locator('svg.kt-graph .node').first().focus();
    const first = await activeNodeId(page);
    assert.equal(first, 'Ingress/default/clothing', 'reading order starts at the entry point');
    await page.keyboard.press('Tab');
    const second = await activeNodeId(page);
    assert.ok(second && second !== first, 'Tab moves to the next node');
    await page.keyboard.press('ArrowRight');
    const third = await activeNodeId(page);
    assert.ok(third && third !== second, 'ArrowRight moves to a node on the right');
    const boxes = await page.evaluate(
      ([a, b]) => {
        const d = (globalThis as unknown as { document: { querySelector(s: string): { getBoundingClientRect(): { x: number } } } }).document;
        return [d.querySelector(`[data-id="${a}"]`).getBoundingClientRect().x, d.querySelector(`[data-id="${b}"]`).getBoundingClientRect().x];
      },
      [second, third],
    );
    assert.ok(boxes[1] > boxes[0]);
    await page.keyboard.press('Enter');
    const m = await waitForPosted(page, 'reveal', { nodeId: third });
    assert.equal(m.type, 'reveal');
    assert.equal(await page.locator('svg.kt-graph .node.selected').count(), 1);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('svg.kt-graph .node.selected').count(), 0);
    assert.equal(await activeNodeId(page), third, 'Escape keeps the focus where it was');
    await page.close();
  });

  test('a highlight from the host marks the resource under the cursor without taking focus', async () => {
    const page = await openPanel(h);
    await showGraph(page, fixtureGraph('zoomcamp'));
    await sendToWebview(page, { type: 'highlight', nodeId: 'HorizontalPodAutoscaler/default/gateway-hpa' });
    await page.waitForSelector('svg.kt-graph .node.highlighted[data-id="HorizontalPodAutoscaler/default/gateway-hpa"]');
    assert.equal(await activeNodeId(page), null);
    await sendToWebview(page, { type: 'highlight', nodeId: null });
    await page.waitForFunction(
      () => !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector('.node.highlighted'),
    );
    await page.close();
  });

  test('an update while typing keeps every unchanged node where it was', async () => {
    const page = await openPanel(h);
    const graph = fixtureGraph('zoomcamp', 'shop');
    await showGraph(page, graph, 1);
    const before = new Map<string, string | null>();
    for (const n of graph.nodes) before.set(n.id, await nodeBox(page, n.id));
    const edited: GraphModel = JSON.parse(JSON.stringify(graph));
    const extra = { ...edited.nodes.find((n) => n.kind === 'ConfigMap')!, id: 'ConfigMap/shop/new-settings', name: 'new-settings', namespace: 'shop' };
    edited.nodes.push(extra);
    await showGraph(page, edited, 2);
    for (const n of graph.nodes) assert.equal(await nodeBox(page, n.id), before.get(n.id), `${n.id} stayed`);
    assert.equal(await page.locator('svg.kt-graph .node').count(), edited.nodes.length);
    await page.close();
  });

  test('broken references are drawn as dashed edges to ghost nodes', async () => {
    const graph = fixtureGraph('broken');
    const page = await openPanel(h);
    await showGraph(page, graph);
    assert.equal(await page.locator('svg.kt-graph .edge.broken').count(), graph.edges.filter((e) => e.broken).length);
    assert.equal(await page.locator('svg.kt-graph .node.ghost').count(), graph.nodes.filter((n) => n.ghost).length);
    const dash = await page
      .locator('svg.kt-graph .edge.broken .edge-line')
      .first()
      .evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { strokeDasharray: string } }).getComputedStyle(el).strokeDasharray);
    assert.notEqual(dash, 'none');
    await page.locator('svg.kt-graph .node[data-id="Service/staging/gateway"]').hover();
    await page.waitForSelector('.hovercard:not([hidden])');
    const card = await page.locator('.hovercard').innerText();
    assert.match(card, /service-selector-no-match/);
    assert.match(card, /selector app=gatway/);
    await screenshot(page, 'broken-hover-light');
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  test('filters, search and config folding redraw without errors', async () => {
    const page = await openPanel(h);
    await showGraph(page, fixtureGraph('zoomcamp', 'shop'), 1);
    await page.locator('vscode-text-field input').first().fill('catalog');
    await page.waitForSelector('svg.kt-graph.searching .node.match');
    assert.equal(await page.locator('svg.kt-graph .node.match').count(), 2);
    const count = await page.locator('.match-count').innerText();
    assert.equal(count, '2 matches');
    await page.locator('vscode-checkbox.cat-config').click();
    await waitForPosted(page, 'rendered', { revision: 1, nodes: 10 });
    assert.equal(await page.locator('svg.kt-graph .node.kind-configmap').count(), 0);
    assert.match(await page.locator('svg.kt-graph .node[data-id="Deployment/default/gateway"]').innerHTML(), /\+2 config/);
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  test('the apply-unit dropdown shows one unit or all, and only when the graph has two or more', async () => {
    const graph = fixtureGraph('zoomcamp', 'shop');
    const units = unitsOf(graph);
    assert.equal(units.length, 2, units.join(', '));
    const shop = units.find((u) => u.endsWith('shop'))!;
    const page = await openPanel(h);
    await showGraph(page, graph, 1);
    const dropdown = page.locator('vscode-dropdown[aria-label="Apply unit"]');
    assert.ok(await dropdown.isVisible());
    assert.deepEqual(await dropdown.locator('vscode-option').evaluateAll((os) => os.map((o) => o.getAttribute('value'))), ['', ...units]);
    await dropdown.click();
    await dropdown.locator(`vscode-option[value="${shop}"]`).click();
    const want = filterGraph(graph, { ...DEFAULT_FILTER, unit: shop }).graph.nodes.length;
    assert.ok(want > 0 && want < graph.nodes.length);
    await page.waitForFunction(
      (n) =>
        (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('svg.kt-graph .node').length ===
        n,
      want,
    );
    const names = await page.locator('svg.kt-graph .node .name').allTextContents();
    assert.ok(!names.includes('gateway'), names.join(', '));
    // One unit: nothing to choose.
    await showGraph(page, fixtureGraph('zoomcamp'), 2);
    assert.equal(await dropdown.isVisible(), false);
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  test('export SVG and PNG post the files to the host, and invalid host messages are ignored', async () => {
    const page = await openPanel(h);
    await showGraph(page, fixtureGraph('zoomcamp'));
    await sendToWebview(page, { type: 'graph', revision: 2, graph: { nodes: 'all of them' } });
    await sendToWebview(page, { type: 'reveal', nodeId: 'x' });
    await waitForPosted(page, 'log');
    assert.equal(await page.locator('svg.kt-graph .node').count(), fixtureGraph('zoomcamp').nodes.length, 'the drawing is untouched');
    await page.getByText('Export SVG').click();
    const svg = await waitForPosted(page, 'export', { format: 'svg' });
    assert.ok(svg.type === 'export' && svg.data.startsWith('<svg') && svg.data.includes('tf-serving-clothing-model'));
    assert.ok(svg.type === 'export' && /--kt-bg: #ffffff|--kt-bg: rgb\(255, 255, 255\)/.test(svg.data), 'theme colours are pinned in the file');
    await page.getByText('Export PNG').click();
    const png = await waitForPosted(page, 'export', { format: 'png' });
    assert.ok(png.type === 'export' && png.data.startsWith('data:image/png;base64,') && png.data.length > 10_000);
    assert.deepEqual(await violations(page), []);
    fs.mkdirSync(path.join(ROOT, '.test-artifacts'), { recursive: true });
    if (svg.type === 'export') fs.writeFileSync(path.join(ROOT, '.test-artifacts/export.svg'), svg.data);
    await page.close();
  });

  test('empty and error states say what to do', async () => {
    const page = await openPanel(h);
    await showGraph(page, { nodes: [], edges: [] });
    assert.match(await page.locator('.state').innerText(), /No Kubernetes resources here yet[\s\S]*kind: Deployment/);
    await sendToWebview(page, { type: 'error', message: 'The analysis failed: out of memory', hint: 'Close some files and press Refresh.' });
    await page.waitForSelector('.state-error');
    assert.match(await page.locator('.state').innerText(), /could not be drawn[\s\S]*out of memory[\s\S]*Refresh/);
    await page.close();
  });

  test('the panel restores filters and view from its saved state', async () => {
    const page = await openPanel(h, { state: { namespace: 'shop', hiddenCategories: [], showConfig: true, search: '', view: { x: 10, y: 20, k: 0.5 } } });
    await showGraph(page, fixtureGraph('zoomcamp', 'shop'));
    assert.equal(await page.locator('svg.kt-graph .node').count(), 4);
    assert.equal(await page.locator('svg.kt-graph .pan').getAttribute('transform'), 'translate(10,20) scale(0.5)');
    await page.close();
  });

  test('screenshots: light and dark, VS Code-like variables', async () => {
    const graph = fixtureGraph('zoomcamp', 'shop', 'broken');
    for (const theme of ['light', 'dark'] as const) {
      const page = await openPanel(h, { theme });
      await showGraph(page, graph);
      await screenshot(page, `topology-${theme}`);
      await page.locator('svg.kt-graph .node[data-id="Deployment/default/gateway"]').hover();
      await page.waitForSelector('.hovercard:not([hidden])');
      await screenshot(page, `hover-${theme}`);
      assert.deepEqual(await violations(page), []);
      await page.close();
    }
    const hc = await openPanel(h, { theme: 'high-contrast' });
    await showGraph(hc, graph);
    await hc.locator('svg.kt-graph .node').first().focus();
    await screenshot(hc, 'topology-high-contrast');
    await hc.close();
    const fresh = await openPanel(h);
    assert.deepEqual(await posted(fresh), [{ type: 'ready' }], 'the webview says ready once and waits for the host');
    await fresh.close();
  });
});
