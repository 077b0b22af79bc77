/**
 * What the extension costs in a repository without Kubernetes manifests (CI workflows, compose and
 * docs YAML only): nothing until a YAML file is opened, and then only its activation — no files
 * read, no kubeconfig, no cluster probe, no status bar item — until a manifest appears.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, eventually, openFile, runCommand, runSetup, startSession, type Session } from './codeServer';
import { readProblems, showProblems } from './workbench';

let s: Session;

before(async () => {
  runSetup();
  s = await startSession({ fixture: path.join(ROOT, 'test/e2e/fixtures/no-manifests'), name: 'e2e-no-manifests' });
});

after(async () => {
  await s?.close();
});

/** Our cluster status bar item, found by its id (VS Code prefixes the extension's id). */
async function clusterItems(): Promise<number> {
  const ids = await s.page.locator('.statusbar-item').evaluateAll((items) => items.map((i) => i.id));
  return ids.filter((id) => id.endsWith('kubeTopology.cluster')).length;
}

/** The extension's output channel, as it is written to disk ('' before the extension has activated). */
function channel(): string {
  const find = (dir: string): string | undefined => {
    if (!fs.existsSync(dir)) return undefined;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        const hit = find(p);
        if (hit) return hit;
      } else if (e.name === 'Kube Topology.log') return p;
    }
    return undefined;
  };
  const file = find(path.join(s.userData, 'logs'));
  return file ? fs.readFileSync(file, 'utf8') : '';
}

describe('a repository without manifests', () => {
  test('opening its YAML activates the extension, which reads no file and touches no cluster', async () => {
    const page = s.page;
    // mkdocs.yml is plain YAML to VS Code (docker-compose.yml has a language of its own).
    await openFile(page, 'mkdocs.yml');
    const log = await eventually(
      async () => channel(),
      (t) => /Activated in \d+ ms/.test(t),
      'the activation line in the Kube Topology channel',
    );
    const activated = /Activated in (\d+) ms([^\n]*)/.exec(log)!;
    assert.match(activated[2], /the workspace is indexed when a Kubernetes manifest is opened/, 'activation did not start indexing');
    console.log(`# activate() without manifests: ${activated[1]} ms`);
    await openFile(page, '.github/workflows/ci.yml');
    await openFile(page, 'docker-compose.yml');
    // Still nothing indexed: no "Indexed" line, no cluster status item, no problems.
    assert.doesNotMatch(channel(), /Indexed \d+ files/);
    assert.equal(await clusterItems(), 0, 'no cluster status bar item');
    await runCommand(page, 'Developer: Show Running Extensions');
    const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'Kube Topology' });
    const time = await eventually(
      async () => ((await row.count()) ? ((await row.locator('.activation-time').textContent()) ?? '') : ''),
      (t) => /\d+ms/.test(t),
      'Kube Topology in Running Extensions',
    );
    console.log(`# running extensions (no manifests): ${time.trim()}`);
    await s.screenshot('running-extensions');
  });

  test('a manifest appearing starts the indexing and the cluster status, as in any Kubernetes repository', async () => {
    const page = s.page;
    fs.writeFileSync(
      path.join(s.workspace, 'web.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: web:latest\n',
    );
    await openFile(page, 'web.yaml');
    const log = await eventually(
      async () => channel(),
      (t) => /Indexed \d+ files/.test(t),
      'the workspace to be indexed',
    );
    // Every YAML file of the folder was read once the manifest opened (the CI files among them).
    assert.equal(Number(/Indexed (\d+) files/.exec(log)![1]), 4);
    await eventually(clusterItems, (n) => n === 1, 'the cluster status bar item');
    await showProblems(page);
    const rows = await eventually(
      () => readProblems(page),
      (r) => r.some((x) => x.file === 'web.yaml' && x.code === 'latest-image-pull-always'),
      "the Deployment's :latest finding in the Problems panel",
    );
    assert.deepEqual(
      rows.filter((r) => r.file !== 'web.yaml'),
      [],
      'the CI, compose and docs YAML have no findings',
    );
  });
});
