import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { fixtureGraph, openPanel, screenshot, sendToWebview, showGraph, startHarness, violations, waitForPosted, type Harness } from './harness';
import type { LiveSnapshot } from '../../src/core/cluster/liveTypes';
import type { ClusterInfo } from '../../src/shared/webviewProtocol';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const GATEWAY = 'Deployment/default/gateway';
const MODEL = 'Deployment/default/tf-serving-clothing-model';
const GATEWAY_SVC = 'Service/default/gateway';
const MODEL_SVC = 'Service/default/tf-serving-clothing-model';
const HPA = 'HorizontalPodAutoscaler/default/gateway-hpa';

const KIND_CLUSTER: ClusterInfo = { context: 'kind-dev', local: true, kind: true, reachable: true, detail: 'https://127.0.0.1:6443', canApply: true };

/** What the watcher reports for the gateway + model set on kind with the model image not loaded. */
function snapshot(): LiveSnapshot {
  return {
    context: 'kind-dev',
    updatedAt: 1_764_000_000_000,
    nodes: {
      [GATEWAY]: {
        exists: true,
        readyReplicas: 1,
        desiredReplicas: 2,
        pods: [
          { name: 'gateway-6d8f9-abcde', phase: 'Running', ready: true },
          {
            name: 'gateway-6d8f9-fghij',
            phase: 'Pending',
            ready: false,
            reason: 'ImagePullBackOff',
            message: 'Back-off pulling image "zoomcamp/gateway:latest"',
          },
        ],
        condition: 'MinimumReplicasUnavailable: Deployment does not have minimum availability.',
      },
      [MODEL]: { exists: false },
      [HPA]: { exists: true, hpa: { currentReplicas: 2, desiredReplicas: 3, metrics: ['CPU 37% / 50%'] } },
      [GATEWAY_SVC]: {
        exists: true,
        endpoints: 1,
        loadBalancer: { pending: true, hint: 'kind has no load balancer: use port-forward, or run cloud-provider-kind' },
      },
      [MODEL_SVC]: { exists: true, endpoints: 0 },
    },
  };
}

async function liveLayer(page: Page): Promise<string> {
  return page.locator('svg.kt-graph .layer-live').innerHTML();
}

async function withLive(cluster: ClusterInfo = KIND_CLUSTER): Promise<Page> {
  const page = await openPanel(h);
  await showGraph(page, fixtureGraph('zoomcamp'));
  await sendToWebview(page, { type: 'cluster', info: cluster });
  await sendToWebview(page, { type: 'live', snapshot: snapshot() });
  await page.waitForSelector(`.live-overlay[data-node="${GATEWAY}"]`);
  return page;
}

