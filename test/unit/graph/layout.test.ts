import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ComponentCache, layoutGraph } from '../../../src/core/graph/layout/layout';
import { createDefaultEngine } from '../../../src/core/graph/layout/defaultEngine';
import { DagreEngine } from '../../../src/core/graph/layout/dagreEngine';
import type { Box } from '../../../src/core/graph/layout/types';
import { graphOf, indexOf } from './support';
import { buildGraph } from '../../../src/core/graph/buildGraph';

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe('layout', () => {
  test('entry points sit left of what they lead to and the model server sits rightmost', async () => {
    const g = graphOf(['zoomcamp']);
    const { layout } = await layoutGraph(g, createDefaultEngine());
    const x = (id: string) => layout.nodes[id].x;
    assert.ok(x('Ingress/default/clothing') < x('Service/default/gateway'));
    assert.ok(x('Service/default/gateway') < x('Deployment/default/gateway'));
    assert.ok(x('Deployment/default/gateway') < x('Service/default/tf-serving-clothing-model'));
    assert.ok(x('Service/default/tf-serving-clothing-model') < x('Deployment/default/tf-serving-clothing-model'));
    assert.ok(x('HorizontalPodAutoscaler/default/gateway-hpa') < x('Deployment/default/gateway'));
  });

  test('every node and edge is placed, inside its namespace frame, and no cards overlap', async () => {
    const g = graphOf(['zoomcamp', 'shop', 'broken']);
    for (const engine of [createDefaultEngine(), new DagreEngine()]) {
      const { layout } = await layoutGraph(g, engine);
      const boxes = g.nodes.map((n) => [n, layout.nodes[n.id]] as const);
      for (const [n, b] of boxes) {
        assert.ok(b, `${engine.name}: ${n.id} placed`);
        const frame = layout.groups.find((gr) => gr.namespace === n.namespace)!;
        assert.ok(b.x >= frame.x && b.y >= frame.y && b.x + b.w <= frame.x + frame.w && b.y + b.h <= frame.y + frame.h, `${n.id} inside ${frame.title}`);
      }
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlap(boxes[i][1], boxes[j][1]), `${boxes[i][0].id} / ${boxes[j][0].id}`);
      for (const e of g.edges) assert.ok(layout.edges[e.id]?.points.length >= 2, `${engine.name}: ${e.id} routed`);
      assert.deepEqual(
        layout.groups.map((gr) => gr.namespace),
        ['default', 'shop', 'staging'],
      );
    }
  });

  test('the same graph gives the same layout (CLI and panel agree)', async () => {
    const g = graphOf(['zoomcamp', 'shop']);
    const a = await layoutGraph(g, createDefaultEngine(), { aspect: 2.2 });
    const b = await layoutGraph(JSON.parse(JSON.stringify(g)), createDefaultEngine(), { aspect: 2.2 });
    assert.deepEqual(a.layout, b.layout);
  });

  test('after a one-resource edit only that component is laid out again and nothing else moves', async () => {
    const base = indexOf(['zoomcamp', 'shop']);
    const before = buildGraph(base.analyze());
    const cache = new ComponentCache();
    const first = await layoutGraph(before, createDefaultEngine(), { cache });
    // A new ConfigMap in namespace shop (the last frame): nothing that was there moves.
    const edited = indexOf(['zoomcamp', 'shop'], {
      'extra.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lonely\n  namespace: shop\ndata:\n  a: b\n',
    });
    const after = buildGraph(edited.analyze());
    const second = await layoutGraph(after, createDefaultEngine(), { cache, memory: first.memory });
    assert.equal(second.stats.computed, 0, 'a lone node needs no engine run; the rest is cached');
    for (const n of before.nodes) assert.deepEqual(second.layout.nodes[n.id], first.layout.nodes[n.id], `${n.id} did not move`);
    assert.ok(second.layout.nodes['ConfigMap/shop/lonely']);
  });

  test('a frame that grows pushes the frames below down as a whole, keeping their insides', async () => {
    const cache = new ComponentCache();
    const before = buildGraph(indexOf(['zoomcamp', 'shop']).analyze());
    const first = await layoutGraph(before, createDefaultEngine(), { cache });
    const after = buildGraph(
      indexOf(['zoomcamp', 'shop'], { 'extra.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lonely\ndata:\n  a: b\n' }).analyze(),
    );
    const second = await layoutGraph(after, createDefaultEngine(), { cache, memory: first.memory });
    const shop = before.nodes.filter((n) => n.namespace === 'shop');
    const dy = second.layout.nodes[shop[0].id].y - first.layout.nodes[shop[0].id].y;
    for (const n of before.nodes) {
      const a = first.layout.nodes[n.id];
      const b = second.layout.nodes[n.id];
      assert.equal(b.x, a.x, n.id);
      assert.equal(b.y - a.y, n.namespace === 'shop' ? dy : 0, n.id);
    }
  });

  test('the default engine draws edges with right angles only, leaving sources right and entering targets left', async () => {
    const g = graphOf(['zoomcamp', 'shop', 'broken']);
    const { layout } = await layoutGraph(g, createDefaultEngine());
    for (const e of g.edges) {
      const pts = layout.edges[e.id].points;
      for (let i = 1; i < pts.length; i++) {
        const straight = Math.abs(pts[i].x - pts[i - 1].x) < 0.01 || Math.abs(pts[i].y - pts[i - 1].y) < 0.01;
        assert.ok(straight, `${e.id} segment ${i}`);
      }
      const from = layout.nodes[e.from];
      const to = layout.nodes[e.to];
      assert.equal(pts[0].x, from.x + from.w, `${e.id} leaves on the right`);
      assert.equal(pts[pts.length - 1].x, to.x, `${e.id} enters on the left`);
    }
  });

  test('edge labels never cover a card', async () => {
    const g = graphOf(['zoomcamp', 'shop', 'broken']);
    const { layout } = await layoutGraph(g, createDefaultEngine());
    for (const e of g.edges) {
      const r = layout.edges[e.id];
      if (r.hideLabel) continue;
      const box = { x: r.label.x - 20, y: r.label.y - 6, w: 40, h: 12 };
      for (const n of g.nodes) assert.ok(!overlap(box, layout.nodes[n.id]), `label of ${e.id} over ${n.id}`);
    }
  });

  test('top to bottom: layers go down, edges leave sources at the bottom and enter targets at the top, with right angles only', async () => {
    const g = graphOf(['zoomcamp', 'shop', 'broken']);
    const { layout } = await layoutGraph(g, createDefaultEngine(), { direction: 'TB' });
    assert.equal(layout.direction, 'TB');
    const y = (id: string) => layout.nodes[id].y;
    assert.ok(y('Ingress/default/clothing') < y('Service/default/gateway'));
    assert.ok(y('Service/default/gateway') < y('Deployment/default/gateway'));
    assert.ok(y('Deployment/default/gateway') < y('Service/default/tf-serving-clothing-model'));
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    for (const e of g.edges) {
      if (byId.get(e.from)!.namespace !== byId.get(e.to)!.namespace) continue; // cross-namespace curves
      const pts = layout.edges[e.id].points;
      for (let i = 1; i < pts.length; i++)
        assert.ok(Math.abs(pts[i].x - pts[i - 1].x) < 0.01 || Math.abs(pts[i].y - pts[i - 1].y) < 0.01, `${e.id} segment ${i}`);
      const from = layout.nodes[e.from];
      const to = layout.nodes[e.to];
      assert.equal(pts[0].y, from.y + from.h, `${e.id} leaves at the bottom`);
      assert.equal(pts[pts.length - 1].y, to.y, `${e.id} enters at the top`);
    }
    const boxes = Object.values(layout.nodes);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlap(boxes[i], boxes[j]));
    for (const n of g.nodes) assert.equal(layout.nodes[n.id].w, 256, 'cards keep their size');
  });

  test('with a viewport the direction that shows the graph larger is chosen, and a clear choice is remembered', async () => {
    const g = graphOf(['zoomcamp']);
    const tall = await layoutGraph(g, createDefaultEngine(), { viewport: { width: 650, height: 850 } });
    assert.equal(tall.layout.direction, 'TB', 'beside an editor: top to bottom');
    assert.equal(tall.memory.direction, 'TB');
    const wide = await layoutGraph(g, createDefaultEngine(), { viewport: { width: 2400, height: 700 } });
    assert.equal(wide.layout.direction, 'LR', 'a wide panel: left to right');
    // The remembered direction holds even when the panel changes shape (an edit never turns the picture).
    const again = await layoutGraph(g, createDefaultEngine(), { viewport: { width: 2400, height: 700 }, memory: tall.memory });
    assert.equal(again.layout.direction, 'TB');
    // Without a viewport (the CLI) it is left to right, as before.
    assert.equal((await layoutGraph(g, createDefaultEngine())).layout.direction, 'LR');
  });

  test('cards reserve the rows of live chips they are given; ghosts never do', async () => {
    const g = graphOf(['zoomcamp', 'broken']);
    const ghost = g.nodes.find((n) => n.ghost)!;
    const rows = { 'Service/default/gateway': 2, 'Deployment/default/gateway': 1, [ghost.id]: 1 };
    const { layout } = await layoutGraph(g, createDefaultEngine(), { liveRows: rows });
    assert.equal(layout.nodes['Service/default/gateway'].h, 112);
    assert.equal(layout.nodes['Deployment/default/gateway'].h, 90);
    assert.equal(layout.nodes['Ingress/default/clothing'].h, 64);
    assert.equal(layout.nodes[ghost.id].h, 64);
    const boxes = Object.values(layout.nodes);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlap(boxes[i], boxes[j]));
  });

  test('with cards of different heights (live rows), no edge runs through a card, either way round', async () => {
    const g = graphOf(['zoomcamp', 'shop']);
    const rows = Object.fromEntries(g.nodes.map((n, i) => [n.id, i % 3]));
    for (const direction of ['LR', 'TB'] as const) {
      const { layout } = await layoutGraph(g, createDefaultEngine(), { direction, liveRows: rows });
      const byId = new Map(g.nodes.map((n) => [n.id, n]));
      for (const e of g.edges) {
        if (byId.get(e.from)!.namespace !== byId.get(e.to)!.namespace) continue;
        const pts = layout.edges[e.id].points;
        for (let i = 1; i < pts.length; i++) {
          const seg = {
            x: Math.min(pts[i - 1].x, pts[i].x),
            y: Math.min(pts[i - 1].y, pts[i].y),
            w: Math.abs(pts[i].x - pts[i - 1].x),
            h: Math.abs(pts[i].y - pts[i - 1].y),
          };
          for (const [id, b] of Object.entries(layout.nodes)) {
            const inner = { x: b.x + 1, y: b.y + 1, w: b.w - 2, h: b.h - 2 };
            const crosses =
              seg.x < inner.x + inner.w && inner.x < seg.x + Math.max(seg.w, 0.01) && seg.y < inner.y + inner.h && inner.y < seg.y + Math.max(seg.h, 0.01);
            assert.ok(!crosses, `${direction}: ${e.id} segment ${i} runs through ${id}`);
          }
        }
      }
    }
  });
});
