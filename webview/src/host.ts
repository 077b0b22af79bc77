import type { WebviewState, WebviewToHostMessage } from '../../src/shared/webviewProtocol';

/**
 * The other side of the protocol: VS Code's extension host inside a webview, or nothing at all in
 * the standalone page that `kube-topology graph --output html` writes (there, reveal shows where the
 * resource is and exports download the file).
 */
export interface Host {
  readonly standalone: boolean;
  post(message: WebviewToHostMessage): void;
  getState(): WebviewState | undefined;
  setState(state: WebviewState): void;
}

export function connectHost(notify: (text: string) => void, describeNode: (id: string) => string | undefined): Host {
  if (typeof acquireVsCodeApi === 'function') {
    const api = acquireVsCodeApi();
    return {
      standalone: false,
      post: (m) => api.postMessage(m),
      getState: () => {
        const s = api.getState();
        return s && typeof s === 'object' ? s : undefined;
      },
      setState: (s) => api.setState(s),
    };
  }
  let state: WebviewState | undefined;
  return {
    standalone: true,
    post: (m) => {
      if (m.type === 'reveal') {
        const where = describeNode(m.nodeId);
        if (where) notify(where);
      } else if (m.type === 'export') {
        download(m.data, m.suggestedName, m.format);
        notify(`Downloaded ${m.suggestedName}`);
      }
    },
    getState: () => state,
    setState: (s) => {
      state = s;
    },
  };
}

function download(data: string, name: string, format: 'svg' | 'png'): void {
  const url = format === 'svg' ? URL.createObjectURL(new Blob([data], { type: 'image/svg+xml' })) : data;
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  if (format === 'svg') setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
