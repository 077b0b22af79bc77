/**
 * Removed and deprecated API versions, hand-maintained from the Kubernetes "Deprecated API
 * Migration Guide" (kubernetes.io/docs/reference/using-api/deprecation-guide/) and release notes.
 * It covers removals older than the generated schemas (1.28+), so manifests written for old
 * clusters get "use X instead" rather than "unknown apiVersion".
 *
 * `rename` says what a quick fix that only rewrites `apiVersion` is worth:
 *   - 'safe':   the fields and their meaning are unchanged; the fix is offered and preferred
 *   - 'review': same kind with some field or default changes; the fix is offered (not preferred)
 *               only when the object validates against the replacement's schema as it is
 *   - absent:   the object has to be rewritten (or there is no replacement); no fix
 */
export interface ApiChange {
  apiVersion: string;
  kinds: string[];
  /** First release that no longer serves it. */
  removedIn?: string;
  /** Release that started warning about it (only recorded where it matters for 1.28+). */
  deprecatedIn?: string;
  /** apiVersions to use instead, in order of preference; the first one served by the target release wins. */
  replacements: string[];
  /** When the replacement is a different kind (Endpoints → EndpointSlice). */
  replacementKind?: string;
  /** What changes when migrating, shown after the replacement. */
  note?: string;
  rename?: 'safe' | 'review';
}

const WORKLOAD_NOTE = 'spec.selector is required and must match the template labels, and some defaults differ';
const INGRESS_NOTE =
  'backend.serviceName and servicePort became backend.service.name and backend.service.port.number or .name, and every path needs a pathType';
const FLOWCONTROL_NOTE = 'PriorityLevelConfiguration spec.limited.assuredConcurrencyShares is named nominalConcurrencyShares';

