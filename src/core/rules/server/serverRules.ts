import type { ResourceCheck, RuleMeta } from '../types';
import { checkSelectorMatchesTemplate, SELECTOR_TEMPLATE_RULES } from './selectorMatchesTemplateRule';
import { checkObjectNames, OBJECT_NAME_RULES } from './objectNamesRule';
import { checkLabelsAndAnnotations, LABEL_RULES } from './labelsAndAnnotationsRule';
import { checkPortNumbers, PORT_NUMBER_RULES } from './portNumbersRule';
import { checkPortNames, PORT_NAME_RULES } from './portNamesRule';
import { checkDuplicateContainerNames, DUPLICATE_CONTAINER_NAME_RULES } from './duplicateContainerNameRule';
import { checkDuplicatePorts, DUPLICATE_PORT_RULES } from './duplicatePortsRule';
import { checkHpaBounds, HPA_BOUNDS_RULES } from './hpaBoundsRule';
import { checkReplicas, REPLICAS_RULES } from './replicasRule';
import { checkIngressPathsAndHosts, INGRESS_RULES } from './ingressPathsAndHostsRule';
import { checkServiceType, SERVICE_TYPE_RULES } from './serviceTypeRule';
import { checkRequestsWithinLimits, REQUESTS_LIMITS_RULES } from './requestsWithinLimitsRule';

/** What the API server would reject (beyond the schema). */
export const SERVER_RULES: RuleMeta[] = [
  ...SELECTOR_TEMPLATE_RULES,
  ...OBJECT_NAME_RULES,
  ...LABEL_RULES,
  ...PORT_NUMBER_RULES,
  ...PORT_NAME_RULES,
  ...DUPLICATE_CONTAINER_NAME_RULES,
  ...DUPLICATE_PORT_RULES,
  ...HPA_BOUNDS_RULES,
  ...REPLICAS_RULES,
  ...INGRESS_RULES,
  ...SERVICE_TYPE_RULES,
  ...REQUESTS_LIMITS_RULES,
];

export const SERVER_CHECKS: ResourceCheck[] = [
  checkSelectorMatchesTemplate,
  checkObjectNames,
  checkLabelsAndAnnotations,
  checkPortNumbers,
  checkPortNames,
  checkDuplicateContainerNames,
  checkDuplicatePorts,
  checkHpaBounds,
  checkReplicas,
  checkIngressPathsAndHosts,
  checkServiceType,
  checkRequestsWithinLimits,
];
