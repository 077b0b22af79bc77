import type { IndexCheck, ResourceCheck, RuleMeta } from './types';
import { SERVER_CHECKS, SERVER_RULES } from './server/serverRules';
import { PRACTICE_CHECKS, PRACTICE_RULES } from './practice/practiceRules';
import { CROSS_RESOURCE_CHECKS, CROSS_RESOURCE_RULES } from './cross/crossResourceRules';

/** Server-side, cross-resource, kind-aware, best-practice and security rules. */
export const MANIFEST_RULES: RuleMeta[] = [...SERVER_RULES, ...PRACTICE_RULES, ...CROSS_RESOURCE_RULES];
export const MANIFEST_RESOURCE_CHECKS: ResourceCheck[] = [...SERVER_CHECKS, ...PRACTICE_CHECKS];
export const MANIFEST_INDEX_CHECKS: IndexCheck[] = [...CROSS_RESOURCE_CHECKS];
