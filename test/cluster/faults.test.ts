/**
 * Faults during apply, injected for real into the local control plane (controlPlane.ts): the
 * kube-apiserver SIGKILLed in the middle of an apply (then started again from its own command
 * line), etcd frozen with SIGSTOP and thawed with SIGCONT, the restricted user, a wrong token and
 * a client certificate from an unknown CA, a context pointing at a closed port, and an
 * AbortSignal fired in the middle of a large apply. Every test checks what the engine reports
 * against what the server holds, and that the user's manifest files are never written.
 *
 * Time is never asserted: the suite's own timeout is the watchdog for hangs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { startControlPlane, freePorts, type ControlPlane } from './controlPlane';
import { selfSignedCert } from './processHelpers';
import { WorkspaceIndex } from '../../src/core/index/workspaceIndex';
import type { Resource } from '../../src/core/parse/manifestParser';
import { openCluster, prepareApply, type ApplyProgress, type ApplyResult, type ClusterClient } from '../../src/core/cluster';
import { literalPath } from '../../src/core/cluster/requestPath';

const SECRET_VALUE = 'kt-fault-secret-value-5a7e';

/** What the faults did and how the engine answered, printed at the end (and read by docs/reliability.md). */
const figures: Record<string, unknown> = {};

// ---------------------------------------------------------------------------------------------
// Manifests in a real folder, hashed before and after every apply

