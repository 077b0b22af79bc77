/**
 * Server-side apply of the project's resources, in two steps a person can look at in between:
 *
 *   const session = await prepareApply(client, resources, options); // dry-run: plan, diffs, errors
 *   const result = await session.apply({ force });                 // the writes, then rollout status
 *
 * The dry-run asks the server about every resource first (nothing is written), so a rejected
 * field is reported on its YAML line before anything changes; the objects that exist are then read
 * to compare (liveRead.ts: a LIST per collection where several share one). The writes go in dependency order
 * (applyOrder.ts), independent ones in parallel; a rejected resource does not stop the others;
 * cancelling stops starting new writes and lets the ones in flight finish, so every outcome says
 * what really happened.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Finding, ResourceRef } from '../findings';
import { compareFindings } from '../findings';
import type { Resource } from '../parse/manifestParser';
import { rangeOf } from '../parse/locate';
import { groupOf } from '../model/kinds';
import {
  APPLY_CODES,
  type ApplyPlan,
  type ApplyProgress,
  type ApplyResult,
  type PlannedResource,
  type ResourceOutcome,
  type RolloutResult,
} from './applyTypes';
import { ClusterError, FIELD_MANAGER, type ApiResourceInfo, type ClusterClient, type ClusterResponse } from './clusterClient';
import { applyTier, groupByTier, runBounded } from './applyOrder';
import { diffObjects, redactSecret, sameObject, secretStrings } from './objectCompare';
import {
  conflictManagers,
  findingsForResponse,
  headRange,
  refusalFinding,
  refusedBeforeDiscovery,
  refusedNamespace,
  transportCode,
  transportFinding,
  type ErrorContext,
} from './serverErrors';
import { RefusedPathError, type ApiPath } from './requestPath';
import { asObject, stringAt } from './serverObject';
import { readLiveObjects } from './liveRead';
import { ROLLOUT_KINDS, waitForRollouts } from './rolloutStatus';

export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_ROLLOUT_TIMEOUT_MS = 120_000;
const APPLY_CONTENT_TYPE = 'application/apply-patch+yaml';

export interface PrepareOptions {
  /** Namespace for resources without one (default: the context's namespace, else "default"). */
  namespace?: string;
  /**
   * Like `kubectl apply -n`: a resource that names a different namespace is an error. Set when
   * the user chose the namespace explicitly.
   */
  enforceNamespace?: boolean;
  /** Take over fields other field managers own (server-side apply `force`). */
  force?: boolean;
  fieldManager?: string;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (e: ApplyProgress) => void;
}

export interface ApplyStepOptions {
  /** Overrides the force of prepare (e.g. the user chose "Force" after seeing conflicts). */
  force?: boolean;
  /** Wait for Deployments, StatefulSets and DaemonSets to become available (default true). */
  wait?: boolean;
  /** How long rollout status waits in total (default 120 s). */
  rolloutTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (e: ApplyProgress) => void;
}

export interface ApplySession {
  plan: ApplyPlan;
  /** Writes what the plan says, then (unless wait is false) waits for rollouts. */
  apply(opts?: ApplyStepOptions): Promise<ApplyResult>;
}

/** One resource on its way through the pipeline. */
interface Item {
  resource: Resource;
  ref: ResourceRef;
  /** What is sent: the object with the namespace filled in. */
  body: Record<string, unknown>;
  planned: PlannedResource;
  info?: ApiResourceInfo;
  /** Dry-run impossible yet: its CRD or namespace is created by this same apply. */
  deferred?: 'crd' | 'namespace';
  /** The plan's only errors are field-manager conflicts (force can resolve them). */
  conflictOnly?: boolean;
  /** What the dry-run says the object would be, while the live object is still to be read. */
  intended?: Record<string, unknown>;
  path?: ApiPath;
}

