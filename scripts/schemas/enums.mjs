// Hand-maintained allowed values for string fields the API server validates against a fixed set.
//
// The OpenAPI v2 documents the generator reads carry no `enum`s, so without this table a typo like
// `type: Nodeport` or `imagePullPolicy: always` would only be caught by the cluster. Each entry is a
// fact about API server validation (k8s.io/kubernetes/pkg/apis/*/validation); list a field here only
// when every listed release rejects any other value, and keep the values in the API's own spelling.
//
// Keys are definition names *without* the API version package segment, so one entry covers the
// same type in every version that has it (apps/v1, autoscaling/v2, …). `items: true` puts the enum
// on the items of a list field.

/** @type {Array<{ type: string; field: string; values: string[]; items?: boolean }>} */
export const ENUMS = [
  // core/v1 Pod and containers
  { type: 'io.k8s.api.core.*.PodSpec', field: 'restartPolicy', values: ['Always', 'OnFailure', 'Never'] },
  { type: 'io.k8s.api.core.*.PodSpec', field: 'dnsPolicy', values: ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'] },
  { type: 'io.k8s.api.core.*.PodSpec', field: 'preemptionPolicy', values: ['PreemptLowerPriority', 'Never'] },
  { type: 'io.k8s.api.core.*.Container', field: 'imagePullPolicy', values: ['Always', 'IfNotPresent', 'Never'] },
  { type: 'io.k8s.api.core.*.EphemeralContainer', field: 'imagePullPolicy', values: ['Always', 'IfNotPresent', 'Never'] },
  { type: 'io.k8s.api.core.*.Container', field: 'terminationMessagePolicy', values: ['File', 'FallbackToLogsOnError'] },
  { type: 'io.k8s.api.core.*.EphemeralContainer', field: 'terminationMessagePolicy', values: ['File', 'FallbackToLogsOnError'] },
  { type: 'io.k8s.api.core.*.ContainerPort', field: 'protocol', values: ['TCP', 'UDP', 'SCTP'] },
  { type: 'io.k8s.api.core.*.ContainerResizePolicy', field: 'restartPolicy', values: ['NotRequired', 'RestartContainer'] },
  { type: 'io.k8s.api.core.*.HTTPGetAction', field: 'scheme', values: ['HTTP', 'HTTPS'] },
  { type: 'io.k8s.api.core.*.Toleration', field: 'operator', values: ['Exists', 'Equal'] },
  { type: 'io.k8s.api.core.*.NodeSelectorRequirement', field: 'operator', values: ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] },
  { type: 'io.k8s.api.core.*.TopologySpreadConstraint', field: 'whenUnsatisfiable', values: ['DoNotSchedule', 'ScheduleAnyway'] },
  { type: 'io.k8s.api.core.*.TopologySpreadConstraint', field: 'nodeAffinityPolicy', values: ['Honor', 'Ignore'] },
  { type: 'io.k8s.api.core.*.TopologySpreadConstraint', field: 'nodeTaintsPolicy', values: ['Honor', 'Ignore'] },
  { type: 'io.k8s.api.core.*.PodSecurityContext', field: 'fsGroupChangePolicy', values: ['OnRootMismatch', 'Always'] },
  { type: 'io.k8s.api.core.*.SeccompProfile', field: 'type', values: ['RuntimeDefault', 'Unconfined', 'Localhost'] },
  { type: 'io.k8s.api.core.*.AppArmorProfile', field: 'type', values: ['RuntimeDefault', 'Unconfined', 'Localhost'] },
  // core/v1 Service
  { type: 'io.k8s.api.core.*.ServiceSpec', field: 'type', values: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] },
  { type: 'io.k8s.api.core.*.ServiceSpec', field: 'sessionAffinity', values: ['ClientIP', 'None'] },
  { type: 'io.k8s.api.core.*.ServiceSpec', field: 'externalTrafficPolicy', values: ['Cluster', 'Local'] },
  { type: 'io.k8s.api.core.*.ServiceSpec', field: 'internalTrafficPolicy', values: ['Cluster', 'Local'] },
  { type: 'io.k8s.api.core.*.ServiceSpec', field: 'ipFamilyPolicy', values: ['SingleStack', 'PreferDualStack', 'RequireDualStack'] },
  { type: 'io.k8s.api.core.*.ServiceSpec', field: 'ipFamilies', values: ['IPv4', 'IPv6'], items: true },
  { type: 'io.k8s.api.core.*.ServicePort', field: 'protocol', values: ['TCP', 'UDP', 'SCTP'] },
  // core/v1 storage
  { type: 'io.k8s.api.core.*.PersistentVolumeClaimSpec', field: 'accessModes', values: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'], items: true },
  { type: 'io.k8s.api.core.*.PersistentVolumeClaimSpec', field: 'volumeMode', values: ['Block', 'Filesystem'] },
  { type: 'io.k8s.api.core.*.PersistentVolumeSpec', field: 'accessModes', values: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'], items: true },
  { type: 'io.k8s.api.core.*.PersistentVolumeSpec', field: 'volumeMode', values: ['Block', 'Filesystem'] },
  { type: 'io.k8s.api.core.*.PersistentVolumeSpec', field: 'persistentVolumeReclaimPolicy', values: ['Retain', 'Delete', 'Recycle'] },
  { type: 'io.k8s.api.storage.*.StorageClass', field: 'reclaimPolicy', values: ['Delete', 'Retain'] },
  { type: 'io.k8s.api.storage.*.StorageClass', field: 'volumeBindingMode', values: ['Immediate', 'WaitForFirstConsumer'] },
  // apps
  { type: 'io.k8s.api.apps.*.DeploymentStrategy', field: 'type', values: ['Recreate', 'RollingUpdate'] },
  { type: 'io.k8s.api.apps.*.DaemonSetUpdateStrategy', field: 'type', values: ['RollingUpdate', 'OnDelete'] },
  { type: 'io.k8s.api.apps.*.StatefulSetUpdateStrategy', field: 'type', values: ['RollingUpdate', 'OnDelete'] },
  { type: 'io.k8s.api.apps.*.StatefulSetSpec', field: 'podManagementPolicy', values: ['OrderedReady', 'Parallel'] },
  // batch
  { type: 'io.k8s.api.batch.*.CronJobSpec', field: 'concurrencyPolicy', values: ['Allow', 'Forbid', 'Replace'] },
  { type: 'io.k8s.api.batch.*.JobSpec', field: 'completionMode', values: ['NonIndexed', 'Indexed'] },
  // autoscaling/v2
  { type: 'io.k8s.api.autoscaling.v2.MetricSpec', field: 'type', values: ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'] },
  { type: 'io.k8s.api.autoscaling.v2.MetricTarget', field: 'type', values: ['AverageValue', 'Utilization', 'Value'] },
  { type: 'io.k8s.api.autoscaling.v2.HPAScalingRules', field: 'selectPolicy', values: ['Max', 'Min', 'Disabled'] },
  { type: 'io.k8s.api.autoscaling.v2.HPAScalingPolicy', field: 'type', values: ['Pods', 'Percent'] },
  // networking
  { type: 'io.k8s.api.networking.v1.HTTPIngressPath', field: 'pathType', values: ['Exact', 'Prefix', 'ImplementationSpecific'] },
  { type: 'io.k8s.api.networking.v1.NetworkPolicySpec', field: 'policyTypes', values: ['Ingress', 'Egress'], items: true },
  { type: 'io.k8s.api.networking.v1.NetworkPolicyPort', field: 'protocol', values: ['TCP', 'UDP', 'SCTP'] },
  // policy, scheduling, meta
  { type: 'io.k8s.api.policy.v1.PodDisruptionBudgetSpec', field: 'unhealthyPodEvictionPolicy', values: ['IfHealthyBudget', 'AlwaysAllow'] },
  { type: 'io.k8s.api.scheduling.*.PriorityClass', field: 'preemptionPolicy', values: ['PreemptLowerPriority', 'Never'] },
  { type: 'io.k8s.apimachinery.pkg.apis.meta.*.LabelSelectorRequirement', field: 'operator', values: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
];

/** Compiles the table into a lookup: definition name → field → entry. */
export function enumLookup() {
  const patterns = ENUMS.map((e) => ({
    ...e,
    re: new RegExp('^' + e.type.split('.').map((p) => (p === '*' ? '[^.]+' : p.replace(/[-]/g, '\\-'))).join('\\.') + '$'),
  }));
  return (definition, field) => patterns.find((p) => p.field === field && p.re.test(definition));
}
