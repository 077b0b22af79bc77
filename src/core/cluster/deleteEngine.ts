/**
 * Tear down what the files define: the apply tiers backwards (Ingress and HPAs before the
 * workloads, namespaces last), each deleted with foreground propagation (its pods and ReplicaSets
 * go first) and waited for until the server no longer has it. Something already gone is reported
 * as such, not as an error.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Finding, ResourceRef } from '../findings';
import { compareFindings } from '../findings';
import type { Resource } from '../parse/manifestParser';
import { APPLY_CODES, type DeleteOutcome, type DeleteProgress, type DeleteResult } from './applyTypes';
import { ClusterError, type ClusterClient } from './clusterClient';
import { applyTier, groupByTier, runBounded } from './applyOrder';
import { DEFAULT_CONCURRENCY } from './applyEngine';
import { findingsForResponse, headRange, refusalFinding, refusedBeforeDiscovery, refusedNamespace, transportFinding, type ErrorContext } from './serverErrors';
import { secretStrings } from './objectCompare';
import { RefusedPathError, type ApiPath } from './requestPath';

export const DEFAULT_DELETE_WAIT_MS = 120_000;

export interface DeleteOptions {
  /** Namespace for resources without one (default: the context's namespace). */
  namespace?: string;
  /** Wait until each object is gone (default true). */
  wait?: boolean;
  /** Total time to wait for objects to disappear (default 120 s). */
  waitTimeoutMs?: number;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (e: DeleteProgress) => void;
}

export async function deleteResources(client: ClusterClient, resources: readonly Resource[], opts: DeleteOptions = {}): Promise<DeleteResult> {
  const defaultNs = opts.namespace || client.namespace;
  const wait = opts.wait ?? true;
  const waitDeadline = Date.now() + (opts.waitTimeoutMs ?? DEFAULT_DELETE_WAIT_MS);
  const total = resources.length;
  const outcomes = new Map<Resource, DeleteOutcome>();
  let done = 0;
  const cancelled = () => opts.signal?.aborted === true;
  let unreachable: ClusterError | undefined;
  client.addSecrets(resources.flatMap((r) => secretStrings(r.object)));

  const finish = (r: Resource, ref: ResourceRef, status: DeleteOutcome['status'], findings: Finding[] = []) => {
    const outcome: DeleteOutcome = { id: r.id, ref, file: r.file, range: headRange(r), status, findings };
    outcomes.set(r, outcome);
    done++;
    opts.onProgress?.({ type: 'deleted', outcome, done, total });
  };

  for (const tier of groupByTier(resources, (r) => applyTier(r.kind), true)) {
    if (cancelled()) break;
    await runBounded(
      tier,
      opts.concurrency ?? DEFAULT_CONCURRENCY,
      async (r) => {
        const ref: ResourceRef = { apiVersion: r.apiVersion ?? '', kind: r.kind ?? '', name: r.name ?? '', namespace: r.namespace || defaultNs };
        if (unreachable) {
          finish(r, ref, 'failed', [transportFinding(r, ref.namespace, unreachable.message)]);
          return;
        }
        if (!r.apiVersion || !r.kind || !r.name) {
          finish(r, ref, 'failed', [
            transportFinding(r, ref.namespace, 'cannot delete an object without apiVersion, kind and metadata.name', APPLY_CODES.invalidObject),
          ]);
          return;
        }
        // Nothing is sent for a resource whose apiVersion, name or namespace could leave its path segment.
        const refused = refusedBeforeDiscovery(r, ref.namespace);
        if (refused) {
          finish(r, ref, 'failed', [refused]);
          return;
        }
        opts.onProgress?.({ type: 'deleting', ref, done, total });
        const errorCtx: ErrorContext = { resource: r, namespace: ref.namespace, redact: (t) => client.redact(t), verb: 'delete' };
        try {
          const info = await client.resourceFor(r.apiVersion, r.kind, opts.signal);
          if (!info) {
            // The server does not know the kind (its CRD is gone): nothing of it can exist.
            finish(r, ref, 'not-found');
            return;
          }
          if (!info.namespaced) ref.namespace = undefined;
          else {
            const badNamespace = refusedNamespace(r, ref.namespace ?? '');
            if (badNamespace) {
              finish(r, ref, 'failed', [badNamespace]);
              return;
            }
          }
          const path = client.objectPath(ref, info);
          const res = await client.request({
            method: 'DELETE',
            path,
            query: { propagationPolicy: 'Foreground' },
            body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' },
          });
          if (res.status === 404) {
            finish(r, ref, 'not-found');
            return;
          }
          if (res.status < 200 || res.status >= 300) {
            finish(
              r,
              ref,
              'failed',
              findingsForResponse(res, errorCtx).map((f) => (f.code === APPLY_CODES.failed ? { ...f, code: APPLY_CODES.deleteFailed } : f)),
            );
            return;
          }
          if (!wait) {
            finish(r, ref, 'deleted');
            return;
          }
          const gone = await waitUntilGone(client, path, waitDeadline, opts.signal);
          finish(
            r,
            ref,
            gone ? 'deleted' : 'still-terminating',
            gone
              ? []
              : [
                  {
                    ...transportFinding(
                      r,
                      ref.namespace,
                      `${ref.kind.toLowerCase()}/${ref.name} is still terminating (finalizers or dependents not yet removed)`,
                      APPLY_CODES.deleteFailed,
                    ),
                    severity: 'warning',
                  },
                ],
          );
        } catch (e) {
          if (e instanceof RefusedPathError) {
            finish(r, ref, 'failed', [refusalFinding(r, ref.namespace, e)]);
            return;
          }
          if (!(e instanceof ClusterError)) {
            finish(r, ref, 'failed', [transportFinding(r, ref.namespace, `delete failed: ${(e as Error).message ?? String(e)}`, APPLY_CODES.deleteFailed)]);
            return;
          }
          if (e.kind === 'cancelled') {
            finish(r, ref, 'skipped-cancelled');
            return;
          }
          if (e.kind === 'unreachable' || e.kind === 'tls' || e.kind === 'credentials') unreachable = e;
          finish(r, ref, 'failed', [
            transportFinding(r, ref.namespace, e.message, e.kind === 'too-large' || e.kind === 'config' ? APPLY_CODES.deleteFailed : undefined),
          ]);
        }
      },
      cancelled,
    );
  }
  for (const r of resources) {
    if (!outcomes.has(r))
      finish(r, { apiVersion: r.apiVersion ?? '', kind: r.kind ?? '', name: r.name ?? '', namespace: r.namespace || defaultNs }, 'skipped-cancelled');
  }
  const list = resources.map((r) => outcomes.get(r) as DeleteOutcome);
  return {
    context: client.context.name,
    server: client.server,
    outcomes: list,
    cancelled: cancelled(),
    findings: list.flatMap((o) => o.findings).sort(compareFindings),
  };
}

/** Re-reads with backoff until 404; false when the deadline passes first. */
async function waitUntilGone(client: ClusterClient, path: ApiPath, deadline: number, signal?: AbortSignal): Promise<boolean> {
  let delay = 100;
  for (;;) {
    const res = await client.request({ method: 'GET', path, signal });
    if (res.status === 404) return true;
    if (Date.now() + delay > deadline) return false;
    // timers/promises removes its abort listener when the sleep ends, so a long wait does not
    // pile listeners onto one signal (the MaxListenersExceededWarning `delete` used to print).
    await sleep(delay, undefined, { signal }).catch(() => {
      throw new ClusterError('cancelled', 'cancelled', client.server);
    });
    delay = Math.min(delay * 2, 1000);
  }
}
