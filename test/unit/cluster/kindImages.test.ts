/**
 * kindImages: which images the manifests use, and the messages people get when docker or kind
 * cannot run. The missing binaries are really missing (nonexistent paths, an empty PATH); the
 * stopped daemon is the real docker CLI pointed at a socket nobody serves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { imagesOf, KindToolError, listKindClusters, loadImagesIntoKind, localImageStatus, toolBinary } from '../../../src/core/cluster/kindImages';
import { runCli } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/cliIo';

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: gateway, namespace: shop}
spec:
  selector: {matchLabels: {app: gateway}}
  template:
    metadata: {labels: {app: gateway}}
    spec:
      initContainers:
      - {name: wait-for-model, image: busybox:1.36}
      containers:
      - {name: gateway, image: kt-gateway:v1}
      - {name: sidecar, image: " envoy:v1.30 "}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: model}
spec:
  selector: {matchLabels: {app: model}}
  template:
    metadata: {labels: {app: model}}
    spec:
      containers:
      - {name: model, image: kt-model:v1}
      - {name: no-image}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: retrain}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: train, image: kt-model:v1}]
---
apiVersion: v1
kind: Pod
metadata: {name: debug}
spec:
  containers: [{name: shell, image: busybox:1.36}]
---
apiVersion: v1
kind: Service
metadata: {name: gateway}
spec: {selector: {app: gateway}, ports: [{port: 80}]}
`;

function resources(text: string) {
  const index = new WorkspaceIndex();
  index.setFile('/virtual/app.yaml', text, { explicit: true });
  return index.resources();
}

test('imagesOf lists every container and init-container image once, with who uses it', () => {
  const uses = imagesOf(resources(MANIFESTS));
  // first-use order: a workload's containers, then its init containers
  assert.deepEqual(
    uses.map((u) => u.image),
    ['kt-gateway:v1', 'envoy:v1.30', 'busybox:1.36', 'kt-model:v1'],
  );
  const busybox = uses.find((u) => u.image === 'busybox:1.36');
  assert.deepEqual(busybox?.usedBy, [
    { kind: 'Deployment', namespace: 'shop', name: 'gateway', container: 'wait-for-model', init: true },
    { kind: 'Pod', namespace: 'default', name: 'debug', container: 'shell', init: false },
  ]);
  const model = uses.find((u) => u.image === 'kt-model:v1');
  assert.deepEqual(
    model?.usedBy.map((b) => `${b.kind}/${b.name}/${b.container}`),
    ['Deployment/model/model', 'CronJob/retrain/train'],
  );
});

test('imagesOf ignores resources without pods and containers without an image', () => {
  const uses = imagesOf(resources('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {image: "not-an-image:v1"}\n'));
  assert.deepEqual(uses, []);
});

test('a KUBE_TOPOLOGY_DOCKER that does not exist is named in the error', async () => {
  const env = { ...process.env, KUBE_TOPOLOGY_DOCKER: '/nonexistent/bin/docker' };
  assert.equal(toolBinary('docker', env), '/nonexistent/bin/docker');
  await assert.rejects(localImageStatus(['kt-gateway:v1'], { env }), (e: unknown) => {
    assert.ok(e instanceof KindToolError);
    assert.equal(e.problem, 'not-installed');
    assert.equal(e.message, 'docker not found at /nonexistent/bin/docker (from KUBE_TOPOLOGY_DOCKER)');
    return true;
  });
});

test('docker and kind missing from PATH: "not installed or not on PATH"', async () => {
  const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-empty-path-'));
  try {
    const env = { PATH: emptyDir, HOME: os.homedir() };
    await assert.rejects(localImageStatus(['x:v1'], { env }), {
      name: 'KindToolError',
      message: 'docker is not installed or not on PATH (install it, or set KUBE_TOPOLOGY_DOCKER to its path)',
    });
    await assert.rejects(listKindClusters({ env }), { message: 'kind is not installed or not on PATH (install it, or set KUBE_TOPOLOGY_KIND to its path)' });
    await assert.rejects(loadImagesIntoKind(['x:v1'], 'kind', { env }), (e: unknown) => e instanceof KindToolError && e.problem === 'not-installed');
  } finally {
    fs.rmSync(emptyDir, { recursive: true, force: true });
  }
});

test('a Docker daemon that is not running is reported as such (real docker CLI, unserved socket)', async () => {
  const which = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' });
  assert.equal(which.status, 0, 'this test needs the docker CLI on PATH (test/kind/setup-host.sh installs it)');
  const env = { ...process.env, DOCKER_HOST: `unix://${path.join(os.tmpdir(), `kt-no-daemon-${process.pid}.sock`)}` };
  await assert.rejects(localImageStatus(['kt-gateway:v1'], { env }), (e: unknown) => {
    assert.ok(e instanceof KindToolError);
    assert.equal(e.problem, 'daemon-down');
    assert.match(e.message, /^the Docker daemon is not running or not reachable \(.*Cannot connect to the Docker daemon/);
    return true;
  });
});

test('an aborted signal cancels before anything runs', async () => {
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(loadImagesIntoKind(['x:v1'], 'kind', { signal: ac.signal, env: { ...process.env, KUBE_TOPOLOGY_KIND: '/nonexistent/kind' } }), {
    message: 'cancelled',
  });
});

test('kube-topology kind-load with docker missing: exit 2 and the message, no stack trace', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-kindload-'));
  const prev = process.env.KUBE_TOPOLOGY_DOCKER;
  try {
    fs.writeFileSync(path.join(dir, 'app.yaml'), MANIFESTS);
    process.env.KUBE_TOPOLOGY_DOCKER = path.join(dir, 'no-such-docker');
    let out = '';
    let err = '';
    const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: dir, isTTY: false, readStdin: async () => '' };
    const code = await runCli(['kind-load', 'app.yaml'], io);
    assert.equal(code, 2);
    assert.equal(err, `kube-topology kind-load: docker not found at ${path.join(dir, 'no-such-docker')} (from KUBE_TOPOLOGY_DOCKER)\n`);
    assert.equal(out, '');
  } finally {
    if (prev === undefined) delete process.env.KUBE_TOPOLOGY_DOCKER;
    else process.env.KUBE_TOPOLOGY_DOCKER = prev;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('kube-topology kind-load needs a PATH and says so', async () => {
  let err = '';
  const io: CliIo = { stdout: () => {}, stderr: (t) => (err += t), cwd: os.tmpdir(), isTTY: false, readStdin: async () => '' };
  assert.equal(await runCli(['kind-load'], io), 2);
  assert.match(err, /kind-load needs at least one PATH/);
});