export const API_CHANGES: ApiChange[] = [
  // Removed in 1.16
  {
    apiVersion: 'extensions/v1beta1',
    kinds: ['Deployment', 'DaemonSet', 'ReplicaSet'],
    removedIn: '1.16',
    replacements: ['apps/v1'],
    note: WORKLOAD_NOTE,
    rename: 'review',
  },
  { apiVersion: 'extensions/v1beta1', kinds: ['NetworkPolicy'], removedIn: '1.16', replacements: ['networking.k8s.io/v1'], rename: 'review' },
  {
    apiVersion: 'extensions/v1beta1',
    kinds: ['PodSecurityPolicy'],
    removedIn: '1.16',
    replacements: [],
    note: 'PodSecurityPolicy itself was removed in 1.25; use Pod Security Admission (pod-security.kubernetes.io/* namespace labels)',
  },
  {
    apiVersion: 'apps/v1beta1',
    kinds: ['Deployment', 'StatefulSet', 'ControllerRevision'],
    removedIn: '1.16',
    replacements: ['apps/v1'],
    note: WORKLOAD_NOTE,
    rename: 'review',
  },
  {
    apiVersion: 'apps/v1beta2',
    kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ControllerRevision'],
    removedIn: '1.16',
    replacements: ['apps/v1'],
    note: WORKLOAD_NOTE,
    rename: 'review',
  },
  // Removed in 1.22
  { apiVersion: 'extensions/v1beta1', kinds: ['Ingress'], removedIn: '1.22', replacements: ['networking.k8s.io/v1'], note: INGRESS_NOTE },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['Ingress'], removedIn: '1.22', replacements: ['networking.k8s.io/v1'], note: INGRESS_NOTE },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['IngressClass'], removedIn: '1.22', replacements: ['networking.k8s.io/v1'], rename: 'safe' },
  {
    apiVersion: 'admissionregistration.k8s.io/v1beta1',
    kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    removedIn: '1.22',
    replacements: ['admissionregistration.k8s.io/v1'],
    note: 'webhooks[*].sideEffects and admissionReviewVersions are required, and failurePolicy defaults to Fail',
    rename: 'review',
  },
  {
    apiVersion: 'apiextensions.k8s.io/v1beta1',
    kinds: ['CustomResourceDefinition'],
    removedIn: '1.22',
    replacements: ['apiextensions.k8s.io/v1'],
    note: 'each version needs a structural schema under spec.versions[*].schema.openAPIV3Schema',
  },
  { apiVersion: 'apiregistration.k8s.io/v1beta1', kinds: ['APIService'], removedIn: '1.22', replacements: ['apiregistration.k8s.io/v1'], rename: 'safe' },
  { apiVersion: 'authentication.k8s.io/v1beta1', kinds: ['TokenReview'], removedIn: '1.22', replacements: ['authentication.k8s.io/v1'], rename: 'safe' },
  {
    apiVersion: 'authorization.k8s.io/v1beta1',
    kinds: ['SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview'],
    removedIn: '1.22',
    replacements: ['authorization.k8s.io/v1'],
    note: 'spec.group is named spec.groups',
    rename: 'review',
  },
  {
    apiVersion: 'certificates.k8s.io/v1beta1',
    kinds: ['CertificateSigningRequest'],
    removedIn: '1.22',
    replacements: ['certificates.k8s.io/v1'],
    note: 'spec.signerName and spec.usages are required',
    rename: 'review',
  },
  { apiVersion: 'coordination.k8s.io/v1beta1', kinds: ['Lease'], removedIn: '1.22', replacements: ['coordination.k8s.io/v1'], rename: 'safe' },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1beta1',
    kinds: ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
    removedIn: '1.22',
    replacements: ['rbac.authorization.k8s.io/v1'],
    rename: 'safe',
  },
  { apiVersion: 'scheduling.k8s.io/v1beta1', kinds: ['PriorityClass'], removedIn: '1.22', replacements: ['scheduling.k8s.io/v1'], rename: 'safe' },
  {
    apiVersion: 'storage.k8s.io/v1beta1',
    kinds: ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'],
    removedIn: '1.22',
    replacements: ['storage.k8s.io/v1'],
    rename: 'safe',
  },
  // Removed in 1.25
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], removedIn: '1.25', replacements: ['batch/v1'], rename: 'safe' },
  {
    apiVersion: 'discovery.k8s.io/v1beta1',
    kinds: ['EndpointSlice'],
    removedIn: '1.25',
    replacements: ['discovery.k8s.io/v1'],
    note: 'endpoints[*].topology is replaced by nodeName and zone',
    rename: 'review',
  },
  {
    apiVersion: 'events.k8s.io/v1beta1',
    kinds: ['Event'],
    removedIn: '1.25',
    replacements: ['events.k8s.io/v1'],
    note: 'type is Normal or Warning, involvedObject is named regarding, and the deprecated* timestamps are not accepted on create',
    rename: 'review',
  },
  {
    apiVersion: 'autoscaling/v2beta1',
    kinds: ['HorizontalPodAutoscaler'],
    removedIn: '1.25',
    replacements: ['autoscaling/v2'],
    note: 'metrics use target: {type, averageUtilization|averageValue|value} instead of targetAverageUtilization/targetAverageValue/targetValue',
    rename: 'review',
  },
  {
    apiVersion: 'policy/v1beta1',
    kinds: ['PodDisruptionBudget'],
    removedIn: '1.25',
    replacements: ['policy/v1'],
    note: 'an empty spec.selector selects every pod in the namespace',
    rename: 'review',
  },
  {
    apiVersion: 'policy/v1beta1',
    kinds: ['PodSecurityPolicy'],
    removedIn: '1.25',
    replacements: [],
    note: 'use Pod Security Admission (pod-security.kubernetes.io/* namespace labels) or a policy engine',
  },
  { apiVersion: 'node.k8s.io/v1beta1', kinds: ['RuntimeClass'], removedIn: '1.25', replacements: ['node.k8s.io/v1'], rename: 'safe' },
  // Removed in 1.26
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1',
    kinds: ['FlowSchema', 'PriorityLevelConfiguration'],
    removedIn: '1.26',
    replacements: ['flowcontrol.apiserver.k8s.io/v1', 'flowcontrol.apiserver.k8s.io/v1beta3'],
    note: FLOWCONTROL_NOTE,
    rename: 'review',
  },
  { apiVersion: 'autoscaling/v2beta2', kinds: ['HorizontalPodAutoscaler'], removedIn: '1.26', replacements: ['autoscaling/v2'], rename: 'safe' },
  // Removed in 1.27
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], removedIn: '1.27', replacements: ['storage.k8s.io/v1'], rename: 'safe' },
  // Removed in 1.29
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2',
    kinds: ['FlowSchema', 'PriorityLevelConfiguration'],
    removedIn: '1.29',
    deprecatedIn: '1.26',
    replacements: ['flowcontrol.apiserver.k8s.io/v1', 'flowcontrol.apiserver.k8s.io/v1beta3'],
    note: FLOWCONTROL_NOTE,
    rename: 'review',
  },
  // Removed in 1.32
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3',
    kinds: ['FlowSchema', 'PriorityLevelConfiguration'],
    removedIn: '1.32',
    deprecatedIn: '1.29',
    replacements: ['flowcontrol.apiserver.k8s.io/v1'],
    note: 'in v1 an explicit nominalConcurrencyShares: 0 stays 0 instead of defaulting to 30',
    rename: 'review',
  },
  // Deprecated, still served
  {
    apiVersion: 'v1',
    kinds: ['Endpoints'],
    deprecatedIn: '1.33',
    replacements: ['discovery.k8s.io/v1'],
    replacementKind: 'EndpointSlice',
    note: 'a Service may have several EndpointSlices, labelled kubernetes.io/service-name',
  },
];

const BY_KEY = new Map<string, ApiChange>();
for (const c of API_CHANGES) for (const k of c.kinds) BY_KEY.set(`${c.apiVersion} ${k}`, c);

/** Groups that only appear in this table (for telling built-in kinds from custom resources). */
export const REMOVED_ONLY_GROUPS = new Set(API_CHANGES.map((c) => (c.apiVersion.includes('/') ? c.apiVersion.split('/')[0] : '')));

export function findApiChange(apiVersion: string, kind: string): ApiChange | undefined {
  return BY_KEY.get(`${apiVersion} ${kind}`);
}
