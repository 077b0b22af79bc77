import type { Rule } from '../types';
import { imagePullPolicyOnKindRule } from './imagePullPolicyOnKindRule';
import { loadBalancerOnKindRule } from './loadBalancerOnKindRule';
import { hpaMetricsServerRule } from './hpaMetricsServerRule';
import { containerResourcesRule } from './containerResourcesRule';
import { containerProbesRule } from './containerProbesRule';
import { podSecurityRule } from './podSecurityRule';
import { secretInEnvRule } from './secretInEnvRule';

/** kind-aware traps, best practices and a small security set. */
export const PRACTICE_RULES: Rule[] = [
  imagePullPolicyOnKindRule,
  loadBalancerOnKindRule,
  hpaMetricsServerRule,
  containerResourcesRule,
  containerProbesRule,
  podSecurityRule,
  secretInEnvRule,
];
