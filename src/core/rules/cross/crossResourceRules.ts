import type { IndexCheck, RuleMeta } from '../types';

/** Checks across resources: selectors, ports, HPA targets, Ingress backends, DNS calls, duplicates. */
export const CROSS_RESOURCE_RULES: RuleMeta[] = [];
export const CROSS_RESOURCE_CHECKS: IndexCheck[] = [];
