/**
 * Kubernetes schemas: validation of built-in kinds per release, removed/deprecated apiVersions,
 * field descriptions for hovers, and an export in kubeconform's layout.
 */
import { setSchemasDir as setStoreDir } from './store';
import { resetValidators } from './validator';

export { describeField, listKnownKinds, type FieldDescription, type KnownKind } from './hover';
export { writeKubeconformSchemas, standaloneSchema, combinedSchema, kubeconformFileName } from './kubeconformExport';
export { API_CHANGES, findApiChange, type ApiChange } from './removedApis';
export { schemaRule, SCHEMA_RULES } from './schemaRules';
export { resolveRelease, supportedReleases, schemasDir, schemasAvailable, apiAvailability, SCHEMA_INDEX_FILE } from './store';
export { validatorStats } from './validator';

/** Uses another schemas/ directory (and forgets everything loaded from the previous one). */
export function setSchemasDir(dir: string | undefined): void {
  setStoreDir(dir);
  resetValidators();
}
