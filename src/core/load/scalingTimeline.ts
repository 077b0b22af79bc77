/**
 * What happened to the autoscalers and their pods, as timeline lines: from two successive states
 * of a scaler (the HPA status and the target's pods) and from the Events the HPA controller writes.
 * Pure functions over plain data.
 */
import type { LiveNodeState } from '../cluster/liveTypes';
import { printableLine } from '../terminalText';
import type { LoadScaler, TimelineEntry } from './loadTypes';
import type { AutoscalerRef } from './loadTarget';

/** A scaler from the live snapshot's HPA and workload nodes (undefined until both were read). */
export function scalerFrom(ref: AutoscalerRef, hpa?: LiveNodeState, workload?: LiveNodeState): LoadScaler | undefined {
  if (!hpa?.exists || !hpa.hpa) return undefined;
  // names and metric texts come from the server: printable before they reach a terminal or message
  return {
    name: printableLine(ref.name, 253),
    target: printableLine(`${ref.target.kind}/${ref.target.name}`, 300),
    currentReplicas: hpa.hpa.currentReplicas,
    desiredReplicas: hpa.hpa.desiredReplicas,
    ...(ref.minReplicas !== undefined ? { minReplicas: ref.minReplicas } : {}),
    maxReplicas: ref.maxReplicas,
    metrics: hpa.hpa.metrics.slice(0, 20).map((m) => printableLine(m, 300)),
    pods: (workload?.pods ?? []).slice(0, 500).map((p) => ({ name: printableLine(p.name, 253), ready: p.ready, phase: printableLine(p.phase, 50) })),
    ...(hpa.condition ? { condition: printableLine(hpa.condition, 1000) } : {}),
  };
}

/** The lines that tell how `next` differs from `prev` (the scaler's first state says where it starts). */
export function scalerChanges(prev: LoadScaler | undefined, next: LoadScaler, atMs: number): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const metric = next.metrics[0] ? ` (${next.metrics[0]})` : '';
  if (!prev) {
    out.push({
      atMs,
      kind: 'scale',
      text: `HPA ${next.name}: ${next.currentReplicas} replica${next.currentReplicas === 1 ? '' : 's'} of ${next.target}${metric}`,
    });
    return out;
  }
  // desiredReplicas is 0 until the controller has decided once; that is not a decision to scale to 0
  if (next.desiredReplicas !== prev.desiredReplicas && next.desiredReplicas > 0) {
    const verb = next.desiredReplicas > prev.desiredReplicas ? 'up' : 'down';
    out.push({
      atMs,
      kind: 'scale',
      text: `HPA ${next.name} scales ${verb}: wants ${next.desiredReplicas} (was ${prev.desiredReplicas || prev.currentReplicas})${metric}`,
    });
  }
  if (next.currentReplicas !== prev.currentReplicas) {
    out.push({ atMs, kind: 'scale', text: `HPA ${next.name}: ${prev.currentReplicas} → ${next.currentReplicas} replicas${metric}` });
  }
  if (next.condition && next.condition !== prev.condition) out.push({ atMs, kind: 'scale', text: `HPA ${next.name}: ${next.condition}` });
  const before = new Map(prev.pods.map((p) => [p.name, p]));
  const after = new Map(next.pods.map((p) => [p.name, p]));
  for (const p of next.pods) {
    const was = before.get(p.name);
    if (!was) out.push({ atMs, kind: 'pod', text: `pod ${p.name} ${p.ready ? 'added, ready' : 'added'}` });
    else if (p.ready && !was.ready) out.push({ atMs, kind: 'pod', text: `pod ${p.name} ready` });
  }
  for (const p of prev.pods) if (!after.has(p.name)) out.push({ atMs, kind: 'pod', text: `pod ${p.name} removed` });
  return out;
}

/** The part of a core/v1 Event the timeline uses. */
export interface EventLike {
  reason?: string;
  message?: string;
  type?: string;
  involvedObject?: { kind?: string; name?: string };
}

/** "HPA gateway: SuccessfulRescale: New size: 4; reason: cpu resource utilization (percentage of request) above target". */
export function eventEntry(e: EventLike, atMs: number): TimelineEntry {
  const obj = e.involvedObject ?? {};
  const who = obj.kind === 'HorizontalPodAutoscaler' ? 'HPA' : (obj.kind ?? '');
  return { atMs, kind: 'event', text: printableLine(`${who} ${obj.name ?? ''}: ${e.reason ?? 'Event'}: ${e.message ?? ''}`, 400) };
}

/** Every scaler is back at its minimum and wants nothing else: the run's aftermath is over. */
export function settled(scalers: readonly LoadScaler[]): boolean {
  return scalers.every((s) => {
    const min = s.minReplicas ?? 1;
    return s.currentReplicas <= min && (s.desiredReplicas === 0 || s.desiredReplicas <= min) && s.pods.length <= min;
  });
}