/** Dry-runs every resource and returns the plan plus a way to apply it. */
export async function prepareApply(client: ClusterClient, resources: readonly Resource[], opts: PrepareOptions = {}): Promise<ApplySession> {
  const fieldManager = opts.fieldManager ?? FIELD_MANAGER;
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  const defaultNs = opts.namespace || client.namespace;
  const items = resources.map((r) => newItem(r, defaultNs));
  // Every Secret value of the batch, so no finding can quote one (a webhook may echo another resource's).
  client.addSecrets(resources.flatMap((r) => secretStrings(r.object)));
  const total = items.length;
  opts.onProgress?.({ type: 'phase', phase: 'dry-run', total });

  // What this apply itself creates, so a custom resource whose CRD (or an object whose namespace)
  // is in the same files is not reported as unknown before the CRD exists.
  const crdKinds = new Set<string>();
  const namespaces = new Set<string>();
  for (const it of items) {
    if (it.resource.kind === 'CustomResourceDefinition') {
      const spec = it.resource.object.spec as { group?: string; names?: { kind?: string } } | undefined;
      if (spec?.group && spec.names?.kind) crdKinds.add(`${spec.group}/${spec.names.kind}`);
    }
    if (it.resource.kind === 'Namespace' && it.resource.name) namespaces.add(it.resource.name);
  }

  let done = 0;
  let unreachable: ClusterError | undefined;
  const planned = (it: Item) => {
    done++;
    opts.onProgress?.({ type: 'planned', resource: it.planned, done, total });
  };
  const failed = (it: Item, e: unknown, verb: 'dry-run' | 'read') => {
    if (e instanceof ClusterError) {
      if (e.kind === 'unreachable' || e.kind === 'tls' || e.kind === 'credentials' || e.kind === 'timeout') unreachable = e;
      failPlan(it, [transportFinding(it.resource, it.ref.namespace, e.message, transportCode(e.kind))]);
    } else if (e instanceof RefusedPathError) {
      failPlan(it, [refusalFinding(it.resource, it.ref.namespace, e)]);
    } else {
      // Discovery refused, a body that is not JSON: one resource's problem, never a crash.
      failPlan(it, [transportFinding(it.resource, it.ref.namespace, `${verb} failed: ${(e as Error).message ?? String(e)}`, APPLY_CODES.failed)]);
    }
  };
  const toRead: Item[] = [];
  await runBounded(items, concurrency, async (it) => {
    if (unreachable) {
      // One unreachable server is one message per resource, not one timeout per resource.
      failPlan(it, [transportFinding(it.resource, it.ref.namespace, unreachable.message)]);
    } else {
      try {
        await dryRunOne(client, it, {
          fieldManager,
          force: !!opts.force,
          signal: opts.signal,
          crdKinds,
          namespaces,
          enforceNamespace: !!opts.enforceNamespace,
          namespace: defaultNs,
        });
      } catch (e) {
        failed(it, e, 'dry-run');
      }
    }
    if (it.intended && it.path && it.planned.action !== 'error') toRead.push(it);
    else planned(it);
  });

  // The objects that exist, read to compare (a dry-run create is never stored, so it has no
  // resourceVersion and needs no read).
  const readTargets = toRead.map((it) => ({
    it,
    apiVersion: it.ref.apiVersion,
    kind: it.ref.kind,
    name: it.ref.name,
    path: it.path as ApiPath,
    collection: client.objectPath({ ...it.ref, name: '' }, it.info as ApiResourceInfo),
  }));
  await readLiveObjects(client, readTargets, { concurrency, signal: opts.signal, stopped: () => unreachable }, ({ it }, answer) => {
    const errorCtx: ErrorContext = { resource: it.resource, namespace: it.ref.namespace, redact: (t) => client.redact(t), verb: 'read' };
    const down = unreachable;
    if (down && 'error' in answer && answer.error === down) failPlan(it, [transportFinding(it.resource, it.ref.namespace, down.message)]);
    else if ('error' in answer) failed(it, answer.error, 'read');
    else if ('response' in answer) failPlan(it, findingsForResponse(answer.response, errorCtx));
    else settle(it, it.intended as Record<string, unknown>, 'found' in answer ? answer.found : undefined);
    it.intended = undefined;
    planned(it);
  });

  const plan: ApplyPlan = {
    context: client.context.name,
    server: client.server,
    resources: items.map((i) => i.planned),
    findings: items.flatMap((i) => i.planned.findings).sort(compareFindings),
    summary: { create: 0, update: 0, unchanged: 0, error: 0 },
  };
  for (const p of plan.resources) plan.summary[p.action]++;
  return {
    plan,
    apply: (stepOpts = {}) =>
      executePlan(client, items, plan, {
        fieldManager,
        concurrency,
        force: stepOpts.force ?? !!opts.force,
        wait: stepOpts.wait ?? true,
        rolloutTimeoutMs: stepOpts.rolloutTimeoutMs ?? DEFAULT_ROLLOUT_TIMEOUT_MS,
        signal: stepOpts.signal ?? opts.signal,
        onProgress: stepOpts.onProgress ?? opts.onProgress,
      }),
  };
}

