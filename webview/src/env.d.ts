/** The layout worker's bundled source, inlined by scripts/build.mjs (started from a blob: URL). */
declare module 'kt-layout-worker' {
  const source: string;
  export default source;
}

/** Present inside a VS Code webview; absent in the standalone HTML page. */
declare function acquireVsCodeApi(): {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
};
