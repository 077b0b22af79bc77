/**
 * The load pieces that need no cluster: the counts, the schedule, the HTTP sender against a real
 * local server (statuses, timeouts, one connection per request, abort), the load pod's script run
 * by a real shell with real curl and wget against that server, input checks, and the timeline.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { LoadStats, percentiles } from '../../../src/core/load/loadStats';
import { dueRequests, runHttpLoad, totalRequests } from '../../../src/core/load/httpLoad';
import { checkLoadInput, LoadError, pickPort } from '../../../src/core/load/loadTarget';
import { LOAD_SCRIPT, loadPodManifest, parseLoadLine } from '../../../src/core/load/podLoad';
import { imageProblem } from '../../../src/core/cluster/kindImages';
import { eventEntry, scalerChanges, scalerFrom, settled } from '../../../src/core/load/scalingTimeline';
import type { LoadRequestSpec, LoadScaler } from '../../../src/core/load/loadTypes';
import { runCli } from '../../../src/cli/main';
import { memoryIo } from '../../support/memoryIo';

const spec = (over: Partial<LoadRequestSpec> = {}): LoadRequestSpec => ({ method: 'GET', path: '/', rps: 10, durationMs: 1000, timeoutMs: 2000, ...over });

test('LoadStats: totals, error kinds, nearest-rank percentiles, and the last second only', () => {
  const s = new LoadStats();
  for (let i = 0; i < 10; i++) s.sent(i * 100);
  for (let i = 1; i <= 8; i++) s.record({ at: i * 100 + 50, ok: true, ms: i * 10 });
  s.record({ at: 950, ok: false, ms: 5, error: 'HTTP 502' });
  s.record({ at: 1950, ok: false, error: 'timeout' });
  assert.deepEqual(s.total(), { sent: 10, ok: 8, errors: 2, p50Ms: 40, p95Ms: 80, maxMs: 80 });
  assert.deepEqual(s.errorKinds, { 'HTTP 502': 1, timeout: 1 });
  // (1000, 2000]: nothing sent, one timeout
  assert.deepEqual(s.lastSecond(2000), { sent: 0, ok: 0, errors: 1 });
  assert.deepEqual(percentiles([], 0), {});
  assert.deepEqual(percentiles([5, 1, 3], 5), { p50Ms: 3, p95Ms: 5, maxMs: 5 });
});

test('the schedule: request n is due at n/rps s, the first at once, never more than the total', () => {
  assert.equal(dueRequests(0, 10, 50), 1);
  assert.equal(dueRequests(99, 10, 50), 1);
  assert.equal(dueRequests(100, 10, 50), 2);
  assert.equal(dueRequests(60_000, 10, 50), 50);
  assert.equal(dueRequests(-5, 10, 50), 0);
  assert.equal(dueRequests(1999, 0.5, 10), 1);
  assert.equal(dueRequests(2000, 0.5, 10), 2);
  assert.equal(totalRequests({ rps: 4, durationMs: 30_000 }), 120);
  assert.equal(totalRequests({ rps: 0.1, durationMs: 1000 }), 1);
});

/** A local HTTP server: /ok answers 200, /fail 502, /slow never answers; records sockets and bodies. */
async function server(): Promise<{ port: number; sockets: Set<string>; bodies: string[]; close(): Promise<void> }> {
  const sockets = new Set<string>();
  const bodies: string[] = [];
  const hanging: http.ServerResponse[] = [];
  const srv = http.createServer((req, res) => {
    sockets.add(`${req.socket.remotePort}`);
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      bodies.push(`${req.method} ${req.url} ${req.headers['content-type'] ?? ''} ${body}`);
      if (req.url?.startsWith('/slow')) return void hanging.push(res);
      res.writeHead(req.url?.startsWith('/fail') ? 502 : 200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return {
    port: (srv.address() as { port: number }).port,
    sockets,
    bodies,
    close: () =>
      new Promise<void>((r) => {
        for (const h of hanging) h.destroy();
        srv.closeAllConnections();
        srv.close(() => r());
      }),
  };
}

test('runHttpLoad: every request sent and counted, one connection each, statuses and timeouts as errors', async () => {
  const srv = await server();
  try {
    const stats = new LoadStats();
    await runHttpLoad({ host: '127.0.0.1', port: srv.port }, spec({ path: '/ok', rps: 40, durationMs: 500 }), stats, new AbortController().signal);
    assert.deepEqual({ ...stats.total(), p50Ms: 0, p95Ms: 0, maxMs: 0 }, { sent: 20, ok: 20, errors: 0, p50Ms: 0, p95Ms: 0, maxMs: 0 });
    assert.equal(srv.sockets.size, 20, 'one connection per request (kube-proxy balances connections)');

    const failing = new LoadStats();
    await runHttpLoad(
      { host: '127.0.0.1', port: srv.port },
      spec({ path: '/fail', method: 'POST', body: '{"x":1}', contentType: 'application/json', rps: 20, durationMs: 250 }),
      failing,
      new AbortController().signal,
    );
    assert.deepEqual(failing.errorKinds, { 'HTTP 502': 5 });
    assert.ok(srv.bodies.includes('POST /fail application/json {"x":1}'), srv.bodies.slice(-1).join());

    const slow = new LoadStats();
    await runHttpLoad(
      { host: '127.0.0.1', port: srv.port },
      spec({ path: '/slow', rps: 10, durationMs: 200, timeoutMs: 300 }),
      slow,
      new AbortController().signal,
    );
    assert.deepEqual(slow.errorKinds, { timeout: 2 });

    const refused = new LoadStats();
    await runHttpLoad({ host: '127.0.0.1', port: 1 }, spec({ rps: 5, durationMs: 200 }), refused, new AbortController().signal);
    assert.deepEqual(refused.errorKinds, { ECONNREFUSED: 1 });
  } finally {
    await srv.close();
  }
});

test('runHttpLoad: abort stops the schedule and drops what is in flight', async () => {
  const srv = await server();
  try {
    const stats = new LoadStats();
    const ac = new AbortController();
    const run = runHttpLoad({ host: '127.0.0.1', port: srv.port }, spec({ path: '/slow', rps: 20, durationMs: 60_000, timeoutMs: 60_000 }), stats, ac.signal);
    // abort once three requests reached the server (a state, not a time)
    while (srv.bodies.length < 3) await new Promise((r) => setImmediate(r));
    ac.abort();
    await run;
    const t = stats.total();
    assert.ok(t.sent >= 3 && t.sent < 1200, `sent ${t.sent}`);
    assert.equal(t.ok + t.errors, 0, 'requests in flight at the abort are not counted');
  } finally {
    await srv.close();
  }
});

test('input checks: names, port, method, path, rate, duration, body size, content type', () => {
  const ok = { namespace: 'shop', service: 'gateway' };
  assert.doesNotThrow(() => checkLoadInput(ok, spec({ path: '/predict?x=1' })));
  // The API server's wider rule for Service names (a DNS-1123 label where RelaxedServiceNameValidation is on), as requestPath.ts checks it
  assert.doesNotThrow(() => checkLoadInput({ ...ok, service: '9gateway' }, spec()));
  const bad: [Partial<typeof ok & { port: string }>, Partial<LoadRequestSpec>, RegExp][] = [
    [{ service: 'Gateway' }, {}, /Service name "Gateway"/],
    [{ service: 'gate_way' }, {}, /DNS-1123 label/],
    [{ service: '..' }, {}, /may not be/],
    [{ namespace: 'a/b' }, {}, /namespace "a\/b"/],
    [{ port: 'http;rm' }, {}, /--port must be/],
    [{}, { method: 'CONNECT' }, /--method must be one of/],
    [{}, { path: 'predict' }, /--path must start with \//],
    [{}, { path: '/a b' }, /--path/],
    [{}, { path: '/a\r\nHost: x' }, /--path/],
    [{}, { rps: 0 }, /--rps/],
    [{}, { rps: 501 }, /--rps/],
    [{}, { durationMs: 500 }, /--duration/],
    [{}, { body: 'x'.repeat(1024 * 1024 + 1) }, /at most 1024 KB/],
    [{}, { contentType: 'text/plain\r\nX: y' }, /--content-type/],
  ];
  for (const [input, s, re] of bad)
    assert.throws(
      () => checkLoadInput({ ...ok, ...input }, spec(s)),
      (e: unknown) => e instanceof LoadError && re.test(e.message),
      String(re),
    );
});

test('pickPort: by number, by name, the only one; several without --port is an error', () => {
  const ports = [
    { name: 'http', port: 80, targetPort: 9696, nodePort: 30080 },
    { name: 'metrics', port: 9090, targetPort: 'metrics' },
    { name: 'dns', port: 53, protocol: 'UDP' },
  ];
  assert.deepEqual(pickPort(ports, '80', 'gw'), { port: 80, name: 'http', targetPort: 9696, nodePort: 30080 });
  assert.deepEqual(pickPort(ports, 'metrics', 'gw'), { port: 9090, name: 'metrics', targetPort: 'metrics' });
  assert.throws(() => pickPort(ports, undefined, 'gw'), /has 2 ports \(80 \(http\), 9090 \(metrics\)\): pick one with --port/);
  assert.throws(() => pickPort(ports, '53', 'gw'), /has no port 53/);
  assert.deepEqual(pickPort([{ port: 8080 }], undefined, 'gw'), { port: 8080, targetPort: 8080 });
});

test('the load pod: values reach the script only as environment variables; it is bounded and has no token', () => {
  const m = loadPodManifest({
    name: 'kt-load-0123abcd',
    namespace: 'shop',
    image: 'busybox:1.36',
    runId: 'r1',
    url: 'http://gateway.shop.svc.cluster.local:80/predict',
    spec: spec({ method: 'POST', rps: 2.5, durationMs: 60_000, body: '$(reboot)', contentType: 'application/json' }),
    expires: '2030-01-01T00:00:00.000Z',
  }) as { spec: Record<string, unknown> & { containers: { command: string[]; env: { name: string; value: string }[] }[] } };
  const c = m.spec.containers[0];
  assert.deepEqual(c.command, ['sh', '-c', LOAD_SCRIPT]);
  const env = Object.fromEntries(c.env.map((e) => [e.name, e.value]));
  assert.deepEqual(env, {
    URL: 'http://gateway.shop.svc.cluster.local:80/predict',
    METHOD: 'POST',
    RPS_MILLI: '2500',
    TOTAL: '150',
    TIMEOUT_S: '2',
    HAS_BODY: '1',
    BODY: '$(reboot)',
    CONTENT_TYPE: 'application/json',
  });
  assert.equal(m.spec.activeDeadlineSeconds, 60 + 2 + 120);
  assert.equal(m.spec.automountServiceAccountToken, false);
  assert.equal(m.spec.restartPolicy, 'Never');
  assert.equal(imageProblem('busybox:1.36'), undefined);
  assert.equal(imageProblem(`registry.example.com/team/load@sha256:${'ab'.repeat(32)}`), undefined);
  assert.match(imageProblem('busybox; rm -rf /') ?? '', /not a container image reference/);
});

test('log lines: only our own count, codes read as people would', () => {
  assert.deepEqual(parseLoadLine('kt-load 1200 200 35'), { type: 'result', result: { startedMs: 1200, ok: true, ms: 35 } });
  assert.deepEqual(parseLoadLine('kt-load 1200 ok 35'), { type: 'result', result: { startedMs: 1200, ok: true, ms: 35 } });
  assert.deepEqual(parseLoadLine('kt-load 1200 502 35'), { type: 'result', result: { startedMs: 1200, ok: false, ms: 35, error: 'HTTP 502' } });
  assert.deepEqual(parseLoadLine('kt-load 1200 timeout 2000'), { type: 'result', result: { startedMs: 1200, ok: false, error: 'timeout' } });
  assert.deepEqual(parseLoadLine('kt-load-error the image has neither curl nor wget'), { type: 'error', message: 'the image has neither curl nor wget' });
  assert.deepEqual(parseLoadLine('kt-load-done'), { type: 'done' });
  for (const junk of ['hello', 'kt-load 1 200', 'kt-load x 200 1', `kt-load 1 200 ${'9'.repeat(300)}`]) assert.equal(parseLoadLine(junk), undefined, junk);
});

/** Runs LOAD_SCRIPT with sh and the given PATH against the local server; resolves with its output lines. */
function runScript(env: Record<string, string>, pathDirs: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', LOAD_SCRIPT], { env: { PATH: pathDirs, ...env } });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', () => resolve(out.split('\n').filter(Boolean)));
  });
}

/** A PATH with only these tools (so the script takes the wget branch even where curl exists). */
function toolDir(tools: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-load-tools-'));
  for (const t of tools) {
    const where = spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim();
    assert.ok(where, `${t} is needed for this test`);
    fs.symlinkSync(where, path.join(dir, t));
  }
  return dir;
}

for (const client of ['curl', 'wget'] as const) {
  test(`the load pod's script (real sh and ${client}): every request reported with its status, POST bodies sent`, async () => {
    const srv = await server();
    try {
      const dir = toolDir([client, 'timeout', 'sed', 'tail', 'sleep']);
      const base = { RPS_MILLI: '20000', TOTAL: '6', TIMEOUT_S: '2', HAS_BODY: '0', BODY: '', CONTENT_TYPE: 'application/octet-stream', METHOD: 'GET' };
      const lines = await runScript({ ...base, URL: `http://127.0.0.1:${srv.port}/ok` }, dir);
      assert.equal(lines[0], `kt-load-start ${client}`);
      assert.equal(lines[lines.length - 1], 'kt-load-done');
      const results = lines.map(parseLoadLine).filter((l) => l?.type === 'result');
      assert.equal(results.length, 6, lines.join('\n'));
      for (const r of results) assert.equal(r?.type === 'result' && r.result.ok, true, lines.join('\n'));

      const failing = await runScript(
        { ...base, TOTAL: '2', METHOD: 'POST', HAS_BODY: '1', BODY: '{"url":"x"}', CONTENT_TYPE: 'application/json', URL: `http://127.0.0.1:${srv.port}/fail` },
        dir,
      );
      const errors = failing.map(parseLoadLine).filter((l) => l?.type === 'result');
      assert.deepEqual(
        errors.map((r) => r?.type === 'result' && r.result.error),
        ['HTTP 502', 'HTTP 502'],
        failing.join('\n'),
      );
      assert.ok(srv.bodies.includes('POST /fail application/json {"url":"x"}'), srv.bodies.join('\n'));

      const slow = await runScript({ ...base, TOTAL: '1', TIMEOUT_S: '1', URL: `http://127.0.0.1:${srv.port}/slow` }, dir);
      assert.deepEqual(
        slow.map(parseLoadLine).flatMap((r) => (r?.type === 'result' ? [r.result.error] : [])),
        ['timeout'],
        slow.join('\n'),
      );
    } finally {
      await srv.close();
    }
  });
}

test('the script without curl or wget says so', async () => {
  const lines = await runScript({ METHOD: 'GET', TOTAL: '1', RPS_MILLI: '1000' }, toolDir(['sed']));
  assert.deepEqual(lines.map(parseLoadLine), [{ type: 'error', message: 'the image has neither curl nor wget' }]);
});

const scaler = (over: Partial<LoadScaler> = {}): LoadScaler => ({
  name: 'gateway',
  target: 'Deployment/gateway',
  currentReplicas: 1,
  desiredReplicas: 1,
  minReplicas: 1,
  maxReplicas: 4,
  metrics: ['CPU 12% / 50%'],
  pods: [{ name: 'gateway-a', ready: true, phase: 'Running' }],
  ...over,
});

test('a scaler from the live state: what came from the server is made printable', () => {
  const s = scalerFrom(
    { name: 'gateway', target: { kind: 'Deployment', name: 'gateway' }, minReplicas: 1, maxReplicas: 4 },
    { exists: true, hpa: { currentReplicas: 1, desiredReplicas: 2, metrics: ['CPU 90% / 50%\x1b]0;pwned\x07'] }, condition: 'ScalingLimited:\x1b[31m red' },
    { exists: true, pods: [{ name: 'gateway-a\x1b[2J', phase: 'Running', ready: true }] },
  );
  assert.deepEqual(s, {
    name: 'gateway',
    target: 'Deployment/gateway',
    currentReplicas: 1,
    desiredReplicas: 2,
    minReplicas: 1,
    maxReplicas: 4,
    // control characters shown as escapes, never sent raw (terminalText.ts)
    metrics: ['CPU 90% / 50%\\x1b]0;pwned\\x07'],
    pods: [{ name: 'gateway-a\\x1b[2J', ready: true, phase: 'Running' }],
    condition: 'ScalingLimited:\\x1b[31m red',
  });
  assert.equal(scalerFrom({ name: 'x', target: { kind: 'Deployment', name: 'x' }, maxReplicas: 2 }, { exists: false }), undefined);
});

test('timeline: where a scaler starts, decisions, replica changes, pods added, ready, removed', () => {
  assert.deepEqual(scalerChanges(undefined, scaler(), 0), [{ atMs: 0, kind: 'scale', text: 'HPA gateway: 1 replica of Deployment/gateway (CPU 12% / 50%)' }]);
  const up = scaler({
    desiredReplicas: 4,
    metrics: ['CPU 152% / 50%'],
    pods: [
      { name: 'gateway-a', ready: true, phase: 'Running' },
      { name: 'gateway-b', ready: false, phase: 'Pending' },
    ],
  });
  assert.deepEqual(
    scalerChanges(scaler(), up, 25_000).map((e) => e.text),
    ['HPA gateway scales up: wants 4 (was 1) (CPU 152% / 50%)', 'pod gateway-b added'],
  );
  const grown = scaler({ currentReplicas: 4, desiredReplicas: 4, pods: [{ name: 'gateway-b', ready: true, phase: 'Running' }] });
  assert.deepEqual(
    scalerChanges(up, grown, 40_000).map((e) => e.text),
    ['HPA gateway: 1 → 4 replicas (CPU 12% / 50%)', 'pod gateway-b ready', 'pod gateway-a removed'],
  );
  // desiredReplicas 0 is "not decided yet", not a scale-down
  assert.deepEqual(scalerChanges(scaler(), scaler({ desiredReplicas: 0 }), 1), []);
  assert.equal(settled([scaler()]), true);
  assert.equal(settled([grown]), false);
  assert.equal(settled([scaler({ currentReplicas: 1, desiredReplicas: 1, pods: [...grown.pods, ...scaler().pods] })]), false, 'a pod still terminating');
  assert.deepEqual(
    eventEntry(
      {
        reason: 'SuccessfulRescale',
        message: 'New size: 4; reason: cpu resource utilization (percentage of request) above target\x1b[2J',
        involvedObject: { kind: 'HorizontalPodAutoscaler', name: 'gateway' },
      },
      26_000,
    ),
    {
      atMs: 26_000,
      kind: 'event',
      text: 'HPA gateway: SuccessfulRescale: New size: 4; reason: cpu resource utilization (percentage of request) above target\\x1b[2J',
    },
  );
});

test('CLI: load refuses to run unbounded and checks its options before touching a cluster', async () => {
  const io = memoryIo(os.tmpdir());
  assert.equal(await runCli(['load', 'gateway', '--rps', '5'], io), 2);
  assert.match(io.err, /needs --rps and --duration \(it never runs unbounded\)/);
  io.err = '';
  assert.equal(await runCli(['load', 'gateway', '--rps', 'x', '--duration', '1m'], io), 2);
  assert.match(io.err, /--rps must be a number above 0/);
  io.err = '';
  assert.equal(await runCli(['load', 'gateway', '--rps', '5', '--duration', '1m', '--via', 'port-forward'], io), 2);
  assert.match(io.err, /--via must be auto, nodeport or pod/);
  io.err = '';
  assert.equal(await runCli(['load', 'gateway', '--rps', '5', '--duration', '1m', '--body', '/nonexistent/body.json'], io), 2);
  assert.match(io.err, /--body \/nonexistent\/body\.json: ENOENT/);
  // a device that never ends is read up to the ceiling, not into all memory
  io.err = '';
  assert.equal(await runCli(['load', 'gateway', '--rps', '5', '--duration', '1m', '--body', '/dev/zero'], io), 2);
  assert.match(io.err, /--body \/dev\/zero is larger than 1 MiB; gave up reading it/);
});