/** Dry-run only (`--dry-run`): the plan, nothing written. */
export async function planApply(client: ClusterClient, resources: readonly Resource[], opts: PrepareOptions = {}): Promise<ApplyPlan> {
  return (await prepareApply(client, resources, opts)).plan;
}

/** Plan, apply and wait, in one call. */
export async function applyResources(
  client: ClusterClient,
  resources: readonly Resource[],
  opts: PrepareOptions & ApplyStepOptions = {},
): Promise<ApplyResult> {
  const session = await prepareApply(client, resources, opts);
  return session.apply(opts);
}

function newItem(resource: Resource, defaultNs: string): Item {
  const ref: ResourceRef = {
    apiVersion: resource.apiVersion ?? '',
    kind: resource.kind ?? '',
    name: resource.name ?? '',
    namespace: resource.namespace || defaultNs,
  };
  const body = structuredClone(resource.object);
  const planned: PlannedResource = {
    id: resource.id,
    ref,
    file: resource.file,
    range: headRange(resource),
    action: 'create',
    findings: [],
    tier: applyTier(resource.kind),
  };
  return { resource, ref, body, planned };
}

function failPlan(it: Item, findings: Finding[]): void {
  it.planned.action = 'error';
  it.planned.findings.push(...findings);
}

interface DryRunContext {
  fieldManager: string;
  force: boolean;
  signal?: AbortSignal;
  crdKinds: Set<string>;
  namespaces: Set<string>;
  enforceNamespace: boolean;
  namespace: string;
}

