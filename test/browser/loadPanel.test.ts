/**
 * The load UI of the topology webview in Chromium (built bundle, panel CSP): the "Send load" chip on
 * a Service with ready endpoints, the scaling card drawn from a `load` message (rate, errors,
 * latency, HPA replicas current → desired with CPU and one dot per pod, the timeline), Stop posting
 * the run's id, Close hiding a finished run, and a malformed status rejected.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { fixtureGraph, openPanel, screenshot, sendToWebview, showGraph, startHarness, violations, waitForPosted, type Harness } from './harness';
import type { LiveSnapshot } from '../../src/core/cluster/liveTypes';
import type { LoadStatus } from '../../src/core/load/loadTypes';
import type { ClusterInfo } from '../../src/shared/webviewProtocol';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const GATEWAY = 'Deployment/default/gateway';
const GATEWAY_SVC = 'Service/default/gateway';
const MODEL_SVC = 'Service/default/tf-serving-clothing-model';
const HPA = 'HorizontalPodAutoscaler/default/gateway-hpa';
const KIND_CLUSTER: ClusterInfo = { context: 'kind-dev', local: true, kind: true, reachable: true, detail: 'https://127.0.0.1:6443', canApply: true };

const live: LiveSnapshot = {
  context: 'kind-dev',
  updatedAt: 1,
  nodes: {
    [GATEWAY]: {
      exists: true,
      readyReplicas: 2,
      desiredReplicas: 4,
      pods: [
        { name: 'gateway-a', phase: 'Running', ready: true },
        { name: 'gateway-b', phase: 'Running', ready: true },
        { name: 'gateway-c', phase: 'Pending', ready: false, reason: 'ContainerCreating' },
        { name: 'gateway-d', phase: 'Pending', ready: false, reason: 'ContainerCreating' },
      ],
    },
    [HPA]: { exists: true, hpa: { currentReplicas: 2, desiredReplicas: 4, metrics: ['CPU 152% / 50%'] } },
    [GATEWAY_SVC]: { exists: true, endpoints: 2 },
    [MODEL_SVC]: { exists: true, endpoints: 0 },
  },
};

const running: LoadStatus = {
  id: '0a1b2c3d4e5f',
  context: 'kind-dev',
  namespace: 'default',
  service: 'gateway',
  route: 'nodeport',
  via: 'NodePort 30080 at 127.0.0.1:30080 (temporary Service kt-load-0a1b2c3d, same selector)',
  url: 'http://gateway.default.svc.cluster.local:80/predict',
  method: 'POST',
  rps: 8,
  durationMs: 90_000,
  phase: 'running',
  elapsedMs: 41_000,
  total: { sent: 328, ok: 320, errors: 8, p50Ms: 640, p95Ms: 2300, maxMs: 4100 },
  lastSecond: { sent: 8, ok: 8, errors: 0, p50Ms: 420, p95Ms: 900, maxMs: 900 },
  errorKinds: { timeout: 8 },
  scalers: [
    {
      name: 'gateway-hpa',
      target: 'Deployment/gateway',
      currentReplicas: 2,
      desiredReplicas: 4,
      minReplicas: 1,
      maxReplicas: 4,
      metrics: ['CPU 152% / 50%'],
      pods: live.nodes[GATEWAY].pods!.map((p) => ({ name: p.name, ready: p.ready, phase: p.phase })),
    },
  ],
  timeline: [
    { atMs: 0, kind: 'load', text: 'load started: POST http://gateway.default.svc.cluster.local:80/predict, 8 req/s for 90 s' },
    { atMs: 0, kind: 'scale', text: 'HPA gateway-hpa: 1 replica of Deployment/gateway (CPU 4% / 50%)' },
    { atMs: 26_000, kind: 'scale', text: 'HPA gateway-hpa scales up: wants 4 (was 1) (CPU 152% / 50%)' },
    { atMs: 27_000, kind: 'pod', text: 'pod gateway-b added' },
  ],
};

async function withLoad(): Promise<Page> {
  const page = await openPanel(h);
  await showGraph(page, fixtureGraph('zoomcamp'));
  await sendToWebview(page, { type: 'cluster', info: KIND_CLUSTER });
  await sendToWebview(page, { type: 'live', snapshot: live });
  await page.waitForSelector(`.live-overlay[data-node="${GATEWAY}"]`);
  return page;
}

describe('load and scaling in the topology webview', () => {
  test('"Send load" is offered on a Service with ready endpoints and posts its node id', async () => {
    const page = await withLoad();
    const chip = page.locator(`.live-overlay[data-node="${GATEWAY_SVC}"] [data-action="sendLoad"]`);
    assert.equal(await chip.locator('.chip-text').textContent(), 'Send load');
    assert.equal(await chip.getAttribute('role'), 'button');
    assert.equal(await page.locator(`.live-overlay[data-node="${MODEL_SVC}"] [data-action="sendLoad"]`).count(), 0, 'no endpoints: nothing to load');
    await chip.click();
    assert.deepEqual(await waitForPosted(page, 'sendLoad'), { type: 'sendLoad', nodeId: GATEWAY_SVC });
    await page.close();
  });

  test('the scaling card shows rate, errors, latency, the HPA with its pods and the timeline; Stop posts the run id', async () => {
    const page = await withLoad();
    await sendToWebview(page, { type: 'load', status: running });
    const card = page.locator('.load-card');
    await card.waitFor();
    assert.equal(await card.getAttribute('data-phase'), 'running');
    assert.equal(await card.locator('.load-title').textContent(), 'Load → gateway');
    assert.equal(await card.locator('.load-phase').textContent(), '41 s / 90 s');
    assert.equal(await card.locator('.load-rate').textContent(), '8 req/s · 0 errors · p50 420 ms · p95 900 ms');
    assert.equal(await card.locator('.load-errors').textContent(), 'errors: timeout ×8');
    assert.equal(await card.locator('.scaler-text').textContent(), 'HPA gateway-hpa: 2 → 4 replicas (1–4) · CPU 152% / 50%');
    assert.equal(await card.locator('.scaler-pods .pod-dot.ready').count(), 2);
    assert.equal(await card.locator('.scaler-pods .pod-dot.starting').count(), 2);
    assert.deepEqual((await card.locator('.load-timeline li').allTextContents()).slice(-2), [
      '+26s HPA gateway-hpa scales up: wants 4 (was 1) (CPU 152% / 50%)',
      '+27s pod gateway-b added',
    ]);
    // the graph's own chips say the same about the HPA
    assert.match((await page.locator(`.live-overlay[data-node="${HPA}"] .live-hpa`).getAttribute('aria-label')) ?? '', /replicas 2 → 4 · CPU 152% \/ 50%/);
    await screenshot(page, 'load-card-running');
    await card.locator('vscode-button', { hasText: 'Stop' }).click();
    assert.deepEqual(await waitForPosted(page, 'stopLoad'), { type: 'stopLoad', id: running.id });
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  test('after Stop the card keeps following the scale-down, and "Stop watching" ends that', async () => {
    const page = await withLoad();
    const down = { ...running.scalers[0], currentReplicas: 1, desiredReplicas: 1, metrics: ['CPU 2% / 50%'], pods: running.scalers[0].pods.slice(0, 1) };
    await sendToWebview(page, { type: 'load', status: { ...running, phase: 'settling', elapsedMs: 60_000, loadEndedMs: 45_000, scalers: [down] } });
    const card = page.locator('.load-card[data-phase="settling"]');
    await card.waitFor();
    assert.equal(await card.locator('.scaler-text').textContent(), 'HPA gateway-hpa: 1 replica (1–4) · CPU 2% / 50%');
    assert.equal(await card.locator('.load-phase').textContent(), 'load over · watching scale-down (60 s)');
    assert.equal(await card.locator('.load-rate').textContent(), '328 requests · 320 ok · 8 errors · p50 640 ms · p95 2300 ms');
    await card.locator('vscode-button', { hasText: 'Stop watching' }).click();
    assert.deepEqual(await waitForPosted(page, 'stopLoad'), { type: 'stopLoad', id: running.id });
    await page.close();
  });

  test('a finished run shows its totals and Close hides it; null hides the card; a malformed status is ignored', async () => {
    const page = await withLoad();
    await sendToWebview(page, { type: 'load', status: { ...running, phase: 'done', elapsedMs: 140_000, loadEndedMs: 90_000 } });
    const card = page.locator('.load-card');
    await page.waitForSelector('.load-card[data-phase="done"]');
    assert.equal(await card.locator('.load-rate').textContent(), '328 requests · 320 ok · 8 errors · p50 640 ms · p95 2300 ms');
    await card.locator('vscode-button', { hasText: 'Close' }).click();
    assert.equal(await card.isHidden(), true);
    // the same run again stays closed; a new run shows
    await sendToWebview(page, { type: 'load', status: { ...running, phase: 'done' } });
    assert.equal(await card.isHidden(), true);
    await sendToWebview(page, { type: 'load', status: { ...running, id: 'ffffeeeedddd' } });
    await page.waitForSelector('.load-card[data-phase="running"]');
    await sendToWebview(page, { type: 'load', status: { ...running, id: 'ffffeeeedddd', phase: 'exploding' } });
    await waitForPosted(page, 'log', { level: 'warn' });
    assert.equal(await card.getAttribute('data-phase'), 'running', 'the malformed status changed nothing');
    await sendToWebview(page, { type: 'load', status: null });
    await page.waitForSelector('.load-card', { state: 'hidden' });
    await page.close();
  });
});
