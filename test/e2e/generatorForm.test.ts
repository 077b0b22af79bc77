/**
 * The generator form in a real VS Code (code-server + Chromium, the packaged .vsix), used as a
 * person would: open it from the Command Palette, change three fields, watch the preview graph
 * follow, Generate, and check what was written — it validates clean, draws the full chain, and is
 * never overwritten without the modal question.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { ROOT, eventually, runCommand, runSetup, startEachTestFresh, startSession, webviewFrame, type Session } from './codeServer';
import { readProblems, showProblems, topologyFrame, waitForNodes } from './workbench';

let s: Session;

before(async () => {
  runSetup();
  s = await startSession({ fixture: path.join(ROOT, 'test/e2e/fixtures/generator'), name: 'e2e-generator' });
});

after(async () => {
  await s?.close();
});

/** The node names the form's preview graph shows. */
async function previewNames(form: Frame): Promise<string[]> {
  return form.locator('.gen-preview svg.kt-graph .node .name').allTextContents();
}

/**
 * Selects the field's text and types over it. Not Ctrl+A: in a webview VS Code runs Select All as
 * its own command, which reaches the page after the next keys (and would select what they typed).
 */
async function typeInto(form: Frame, name: string, text: string): Promise<void> {
  const input = form.locator(`.gen-field[data-name="${name}"] vscode-text-field input`);
  await input.click();
  await input.selectText();
  await s.page.keyboard.type(text);
  await eventually(
    () => input.inputValue(),
    (v) => v === text,
    `${name} to read ${text}`,
  );
}

const GENERATED = [
  'shoes-deployment-gateway.yaml',
  'shoes-deployment-model.yaml',
  'shoes-hpa-gateway.yaml',
  'shoes-hpa-model.yaml',
  'shoes-ingress.yaml',
  'shoes-service-gateway.yaml',
  'shoes-service-model.yaml',
];

/** Opens the form from the Command Palette and waits for the preview of the defaults. */
async function openForm(): Promise<Frame> {
  await runCommand(s.page, 'Kube Topology: Open Topology Generator');
  const form = await webviewFrame(s.page, 'Generate Topology');
  await eventually(
    () => previewNames(form),
    (n) => n.length === 7,
    'the preview graph of the default gateway + model topology',
  );
  return form;
}

/** The three changes a user typically makes: the name, the model image and the Service type; then split files. */
async function changeThreeFields(form: Frame): Promise<void> {
  await typeInto(form, 'appName', 'shoes');
  await eventually(
    () => previewNames(form),
    (n) => n.includes('shoes-gateway') && !n.some((x) => x.startsWith('clothing')),
    'the preview to rename everything after the application',
  );
  await typeInto(form, 'modelImage', 'registry.local/shoes-model:1.2.0');
  await form.getByRole('tab', { name: 'YAML' }).click();
  await eventually(
    async () => (await form.locator('.gen-yaml').textContent()) ?? '',
    (t) => t.includes('image: registry.local/shoes-model:1.2.0') && t.includes('image: shoes-gateway:0.1.0'),
    'the YAML preview with the typed model image and the derived gateway image',
  );
  await form.getByRole('tab', { name: 'Topology' }).click();
  await form.getByRole('combobox', { name: 'Gateway Service type' }).click();
  await form.getByRole('option', { name: 'ClusterIP' }).click();
  await eventually(
    () => form.locator('.gen-preview svg.kt-graph .node .kind').allTextContents(),
    (kinds) => kinds.filter((k) => k === 'SERVICE · CLUSTERIP').length === 2,
    'both Services drawn as ClusterIP in the preview',
  );
  await form.getByRole('radio', { name: 'One file per object (split folder)' }).click();
  await form.locator('.gen-status', { hasText: 'Ready: 7 files.' }).waitFor();
}

