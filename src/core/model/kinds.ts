import type { PathSegment } from '../parse/locate';
import type { Resource } from '../parse/manifestParser';
import type { ResourceRef } from '../findings';

/** Kinds without a namespace (metadata.namespace is ignored by the API server for these). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'StorageClass',
  'CustomResourceDefinition',
  'IngressClass',
  'PriorityClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
  'CSIDriver',
  'CSINode',
  'RuntimeClass',
  'VolumeAttachment',
  'CertificateSigningRequest',
  'ComponentStatus',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'DeviceClass',
  'ResourceSlice',
  'ServiceCIDR',
  'IPAddress',
  'StorageVersion',
  'StorageVersionMigration',
  'ClusterTrustBundle',
  'VolumeAttributesClass',
  'TokenReview',
  'SelfSubjectReview',
  'SubjectAccessReview',
  'SelfSubjectAccessReview',
  'SelfSubjectRulesReview',
  'PodSecurityPolicy',
]);

export function isClusterScoped(kind: string | undefined): boolean {
  return kind !== undefined && CLUSTER_SCOPED.has(kind);
}

/** The namespace a resource lands in when applied without `-n`. */
export function effectiveNamespace(r: { kind?: string; namespace?: string }, defaultNamespace = 'default'): string | undefined {
  if (isClusterScoped(r.kind)) return undefined;
  return r.namespace || defaultNamespace;
}

export function refOf(r: Resource, defaultNamespace = 'default'): ResourceRef {
  return {
    apiVersion: r.apiVersion ?? '',
    kind: r.kind ?? '',
    name: r.name ?? '',
    namespace: effectiveNamespace(r, defaultNamespace),
  };
}

export function groupOf(apiVersion: string | undefined): string {
  if (!apiVersion) return '';
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

export function describeRef(r: { kind?: string; name?: string; namespace?: string }): string {
  return `${r.kind ?? 'object'} ${r.namespace ? `${r.namespace}/` : ''}${r.name ?? '(unnamed)'}`;
}

export interface PodTemplateView {
  /** Path to the PodSpec inside the resource. */
  specPath: PathSegment[];
  /** Path to the pod labels (template metadata.labels, or metadata.labels for a Pod). */
  labelsPath: PathSegment[];
  spec: Record<string, unknown> | undefined;
  labels: Record<string, string>;
}

/** Workload kinds and where their pod template lives. */
const TEMPLATE_PATHS: Record<string, PathSegment[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export const WORKLOAD_KINDS = new Set([...Object.keys(TEMPLATE_PATHS), 'Pod']);

/** Kinds a HorizontalPodAutoscaler can scale (they have a /scale subresource). */
export const SCALABLE_KINDS: Record<string, string> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  ReplicationController: 'v1',
};

export function isWorkload(r: { kind?: string }): boolean {
  return r.kind !== undefined && WORKLOAD_KINDS.has(r.kind);
}

export function getPath(obj: unknown, path: readonly PathSegment[]): unknown {
  let cur: unknown = obj;
  for (const seg of path) {
    if (cur == null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v != null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const rec = asRecord(v);
  if (!rec) return out;
  for (const [k, val] of Object.entries(rec)) if (typeof val === 'string' || typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
  return out;
}

/** The pod template of a workload (or the Pod itself), or undefined for other kinds. */
export function podTemplateOf(r: { kind?: string; object: Record<string, unknown> }): PodTemplateView | undefined {
  if (r.kind === 'Pod') {
    return {
      specPath: ['spec'],
      labelsPath: ['metadata', 'labels'],
      spec: asRecord(r.object.spec),
      labels: stringMap(getPath(r.object, ['metadata', 'labels'])),
    };
  }
  const base = r.kind ? TEMPLATE_PATHS[r.kind] : undefined;
  if (!base) return undefined;
  return {
    specPath: [...base, 'spec'],
    labelsPath: [...base, 'metadata', 'labels'],
    spec: asRecord(getPath(r.object, [...base, 'spec'])),
    labels: stringMap(getPath(r.object, [...base, 'metadata', 'labels'])),
  };
}

export interface ContainerView {
  container: Record<string, unknown>;
  path: PathSegment[];
  name: string;
  init: boolean;
}

/** containersOf's lists per template view (a view from the per-object `templateOf` lives as long as its object). */
const containerLists = [new WeakMap<PodTemplateView, readonly ContainerView[]>(), new WeakMap<PodTemplateView, readonly ContainerView[]>()];

/** Containers (and init containers) of a pod spec with their paths, once per template view (do not modify). */
export function containersOf(t: PodTemplateView, includeInit = false): readonly ContainerView[] {
  const memo = containerLists[includeInit ? 1 : 0];
  const known = memo.get(t);
  if (known) return known;
  const out: ContainerView[] = [];
  const lists: [string, boolean][] = includeInit
    ? [
        ['containers', false],
        ['initContainers', true],
      ]
    : [['containers', false]];
  for (const [key, init] of lists) {
    asArray(t.spec?.[key]).forEach((c, i) => {
      const rec = asRecord(c);
      if (rec) out.push({ container: rec, path: [...t.specPath, key, i], name: typeof rec.name === 'string' ? rec.name : '', init });
    });
  }
  memo.set(t, out);
  return out;
}

/** Does a label selector (matchLabels or a plain map) select these labels? */
export function selectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const keys = Object.keys(selector);
  if (keys.length === 0) return false;
  return keys.every((k) => labels[k] === selector[k]);
}

export interface LabelExpression {
  key: string;
  operator: string;
  values?: string[];
}

/** Full LabelSelector semantics (matchLabels AND matchExpressions). An empty selector matches nothing here. */
export function labelSelectorMatches(
  selector: { matchLabels?: Record<string, string>; matchExpressions?: LabelExpression[] },
  labels: Record<string, string>,
): boolean {
  const ml = selector.matchLabels ?? {};
  const me = selector.matchExpressions ?? [];
  if (Object.keys(ml).length === 0 && me.length === 0) return false;
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  for (const e of me) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const vals = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !vals.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && vals.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