describe('live overlay in Chromium (built bundle, panel CSP)', () => {
  test('a live message draws replicas, one dot per pod, HPA, endpoints, LoadBalancer pending and not-applied resources', async () => {
    const page = await withLive();
    const gateway = page.locator(`.live-overlay[data-node="${GATEWAY}"]`);
    assert.equal(await gateway.locator('.live-replicas .chip-text').first().textContent(), '1/2');
    assert.equal(await gateway.locator('.pod-dot').count(), 2, 'one dot per pod');
    assert.equal(await gateway.locator('.pod-dot.pod-ready').count(), 1);
    assert.equal(await gateway.locator('.pod-dot.pod-failed').count(), 1);
    assert.match(
      (await gateway.locator('.live-replicas').getAttribute('aria-label')) ?? '',
      /1 of 2 replicas ready; 1 of 2 pods not ready \(ImagePullBackOff\)/,
    );
    assert.equal(await gateway.locator('.live-replicas').getAttribute('role'), 'img');

    const model = page.locator(`.live-overlay[data-node="${MODEL}"]`);
    assert.equal(await model.locator('.chip-text').textContent(), 'not applied');
    assert.match((await page.locator(`svg.kt-graph .node[data-id="${MODEL}"]`).getAttribute('class')) ?? '', /\blive-absent\b/);
    assert.match((await page.locator(`svg.kt-graph .node[data-id="${MODEL}"]`).getAttribute('aria-label')) ?? '', /Live: not applied to the cluster$/);

    assert.equal(await page.locator(`.live-overlay[data-node="${HPA}"] .live-hpa .chip-text`).textContent(), 'replicas 2 → 3 · CPU 37% / 50%');
    const svc = page.locator(`.live-overlay[data-node="${GATEWAY_SVC}"]`);
    assert.equal(await svc.locator('.live-endpoints .chip-text').textContent(), '1 endpoint');
    assert.equal(await svc.locator('.live-lb .chip-text').textContent(), 'LB pending');
    assert.match((await svc.locator('.live-lb').getAttribute('aria-label')) ?? '', /kind has no load balancer/);
    assert.equal(await svc.locator('[data-action="portForward"] .chip-text').textContent(), 'Port-forward instead');
    assert.match(
      (await page.locator(`.live-overlay[data-node="${MODEL_SVC}"] .live-endpoints`).getAttribute('class')) ?? '',
      /tone-failed/,
      'no endpoints is a failure tone',
    );
    assert.match(await page.locator('.live-status .cluster-chip').innerText(), /kind-dev \(local\) · live/);
    await screenshot(page, 'live-overlay-light');
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  test('the hover card gives the failing pod its reason and the kind fix', async () => {
    const page = await withLive();
    await page.locator(`svg.kt-graph .node[data-id="${GATEWAY}"]`).hover();
    await page.waitForSelector('.hovercard:not([hidden]) .hc-live');
    const card = await page.locator('.hovercard').innerText();
    assert.match(card, /On the cluster \(kind-dev\)/i, 'the heading (upper-cased by CSS)');
    assert.match(card, /1 of 2 replicas ready/);
    assert.match(
      card,
      /gateway-6d8f9-fghij Pending · ImagePullBackOff: Back-off pulling image "zoomcamp\/gateway:latest" → load the image into kind and set imagePullPolicy: IfNotPresent/,
    );
    assert.match(card, /MinimumReplicasUnavailable/);
    await page.locator(`svg.kt-graph .node[data-id="${GATEWAY_SVC}"]`).hover();
    await page.waitForFunction(() =>
      /LoadBalancer pending/.test(
        (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('.hovercard')
          ?.textContent ?? '',
      ),
    );
    assert.match(await page.locator('.hovercard').innerText(), /LoadBalancer pending — kind has no load balancer: use port-forward/);
    await screenshot(page, 'live-overlay-hover');
    await page.close();
  });

  test('node actions and the toolbar post validated requests to the host (click and keyboard)', async () => {
    const page = await withLive();
    await page.locator(`.live-overlay[data-node="${GATEWAY_SVC}"] [data-action="portForward"]`).click();
    assert.deepEqual(await waitForPosted(page, 'portForward'), { type: 'portForward', nodeId: GATEWAY_SVC });
    await page.locator(`.live-overlay[data-node="${GATEWAY}"] [data-action="loadImages"]`).focus();
    await page.keyboard.press('Enter');
    assert.deepEqual(await waitForPosted(page, 'loadImages'), { type: 'loadImages', nodeId: GATEWAY });
    assert.equal(await page.locator('svg.kt-graph .node.selected').count(), 0, 'an action is not a click on the card');
    await page.locator('.live-status vscode-button.apply-button').click();
    assert.deepEqual(await waitForPosted(page, 'apply'), { type: 'apply' });
    await page.locator('.live-status .cluster-chip').click();
    assert.deepEqual(await waitForPosted(page, 'selectContext'), { type: 'selectContext' });
    await page.close();
  });

  test('without apply rights (untrusted) the overlay shows state but offers no actions', async () => {
    const page = await withLive({ ...KIND_CLUSTER, canApply: false });
    assert.equal(await page.locator('.live-overlay [data-action]').count(), 0);
    assert.equal(await page.locator(`.live-overlay[data-node="${GATEWAY}"] .pod-dot`).count(), 2);
    assert.equal(await page.locator('.live-status vscode-button.apply-button').getAttribute('disabled'), '');
    await page.close();
  });

  test('an invalid live payload is rejected without touching the drawing, and null turns the overlay off', async () => {
    const page = await withLive();
    const before = await liveLayer(page);
    const bad = snapshot() as unknown as { nodes: Record<string, Record<string, unknown>> };
    bad.nodes[GATEWAY].readyReplicas = 'all of them';
    await sendToWebview(page, { type: 'live', snapshot: bad });
    await waitForPosted(page, 'log', { level: 'warn' });
    await sendToWebview(page, { type: 'live', snapshot: { ...snapshot(), nodes: { [GATEWAY]: { exists: true, script: '<img src=x>' } } } });
    await sendToWebview(page, { type: 'live', snapshot: snapshot(), extra: true });
    await page.waitForFunction(() => (globalThis as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'log').length >= 3);
    assert.equal(await liveLayer(page), before, 'the overlay is unchanged');
    assert.equal(await page.locator(`.live-overlay[data-node="${GATEWAY}"] .pod-dot`).count(), 2);

    await sendToWebview(page, { type: 'live', snapshot: null });
    await page.waitForFunction(() => !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector('.live-overlay'));
    assert.doesNotMatch((await page.locator(`svg.kt-graph .node[data-id="${MODEL}"]`).getAttribute('class')) ?? '', /live-absent/);
    assert.doesNotMatch((await page.locator(`svg.kt-graph .node[data-id="${MODEL}"]`).getAttribute('aria-label')) ?? '', /Live:/);
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  test('a new graph revision keeps the overlay on the moved cards; a broken watch greys it', async () => {
    const page = await withLive();
    const graph = fixtureGraph('zoomcamp', 'shop');
    await showGraph(page, graph, 2);
    const nodeT = await page.locator(`svg.kt-graph .node[data-id="${GATEWAY}"]`).getAttribute('transform');
    const liveT = await page.locator(`.live-overlay[data-node="${GATEWAY}"]`).getAttribute('transform');
    assert.equal(liveT, nodeT, 'the chips sit on the card');
    await sendToWebview(page, { type: 'live', snapshot: { ...snapshot(), error: 'watching pods in default: connection refused' } });
    await page.waitForSelector('svg.kt-graph.live-stale');
    assert.match(await page.locator('.live-status .cluster-chip').innerText(), /live view interrupted/);
    await screenshot(page, 'live-overlay-stale');
    await page.close();
  });

  test('dark and high contrast themes draw the chips with theme colours', async () => {
    for (const theme of ['dark', 'high-contrast'] as const) {
      const page = await openPanel(h, { theme });
      await showGraph(page, fixtureGraph('zoomcamp'));
      await sendToWebview(page, { type: 'cluster', info: KIND_CLUSTER });
      await sendToWebview(page, { type: 'live', snapshot: snapshot() });
      await page.waitForSelector(`.live-overlay[data-node="${GATEWAY}"]`);
      const fill = await page
        .locator(`.live-overlay[data-node="${GATEWAY}"] .pod-dot.pod-failed`)
        .evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { fill: string } }).getComputedStyle(el).fill);
      assert.notEqual(fill, 'none');
      assert.notEqual(fill, 'rgb(0, 0, 0)');
      await screenshot(page, `live-overlay-${theme}`);
      assert.deepEqual(await violations(page), []);
      await page.close();
    }
  });
});
