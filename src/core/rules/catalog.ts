import type { IndexCheck, ResourceCheck, RuleMeta } from './types';
import { SCHEMA_CHECKS, SCHEMA_RULES } from '../schema/schemaRules';
import { MANIFEST_INDEX_CHECKS, MANIFEST_RESOURCE_CHECKS, MANIFEST_RULES } from './manifestRules';

/**
 * Every rule code the core can report, in one place: docs/rules.md, the CLI's SARIF rule list
 * and the editor's code links are all generated from this table.
 */
const PARSE_RULES: RuleMeta[] = [
  { code: 'yaml-syntax', family: 'yaml', severity: 'error', title: 'YAML syntax error' },
  { code: 'yaml-warning', family: 'yaml', severity: 'warning', title: 'YAML construct that parsers may read differently' },
  { code: 'duplicate-key', family: 'yaml', severity: 'error', title: 'The same key appears twice in one mapping' },
  { code: 'yaml-alias-limit', family: 'yaml', severity: 'error', title: 'Too many aliases resolved (alias bomb)' },
  { code: 'not-an-object', family: 'yaml', severity: 'error', title: 'Document is not a Kubernetes object' },
  { code: 'missing-api-version', family: 'yaml', severity: 'error', title: 'Object has no apiVersion' },
  { code: 'missing-kind', family: 'yaml', severity: 'error', title: 'Object has no kind' },
  { code: 'file-too-large', family: 'yaml', severity: 'warning', title: 'File over the size limit was not validated' },
  { code: 'binary-file', family: 'yaml', severity: 'warning', title: 'File looks binary and was not validated' },
  { code: 'too-many-documents', family: 'yaml', severity: 'warning', title: 'File has more documents than the limit' },
  { code: 'internal-error', family: 'yaml', severity: 'warning', title: 'A check failed unexpectedly (please report it)' },
];

export const RULES: RuleMeta[] = [...PARSE_RULES, ...SCHEMA_RULES, ...MANIFEST_RULES];

/** Checks that look at one resource at a time (cached with the document's text). */
export const RESOURCE_CHECKS: ResourceCheck[] = [...SCHEMA_CHECKS, ...MANIFEST_RESOURCE_CHECKS];

/** Checks that look across resources (Service → pods, HPA → target, Ingress → Service, DNS calls). */
export const INDEX_CHECKS: IndexCheck[] = [...MANIFEST_INDEX_CHECKS];

const BY_CODE = new Map<string, RuleMeta>();
for (const r of RULES) BY_CODE.set(r.code, r);

export function ruleMeta(code: string): RuleMeta | undefined {
  return BY_CODE.get(code);
}
