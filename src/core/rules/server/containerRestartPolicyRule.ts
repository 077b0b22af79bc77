import type { ResourceCheck, RuleMeta, Rule } from '../types';
import { kubernetesMinor, podContainers } from './builtinKinds';

const META: RuleMeta[] = [
  {
    code: 'container-restart-policy',
    family: 'server',
    severity: 'error',
    title: 'Container restartPolicy the API server of this version rejects (regular containers before 1.35, sidecars before 1.29)',
  },
];

/**
 * A container's own restartPolicy: on init containers, `Always` makes a sidecar (SidecarContainers,
 * on by default from 1.29); any other container, or any other value, needs container restart rules
 * (ContainerRestartRules: alpha and off in 1.34, beta and on from 1.35). Before that the API server
 * rejects the pod. Checked against a 1.36 API server: a regular container with `Always` is accepted.
 */
const check: ResourceCheck = (ctx) => {
  const minor = kubernetesMinor(ctx.options);
  if (minor >= 35) return;
  for (const c of podContainers(ctx.resource, { init: true })) {
    const policy = c.container.restartPolicy;
    if (policy === undefined || policy === null) continue;
    let why: string | undefined;
    if (!c.init) why = `a regular container may not set restartPolicy before Kubernetes 1.35 (container restart rules); only init containers may, as sidecars`;
    else if (minor < 29) why = 'init containers may set restartPolicy (Always, as sidecars) from Kubernetes 1.29';
    else if (policy !== 'Always') why = `an init container's restartPolicy may only be Always (a sidecar) before Kubernetes 1.35`;
    if (!why) continue;
    ctx.report(
      'container-restart-policy',
      `Container ${c.name || '(unnamed)'} sets restartPolicy: ${JSON.stringify(policy)}, which the API server of Kubernetes 1.${minor} rejects: ${why}. ` +
        (c.init
          ? 'Remove it, or target a newer Kubernetes version.'
          : 'Remove it (the pod restartPolicy applies), or move the container to initContainers with restartPolicy: Always to run it as a sidecar.'),
      ctx.range([...c.path, 'restartPolicy'], 'value'),
    );
  }
};

export const containerRestartPolicyRule: Rule = { scope: 'resource', meta: META, check };
