import type { Fix, RelatedLocation } from '../../findings';
import type { Resource } from '../../parse/manifestParser';
import { containerPortsOf, longRunningContainers, referencesOf, type ContainerPortView, type SelectsReference } from '../../model/references';
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
    const byService = new Map<Resource, SelectsReference[]>();
    for (const ref of refs.selects) {
      // Pods of another apply unit are judged with that unit.
      if (!ref.target || ref.problem || ref.outside) continue;
      const list = byService.get(ref.from);
      if (list) list.push(ref);
      else byService.set(ref.from, [ref]);
    }
    for (const [svc, selected] of byService) {
      const servicePorts = selected[0].ports.map((m) => m.servicePort);
      servicePorts.forEach((sp, i) => {
        const named = selected.filter((r) => r.ports[i].status === 'named-missing');
        const undeclared = selected.filter((r) => r.ports[i].status === 'undeclared');
        const broken = named.length ? named : undeclared;
        if (!broken.length) return;
        const tp = sp.targetPort!;
        const candidates = new Map<number, ContainerPortView>();
        const declared: string[] = [];
        const relatedLocations: RelatedLocation[] = [];
        for (const r of broken) {
          const t = refs.labels.template(r.target!)!;
          const ports = containerPortsOf(longRunningContainers(t));
          const sameProtocol = ports.filter((p) => p.protocol === sp.protocol && p.containerPort !== undefined);
          for (const p of sameProtocol) if (!candidates.has(p.containerPort!)) candidates.set(p.containerPort!, p);
          declared.push(...ports.map((p) => (p.name ? `${p.containerPort} (${p.name})` : `${p.containerPort}`)));
          if (ports.length) relatedLocations.push(related(r.target!, ports[0].path.slice(0, -1), `Container ports of ${nameOf(r.target!)}`, 'key'));
        }
        const who = listText(broken.map((r) => nameOf(r.target!)));
        const declaredText = listText([...new Set(declared)]);
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
      });
    }
  },
};