describe('the generator form in VS Code (code-server, packaged .vsix)', () => {
  // Each test starts from the same workbench and the fixture's files, and opens the form itself.
  startEachTestFresh(() => s);

  test('Open Topology Generator shows the form with its defaults and a preview of the topology', async () => {
    const form = await openForm();
    const names = await previewNames(form);
    assert.deepEqual([...new Set(names)].sort(), ['clothing', 'clothing-gateway', 'clothing-model']);
    assert.equal(await form.locator('.gen-field[data-name="appName"] vscode-text-field input').inputValue(), 'clothing');
    assert.equal(await form.getByRole('combobox', { name: 'Gateway Service type' }).getAttribute('current-value'), 'LoadBalancer');
    assert.match((await form.locator('.gen-summary').textContent()) ?? '', /7 objects in k8s\/clothing\.yaml · no errors or warnings/);
    await s.screenshot('form');
  });

  test('three fields changed: the preview follows each (names, images, the Service type)', async () => {
    await changeThreeFields(await openForm());
    await s.screenshot('form-changed');
  });

  test('Generate writes the files, which validate clean and draw the full chain', async () => {
    const form = await openForm();
    await changeThreeFields(form);
    const folder = path.join(s.workspace, 'k8s');
    await form.getByRole('button', { name: 'Generate' }).click();
    const written = await eventually(
      () => Promise.resolve(fs.existsSync(folder) ? fs.readdirSync(folder).sort() : []),
      // Each file is written to a temporary name and renamed: wait for the seven final names.
      (names) => names.length === GENERATED.length && names.every((n) => !n.startsWith('.')),
      'seven files in k8s/',
    );
    assert.deepEqual(written, GENERATED);
    const service = fs.readFileSync(path.join(folder, 'shoes-service-gateway.yaml'), 'utf8');
    assert.match(service, /type: ClusterIP/);
    assert.match(
      service,
      /# Regenerate: kube-topology generate gateway-model --set appName=shoes --set modelImage=registry.local\/shoes-model:1.2.0 --set gatewayServiceType=ClusterIP\n/,
    );
    assert.match(fs.readFileSync(path.join(folder, 'shoes-deployment-model.yaml'), 'utf8'), /image: registry.local\/shoes-model:1.2.0/);

    const topology = await topologyFrame(s.page, 'Topology: k8s');
    const graph = await waitForNodes(topology, 7);
    assert.deepEqual(graph.nodes, [
      'Deployment/default/shoes-gateway',
      'Deployment/default/shoes-model',
      'HorizontalPodAutoscaler/default/shoes-gateway',
      'HorizontalPodAutoscaler/default/shoes-model',
      'Ingress/default/shoes',
      'Service/default/shoes-gateway',
      'Service/default/shoes-model',
    ]);
    // Ingress → gateway Service → gateway → model Service → model, and an HPA on each Deployment.
    assert.equal(graph.edges, 6);
    assert.deepEqual(graph.ghosts, []);
    await s.screenshot('generated-topology');

    await showProblems(s.page);
    const rows = await eventually(
      () => readProblems(s.page),
      (r) => r.some((x) => x.file.startsWith('shoes-')),
      'the generated files to be analysed',
    );
    assert.deepEqual(
      rows.filter((r) => r.severity !== 'info'),
      [],
      'no errors or warnings',
    );
    await s.screenshot('generated-problems');
  });

  test('Generate never overwrites without asking: cancelling the question keeps the file', async () => {
    const file = path.join(s.workspace, 'k8s', 'clothing.yaml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '# mine\n');
    const form = await openForm();
    await form.getByRole('button', { name: 'Generate' }).click();
    const dialog = s.page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /k8s\/clothing\.yaml already exists\. Overwrite\?/);
    await s.screenshot('overwrite-question');
    await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await form.locator('.gen-status', { hasText: 'Nothing was written' }).waitFor();
    assert.equal(fs.readFileSync(file, 'utf8'), '# mine\n');
  });
});