async function dryRunOne(client: ClusterClient, it: Item, ctx: DryRunContext): Promise<void> {
  const r = it.resource;
  const errorCtx: ErrorContext = { resource: r, namespace: it.ref.namespace, redact: (t) => client.redact(t), verb: 'dry-run' };
  if (!r.kind || !r.apiVersion) {
    failPlan(it, [transportFinding(r, undefined, `cannot apply an object without ${!r.kind ? 'kind' : 'apiVersion'}`, APPLY_CODES.invalidObject)]);
    return;
  }
  if (!r.name) {
    const generated = (r.object.metadata as { generateName?: unknown } | undefined)?.generateName;
    failPlan(it, [
      transportFinding(
        r,
        undefined,
        generated ? 'server-side apply needs metadata.name (generateName is only for kubectl create)' : 'cannot apply an object without metadata.name',
        APPLY_CODES.invalidObject,
      ),
    ]);
    return;
  }
  // Nothing is sent for a resource whose apiVersion or name could leave its path segment.
  const refused = refusedBeforeDiscovery(r, it.ref.namespace);
  if (refused) {
    failPlan(it, [refused]);
    return;
  }
  const info = await client.resourceFor(r.apiVersion, r.kind, ctx.signal);
  if (!info) {
    if (ctx.crdKinds.has(`${groupOf(r.apiVersion)}/${r.kind}`)) {
      it.deferred = 'crd';
      it.planned.action = 'create';
      return;
    }
    const served = await client.servesApiVersion(r.apiVersion, ctx.signal);
    failPlan(it, [
      {
        ...transportFinding(r, it.ref.namespace, unknownKindMessage(r.apiVersion, r.kind, served), APPLY_CODES.unknownKind),
        range: rangeOf(r, ['kind'], 'value'),
      },
    ]);
    return;
  }
  it.info = info;
  const meta = (it.body.metadata ??= {}) as Record<string, unknown>;
  if (info.namespaced) {
    if (ctx.enforceNamespace && r.namespace && r.namespace !== ctx.namespace) {
      failPlan(it, [
        {
          ...transportFinding(
            r,
            r.namespace,
            `metadata.namespace is "${r.namespace}" but --namespace says "${ctx.namespace}"; they must agree (as with kubectl apply -n)`,
            APPLY_CODES.namespaceMissing,
          ),
          range: rangeOf(r, ['metadata', 'namespace'], 'value'),
        },
      ]);
      return;
    }
    const badNamespace = refusedNamespace(r, it.ref.namespace ?? '');
    if (badNamespace) {
      failPlan(it, [badNamespace]);
      return;
    }
    meta.namespace = it.ref.namespace;
  } else {
    // The server ignores a namespace on cluster-scoped objects; leaving it would show in diffs.
    delete meta.namespace;
    it.ref.namespace = undefined;
  }
  const path = client.objectPath(it.ref, info);
  const dryRes = await ssa(client, path, it.body, { dryRun: true, force: ctx.force, fieldManager: ctx.fieldManager, signal: ctx.signal });
  let intended: Record<string, unknown> | undefined;
  if (isOk(dryRes)) {
    intended = asObject(dryRes.body);
    if (!intended) {
      failPlan(it, [
        transportFinding(
          r,
          it.ref.namespace,
          `the server answered the dry-run with something that is not an object (HTTP ${dryRes.status})`,
          APPLY_CODES.failed,
        ),
      ]);
      return;
    }
  } else if (dryRes.status === 409 && !ctx.force) {
    it.planned.conflictManagers = conflictManagers(asObject(dryRes.body) ?? {});
    it.conflictOnly = true;
    failPlan(it, findingsForResponse(dryRes, errorCtx));
  } else if (dryRes.status === 404 && isNamespaceMissing(dryRes) && it.ref.namespace && ctx.namespaces.has(it.ref.namespace)) {
    it.deferred = 'namespace';
    it.planned.action = 'create';
    return;
  } else {
    failPlan(it, findingsForResponse(dryRes, errorCtx));
  }

  if (it.planned.action === 'error' || !intended) return;
  if (stringAt(intended, 'metadata', 'resourceVersion')) {
    // It exists: the caller reads it (with the others of its collection) and settles the action.
    it.intended = intended;
    it.path = path;
    return;
  }
  settle(it, intended, undefined);
}

/** The plan's action for an object from what the dry-run says it would be and what is live. */
function settle(it: Item, intended: Record<string, unknown>, live: Record<string, unknown> | undefined): void {
  it.planned.intendedObject = redactSecret(intended);
  if (!live) {
    it.planned.action = 'create';
  } else if (sameObject(live, intended)) {
    it.planned.action = 'unchanged';
  } else {
    it.planned.action = 'update';
    it.planned.diff = diffObjects(live, intended, `${it.ref.kind.toLowerCase()}/${it.ref.name}`);
  }
}

function unknownKindMessage(apiVersion: string, kind: string, apiVersionServed = false): string {
  const group = groupOf(apiVersion);
  const builtIn = !group || group.endsWith('.k8s.io') || ['apps', 'batch', 'autoscaling', 'policy'].includes(group);
  if (apiVersionServed) return `the server serves ${apiVersion} but has no kind ${kind} in it — check the spelling of kind`;
  const hint = builtIn ? " — this API version may be removed in the cluster's Kubernetes version" : ' — is its CustomResourceDefinition installed?';
  return `the server does not serve ${kind} in ${apiVersion}${hint}`;
}

