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
      message: /^docker is not installed or not on PATH: install Docker Engine .*\(or set KUBE_TOPOLOGY_DOCKER to its path\)$/,
    });
    await assert.rejects(listKindClusters({ env }), {
      message: /^kind is not installed or not on PATH: install kind .*\(or set KUBE_TOPOLOGY_KIND to its path\)$/,
    });
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
    const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: dir, isTTY: false, readStdin: () => Promise.resolve('') };
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
  const io: CliIo = { stdout: () => {}, stderr: (t) => (err += t), cwd: os.tmpdir(), isTTY: false, readStdin: () => Promise.resolve('') };
  assert.equal(await runCli(['kind-load'], io), 2);
  assert.match(err, /kind-load needs at least one PATH/);
});

/**
 * A recording stand-in for kind and docker: it only writes down the arguments it was given (and,
 * as docker, answers like a present image), so the tests can see the exact command lines. The real
 * kind v0.33 and docker CLIs both take the image after "--" (checked by hand on the kind test bed:
 * `kind load docker-image --name=x -- busybox:1.36` reports the image, not an option).
 */
function recorder(dir: string, name: string): { bin: string; calls(): string[][] } {
  const bin = path.join(dir, name);
  const log = path.join(dir, `${name}.calls`);
  fs.writeFileSync(bin, `#!/bin/sh\nprintf '%s\\0' "$@" >> ${JSON.stringify(log)}\nprintf '\\n' >> ${JSON.stringify(log)}\necho sha256:0123\n`, {
    mode: 0o755,
  });
  return {
    bin,
    calls: () =>
      fs.existsSync(log)
        ? fs
            .readFileSync(log, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => l.split('\0').slice(0, -1))
        : [],
  };
}

test('nothing from a manifest becomes an option: images are checked and passed after "--", the cluster as one --name= argument', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-argv-'));
  try {
    const kind = recorder(dir, 'kind');
    const docker = recorder(dir, 'docker');
    const env = { ...process.env, KUBE_TOPOLOGY_KIND: kind.bin, KUBE_TOPOLOGY_DOCKER: docker.bin };
    const uses = imagesOf(
      resources(
        'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: "--help"}\n  - {name: b, image: "-v=9"}\n  - {name: c, image: "Nginx:1"}\n  - {name: d, image: "kt-gateway:v1"}\n',
      ),
    );
    assert.deepEqual(
      uses.map((u) => [u.image, u.problem]),
      [
        ['--help', 'it starts with "-"'],
        ['-v=9', 'it starts with "-"'],
        ['Nginx:1', 'it is not an image reference ([registry/]name[:tag][@digest], lower-case name)'],
        ['kt-gateway:v1', undefined],
      ],
    );
    assert.deepEqual(await localImageStatus(['kt-gateway:v1'], { env }), [{ image: 'kt-gateway:v1', present: true, id: 'sha256:0123' }]);
    assert.deepEqual(docker.calls(), [['image', 'inspect', '--format', '{{.Id}}', '--', 'kt-gateway:v1']]);
    await loadImagesIntoKind(['kt-gateway:v1', 'kt-model:v1'], 'dev', { env });
    assert.deepEqual(kind.calls(), [['load', 'docker-image', '--name=dev', '--', 'kt-gateway:v1', 'kt-model:v1']]);
    // Refused before anything runs: an option-like image, an option-like cluster name.
    await assert.rejects(loadImagesIntoKind(['--help'], 'dev', { env }), /"--help" is not a valid image reference: it starts with "-"; nothing was run for it/);
    await assert.rejects(localImageStatus(['-v=9'], { env }), /"-v=9" is not a valid image reference/);
    await assert.rejects(loadImagesIntoKind(['kt-gateway:v1'], '--verbosity=9', { env }), /kind cluster name "--verbosity=9" is not valid/);
    assert.equal(kind.calls().length, 1);
    assert.equal(docker.calls().length, 1);

    // The CLI reports the invalid ones, loads the rest, and exits 1.
    fs.writeFileSync(
      path.join(dir, 'pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: "--help"}\n  - {name: d, image: "kt-gateway:v1"}\n',
    );
    const saved = { kind: process.env.KUBE_TOPOLOGY_KIND, docker: process.env.KUBE_TOPOLOGY_DOCKER };
    process.env.KUBE_TOPOLOGY_KIND = kind.bin;
    process.env.KUBE_TOPOLOGY_DOCKER = docker.bin;
    let out = '';
    let err = '';
    const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: dir, isTTY: false, readStdin: () => Promise.resolve('') };
    try {
      assert.equal(await runCli(['kind-load', '--cluster', 'dev', 'pod.yaml'], io), 1);
    } finally {
      for (const [k, v] of [
        ['KUBE_TOPOLOGY_KIND', saved.kind],
        ['KUBE_TOPOLOGY_DOCKER', saved.docker],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    assert.equal(err, 'kube-topology kind-load: "--help" (Pod p) is not a valid image reference: it starts with "-"; skipped\n');
    assert.match(out, /Loaded into kind cluster dev: kt-gateway:v1/);
    assert.deepEqual(kind.calls().at(-1), ['load', 'docker-image', '--name=dev', '--', 'kt-gateway:v1']);
    assert.equal(await runCli(['kind-load', '--cluster', '-x', 'pod.yaml'], io), 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
