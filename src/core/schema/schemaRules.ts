import type { ResourceCheck, RuleMeta } from '../rules/types';

/** Schema and apiVersion rules (owned by the schema module). */
export const SCHEMA_RULES: RuleMeta[] = [];
export const SCHEMA_CHECKS: ResourceCheck[] = [];
