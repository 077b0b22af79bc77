/**
 * Imported first by main.ts, before the control library evaluates.
 *
 * FAST (under the toolkit) checks `:focus-visible` support at load time by appending an empty
 * <style> element to <head> and inserting a rule into it. The panel's CSP allows stylesheets only
 * from the extension (`style-src ${webview.cspSource}`), so that element is blocked and reported as
 * a violation. We answer the probe with a constructable stylesheet instead, which parses the same
 * rule without any inline style; everything else passes through untouched. The guard is removed as
 * soon as the controls are registered.
 */
const head = document.head;
const probes = new WeakSet<Node>();

head.appendChild = function <T extends Node>(this: HTMLHeadElement, node: T): T {
  if (node instanceof HTMLStyleElement && !node.isConnected && !node.textContent && !node.hasAttribute('href')) {
    probes.add(node);
    Object.defineProperty(node, 'sheet', { value: new CSSStyleSheet(), configurable: true });
    return node;
  }
  return Node.prototype.appendChild.call(this, node) as T;
};

head.removeChild = function <T extends Node>(this: HTMLHeadElement, node: T): T {
  if (probes.has(node)) {
    probes.delete(node);
    return node;
  }
  return Node.prototype.removeChild.call(this, node) as T;
};

/** Puts <head> back as it was (called once the controls are registered). */
export function releaseStyleProbeGuard(): void {
  // The overrides are own properties of <head>; without them it uses Node's methods again.
  Reflect.deleteProperty(head, 'appendChild');
  Reflect.deleteProperty(head, 'removeChild');
}
