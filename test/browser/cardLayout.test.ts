/**
 * Graph cards with live chips never overlap or cut anything: checked from the element boxes the
 * browser laid out (getBoundingClientRect), not by eye, in the light, dark and high contrast themes
 * at 50 %, 100 % and 200 % zoom. And the first view of a small graph fills the panel.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { fixtureGraph, openPanel, screenshot, sendToWebview, showGraph, startHarness, violations, type Harness, type Theme } from './harness';
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
const GATEWAY_SVC = 'Service/default/gateway';
const MODEL = 'Deployment/default/tf-serving-clothing-model';
const MODEL_SVC = 'Service/default/tf-serving-clothing-model';
const HPA = 'HorizontalPodAutoscaler/default/gateway-hpa';
const KIND: ClusterInfo = { context: 'kind-dev', local: true, kind: true, reachable: true, canApply: true };

/** What kind reports right after `apply` without metrics-server: the chips the issue saw overlap. */
function snapshot(): LiveSnapshot {
  return {
    context: 'kind-dev',
    updatedAt: 1_764_000_000_000,
    nodes: {
      [GATEWAY]: {
        exists: true,
        readyReplicas: 1,
        desiredReplicas: 3,
        pods: [
          { name: 'gateway-1', phase: 'Running', ready: true },
          { name: 'gateway-2', phase: 'Pending', ready: false, reason: 'ImagePullBackOff' },
          { name: 'gateway-3', phase: 'Pending', ready: false, reason: 'ContainerCreating' },
        ],
      },
      [MODEL]: { exists: true, readyReplicas: 0, desiredReplicas: 1, pods: [{ name: 'model-1', phase: 'Pending', ready: false }] },
      [HPA]: { exists: true, hpa: { currentReplicas: 0, desiredReplicas: 0, metrics: ['CPU <unknown> / 50%'] } },
      [GATEWAY_SVC]: { exists: true, endpoints: 1, loadBalancer: { pending: true, hint: 'kind has no load balancer: use port-forward' } },
      [MODEL_SVC]: { exists: true, endpoints: 0 },
      'ConfigMap/default/gateway-settings': { exists: false },
    },
  };
}

interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}
interface CardBoxes {
  id: string;
  card: Rect;
  texts: { cls: string; box: Rect }[];
  badge?: Rect;
  chips: { label: string; bg: Rect; text: Rect; dots: Rect[] }[];
}

/** Every card's box, its visible text boxes and its chips' boxes, as the browser laid them out. */
async function measure(page: Page): Promise<CardBoxes[]> {
  return page.evaluate(() => {
    type El = {
      getBoundingClientRect(): Rect;
      getAttribute(n: string): string | null;
      querySelector(s: string): El | null;
      querySelectorAll(s: string): ArrayLike<El>;
    };
    const d = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<El> } }).document;
    const box = (e: El): Rect => {
      const r = e.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    const visible = (r: Rect) => r.right - r.left > 0 && r.bottom - r.top > 0;
    const out: CardBoxes[] = [];
    for (const node of Array.from(d.querySelectorAll('svg.kt-graph .node'))) {
      const id = node.getAttribute('data-id') ?? '';
      const texts = (['kind', 'name', 'sub'] as const)
        .flatMap((cls) => Array.from(node.querySelectorAll(`text.${cls}`)).map((t) => ({ cls, box: box(t) })))
        .filter((t) => visible(t.box));
      const badgeEl = node.querySelector('[class^="badge-"]');
      const overlay = Array.from(d.querySelectorAll('.live-overlay')).find((o) => o.getAttribute('data-node') === id);
      const chips = overlay
        ? Array.from(overlay.querySelectorAll('.live-chip')).map((c) => ({
            label: c.getAttribute('aria-label') ?? '',
            bg: box(c.querySelector('.chip-bg')!),
            text: box(c.querySelector('.chip-text')!),
            dots: Array.from(c.querySelectorAll('.pod-dot')).map(box),
          }))
        : [];
      out.push({ id, card: box(node.querySelector('.card')!), texts, badge: badgeEl ? box(badgeEl) : undefined, chips });
    }
    return out;
  });
}

const EPS = 0.5;
const inside = (a: Rect, b: Rect) => a.left >= b.left - EPS && a.right <= b.right + EPS && a.top >= b.top - EPS && a.bottom <= b.bottom + EPS;
const overlaps = (a: Rect, b: Rect) => a.left < b.right - EPS && b.left < a.right - EPS && a.top < b.bottom - EPS && b.top < a.bottom - EPS;
const show = (r: Rect) => `[${r.left.toFixed(1)},${r.top.toFixed(1)} → ${r.right.toFixed(1)},${r.bottom.toFixed(1)}]`;

