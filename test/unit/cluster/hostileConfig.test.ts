/**
 * Hostile kubeconfigs and credential plugins, for real: kubeconfig files that are /dev/zero, huge
 * or broken around a token; files named by a kubeconfig that never end; removed auth-providers;
 * exec plugins (real shell scripts) that hang with a child holding their pipes, print a bare token,
 * print megabytes, fail, or are missing. The server behind them is the hostile fake of
 * hostileServer.ts only so that a test can see whether anything was sent at all.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadKubeconfig, KubeconfigError, MAX_KUBECONFIG_BYTES } from '../../../src/core/cluster/kubeconfig';
import { openCluster, ClusterError } from '../../../src/core/cluster/clusterClient';
import { runCliProcess as runCli } from '../../cluster/processHelpers';
import { hostileKubeconfig, startHostileServer, version, json, type HostileServer } from './hostileServer';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('hostile kubeconfigs', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-hostile-kc-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('/dev/zero as the kubeconfig is refused at once, by the library and by the CLI', async () => {
    assert.throws(
      () => loadKubeconfig({ kubeconfig: '/dev/zero' }),
      (e: Error) => e instanceof KubeconfigError && e.message === 'kubeconfig /dev/zero is larger than 8 MiB; gave up reading it',
    );
    const manifest = path.join(dir, 'cm.yaml');
    fs.writeFileSync(manifest, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
    const t0 = Date.now();
    const r = await runCli(['delete', '--kubeconfig', '/dev/zero', manifest], process.env, dir);
    process.stderr.write(`# kube-topology delete --kubeconfig /dev/zero: exit ${r.code} after ${Date.now() - t0} ms\n`);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'kube-topology delete: kubeconfig /dev/zero is larger than 8 MiB; gave up reading it\n');
  });

  test('a kubeconfig file over the ceiling is refused without being read', () => {
    const big = path.join(dir, 'big');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, MAX_KUBECONFIG_BYTES + 1); // sparse: its size says enough
    assert.throws(() => loadKubeconfig({ kubeconfig: big }), /is larger than 8 MiB/);
  });

  test('a YAML error never quotes the line, which may hold a token', () => {
    const file = path.join(dir, 'broken');
    fs.writeFileSync(file, 'users:\n- name: a\n  user:\n    token: "SECRET-TOKEN-kt-4411\n');
    assert.throws(
      () => loadKubeconfig({ kubeconfig: file }),
      (e: Error) => e instanceof KubeconfigError && !e.message.includes('SECRET-TOKEN') && /not valid YAML at line \d/.test(e.message),
    );
  });

  test('files the kubeconfig names are read with a ceiling: token-file, certificate-authority and client-key of /dev/zero', () => {
    for (const [where, entry] of [
      ['user', { 'token-file': '/dev/zero' }],
      ['user', { 'client-certificate': '/dev/zero', 'client-key': '/dev/zero' }],
      ['cluster', { 'certificate-authority': '/dev/zero' }],
    ] as const) {
      const kc = hostileKubeconfig('https://127.0.0.1:1', {
        dir: fs.mkdtempSync(path.join(dir, 'f')),
        ...(where === 'user' ? { user: entry } : { clusterExtra: entry }),
      });
      assert.throws(
        () => openCluster(undefined, { kubeconfig: kc }),
        (e: Error) =>
          e instanceof ClusterError &&
          e.kind === 'config' &&
          /\/dev\/zero of (user "u"|cluster "hostile") is larger than 1 MiB; gave up reading it/.test(e.message),
        JSON.stringify(entry),
      );
    }
  });

  test('the gcp and azure auth-providers (removed from kubectl) and unknown ones are refused by name; a file: server is not a server', () => {
    for (const [name, fix] of [
      ['gcp', /gke-gcloud-auth-plugin/],
      ['azure', /kubelogin/],
      ['mystery', /not supported/],
    ] as const) {
      const kc = hostileKubeconfig('https://127.0.0.1:1', {
        dir: fs.mkdtempSync(path.join(dir, 'p')),
        user: { 'auth-provider': { name, config: { 'cmd-path': '/bin/sh' } } },
      });
      assert.throws(
        () => openCluster(undefined, { kubeconfig: kc }),
        (e: Error) => e instanceof ClusterError && fix.test(e.message),
        name,
      );
    }
    const kc = hostileKubeconfig('file:///etc/passwd?token=abc', { dir: fs.mkdtempSync(path.join(dir, 's')) });
    assert.throws(
      () => openCluster(undefined, { kubeconfig: kc }),
      (e: Error) => /is not an https:\/\/ or http:\/\/ URL/.test(e.message) && !e.message.includes('abc'),
    );
  });
});

describe('hostile credential plugins (real scripts)', { timeout: 120_000 }, () => {
  let s: HostileServer;
  let dir: string;
  before(async () => {
    s = await startHostileServer({ '/version': version, '/api/v1': (req, res) => json(res, 403, { message: `no: ${String(req.headers.authorization)}` }) });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-plugins-'));
  });
  after(async () => {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const plugin = (name: string, script: string, extra: Record<string, unknown> = {}) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return hostileKubeconfig(s.url, {
      dir: fs.mkdtempSync(path.join(dir, `${name}-`)),
      user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: file, interactiveMode: 'Never', ...extra } },
    });
  };

  test('a plugin that hangs (its child holding the pipe) is killed with its child at the deadline; the server is never contacted', async () => {
    const pids = path.join(dir, 'hang.pids');
    const kc = plugin('hang.sh', `sleep 300 &\necho "$$ $!" > ${pids}\nwait`);
    const before = s.received.length;
    const client = openCluster(undefined, { kubeconfig: kc, timeoutMs: 1500 });
    const probe = await client.probe({ timeoutMs: 1500 });
    assert.equal(probe.errorKind, 'credentials');
    assert.equal(
      probe.error,
      `the credential plugin "${path.join(dir, 'hang.sh')}" (user "u") did not finish in 1.5 s; it was stopped and the server was not contacted`,
    );
    assert.equal(s.received.length, before, 'the server was contacted');
    const [shell, child] = fs.readFileSync(pids, 'utf8').trim().split(' ').map(Number);
    // The whole process group is killed: the script and the sleep it started.
    for (let i = 0; i < 50 && (alive(shell) || alive(child)); i++) await sleep(100);
    assert.equal(alive(shell), false, 'the plugin is still running');
    assert.equal(alive(child), false, "the plugin's child is still running");
    client.close();
  });

  test('the CLI says the plugin gave up and the process ends (it does not wait for the plugin)', async () => {
    const kc = plugin('hang2.sh', 'sleep 300 & wait');
    const manifest = path.join(dir, 'cm.yaml');
    fs.writeFileSync(manifest, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
    const r = await runCli(['delete', '--kubeconfig', kc, '--request-timeout', '1s', manifest], process.env, dir);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^kube-topology delete: the credential plugin ".*hang2\.sh" \(user "u"\) did not finish in 1 s; it was stopped and the server was not contacted\n$/,
    );
  });

  test('a plugin that prints a bare token: the message says what is wrong and never quotes it', async () => {
    const client = openCluster(undefined, { kubeconfig: plugin('bare.sh', 'echo kt-bare-token-5150-not-json') });
    const probe = await client.probe();
    client.close();
    assert.equal(probe.errorKind, 'credentials');
    assert.match(probe.error ?? '', /printed 28 bytes that are not an ExecCredential JSON object \(not shown: they may hold a credential\)/);
    assert.ok(!(probe.error ?? '').includes('kt-bare-token'), probe.error);
  });

  test('a plugin that prints without end is stopped at 1 MiB', async () => {
    const client = openCluster(undefined, { kubeconfig: plugin('flood.sh', 'yes kt-flood-token-line') });
    const probe = await client.probe({ timeoutMs: 20_000 });
    client.close();
    assert.match(probe.error ?? '', /the credential plugin ".*flood\.sh" \(user "u"\) printed more than 1 MiB; it was stopped/);
    assert.ok(!(probe.error ?? '').includes('kt-flood-token'), probe.error);
  });

  test('a failing plugin: its last line of standard error (its message to the user), never its standard output', async () => {
    const client = openCluster(undefined, {
      kubeconfig: plugin('fail.sh', 'echo kt-stdout-secret-77\necho "warming up" >&2\necho "token expired: run aws sso login" >&2\nexit 3'),
    });
    const probe = await client.probe();
    client.close();
    assert.match(probe.error ?? '', /the credential plugin ".*fail\.sh" \(user "u"\) failed \(exit code 3\): token expired: run aws sso login$/);
    assert.ok(!(probe.error ?? '').includes('kt-stdout-secret'), probe.error);
  });

  test('a missing plugin is named, with its install hint', async () => {
    const kc = hostileKubeconfig(s.url, {
      dir: fs.mkdtempSync(path.join(dir, 'missing-')),
      user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'kt-no-such-plugin', installHint: 'Install it with\n  brew install kt-plugin' } },
    });
    const client = openCluster(undefined, { kubeconfig: kc });
    const probe = await client.probe();
    client.close();
    assert.equal(probe.error, 'the credential plugin "kt-no-such-plugin" (user "u") was not found. Install it with brew install kt-plugin');
  });

  test('a token from a plugin and its env values never appear, even when the server echoes them', async () => {
    const kc = plugin(
      'good.sh',
      'printf \'{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"kt-plugin-token-%s"}}\' "$KT_SUFFIX"',
      { env: [{ name: 'KT_SUFFIX', value: 'env-value-kt-9911' }] },
    );
    const client = openCluster(undefined, { kubeconfig: kc });
    const probe = await client.probe();
    assert.equal(probe.version, 'v1.36.3');
    assert.equal(s.received.at(-1)?.headers.authorization, 'Bearer kt-plugin-token-env-value-kt-9911');
    await assert.rejects(client.resourceFor('v1', 'ConfigMap'), (e: Error) => {
      assert.equal(e.message, 'discovery of v1: no: Bearer *** (HTTP 403)');
      return true;
    });
    assert.equal(client.redact('x env-value-kt-9911 y'), 'x *** y');
    client.close();
  });
});
