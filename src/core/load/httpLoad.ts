/**
 * Sends a bounded, open-loop stream of HTTP requests from this machine: request n starts at
 * n / rps seconds whether or not earlier ones answered (a slow service gets the load real clients
 * would give it, not less). Each request opens its own connection (`Connection: close`, no agent),
 * so kube-proxy picks a pod per request, the way many independent clients spread over replicas.
 */
import * as http from 'node:http';
import type { LoadRequestSpec } from './loadTypes';
import type { LoadStats } from './loadStats';

/** Sockets open at once, whatever the rate and timeout say. */
export const MAX_IN_FLIGHT = 2000;
/** Answer bytes read per request (the rest is discarded unread: we measure, we do not keep). */
const MAX_BODY_BYTES = 1 << 20;

export interface HttpLoadTarget {
  /** An address (not a name: nothing from a cluster becomes a host name to resolve). */
  host: string;
  port: number;
}

/** How many requests should have started `elapsedMs` into a run of `total` at `rps` (the first at 0). */
export function dueRequests(elapsedMs: number, rps: number, total: number): number {
  if (elapsedMs < 0) return 0;
  return Math.min(total, Math.floor((elapsedMs * rps) / 1000) + 1);
}

/** Requests in a run: rps × duration, at least one. */
export function totalRequests(spec: Pick<LoadRequestSpec, 'rps' | 'durationMs'>): number {
  return Math.max(1, Math.round((spec.rps * spec.durationMs) / 1000));
}

/**
 * Runs the schedule to the end (or until `signal` aborts: requests in flight are dropped, not
 * counted), then waits for the answers still due. Resolves when nothing is in flight.
 */
export function runHttpLoad(target: HttpLoadTarget, spec: LoadRequestSpec, stats: LoadStats, signal: AbortSignal, now: () => number = Date.now): Promise<void> {
  const total = totalRequests(spec);
  const inFlight = new Set<http.ClientRequest>();
  const start = now();
  let started = 0;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finishIfDone = () => {
      if ((started >= total || signal.aborted) && inFlight.size === 0) {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }
    };
    const onAbort = () => {
      if (timer) clearTimeout(timer);
      for (const req of inFlight) req.destroy();
      inFlight.clear();
      finishIfDone();
    };
    signal.addEventListener('abort', onAbort, { once: true });

    const send = () => {
      const t0 = now();
      stats.sent(t0);
      if (inFlight.size >= MAX_IN_FLIGHT) {
        stats.record({ at: t0, ok: false, error: `not sent: ${MAX_IN_FLIGHT} requests already waiting` });
        return;
      }
      let done = false;
      const settle = (ok: boolean, error?: string, answered = false) => {
        if (done) return;
        done = true;
        clearTimeout(deadline);
        inFlight.delete(req);
        if (!signal.aborted) {
          const at = now();
          stats.record({ at, ok, ...(answered ? { ms: at - t0 } : {}), ...(error ? { error } : {}) });
        }
        finishIfDone();
      };
      const headers: Record<string, string | number> = { connection: 'close', 'user-agent': 'kube-topology-load' };
      if (spec.body !== undefined) {
        headers['content-type'] = spec.contentType ?? 'application/octet-stream';
        headers['content-length'] = Buffer.byteLength(spec.body);
      }
      const req = http.request({ host: target.host, port: target.port, path: spec.path, method: spec.method, headers, agent: false });
      inFlight.add(req);
      // the whole exchange, not only socket idleness, is bounded
      const deadline = setTimeout(() => {
        settle(false, 'timeout');
        req.destroy();
      }, spec.timeoutMs);
      req.on('response', (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_BODY_BYTES) res.destroy();
        });
        const status = res.statusCode ?? 0;
        res.on('end', () => settle(status < 400, status < 400 ? undefined : `HTTP ${status}`, true));
        res.on('error', () => settle(status < 400, status < 400 ? undefined : `HTTP ${status}`, true));
        res.on('close', () => settle(status < 400, status < 400 ? undefined : `HTTP ${status}`, true));
      });
      req.on('error', (e: NodeJS.ErrnoException) => settle(false, e.code ?? 'connection error'));
      req.end(spec.body);
    };

    const tick = () => {
      timer = undefined;
      if (signal.aborted) return;
      const due = dueRequests(now() - start, spec.rps, total);
      while (started < due) {
        started++;
        send();
      }
      if (started >= total) return finishIfDone();
      const nextAt = start + (started * 1000) / spec.rps;
      timer = setTimeout(tick, Math.max(1, nextAt - now()));
    };
    tick();
  });
}
