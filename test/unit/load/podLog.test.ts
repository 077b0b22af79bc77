/**
 * The load pod's followed log as the load reads it (ClusterClient.streamLines over a path from
 * requestPath.ts), against the HOSTILE FAKE API SERVER of the cluster tests: only for faults a
 * real kubelet cannot be made to produce (a line that never ends, a stream that goes silent, a
 * refusal whose message echoes the token and carries terminal escapes). The happy path runs on a
 * real kind cluster in test/kind/scaling.test.ts (--via pod).
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openCluster, ClusterError, BODY_LIMITS } from '../../../src/core/cluster';
import { resourcePath } from '../../../src/core/cluster/requestPath';
import { logIdleMs } from '../../../src/core/load/podLoad';
import { endless, hostileKubeconfig, json, startHostileServer, type HostileServer } from '../cluster/hostileServer';

const LOG = resourcePath({ apiVersion: 'v1', resource: 'pods', namespace: 'shop', name: 'kt-load-0a1b2c3d', kind: 'Pod', subresource: 'log' });
const TOKEN = 'kt-hostile-token-0123456789';
const query = { container: 'load', follow: 'true' };

describe("the load pod's log from a hostile server (a fake: faults a real kubelet cannot produce)", { timeout: 60_000 }, () => {
  const servers: HostileServer[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });
  const start = async (...args: Parameters<typeof startHostileServer>) => {
    const s = await startHostileServer(...args);
    servers.push(s);
    return openCluster(undefined, { kubeconfig: hostileKubeconfig(s.url) });
  };

  test('lines arrive one by one until the log ends; the request is the checked path with follow', async () => {
    const client = await start({
      [LOG]: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('kt-load-start\n200 12\n\n200 9\nkt-load-done');
      },
    });
    const lines: string[] = [];
    await client.streamLines(LOG, (l) => lines.push(l), { query, maxLineBytes: BODY_LIMITS.logLine });
    client.close();
    assert.deepEqual(lines, ['kt-load-start', '200 12', '200 9', 'kt-load-done']);
  });

  test('a line that never ends is cut at the log-line ceiling', async () => {
    const client = await start({ [LOG]: endless('x'.repeat(4096)) });
    await assert.rejects(
      client.streamLines(LOG, () => assert.fail('no line is whole'), { query, maxLineBytes: BODY_LIMITS.logLine, describe: "the load pod's log" }),
      (e: unknown) => e instanceof ClusterError && e.kind === 'too-large' && /a line of the load pod's log is larger than 64 KiB/.test(e.message),
    );
    client.close();
  });

  test('a log that goes silent ends with a TimeoutError that names the idle time', async () => {
    const client = await start({
      [LOG]: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('kt-load-start\n');
      },
    });
    const lines: string[] = [];
    await assert.rejects(
      client.streamLines(LOG, (l) => lines.push(l), { query, idleMs: 300, describe: "the load pod's log" }),
      (e: unknown) =>
        e instanceof Error && e.name === 'TimeoutError' && /^no line from http:\/\/127\.0\.0\.1:\d+ for 0\.3 s \(the load pod's log\)$/.test(e.message),
    );
    client.close();
    assert.deepEqual(lines, ['kt-load-start']);
  });

  test('a refusal that echoes the token and carries escapes: the status kept, the token never', async () => {
    const client = await start({
      [LOG]: (_req, res) => json(res, 403, { kind: 'Status', message: `pods "x" is forbidden for Bearer ${TOKEN}\x1b]0;pwned\x07`, code: 403 }),
    });
    const err: unknown = await client
      .streamLines(LOG, () => undefined, { query })
      .then(
        () => assert.fail('a 403 is an error'),
        (e: unknown) => e,
      );
    client.close();
    assert.equal((err as { statusCode?: number }).statusCode, 403);
    assert.ok(!(err as Error).message.includes(TOKEN), (err as Error).message);
  });

  test('the idle deadline of a healthy load pod: the gap between two requests plus the request timeout, and slack', () => {
    assert.equal(logIdleMs({ rps: 10, durationMs: 60_000, timeoutMs: 10_000 }), 90_000);
    // one request an hour apart would be silent that long: the deadline follows
    assert.equal(logIdleMs({ rps: 1 / 3600, durationMs: 3_600_000, timeoutMs: 120_000 }), 3_600_000 + 120_000 + 60_000);
  });
});
