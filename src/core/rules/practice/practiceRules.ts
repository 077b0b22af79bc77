import type { ResourceCheck, RuleMeta } from '../types';
import { checkImagePullPolicy, IMAGE_PULL_RULES } from './imagePullPolicyOnKindRule';
import { checkLoadBalancerOnKind, LOAD_BALANCER_RULES } from './loadBalancerOnKindRule';
import { checkHpaMetricsServer, HPA_METRICS_RULES } from './hpaMetricsServerRule';
import { checkContainerResources, CONTAINER_RESOURCES_RULES } from './containerResourcesRule';
import { checkContainerProbes, CONTAINER_PROBES_RULES } from './containerProbesRule';
import { checkPodSecurity, POD_SECURITY_RULES } from './podSecurityRule';
import { checkSecretInEnv, SECRET_IN_ENV_RULES } from './secretInEnvRule';

/** kind-aware traps, best practices and a small security set. */
export const PRACTICE_RULES: RuleMeta[] = [
  ...IMAGE_PULL_RULES,
  ...LOAD_BALANCER_RULES,
  ...HPA_METRICS_RULES,
  ...CONTAINER_RESOURCES_RULES,
  ...CONTAINER_PROBES_RULES,
  ...POD_SECURITY_RULES,
  ...SECRET_IN_ENV_RULES,
];

export const PRACTICE_CHECKS: ResourceCheck[] = [
  checkImagePullPolicy,
  checkLoadBalancerOnKind,
  checkHpaMetricsServer,
  checkContainerResources,
  checkContainerProbes,
  checkPodSecurity,
  checkSecretInEnv,
];
