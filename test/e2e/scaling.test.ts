/**
 * See it scale, clicked through the real VS Code (code-server) on a real kind cluster (issue 16):
 * Create kind Cluster from the palette; Apply to Cluster, where the extension notices the HPA has
 * no metrics and offers metrics-server, installed with one click; the graph's HPA chip then reads
 * real CPU; "Send load" on the gateway Service's card; the HPA scales up and new pods appear on the
 * graph while the scaling card shows rate, latency and the timeline (screenshots mid-scale); Stop
 * is one click and the HPA scales back down on the graph.
 *
 * code-server (and its extension host) inherit KUBECONFIG pointing at a fresh file that kind writes
 * when the UI creates the cluster, the test bed's kind, and the offline node image through the
 * kubeTopology.kind.nodeImage setting. kubectl only cross-checks. The cluster is owned by the test
 * bed before it exists (trackKindCluster), so it is deleted however the test ends.
 *
 * Needs `sudo -E test/kind/prepare.sh` and `node scripts/build.mjs`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { UI_WAIT, eventually, openFile, paletteEntries, runCommand, runSetup, startEachTestFresh, startSession, type Session } from './codeServer';
import { showFittedTopology } from './workbench';
import { containersNamed, defaultNodeImage, kindTestBedProblem, listKindClusters, runOk, trackKindCluster, type KindCluster } from '../kind/kindCluster';
import { CLI, cliEnv } from '../kind/journeySupport';
import { buildScalingImages, hpaStatus, loadObjectsLeft, scalingManifests } from '../kind/scalingSupport';
import { METRICS_SERVER_IMAGE } from '../../src/core/kind/metricsServer';

const log = (line: string): void => console.log(`  [e2e-scaling] ${line}`);
const problem = kindTestBedProblem() ?? (fs.existsSync(CLI) ? undefined : `${CLI} is missing: run node scripts/build.mjs`);
if (problem) throw new Error(`the scaling e2e test cannot run: ${problem}`);

const ns = `kt-e2e-scale-${randomBytes(3).toString('hex')}`;
const HPA = `HorizontalPodAutoscaler/${ns}/gateway`;
const GATEWAY = `Deployment/${ns}/gateway`;
const GATEWAY_SVC = `Service/${ns}/gateway`;
/** Bounds on waits for a busy 2-core machine: they stop a hang, they assert no duration. */
const CLUSTER_WAIT = UI_WAIT * 15;
const SCALE_WAIT = UI_WAIT * 6;

let cluster: KindCluster;
let s: Session | undefined;
let fixture: string | undefined;
const times: Record<string, string> = {};

function session(): Session {
  assert.ok(s, 'code-server session did not start');
  return s;
}

/** A notification toast whose text matches (its text). */
async function notification(pattern: RegExp, timeout = UI_WAIT * 2): Promise<string> {
  const toasts = session().page.locator('.notifications-toasts .notification-list-item-message');
  return eventually(
    async () => (await toasts.allTextContents()).find((t) => pattern.test(t)) ?? '',
    (t) => t !== '',
    `a notification matching ${pattern}`,
    timeout,
  );
}

/** The manifest's topology, given the whole window and fitted. */
function showTopology(): Promise<Frame> {
  return showFittedTopology(session().page, 'app.yaml');
}

/**
 * Answers one step of a quick input: waits until the widget shows that step (its title; the widget
 * is reused from step to step, so its mere presence says nothing), types `text` or, for a pick,
 * waits until the row `pick` is the focused one, then accepts.
 */
async function answer(step: string, choice: { text: string } | { pick: string }): Promise<void> {
  const { page } = session();
  await page.locator('.quick-input-widget .quick-input-title', { hasText: step }).waitFor();
  if ('text' in choice) {
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.fill(choice.text);
    await eventually(
      () => input.inputValue(),
      (v) => v === choice.text,
      `"${choice.text}" typed into ${step}`,
    );
  } else {
    await page
      .locator('.quick-input-widget .monaco-list-row.focused', { has: page.locator('.label-name', { hasText: new RegExp(`^${choice.pick}$`) }) })
      .waitFor();
  }
  await page.keyboard.press('Enter');
}

