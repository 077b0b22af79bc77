/**
 * Loads the project's real @kubernetes/client-node (ESM-only since 1.0; Node >= 20.19 can
 * require() it from CommonJS), with a clear error when the installed version cannot run on this
 * Node: client-node 2.x depends on undici 8, whose engines say Node >= 22.19 — on Node 20 it
 * throws at load time (zlib.createZstdDecompress, webidl markAsUncloneable are missing).
 */
type K8s = typeof import('@kubernetes/client-node');

export function loadClientNode(): K8s {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@kubernetes/client-node') as K8s;
  } catch (e) {
    let versions = '';
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const pkg = (name: string) => require(require.resolve(`${name}/package.json`, { paths: [require.resolve('@kubernetes/client-node')] }));
      versions = `@kubernetes/client-node ${pkg('@kubernetes/client-node').version}, undici ${pkg('undici').version} (engines node ${pkg('undici').engines?.node})`;
    } catch {
      /* keep the original error */
    }
    throw new Error(
      `cannot load @kubernetes/client-node on Node ${process.version}${versions ? ` (${versions})` : ''}: ${(e as Error).message}\n` +
        'client-node 2.x needs undici 8 (Node >= 22.19). On Node 20 use client-node 1.4.x, or pin undici 7 for it ' +
        '(package.json "overrides": {"@kubernetes/client-node": {"undici": "^7.16.0"}}).',
    );
  }
}
