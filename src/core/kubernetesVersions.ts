/** Kubernetes minor versions with committed schemas (generated from the official OpenAPI documents). */
export const SUPPORTED_KUBERNETES_VERSIONS = ['1.28', '1.29', '1.30', '1.31', '1.32', '1.33', '1.34', '1.35', '1.36'] as const;
export const DEFAULT_KUBERNETES_VERSION = '1.36';

/** Accepts "1.30", "v1.30", "1.30.2" and returns "1.30", or undefined when unsupported. */
export function normalizeKubernetesVersion(input: string): string | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(input.trim());
  if (!m) return undefined;
  const v = `${m[1]}.${m[2]}`;
  return (SUPPORTED_KUBERNETES_VERSIONS as readonly string[]).includes(v) ? v : undefined;
}
