/**
 * Kubeconfig merging and local-cluster detection, on real files in a temp folder (no cluster
 * needed; connecting through an exec plugin is tested against the API server in
 * test/cluster/apply.test.ts).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadKubeconfig, findContext, classifyLocal, isLoopbackHost, KubeconfigError } from '../../../src/core/cluster/kubeconfig';

let dir: string;
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
};

const config = (o: {
  clusters: Array<[string, string]>;
  users?: string[];
  contexts: Array<[string, string, string, string?]>;
  current?: string;
  extra?: string;
}) =>
  [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    ...o.clusters.map(([name, server]) => `- name: ${name}\n  cluster:\n    server: ${server}`),
    'users:',
    ...(o.users ?? o.contexts.map((c) => c[2])).map((u) => `- name: ${u}\n  user:\n    token: t-${u}`),
    'contexts:',
    ...o.contexts.map(
      ([name, cluster, user, ns]) => `- name: ${name}\n  context:\n    cluster: ${cluster}\n    user: ${user}${ns ? `\n    namespace: ${ns}` : ''}`,
    ),
    o.current ? `current-context: ${o.current}` : '',
    o.extra ?? '',
  ].join('\n');

describe('kubeconfig', () => {
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-kubeconfig-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('several files in KUBECONFIG merge like kubectl: the first definition and the first current-context win', () => {
    const a = write(
      'a.yaml',
      config({ clusters: [['kind-dev', 'https://127.0.0.1:40001']], contexts: [['kind-dev', 'kind-dev', 'kind-dev']], current: 'kind-dev' }),
    );
    const b = write(
      'b.yaml',
      config({
        clusters: [
          ['kind-dev', 'https://10.0.0.9:6443'],
          ['prod', 'https://k8s.example.com'],
        ],
        contexts: [
          ['kind-dev', 'prod', 'prod-user'],
          ['prod', 'prod', 'prod-user', 'shop'],
        ],
        users: ['prod-user'],
        current: 'prod',
      }),
    );
    const info = loadKubeconfig({ kubeconfig: [a, path.join(dir, 'missing.yaml'), b].join(path.delimiter) });
    assert.deepEqual(info.files, [a, b]);
    assert.equal(info.currentContext, 'kind-dev');
    assert.deepEqual(
      info.contexts.map((c) => c.name),
      ['kind-dev', 'prod'],
    );
    assert.equal(info.contexts[0].server, 'https://127.0.0.1:40001');
    assert.equal(info.contexts[0].file, a);
    assert.deepEqual(
      { ...info.contexts[1], file: '' },
      { name: 'prod', cluster: 'prod', server: 'https://k8s.example.com', user: 'prod-user', namespace: 'shop', local: false, file: '' },
    );
    assert.ok(info.warnings.some((w) => w.includes('missing.yaml') && w.includes('no such file')));
  });

  test('KUBECONFIG from the environment is used when no path is given, then ~/.kube/config', () => {
    const a = write('env.yaml', config({ clusters: [['c', 'https://localhost:6443']], contexts: [['from-env', 'c', 'u']] }));
    assert.deepEqual(
      loadKubeconfig({ env: { KUBECONFIG: a } }).contexts.map((c) => c.name),
      ['from-env'],
    );
    write('home/.kube/config', config({ clusters: [['c', 'https://localhost:6443']], contexts: [['from-home', 'c', 'u']] }));
    assert.deepEqual(
      loadKubeconfig({ env: {}, homeDir: path.join(dir, 'home') }).contexts.map((c) => c.name),
      ['from-home'],
    );
  });

  test('kind, minikube, docker-desktop and loopback servers are local; anything else is remote', () => {
    const file = write(
      'kinds.yaml',
      config({
        clusters: [
          ['kind-ml', 'https://127.0.0.1:41234'],
          ['minikube', 'https://192.168.49.2:8443'],
          ['docker-desktop', 'https://kubernetes.docker.internal:6443'],
          ['k3d', 'https://0.0.0.0:6550'],
          ['v6', 'https://[::1]:6443'],
          ['lan', 'https://192.168.1.20:6443'],
          ['renamed-kind', 'https://127.0.0.1:5555'],
        ],
        contexts: [
          ['kind-ml', 'kind-ml', 'a'],
          ['minikube', 'minikube', 'b'],
          ['docker-desktop', 'docker-desktop', 'c'],
          ['k3d-dev', 'k3d', 'd'],
          ['ipv6', 'v6', 'e'],
          ['lan', 'lan', 'f'],
          ['custom', 'renamed-kind', 'g'],
        ],
      }),
    );
    const byName = Object.fromEntries(
      loadKubeconfig({ kubeconfig: file, kindClusters: ['renamed-kind'] }).contexts.map((c) => [c.name, [c.local, c.localKind, c.kindCluster]]),
    );
    assert.deepEqual(byName, {
      'kind-ml': [true, 'kind', 'ml'],
      minikube: [true, 'minikube', undefined],
      'docker-desktop': [true, 'docker-desktop', undefined],
      'k3d-dev': [true, 'loopback', undefined],
      ipv6: [true, 'loopback', undefined],
      lan: [false, undefined, undefined],
      custom: [true, 'kind', 'renamed-kind'],
    });
  });

  test('a minikube profile is recognised by the extension minikube writes', () => {
    const ext = [{ name: 'cluster_info', extension: { provider: 'minikube.sigs.k8s.io', version: 'v1.34.0' } }];
    assert.deepEqual(classifyLocal('work', 'work', 'https://192.168.58.2:8443', ext), { kind: 'minikube' });
    assert.equal(classifyLocal('work', 'work', 'https://192.168.58.2:8443', []), undefined);
  });

  test('loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.3.2.1', 'localhost', 'LOCALHOST', 'api.localhost', '::1', '[::1]', '0.0.0.0']) assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['10.0.0.1', '128.0.0.1', 'localhost.example.com', 'example.com', '::2']) assert.equal(isLoopbackHost(h), false, h);
  });

  test('relative certificate, token-file and exec command paths resolve against the file that names them', () => {
    const file = write(
      'sub/rel.yaml',
      [
        'clusters:',
        '- name: c',
        '  cluster: {server: "https://127.0.0.1:1", certificate-authority: certs/ca.crt}',
        'users:',
        '- name: u',
        '  user: {client-certificate: ../u.crt, client-key: /abs/u.key, exec: {command: ./bin/plugin, apiVersion: client.authentication.k8s.io/v1}}',
        '- name: v',
        '  user: {exec: {command: aws, apiVersion: client.authentication.k8s.io/v1}}',
        'contexts:',
        '- {name: x, context: {cluster: c, user: u}}',
        '- {name: y, context: {cluster: c, user: v}}',
      ].join('\n'),
    );
    const info = loadKubeconfig({ kubeconfig: file });
    assert.equal(info.merged.clusters[0].cluster?.['certificate-authority'], path.join(dir, 'sub', 'certs', 'ca.crt'));
    assert.equal(info.merged.users[0].user?.['client-certificate'], path.join(dir, 'u.crt'));
    assert.equal(info.merged.users[0].user?.['client-key'], '/abs/u.key');
    assert.equal(info.contexts[0].execCommand, path.join(dir, 'sub', 'bin', 'plugin'));
    assert.equal(info.contexts[1].execCommand, 'aws', 'a bare command is looked up in PATH, not made relative');
  });

  test('a file that is not a kubeconfig is a clear error naming the file; entries without names are warnings', () => {
    const bad = write('bad.yaml', 'clusters: [\n');
    assert.throws(
      () => loadKubeconfig({ kubeconfig: bad }),
      (e: unknown) => e instanceof KubeconfigError && e.message.startsWith(`${bad}: not valid YAML`),
    );
    const list = write('list.yaml', '- a\n- b\n');
    assert.throws(() => loadKubeconfig({ kubeconfig: list }), /not a kubeconfig/);
    const noName = write('noname.yaml', 'contexts:\n- context: {cluster: c}\nclusters: 3\n');
    const info = loadKubeconfig({ kubeconfig: noName });
    assert.deepEqual(info.contexts, []);
    assert.ok(info.warnings.some((w) => w.includes('contexts[0] has no name')));
    assert.ok(info.warnings.some((w) => w.includes('clusters is not a list')));
  });

  test('findContext names the known contexts when the wanted one is missing', () => {
    const file = write(
      'find.yaml',
      config({
        clusters: [['c', 'https://127.0.0.1:1']],
        contexts: [
          ['one', 'c', 'u'],
          ['two', 'c', 'u'],
        ],
      }),
    );
    const info = loadKubeconfig({ kubeconfig: file });
    assert.throws(() => findContext(info), /no current context .*\(known: one, two\)/);
    assert.throws(() => findContext(info, 'three'), /kubeconfig has no context "three" \(known: one, two\)/);
    assert.equal(findContext(info, 'two').name, 'two');
  });
});
