/**
 * Every message between the extension host and its webviews (the topology panel and the generator
 * form), in one place.
 *
 * Both sides import this module and nothing else crosses the boundary. Each message type is
 * declared once, with its fields, in {@link HOST_TO_WEBVIEW} or {@link WEBVIEW_TO_HOST}; the
 * TypeScript types are derived from those tables, so a message cannot exist without a runtime
 * validator. Validators check the shape and the type of every field and reject unknown fields,
 * unknown types and oversized payloads: the host treats the webview as untrusted input and the
 * webview treats the host the same way.
 *
 * Pure: no `vscode`, no DOM.
 */
import type { BundleMember, GraphBundle, GraphEdge, GraphModel, GraphNode, GraphProblem, GraphRange, NodeFacts } from '../core/graph/types';
import { EDGE_TYPES, NODE_CATEGORIES } from '../core/graph/types';
import type { LiveNodeState, LivePod, LiveSnapshot } from '../core/cluster/liveTypes';
import type { LoadCounts, LoadScaler, LoadStatus, TimelineEntry } from '../core/load/loadTypes';

// ---------------------------------------------------------------------------------------------
// A tiny schema language (types and validators from one description)

type Check<T> = { readonly check: (v: unknown, budget: Budget) => boolean; readonly _t?: T };
interface Budget {
  /** Values left to inspect; a message that would take longer is rejected, not walked. */
  left: number;
}

const spend = (b: Budget): boolean => --b.left >= 0;

const str = (max = 100_000): Check<string> => ({ check: (v, b) => spend(b) && typeof v === 'string' && v.length <= max });
const num: Check<number> = { check: (v, b) => spend(b) && typeof v === 'number' && Number.isFinite(v) };
const int = (min = 0): Check<number> => ({ check: (v, b) => spend(b) && typeof v === 'number' && Number.isInteger(v) && v >= min });
const bool: Check<boolean> = { check: (v, b) => spend(b) && typeof v === 'boolean' };
const lit = <T extends string>(...values: T[]): Check<T> => ({ check: (v, b) => spend(b) && typeof v === 'string' && (values as string[]).includes(v) });
const nullable = <T>(c: Check<T>): Check<T | null> => ({ check: (v, b) => v === null || c.check(v, b) });
const arr = <T>(c: Check<T>, max = 100_000): Check<T[]> => ({
  check: (v, b) => spend(b) && Array.isArray(v) && v.length <= max && v.every((x) => c.check(x, b)),
});

/** A plain object used as a map: string keys (at most `maxKeys`, each at most 1000 chars) to checked values. */
const record = <T>(c: Check<T>, maxKeys = 50_000): Check<Record<string, T>> => ({
  check: (v, b) => {
    if (!spend(b) || v === null || typeof v !== 'object' || Array.isArray(v)) return false;
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    const keys = Object.keys(v);
    if (keys.length > maxKeys) return false;
    return keys.every((k) => k.length <= 1000 && c.check((v as Record<string, unknown>)[k], b));
  },
});

/** The type a check accepts. */
type Checked<C> = C extends Check<infer T> ? T : never;

type Field = Check<unknown> & { optional?: boolean };
const opt = <T>(c: Check<T>): Check<T | undefined> & { optional: true } => ({ ...c, optional: true });

type Shape = Record<string, Field>;
type Infer<S extends Shape> = {
  [K in keyof S as S[K] extends { optional: true } ? never : K]: S[K] extends Check<infer T> ? T : never;
} & {
  [K in keyof S as S[K] extends { optional: true } ? K : never]?: S[K] extends Check<infer T> ? Exclude<T, undefined> : never;
};

