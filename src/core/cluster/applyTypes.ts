/**
 * What the apply engine reports, as plain data: the extension (progress notification, diff
 * editor, diagnostics) and the CLI (per-resource lines, JSON) both read these. No client-node
 * objects, no Secret values (redacted before they get here).
 */
import type { Finding, Range, ResourceRef } from '../findings';

/** Stable codes of the findings the apply engine produces (see docs/apply.md). */
export const APPLY_CODES = {
  /** The server refused the object as invalid (422, 400): the field it names is underlined. */
  rejected: 'apply-rejected',
  /** RBAC said no (403). */
  forbidden: 'apply-forbidden',
  /** Another field manager owns fields this apply sets (409 from server-side apply). */
  conflict: 'apply-conflict',
  /** The server does not serve this apiVersion/kind (a CRD is missing, a removed API version). */
  unknownKind: 'apply-unknown-kind',
  /** The namespace does not exist and the files do not create it. */
  namespaceMissing: 'apply-namespace-missing',
  /** The cluster did not answer (refused, timeout, TLS, credentials). */
  unreachable: 'apply-unreachable',
  /** The object cannot be sent at all (no kind, no name). */
  invalidObject: 'apply-invalid-object',
  /** Any other server error (500s, admission webhooks that fail). */
  failed: 'apply-failed',
  /** A workload did not become available in time (rollout status). */
  rolloutTimeout: 'rollout-timeout',
  /** Deleting failed. */
  deleteFailed: 'delete-failed',
} as const;

/** What the dry-run says applying would do to one resource. */
export type PlannedAction = 'create' | 'update' | 'unchanged' | 'error';

/** Live against intended, both as YAML with server noise and Secret values removed. */
export interface ResourceDiff {
  /** The object as it is on the cluster now. */
  live: string;
  /** The object as it will be after the apply (the server's dry-run answer). */
  intended: string;
  /** A unified diff of the two, `--- live` / `+++ intended`, for terminals. */
  unified: string;
}

export interface PlannedResource {
  /** The Resource id from the parser (`file#doc`), stable while the file keeps its order. */
  id: string;
  /** Namespace filled in as it will be applied. */
  ref: ResourceRef;
  file: string;
  /** Where the resource starts (its `kind`/`metadata.name`), for per-resource messages. */
  range: Range;
  action: PlannedAction;
  /** Errors from the dry-run, on the YAML range of the field the server named. */
  findings: Finding[];
  /** For `update` (and, on request, `unchanged`): what changes. */
  diff?: ResourceDiff;
  /** Apply order: lower tiers first; one tier's requests run in parallel. */
  tier: number;
  /** For `error`: the apply step would fail the same way (it is skipped unless force resolves it). */
  conflictManagers?: string[];
  /** The intended object after the dry-run (redacted); undefined for errors. */
  intendedObject?: Record<string, unknown>;
}

export interface ApplyPlan {
  context: string;
  server: string;
  resources: PlannedResource[];
  /** All findings of the plan, sorted by file and line. */
  findings: Finding[];
  summary: { create: number; update: number; unchanged: number; error: number };
}

/** What happened to one resource when applying. */
export type ApplyOutcomeStatus = 'applied' | 'unchanged' | 'failed' | 'skipped-cancelled';

export interface ResourceOutcome {
  id: string;
  ref: ResourceRef;
  file: string;
  range: Range;
  status: ApplyOutcomeStatus;
  /** For `applied`: whether it was created or updated ("deployment/x created" / "configured"). */
  action?: 'create' | 'update';
  findings: Finding[];
}

export type RolloutStatus = 'available' | 'progressing' | 'timeout' | 'failed' | 'cancelled';

export interface RolloutResult {
  id: string;
  ref: ResourceRef;
  file: string;
  range: Range;
  status: RolloutStatus;
  /** One line: "2/2 replicas available" or why not. */
  message: string;
  readyReplicas?: number;
  desiredReplicas?: number;
  /** Conditions that explain a stall, e.g. "ProgressDeadlineExceeded: ReplicaSet ... has timed out progressing". */
  conditions: string[];
  /** Recent Warning events of the workload and its pods, newest last, e.g. "pod/x-abc: Failed: ErrImagePull ...". */
  events: string[];
  /** Pods not ready, with their reason, e.g. "x-abc: ImagePullBackOff". */
  pods: string[];
}

export interface ApplyResult {
  plan: ApplyPlan;
  outcomes: ResourceOutcome[];
  rollouts: RolloutResult[];
  /** The AbortSignal fired before everything was done. */
  cancelled: boolean;
  /** Every finding: plan, apply and rollout ones. */
  findings: Finding[];
}

/** Progress while applying, in order: phase changes, then one event per resource. */
export type ApplyProgress =
  | { type: 'phase'; phase: 'dry-run' | 'apply' | 'rollout' | 'done'; total: number }
  | { type: 'planned'; resource: PlannedResource; done: number; total: number }
  | { type: 'applied'; outcome: ResourceOutcome; done: number; total: number }
  | { type: 'rollout'; rollout: RolloutResult; done: number; total: number };

export type DeleteOutcomeStatus = 'deleted' | 'not-found' | 'failed' | 'skipped-cancelled' | 'still-terminating';

export interface DeleteOutcome {
  id: string;
  ref: ResourceRef;
  file: string;
  range: Range;
  status: DeleteOutcomeStatus;
  findings: Finding[];
}

export type DeleteProgress =
  { type: 'deleting'; ref: ResourceRef; done: number; total: number } | { type: 'deleted'; outcome: DeleteOutcome; done: number; total: number };

export interface DeleteResult {
  context: string;
  server: string;
  outcomes: DeleteOutcome[];
  cancelled: boolean;
  findings: Finding[];
}
