/**
 * kind-create's pieces that need no cluster: names kind accepts, the generated config (parsed back
 * as YAML), the NodePorts a Docker inspect reports, terminal-safe text, and the errors people get
 * when docker or kind is missing (really missing: nonexistent paths) or the daemon is down (the
 * real docker CLI pointed at a socket nobody serves).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse as parseYaml } from 'yaml';
import { clusterNameProblem, configuredNodePorts, hostPortIsFree, kindClusterConfig } from '../../../src/core/kind/kindCreate';
import { INSTALL_HELP, KindToolError, parseNodePortBindings, requireDockerAndKind } from '../../../src/core/kind/kindTools';
import { printableLine } from '../../../src/core/terminalText';
import { runCli } from '../../../src/cli/main';
import { memoryIo } from '../../support/memoryIo';

test("cluster names: kind's own rule, and short enough for the node's hostname", () => {
  for (const ok of ['kind', 'zoomcamp', 'kt-3f9a', 'a.b-c', 'x'.repeat(49)]) assert.equal(clusterNameProblem(ok), undefined, ok);
  assert.match(clusterNameProblem('') ?? '', /must not be empty/);
  assert.match(clusterNameProblem('Kind') ?? '', /not a kind cluster name/);
  assert.match(clusterNameProblem('-kind') ?? '', /not a kind cluster name/);
  assert.match(clusterNameProblem('a b') ?? '', /not a kind cluster name/);
  assert.match(clusterNameProblem('x'.repeat(50)) ?? '', /at most 49/);
  // what reaches a message is printable
  const shown = clusterNameProblem('evil\x1b]0;owned\x07') ?? '';
  assert.ok(!shown.includes('\x1b') && !shown.includes('\x07'), shown);
});

test('the generated config publishes the NodePort on 127.0.0.1 and says failCgroupV1 only on cgroup v1 hosts', () => {
  const v2 = parseYaml(kindClusterConfig({ nodePort: 30081, cgroupV1: false })) as { kind: string; apiVersion: string; nodes: Record<string, unknown>[] };
  assert.equal(v2.kind, 'Cluster');
  assert.equal(v2.apiVersion, 'kind.x-k8s.io/v1alpha4');
  assert.equal(v2.nodes.length, 1);
  assert.deepEqual(v2.nodes[0].extraPortMappings, [{ containerPort: 30081, hostPort: 30081, listenAddress: '127.0.0.1', protocol: 'TCP' }]);
  assert.equal(v2.nodes[0].kubeadmConfigPatches, undefined);
  const v1 = parseYaml(kindClusterConfig({ nodePort: 30080, cgroupV1: true })) as { nodes: { kubeadmConfigPatches: string[] }[] };
  assert.deepEqual(parseYaml(v1.nodes[0].kubeadmConfigPatches[0]), { kind: 'KubeletConfiguration', failCgroupV1: false });
  assert.deepEqual(configuredNodePorts(kindClusterConfig({ nodePort: 30085, cgroupV1: true })), [30085]);
});

test('a user config: only NodePort-range extraPortMappings count', () => {
  const text = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
  extraPortMappings:
  - {containerPort: 80, hostPort: 8080}
  - {containerPort: 31000, hostPort: 31000}
- role: worker
`;
  assert.deepEqual(configuredNodePorts(text), [31000]);
  assert.deepEqual(configuredNodePorts('nodes: [{role: control-plane}]'), []);
  assert.deepEqual(configuredNodePorts(': not yaml ['), []);
});

test('NodePort bindings from docker inspect: the NodePort range only, addresses only, 0.0.0.0 as loopback', () => {
  const out = [
    JSON.stringify({ '6443/tcp': [{ HostIp: '127.0.0.1', HostPort: '41234' }], '30080/tcp': [{ HostIp: '127.0.0.1', HostPort: '30080' }] }),
    JSON.stringify({ '30090/tcp': [{ HostIp: '', HostPort: '9090' }], '30091/udp': [{ HostIp: '', HostPort: '9091' }] }),
    JSON.stringify({ '30092/tcp': [{ HostIp: 'evil.example.com', HostPort: '80' }], '30093/tcp': [{ HostIp: '::', HostPort: '99999' }] }),
    'null',
    'not json',
  ].join('\n');
  assert.deepEqual(parseNodePortBindings(out), [
    { nodePort: 30080, host: '127.0.0.1', hostPort: 30080 },
    { nodePort: 30090, host: '127.0.0.1', hostPort: 9090 },
  ]);
});

test('printableLine: one line, control characters shown as escapes (never raw), bounded length', () => {
  assert.equal(printableLine('ok\x1b[2J\x1b]0;title\x07 done\r\nnext\x00'), 'ok\\x1b[2J\\x1b]0;title\\x07 done next\\x00');
  assert.equal(printableLine('a\u202eb\x9b'), 'a\\u202eb\\x9b');
  assert.equal(printableLine('a'.repeat(20), 10), `${'a'.repeat(9)}…`);
  assert.equal(printableLine(undefined), '');
});

test('a host port held by someone is not free', async () => {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  try {
    assert.equal(await hostPortIsFree(port), false);
  } finally {
    await new Promise((r) => server.close(r));
  }
  assert.equal(await hostPortIsFree(port), true);
});

test('kind or docker missing: the error says what to install', async () => {
  const env = { ...process.env, KUBE_TOPOLOGY_DOCKER: '/nonexistent/docker' };
  await assert.rejects(
    requireDockerAndKind({ env }),
    (e: unknown) => e instanceof KindToolError && e.problem === 'not-installed' && /docker not found at \/nonexistent\/docker/.test(e.message),
  );
  const bare = { ...process.env, PATH: fs.mkdtempSync(path.join(os.tmpdir(), 'kt-empty-path-')), KUBE_TOPOLOGY_DOCKER: '', KUBE_TOPOLOGY_KIND: '' };
  await assert.rejects(
    requireDockerAndKind({ env: bare }),
    (e: unknown) => e instanceof KindToolError && e.problem === 'not-installed' && e.message.includes(INSTALL_HELP.docker),
  );
});

test('the Docker daemon down: said plainly, with how to start it (real docker CLI, unserved socket)', async () => {
  assert.equal(spawnSync('sh', ['-c', 'command -v docker']).status, 0, 'this test needs the docker CLI on PATH (test/kind/setup-host.sh installs it)');
  const env = { ...process.env, DOCKER_HOST: `unix://${path.join(os.tmpdir(), 'kt-no-docker.sock')}`, KUBE_TOPOLOGY_DOCKER: '' };
  await assert.rejects(
    requireDockerAndKind({ env }),
    (e: unknown) => e instanceof KindToolError && e.problem === 'daemon-down' && /start Docker/.test(e.message),
  );
});

test('CLI: kind-create refuses a bad name and a missing docker with exit 2', async () => {
  const io = memoryIo(os.tmpdir());
  assert.equal(await runCli(['kind-create', '--name', 'Bad_Name'], io), 2);
  assert.match(io.err, /kind-create: "Bad_Name" is not a kind cluster name/);
  const io2 = memoryIo(os.tmpdir());
  const saved = process.env.KUBE_TOPOLOGY_DOCKER;
  process.env.KUBE_TOPOLOGY_DOCKER = '/nonexistent/docker';
  try {
    assert.equal(await runCli(['kind-create', '--name', 'kt-x'], io2), 2);
  } finally {
    if (saved === undefined) delete process.env.KUBE_TOPOLOGY_DOCKER;
    else process.env.KUBE_TOPOLOGY_DOCKER = saved;
  }
  assert.match(io2.err, /kind-create: docker not found at \/nonexistent\/docker/);
});
