/**
 * The words and small decisions of the cluster features, as pure functions (no `vscode`): what the
 * status bar says, when applying must ask first, how an apply is summed up, which graph nodes the
 * live overlay watches. The VS Code side only shows what these return; the unit tests pin them.
 */
import type { ResourceRef } from '../../core/findings';
import type { GraphModel } from '../../core/graph/types';
import type { ContextInfo } from '../../core/cluster/kubeconfig';
import type { ApplyPlan, ApplyResult, DeleteResult, ResourceOutcome, RolloutResult } from '../../core/cluster/applyTypes';
import type { ImageUse, LocalImageStatus } from '../../core/cluster/kindImages';

/** What the extension knows about the selected context right now. */
export interface ContextState {
  /** Undefined: no kubeconfig context at all. */
  context?: ContextInfo;
  /** Where the choice came from. */
  source: 'setting' | 'workspace' | 'current-context' | 'none';
  probe: 'unknown' | 'probing' | 'reachable' | 'unreachable';
  /** API server version when reachable, e.g. v1.33.1. */
  version?: string;
  /** Why it is unreachable or unusable. */
  error?: string;
}

/** The status bar item: "$(cloud) kind-dev ✓" plus a tooltip with server and reachability. */
export function statusBarText(s: ContextState): { text: string; tooltip: string } {
  if (!s.context) {
    return { text: '$(cloud) no cluster', tooltip: `Kube Topology: no kubeconfig context${s.error ? ` (${s.error})` : ''}. Click to pick one.` };
  }
  const c = s.context;
  const mark = s.probe === 'reachable' ? '✓' : s.probe === 'unreachable' ? '✗' : s.probe === 'probing' ? '…' : '';
  const where = c.local ? `local (${c.localKind})` : 'remote';
  const state =
    s.probe === 'reachable'
      ? `reachable${s.version ? `, Kubernetes ${s.version}` : ''}`
      : s.probe === 'unreachable'
        ? `not reachable${s.error ? `: ${s.error}` : ''}`
        : s.probe === 'probing'
          ? 'checking…'
          : 'not checked yet';
  const from =
    s.source === 'setting'
      ? ' (setting kubeTopology.cluster.context)'
      : s.source === 'workspace'
        ? ' (chosen for this workspace)'
        : ' (kubeconfig current-context)';
  return {
    text: `$(cloud) ${c.name}${mark ? ` ${mark}` : ''}`,
    tooltip: `Kube Topology cluster: ${c.name}${from}\n${c.server || 'no server URL'} — ${where}\n${state}\nClick to pick another context.`,
  };
}

/** Applying or deleting on a context that is not on this machine asks first. */
export function needsConfirmation(c: ContextInfo): boolean {
  return !c.local;
}

export function confirmationMessage(c: ContextInfo, verb: 'Apply' | 'Tear down', count: number): string {
  const what = `${count} resource${count === 1 ? '' : 's'}`;
  return `${verb} ${what} on context "${c.name}" (${c.server || 'no server URL'})? This cluster is not local.`;
}

/** "deployment/gateway in default". */
export function resourceLabel(ref: ResourceRef): string {
  return `${ref.kind.toLowerCase()}/${ref.name}${ref.namespace ? ` in ${ref.namespace}` : ''}`;
}

export interface ApplyCounts {
  applied: number;
  unchanged: number;
  failed: number;
  skipped: number;
}

export function applyCounts(outcomes: readonly ResourceOutcome[]): ApplyCounts {
  const c: ApplyCounts = { applied: 0, unchanged: 0, failed: 0, skipped: 0 };
  for (const o of outcomes) {
    if (o.status === 'applied') c.applied++;
    else if (o.status === 'unchanged') c.unchanged++;
    else if (o.status === 'failed') c.failed++;
    else c.skipped++;
  }
  return c;
}

/** "applied 4, unchanged 2, failed 1" (+ rollouts that did not finish, + cancelled). */
export function applySummary(result: Pick<ApplyResult, 'outcomes' | 'rollouts' | 'cancelled'>): string {
  const c = applyCounts(result.outcomes);
  const parts = [`applied ${c.applied}`, `unchanged ${c.unchanged}`];
  if (c.failed) parts.push(`failed ${c.failed}`);
  if (c.skipped) parts.push(`not applied ${c.skipped} (cancelled)`);
  const stuck = result.rollouts.filter((r) => r.status !== 'available');
  if (result.rollouts.length)
    parts.push(stuck.length ? `${stuck.length} of ${result.rollouts.length} rollouts not available` : `${result.rollouts.length} rollouts available`);
  return parts.join(', ') + (result.cancelled ? ' — cancelled' : '');
}

