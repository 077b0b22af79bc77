/**
 * Workspace trust on and the folder not trusted (Restricted Mode): the extension declares
 * limited support, so validation and the topology view must keep working there.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ROOT, eventually, openFile, paletteEntries, startEachTestFresh, runCommand, runSetup, startSession, type Session } from './codeServer';
import { readProblems, showProblems, topologyFrame, waitForNodes } from './workbench';

let s: Session;

before(async () => {
  runSetup();
  s = await startSession({
    fixture: path.join(ROOT, 'test/e2e/fixtures/planted'),
    name: 'e2e-untrusted',
    settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'always' },
  });
});

after(async () => {
  await s?.close();
});

// First, before any reset: the trust prompt itself is what this test answers.
test('the folder opens in Restricted Mode after answering the trust prompt with No', async () => {
  const page = s.page;
  const no = page.locator('.monaco-dialog-box .monaco-button', { hasText: "No, I don't trust the authors" });
  await no.waitFor();
  await s.screenshot('trust-prompt');
  await no.click();
  await page.locator('.monaco-dialog-box').waitFor({ state: 'hidden' });
  await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor();
});

describe('Kube Topology in an untrusted folder (Restricted Mode)', () => {
  // Each test starts from the same workbench, whatever the one before left behind.
  startEachTestFresh(() => s);

  test('validation still reports the planted mistakes', async () => {
    const page = s.page;
    await openFile(page, 'model-service.yaml');
    await showProblems(page);
    const rows = await eventually(
      () => readProblems(page),
      (r) =>
        [
          'schema-unknown-field',
          'selector-template-mismatch',
          'service-target-port-missing',
          'service-address-unresolved',
          'latest-image-pull-always',
          'api-version-removed',
        ].every((c) => r.some((x) => x.code === c)),
      'the planted mistakes in Restricted Mode',
    );
    assert.ok(rows.some((r) => r.file === 'model-service.yaml' && r.code === 'service-target-port-missing'));
    await s.screenshot('problems');
  });

  test('the topology view opens and draws the workspace', async () => {
    const page = s.page;
    await runCommand(page, 'Kube Topology: Show Topology');
    const frame = await topologyFrame(page, 'Topology: workspace');
    const graph = await waitForNodes(frame, 10);
    // The typo in predict-client's TF_SERVING_HOST is drawn as a ghost Service.
    assert.deepEqual(graph.ghosts, ['ghost:Service/default/tf-serving-clothing-modle']);
    assert.equal(graph.edges, 7);
    await s.screenshot('topology');
  });

  test('applying to a cluster is not offered until the folder is trusted', async () => {
    const page = s.page;
    const offered = await paletteEntries(page, 'Kube Topology:');
    assert.ok(offered.includes('Kube Topology: Show Topology'), `offered: ${offered.join(' | ')}`);
    for (const command of [
      'Kube Topology: Apply to Cluster',
      'Kube Topology: Tear Down (Delete from Cluster)',
      'Kube Topology: Load Images into kind',
      'Kube Topology: Port-Forward to Service',
    ]) {
      assert.ok(!offered.includes(command), `${command} is not offered in Restricted Mode`);
    }
  });
});
