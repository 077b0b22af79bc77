/**
 * The `load` message (host → webview) and `sendLoad` / `stopLoad` (webview → host): a real status
 * shape is accepted, and anything malformed or oversized is rejected as a whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHostToWebviewMessage, isWebviewToHostMessage } from '../../../src/shared/webviewProtocol';
import type { LoadStatus } from '../../../src/core/load/loadTypes';

const status: LoadStatus = {
  id: '0a1b2c3d4e5f',
  context: 'kind-kube-topology',
  namespace: 'shop',
  service: 'gateway',
  route: 'nodeport',
  via: 'NodePort 30080 at 127.0.0.1:30080 (temporary Service kt-load-0a1b2c3d, same selector)',
  url: 'http://gateway.shop.svc.cluster.local:80/predict',
  method: 'POST',
  rps: 8,
  durationMs: 90_000,
  phase: 'running',
  elapsedMs: 25_300,
  total: { sent: 202, ok: 200, errors: 2, p50Ms: 840, p95Ms: 2100, maxMs: 3000 },
  lastSecond: { sent: 8, ok: 7, errors: 0 },
  errorKinds: { 'HTTP 502': 2 },
  scalers: [
    {
      name: 'gateway',
      target: 'Deployment/gateway',
      currentReplicas: 1,
      desiredReplicas: 4,
      minReplicas: 1,
      maxReplicas: 4,
      metrics: ['CPU 152% / 50%'],
      pods: [{ name: 'gateway-abc', ready: true, phase: 'Running' }],
    },
  ],
  timeline: [{ atMs: 25_000, kind: 'event', text: 'HPA gateway: SuccessfulRescale: New size: 4' }],
};

test('a load status is accepted; null hides the card', () => {
  assert.equal(isHostToWebviewMessage({ type: 'load', status }), true);
  assert.equal(isHostToWebviewMessage({ type: 'load', status: { ...status, phase: 'settling', loadEndedMs: 90_000, message: 'x' } }), true);
  assert.equal(isHostToWebviewMessage({ type: 'load', status: null }), true);
});

test('a malformed load status is rejected as a whole', () => {
  const bad: unknown[] = [
    { ...status, phase: 'exploding' },
    { ...status, route: 'port-forward' },
    { ...status, total: { ...status.total, sent: -1 } },
    { ...status, rps: Number.NaN },
    { ...status, extra: 1 },
    { ...status, timeline: [{ atMs: 0, kind: 'shell', text: 'x' }] },
    { ...status, timeline: Array.from({ length: 501 }, () => status.timeline[0]) },
    { ...status, scalers: [{ ...status.scalers[0], pods: [{ name: 'x', ready: 'yes', phase: 'Running' }] }] },
    { ...status, errorKinds: { 'HTTP 502': 'many' } },
    { ...status, service: 'x'.repeat(301) },
  ];
  for (const s of bad) assert.equal(isHostToWebviewMessage({ type: 'load', status: s }), false, JSON.stringify(s).slice(0, 160));
  assert.equal(isHostToWebviewMessage({ type: 'load' }), false);
});

test('sendLoad names a node, stopLoad a run; nothing else passes', () => {
  assert.equal(isWebviewToHostMessage({ type: 'sendLoad', nodeId: 'Service/shop/gateway' }), true);
  assert.equal(isWebviewToHostMessage({ type: 'stopLoad', id: status.id }), true);
  for (const m of [{ type: 'sendLoad' }, { type: 'sendLoad', nodeId: 'x', rps: 1000 }, { type: 'stopLoad' }, { type: 'stopLoad', id: 'x'.repeat(101) }]) {
    assert.equal(isWebviewToHostMessage(m), false, JSON.stringify(m));
  }
});
