import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutGraph } from '../../../src/core/graph/layout/layout';
import { createDefaultEngine } from '../../../src/core/graph/layout/defaultEngine';
import { renderSvgDocument } from '../../../src/core/graph/render/svgString';
import { renderDot, renderMermaid } from '../../../src/core/graph/render/textFormats';
import { filterGraph, DEFAULT_FILTER } from '../../../src/core/graph/filter';
import { sameTargetGroups, worthBundling } from '../../../src/core/graph/bundles';
import { isHostToWebviewMessage } from '../../../src/shared/webviewProtocol';
import type { Box } from '../../../src/core/graph/layout/types';
import { graphOf } from './support';

/** `services` Services and `deployments` Deployments in one namespace, all sharing one selector. */
function fan(services: number, deployments: number, options: { badPort?: number } = {}): string {
  const docs: string[] = [];
  for (let i = 0; i < deployments; i++)
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-${i}
spec:
  selector:
    matchLabels: { app: shared }
  template:
    metadata:
      labels: { app: shared }
    spec:
      containers:
        - name: c
          image: nginx:1.25
          ports:
            - containerPort: 8080
`);
  for (let i = 0; i < services; i++)
    docs.push(`apiVersion: v1
kind: Service
metadata:
  name: svc-${i}
spec:
  selector: { app: shared }
  ports:
    - port: 80
      targetPort: ${i === options.badPort ? 9999 : 8080}
`);
  return docs.join('---\n');
}

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe('bundles: dense fans stored once', () => {
  test('40 Services sharing a selector with 40 Deployments are one bundle, not 1,600 edges', () => {
    const g = graphOf([], { 'fan.yaml': fan(40, 40) });
    assert.equal(g.nodes.length, 80);
    assert.equal(g.edges.length, 0);
    assert.equal(g.bundles?.length, 1);
    const b = g.bundles[0];
    assert.equal(b.label, '40 Services → 40 Deployments');
    assert.equal(b.from.length, 40);
    assert.equal(b.to.length, 40);
    assert.equal(b.members.length, 40);
    assert.deepEqual(b.from, [...b.from].sort(), 'sources sorted by id');
    assert.match(b.reason, /1,600 connections/);
    assert.equal(b.members[0].reason, 'selector app=shared; port 80 → targetPort 8080 → containerPort 8080');
    assert.equal(b.members[0].label, '80 → 8080');
    assert.equal(b.broken, undefined);
  });

  test('stored size grows with resources, not with pairs (200 × 200)', () => {
    const g = graphOf([], { 'fan.yaml': fan(200, 200) });
    assert.equal(g.edges.length, 0);
    const stored = g.bundles!.reduce((n, b) => n + b.from.length + b.to.length + b.members.length, 0);
    assert.equal(stored, 600);
  });

  test('a fan too small to halve the lines (3 × 3) stays plain edges, so ordinary graphs do not change', () => {
    assert.equal(worthBundling(3, 3), false);
    assert.equal(worthBundling(4, 4), true);
    assert.equal(worthBundling(3, 6), true);
    const g = graphOf([], { 'fan.yaml': fan(3, 3) });
    assert.equal(g.bundles, undefined);
    assert.equal(g.edges.filter((e) => e.type === 'selects').length, 9);
  });

  test('the real-world fixtures and the course manifests have no bundles', () => {
    assert.equal(graphOf(['zoomcamp', 'broken', 'shop']).bundles, undefined);
  });

  test('a Service whose targetPort lands nowhere keeps the finding on its member and on the bundle (a warning: not broken)', () => {
    const g = graphOf([], { 'fan.yaml': fan(5, 5, { badPort: 2 }) });
    const b = g.bundles![0];
    const i = b.from.indexOf('Service/default/svc-2');
    assert.equal(b.members[i].code, 'service-target-port-missing');
    assert.equal(b.members[i].severity, 'warning');
    assert.match(b.members[i].reason, /targetPort 9999 \(no container declares 9999\)/);
    assert.equal(b.members[i].label, '80 → 9999');
    assert.equal(b.code, 'service-target-port-missing');
    assert.equal(b.severity, 'warning');
    assert.equal(b.broken, undefined);
    assert.equal(b.members.filter((m) => m.code).length, 1);
  });

  test('sources are grouped by equal target sets only', () => {
    assert.deepEqual(sameTargetGroups([[1, 2, 3], [3, 2, 1], [1, 2], [3, 1, 2], [7]]), [[0, 1, 3], [2]]);
  });
});

describe('bundles in views', () => {
  const g = graphOf([], { 'fan.yaml': fan(6, 5) });

  test('expanding a bundle gives exactly its single edges; filters shrink or dissolve it', () => {
    const b = g.bundles![0];
    const expanded = filterGraph(g, { ...DEFAULT_FILTER, expanded: [b.id] }).graph;
    assert.equal(expanded.bundles, undefined);
    assert.equal(expanded.edges.length, 30);
    const e = expanded.edges.find((x) => x.id === 'selects:Service/default/svc-0->Deployment/default/web-0')!;
    assert.equal(e.reason, b.members[0].reason);
    assert.equal(e.label, '80 → 8080');
    const plain = filterGraph(g, DEFAULT_FILTER).graph;
    assert.equal(plain.bundles?.[0].id, b.id);
    assert.equal(plain.edges.length, 0);
    const noServices = filterGraph(g, { ...DEFAULT_FILTER, hidden: ['service'] }).graph;
    assert.equal(noServices.bundles, undefined);
    assert.equal(noServices.edges.length, 0);
  });

  test('a capped view keeps the bundle over the members it keeps', () => {
    const capped = filterGraph(g, { ...DEFAULT_FILTER, maxNodes: 6 });
    assert.equal(capped.graph.nodes.length, 6);
    const kept = new Set(capped.graph.nodes.map((n) => n.id));
    for (const b of capped.graph.bundles ?? []) for (const id of [...b.from, ...b.to]) assert.ok(kept.has(id));
    for (const e of capped.graph.edges) assert.ok(kept.has(e.from) && kept.has(e.to));
  });

  test('the layout places a junction between the columns with a line to and from every member, overlapping no card', async () => {
    const { layout } = await layoutGraph(g, createDefaultEngine(), { aspect: 2.2 });
    const b = g.bundles![0];
    const route = layout.bundles?.[b.id];
    assert.ok(route);
    assert.equal(layout.nodes[b.id], undefined, 'the junction is not a card');
    assert.deepEqual(Object.keys(route.in).sort(), [...b.from].sort());
    assert.deepEqual(Object.keys(route.out).sort(), [...b.to].sort());
    const maxSource = Math.max(...b.from.map((id) => layout.nodes[id].x + layout.nodes[id].w));
    const minTarget = Math.min(...b.to.map((id) => layout.nodes[id].x));
    assert.ok(route.x >= maxSource && route.x + route.w <= minTarget, 'junction between the Services and the Deployments');
    for (const box of Object.values(layout.nodes)) assert.ok(!overlap(box, route));
    for (const [id, pts] of Object.entries(route.in)) {
      const src = layout.nodes[id];
      assert.equal(pts[0].x, src.x + src.w, `${id}'s line leaves its right side`);
      assert.equal(pts[pts.length - 1].x, route.x, `${id}'s line enters the junction`);
    }
    for (const [id, pts] of Object.entries(route.out)) assert.equal(pts[pts.length - 1].x, layout.nodes[id].x, `the line to ${id} ends at its left side`);
  });

  test('SVG, DOT and Mermaid draw the junction with its words, and one line per member', async () => {
    const { layout } = await layoutGraph(g, createDefaultEngine(), { aspect: 2.2 });
    const svg = renderSvgDocument(g, layout);
    assert.ok(svg.includes('6 Services → 5 Deployments'));
    assert.ok(svg.includes('30 connections'));
    assert.equal((svg.match(/<g class="bundle-pill /g) ?? []).length, 1);
    const dot = renderDot(g);
    assert.equal((dot.match(/ -> /g) ?? []).length, 11);
    assert.ok(dot.includes('30 connections (bundled)'));
    const mermaid = renderMermaid(g);
    assert.equal((mermaid.match(/ --- /g) ?? []).length, 6);
    assert.equal((mermaid.match(/ --> /g) ?? []).length, 5);
  });

  test('the webview protocol accepts bundles and rejects a malformed one', () => {
    const scope = { kind: 'folder', uri: 'file:///w', label: 'w' };
    assert.equal(isHostToWebviewMessage({ type: 'graph', revision: 1, scope, graph: g }), true);
    const bad = { ...g, bundles: [{ ...g.bundles![0], extra: 1 }] };
    assert.equal(isHostToWebviewMessage({ type: 'graph', revision: 1, scope, graph: bad }), false);
    const wrongType = { ...g, bundles: [{ ...g.bundles![0], type: 'owns' }] };
    assert.equal(isHostToWebviewMessage({ type: 'graph', revision: 1, scope, graph: wrongType }), false);
  });
});
