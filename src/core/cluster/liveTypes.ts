/**
 * Live cluster state of the resources a graph shows, as the topology overlay draws it.
 *
 * Produced by the live-state watcher (src/core/cluster/liveState.ts) from watches, consumed by the
 * extension (which forwards it to the webview through src/shared/webviewProtocol.ts) and by the CLI.
 * Keys are graph node ids (`Kind/namespace/name`, see src/core/graph/types.ts `nodeId`). Plain data:
 * no client objects, no Secret values, nothing that cannot cross a postMessage.
 */

/** One pod of a workload: one dot on its node. */
export interface LivePod {
  name: string;
  /** Pod phase: Pending, Running, Succeeded, Failed, Unknown. */
  phase: string;
  /** Ready condition true. */
  ready: boolean;
  /** Why it is not ready, from the first waiting/terminated container: `ImagePullBackOff`, `CrashLoopBackOff`, … */
  reason?: string;
  /** The container status message that goes with `reason` (e.g. the image that could not be pulled). */
  message?: string;
  /** Total container restarts. */
  restarts?: number;
}

export interface LiveNodeState {
  /** The resource exists on the cluster. False: the graph shows it as "not applied". */
  exists: boolean;
  /** Workloads: ready / desired replicas (`status.readyReplicas` / `spec.replicas`). */
  readyReplicas?: number;
  desiredReplicas?: number;
  /** Workloads: the pods the workload selects, sorted by name. */
  pods?: LivePod[];
  /** Workloads: the latest condition that explains a stall ("ProgressDeadlineExceeded: …"); HPAs: why they cannot scale ("FailedGetResourceMetric: …"). */
  condition?: string;
  /** HPA: current and desired replicas and the current metric as people read it ("CPU 37% / 50%"). */
  hpa?: { currentReplicas: number; desiredReplicas: number; metrics: string[] };
  /** Services: ready endpoint addresses behind the Service. */
  endpoints?: number;
  /** LoadBalancer Services: the external address, or `pending` (with `hint` explaining kind). */
  loadBalancer?: { address?: string; pending: boolean; hint?: string };
}

/** A snapshot of every watched resource; the watcher emits a new one (debounced) after changes. */
export interface LiveSnapshot {
  /** The kubeconfig context the state comes from. */
  context: string;
  /** Milliseconds since the epoch of the last change seen. */
  updatedAt: number;
  /** Node id → state. Resources the graph holds but the watcher could not read are absent. */
  nodes: Record<string, LiveNodeState>;
  /** Set when the watch broke (cluster unreachable, forbidden); the overlay shows it greyed. */
  error?: string;
}
