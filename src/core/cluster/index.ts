/**
 * The cluster side of the core: kubeconfig contexts, a connection per context, and the apply /
 * delete engine. Neither importing this module nor apply and delete load @kubernetes/client-node:
 * requests go over node:https; client-node is loaded for oidc, proxy-url, port-forward and live state.
 */
export * from './kubeconfig';
export * from './clusterClient';
export * from './applyTypes';
export { loadClientNode, type ClientNode } from './clientNodeLoader';
export {
  prepareApply,
  planApply,
  applyResources,
  DEFAULT_CONCURRENCY,
  DEFAULT_ROLLOUT_TIMEOUT_MS,
  type ApplySession,
  type PrepareOptions,
  type ApplyStepOptions,
} from './applyEngine';
export { deleteResources, DEFAULT_DELETE_WAIT_MS, type DeleteOptions } from './deleteEngine';
export { waitForRollouts, rolloutState, ROLLOUT_KINDS, type RolloutTarget } from './rolloutStatus';
export { applyTier, groupByTier } from './applyOrder';
export { redactSecret, redactPair, diffObjects, sameObject, REDACTED } from './objectCompare';
export { parseFieldPath, resolveFieldPath } from './serverErrors';
export { unifiedDiff } from './textDiff';
