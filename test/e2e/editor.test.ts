/**
 * The packaged extension in a real VS Code (code-server + Chromium), used as a person uses it:
 * a workspace with the gateway and model manifests and one planted mistake per rule family.
 * Tests run in order on one code-server instance; each leaves the workspace as the next expects.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ROOT,
  cursorPosition,
  eventually,
  openFile,
  paletteEntries,
  resetWorkbench,
  startEachTestFresh,
  runCommand,
  runSetup,
  startSession,
  type Session,
} from './codeServer';
import { applyQuickFix, describeScreen, goTo, lineOf, readGraph, readProblems, showProblems, topologyFrame, waitForNodes, type ProblemRow } from './workbench';

const FIXTURE = path.join(ROOT, 'test/e2e/fixtures/planted');

/** One planted mistake per rule family, found by a line of its file. */
const PLANTED = [
  { family: 'schema', file: 'model-deployment.yaml', code: 'schema-unknown-field', severity: 'error', at: 'replica: 1' },
  { family: 'API server', file: 'worker-deployment.yaml', code: 'selector-template-mismatch', severity: 'error', at: 'labels:' },
  { family: 'cross-resource', file: 'model-service.yaml', code: 'service-target-port-missing', severity: 'warning', at: 'targetPort: 8501' },
  { family: 'cross-resource', file: 'predict-client.yaml', code: 'service-address-unresolved', severity: 'warning', at: 'tf-serving-clothing-modle' },
  { family: 'kind trap', file: 'gateway-deployment.yaml', code: 'latest-image-pull-always', severity: 'warning', at: 'clothing-gateway:latest' },
  { family: 'removed API', file: 'legacy-ingress.yaml', code: 'api-version-removed', severity: 'error', at: 'extensions/v1beta1' },
] as const;

/** Advice the kind-aware rules give on correct manifests; it is not a mistake. */
const KIND_ADVICE = new Set(['loadbalancer-pending-on-kind', 'hpa-needs-metrics-server', 'missing-probes']);

let s: Session;
let setupMs = 0;
const started = Date.now();

before(async () => {
  setupMs = runSetup();
  s = await startSession({ fixture: FIXTURE, name: 'e2e' });
  console.log(`# setup ${setupMs} ms, install-extension ${s.installMs} ms, workbench on screen ${s.workbenchMs} ms`);
});

after(async () => {
  await s?.close();
  console.log(`# editor suite: ${Date.now() - started} ms`);
});

async function problems(): Promise<ProblemRow[]> {
  return readProblems(s.page);
}

function has(rows: ProblemRow[], file: string, code: string): boolean {
  return rows.some((r) => r.file === file && r.code === code);
}