/** Every way a card can be broken: something outside the card, or two things on top of each other. */
function problems(cards: CardBoxes[]): string[] {
  const out: string[] = [];
  for (const c of cards) {
    for (const t of c.texts) if (!inside(t.box, c.card)) out.push(`${c.id}: .${t.cls} ${show(t.box)} is cut by the card ${show(c.card)}`);
    for (let i = 0; i < c.texts.length; i++)
      for (let j = i + 1; j < c.texts.length; j++)
        if (overlaps(c.texts[i].box, c.texts[j].box)) out.push(`${c.id}: .${c.texts[i].cls} overlaps .${c.texts[j].cls}`);
    for (const chip of c.chips) {
      if (!inside(chip.bg, c.card)) out.push(`${c.id}: chip "${chip.label}" ${show(chip.bg)} leaves the card ${show(c.card)}`);
      if (!inside(chip.text, chip.bg)) out.push(`${c.id}: chip "${chip.label}" text ${show(chip.text)} is cut by its chip ${show(chip.bg)}`);
      for (const dot of chip.dots) {
        if (!inside(dot, chip.bg)) out.push(`${c.id}: a pod dot leaves chip "${chip.label}"`);
        if (overlaps(dot, chip.text)) out.push(`${c.id}: a pod dot covers the text of chip "${chip.label}"`);
      }
      for (const t of c.texts) if (overlaps(chip.bg, t.box)) out.push(`${c.id}: chip "${chip.label}" ${show(chip.bg)} covers .${t.cls} ${show(t.box)}`);
      if (c.badge && overlaps(chip.bg, c.badge)) out.push(`${c.id}: chip "${chip.label}" covers the problem badge`);
    }
    for (let i = 0; i < c.chips.length; i++)
      for (let j = i + 1; j < c.chips.length; j++)
        if (overlaps(c.chips[i].bg, c.chips[j].bg)) out.push(`${c.id}: chip "${c.chips[i].label}" overlaps chip "${c.chips[j].label}"`);
  }
  return out;
}

/** A panel at a fixed zoom (a restored view: no fit), with the live overlay drawn. */
async function liveAt(theme: Theme, k: number): Promise<Page> {
  const page = await openPanel(h, { theme, state: { view: { x: 20, y: 20, k } } });
  await showGraph(page, fixtureGraph('zoomcamp'));
  await sendToWebview(page, { type: 'cluster', info: KIND });
  await sendToWebview(page, { type: 'live', snapshot: snapshot() });
  // The overlay is drawn once the layout has reserved the chip rows (a second layout).
  await page.waitForSelector(`.live-overlay[data-node="${HPA}"] .live-hpa`);
  await page.waitForSelector(`.live-overlay[data-node="${GATEWAY_SVC}"] [data-action="portForward"]`);
  return page;
}

