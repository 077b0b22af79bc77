import type { ResourceCheck, RuleMeta } from '../types';

/** What the API server would reject (beyond the schema). */
export const SERVER_RULES: RuleMeta[] = [];
export const SERVER_CHECKS: ResourceCheck[] = [];