describe('Kube Topology in VS Code (code-server, packaged .vsix)', () => {
  // Each test starts from the same workbench, whatever the one before left behind.
  startEachTestFresh(() => s);

  test('the extension activates and reports its activation and indexing time', async () => {
    const page = s.page;
    // Opening a manifest is what activates us (onLanguage:yaml).
    await openFile(page, 'gateway-service.yaml');
    await runCommand(page, 'Developer: Show Running Extensions');
    const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'Kube Topology' });
    const activation = await eventually(
      async () => ((await row.count()) ? ((await row.locator('.activation-time').textContent()) ?? '') : ''),
      (t) => /\d+ms/.test(t),
      'Kube Topology in Running Extensions',
    );
    await s.screenshot('running-extensions');
    const logDir = path.join(s.userData, 'logs');
    const channel = await eventually(
      async () => {
        const file = findFile(logDir, 'Kube Topology.log');
        return file ? fs.readFileSync(file, 'utf8') : '';
      },
      (t) => /Indexed \d+ files in \d+ ms/.test(t),
      'the Kube Topology output channel to log the first indexing',
    );
    const indexed = /Indexed (\d+) files in (\d+) ms/.exec(channel)!;
    const activated = /Activated in (\d+) ms/.exec(channel);
    console.log(
      `# running extensions: ${activation.trim()}; output channel: ${activated ? `activate() ${activated[1]} ms, ` : ''}indexed ${indexed[1]} files in ${indexed[2]} ms`,
    );
    assert.equal(Number(indexed[1]), fs.readdirSync(FIXTURE).length, 'every manifest of the workspace was indexed');
    // In a trusted folder the cluster commands are offered (the untrusted suite checks they are not).
    const offered = await paletteEntries(page, 'Kube Topology:');
    for (const command of ['Kube Topology: Show Topology', 'Kube Topology: Generate Gateway + Model Topology', 'Kube Topology: Apply to Cluster'])
      assert.ok(offered.includes(command), `${command} in ${offered.join(' | ')}`);
  });

  test('the Problems panel lists each planted mistake at its file and line, with its code', async () => {
    await showProblems(s.page);
    const rows = await eventually(problems, (r) => PLANTED.every((p) => has(r, p.file, p.code)), 'every planted mistake in the Problems panel');
    await s.screenshot('problems');
    for (const p of PLANTED) {
      const row = rows.find((r) => r.file === p.file && r.code === p.code)!;
      assert.equal(row.line, lineOf(path.join(s.workspace, p.file), p.at), `${p.family}: ${p.code} in ${p.file} is on the line with "${p.at}"`);
      assert.equal(row.severity, p.severity, `${p.code} severity`);
    }
    // Nothing else is wrong: besides the planted mistakes only the kind advice (info) appears.
    const unexpected = rows.filter((r) => !PLANTED.some((p) => p.file === r.file && p.code === r.code) && !(r.severity === 'info' && KIND_ADVICE.has(r.code)));
    assert.deepEqual(unexpected, []);
  });

  test('quick fixes remove their finding and leave the YAML as a person would write it', async () => {
    const page = s.page;
    const gateway = path.join(s.workspace, 'gateway-deployment.yaml');
    const gatewayBefore = fs.readFileSync(gateway, 'utf8');
    await openFile(page, 'gateway-deployment.yaml');
    await goTo(page, lineOf(gateway, 'clothing-gateway:latest'), 20);
    await applyQuickFix(page, 'Set imagePullPolicy: IfNotPresent');
    await s.screenshot('quick-fix-applied');
    await page.keyboard.press('Control+S');
    const gatewayAfter = await eventually(
      async () => fs.readFileSync(gateway, 'utf8'),
      (t) => t !== gatewayBefore,
      'gateway-deployment.yaml to be saved',
    );
    assert.equal(
      gatewayAfter,
      gatewayBefore.replace(
        '          image: clothing-gateway:latest\n',
        '          image: clothing-gateway:latest\n          imagePullPolicy: IfNotPresent\n',
      ),
      'one line added under image, indented like its siblings',
    );

    const client = path.join(s.workspace, 'predict-client.yaml');
    const clientBefore = fs.readFileSync(client, 'utf8');
    await openFile(page, 'predict-client.yaml');
    await goTo(page, lineOf(client, 'tf-serving-clothing-modle'), 30);
    await applyQuickFix(page, 'Call Service tf-serving-clothing-model');
    await page.keyboard.press('Control+S');
    const clientAfter = await eventually(
      async () => fs.readFileSync(client, 'utf8'),
      (t) => t !== clientBefore,
      'predict-client.yaml to be saved',
    );
    assert.equal(clientAfter, clientBefore.replace('tf-serving-clothing-modle.default', 'tf-serving-clothing-model.default'));

    await showProblems(page);
    const rows = await eventually(
      problems,
      (r) => !has(r, 'gateway-deployment.yaml', 'latest-image-pull-always') && !has(r, 'predict-client.yaml', 'service-address-unresolved'),
      'the fixed findings to leave the Problems panel',
    );
    await s.screenshot('problems-after-fixes');
    // The other planted mistakes are still reported: the fixes touched only their own finding.
    for (const p of PLANTED.filter((p) => p.code !== 'latest-image-pull-always' && p.code !== 'service-address-unresolved'))
      assert.ok(has(rows, p.file, p.code), `${p.code} still listed`);
  });

  test('Show Topology draws the workspace and a click on the model Deployment selects its YAML', async () => {
    const page = s.page;
    // No editor open: the command shows the whole workspace.
    await runCommand(page, 'Kube Topology: Show Topology');
    const frame = await topologyFrame(page, 'Topology: workspace');
    const graph = await waitForNodes(frame, 10);
    assert.deepEqual(graph.nodes, [
      'Deployment/default/gateway',
      'Deployment/default/predict-client',
      'Deployment/default/tf-serving-clothing-model',
      'Deployment/default/worker',
      'HorizontalPodAutoscaler/default/gateway-hpa',
      'Ingress/default/legacy',
      'Ingress/default/zoomcamp',
      'Service/default/gateway',
      'Service/default/tf-serving-clothing-model',
      'ghost:Service/default/tf-serving-clothing-modle',
    ]);
    // The fixture's typo in predict-client's TF_SERVING_HOST is drawn as a missing Service.
    assert.deepEqual(graph.ghosts, ['ghost:Service/default/tf-serving-clothing-modle']);
    // Ingress ×2 → gateway Service → gateway → model Service → model; the HPA; the client → the missing Service.
    assert.equal(graph.edges, 7);
    for (const label of ['80 → 9696', '8500 → 8501', ':8500', '/ → 80', '1–3 @ 50% CPU'])
      assert.ok(graph.edgeLabels.includes(label), `edge label ${label} in ${graph.edgeLabels.join(' | ')}`);
    await s.screenshot('topology');

    await frame.locator('svg.kt-graph .node[data-id="Deployment/default/tf-serving-clothing-model"]').click();
    await page.locator('.tabs-container .tab.active[data-resource-name="model-deployment.yaml"]').waitFor();
    // The panel opens the file, then selects the resource: wait for the status bar to count a selection.
    await eventually(
      () => cursorPosition(page),
      (c) => (c.selected ?? 0) > 0,
      'the resource to be selected',
    );
    const selected = await selectedText(s);
    assert.match(
      selected,
      /^(# .*\n)?apiVersion: apps\/v1\nkind: Deployment\nmetadata:\n {2}name: tf-serving-clothing-model\n/,
      'the selection starts at the Deployment',
    );
    assert.ok(selected.includes('containerPort: 8500'), 'and covers the whole resource');
    await s.screenshot('topology-click-selects-yaml');
    // Back in the graph, the selected resource is highlighted.
    assert.equal((await readGraph(frame)).nodes.length, 10);
  });

  test('Generate Gateway + Model Topology with every default writes manifests that validate clean and draw the full chain', async () => {
    const page = s.page;
    await runCommand(page, 'Kube Topology: Generate Gateway + Model Topology');
    const generated = path.join(s.workspace, 'k8s', 'clothing.yaml');
    const steps = await enterThroughQuickInput(s, () => fs.existsSync(generated));
    console.log(`# generate: ${steps} steps accepted with Enter`);

    const frame = await topologyFrame(page, 'Topology: clothing.yaml');
    const graph = await waitForNodes(frame, 7);
    assert.deepEqual(graph.nodes, [
      'Deployment/default/clothing-gateway',
      'Deployment/default/clothing-model',
      'HorizontalPodAutoscaler/default/clothing-gateway',
      'HorizontalPodAutoscaler/default/clothing-model',
      'Ingress/default/clothing',
      'Service/default/clothing-gateway',
      'Service/default/clothing-model',
    ]);
    // Ingress → gateway Service → gateway → model Service → model, and an HPA on each Deployment.
    assert.equal(graph.edges, 6);
    assert.deepEqual(graph.ghosts, []);
    // For a readable screenshot: the panel gets the whole editor area and the graph is fitted to it.
    await runCommand(page, 'Notifications: Clear All Notifications');
    await page.locator('.tabs-container .tab', { hasText: 'Topology: clothing.yaml' }).click();
    await runCommand(page, 'View: Toggle Maximize Editor Group');
    // A resized webview may be laid out again in a new frame: look it up afresh.
    const wide = await topologyFrame(page, 'Topology: clothing.yaml');
    await waitForNodes(wide, 7);
    await wide.locator('vscode-button', { hasText: 'Fit' }).first().click();
    await s.screenshot('generated-topology');
    await runCommand(page, 'View: Toggle Maximize Editor Group');

    await showProblems(page);
    const rows = await eventually(problems, (r) => r.some((x) => x.file === 'clothing.yaml'), 'the generated file to be analysed');
    const mistakes = rows.filter((r) => r.file === 'clothing.yaml' && r.severity !== 'info');
    assert.deepEqual(mistakes, [], 'no errors or warnings in the generated file');
    assert.ok(
      rows.filter((r) => r.file === 'clothing.yaml').every((r) => KIND_ADVICE.has(r.code)),
      'only kind advice as info',
    );
    await s.screenshot('generated-problems');
  });

  test('the kind walkthrough lists every step and shows its commands', async () => {
    const page = s.page;
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Gateway + model on kind' }).click();
    const titles = page.locator('.getting-started-step .step-title');
    await eventually(
      () => titles.count(),
      (n) => n === 9,
      'nine walkthrough steps',
    );
    assert.deepEqual(
      (await titles.allTextContents()).map((t) => t.trim()),
      [
        'Create a kind cluster',
        'Build the images',
        'Load the images into kind',
        'Generate the gateway + model topology',
        'Validate',
        'See the topology',
        'Apply to the cluster',
        'Port-forward to the gateway',
        'Call the gateway',
      ],
    );
    await page.locator('.getting-started-step', { hasText: 'Load the images into kind' }).click();
    // The step's markdown is rendered in a webview frame beside the list.
    await eventually(
      async () => {
        // innerText, not the HTML: highlighted code is split into spans.
        for (const frame of page.frames())
          if (
            (
              await frame
                .locator('body')
                .innerText({ timeout: 1000 })
                .catch(() => '')
            ).includes('kind load docker-image --name zoomcamp')
          )
            return true;
        return false;
      },
      Boolean,
      'the Load Images step markdown with its kind command',
    );
    await s.screenshot('walkthrough');
    // The View step's button runs Show Topology; its completion event (onCommand) ticks the step off.
    const view = page.locator('.getting-started-step', { hasText: 'See the topology' });
    await view.click();
    // The step re-renders as it expands: click its button once it is the expanded step's.
    await page.locator('.getting-started-step.expanded', { hasText: 'See the topology' }).waitFor();
    // The step's completion event is the command itself (onCommand), however it is run: run it
    // from the palette and wait for the panel's tab. Whether the panel then draws is the Show
    // Topology test's job: opened beside the walkthrough, the webview's frame sometimes stays in
    // VS Code's "pending-frame" state (seen in 4 of ~25 runs, screen report below; open in issue 15).
    await runCommand(page, 'Kube Topology: Show Topology');
    await page
      .locator('.tabs-container .tab', { hasText: 'Topology: workspace' })
      .waitFor()
      .catch(async (e) => {
        console.log(`# on screen: ${JSON.stringify(await describeScreen(page))}`);
        throw e;
      });
    const checked = () =>
      page
        .locator('.getting-started-step')
        .evaluateAll((steps) => steps.map((b) => `${b.querySelector('.step-title')?.textContent}=${b.getAttribute('aria-checked')}`));
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Gateway + model on kind' }).click();
    const state = await eventually(checked, (c) => c.includes('See the topology=true'), 'the View step to be complete');
    console.log(`# walkthrough: ${state.join(', ')}`);
  });
  test('the reset before each test recovers from what a failed test can leave behind', async () => {
    const page = s.page;
    const file = path.join(s.workspace, 'gateway-service.yaml');
    const onDisk = fs.readFileSync(file, 'utf8');
    await openFile(page, 'gateway-service.yaml');
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await page.keyboard.type('# unsaved edit\n');
    await page.locator('.tabs-container .tab.dirty').waitFor();
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await page.locator('.monaco-workbench .part.sidebar').waitFor({ state: 'hidden' });
    await runCommand(page, 'Help: About');
    await page.locator('.monaco-dialog-box').waitFor();

    const cleaned = await resetWorkbench(page);
    assert.ok(
      cleaned.some((c) => c.startsWith('dialog: ')),
      cleaned.join('; '),
    );
    assert.ok(cleaned.includes('unsaved editor: gateway-service.yaml'), cleaned.join('; '));
    assert.ok(cleaned.includes('side bar hidden'), cleaned.join('; '));
    assert.equal(await page.locator('.tabs-container .tab').count(), 0, 'no editor left open');
    assert.equal(fs.readFileSync(file, 'utf8'), onDisk, 'the unsaved edit was reverted, never written');
    // And the palette works again: a command runs.
    await runCommand(page, 'Kube Topology: Show Topology');
    await topologyFrame(page, 'Topology: workspace', 15000).catch(async (e) => {
      const titles = await Promise.all(
        page.frames().map(
          async (f) =>
            `${f.name()}|${f.url().slice(0, 60)}|${await f.title().catch(() => '?')}|svg=${await f
              .locator('svg.kt-graph')
              .count()
              .catch(() => -1)}|${(
              await f
                .locator('body')
                .innerText({ timeout: 500 })
                .catch(() => '')
            ).slice(0, 200)}`,
        ),
      );
      const tabs = await page.locator('.tabs-container .tab').allTextContents();
      const notes = await page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
      console.log(`# DIAG frames=${JSON.stringify(titles)} tabs=${JSON.stringify(tabs)} notes=${JSON.stringify(notes)}`);
      throw e;
    });
  });
});

