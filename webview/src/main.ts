/**
 * The topology webview: entry point of dist/webview/main.js (and of the page that
 * `kube-topology graph --output html` writes, which embeds its data instead of talking to a host).
 */
// First: must run before the control library evaluates (see cspGuard.ts).
import './cspGuard';
import './styles.css';
import { App, type InitialData } from './app';
import { isHostToWebviewMessage } from '../../src/shared/webviewProtocol';

function embeddedData(): InitialData | undefined {
  const script = document.getElementById('kt-initial');
  if (!script?.textContent) return undefined;
  try {
    const data = JSON.parse(script.textContent) as InitialData;
    // Same checks as a host message: the page may have been edited by hand.
    if (!isHostToWebviewMessage({ type: 'graph', revision: 0, scope: data.scope, graph: data.graph })) return undefined;
    return data;
  } catch {
    return undefined;
  }
}

const root = document.getElementById('app') ?? document.body;
new App(root).start(embeddedData());
