/**
 * Apply, live overlay and tear down clicked through the real VS Code (code-server) against the real
 * control plane of test/cluster (kube-apiserver + kwok). Its server is on 127.0.0.1, so the context
 * counts as local: applying must not ask first.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UI_WAIT, eventually, openFile, runCommand, runSetup, startEachTestFresh, startSession, type Session } from './codeServer';
import { topologyFrame, waitForNodes } from './workbench';
import { startControlPlane, type ControlPlane } from '../cluster/controlPlane';

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: registry.local/web:1.0.0
          imagePullPolicy: IfNotPresent
          ports:
            - containerPort: 8080
          resources:
            requests: { cpu: 50m, memory: 32Mi }
            limits: { cpu: 100m, memory: 64Mi }
          readinessProbe:
            httpGet: { path: /, port: 8080 }
          livenessProbe:
            httpGet: { path: /, port: 8080 }
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
spec:
  selector: { app: web }
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
  namespace: default
data:
  MODE: test
`;

let cp: ControlPlane;
let s: Session;
let fixture: string;

function kubectl(...args: string[]): string {
  return execFileSync(cp.kubectl, ['--context', cp.adminContext, ...args], { env: cp.env, encoding: 'utf8' });
}

async function notification(pattern: RegExp): Promise<string> {
  const toasts = s.page.locator('.notifications-toasts .notification-list-item-message');
  return eventually(
    async () => (await toasts.allTextContents()).find((t) => pattern.test(t)) ?? '',
    (t) => t !== '',
    `a notification matching ${pattern}`,
    UI_WAIT * 3,
  );
}

before(async () => {
  runSetup();
  cp = await startControlPlane();
  // code-server (and its extension host) inherit this: the extension reads the control plane's kubeconfig.
  process.env.KUBECONFIG = cp.kubeconfigPath;
  fixture = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-apply-fixture-'));
  fs.writeFileSync(path.join(fixture, 'web.yaml'), MANIFESTS);
  s = await startSession({ fixture, name: 'e2e-apply' });
});

after(async () => {
  await s?.close();
  await cp?.stop();
  if (fixture) fs.rmSync(fixture, { recursive: true, force: true });
});

describe('Apply to Cluster in VS Code against a real API server', () => {
  // Each test starts from the same workbench and opens what it needs; the cluster state carries over.
  startEachTestFresh(() => s);

  test('the status bar names the context and shows it reachable', async () => {
    await openFile(s.page, 'web.yaml');
    const item = s.page.locator('.statusbar-item', { hasText: `${cp.adminContext} ✓` });
    await item.waitFor({ timeout: UI_WAIT });
    await s.screenshot('status-bar');
  });

  test('Apply creates every resource without a prompt (loopback is local) and reports a summary', async () => {
    await openFile(s.page, 'web.yaml');
    await runCommand(s.page, 'Kube Topology: Apply to Cluster');
    const summary = await notification(/applied 3, unchanged 0/);
    assert.match(summary, new RegExp(`${cp.adminContext}: applied 3, unchanged 0`));
    assert.equal(await s.page.locator('.monaco-dialog-box').count(), 0, 'no confirmation dialog for a local cluster');
    await s.screenshot('applied');
    assert.equal(kubectl('get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}'), '2');
    assert.match(kubectl('get', 'deployment', 'web', '-o', 'jsonpath={.metadata.managedFields[*].manager}'), /kube-topology/);
    assert.equal(kubectl('get', 'configmap', 'web-settings', '-o', 'jsonpath={.data.MODE}'), 'test');
  });

  test('the topology panel draws the live state: replicas ready and endpoints', async () => {
    await openFile(s.page, 'web.yaml');
    await runCommand(s.page, 'Kube Topology: Show Topology');
    const frame = await topologyFrame(s.page, 'Topology: web.yaml');
    await waitForNodes(frame, 3);
    const replicas = frame.locator('.live-overlay[data-node="Deployment/default/web"] .live-replicas .chip-text');
    await eventually(
      async () => (await replicas.textContent().catch(() => '')) ?? '',
      (t) => t === '2/2',
      'the Deployment drawn 2/2 ready',
      UI_WAIT * 3,
    );
    assert.equal(await frame.locator('.live-overlay[data-node="Deployment/default/web"] .pod-dot.pod-ready').count(), 2);
    await eventually(
      async () =>
        (await frame
          .locator('.live-overlay[data-node="Service/default/web"] .live-endpoints .chip-text')
          .textContent()
          .catch(() => '')) ?? '',
      (t) => t === '2 endpoints',
      'the Service drawn with 2 endpoints',
      UI_WAIT * 3,
    );
    await s.screenshot('live-overlay');
  });

  test('applying again changes nothing', async () => {
    await openFile(s.page, 'web.yaml');
    await runCommand(s.page, 'Kube Topology: Apply to Cluster');
    const summary = await notification(/applied 0, unchanged 3/);
    assert.match(summary, /applied 0, unchanged 3/);
  });

  test('Tear Down lists what goes in a modal and deletes it', async () => {
    await openFile(s.page, 'web.yaml');
    await runCommand(s.page, 'Kube Topology: Tear Down (Delete from Cluster)');
    const dialog = s.page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    const text = await dialog.innerText();
    assert.match(text, /deployment\/web in default/);
    assert.match(text, /service\/web in default/);
    assert.match(text, /configmap\/web-settings in default/);
    await s.screenshot('tear-down-dialog');
    await dialog.locator('.monaco-button', { hasText: 'Tear Down' }).click();
    await notification(/deleted 3/);
    assert.equal(kubectl('get', 'deployment/web', 'service/web', 'configmap/web-settings', '--ignore-not-found', '-o', 'name').trim(), '');
  });
});