/**
 * Presses Enter on every step of a multi-step quick input until `done()`; returns the step count.
 * Between two steps the widget may be hidden for a moment, so only `done()` ends the loop; once it
 * holds, no further key is pressed (the files can exist before the browser has hidden the last
 * step, and an Enter then would land in whatever takes focus next), and the widget must be gone.
 */
async function enterThroughQuickInput(session: Session, done: () => boolean): Promise<number> {
  const page = session.page;
  let steps = 0;
  for (;;) {
    const before = await eventually(
      () => stepState(session),
      (v) => v !== undefined || done(),
      `step ${steps + 1} or the end of the flow`,
    );
    if (done() || before === undefined) break;
    if (steps === 1) await session.screenshot('generate-step');
    await page.keyboard.press('Enter');
    steps++;
    // The next step replaces title, value and item list; the widget hides after the last one.
    await eventually(
      () => stepState(session),
      (after) => after !== before || done(),
      `step ${steps} to be accepted`,
    );
  }
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  return steps;
}

async function stepState(session: Session): Promise<string | undefined> {
  const page = session.page;
  const widget = page.locator('.quick-input-widget');
  if (!(await widget.isVisible())) return undefined;
  return widget.evaluate((w) => {
    const title = w.querySelector('.quick-input-title')?.textContent ?? '';
    const value = (w.querySelector('.quick-input-box input') as { value: string } | null)?.value ?? '';
    const active = w.querySelector('.monaco-list-row.focused')?.textContent ?? '';
    return `${title}|${value}|${active}`;
  });
}

/** The text selected in the active editor, copied to the clipboard with Ctrl+C. */
async function selectedText(session: Session): Promise<string> {
  await session.page.keyboard.press('Control+C');
  // No DOM typings in the test project: the page's navigator is described by hand.
  return session.page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
}

function findFile(dir: string, name: string): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const hit = findFile(p, name);
      if (hit) return hit;
    } else if (entry.name === name) return p;
  }
  return undefined;
}
