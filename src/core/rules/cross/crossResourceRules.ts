import type { Rule } from '../types';
import { serviceSelectorNoMatch } from './serviceSelectorNoMatch';
import { serviceTargetPortMissing } from './serviceTargetPortMissing';
import { hpaTargetMissing } from './hpaTargetMissing';
import { hpaTargetKindInvalid } from './hpaTargetKindInvalid';
import { hpaMissingResourceRequests } from './hpaMissingResourceRequests';
import { hpaFixedReplicas } from './hpaFixedReplicas';
import { ingressBackendServiceMissing } from './ingressBackendServiceMissing';
import { ingressBackendPortMissing } from './ingressBackendPortMissing';
import { serviceAddressUnresolved } from './serviceAddressUnresolved';
import { serviceAddressPortMissing } from './serviceAddressPortMissing';
import { crossNamespaceReference } from './crossNamespaceReference';
import { duplicateResource } from './duplicateResource';
import { kustomizePatchTarget } from './kustomizePatchTarget';

/**
 * Checks across resources: selectors, ports, HPA targets, Ingress backends, DNS calls, duplicates.
 * All of them read the same resolved references (src/core/model/references.ts), computed once per
 * analysis pass, which the topology graph draws as well.
 */
export const CROSS_RULES: Rule[] = [
  serviceSelectorNoMatch,
  serviceTargetPortMissing,
  hpaTargetMissing,
  hpaTargetKindInvalid,
  hpaMissingResourceRequests,
  hpaFixedReplicas,
  ingressBackendServiceMissing,
  ingressBackendPortMissing,
  serviceAddressUnresolved,
  serviceAddressPortMissing,
  crossNamespaceReference,
  duplicateResource,
  kustomizePatchTarget,
];
