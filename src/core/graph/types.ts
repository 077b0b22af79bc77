/**
 * The topology graph as data: what the webview draws, what `kube-topology graph --output json`
 * prints, and what every renderer (SVG, HTML, DOT, Mermaid) reads. Pure types, no `vscode`, no DOM,
 * so both the extension host and the webview bundle import them.
 *
 * Lines: `line` is 1-based (as people and compilers print it); `range` is 0-based like findings.
 */

/** How one resource points at another. */
export type EdgeType = 'routes' | 'selects' | 'scales' | 'calls' | 'mounts';

export const EDGE_TYPES: readonly EdgeType[] = ['routes', 'selects', 'scales', 'calls', 'mounts'];

/**
 * The column family a node belongs to; it decides colour, icon and filter group.
 * `entry`: Ingress and Services reachable from outside the cluster (LoadBalancer, NodePort).
 */
export type NodeCategory = 'entry' | 'service' | 'workload' | 'autoscaler' | 'config';

export const NODE_CATEGORIES: readonly NodeCategory[] = ['entry', 'service', 'workload', 'autoscaler', 'config'];

export type Severity = 'error' | 'warning' | 'info';

export interface GraphPosition {
  line: number;
  character: number;
}

export interface GraphRange {
  start: GraphPosition;
  end: GraphPosition;
}

/** A finding attached to a node or an edge (validation and the graph share the code). */
export interface GraphProblem {
  code: string;
  severity: Severity;
  message: string;
}

/**
 * Key facts shown on the card and in the hover. Only names, numbers and shapes: a Secret's
 * data values never get here (only its key names).
 */
export interface NodeFacts {
  /** Container images, in container order. */
  images?: string[];
  /** Ports as people read them: "80 → 9696/TCP" for a Service, "9696/TCP" for a container. */
  ports?: string[];
  /** Declared replicas (absent: Kubernetes' default of 1 applies, or an HPA owns it). */
  replicas?: number;
  /** Label selector as `key=value, key=value`. */
  selector?: string;
  /** Service type: ClusterIP, NodePort, LoadBalancer, ExternalName. */
  serviceType?: string;
  /** Ingress hosts and paths, "example.com/predict". */
  routes?: string[];
  /** Ingress class. */
  ingressClass?: string;
  /** HPA range and what it scales on. */
  minReplicas?: number;
  maxReplicas?: number;
  /** HPA metrics, "50% CPU". */
  metrics?: string[];
  /** HPA target, "Deployment gateway". */
  scaleTarget?: string;
  /** CronJob schedule. */
  schedule?: string;
  /** ConfigMap / Secret key names (never values). */
  keys?: string[];
  /** Secret type, e.g. Opaque. */
  secretType?: string;
  /** Requests and limits, "cpu 100m/500m, memory 128Mi/512Mi" (request/limit). */
  resources?: string[];
}

export interface GraphNode {
  /** Stable across edits that do not rename: `Kind/namespace/name` (ghosts: `ghost:…`). */
  id: string;
  kind: string;
  name: string;
  /** Empty for cluster-scoped resources. */
  namespace: string;
  category: NodeCategory;
  /** Source file (absolute path or the CLI's `<stdin>`); empty for ghosts without a source. */
  file: string;
  /** 1-based line of the resource's first line. */
  line: number;
  /** The whole resource, 0-based, for selecting it in the editor. */
  range: GraphRange;
  facts: NodeFacts;
  /** The apply unit the resource belongs to (see src/core/index/applyUnits.ts), when known. */
  unit?: string;
  /** Highest severity among `problems`, or 'ok'. */
  status: 'ok' | Severity;
  problems: GraphProblem[];
  /**
   * A resource that something references but that does not exist in scope. Its `file`/`line`/`range`
   * point at the reference that is broken, and `problems[0].code` is the finding's code.
   */
  ghost?: boolean;
}

export interface GraphEdge {
  /** Stable: `type:from->to` (with a `#n` suffix when the same pair has several references). */
  id: string;
  from: string;
  to: string;
  type: EdgeType;
  /** The whole explanation, e.g. "selector app=gateway; port 80 → targetPort 9696 → containerPort 9696". */
  reason: string;
  /** A short label drawn on the edge, e.g. "80 → 9696". */
  label: string;
  /** Set for a reference that does not resolve; the edge is drawn dashed, in the error colour. */
  broken?: boolean;
  /** The finding code of a broken reference. */
  code?: string;
  severity?: Severity;
  /** Where the reference is written (1-based line), to reveal it. */
  file?: string;
  line?: number;
}

/** What one source's connections in a bundle say: the reason, label, finding and place its single edges would carry. */
export type BundleMember = Pick<GraphEdge, 'reason' | 'label' | 'broken' | 'code' | 'severity' | 'file' | 'line'>;

/**
 * Many connections of one type stored and drawn as one (src/core/graph/bundles.ts): every source
 * in `from` has a `type` connection to every target in `to` — e.g. 40 Services whose selectors all
 * match the pods of the same 40 Deployments. Stored once, in O(|from| + |to|), instead of
 * |from| × |to| edges, and drawn as the sources' lines meeting at a labelled junction that fans out
 * to the targets. Formed only where that at least halves the lines drawn, so graphs without such a
 * fan have no `bundles` at all.
 */
export interface GraphBundle {
  /** Stable while its first source and first target stay: `bundle:type:from[0]=>to[0]`. */
  id: string;
  type: EdgeType;
  /** Source node ids, sorted; one namespace. */
  from: string[];
  /** Target node ids, sorted; the same namespace. */
  to: string[];
  /** Drawn on the junction: "40 Services → 40 Deployments". */
  label: string;
  /** The whole explanation, for tooltips and screen readers. */
  reason: string;
  /** Per source, parallel to `from`. */
  members: BundleMember[];
  /** Some member is broken; `code`/`severity` are the worst member's. */
  broken?: boolean;
  code?: string;
  severity?: Severity;
}

export interface GraphModel {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Dense fans stored once (absent when there are none). */
  bundles?: GraphBundle[];
}

/** Kinds that get a node of their own; anything else is left out of the graph. */
export const GRAPH_KINDS: readonly string[] = [
  'Ingress',
  'Service',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
  'Pod',
  'HorizontalPodAutoscaler',
  'ConfigMap',
  'Secret',
];

export const WORKLOAD_NODE_KINDS: readonly string[] = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
  'Pod',
];

export function nodeId(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/** Which category a kind falls in (Services depend on their type, see {@link serviceCategory}). */
export function categoryOfKind(kind: string, serviceType?: string): NodeCategory {
  switch (kind) {
    case 'Ingress':
      return 'entry';
    case 'Service':
      return serviceCategory(serviceType);
    case 'HorizontalPodAutoscaler':
      return 'autoscaler';
    case 'ConfigMap':
    case 'Secret':
      return 'config';
    default:
      return 'workload';
  }
}

/** LoadBalancer and NodePort Services are entry points from outside; ClusterIP ones are internal. */
export function serviceCategory(type: string | undefined): NodeCategory {
  return type === 'LoadBalancer' || type === 'NodePort' ? 'entry' : 'service';
}

/** Human name of a category, used by filters and legends. */
export const CATEGORY_LABELS: Record<NodeCategory, string> = {
  entry: 'Entry points',
  service: 'Internal services',
  workload: 'Workloads',
  autoscaler: 'Autoscalers',
  config: 'Config & secrets',
};

export const EDGE_LABELS: Record<EdgeType, string> = {
  routes: 'routes to',
  selects: 'selects',
  scales: 'scales',
  calls: 'calls',
  mounts: 'uses',
};
