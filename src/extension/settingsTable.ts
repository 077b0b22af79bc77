/**
 * Every `kubeTopology.*` setting with its type, default and scope, in one table. package.json's
 * `contributes.configuration` must agree with it (a unit test checks); code reads settings only
 * through `setting()` in config.ts, so a key or a type cannot drift. Pure data: no `vscode` import.
 */
import { DEFAULT_KUBERNETES_VERSION } from '../core/kubernetesVersions';

export const SETTINGS_SECTION = 'kubeTopology';

/** VS Code's setting scopes we use: `window` is one value per window; `resource` may differ per folder or file. */
export type SettingScope = 'window' | 'resource';

interface SettingSpec<T, S extends SettingScope> {
  default: T;
  scope: S;
}

function spec<T, S extends SettingScope = 'window'>(value: T, scope?: S): SettingSpec<T, S> {
  return { default: value, scope: scope ?? ('window' as S) };
}

export const SETTINGS = {
  kubernetesVersion: spec<string>(DEFAULT_KUBERNETES_VERSION),
  defaultNamespace: spec('default'),
  'rules.disabled': spec<string[]>([]),
  'rules.severity': spec<Record<string, 'error' | 'warning' | 'info' | 'off'>>({}),
  schemaValidation: spec<'auto' | 'on' | 'off'>('auto'),
  maxFileSizeKB: spec(8192),
  maxWorkspaceFiles: spec(5000),
  'validation.debounceMs': spec(150),
  /** Declared apply units (see docs/precision.md); read per workspace folder. */
  units: spec<unknown[], 'resource'>([], 'resource'),
  'files.exclude': spec<string[]>(['**/node_modules/**', '**/.git/**', '**/charts/**/templates/**']),
  'codeLens.enabled': spec(true, 'resource'),
  'cluster.context': spec(''),
  'cluster.liveOverlay': spec(true),
  'kind.nodeImage': spec(''),
};

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = (typeof SETTINGS)[K]['default'];
type KeysOfScope<S extends SettingScope> = { [K in SettingKey]: (typeof SETTINGS)[K]['scope'] extends S ? K : never }[SettingKey];
/** One value per window. */
export type WindowSettingKey = KeysOfScope<'window'>;
/** May differ per folder or file: read with the resource it applies to. */
export type ResourceSettingKey = KeysOfScope<'resource'>;
