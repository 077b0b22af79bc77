import type { IndexCheck, ResourceRule, Rule, RuleMeta } from './types';
import { metaOf } from './types';
import { schemaRule } from '../schema/schemaRules';
import { SERVER_RULES } from './server/serverRules';
import { PRACTICE_RULES } from './practice/practiceRules';
import { CROSS_RULES } from './cross/crossResourceRules';

/**
 * Every rule code the core can report, in one place: docs/rules.md, the CLI's SARIF rule list
 * and the editor's code links are all generated from this table.
 */
const PARSE_RULES: RuleMeta[] = [
  { code: 'yaml-syntax', family: 'yaml', severity: 'error', title: 'YAML syntax error' },
  { code: 'yaml-warning', family: 'yaml', severity: 'warning', title: 'YAML construct that parsers may read differently' },
  { code: 'duplicate-key', family: 'yaml', severity: 'warning', title: 'The same key appears twice in one mapping (kubectl keeps the last)' },
  { code: 'yaml-alias-limit', family: 'yaml', severity: 'error', title: 'Too many aliases resolved (alias bomb)' },
  { code: 'not-an-object', family: 'yaml', severity: 'error', title: 'Document is not a Kubernetes object' },
  { code: 'missing-api-version', family: 'yaml', severity: 'error', title: 'Object has no apiVersion' },
  { code: 'missing-kind', family: 'yaml', severity: 'error', title: 'Object has no kind' },
  { code: 'file-too-large', family: 'yaml', severity: 'warning', title: 'File over the size limit was not validated' },
  { code: 'binary-file', family: 'yaml', severity: 'warning', title: 'File looks binary and was not validated' },
  { code: 'too-many-documents', family: 'yaml', severity: 'warning', title: 'File has more documents than the limit' },
  { code: 'internal-error', family: 'yaml', severity: 'warning', title: 'A check failed unexpectedly (please report it)' },
  { code: 'not-in-kustomization', family: 'yaml', severity: 'info', title: 'File in a kustomize folder that no kustomization uses (checked like a patch)' },
];

/** Schema, server-side, kind-aware, best-practice, security and cross-resource rules, in report order. */
export const ALL_RULES: Rule[] = [schemaRule, ...SERVER_RULES, ...PRACTICE_RULES, ...CROSS_RULES];

export const RULES: RuleMeta[] = [...PARSE_RULES, ...metaOf(ALL_RULES)];

/** Rules that look at one resource at a time (cached with the document's text). */
export const RESOURCE_RULES: ResourceRule[] = ALL_RULES.filter((r): r is ResourceRule => r.scope === 'resource');

/** Rules that look across resources (Service → pods, HPA → target, Ingress → Service, DNS calls, duplicates). */
export const INDEX_RULES = ALL_RULES.filter((r): r is Extract<Rule, { scope: 'index' }> => r.scope === 'index');

/** Their checks. */
export const INDEX_CHECKS: IndexCheck[] = INDEX_RULES.map((r) => r.check);

const BY_CODE = new Map<string, RuleMeta>();
for (const r of RULES) BY_CODE.set(r.code, r);

export function ruleMeta(code: string): RuleMeta | undefined {
  return BY_CODE.get(code);
}