/** The text of a live chip of a graph node (the HPA chip's accessible name says it whole). */
async function chip(frame: Frame, nodeId: string, cls: string, attr: 'text' | 'label' = 'text'): Promise<string> {
  const el = frame.locator(`.live-overlay[data-node="${nodeId}"] .${cls}`).first();
  if (attr === 'label') return (await el.getAttribute('aria-label').catch(() => null)) ?? '';
  return (
    (await el
      .locator('.chip-text')
      .textContent()
      .catch(() => null)) ?? ''
  );
}

before(
  async () => {
    runSetup();
    await runOk('docker', ['image', 'inspect', METRICS_SERVER_IMAGE]).catch(() =>
      assert.fail(`${METRICS_SERVER_IMAGE} missing: run sudo -E test/kind/prepare.sh`),
    );
    await buildScalingImages();
    cluster = trackKindCluster(log);
    fixture = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-e2e-scaling-fixture-'));
    fs.writeFileSync(path.join(fixture, 'app.yaml'), scalingManifests(ns));
    const env = cliEnv(cluster);
    process.env.KUBECONFIG = env.KUBECONFIG;
    process.env.KUBE_TOPOLOGY_KIND = env.KUBE_TOPOLOGY_KIND;
    process.env.PATH = env.PATH;
    s = await startSession({ fixture, name: 'e2e-scaling', settings: { 'kubeTopology.kind.nodeImage': defaultNodeImage() } });
  },
  { timeout: 900_000 },
);

