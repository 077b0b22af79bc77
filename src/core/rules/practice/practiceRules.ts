import type { ResourceCheck, RuleMeta } from '../types';

/** kind-aware traps, best practices and a small security set. */
export const PRACTICE_RULES: RuleMeta[] = [];
export const PRACTICE_CHECKS: ResourceCheck[] = [];