/** One progress line for a workload's rollout: "deployment/gateway: 1/2 replicas available". */
export function rolloutLine(r: RolloutResult): string {
  return `${resourceLabel(r.ref)}: ${r.message}`;
}

/** The other field managers that own fields this apply sets, deduplicated, in plan order. */
export function conflictingManagers(plan: ApplyPlan): string[] {
  const out: string[] = [];
  for (const p of plan.resources) for (const m of p.conflictManagers ?? []) if (!out.includes(m)) out.push(m);
  return out;
}

export function conflictMessage(plan: ApplyPlan): string | undefined {
  const conflicted = plan.resources.filter((p) => p.conflictManagers?.length);
  if (!conflicted.length) return undefined;
  const managers = conflictingManagers(plan);
  const names =
    conflicted
      .slice(0, 3)
      .map((p) => resourceLabel(p.ref))
      .join(', ') + (conflicted.length > 3 ? ` and ${conflicted.length - 3} more` : '');
  return `${names}: fields are owned by another field manager (${managers.map((m) => `"${m}"`).join(', ')}). Force takes them over for kube-topology.`;
}

/** "deleted 5, not found 1, failed 0". */
export function deleteSummary(result: Pick<DeleteResult, 'outcomes' | 'cancelled'>): string {
  const n = (s: string) => result.outcomes.filter((o) => o.status === s).length;
  const parts = [`deleted ${n('deleted')}`];
  if (n('not-found')) parts.push(`already gone ${n('not-found')}`);
  if (n('still-terminating')) parts.push(`still terminating ${n('still-terminating')}`);
  if (n('failed')) parts.push(`failed ${n('failed')}`);
  if (n('skipped-cancelled')) parts.push(`not deleted ${n('skipped-cancelled')} (cancelled)`);
  return parts.join(', ') + (result.cancelled ? ' — cancelled' : '');
}

/** The modal list of what a tear down removes (at most `max` lines, then "and N more"). */
export function tearDownDetail(refs: readonly ResourceRef[], max = 15): string {
  const lines = refs.slice(0, max).map((r) => `• ${resourceLabel(r)}`);
  if (refs.length > max) lines.push(`and ${refs.length - max} more`);
  return lines.join('\n');
}

/** A graph node the live overlay can watch (ghosts and kinds without a node id are skipped). */
export interface WatchTarget {
  kind: string;
  namespace?: string;
  name: string;
}

/** The resources of a graph the live overlay watches; `key` changes only when the set does. */
export function liveTargetsOf(graph: GraphModel, watchable: (kind: string) => boolean): { targets: WatchTarget[]; key: string } {
  const targets: WatchTarget[] = [];
  const ids: string[] = [];
  for (const n of graph.nodes) {
    if (n.ghost || !watchable(n.kind)) continue;
    targets.push({ kind: n.kind, namespace: n.namespace || undefined, name: n.name });
    ids.push(n.id);
  }
  return { targets, key: ids.sort().join('\n') };
}

/** The QuickPick rows of the image loader: missing images are listed but not pre-selected. */
export function imagePickRows(
  uses: readonly ImageUse[],
  status: readonly LocalImageStatus[],
): { image: string; label: string; description: string; detail: string; picked: boolean; present: boolean }[] {
  const present = new Map(status.map((s) => [s.image, s.present]));
  return uses.map((u) => {
    const has = present.get(u.image) === true;
    const users = u.usedBy.map((b) => `${b.kind} ${b.name} (${b.container}${b.init ? ', init' : ''})`);
    return {
      image: u.image,
      label: u.image,
      description: has ? 'present in local Docker' : 'missing in local Docker — build or pull it first',
      detail: `used by ${users.slice(0, 3).join(', ')}${users.length > 3 ? ` and ${users.length - 3} more` : ''}`,
      picked: has,
      present: has,
    };
  });
}

/** A path for the diff editor's virtual documents, unique per context, resource and side. */
export function liveDocumentPath(context: string, ref: ResourceRef, side: 'live' | 'intended'): string {
  const seg = (s: string) => encodeURIComponent(s || '_');
  return `/${seg(context)}/${seg(ref.namespace ?? '')}/${seg(ref.kind)}/${seg(ref.name)}.${side}.yaml`;
}
