import * as vscode from 'vscode';
import type { AnalysisOptions } from '../core/rules/types';
import type { Severity } from '../core/findings';
import { DEFAULT_KUBERNETES_VERSION, normalizeKubernetesVersion } from '../core/kubernetesVersions';
import { SETTINGS, SETTINGS_SECTION, type ResourceSettingKey, type SettingKey, type SettingValue, type WindowSettingKey } from './settingsTable';

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

/** A window-scoped `kubeTopology.*` setting, typed by the settings table. */
export function setting<K extends WindowSettingKey>(key: K): SettingValue<K> {
  return vscode.workspace.getConfiguration(SETTINGS_SECTION).get<SettingValue<K>>(key, SETTINGS[key].default);
}

/** A resource-scoped setting, read for the folder or file it applies to. */
export function resourceSetting<K extends ResourceSettingKey>(key: K, scope: vscode.ConfigurationScope | undefined): SettingValue<K> {
  return vscode.workspace.getConfiguration(SETTINGS_SECTION, scope).get<SettingValue<K>>(key, SETTINGS[key].default);
}

/** True when a configuration change touches `key`. */
export function affectsSetting(e: vscode.ConfigurationChangeEvent, key: SettingKey): boolean {
  return e.affectsConfiguration(`${SETTINGS_SECTION}.${key}`);
}

export function readConfig(): Config {
  return {
    kubernetesVersion: normalizeKubernetesVersion(setting('kubernetesVersion')) ?? DEFAULT_KUBERNETES_VERSION,
    defaultNamespace: setting('defaultNamespace') || 'default',
    disabledRules: setting('rules.disabled'),
    severityOverrides: setting('rules.severity'),
    schemaValidation: setting('schemaValidation'),
    maxFileSizeKB: Math.max(1, setting('maxFileSizeKB')),
    maxWorkspaceFiles: Math.max(1, setting('maxWorkspaceFiles')),
    debounceMs: Math.max(0, setting('validation.debounceMs')),
    exclude: setting('files.exclude'),
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