function isNamespaceMissing(res: ClusterResponse): boolean {
  return stringAt(res.body, 'details', 'kind') === 'namespaces';
}

function isOk(res: ClusterResponse): boolean {
  return res.status >= 200 && res.status < 300;
}

function ssa(
  client: ClusterClient,
  path: ApiPath,
  body: Record<string, unknown>,
  o: { dryRun: boolean; force: boolean; fieldManager: string; signal?: AbortSignal },
): Promise<ClusterResponse> {
  return client.request({
    method: 'PATCH',
    path,
    query: { fieldManager: o.fieldManager, force: o.force || undefined, dryRun: o.dryRun ? 'All' : undefined },
    body,
    contentType: APPLY_CONTENT_TYPE,
    signal: o.signal,
  });
}

interface ExecuteOptions {
  fieldManager: string;
  concurrency: number;
  force: boolean;
  wait: boolean;
  rolloutTimeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (e: ApplyProgress) => void;
}

async function executePlan(client: ClusterClient, items: Item[], plan: ApplyPlan, opts: ExecuteOptions): Promise<ApplyResult> {
  const total = items.length;
  const outcomes = new Map<Item, ResourceOutcome>();
  let done = 0;
  const report = (it: Item, outcome: ResourceOutcome) => {
    outcomes.set(it, outcome);
    done++;
    opts.onProgress?.({ type: 'applied', outcome, done, total });
  };
  const outcomeOf = (it: Item, status: ResourceOutcome['status'], findings: Finding[] = [], action?: 'create' | 'update'): ResourceOutcome => ({
    id: it.planned.id,
    ref: it.ref,
    file: it.planned.file,
    range: it.planned.range,
    status,
    ...(action ? { action } : {}),
    findings,
  });
  opts.onProgress?.({ type: 'phase', phase: 'apply', total });
  const cancelled = () => opts.signal?.aborted === true;
  const writable = (it: Item) =>
    it.planned.action === 'create' || it.planned.action === 'update' || (it.planned.action === 'error' && it.conflictOnly && opts.force);

  for (const it of items) {
    if (it.planned.action === 'unchanged') report(it, outcomeOf(it, 'unchanged'));
    else if (!writable(it)) report(it, outcomeOf(it, 'failed', it.planned.findings));
  }
  let unreachable: ClusterError | undefined;
  for (const tier of groupByTier(items.filter(writable), (it) => it.planned.tier)) {
    if (cancelled()) break;
    await runBounded(
      tier,
      opts.concurrency,
      async (it) => {
        const errorCtx: ErrorContext = { resource: it.resource, namespace: it.ref.namespace, redact: (t) => client.redact(t), verb: 'apply' };
        if (unreachable) {
          report(it, outcomeOf(it, 'failed', [transportFinding(it.resource, it.ref.namespace, unreachable.message)]));
          return;
        }
        try {
          const info = it.info ?? (await waitForKind(client, it, opts.signal));
          if (!info) {
            report(
              it,
              outcomeOf(it, 'failed', [
                {
                  ...transportFinding(
                    it.resource,
                    it.ref.namespace,
                    `${unknownKindMessage(it.ref.apiVersion, it.ref.kind)} (its CRD was applied but the kind did not appear in discovery)`,
                    APPLY_CODES.unknownKind,
                  ),
                  range: rangeOf(it.resource, ['kind'], 'value'),
                },
              ]),
            );
            return;
          }
          if (!it.info) {
            it.info = info;
            if (info.namespaced) {
              const badNamespace = refusedNamespace(it.resource, it.ref.namespace ?? '');
              if (badNamespace) {
                report(it, outcomeOf(it, 'failed', [badNamespace]));
                return;
              }
              ((it.body.metadata ??= {}) as Record<string, unknown>).namespace = it.ref.namespace;
            } else it.ref.namespace = undefined;
          }
          // No user signal on the write itself: once sent, we wait for the answer so the outcome is true.
          const res = await ssa(client, client.objectPath(it.ref, info), it.body, { dryRun: false, force: opts.force, fieldManager: opts.fieldManager });
          if (isOk(res)) {
            // 201 Created or 200 OK: what the server did, even if the plan expected otherwise.
            report(it, outcomeOf(it, 'applied', [], res.status === 201 ? 'create' : 'update'));
          } else {
            report(it, outcomeOf(it, 'failed', findingsForResponse(res, errorCtx)));
          }
        } catch (e) {
          if (e instanceof RefusedPathError) {
            report(it, outcomeOf(it, 'failed', [refusalFinding(it.resource, it.ref.namespace, e)]));
            return;
          }
          if (!(e instanceof ClusterError)) {
            report(
              it,
              outcomeOf(it, 'failed', [
                transportFinding(it.resource, it.ref.namespace, `apply failed: ${(e as Error).message ?? String(e)}`, APPLY_CODES.failed),
              ]),
            );
            return;
          }
          if (e.kind === 'cancelled') {
            report(it, outcomeOf(it, 'skipped-cancelled'));
            return;
          }
          if (e.kind === 'unreachable' || e.kind === 'tls' || e.kind === 'credentials') unreachable = e;
          report(it, outcomeOf(it, 'failed', [transportFinding(it.resource, it.ref.namespace, e.message, transportCode(e.kind))]));
        }
      },
      cancelled,
    );
  }
  for (const it of items) if (!outcomes.has(it)) report(it, outcomeOf(it, 'skipped-cancelled'));

  const ordered = items.map((it) => outcomes.get(it) as ResourceOutcome);
  let rollouts: RolloutResult[] = [];
  if (opts.wait && !cancelled()) {
    const targets = items.filter((it) => {
      const o = outcomes.get(it);
      return ROLLOUT_KINDS.has(it.ref.kind) && (o?.status === 'applied' || o?.status === 'unchanged');
    });
    if (targets.length) {
      opts.onProgress?.({ type: 'phase', phase: 'rollout', total: targets.length });
      rollouts = await waitForRollouts(
        client,
        targets.map((it) => ({ id: it.planned.id, ref: it.ref, file: it.planned.file, range: it.planned.range, resource: it.resource })),
        { timeoutMs: opts.rolloutTimeoutMs, signal: opts.signal, onProgress: opts.onProgress },
      );
    }
  }
  opts.onProgress?.({ type: 'phase', phase: 'done', total });
  const findings = [...ordered.flatMap((o) => o.findings), ...rollouts.flatMap((r) => rolloutFindings(r, items))].sort(compareFindings);
  // Plan findings that are not errors (none today) would otherwise be lost.
  return { plan, outcomes: ordered, rollouts, cancelled: cancelled(), findings };
}

