/**
 * Words for the live overlay: what a badge says, what a screen reader hears, and the fix a person
 * needs for a failing pod. Pure (no DOM), so the drawing and the hover card say the same thing.
 */
import type { LiveNodeState, LivePod } from '../../src/core/cluster/liveTypes';

export type PodTone = 'ready' | 'running' | 'pending' | 'failed' | 'done' | 'unknown';

const PULL_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'ErrImageNeverPull', 'InvalidImageName', 'Init:ErrImagePull', 'Init:ImagePullBackOff']);
const CRASHES = new Set(['CrashLoopBackOff', 'Error', 'OOMKilled', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

/** The colour family of a pod's dot: ready, running but not ready, waiting, failing, finished. */
export function podTone(p: LivePod): PodTone {
  if (p.ready) return 'ready';
  const reason = p.reason ?? '';
  if (PULL_FAILURES.has(reason) || CRASHES.has(reason) || reason.startsWith('Init:') || p.phase === 'Failed') return 'failed';
  if (p.phase === 'Succeeded') return 'done';
  if (p.phase === 'Running') return 'running';
  if (p.phase === 'Pending') return 'pending';
  return 'unknown';
}

/** The pod cannot get its image: on kind, that is an image that was not loaded into the node. */
export function isImagePullFailure(p: LivePod): boolean {
  return PULL_FAILURES.has(p.reason ?? '');
}

/** What to do about a pod that is not ready, in the words of the fix (undefined: nothing to add). */
export function podFix(p: LivePod, kind: boolean): string | undefined {
  const reason = p.reason ?? '';
  if (isImagePullFailure(p)) {
    return kind
      ? 'load the image into kind and set imagePullPolicy: IfNotPresent'
      : 'check the image name and tag, and that the cluster can pull from its registry';
  }
  if (reason === 'CrashLoopBackOff' || reason === 'Error') return 'the container keeps exiting: read its logs (kubectl logs --previous)';
  if (reason === 'OOMKilled') return 'the container ran out of memory: raise resources.limits.memory';
  if (reason === 'CreateContainerConfigError') return 'a ConfigMap, Secret or key the pod refers to is missing';
  if (reason === 'Unschedulable') return 'no node has room for its requests (or a taint/selector keeps it off every node)';
  return undefined;
}

/** One line per pod for the hover card: "gateway-7d9-abc Pending · ImagePullBackOff: … → fix". */
export function podLine(p: LivePod, kind: boolean): string {
  const state = p.ready ? 'Ready' : p.phase;
  let line = `${p.name} ${state}`;
  if (p.restarts) line += ` · ${p.restarts} restart${p.restarts === 1 ? '' : 's'}`;
  if (p.reason) line += ` · ${p.reason}${p.message ? `: ${shorten(p.message, 160)}` : ''}`;
  const fix = p.ready ? undefined : podFix(p, kind);
  if (fix) line += ` → ${fix}`;
  return line;
}

/** The replica badge: "2/3". */
export function replicaText(s: LiveNodeState): string | undefined {
  if (s.desiredReplicas === undefined) return undefined;
  return `${s.readyReplicas ?? 0}/${s.desiredReplicas}`;
}

/** How a node's live state reads aloud (added to the node's accessible name). */
export function liveAriaText(s: LiveNodeState | undefined, kind: boolean): string {
  if (!s) return '';
  if (!s.exists) return 'not applied to the cluster';
  const parts: string[] = [];
  if (s.desiredReplicas !== undefined) parts.push(`${s.readyReplicas ?? 0} of ${s.desiredReplicas} replicas ready`);
  if (s.pods?.length) {
    const notReady = s.pods.filter((p) => !p.ready);
    parts.push(
      notReady.length
        ? `${notReady.length} of ${s.pods.length} pods not ready (${notReady
            .slice(0, 3)
            .map((p) => p.reason ?? p.phase)
            .join(', ')})`
        : `${s.pods.length} pods ready`,
    );
  }
  if (s.hpa) parts.push(hpaText(s) ?? '');
  if (s.endpoints !== undefined) parts.push(endpointText(s.endpoints));
  if (s.loadBalancer)
    parts.push(
      s.loadBalancer.pending ? `load balancer pending${kind ? ' (kind has none: use port-forward)' : ''}` : `load balancer ${s.loadBalancer.address ?? ''}`,
    );
  if (s.condition) parts.push(s.condition);
  return parts.filter(Boolean).join('; ');
}

export function hpaText(s: LiveNodeState): string | undefined {
  if (!s.hpa) return undefined;
  const metric = s.hpa.metrics[0];
  // desiredReplicas stays 0 until the controller has made a decision (no metrics yet, e.g. kind
  // without metrics-server): "1 → 0" would read as scaling down.
  const replicas =
    s.hpa.desiredReplicas === 0 && s.hpa.currentReplicas > 0
      ? `replicas ${s.hpa.currentReplicas}`
      : `replicas ${s.hpa.currentReplicas} → ${s.hpa.desiredReplicas}`;
  return `${replicas}${metric ? ` · ${metric}` : ''}`;
}

export function endpointText(n: number): string {
  return n === 1 ? '1 endpoint' : `${n} endpoints`;
}

export function shorten(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
