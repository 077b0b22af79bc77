/**
 * A load run as the CLI prints it and the topology webview draws it: what is sent where, the
 * request rate, errors and latency, and what the autoscalers and pods did meanwhile. Plain data
 * (crosses a postMessage; validated by src/shared/webviewProtocol.ts); every string that came from
 * a cluster has been through printableLine() (src/core/terminalText.ts).
 */

/** How requests reach the Service's pods (never a port-forward: that pins one pod). */
export type LoadRoute = 'nodeport' | 'pod';

/** running: sending; settling: sent, watching the HPAs scale back down; stopping: Stop was asked for. */
export type LoadPhase = 'running' | 'settling' | 'stopping' | 'done' | 'stopped' | 'failed';

export interface LoadRequestSpec {
  method: string;
  /** Path and query, starting with `/`. */
  path: string;
  /** Requests per second (open loop: sent on schedule whether or not earlier ones answered). */
  rps: number;
  durationMs: number;
  /** A request that takes longer counts as an error ("timeout"). */
  timeoutMs: number;
  body?: string;
  contentType?: string;
}

/** Counts over an interval (the last second, or the whole run). */
export interface LoadCounts {
  /** Requests started. */
  sent: number;
  /** Answered with a status below 400. */
  ok: number;
  /** HTTP ≥ 400, connection errors and timeouts. */
  errors: number;
  /** Latency percentiles of answered requests, ms. */
  p50Ms?: number;
  p95Ms?: number;
  maxMs?: number;
}

/** One autoscaler the Service's traffic drives, as the HPA status says. */
export interface LoadScaler {
  /** HPA name. */
  name: string;
  /** `Deployment/gateway`. */
  target: string;
  currentReplicas: number;
  desiredReplicas: number;
  minReplicas?: number;
  maxReplicas: number;
  /** As people read it: "CPU 152% / 50%". */
  metrics: string[];
  /** The target workload's pods: ready or not. */
  pods: { name: string; ready: boolean; phase: string }[];
  /** Why it cannot scale (ScalingActive False …). */
  condition?: string;
}

export interface TimelineEntry {
  /** Milliseconds since the load started (negative: before). */
  atMs: number;
  kind: 'load' | 'scale' | 'pod' | 'event';
  text: string;
}

export interface LoadStatus {
  /** Identifies the run (the webview's Stop names it). */
  id: string;
  context: string;
  namespace: string;
  service: string;
  route: LoadRoute;
  /** Where the requests go and through what: "NodePort 30080 (127.0.0.1:30080)", "pod kt-load-x (image busybox:1.36)". */
  via: string;
  /** The in-cluster URL the requests address. */
  url: string;
  method: string;
  rps: number;
  durationMs: number;
  phase: LoadPhase;
  /** Since the load started (until the run ended, settling included). */
  elapsedMs: number;
  /** When the load stopped sending, ms after its start (set once it has). */
  loadEndedMs?: number;
  total: LoadCounts;
  lastSecond: LoadCounts;
  /** Error kinds with counts: "HTTP 502", "timeout", "ECONNREFUSED". */
  errorKinds: Record<string, number>;
  scalers: LoadScaler[];
  /** Newest last, at most the last 200 entries. */
  timeline: TimelineEntry[];
  /** A failure, or the closing line. */
  message?: string;
}