after(
  async () => {
    await s?.close();
    await cluster?.delete();
    if (fixture) fs.rmSync(fixture, { recursive: true, force: true });
    log(
      `times: ${Object.entries(times)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  },
  { timeout: 300_000 },
);

describe('see it scale in VS Code on a real kind cluster', { timeout: 3_000_000 }, () => {
  // Each test starts from the same workbench and opens what it needs; the cluster (and a running load) carry over.
  startEachTestFresh(session);

  test("Create kind Cluster: a name, kind's progress, then the new context selected", async () => {
    const { page } = session();
    // Opening a manifest activates the extension, as it would for a user.
    await openFile(page, 'app.yaml');
    // the workbench lists contributed commands once the extension host has read them
    await eventually(
      () => paletteEntries(page, 'Kube Topology: Create kind Cluster'),
      (e) => e.includes('Kube Topology: Create kind Cluster'),
      "the extension's commands in the palette",
    );
    const t0 = Date.now();
    await runCommand(page, 'Kube Topology: Create kind Cluster');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Create kind Cluster' }).waitFor();
    const input = page.locator('.quick-input-widget .quick-input-box input');
    assert.match(await input.inputValue(), /^kind(-\d+)?$/, 'a free name is suggested');
    await answer('Create kind Cluster', { text: cluster.name });
    await notification(new RegExp(`creating kind cluster "${cluster.name}"`));
    await session().screenshot('kind-create-progress');
    const ready = await notification(
      new RegExp(
        `kind cluster "${cluster.name}" is ready \\(usable after (\\d+) s\\); context kind-${cluster.name} selected\\. NodePort (\\d+) is published on 127\\.0\\.0\\.1:(\\d+)\\.`,
      ),
      CLUSTER_WAIT,
    );
    times['cluster ready (UI)'] = `${/usable after (\d+) s/.exec(ready)?.[1]} s (command to notification ${((Date.now() - t0) / 1000).toFixed(0)} s)`;
    await page.locator('.statusbar-item', { hasText: `kind-${cluster.name} ✓` }).waitFor({ timeout: UI_WAIT });
    await session().screenshot('kind-created');
    assert.ok((await listKindClusters()).includes(cluster.name));
  });

  test('Apply: the HPA has no metrics, metrics-server is offered and installed in one click, the HPA chip reads real CPU', async () => {
    const { page } = session();
    await cluster.loadImages('kt-burner:v1');
    await openFile(page, 'app.yaml');
    await runCommand(page, 'Kube Topology: Apply to Cluster');
    const offer = await notification(
      new RegExp(`kind-${cluster.name} has no metrics-server, so HPA gateway cannot read CPU: it shows <unknown> and never scales\\.`),
      UI_WAIT * 4,
    );
    log(offer);
    await session().screenshot('metrics-offered');
    await page
      .locator('.notifications-toasts .notification-toast', { hasText: 'has no metrics-server' })
      .locator('.monaco-button', { hasText: 'Install metrics-server' })
      .click();
    await notification(new RegExp(`installing metrics-server v0\\.8\\.1 into kube-system on kind-${cluster.name}`));
    await session().screenshot('metrics-installing');
    const done = await notification(
      new RegExp(`metrics-server v0\\.8\\.1 runs in kube-system on kind-${cluster.name}; metrics\\.k8s\\.io answered after (\\d+) s`),
      UI_WAIT * 6,
    );
    times['metrics ready (UI)'] = `${/answered after (\d+) s/.exec(done)?.[1]} s`;
    assert.match(done, /Installed: 9 objects .* Remove it with "Kube Topology: Remove metrics-server"\./);
    assert.match(await runOk('docker', ['exec', `${cluster.name}-control-plane`, 'crictl', 'images']), /metrics-server\/metrics-server\s+v0\.8\.1/);

    const frame = await showTopology();
    const cpu = await eventually(
      () => chip(frame, HPA, 'live-hpa', 'label'),
      (t) => /CPU \d+% \/ 50%/.test(t),
      'the HPA chip with a real CPU reading',
      SCALE_WAIT,
    );
    log(`HPA chip: ${cpu}`);
    await session().screenshot('hpa-real-cpu');
  });

  // One test: the load's progress notification stays while it runs, and every test starts with none.
  test('Send load from the Service card: the HPA scales up and new pods appear on the graph, with the timeline; Stop is one click, the load objects go and the graph shows the scale-down', async () => {
    const { page } = session();
    let frame = await showTopology();
    await page.mouse.move(5, 500);
    await frame.locator(`.live-overlay[data-node="${GATEWAY_SVC}"] [data-action="sendLoad"]`).click();
    await answer('Send load to gateway (1/4)', { text: '/cgi-bin/predict' });
    await answer('Send load to gateway (2/4)', { pick: 'GET' });
    await answer('Send load to gateway (3/4)', { text: '2' }); // req/s
    // longer than the scale-up takes on a busy machine: Stop ends it (below), not the clock
    await answer('Send load to gateway (4/4)', { text: '300s' });
    await notification(/load → gateway/);
    // off the cards, so no hover card covers the graph in the screenshots
    await page.mouse.move(5, 500);
    await frame.locator('.hovercard').waitFor({ state: 'hidden' });
    let card = frame.locator('.load-card');
    await card.waitFor({ timeout: UI_WAIT * 2 });
    assert.equal(await card.locator('.load-title').textContent(), 'Load → gateway');
    assert.match(
      (await card.locator('.load-via').textContent()) ?? '',
      /^GET \/cgi-bin\/predict · 2 req\/s for 300 s · NodePort \d+ at 127\.0\.0\.1:\d+ \(temporary Service kt-load-/,
    );

    const wants = await eventually(
      () => chip(frame, HPA, 'live-hpa', 'label'),
      (t) => /replicas 1 → [2-4]|replicas [2-4]/.test(t),
      'the HPA chip deciding to scale up',
      SCALE_WAIT,
    );
    log(`HPA chip mid-scale: ${wants}`);
    await session().screenshot('scaling-up');
    const upLine = await eventually(
      async () => (await card.locator('.load-timeline li').allTextContents()).find((l) => /HPA gateway scales up: wants \d/.test(l)) ?? '',
      (l) => l !== '',
      'the scale-up in the card timeline',
      SCALE_WAIT,
    );
    times['first scale-up after load start (UI timeline)'] = upLine;
    // more pods on the graph: the Deployment chip's replica count and dots grow
    const replicas = await eventually(
      () => chip(frame, GATEWAY, 'live-replicas'),
      (t) => /^\d+\/([2-4])$/.test(t),
      'the gateway Deployment chip wanting more replicas',
      SCALE_WAIT,
    );
    const dots = await frame.locator(`.live-overlay[data-node="${GATEWAY}"] .pod-dot`).count();
    assert.ok(dots >= 2, `one dot per pod: ${dots}`);
    assert.ok((await card.locator('.scaler-pods .pod-dot').count()) >= 2, 'the card shows the pods too');
    assert.match((await card.locator('.load-rate').textContent()) ?? '', /^\d+ req\/s · \d+ errors/);
    log(`gateway replicas on the graph: ${replicas}, ${dots} pod dots`);
    await session().screenshot('scaled-up');
    const hpa = await hpaStatus(cluster, ns, 'gateway');
    assert.ok(hpa.desiredReplicas >= 2, JSON.stringify(hpa));

    // A topology opened afresh while the load runs shows its card too (the run lives in the extension host).
    await runCommand(page, 'View: Close All Editors');
    await eventually(
      () => page.locator('.tabs-container .tab').count(),
      (n) => n === 0,
      'the topology and the manifest closed',
    );
    frame = await showTopology();
    card = frame.locator('.load-card');
    await frame.locator('.load-card[data-phase="running"]').waitFor({ timeout: UI_WAIT });
    await card.locator('vscode-button', { hasText: 'Stop' }).click();
    // the load ends at once; the card keeps following the HPA down
    await frame.locator('.load-card[data-phase="settling"]').waitFor({ timeout: UI_WAIT });
    assert.match((await card.locator('.load-timeline li').allTextContents()).join('\n'), /load stopped: \d+ requests, \d+ errors/);
    assert.deepEqual(
      await eventually(
        () => loadObjectsLeft(cluster),
        (l) => l.length === 0,
        'the load objects gone',
      ),
      [],
    );
    const down = await eventually(
      () => chip(frame, HPA, 'live-hpa', 'label'),
      (t) => /^autoscaler replicas 1 → 1 · CPU \d+% \/ 50%$/.test(t),
      'the HPA back at one replica, wanting no more, on the graph',
      SCALE_WAIT * 2,
    );
    log(`HPA chip after the load: ${down}`);
    await eventually(
      async () => `${await chip(frame, GATEWAY, 'live-replicas')} ${await frame.locator(`.live-overlay[data-node="${GATEWAY}"] .pod-dot`).count()}`,
      (t) => t === '1/1 1',
      'the gateway Deployment back to 1/1 with one pod dot',
      SCALE_WAIT,
    );
    await frame.locator('.load-card[data-phase="stopped"]').waitFor({ timeout: SCALE_WAIT });
    assert.match((await card.locator('.load-timeline li').allTextContents()).join('\n'), /every HPA is back at its minimum/);
    assert.match((await card.locator('.scaler-text').textContent()) ?? '', /^HPA gateway: 1 replica \(1–4\)/);
    const summary = await notification(/load on gateway stopped: \d+ requests, \d+ errors/);
    log(summary);
    await session().screenshot('scaled-down');
    assert.equal((await hpaStatus(cluster, ns, 'gateway')).currentReplicas, 1);
  });

  test('closing leaves no code-server, cluster or node container behind', async () => {
    const workspace = session().workspace;
    await session().close();
    const stray = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(path.dirname(workspace)));
    assert.deepEqual(stray, [], 'processes of the code-server session');
    const name = cluster.name;
    await cluster.delete();
    assert.ok(!(await listKindClusters()).includes(name));
    assert.deepEqual(await containersNamed(`${name}-`), []);
  });
});