function manifests(ns: string, configMaps: number): Record<string, string> {
  const files: Record<string, string> = {
    '00-namespace.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`,
    '10-secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: ${ns}\ntype: Opaque\nstringData:\n  password: ${SECRET_VALUE}\n`,
  };
  const docs: string[] = [];
  for (let i = 0; i < configMaps; i++)
    docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${String(i).padStart(3, '0')}\n  namespace: ${ns}\ndata:\n  index: "${i}"\n`);
  files['20-configmaps.yaml'] = docs.join('---\n');
  return files;
}

interface Workspace {
  dir: string;
  resources: Resource[];
  /** sha256 of every file, and the listing: nothing may change or appear. */
  fingerprint(): string;
}

function workspace(files: Record<string, string>): Workspace {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-faults-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const index = new WorkspaceIndex();
  for (const name of fs.readdirSync(dir).sort()) index.setFile(path.join(dir, name), fs.readFileSync(path.join(dir, name), 'utf8'), { explicit: true });
  return {
    dir,
    resources: index.resources(),
    fingerprint: () =>
      fs
        .readdirSync(dir)
        .sort()
        .map(
          (n) =>
            `${n} ${crypto
              .createHash('sha256')
              .update(fs.readFileSync(path.join(dir, n)))
              .digest('hex')} ${fs.statSync(path.join(dir, n)).mtimeMs}`,
        )
        .join('\n'),
  };
}

// ---------------------------------------------------------------------------------------------
// Processes of the control plane

/** The pid of a component, found by its binary name among the control plane's processes. */
function componentPid(cp: ControlPlane, name: string): number {
  for (const pid of cp.pids()) {
    try {
      const argv0 = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
      if (path.basename(argv0) === name) return pid;
    } catch {
      // exited meanwhile
    }
  }
  throw new Error(`no running ${name} among ${cp.pids().join(', ')}`);
}

/** Its command line and working directory, read before killing it, to start it again the same way. */
function commandOf(pid: number): { argv: string[]; cwd: string } {
  return { argv: fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean), cwd: fs.readlinkSync(`/proc/${pid}/cwd`) };
}

function waitForExit(pid: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      try {
        process.kill(pid, 0);
        setTimeout(check, 50);
      } catch {
        resolve();
      }
    };
    check();
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, limitMs = 90_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(250);
  }
}

// ---------------------------------------------------------------------------------------------

describe('faults during apply, against a real control plane', { timeout: 900_000 }, () => {
  let cp: ControlPlane;
  let admin: ClusterClient;
  /** An apiserver this file started again after killing the original (stopped in after()). */
  let restarted: ChildProcess | undefined;
  let serverLog: number | undefined;

  const exists = async (ns: string, r: Resource): Promise<boolean> => {
    const p =
      r.kind === 'Namespace'
        ? `/api/v1/namespaces/${r.name}`
        : r.kind === 'Secret'
          ? `/api/v1/namespaces/${ns}/secrets/${r.name}`
          : `/api/v1/namespaces/${ns}/configmaps/${r.name}`;
    const res = await admin.request({ method: 'GET', path: literalPath(p) });
    if (res.status !== 200 && res.status !== 404) throw new Error(`GET ${p}: HTTP ${res.status}`);
    return res.status === 200;
  };

  /** Every outcome checked against the server: applied/unchanged ⇒ there; skipped-cancelled of a create ⇒ not there. */
  async function truthfulness(ns: string, ws: Workspace, result: ApplyResult): Promise<{ failedButThere: number; failedAndAbsent: number }> {
    let failedButThere = 0;
    let failedAndAbsent = 0;
    assert.equal(result.outcomes.length, ws.resources.length, 'one outcome per resource');
    for (const o of result.outcomes) {
      const r = ws.resources.find((x) => x.id === o.id)!;
      const there = await exists(ns, r);
      if (o.status === 'applied' || o.status === 'unchanged') assert.ok(there, `${o.ref.kind}/${o.ref.name} reported ${o.status} but is not on the server`);
      else if (o.status === 'skipped-cancelled') assert.ok(!there, `${o.ref.kind}/${o.ref.name} reported skipped but is on the server`);
      else {
        assert.ok(
          o.findings.length > 0 && o.findings.every((f) => f.message.length > 0 && f.file === o.file),
          `${o.ref.name} failed without a finding at its file`,
        );
        // A write cut off by the kill may have reached etcd: "failed" means "not confirmed".
        if (there) failedButThere++;
        else failedAndAbsent++;
      }
    }
    return { failedButThere, failedAndAbsent };
  }

  before(async () => {
    cp = await startControlPlane({ metricsServer: false });
    admin = openCluster(cp.adminContext, { kubeconfig: cp.kubeconfigPath });
  });

  after(async () => {
    admin?.close();
    if (restarted?.pid) {
      restarted.kill('SIGTERM');
      await waitForExit(restarted.pid);
    }
    if (serverLog !== undefined) fs.closeSync(serverLog);
    await cp?.stop();
    process.stdout.write(`# faults ${JSON.stringify(figures)}\n`);
  });

  test('the apiserver killed in the middle of an apply: every resource gets an outcome, none is claimed falsely, and a second apply converges', async (t) => {
    if (cp.external) return t.diagnostic('a reused cluster: its apiserver is not ours to kill');
    const ns = 'kt-fault-kill';
    const ws = workspace(manifests(ns, 80));
    const before = ws.fingerprint();
    const session = await prepareApply(admin, ws.resources, { concurrency: 2 });
    assert.equal(session.plan.summary.error, 0, JSON.stringify(session.plan.findings));

    const pid = componentPid(cp, 'kube-apiserver');
    const command = commandOf(pid);
    let applied = 0;
    let killed = false;
    const result = await session.apply({
      wait: false,
      onProgress: (e: ApplyProgress) => {
        if (e.type !== 'applied' || killed) return;
        if (++applied === 15) {
          killed = true;
          process.kill(pid, 'SIGKILL');
        }
      },
    });
    assert.ok(killed, 'the apiserver was killed during the apply');
    await waitForExit(pid);
    const statuses = result.outcomes.map((o) => o.status);
    assert.ok(statuses.filter((s) => s === 'applied').length >= 15, 'what was applied before the kill is reported applied');
    assert.ok(
      statuses.some((s) => s === 'failed'),
      'what could not be written is reported failed',
    );
    const unreachable = result.findings.filter((f) => f.code === 'apply-unreachable');
    assert.ok(
      unreachable.length > 0 && unreachable.every((f) => /refused|reset|closed|connect|socket|unreachable|ECONN/i.test(f.message)),
      unreachable[0]?.message,
    );

    // The same apiserver, started again from its own command line and flags.
    serverLog = fs.openSync(path.join(cp.logDir, 'kube-apiserver.restarted.log'), 'a');
    restarted = spawn(command.argv[0], command.argv.slice(1), {
      cwd: command.cwd,
      stdio: ['ignore', serverLog, serverLog],
      env: { ...process.env, KUBECONFIG: '' },
    });
    await until('the restarted apiserver to be ready', async () =>
      (await admin.request({ method: 'GET', path: literalPath('/readyz') })).status === 200 ? true : undefined,
    );

    const truth = await truthfulness(ns, ws, result);
    const second = await (await prepareApply(admin, ws.resources, {})).apply({ wait: false });
    assert.deepEqual(second.findings, [], 'the second apply succeeds');
    assert.ok(second.outcomes.every((o) => o.status === 'applied' || o.status === 'unchanged'));
    for (const r of ws.resources) assert.ok(await exists(ns, r), `${r.kind}/${r.name} is on the server after the second apply`);
    assert.equal(ws.fingerprint(), before, 'the manifest files were not written');
    assert.ok(!JSON.stringify(result).includes(SECRET_VALUE) && !JSON.stringify(second).includes(SECRET_VALUE), 'no Secret value in the results');
    figures.apiserverKilled = {
      resources: ws.resources.length,
      applied: statuses.filter((s) => s === 'applied').length,
      failed: statuses.filter((s) => s === 'failed').length,
      ...truth,
      secondApply: 'converged',
    };
  });

  test('etcd frozen (SIGSTOP) for a few seconds during an apply: the apply waits and completes once it thaws', async (t) => {
    if (cp.external) return t.diagnostic('a reused cluster: its etcd is not ours to stop');
    const ns = 'kt-fault-slow-etcd';
    const ws = workspace(manifests(ns, 20));
    const before = ws.fingerprint();
    const session = await prepareApply(admin, ws.resources, {});
    const etcd = componentPid(cp, 'etcd');
    let thawed = false;
    process.kill(etcd, 'SIGSTOP');
    const thaw = setTimeout(() => {
      thawed = true;
      process.kill(etcd, 'SIGCONT');
    }, 4000);
    try {
      const result = await session.apply({ wait: false });
      assert.ok(thawed, 'the apply was still waiting when etcd thawed');
      assert.deepEqual(result.findings, []);
      assert.ok(result.outcomes.every((o) => o.status === 'applied'));
      await truthfulness(ns, ws, result);
      figures.slowEtcd = { resources: ws.resources.length, stoppedMs: 4000, outcome: 'all applied after the thaw' };
    } finally {
      clearTimeout(thaw);
      process.kill(etcd, 'SIGCONT');
    }
    assert.equal(ws.fingerprint(), before);
  });

  test('etcd frozen longer than the client timeout: every resource is reported failed, and after the thaw a second apply converges', async (t) => {
    if (cp.external) return t.diagnostic('a reused cluster: its etcd is not ours to stop');
    const ns = 'kt-fault-stuck-etcd';
    const ws = workspace(manifests(ns, 10));
    const before = ws.fingerprint();
    const impatient = openCluster(cp.adminContext, { kubeconfig: cp.kubeconfigPath, timeoutMs: 2000 });
    const etcd = componentPid(cp, 'etcd');
    process.kill(etcd, 'SIGSTOP');
    let result: ApplyResult;
    try {
      result = await (await prepareApply(impatient, ws.resources, {})).apply({ wait: false });
    } finally {
      process.kill(etcd, 'SIGCONT');
      impatient.close();
    }
    assert.equal(result.outcomes.length, ws.resources.length);
    assert.ok(
      result.outcomes.every((o) => o.status === 'failed'),
      result.outcomes.map((o) => o.status).join(),
    );
    assert.ok(
      result.findings.every((f) => /time|respond|answer/i.test(f.message)),
      result.findings[0]?.message,
    );
    await until('etcd to answer again', async () => ((await admin.request({ method: 'GET', path: literalPath('/readyz') })).status === 200 ? true : undefined));
    const second = await (await prepareApply(admin, ws.resources, {})).apply({ wait: false });
    assert.deepEqual(second.findings, []);
    await truthfulness(ns, ws, second);
    assert.equal(ws.fingerprint(), before);
    figures.stuckEtcd = {
      resources: ws.resources.length,
      clientTimeoutMs: 2000,
      reportedFailed: result.outcomes.length,
      message: result.findings[0]?.message,
      secondApply: 'converged',
    };
  });

  test('a user without RBAC gets `forbidden` on each resource, at its file, and nothing is created', async (t) => {
    if (!cp.restrictedContext) return t.diagnostic('no restricted context on this cluster');
    const ns = 'kt-fault-forbidden';
    const ws = workspace(manifests(ns, 3));
    const before = ws.fingerprint();
    const restricted = openCluster(cp.restrictedContext, { kubeconfig: cp.kubeconfigPath });
    try {
      const result = await (await prepareApply(restricted, ws.resources, {})).apply({ wait: false });
      assert.equal(result.outcomes.length, ws.resources.length);
      for (const o of result.outcomes) {
        assert.equal(o.status, 'failed', `${o.ref.kind}/${o.ref.name}`);
        assert.ok(
          o.findings.some((f) => f.code === 'apply-forbidden' && f.file === o.file && /forbidden/i.test(f.message)),
          JSON.stringify(o.findings),
        );
      }
      for (const r of ws.resources) assert.equal(await exists(ns, r), false, `${r.kind}/${r.name} was not created`);
      assert.ok(!JSON.stringify(result).includes(SECRET_VALUE), 'the Secret value is in no error message');
      figures.forbidden = { resources: ws.resources.length, forbidden: result.outcomes.length, example: result.findings[0]?.message };
    } finally {
      restricted.close();
    }
    assert.equal(ws.fingerprint(), before);
  });

  /** A copy of the test kubeconfig whose admin user is replaced. */
  function kubeconfigWithUser(user: Record<string, string>): string {
    const doc = parseYaml(fs.readFileSync(cp.kubeconfigPath, 'utf8')) as { users: { name: string; user: Record<string, string> }[] };
    for (const u of doc.users) if (u.name === cp.adminContext) u.user = user;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kt-kubeconfig-')), 'kubeconfig');
    fs.writeFileSync(file, stringifyYaml(doc), { mode: 0o600 });
    return file;
  }

  test('a wrong token and a client certificate from an unknown CA are refused with a clear message for each resource', async (t) => {
    if (cp.external) return t.diagnostic('a reused cluster: credentials are its own');
    const ns = 'kt-fault-credentials';
    const ws = workspace(manifests(ns, 2));
    const before = ws.fingerprint();
    // A self-signed client certificate: valid X.509, but no CA the apiserver trusts signed it.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-cert-'));
    selfSignedCert(tmp, '/CN=intruder/O=system:masters');
    const cases: [string, Record<string, string>][] = [
      ['wrong token', { token: 'not-the-right-token-0000' }],
      [
        'unknown client certificate',
        {
          'client-certificate-data': fs.readFileSync(path.join(tmp, 'cert.pem')).toString('base64'),
          'client-key-data': fs.readFileSync(path.join(tmp, 'key.pem')).toString('base64'),
        },
      ],
    ];
    const seen: Record<string, string> = {};
    for (const [label, user] of cases) {
      const file = kubeconfigWithUser(user);
      const client = openCluster(cp.adminContext, { kubeconfig: file });
      try {
        const result = await (await prepareApply(client, ws.resources, {})).apply({ wait: false });
        assert.equal(result.outcomes.length, ws.resources.length, label);
        for (const o of result.outcomes) {
          assert.equal(o.status, 'failed', `${label}: ${o.ref.kind}/${o.ref.name}`);
          assert.ok(
            o.findings.some((f) => /401|unauthori[sz]ed|credential|TLS|certificate/i.test(f.message)),
            `${label}: ${JSON.stringify(o.findings)}`,
          );
        }
        seen[label] = result.findings[0]?.message ?? '';
        assert.ok(!JSON.stringify(result).includes('not-the-right-token-0000'), `${label}: the token is not echoed`);
      } finally {
        client.close();
        fs.rmSync(path.dirname(file), { recursive: true, force: true });
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
    for (const r of ws.resources) assert.equal(await exists(ns, r), false);
    assert.equal(ws.fingerprint(), before);
    figures.credentials = seen;
  });

  test('a context pointing at a closed port returns a clear error for each resource', async () => {
    const [port] = await freePorts(1); // free and closed again: nothing listens there
    const doc = parseYaml(fs.readFileSync(cp.kubeconfigPath, 'utf8')) as { clusters: { cluster: { server: string } }[] };
    for (const c of doc.clusters) c.cluster.server = `https://127.0.0.1:${port}`;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kt-kubeconfig-')), 'kubeconfig');
    fs.writeFileSync(file, stringifyYaml(doc), { mode: 0o600 });
    const ws = workspace(manifests('kt-fault-closed', 5));
    const before = ws.fingerprint();
    const client = openCluster(cp.adminContext, { kubeconfig: file });
    try {
      const probe = await client.probe();
      assert.equal(probe.reachable, false);
      assert.match(probe.error ?? '', new RegExp(`127\\.0\\.0\\.1:${port}|refused`, 'i'));
      const result = await (await prepareApply(client, ws.resources, {})).apply({ wait: false });
      assert.equal(result.outcomes.length, ws.resources.length);
      assert.ok(result.outcomes.every((o) => o.status === 'failed'));
      assert.ok(
        result.findings.every((f) => f.code === 'apply-unreachable' && /refused|not reachable|unreachable|connect/i.test(f.message)),
        result.findings[0]?.message,
      );
      figures.closedPort = { resources: ws.resources.length, probe: probe.error, apply: result.findings[0]?.message };
    } finally {
      client.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
    assert.equal(ws.fingerprint(), before);
  });

  test('cancelling a large apply reports what was written and what was skipped, exactly as the server has it', async () => {
    const ns = 'kt-fault-cancel';
    const ws = workspace(manifests(ns, 150));
    const before = ws.fingerprint();
    const session = await prepareApply(admin, ws.resources, { concurrency: 2 });
    const abort = new AbortController();
    let applied = 0;
    const result = await session.apply({
      wait: false,
      signal: abort.signal,
      onProgress: (e) => {
        if (e.type === 'applied' && ++applied === 20) abort.abort();
      },
    });
    assert.equal(result.cancelled, true);
    const counts: Record<string, number> = {};
    for (const o of result.outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
    assert.ok((counts.applied ?? 0) >= 20, JSON.stringify(counts));
    assert.ok((counts['skipped-cancelled'] ?? 0) > 0, JSON.stringify(counts));
    const truth = await truthfulness(ns, ws, result);
    assert.equal(truth.failedButThere, 0, 'nothing reported failed is on the server');
    assert.equal(ws.fingerprint(), before);
    figures.cancel = { resources: ws.resources.length, ...counts };
  });

  test('the diff of an update and the error of a rejected Secret show no Secret value', async () => {
    const ns = 'kt-fault-secret';
    const ws = workspace(manifests(ns, 1));
    await (await prepareApply(admin, ws.resources, {})).apply({ wait: false });
    const changed = workspace({
      ...manifests(ns, 1),
      '10-secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n  namespace: ${ns}\ntype: Opaque\nstringData:\n  password: ${SECRET_VALUE}-changed\n  extra: ${SECRET_VALUE}-new\n`,
    });
    const plan = (await prepareApply(admin, changed.resources, {})).plan;
    const secret = plan.resources.find((p) => p.ref.kind === 'Secret');
    assert.equal(secret?.action, 'update', 'the changed Secret is an update');
    const rejected = workspace({
      'bad-secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: Bad_Name\n  namespace: ${ns}\nstringData:\n  password: ${SECRET_VALUE}\n`,
    });
    const rejectedPlan = (await prepareApply(admin, rejected.resources, {})).plan;
    assert.equal(rejectedPlan.summary.error, 1);
    const text = JSON.stringify(plan) + JSON.stringify(rejectedPlan);
    assert.ok(
      !text.includes(SECRET_VALUE),
      `a Secret value in the plan: ${text.slice(Math.max(0, text.indexOf(SECRET_VALUE) - 200), text.indexOf(SECRET_VALUE) + 50)}`,
    );
    assert.ok(!text.includes(Buffer.from(`${SECRET_VALUE}-changed`).toString('base64')), 'not even base64-encoded');
  });
});
