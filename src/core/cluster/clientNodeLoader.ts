/**
 * Loads @kubernetes/client-node on first use. It is heavy (hundreds of generated API classes), so
 * validation, drawing, extension activation, apply and delete never load it; port-forward, live
 * state and connections that need it (oidc, proxy-url: transport.ts) do.
 */
export type ClientNode = typeof import('@kubernetes/client-node');

let loaded: ClientNode | undefined;

export function loadClientNode(): ClientNode {
  if (loaded) return loaded;
  try {
    // require() inside the function keeps the module out of start-up (esbuild defers its evaluation too).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('@kubernetes/client-node') as ClientNode;
    return loaded;
  } catch (e) {
    throw new Error(
      `cannot load @kubernetes/client-node on Node ${process.version}: ${(e as Error).message} ` +
        '(client-node 2.x needs Node >= 20.19 with undici 7 pinned, see package.json "overrides")',
    );
  }
}
