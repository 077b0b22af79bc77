import type { Fix, RelatedLocation } from '../../findings';
import type { Resource } from '../../parse/manifestParser';
import { mapServicePort, referencesOf, type ContainerPortView } from '../../model/references';
import { portGroupsOf, servicePortStatus, workloadPorts, type PortGroup } from '../../model/podPorts';
import { cachedServicePortsOf, type ServicePortView } from '../../model/serviceAddress';
import type { Rule } from '../types';
import { listText, nameOf, related } from './wording';
import { insertIntoMap, replaceScalar } from '../yamlEdits';

const CODE = 'service-target-port-missing';

/**
 * The Service port's targetPort (or `port`, when targetPort is omitted) must be a port the
 * selected containers serve. A missing NAMED port is an error: Kubernetes cannot resolve it and
 * those pods get no traffic. A numeric port that no container declares is a warning: traffic
 * still goes there, which works only if the process happens to listen on it. Workloads that
 * declare no container ports at all are not judged.
 */
export const serviceTargetPortMissing: Rule = {
  scope: 'index',
  meta: [
    {
      code: CODE,
      family: 'cross-resource',
      severity: 'error',
      title: 'Service targetPort is not a port of the selected containers',
    },
  ],
  check(ctx) {
    const refs = referencesOf(ctx.index);
    for (const selection of refs.selections) {
      // Pods of another apply unit are judged with that unit.
      if (!selection.targets.length || selection.problem || selection.outside) continue;
      const svc = selection.from;
      // Workloads with alike container ports map every Service port the same way: judged once per group.
      const groups = portGroupsOf(selection.targets);
      for (const sp of cachedServicePortsOf(svc)) {
        // Judged without building lists first: this runs for every Service port on every keystroke.
        if (!anyBroken(sp, groups)) continue;
        const statuses = groups.map((g) => mapServicePort(sp, g.ports).status);
        const named = groups.filter((_, j) => statuses[j] === 'named-missing');
        const broken = named.length ? named : groups.filter((_, j) => statuses[j] === 'undeclared');
        const tp = sp.targetPort!;
        const candidates = new Map<number, ContainerPortView>();
        const declared = new Set<string>();
        for (const g of broken) {
          for (const p of g.ports)
            if (p.protocol === sp.protocol && p.containerPort !== undefined && !candidates.has(p.containerPort)) candidates.set(p.containerPort, p);
          for (const p of g.ports) declared.add(p.name ? `${p.containerPort} (${p.name})` : `${p.containerPort}`);
        }
        // Named and pointed at: the first few broken workloads, in selection order (a finding stays small however many there are).
        const first = firstMembers(broken, RELATED_MAX);
        const withPorts = firstMembers(
          broken.filter((g) => g.ports.length),
          RELATED_MAX,
        );
        const total = broken.reduce((n, g) => n + g.members.length, 0);
        const who = listText(
          first.map((w) => nameOf(w)),
          RELATED_MAX,
          total,
        );
        const relatedLocations: RelatedLocation[] = withPorts.map((w) =>
          related(w, workloadPorts(w)[0].path.slice(0, -1), `Container ports of ${nameOf(w)}`, 'key'),
        );
        const declaredText = listText([...declared]);
        const lead = sp.targetPortExplicit ? `targetPort ${tp} is` : `targetPort is not set, so it defaults to port ${tp}, which is`;
        const message = named.length
          ? `${sp.targetPortExplicit ? `targetPort ${tp}` : `Port ${tp}`} names no container port of ${who} (${declaredText ? `declared: ${declaredText}` : 'no ports declared'}): Service ${svc.name} sends no traffic to these pods.`
          : `${lead} not a containerPort of ${who} (declared: ${declaredText}). Traffic from Service ${svc.name} still goes to port ${tp} on the pods, so requests fail unless the app listens there.`;
        const range = sp.targetPortExplicit ? ctx.range(svc, [...sp.path, 'targetPort'], 'value') : ctx.range(svc, [...sp.path, 'port'], 'value');
        const fixes: Fix[] = [];
        if (candidates.size === 1) {
          const [only] = candidates.values();
          const value = typeof tp === 'string' && only.name ? only.name : only.containerPort!;
          const edit = sp.targetPortExplicit ? replaceScalar(svc, [...sp.path, 'targetPort'], value) : insertIntoMap(svc, sp.path, [`targetPort: ${value}`]);
          if (edit) fixes.push({ title: `Set targetPort to ${value}, the port the containers declare`, edits: [edit], preferred: true });
        }
        ctx.report(svc, CODE, message, range, {
          severity: named.length ? 'error' : 'warning',
          fixes: fixes.length ? fixes : undefined,
          related: relatedLocations.length ? relatedLocations : undefined,
        });
      }
    }
  },
};

/** Whether the port maps onto no container port of some group (by a missing name, or an undeclared number). */
function anyBroken(sp: ServicePortView, groups: readonly PortGroup[]): boolean {
  for (const g of groups) {
    const status = servicePortStatus(sp, g.ports);
    if (status === 'named-missing' || status === 'undeclared') return true;
  }
  return false;
}

/** At most this many broken workloads are named and pointed at in one finding. */
const RELATED_MAX = 5;

/** The first `n` members of `groups` in the order of the list they were grouped from. */
function firstMembers(groups: readonly PortGroup[], n: number): Resource[] {
  const picked: { at: number; w: Resource }[] = [];
  for (const g of groups) for (let i = 0; i < Math.min(n, g.members.length); i++) picked.push({ at: g.positions[i], w: g.members[i] });
  return picked
    .sort((a, b) => a.at - b.at)
    .slice(0, n)
    .map((p) => p.w);
}
