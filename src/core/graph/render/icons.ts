/**
 * Kind glyphs, drawn for this project on a 16×16 grid as stroked paths (no fills, so they take the
 * kind's colour from CSS and stay crisp in high contrast).
 */
const ICONS: Record<string, string> = {
  // A door with an arrow going in: the way into the cluster.
  Ingress: 'M9.5 2.5h3.5v11h-3.5 M2 8h8 M7 5l3 3-3 3',
  // A globe: reachable from outside (LoadBalancer, NodePort).
  ServiceExternal: 'M8 1.8a6.2 6.2 0 1 0 0 12.4a6.2 6.2 0 1 0 0-12.4z M1.8 8h12.4 M8 1.8c-2.4 2.8-2.4 9.6 0 12.4 M8 1.8c2.4 2.8 2.4 9.6 0 12.4',
  // A hub with spokes: one stable address in front of many pods.
  Service: 'M8 5.5a2.5 2.5 0 1 0 0 5a2.5 2.5 0 1 0 0-5z M8 1.5v4 M8 10.5v4 M1.5 8h4 M10.5 8h4',
  // Stacked boxes: replicas of one pod template.
  Deployment: 'M2.5 5.5h8v8h-8z M5 3h8.5v8.5 M5 5.5V3',
  // A cylinder: pods with identity and storage.
  StatefulSet: 'M3 4c0-1.4 10-1.4 10 0v8c0 1.4-10 1.4-10 0z M3 4c0 1.4 10 1.4 10 0 M3 8c0 1.4 10 1.4 10 0',
  // A grid: one pod per node.
  DaemonSet: 'M2.5 2.5h4.5v4.5h-4.5z M9 2.5h4.5v4.5h-4.5z M2.5 9h4.5v4.5h-4.5z M9 9h4.5v4.5h-4.5z',
  ReplicaSet: 'M2.5 5.5h8v8h-8z M5 3h8.5v8.5 M5 5.5V3',
  ReplicationController: 'M2.5 5.5h8v8h-8z M5 3h8.5v8.5 M5 5.5V3',
  // A play mark in a box: runs to completion.
  Job: 'M2.5 2.5h11v11h-11z M6.5 5.5l4 2.5-4 2.5z',
  // A clock: runs on a schedule.
  CronJob: 'M8 2a6 6 0 1 0 0 12a6 6 0 1 0 0-12z M8 4.5V8l2.5 1.5',
  // A hexagon: one pod.
  Pod: 'M8 1.8l5.4 3.1v6.2L8 14.2l-5.4-3.1V4.9z M8 8v6 M8 8l5.2-3 M8 8L2.8 5',
  // Arrows up and down: the replica range.
  HorizontalPodAutoscaler: 'M5 13.5V2.5 M2.5 5l2.5-2.5L7.5 5 M11 2.5v11 M8.5 11l2.5 2.5 2.5-2.5',
  // A page with lines: configuration.
  ConfigMap: 'M3.5 1.5h6l3 3v10h-9z M9.5 1.5v3h3 M5.5 8h5 M5.5 10.5h5',
  // A key: a Secret.
  Secret: 'M5.5 2.5a3.2 3.2 0 1 0 0 6.4a3.2 3.2 0 1 0 0-6.4z M7.8 7.8l6 6 M11.6 11.6l1.6-1.6 M9.8 9.8l1.4-1.4',
  // A question mark: something referenced that is not there.
  Ghost: 'M5.5 5.5a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 .8-1 1.5v.7 M8 12.5v.5',
};

export function iconPath(kind: string, external = false, ghost = false): string {
  if (ghost) return ICONS.Ghost;
  if (kind === 'Service' && external) return ICONS.ServiceExternal;
  return ICONS[kind] ?? ICONS.Pod;
}
