import * as vscode from 'vscode';
import type { AnalysisOptions } from '../core/rules/types';
import type { Severity } from '../core/findings';
import { DEFAULT_KUBERNETES_VERSION, normalizeKubernetesVersion } from '../core/kubernetesVersions';

export type SchemaValidationMode = 'auto' | 'on' | 'off';

/** A typed view over the `kubeTopology.*` settings, read once and re-read on change events. */
export interface Config {
  kubernetesVersion: string;
  defaultNamespace: string;
  disabledRules: string[];
  severityOverrides: Record<string, Severity | 'off'>;
  schemaValidation: SchemaValidationMode;
  maxFileSizeKB: number;
  maxWorkspaceFiles: number;
  debounceMs: number;
  exclude: string[];
}

export const SECTION = 'kubeTopology';

export function readConfig(scope?: vscode.ConfigurationScope): Config {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    kubernetesVersion: normalizeKubernetesVersion(c.get<string>('kubernetesVersion', DEFAULT_KUBERNETES_VERSION)) ?? DEFAULT_KUBERNETES_VERSION,
    defaultNamespace: c.get<string>('defaultNamespace', 'default') || 'default',
    disabledRules: c.get<string[]>('rules.disabled', []),
    severityOverrides: c.get<Record<string, Severity | 'off'>>('rules.severity', {}),
    schemaValidation: c.get<SchemaValidationMode>('schemaValidation', 'auto'),
    maxFileSizeKB: Math.max(1, c.get<number>('maxFileSizeKB', 8192)),
    maxWorkspaceFiles: Math.max(1, c.get<number>('maxWorkspaceFiles', 5000)),
    debounceMs: Math.max(0, c.get<number>('validation.debounceMs', 150)),
    exclude: c.get<string[]>('files.exclude', ['**/node_modules/**', '**/.git/**', '**/charts/**/templates/**']),
  };
}

/**
 * Red Hat's YAML extension validates Kubernetes schemas too when a user maps its "kubernetes"
 * schema. In "auto" mode we leave schema findings to it in that case (everything else stays ours),
 * so the Problems panel never shows the same type error twice.
 */
export function redHatYamlOwnsKubernetesSchema(): boolean {
  if (!vscode.extensions.getExtension('redhat.vscode-yaml')) return false;
  const schemas = vscode.workspace.getConfiguration('yaml').get<Record<string, unknown>>('schemas', {});
  return Object.keys(schemas ?? {}).some((k) => k.toLowerCase() === 'kubernetes' || /kubernetes-json-schema|kubernetesjsonschema/i.test(k));
}

export function analysisOptions(config: Config): Partial<AnalysisOptions> {
  const schemaValidation = config.schemaValidation === 'on' || (config.schemaValidation === 'auto' && !redHatYamlOwnsKubernetesSchema());
  return {
    kubernetesVersion: config.kubernetesVersion,
    defaultNamespace: config.defaultNamespace,
    disabledRules: config.disabledRules,
    severityOverrides: config.severityOverrides,
    schemaValidation,
  };
}
