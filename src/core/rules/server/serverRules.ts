import type { Rule } from '../types';
import { selectorMatchesTemplateRule } from './selectorMatchesTemplateRule';
import { objectNamesRule } from './objectNamesRule';
import { labelsAndAnnotationsRule } from './labelsAndAnnotationsRule';
import { portNumbersRule } from './portNumbersRule';
import { portNamesRule } from './portNamesRule';
import { duplicateContainerNameRule } from './duplicateContainerNameRule';
import { duplicatePortsRule } from './duplicatePortsRule';
import { hpaBoundsRule } from './hpaBoundsRule';
import { replicasRule } from './replicasRule';
import { ingressPathsAndHostsRule } from './ingressPathsAndHostsRule';
import { serviceTypeRule } from './serviceTypeRule';
import { requestsWithinLimitsRule } from './requestsWithinLimitsRule';
import { resourceQuantitiesRule } from './resourceQuantitiesRule';
import { containerRestartPolicyRule } from './containerRestartPolicyRule';

/** What the API server would reject (beyond the schema). */
export const SERVER_RULES: Rule[] = [
  selectorMatchesTemplateRule,
  objectNamesRule,
  labelsAndAnnotationsRule,
  portNumbersRule,
  portNamesRule,
  duplicateContainerNameRule,
  duplicatePortsRule,
  hpaBoundsRule,
  replicasRule,
  ingressPathsAndHostsRule,
  serviceTypeRule,
  requestsWithinLimitsRule,
  resourceQuantitiesRule,
  containerRestartPolicyRule,
];
