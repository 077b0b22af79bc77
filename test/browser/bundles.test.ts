import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPanel, showGraph, startHarness, violations, waitForPosted, type Harness } from './harness';
import { WorkspaceIndex } from '../../src/core/index/workspaceIndex';
import { buildGraph } from '../../src/core/graph/buildGraph';
import type { GraphModel } from '../../src/core/graph/types';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

/** `n` Services and `n` Deployments sharing one selector, as the extension would send them. */
function fanGraph(n: number): GraphModel {
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    docs.push(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web-${i} }\nspec:\n  selector: { matchLabels: { app: shared } }\n  template:\n    metadata: { labels: { app: shared } }\n    spec:\n      containers:\n        - { name: c, image: nginx, ports: [{ containerPort: 8080 }] }\n`,
    );
    docs.push(`apiVersion: v1\nkind: Service\nmetadata: { name: svc-${i} }\nspec:\n  selector: { app: shared }\n  ports: [{ port: 80, targetPort: 8080 }]\n`);
  }
  const index = new WorkspaceIndex();
  index.setFile('/w/fan.yaml', docs.join('---\n'));
  return buildGraph(index.analyze());
}

describe('bundles in the topology webview (built bundle, panel CSP)', () => {
  test('a dense fan is one labelled junction; Enter expands it into single connections and Escape bundles them again', async () => {
    const graph = fanGraph(8);
    assert.equal(graph.bundles?.length, 1);
    const page = await openPanel(h);
    await showGraph(page, graph);
    assert.equal(await page.locator('svg.kt-graph .node').count(), 16);
    assert.equal(await page.locator('svg.kt-graph .edge').count(), 0);
    const pill = page.locator('svg.kt-graph .bundle-pill');
    assert.equal(await pill.count(), 1);
    assert.equal(await pill.locator('.bundle-title').textContent(), '8 Services → 8 Deployments');
    assert.equal(await pill.locator('.bundle-caption').textContent(), '64 connections');
    assert.match((await pill.getAttribute('aria-label')) ?? '', /^Bundle: 8 Services → 8 Deployments, 64 connections\. Press Enter/);
    assert.equal(await page.locator('svg.kt-graph .bundle path.edge-line').count(), 2, 'the lines in and out are two paths, not 64 elements');

    await page.locator('svg.kt-graph .node[data-id="Service/default/svc-3"]').click();
    assert.equal(await page.locator('svg.kt-graph .bundle-pill.related').count(), 1, 'selecting a member marks its bundle');
    assert.equal(await page.locator('svg.kt-graph .node.related').count(), 9, 'and every workload it selects');

    await pill.focus();
    await page.keyboard.press('Enter');
    await waitForPosted(page, 'rendered', { revision: 1, edges: 64 });
    assert.equal(await page.locator('svg.kt-graph .bundle-pill').count(), 0);
    assert.equal(await page.locator('svg.kt-graph .edge').count(), 64);
    assert.match(await page.locator('.banner').innerText(), /single connections/);

    // Focus moved to the bundle's first Service, so Escape reaches the graph: first it clears the
    // selection, then it bundles the connections again.
    await page.evaluate(() => {
      (globalThis as unknown as { __posted: unknown[] }).__posted.length = 0;
    });
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await waitForPosted(page, 'rendered', { revision: 1, edges: 0 });
    assert.equal(await page.locator('svg.kt-graph .bundle-pill').count(), 1);
    assert.equal(await page.locator('svg.kt-graph .edge').count(), 0);
    assert.deepEqual(await violations(page), []);
    await page.close();
  });
});
