/**
 * Names that are not names, against the real local control plane (controlPlane.ts): a manifest
 * whose ConfigMaps are called "." and ".." once made `delete` send `DELETE .../namespaces/prod/configmaps/`
 * (every ConfigMap of the namespace) and `DELETE .../namespaces/prod/` (the namespace), because URL
 * parsing drops dot segments. Here the same files meet the real API server through the CLI and
 * through the engine Tear Down uses, next to sentinel ConfigMaps that must survive.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { startControlPlane, type ControlPlane } from './controlPlane';
import { WorkspaceIndex } from '../../src/core/index/workspaceIndex';
import type { Resource } from '../../src/core/parse/manifestParser';
import { openCluster, deleteResources, prepareApply, type ClusterClient } from '../../src/core/cluster';
import { literalPath } from '../../src/core/cluster/requestPath';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const cliPath = path.join(repoRoot, 'dist', 'cli.js');
const NS = 'kt-prod';
const SENTINELS = ['sentinel-a', 'sentinel-b', 'sentinel-c'];

const DOTS = `apiVersion: v1
kind: ConfigMap
metadata: {name: ".", namespace: ${NS}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: "..", namespace: ${NS}}
`;

/** Every other way a name, namespace or apiVersion could leave its path segment. */
const OTHERS = `apiVersion: v1
kind: ConfigMap
metadata: {name: "sentinel-a/..", namespace: ${NS}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: "%2e%2e", namespace: ${NS}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: "x", namespace: ".."}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: "..", namespace: "${NS}/configmaps"}
---
apiVersion: v1/../../api/v1/namespaces/${NS}
kind: ConfigMap
metadata: {name: sentinel-a, namespace: ${NS}}
---
apiVersion: v1
kind: Namespace
metadata: {name: "."}
`;

function resourcesOf(files: Record<string, string>): Resource[] {
  const index = new WorkspaceIndex();
  for (const [file, text] of Object.entries(files)) index.setFile(file, text, { explicit: true });
  return index.resources();
}

function runCli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('hostile names against a real API server', { timeout: 300_000 }, () => {
  let cp: ControlPlane;
  let admin: ClusterClient;
  let dir: string;

  /** The namespace and every sentinel exist, and the namespace is not being deleted (all problems in one message). */
  async function assertSurvivors(): Promise<void> {
    const problems: string[] = [];
    const ns = await admin.request({ method: 'GET', path: literalPath(`/api/v1/namespaces/${NS}`) });
    if (ns.status !== 200) problems.push(`namespace ${NS} is gone (HTTP ${ns.status})`);
    else if ((ns.body as { metadata: { deletionTimestamp?: string } }).metadata.deletionTimestamp) problems.push(`namespace ${NS} is terminating`);
    for (const name of SENTINELS) {
      const r = await admin.request({ method: 'GET', path: literalPath(`/api/v1/namespaces/${NS}/configmaps/${name}`) });
      if (r.status !== 200) problems.push(`sentinel ConfigMap ${name} was deleted (HTTP ${r.status})`);
    }
    assert.deepEqual(problems, []);
  }

  before(async () => {
    cp = await startControlPlane({ metricsServer: false });
    admin = openCluster(cp.adminContext, { kubeconfig: cp.kubeconfigPath });
    const created = await admin.request({
      method: 'POST',
      path: literalPath('/api/v1/namespaces'),
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (const name of SENTINELS) {
      const r = await admin.request({
        method: 'POST',
        path: literalPath(`/api/v1/namespaces/${NS}/configmaps`),
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { keep: 'me' } },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-hostile-names-'));
    fs.writeFileSync(path.join(dir, 'dots.yaml'), DOTS);
    fs.writeFileSync(path.join(dir, 'others.yaml'), OTHERS);
  });

  after(async () => {
    admin?.close();
    await cp?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('`kube-topology delete` of the dots file deletes nothing: the sentinels and the namespace survive', async () => {
    const r = await runCli(['delete', '--context', cp.adminContext, '--no-wait', 'dots.yaml'], { ...process.env, KUBECONFIG: cp.kubeconfigPath }, dir);
    await assertSurvivors();
    assert.equal(r.code, 1, r.stdout + r.stderr);
    // Each refused resource is reported at its own line, with what was wrong.
    assert.match(
      r.stdout,
      /^ {2}dots\.yaml:3:18: error apply-invalid-object: metadata\.name of ConfigMap "\." is not valid: it may not be "\." .* nothing was sent for it$/m,
    );
    assert.match(
      r.stdout,
      /^ {2}dots\.yaml:7:18: error apply-invalid-object: metadata\.name of ConfigMap "\.\." is not valid: it may not be "\.\." .* nothing was sent for it$/m,
    );
    assert.match(r.stdout, /kt-admin: 0 deleted, 0 already gone, 2 failed/);
  });

  test('Tear Down (the delete engine) and Apply refuse every other escape, and nothing changes on the server', async () => {
    const resources = resourcesOf({ [path.join(dir, 'dots.yaml')]: DOTS, [path.join(dir, 'others.yaml')]: OTHERS });
    const deleted = await deleteResources(admin, resources, { wait: false });
    await assertSurvivors();
    for (const o of deleted.outcomes) {
      assert.equal(o.status, 'failed', `${o.ref.kind} ${JSON.stringify(o.ref.name)} in ${JSON.stringify(o.ref.namespace)}: ${o.status}`);
      assert.equal(o.findings[0]?.code, 'apply-invalid-object', JSON.stringify(o.findings));
    }
    const session = await prepareApply(admin, resources, {});
    for (const p of session.plan.resources) assert.equal(p.action, 'error', `${p.ref.kind} ${JSON.stringify(p.ref.name)}: ${p.action}`);
    const applied = await session.apply({ wait: false });
    for (const o of applied.outcomes) assert.equal(o.status, 'failed');
    await assertSurvivors();
    const list = (await admin.request({ method: 'GET', path: literalPath(`/api/v1/namespaces/${NS}/configmaps`) })).body as {
      items: Array<{ metadata: { name: string } }>;
    };
    assert.deepEqual(
      list.items.map((i) => i.metadata.name).filter((n) => n !== 'kube-root-ca.crt'),
      SENTINELS,
    );
  });
});
