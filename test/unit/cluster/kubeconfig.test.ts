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
import { loadKubeconfig, findContext, classifyServer, isLoopbackHost, KubeconfigError, normalizeServerUrl } from '../../../src/core/cluster/kubeconfig';

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
    const where = (info: ReturnType<typeof loadKubeconfig>) => Object.fromEntries(info.contexts.map((c) => [c.name, [c.local, c.localKind, c.kindCluster]]));
    // From the addresses alone: loopback is local, everything else is remote whatever it is called.
    assert.deepEqual(where(loadKubeconfig({ kubeconfig: file })), {
      'kind-ml': [true, 'kind', 'ml'],
      minikube: [false, undefined, undefined],
      'docker-desktop': [false, undefined, undefined],
      'k3d-dev': [true, 'loopback', undefined],
      ipv6: [true, 'loopback', undefined],
      lan: [false, undefined, undefined],
      custom: [true, 'loopback', undefined],
    });
    // With what this machine says: kind reports 127.0.0.1:5555 as its cluster "renamed-kind", and
    // kubernetes.docker.internal resolves to loopback here.
    const locality = { kind: [{ name: 'renamed-kind', servers: ['https://127.0.0.1:5555'] }], loopbackNames: ['kubernetes.docker.internal'] };
    assert.deepEqual(where(loadKubeconfig({ kubeconfig: file, locality })), {
      'kind-ml': [true, 'loopback', undefined],
      minikube: [false, undefined, undefined],
      'docker-desktop': [true, 'docker-desktop', undefined],
      'k3d-dev': [true, 'loopback', undefined],
      ipv6: [true, 'loopback', undefined],
      lan: [false, undefined, undefined],
      custom: [true, 'kind', 'renamed-kind'],
    });
  });

  test('a context called kind-* whose server is elsewhere is remote; a kind server on the kind network is local', () => {
    assert.deepEqual(classifyServer('https://k8s.example.com:6443', ['kind-dev', 'kind-dev']), { local: false });
    assert.deepEqual(classifyServer('https://203.0.113.7:6443', ['kind-dev', 'kind-dev']), { local: false });
    assert.deepEqual(classifyServer('https://minikube:8443', ['minikube', 'minikube']), { local: false });
    const evidence = {
      kind: [{ name: 'dev', servers: ['https://127.0.0.1:40000', 'https://dev-control-plane:6443', 'https://172.18.0.2:6443'] }],
      loopbackNames: [],
    };
    assert.deepEqual(classifyServer('https://172.18.0.2:6443', ['whatever', 'whatever'], evidence), { local: true, localKind: 'kind', kindCluster: 'dev' });
    assert.deepEqual(classifyServer('https://dev-control-plane:6443/', ['x', 'x'], evidence), { local: true, localKind: 'kind', kindCluster: 'dev' });
    // Same host, another port: not kind's.
    assert.deepEqual(classifyServer('https://172.18.0.2:7443', ['kind-dev', 'kind-dev'], evidence), { local: false });
    // kind says it has no cluster "ghost": a loopback kind-ghost is loopback, not kind.
    assert.deepEqual(classifyServer('https://127.0.0.1:5000', ['kind-ghost', 'kind-ghost'], evidence), { local: true, localKind: 'loopback' });
    assert.deepEqual(classifyServer('unix:///var/run/k8s.sock', ['x']), { local: true, localKind: 'unix-socket' });
  });

  test('a server URL keeps scheme, host, port and path; user info, query and fragment are dropped and said so', () => {
    assert.deepEqual(normalizeServerUrl('https://admin:hunter2@k8s.example.com:6443/prefix/?token=abc#x'), {
      server: 'https://k8s.example.com:6443/prefix',
      dropped: ['user:password@', 'query string', 'fragment'],
    });
    assert.deepEqual(normalizeServerUrl(' https://127.0.0.1:6443/ '), { server: 'https://127.0.0.1:6443', dropped: [] });
    assert.equal(normalizeServerUrl('file:///etc/passwd?token=abc').server.includes('abc'), false);
    const file = write(
      'creds-in-url.yaml',
      config({ clusters: [['c', 'https://admin:hunter2@k8s.example.com:6443/?token=tok-123']], contexts: [['ctx', 'c', 'u']] }),
    );
    const info = loadKubeconfig({ kubeconfig: file });
    assert.equal(info.contexts[0].server, 'https://k8s.example.com:6443');
    const shown = JSON.stringify(info);
    for (const secret of ['hunter2', 'tok-123', 'admin:']) assert.ok(!shown.includes(secret), `${secret} shown`);
    assert.ok(
      info.warnings.some((w) => /user:password@ and query string ignored/.test(w)),
      info.warnings.join('\n'),
    );
  });

  test('loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.3.2.1', 'localhost', 'LOCALHOST', 'api.localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '0.0.0.0'])
      assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['10.0.0.1', '128.0.0.1', 'localhost.example.com', 'example.com', '::2', '127.0.0.1.nip.io', '::ffff:10.0.0.1'])
      assert.equal(isLoopbackHost(h), false, h);
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