/** A plain object with exactly these fields (optional ones may be absent; no others). */
function obj<S extends Shape>(shape: S): Check<Infer<S>> {
  const keys = Object.keys(shape);
  return {
    check: (v, b) => {
      if (!spend(b) || v === null || typeof v !== 'object' || Array.isArray(v)) return false;
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      const rec = v as Record<string, unknown>;
      for (const k of Object.keys(rec)) if (!Object.prototype.hasOwnProperty.call(shape, k)) return false;
      for (const k of keys) {
        const f = shape[k];
        if (rec[k] === undefined) {
          if (!f.optional) return false;
          continue;
        }
        if (!f.check(rec[k], b)) return false;
      }
      return true;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The graph (validated field by field on both sides)

const position = obj({ line: int(), character: int() });
const range: Check<GraphRange> = obj({ start: position, end: position });
const severity = lit('error', 'warning', 'info');
const problem: Check<GraphProblem> = obj({ code: str(200), severity, message: str(4000) });
const strings = arr(str(2000), 1000);
const facts: Check<NodeFacts> = obj({
  images: opt(strings),
  ports: opt(strings),
  replicas: opt(int()),
  selector: opt(str(2000)),
  serviceType: opt(str(100)),
  routes: opt(strings),
  ingressClass: opt(str(200)),
  minReplicas: opt(int()),
  maxReplicas: opt(int()),
  metrics: opt(strings),
  scaleTarget: opt(str(500)),
  schedule: opt(str(200)),
  keys: opt(strings),
  secretType: opt(str(200)),
  resources: opt(strings),
});
const node: Check<GraphNode> = obj({
  id: str(1000),
  kind: str(200),
  name: str(500),
  namespace: str(300),
  category: lit(...NODE_CATEGORIES),
  file: str(4096),
  line: int(),
  range,
  facts,
  unit: opt(str(1000)),
  status: lit('ok', 'error', 'warning', 'info'),
  problems: arr(problem, 200),
  ghost: opt(bool),
});
/** What an edge and a bundle's member both say about a connection. */
const connection = {
  reason: str(8000),
  label: str(500),
  broken: opt(bool),
  code: opt(str(200)),
  severity: opt(severity),
  file: opt(str(4096)),
  line: opt(int()),
};
const edge: Check<GraphEdge> = obj({ id: str(2100), from: str(1000), to: str(1000), type: lit(...EDGE_TYPES), ...connection });
const bundleMember: Check<BundleMember> = obj(connection);
const bundle: Check<GraphBundle> = obj({
  id: str(2100),
  type: lit(...EDGE_TYPES),
  from: arr(str(1000), 50_000),
  to: arr(str(1000), 50_000),
  label: str(500),
  reason: str(8000),
  members: arr(bundleMember, 50_000),
  broken: opt(bool),
  code: opt(str(200)),
  severity: opt(severity),
});
const graph: Check<GraphModel> = obj({ nodes: arr(node, 50_000), edges: arr(edge, 200_000), bundles: opt(arr(bundle, 50_000)) });

// ---------------------------------------------------------------------------------------------
// Live cluster state (src/core/cluster/liveTypes.ts), checked like the graph

const livePod: Check<LivePod> = obj({
  name: str(300),
  phase: str(100),
  ready: bool,
  reason: opt(str(300)),
  message: opt(str(4000)),
  restarts: opt(int()),
});
const liveNode: Check<LiveNodeState> = obj({
  exists: bool,
  readyReplicas: opt(int()),
  desiredReplicas: opt(int()),
  pods: opt(arr(livePod, 2000)),
  condition: opt(str(4000)),
  hpa: opt(obj({ currentReplicas: int(), desiredReplicas: int(), metrics: arr(str(500), 50) })),
  endpoints: opt(int()),
  loadBalancer: opt(obj({ address: opt(str(1000)), pending: bool, hint: opt(str(1000)) })),
});
const liveSnapshot: Check<LiveSnapshot> = obj({
  context: str(500),
  updatedAt: num,
  nodes: record(liveNode, 50_000),
  error: opt(str(8000)),
});

// ---------------------------------------------------------------------------------------------
// A load run (src/core/load/loadTypes.ts): the scaling card

const loadCounts: Check<LoadCounts> = obj({ sent: int(), ok: int(), errors: int(), p50Ms: opt(num), p95Ms: opt(num), maxMs: opt(num) });
const loadScaler: Check<LoadScaler> = obj({
  name: str(300),
  target: str(400),
  currentReplicas: int(),
  desiredReplicas: int(),
  minReplicas: opt(int()),
  maxReplicas: int(),
  metrics: arr(str(500), 50),
  pods: arr(obj({ name: str(300), ready: bool, phase: str(100) }), 2000),
  condition: opt(str(4000)),
});
const timelineEntry: Check<TimelineEntry> = obj({ atMs: num, kind: lit('load', 'scale', 'pod', 'event'), text: str(1000) });
const loadStatus: Check<LoadStatus> = obj({
  id: str(100),
  context: str(500),
  namespace: str(300),
  service: str(300),
  route: lit('nodeport', 'pod'),
  via: str(1000),
  url: str(3000),
  method: str(20),
  rps: num,
  durationMs: num,
  phase: lit('running', 'settling', 'stopping', 'done', 'stopped', 'failed'),
  elapsedMs: num,
  loadEndedMs: opt(num),
  total: loadCounts,
  lastSecond: loadCounts,
  errorKinds: record(int(), 60),
  scalers: arr(loadScaler, 50),
  timeline: arr(timelineEntry, 500),
  message: opt(str(4000)),
});

/** The cluster the panel's live overlay and toolbar actions talk to. */
const clusterInfo = obj({
  /** Context name; null: no kubeconfig context. */
  context: nullable(str(500)),
  /** kind, minikube, docker-desktop, loopback: applies without asking. */
  local: bool,
  /** A kind cluster: LoadBalancers stay pending, images need loading. */
  kind: bool,
  reachable: bool,
  /** Why it is not reachable or not usable (one line). */
  detail: opt(str(2000)),
  /** Trusted workspace with a reachable context: the toolbar offers Apply. */
  canApply: bool,
});

/** What the graph was made from: shown in the title and the empty state, kept in the state for reload. */
const scope = obj({ kind: lit('file', 'folder', 'workspace'), uri: str(8192), label: str(4096) });

// ---------------------------------------------------------------------------------------------
// The messages

/** Host → webview. */
export const HOST_TO_WEBVIEW = {
  /** A new analysis: the whole graph (the webview diffs it and keeps positions). */
  graph: { revision: int(), scope, graph },
  /** The editor cursor moved into a resource (`null`: out of every resource). Never steals focus. */
  highlight: { nodeId: nullable(str(1000)) },
  /** The analysis could not run; `hint` says what to do. */
  error: { message: str(4000), hint: opt(str(4000)) },
  /** Outcome of a `export` request (saved, cancelled, failed). */
  exportResult: { ok: bool, message: str(4000) },
  /** Live state from the cluster for the graph's nodes (`null`: overlay off, e.g. no reachable cluster). */
  live: { snapshot: nullable(liveSnapshot) },
  /** Which cluster the panel is connected to, and whether cluster actions are allowed. */
  cluster: { info: clusterInfo },
  /** The load run and what it drives (`null`: none to show). */
  load: { status: nullable(loadStatus) },
} as const;

/** Webview → host. */
export const WEBVIEW_TO_HOST = {
  /** The webview loaded and listens; the host answers with `graph`. */
  ready: {},
  /** Open the resource's YAML and select it (also for ghost nodes: the broken reference). */
  reveal: { nodeId: str(1000) },
  /** Save an export: SVG text, or a PNG as a `data:image/png;base64,` URL. */
  export: { format: lit('svg', 'png'), data: str(64 * 1024 * 1024), suggestedName: str(200) },
  /** Analyse again now (toolbar Refresh). */
  refresh: {},
  /** A graph revision is on screen (tests and benchmarks read this). */
  rendered: { revision: int(), nodes: int(), edges: int(), layoutMs: num, paintMs: num },
  /** Something the webview wants in the extension's log. */
  log: { level: lit('info', 'warn', 'error'), message: str(4000) },
  /** Apply the panel's manifests to the cluster (toolbar). The host re-checks trust and locality. */
  apply: {},
  /** Port-forward to a Service node (its card or a pending LoadBalancer's "Port-forward instead"). */
  portForward: { nodeId: str(1000) },
  /** Load a workload's images into kind (a pod failing with ErrImagePull / ImagePullBackOff). */
  loadImages: { nodeId: str(1000) },
  /** Pick another kubeconfig context (the toolbar's cluster chip). */
  selectContext: {},
  /** Send load to a Service node (its card's "Send load" chip); the host asks for the details. */
  sendLoad: { nodeId: str(1000) },
  /** Stop the load run with this id (the scaling card's Stop). */
  stopLoad: { id: str(100) },
} as const;

// ---------------------------------------------------------------------------------------------
// The generator form (webview/src/generator ↔ src/extension/generatorPanel.ts)

/** A parameter value as the form holds it: typed text, a picked choice, a ticked box. */
const paramValue: Check<string | number | boolean> = {
  check: (v, b) => spend(b) && (typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= 10_000)),
};
const paramValues = record(paramValue, 500);
const outputLayout = lit('single', 'per-resource');
const formField = obj({
  name: str(200),
  label: str(500),
  description: opt(str(4000)),
  type: lit('string', 'integer', 'enum', 'boolean'),
  choices: opt(arr(obj({ value: str(500), description: opt(str(2000)), recommended: opt(bool) }), 500)),
  group: str(200),
  essential: bool,
  allowed: str(2000),
});
const formGroup = obj({ title: str(200), shown: arr(str(200), 500), folded: arr(str(200), 500) });
/** A template offered in the form's picker; `where` is "built-in" or the file it came from. */
const templateSummary = obj({ name: str(200), title: str(500), description: str(4000), where: str(4096) });
const fieldState = obj({ active: bool, value: paramValue, default: paramValue, edited: bool, error: opt(str(4000)) });
const previewFinding = obj({ code: str(200), severity, message: str(4000), file: str(4096), line: int() });

/** Host → generator form. */
export const HOST_TO_GENERATOR = {
  /** The form to build: the templates to pick from, the chosen one's fields and groups, the start values and output. */
  form: {
    templates: arr(templateSummary, 200),
    template: str(200),
    fields: arr(formField, 500),
    groups: arr(formGroup, 200),
    values: paramValues,
    layout: outputLayout,
    folder: str(4096),
  },
  /** The evaluation of the values sent with `revision`: each field's state, problems between fields, and the preview. */
  state: {
    revision: int(),
    fields: record(fieldState, 500),
    problems: arr(obj({ parameter: opt(str(200)), message: str(4000) }), 500),
    valid: bool,
    files: arr(obj({ path: str(4096), text: str(4_000_000) }), 500),
    graph,
    findings: arr(previewFinding, 2000),
    notes: arr(str(4000), 100),
  },
  /** The target folder (after Choose folder…). */
  folder: { label: str(4096) },
  /** The outcome of Generate (written, cancelled at the overwrite question, failed). */
  generated: { ok: bool, message: str(4000) },
} as const;

/** Generator form → host. */
export const GENERATOR_TO_HOST = {
  /** The form loaded and listens; the host answers with `form`. */
  ready: {},
  /** A field or the output choice changed: the values the user gave (the rest follow their defaults). */
  change: { revision: int(), template: str(200), values: paramValues, layout: outputLayout },
  /** Another template was picked. */
  selectTemplate: { name: str(200) },
  /** Pick the target folder with the system dialog. */
  chooseFolder: {},
  /** Write the files (the host checks every value again and asks before overwriting). */
  generate: { template: str(200), values: paramValues, layout: outputLayout },
  /** Something the form wants in the extension's log. */
  log: { level: lit('info', 'warn', 'error'), message: str(4000) },
} as const;

type Messages<T extends Record<string, Shape>> = {
  [K in keyof T & string]: { type: K } & Infer<T[K]>;
}[keyof T & string];

export type HostToWebviewMessage = Messages<typeof HOST_TO_WEBVIEW>;
export type WebviewToHostMessage = Messages<typeof WEBVIEW_TO_HOST>;
export type HostToGeneratorMessage = Messages<typeof HOST_TO_GENERATOR>;
export type GeneratorToHostMessage = Messages<typeof GENERATOR_TO_HOST>;
export type HostToWebviewType = HostToWebviewMessage['type'];
export type WebviewToHostType = WebviewToHostMessage['type'];
export type MessageOf<M extends { type: string }, K extends M['type']> = Extract<M, { type: K }>;

function validator<T>(table: Record<string, Shape>, budget: number): (m: unknown) => m is T {
  const checks = new Map<string, Check<unknown>>();
  for (const [type, shape] of Object.entries(table)) checks.set(type, obj({ type: lit(type), ...shape }));
  return (m: unknown): m is T => {
    try {
      // Inside the try: reading `type` of a proxy or a getter can throw too.
      if (m === null || typeof m !== 'object' || Array.isArray(m)) return false;
      const type = (m as { type?: unknown }).type;
      if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(table, type)) return false;
      return checks.get(type)!.check(m, { left: budget });
    } catch {
      return false; // getters that throw, proxies: not a message
    }
  };
}

/** True only for a well-formed host → webview message. */
export const isHostToWebviewMessage = validator<HostToWebviewMessage>(HOST_TO_WEBVIEW, 5_000_000);
/** True only for a well-formed webview → host message. */
export const isWebviewToHostMessage = validator<WebviewToHostMessage>(WEBVIEW_TO_HOST, 10_000);

/** True only for a well-formed host → generator form message. */
export const isHostToGeneratorMessage = validator<HostToGeneratorMessage>(HOST_TO_GENERATOR, 5_000_000);
/** True only for a well-formed generator form → host message. */
export const isGeneratorToHostMessage = validator<GeneratorToHostMessage>(GENERATOR_TO_HOST, 10_000);

/** Why a message was rejected, for the log (never echoes the payload). */
export function describeInvalid(m: unknown): string {
  if (m === null || typeof m !== 'object') return `not an object (${m === null ? 'null' : typeof m})`;
  let type: unknown;
  try {
    type = (m as { type?: unknown }).type;
  } catch {
    return 'an object whose "type" cannot be read';
  }
  if (typeof type !== 'string') return 'no string "type" field';
  return `malformed or unknown message of type "${type.slice(0, 60)}"`;
}

/** The `vscode.getState()` shape of the webview (kept here so host-side serializers agree). */
export type GraphScope = Infer<(typeof HOST_TO_WEBVIEW)['graph']>['scope'];

/** A field of the generator form, its live state, and the groups it sits in. */
export type GeneratorField = Checked<typeof formField>;
export type GeneratorFieldState = Checked<typeof fieldState>;
export type GeneratorGroup = Checked<typeof formGroup>;
export type GeneratorLayout = Checked<typeof outputLayout>;

/** The `cluster` message's payload. */
export type ClusterInfo = Infer<(typeof HOST_TO_WEBVIEW)['cluster']>['info'];

export interface WebviewState {
  scope?: GraphScope;
  namespace?: string;
  hiddenCategories?: string[];
  showConfig?: boolean;
  search?: string;
  view?: { x: number; y: number; k: number };
  memory?: unknown;
}

/** The scope part of a restored webview state, checked before the host trusts it. */
export function restoredScope(state: unknown): WebviewState['scope'] | undefined {
  const s = state !== null && typeof state === 'object' ? (state as { scope?: unknown }).scope : undefined;
  return s !== undefined && scope.check(s, { left: 100 }) ? (s as WebviewState['scope']) : undefined;
}