function rolloutFindings(r: RolloutResult, items: Item[]): Finding[] {
  if (r.status === 'available' || r.status === 'cancelled') return [];
  const it = items.find((i) => i.planned.id === r.id);
  const reasons = [...r.conditions, ...r.pods, ...r.events];
  return [
    {
      code: APPLY_CODES.rolloutTimeout,
      severity: 'error',
      message: `${r.ref.kind.toLowerCase()}/${r.ref.name} ${r.status === 'failed' ? 'failed to roll out' : 'did not become available in time'}: ${r.message}${reasons.length ? ` (${reasons.slice(0, 4).join('; ')})` : ''}`,
      file: r.file,
      range: r.range,
      resource: it?.ref ?? r.ref,
    },
  ];
}

/** A custom resource whose CRD was just applied: its kind shows in discovery once the CRD is Established. */
async function waitForKind(client: ClusterClient, it: Item, signal?: AbortSignal): Promise<ApiResourceInfo | undefined> {
  const deadline = Date.now() + 30_000;
  let delay = 200;
  for (;;) {
    const info = await client.resourceFor(it.ref.apiVersion, it.ref.kind, signal);
    if (info || Date.now() > deadline) return info;
    await sleep(delay, undefined, { signal }).catch(() => {
      throw new ClusterError('cancelled', 'cancelled', client.server);
    });
    delay = Math.min(delay * 2, 2000);
  }
}
