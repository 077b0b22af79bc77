import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GENERATOR_TO_HOST,
  HOST_TO_GENERATOR,
  HOST_TO_WEBVIEW,
  WEBVIEW_TO_HOST,
  isGeneratorToHostMessage,
  isHostToGeneratorMessage,
  isHostToWebviewMessage,
  isWebviewToHostMessage,
  restoredScope,
} from '../../../src/shared/webviewProtocol';
import { graphOf } from './support';

const scope = { kind: 'folder', uri: 'file:///w', label: 'w' };

describe('webview protocol validators', () => {
  const graph = graphOf(['zoomcamp']);

  test('a real graph message is accepted', () => {
    assert.equal(isHostToWebviewMessage({ type: 'graph', revision: 1, scope, graph }), true);
    assert.equal(isHostToWebviewMessage({ type: 'highlight', nodeId: null }), true);
    assert.equal(isHostToWebviewMessage({ type: 'highlight', nodeId: 'Deployment/default/gateway' }), true);
    assert.equal(isHostToWebviewMessage({ type: 'error', message: 'x' }), true);
  });

  test('every webview message type is accepted in its documented shape', () => {
    const ok = [
      { type: 'ready' },
      { type: 'reveal', nodeId: 'Service/default/gateway' },
      { type: 'export', format: 'svg', data: '<svg/>', suggestedName: 'a.svg' },
      { type: 'export', format: 'png', data: 'data:image/png;base64,AAAA', suggestedName: 'a.png' },
      { type: 'refresh' },
      { type: 'rendered', revision: 3, nodes: 8, edges: 7, layoutMs: 12.5, paintMs: 3 },
      { type: 'log', level: 'warn', message: 'hm' },
      { type: 'apply' },
      { type: 'portForward', nodeId: 'Service/default/gateway' },
      { type: 'loadImages', nodeId: 'Deployment/default/gateway' },
      { type: 'selectContext' },
      { type: 'sendLoad', nodeId: 'Service/default/gateway' },
      { type: 'stopLoad', id: '0a1b2c3d4e5f' },
    ];
    for (const m of ok) assert.equal(isWebviewToHostMessage(m), true, JSON.stringify(m));
    assert.deepEqual(new Set(ok.map((m) => m.type)), new Set(Object.keys(WEBVIEW_TO_HOST)));
  });

  test('unknown types, missing or extra fields and wrong types are rejected', () => {
    const bad: unknown[] = [
      null,
      undefined,
      42,
      'reveal',
      [],
      {},
      { type: 'open', nodeId: 'x' },
      { type: 'reveal' },
      { type: 'reveal', nodeId: 7 },
      { type: 'reveal', nodeId: 'x', file: '/etc/passwd' },
      { type: 'export', format: 'pdf', data: '', suggestedName: 'a' },
      { type: 'export', format: 'svg', data: '<svg/>' },
      { type: 'rendered', revision: -1, nodes: 0, edges: 0, layoutMs: 0, paintMs: 0 },
      { type: 'rendered', revision: 1, nodes: 0, edges: 0, layoutMs: NaN, paintMs: 0 },
      { type: 'log', level: 'debug', message: 'x' },
      { type: 'ready', extra: true },
      { type: 'apply', context: 'prod' },
      { type: 'portForward' },
      { type: 'loadImages', nodeId: ['x'] },
      { type: 'toString' },
      { type: '__proto__' },
      Object.create({ type: 'ready' }),
    ];
    for (const m of bad) assert.equal(isWebviewToHostMessage(m), false, JSON.stringify(m));
  });

  test('a graph with a malformed node or edge is rejected as a whole', () => {
    const node = graph.nodes[0];
    const edge = graph.edges[0];
    const variants = [
      { nodes: [{ ...node, line: '3' }], edges: [] },
      { nodes: [{ ...node, category: 'database' }], edges: [] },
      { nodes: [{ ...node, facts: { ...node.facts, replicas: -1 } }], edges: [] },
      { nodes: [{ ...node, facts: { secretValue: 'x' } }], edges: [] },
      { nodes: [{ ...node, range: { start: { line: 0 } } }], edges: [] },
      { nodes: [node], edges: [{ ...edge, type: 'owns' }] },
      { nodes: [node], edges: [{ ...edge, broken: 'yes' }] },
      { nodes: [node] },
    ];
    for (const g of variants) assert.equal(isHostToWebviewMessage({ type: 'graph', revision: 1, scope, graph: g }), false, JSON.stringify(g).slice(0, 120));
    assert.equal(isHostToWebviewMessage({ type: 'graph', revision: 1, scope: { kind: 'cluster', uri: 'x', label: 'x' }, graph }), false);
    assert.equal(isHostToWebviewMessage({ type: 'highlight' }), false);
    assert.equal(isHostToWebviewMessage({ type: 'exportResult', ok: 'true', message: '' }), false);
  });

  test('host message names are one list', () => {
    assert.deepEqual(Object.keys(HOST_TO_WEBVIEW).sort(), ['cluster', 'error', 'exportResult', 'graph', 'highlight', 'live', 'load']);
  });

  test('live snapshots and cluster info are checked field by field', () => {
    const snapshot = {
      context: 'kind-dev',
      updatedAt: 1,
      nodes: { 'Deployment/default/gateway': { exists: true, readyReplicas: 1, desiredReplicas: 2, pods: [{ name: 'p', phase: 'Running', ready: true }] } },
    };
    assert.equal(isHostToWebviewMessage({ type: 'live', snapshot }), true);
    assert.equal(isHostToWebviewMessage({ type: 'live', snapshot: null }), true);
    assert.equal(isHostToWebviewMessage({ type: 'live', snapshot: { ...snapshot, nodes: { x: { exists: 'yes' } } } }), false);
    assert.equal(isHostToWebviewMessage({ type: 'live', snapshot: { ...snapshot, nodes: { x: { exists: true, pods: [{ name: 'p' }] } } } }), false);
    assert.equal(isHostToWebviewMessage({ type: 'live', snapshot: { ...snapshot, secret: 'x' } }), false);
    const info = { context: 'kind-dev', local: true, kind: true, reachable: true, canApply: true };
    assert.equal(isHostToWebviewMessage({ type: 'cluster', info }), true);
    assert.equal(isHostToWebviewMessage({ type: 'cluster', info: { ...info, canApply: 'yes' } }), false);
  });

  test('oversized or very deep payloads are rejected without walking them all', () => {
    const huge = { type: 'log', level: 'info', message: 'x'.repeat(5000) };
    assert.equal(isWebviewToHostMessage(huge), false);
    const throwing = {
      type: 'reveal',
      get nodeId(): string {
        throw new Error('boom');
      },
    };
    assert.equal(isWebviewToHostMessage(throwing), false);
  });

  test('a restored webview state is trusted only when its scope is well-formed', () => {
    assert.deepEqual(restoredScope({ scope }), scope);
    assert.equal(restoredScope({ scope: { kind: 'file', uri: 3, label: 'x' } }), undefined);
    assert.equal(restoredScope(null), undefined);
    assert.equal(restoredScope('x'), undefined);
  });

  test('every generator form message is accepted in its documented shape, and the host checks what the form sends', () => {
    const ok = [
      { type: 'ready' },
      {
        type: 'change',
        revision: 4,
        template: 'gateway-model',
        values: { appName: 'shoes', gatewayPort: '9000', gatewayAutoscaling: false },
        layout: 'single',
      },
      { type: 'selectTemplate', name: 'ml-microservices' },
      { type: 'chooseFolder' },
      { type: 'generate', template: 'gateway-model', values: {}, layout: 'per-resource' },
      { type: 'log', level: 'error', message: 'x' },
    ];
    for (const m of ok) assert.equal(isGeneratorToHostMessage(m), true, JSON.stringify(m));
    assert.deepEqual(new Set(ok.map((m) => m.type)), new Set(Object.keys(GENERATOR_TO_HOST)));
    const bad: unknown[] = [
      { type: 'change', revision: 1, template: 'x', values: { a: { nested: true } }, layout: 'single' },
      { type: 'change', revision: 1, template: 'x', values: { a: ['list'] }, layout: 'single' },
      { type: 'change', revision: 1, template: 'x', values: {}, layout: 'zip' },
      { type: 'change', revision: -1, template: 'x', values: {}, layout: 'single' },
      { type: 'generate', template: 'x', values: { a: 'y'.repeat(10_001) }, layout: 'single' },
      { type: 'generate', template: 'x', values: {}, layout: 'single', folder: '/etc' },
      { type: 'generate', template: 'x', values: Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`p${i}`, 1])), layout: 'single' },
      { type: 'reveal', nodeId: 'x' },
    ];
    for (const m of bad) assert.equal(isGeneratorToHostMessage(m), false, JSON.stringify(m).slice(0, 120));
    // The two webviews' messages do not cross: the topology panel's are not the form's and back.
    assert.equal(isWebviewToHostMessage({ type: 'chooseFolder' }), false);
    assert.equal(isHostToGeneratorMessage({ type: 'graph', revision: 1, scope, graph }), false);
    assert.deepEqual(Object.keys(HOST_TO_GENERATOR).sort(), ['folder', 'form', 'generated', 'state']);
  });
});