describe('graph cards with live chips (built bundle, panel CSP)', () => {
  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    test(`${theme}: at 50 %, 100 % and 200 % no chip leaves its card or covers text, a badge or another chip`, async () => {
      for (const k of [0.5, 1, 2]) {
        const page = await liveAt(theme, k);
        const cards = await measure(page);
        const chips = cards.flatMap((c) => c.chips.map((x) => x.label));
        // The chips the issue saw overlap are all drawn (and the long HPA one shortened to fit).
        assert.ok(
          chips.some((l) => /^autoscaler replicas 0 → 0 · CPU <unknown> \/ 50%$/.test(l)),
          chips.join(' | '),
        );
        assert.ok(chips.includes('Service gateway: 1 endpoint ready'));
        assert.ok(chips.some((l) => l.startsWith('load balancer pending')));
        assert.ok(chips.some((l) => l.startsWith('Port-forward to Service gateway')));
        assert.ok(chips.some((l) => l.startsWith('Load the images of Deployment gateway')));
        assert.deepEqual(problems(cards), [], `${theme} at ${k * 100} %`);
        if (k !== 1) {
          // Bring the crowded cards into the picture at this zoom (focus pans to a node).
          await page.locator(`svg.kt-graph .node[data-id="${GATEWAY_SVC}"]`).focus();
          await page.locator('svg.kt-graph .node:focus').blur();
        }
        await screenshot(page, `card-chips-${theme}-${k * 100}`);
        assert.deepEqual(await violations(page), []);
        await page.close();
      }
    });
  }

  test('the HPA chip is shortened to the card with an ellipsis, its full text in its title and accessible name', async () => {
    const page = await liveAt('light', 1);
    const chip = page.locator(`.live-overlay[data-node="${HPA}"] .live-hpa`);
    const shown = (await chip.locator('.chip-text').textContent()) ?? '';
    assert.match(shown, /^replicas 0 → 0 · CPU .*…$|^replicas 0 → 0 · CPU <unknown> \/ 50%$/);
    assert.equal(await chip.locator('title').textContent(), 'autoscaler replicas 0 → 0 · CPU <unknown> / 50%');
    await page.close();
  });

  test('cards with chips are laid out taller (rows reserved under the text); without live state they are not', async () => {
    // Beside an editor: the first fit is bound by the height, which the chip rows then add to.
    const page = await openPanel(h, { width: 700, height: 900 });
    await showGraph(page, fixtureGraph('zoomcamp'));
    const height = async (id: string) => (await page.locator(`svg.kt-graph .node[data-id="${id}"] .card`).getAttribute('height')) ?? '';
    assert.equal(await height(GATEWAY_SVC), '64');
    await sendToWebview(page, { type: 'cluster', info: KIND });
    await sendToWebview(page, { type: 'live', snapshot: snapshot() });
    await page.waitForSelector(`.live-overlay[data-node="${GATEWAY_SVC}"]`);
    assert.equal(await height(GATEWAY_SVC), '112', 'two rows: the state chips, then the action');
    assert.equal(await height(MODEL_SVC), '90', 'one row');
    // The first view was the automatic fit and nobody moved it: the taller graph is fitted again.
    const fits = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { querySelector(s: string): { getBoundingClientRect(): Rect } } }).document;
      const canvas = d.querySelector('main.canvas').getBoundingClientRect();
      const drawn = d.querySelector('svg.kt-graph .layer-groups').getBoundingClientRect();
      return drawn.top >= canvas.top && drawn.bottom <= canvas.bottom && drawn.left >= canvas.left && drawn.right <= canvas.right;
    });
    assert.ok(fits, 'the whole graph is in view');
    await sendToWebview(page, { type: 'live', snapshot: null });
    await page.waitForFunction(
      (id) =>
        (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document
          .querySelector(`svg.kt-graph .node[data-id="${id}"] .card`)
          ?.getAttribute('height') === '64',
      GATEWAY_SVC,
    );
    await page.close();
  });

  test('live state that arrives while the first layout runs still gets its rows and its chips', async () => {
    const page = await openPanel(h);
    // Posted together: the snapshot lands before the graph is laid out (a panel opened on a running cluster).
    await page.evaluate(
      (messages) => {
        for (const m of messages) (globalThis as unknown as { postMessage(m: unknown, target: string): void }).postMessage(m, '*');
      },
      [
        { type: 'graph', revision: 1, scope: { kind: 'folder', uri: 'file:///g', label: 'g' }, graph: fixtureGraph('zoomcamp') },
        { type: 'cluster', info: KIND },
        { type: 'live', snapshot: snapshot() },
      ],
    );
    await page.waitForSelector(`.live-overlay[data-node="${GATEWAY}"] .live-replicas`);
    assert.equal(await page.locator(`svg.kt-graph .node[data-id="${GATEWAY}"] .card`).getAttribute('height'), '90');
    assert.deepEqual(problems(await measure(page)), []);
    await page.close();
  });

  test('the first view of a small graph fills the panel: beside an editor (tall) the chain runs top to bottom, in a wide panel left to right', async () => {
    for (const [width, height, direction] of [
      [700, 900, 'TB'],
      [1600, 800, 'LR'],
    ] as const) {
      const page = await openPanel(h, { width, height });
      await showGraph(page, fixtureGraph('zoomcamp'));
      const fill = await page.evaluate(() => {
        const d = (globalThis as unknown as { document: { querySelector(s: string): { getBoundingClientRect(): Rect } } }).document;
        const canvas = d.querySelector('main.canvas').getBoundingClientRect();
        const drawn = d.querySelector('svg.kt-graph .layer-groups').getBoundingClientRect();
        return {
          width: (drawn.right - drawn.left) / (canvas.right - canvas.left),
          height: (drawn.bottom - drawn.top) / (canvas.bottom - canvas.top),
          centreX: (drawn.left + drawn.right) / 2 - (canvas.left + canvas.right) / 2,
          centreY: (drawn.top + drawn.bottom) / 2 - (canvas.top + canvas.bottom) / 2,
        };
      });
      const ingress = await page.locator('svg.kt-graph .node[data-id="Ingress/default/clothing"]').boundingBox();
      const model = await page.locator(`svg.kt-graph .node[data-id="${MODEL}"]`).boundingBox();
      if (direction === 'TB') assert.ok(model!.y > ingress!.y + ingress!.height, 'the model sits below the entry point');
      else assert.ok(model!.x > ingress!.x + ingress!.width, 'the model sits right of the entry point');
      // One side of the drawing fills the panel (less the margins) and it is centred.
      assert.ok(Math.max(fill.width, fill.height) > 0.85, `${width}×${height}: fills ${JSON.stringify(fill)}`);
      assert.ok(Math.abs(fill.centreX) < 2 && Math.abs(fill.centreY) < 2, `${width}×${height}: centred ${JSON.stringify(fill)}`);
      await screenshot(page, `first-view-${width}x${height}`);
      await page.close();
    }
  });
});
