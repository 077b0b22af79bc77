import { asRecord, podTemplateOf } from '../../model/kinds';
import type { ResourceCheck, RuleMeta, Rule } from '../types';
import { isBuiltin, POD_KINDS, podContainers } from '../server/builtinKinds';

const META: RuleMeta[] = [
  { code: 'privileged-container', family: 'security', severity: 'warning', title: 'Container runs privileged (full access to the node)' },
  { code: 'host-namespace', family: 'security', severity: 'warning', title: "Pod shares the node's network, process or IPC namespace" },
  { code: 'run-as-root', family: 'security', severity: 'info', title: 'Pod or container explicitly runs as root (runAsUser: 0)' },
];

const HOST_NAMESPACES: Record<string, string> = {
  hostNetwork: "the node's network: its ports collide with the node's and with other hostNetwork pods, and it can reach everything the node can",
  hostPID: "the node's processes: it can see (and signal) every process on the node",
  hostIPC: "the node's IPC namespace: it can read other processes' shared memory",
};

/**
 * A deliberately small set: things a tutorial manifest never needs and that give a pod power over
 * its node. Missing securityContext settings are not reported (every tutorial lacks them).
 */
const check: ResourceCheck = (ctx) => {
  const r = ctx.resource;
  if (!isBuiltin(r, ...POD_KINDS)) return;
  const t = podTemplateOf(r);
  if (!t?.spec) return;

  for (const [field, what] of Object.entries(HOST_NAMESPACES)) {
    if (t.spec[field] !== true) continue;
    ctx.report(
      'host-namespace',
      `${field}: true shares ${what}. Remove it unless this is a node agent that needs it (on kind the "node" is a container, so it does not expose anything on your machine either).`,
      ctx.range([...t.specPath, field], 'value'),
    );
  }

  if (asRecord(t.spec.securityContext)?.runAsUser === 0) {
    ctx.report(
      'run-as-root',
      'runAsUser: 0 runs every container of this pod as root; a process that breaks out of its container is then root on the node. Use a non-zero user (and runAsNonRoot: true) unless the image needs root.',
      ctx.range([...t.specPath, 'securityContext', 'runAsUser'], 'value'),
    );
  }

  for (const c of podContainers(r, { init: true, ephemeral: true })) {
    const sc = asRecord(c.container.securityContext);
    if (!sc) continue;
    if (sc.privileged === true) {
      ctx.report(
        'privileged-container',
        `Container ${c.name || '(unnamed)'} is privileged: it can use every device and kernel feature of the node, so a compromise of it is a compromise of the node. ` +
          'Remove privileged: true, or grant only the capability it needs (securityContext.capabilities.add).',
        ctx.range([...c.path, 'securityContext', 'privileged'], 'value'),
      );
    }
    if (sc.runAsUser === 0) {
      ctx.report(
        'run-as-root',
        `Container ${c.name || '(unnamed)'} runs as root (runAsUser: 0); a process that breaks out of it is root on the node. Use a non-zero user unless the image needs root.`,
        ctx.range([...c.path, 'securityContext', 'runAsUser'], 'value'),
      );
    }
  }
};

export const podSecurityRule: Rule = { scope: 'resource', meta: META, check };
