/**
 * Hardening of the topology view against what a manifest or a compromised peer can send.
 *
 * In the real webview bundle (Debian's Chromium, the panel's CSP, see harness.ts): manifests whose
 * names, labels, annotations, images, env values, hosts and paths carry HTML/JS payloads render as
 * text — no element is injected, no dialog opens, no payload runs (each would set window.__pwned),
 * and the page records zero CSP violations. Malformed and unknown host messages are ignored with a
 * log line and leave the drawing as it was.
 *
 * On the host side: the protocol validator and TopologyPanel's handler with crafted messages. VS
 * Code itself cannot run in this test, so the `vscode` module is a small recording fake (the
 * e2e suite drives the real panel in code-server); everything behind it is the real code.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Module from 'node:module';
import fc from 'fast-check';
import type { Page } from 'playwright-core';
import { ROOT, openPanel, posted, screenshot, sendToWebview, servePage, showGraph, startHarness, violations, waitForPosted, type Harness } from './harness';
import { WorkspaceIndex } from '../../src/core/index/workspaceIndex';
import { buildGraph } from '../../src/core/graph/buildGraph';
import type { GraphModel } from '../../src/core/graph/types';
import { describeInvalid, isHostToWebviewMessage, isWebviewToHostMessage } from '../../src/shared/webviewProtocol';

/** The few DOM shapes the page.evaluate bodies use (tests compile without the DOM library). */
interface El {
  tagName: string;
  outerHTML: string;
  innerText: string;
  textContent: string | null;
  src: string;
  getAttributeNames(): string[];
  getAttribute(name: string): string | null;
}
interface Doc {
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): Iterable<El>;
  addEventListener(type: string, listener: (e: { violatedDirective: string; blockedURI: string }) => void): void;
}
type DomParserCtor = new () => { parseFromString(text: string, type: string): Doc };

const FIXTURE = path.join(ROOT, 'test/fixtures/hostile/payloads.yaml');
const SECRET_VALUE = 'kt-hostile-secret-value-0451';

function hostileGraph(): GraphModel {
  const index = new WorkspaceIndex();
  // explicit, as when named on the command line: a folder walk would skip it as a Helm template
  // (one payload is a `{{ ... }}` template injection).
  assert.ok(index.setFile(FIXTURE, fs.readFileSync(FIXTURE, 'utf8'), { explicit: true }));
  return buildGraph(index.analyze());
}

/** Everything a successful injection would leave in the page. */
interface Residue {
  pwned: unknown;
  injected: string[];
  handlers: string[];
  /** Scripts not loaded from the page's origin (inline ones), and style elements. */
  inlineScripts: number;
  styles: number;
}

async function residue(page: Page): Promise<Residue> {
  return page.evaluate(() => {
    const d = (globalThis as unknown as { document: Doc }).document;
    const injected = [
      ...d.querySelectorAll(
        'img, iframe, object, embed, foreignObject, math, b, i, a[href], link:not([rel="stylesheet"]), svg script, svg style, meta:not([charset]):not([name="viewport"]):not([http-equiv="Content-Security-Policy"])',
      ),
    ].map((e) => e.outerHTML.slice(0, 120));
    const handlers: string[] = [];
    for (const el of d.querySelectorAll('*')) {
      for (const a of el.getAttributeNames()) {
        if (/^on/i.test(a) || /^\s*javascript:/i.test(el.getAttribute(a) ?? '')) handlers.push(`${el.tagName} ${a}`);
      }
    }
    const origin = (globalThis as unknown as { location: { origin: string } }).location.origin;
    const inlineScripts = [...d.querySelectorAll('script')].filter((s) => !s.src.startsWith(`${origin}/`)).length;
    const styles = [...d.querySelectorAll('style')].length;
    return { pwned: (globalThis as unknown as { __pwned?: unknown }).__pwned, injected, handlers, inlineScripts, styles };
  });
}

/** `page`: the inline scripts and styles the page itself was served with (none in the panel). */
function assertClean(r: Residue, where: string, page = { inlineScripts: 0, styles: 0 }): void {
  assert.equal(r.pwned, undefined, `${where}: a payload ran`);
  assert.deepEqual(r.injected, [], `${where}: elements injected`);
  assert.deepEqual(r.handlers, [], `${where}: handler or javascript: attributes`);
  assert.equal(r.inlineScripts, page.inlineScripts, `${where}: inline scripts beyond the page's own`);
  assert.equal(r.styles, page.styles, `${where}: style elements beyond the page's own`);
}

/** Dialogs, uncaught errors: recorded for every page the test opens. */
function watch(page: Page): { dialogs: string[]; errors: string[] } {
  const seen = { dialogs: [] as string[], errors: [] as string[] };
  page.on('dialog', (d) => {
    seen.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => seen.errors.push(e.message));
  return seen;
}

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

describe('the topology webview renders hostile manifests as text (Chromium, panel CSP)', () => {
  test('names, labels, images, env values, hosts and paths with HTML/JS payloads are drawn as text, run nothing and violate no CSP', async () => {
    const graph = hostileGraph();
    assert.ok(graph.nodes.length >= 6, `${graph.nodes.length} nodes from the fixture`);
    assert.ok(!JSON.stringify(graph).includes(SECRET_VALUE), 'the graph model holds no secret value');
    const page = await openPanel(h);
    const seen = watch(page);
    await showGraph(page, graph);

    assert.equal(await page.locator('svg.kt-graph .node').count(), graph.nodes.length, 'every resource is drawn');
    assert.deepEqual(await violations(page), [], 'zero CSP violations after drawing');
    // Attributes keep the raw text: the ids went in as data, not as markup.
    const ids = await page.locator('svg.kt-graph .node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    assert.deepEqual([...ids].sort(), graph.nodes.map((n) => n.id).sort());
    const names = (await page.locator('svg.kt-graph .node .name').allTextContents()).join('\n');
    assert.ok(names.includes('<img src=x') || names.includes('<img'), `the name payload shows as text: ${names.slice(0, 300)}`);
    assert.ok(names.includes('&lt;b&gt;entity'), 'entities stay literal, not decoded');

    // Hover every card: facts (images, selectors, ports, routes, secret keys) are text too.
    for (const n of graph.nodes) {
      await page.locator(`svg.kt-graph .node[data-id="${n.id.replace(/["\\]/g, '\\$&')}"]`).hover({ force: true });
      await page.waitForSelector('.hovercard:not([hidden])');
      const card = await page.locator('.hovercard').innerText();
      assert.ok(!card.includes(SECRET_VALUE), `the hover card of ${n.id} shows no secret value`);
    }
    assert.deepEqual(await violations(page), [], 'zero CSP violations after the hover cards');
    await page.locator('svg.kt-graph .node[data-id^="Deployment/"]').first().hover({ force: true });
    await page.waitForFunction(() =>
      (globalThis as unknown as { document: Doc }).document.querySelector('.hovercard:not([hidden])')?.innerText.includes('image-svg-script'),
    );
    const deploymentCard = await page.locator('.hovercard').innerText();
    assert.ok(
      deploymentCard.includes("<svg><script>window.__pwned='image-svg-script'</script></svg>:latest"),
      `the image shows verbatim: ${deploymentCard.slice(0, 400)}`,
    );

    // The search box takes a payload as a search string.
    await page.locator('vscode-text-field input').first().fill('<img src=x onerror');
    await page.waitForSelector('svg.kt-graph.searching .node.match');
    await page.locator('vscode-text-field input').first().fill('');

    assert.deepEqual(await violations(page), [], 'zero CSP violations after searching');
    await page.getByText('Export SVG').click();
    const svg = await waitForPosted(page, 'export', { format: 'svg' });
    assert.ok(svg.type === 'export');
    assert.deepEqual(await violations(page), [], 'zero CSP violations after the export');
    // The exported file parsed as SVG: no script, no handler attribute, no foreign markup.
    // Parsed in a blank page: a DOMParser document in the panel page would be checked against the
    // panel's CSP (its <style> counts as a violation there), which is not what is being tested.
    const blank = await h.browser.newPage();
    const exported = await blank.evaluate((text) => {
      const doc = new (globalThis as unknown as { DOMParser: DomParserCtor }).DOMParser().parseFromString(text, 'image/svg+xml');
      const bad = [...doc.querySelectorAll('script, foreignObject, img, iframe, a')].map((e) => e.tagName);
      for (const el of doc.querySelectorAll('*')) for (const a of el.getAttributeNames()) if (/^on/i.test(a)) bad.push(`${el.tagName}@${a}`);
      return { parseError: doc.querySelector('parsererror')?.textContent ?? null, bad };
    }, svg.data);
    await blank.close();
    assert.equal(exported.parseError, null);
    assert.deepEqual(exported.bad, []);
    assert.ok(!svg.data.includes(SECRET_VALUE), 'the exported SVG holds no secret value');

    await screenshot(page, 'hostile-light');
    assertClean(await residue(page), 'panel');
    assert.deepEqual(seen.dialogs, [], 'no dialog opened');
    assert.deepEqual(seen.errors, [], 'no uncaught error');
    assert.deepEqual(await violations(page), [], 'zero CSP violations');
    await page.close();
  });

  test('the standalone HTML page (graph --output html) renders the same payloads as text', async () => {
    const { renderStandalonePage } = await import('../../src/core/graph/render/page');
    const dist = path.join(ROOT, 'dist/webview');
    const html = renderStandalonePage({
      script: fs.readFileSync(path.join(dist, 'main.js'), 'utf8'),
      css: fs.readFileSync(path.join(dist, 'main.css'), 'utf8'),
      data: { scope: { kind: 'folder', uri: 'file:///hostile', label: '</script><script>window.__pwned="label"</script>' }, graph: hostileGraph() },
      title: '</title><script>window.__pwned="title"</script>',
    });
    const page = await h.browser.newPage();
    const seen = watch(page);
    await page.addInitScript(() => {
      const w = globalThis as unknown as { __violations: unknown[]; document: Doc };
      w.__violations = [];
      w.document.addEventListener('securitypolicyviolation', (e: { violatedDirective: string; blockedURI: string }) =>
        w.__violations.push({ directive: e.violatedDirective, blocked: e.blockedURI }),
      );
    });
    await page.goto(`${h.origin}${servePage('hostile', html)}`);
    await page.waitForSelector('svg.kt-graph .node');
    assert.equal(await page.locator('svg.kt-graph .node').count(), hostileGraph().nodes.length);
    // The page's own inline blocks (allowed by hash); the JSON data block escapes every `<`.
    // The page's own inline blocks (allowed by their hashes): the data and the bundle, the theme.
    assertClean(await residue(page), 'standalone page', { inlineScripts: 2, styles: 1 });
    assert.deepEqual(seen.dialogs, []);
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(await violations(page), [], 'zero CSP violations');
    await page.close();
  });

  test('malformed, unknown and oversized host messages are ignored with a log line and leave the drawing as it was', async () => {
    const graph = hostileGraph();
    const page = await openPanel(h);
    const seen = watch(page);
    await showGraph(page, graph);
    const before = await page.locator('svg.kt-graph').innerHTML();
    const node = graph.nodes[0];
    const scope = { kind: 'folder', uri: 'file:///x', label: 'x' };
    const junk: unknown[] = [
      null,
      42,
      'graph',
      [],
      {},
      { type: 'graph' },
      { type: 'nope' },
      { type: '__proto__', nodeId: 'x' },
      { type: 'constructor' },
      { type: 'toString' },
      { type: 'error', message: 5 },
      { type: 'error', message: 'x'.repeat(5000) },
      { type: 'highlight', nodeId: 7 },
      { type: 'graph', revision: -1, scope, graph },
      { type: 'graph', revision: 2.5, scope, graph },
      { type: 'graph', revision: 2, scope, graph, extra: '<img src=x onerror=window.__pwned=1>' },
      { type: 'graph', revision: 2, scope, graph: { nodes: [{ ...node, facts: { images: '<img src=x onerror=window.__pwned=1>' } }], edges: [] } },
      { type: 'graph', revision: 2, scope, graph: { nodes: [{ ...node, status: '<b>' }], edges: [] } },
      { type: 'graph', revision: 2, scope, graph: { nodes: [{ ...node, onclick: 'window.__pwned=1' }], edges: [] } },
      { type: 'graph', revision: 2, scope: { ...scope, kind: 'javascript:' }, graph },
      // Over the protocol's 50,000 nodes: refused without being walked.
      { type: 'graph', revision: 2, scope, graph: { nodes: Array.from({ length: 50_001 }, () => 0), edges: [] } },
      { type: 'exportResult', ok: 'yes', message: 'x' },
      { type: 'live', snapshot: { nodes: '<img>' } },
    ];
    for (const m of junk) await sendToWebview(page, m as Record<string, unknown>);
    // A valid message after the junk is still handled: the page is alive and listening.
    await sendToWebview(page, { type: 'highlight', nodeId: node.id });
    await page.waitForSelector('svg.kt-graph .node.highlighted');
    const logs = (await posted(page)).filter((m) => m.type === 'log');
    const typed = junk.filter((m) => m !== null && typeof m === 'object' && !Array.isArray(m) && 'type' in m).length;
    assert.equal(
      logs.length,
      typed,
      `one log line per rejected message that claimed a type (${logs.map((l) => (l.type === 'log' ? l.message : '')).join(' | ')})`,
    );
    for (const l of logs)
      assert.ok(l.type === 'log' && !l.message.includes('<img') && !l.message.includes('xxxxxxxxxx'), 'the log line does not echo the payload');
    await sendToWebview(page, { type: 'highlight', nodeId: null });
    await page.waitForFunction(() => !(globalThis as unknown as { document: Doc }).document.querySelector('.node.highlighted'));
    assert.equal(await page.locator('svg.kt-graph').innerHTML(), before, 'the drawing is untouched');
    assert.equal((await posted(page)).filter((m) => m.type === 'rendered').length, 1, 'nothing was re-rendered');

    // A well-formed error whose text is markup shows as text.
    await sendToWebview(page, {
      type: 'error',
      message: '<img src=x onerror="window.__pwned=\'error\'">',
      hint: '<a href="javascript:window.__pwned=1">fix</a>',
    });
    await page.waitForSelector('.state-error');
    assert.match(await page.locator('.state').innerText(), /<img src=x onerror=/);
    assertClean(await residue(page), 'after junk messages');
    assert.deepEqual(seen.dialogs, []);
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  test('a host graph with an edge to a missing node does not break the view', async () => {
    // The host never sends one (test/fuzz checks buildGraph); the webview still must not fall over.
    const graph = hostileGraph();
    const page = await openPanel(h);
    const seen = watch(page);
    const dangling: GraphModel = {
      nodes: graph.nodes,
      edges: [...graph.edges, { id: 'calls:x->nowhere', from: graph.nodes[0].id, to: 'Service/default/nowhere', type: 'calls', reason: 'r', label: 'l' }],
    };
    await sendToWebview(page, { type: 'graph', revision: 1, scope: { kind: 'folder', uri: 'file:///x', label: 'x' }, graph: dangling });
    await sendToWebview(page, { type: 'graph', revision: 2, scope: { kind: 'folder', uri: 'file:///x', label: 'x' }, graph });
    await waitForPosted(page, 'rendered', { revision: 2 });
    assert.equal(await page.locator('svg.kt-graph .node').count(), graph.nodes.length);
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(await violations(page), []);
    await page.close();
  });
});

// ---------------------------------------------------------------------------------------------
// Host side

describe('the host side rejects malformed webview messages', () => {
  test('the protocol validator never throws and rejects every malformed, unknown or oversized message', () => {
    const throwing = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
        ownKeys: () => {
          throw new Error('trap');
        },
      },
    );
    const getter = Object.defineProperty({ type: 'reveal' }, 'nodeId', {
      enumerable: true,
      get: () => {
        throw new Error('getter');
      },
    });
    let deep: Record<string, unknown> = { type: 'log', level: 'info', message: 'x' };
    for (let i = 0; i < 10_000; i++) deep = { type: 'reveal', nodeId: deep };
    class Reveal {
      type = 'reveal';
      nodeId = 'Deployment/default/a';
    }
    const bad: unknown[] = [
      undefined,
      null,
      0,
      'reveal',
      [],
      [{ type: 'ready' }],
      {},
      { type: 5 },
      { type: 'nope' },
      { type: '__proto__' },
      { type: 'constructor' },
      { type: 'hasOwnProperty' },
      JSON.parse('{"type":"ready","__proto__":{"x":1}}'),
      { type: 'reveal' },
      { type: 'reveal', nodeId: 5 },
      { type: 'reveal', nodeId: 'x'.repeat(1001) },
      { type: 'reveal', nodeId: 'a', extra: 1 },
      { type: 'export', format: 'html', data: '<svg/>', suggestedName: 'a' },
      { type: 'export', format: 'svg', data: 'x'.repeat(64 * 1024 * 1024 + 1), suggestedName: 'a' },
      { type: 'export', format: 'svg', data: '<svg/>', suggestedName: 'n'.repeat(201) },
      { type: 'log', level: 'debug', message: 'x' },
      { type: 'log', level: 'info', message: 'x'.repeat(4001) },
      { type: 'rendered', revision: 1, nodes: 1, edges: 1, layoutMs: Infinity, paintMs: 0 },
      { type: 'rendered', revision: -1, nodes: 1, edges: 1, layoutMs: 1, paintMs: 0 },
      { type: 'portForward', nodeId: ['a'] },
      { type: 'apply', force: true },
      { type: 'selectContext', context: 'prod' },
      throwing,
      getter,
      deep,
      new Reveal(),
      Object.assign(Object.create(null), { type: 'ready', x: 1 }),
    ];
    for (const m of bad) {
      let accepted: boolean | undefined;
      assert.doesNotThrow(() => (accepted = isWebviewToHostMessage(m)), `validator threw on ${String(describeSafe(m))}`);
      assert.equal(accepted, false, `accepted ${describeSafe(m)}`);
      assert.doesNotThrow(() => describeInvalid(m));
    }
    // Positive controls: the same shapes, well formed, pass.
    for (const m of [
      { type: 'ready' },
      { type: 'reveal', nodeId: 'a' },
      { type: 'export', format: 'svg', data: '<svg/>', suggestedName: 'a' },
      Object.assign(Object.create(null), { type: 'ready' }),
    ])
      assert.equal(isWebviewToHostMessage(m), true, JSON.stringify(m));
  });

  test('random values never make either validator throw, and what passes is plain data', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything({
            maxDepth: 5,
            withObjectString: true,
            withNullPrototype: true,
            withBoxedValues: true,
            withMap: true,
            withSet: true,
            withTypedArray: true,
            withSparseArray: true,
          }),
          fc
            .record(
              { type: fc.constantFrom('ready', 'reveal', 'export', 'log', 'graph', 'highlight', 'error', 'apply', 'portForward') },
              { requiredKeys: ['type'] },
            )
            .chain((base) => fc.dictionary(fc.string(), fc.anything({ maxDepth: 3 })).map((rest) => ({ ...rest, ...base }))),
        ),
        (m) => {
          const a = isWebviewToHostMessage(m);
          const b = isHostToWebviewMessage(m);
          for (const ok of [a, b]) if (ok) assert.deepEqual(JSON.parse(JSON.stringify(m)), m, 'an accepted message survives a JSON round trip');
        },
      ),
      { seed: 20_260_611, numRuns: 2000 },
    );
  });
});

function describeSafe(m: unknown): string {
  try {
    return JSON.stringify(m)?.slice(0, 80) ?? String(m);
  } catch {
    return 'an object that cannot be printed (proxy or throwing getter)';
  }
}

/** A recording stand-in for the parts of `vscode` TopologyPanel touches. */
function installRecordingVscode(workspace: string) {
  const calls: { method: string; args: unknown[] }[] = [];
  const record =
    (method: string, result?: unknown) =>
    (...args: unknown[]) => {
      calls.push({ method, args });
      return result;
    };
  class Uri {
    constructor(
      readonly scheme: string,
      readonly path: string,
      readonly fragment = '',
    ) {}
    static file(p: string) {
      return new Uri('file', path.resolve(p));
    }
    static parse(s: string) {
      const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(s);
      return m ? new Uri(m[1], decodeURIComponent(m[2])) : new Uri('file', s);
    }
    static joinPath(base: Uri, ...parts: string[]) {
      return new Uri(base.scheme, path.join(base.path, ...parts));
    }
    get fsPath() {
      return this.path;
    }
    with(o: { fragment?: string }) {
      return new Uri(this.scheme, this.path, o.fragment ?? this.fragment);
    }
    toString() {
      return `${this.scheme}://${this.path}`;
    }
  }
  class Disposable {
    constructor(private readonly fn: () => void = () => {}) {}
    static from(...d: { dispose(): void }[]) {
      return new Disposable(() => d.forEach((x) => x.dispose()));
    }
    dispose() {
      this.fn();
    }
  }
  const event = () => (_listener: unknown) => new Disposable();
  const vscode = {
    Uri,
    Disposable,
    ViewColumn: { One: 1, Two: 2, Beside: -2 },
    TextEditorRevealType: { InCenterIfOutsideViewport: 2 },
    FileType: { Directory: 2 },
    Range: class {
      constructor(...a: number[]) {
        Object.assign(this, { a });
      }
    },
    Selection: class {},
    window: {
      activeTextEditor: undefined,
      visibleTextEditors: [],
      onDidChangeTextEditorSelection: event(),
      onDidChangeActiveTextEditor: event(),
      showSaveDialog: record('window.showSaveDialog', Promise.resolve(undefined)),
      showTextDocument: record('window.showTextDocument', Promise.resolve({ selection: undefined, revealRange: () => {} })),
      showWarningMessage: record('window.showWarningMessage', Promise.resolve(undefined)),
      showInformationMessage: record('window.showInformationMessage', Promise.resolve(undefined)),
      registerWebviewPanelSerializer: () => new Disposable(),
      createWebviewPanel: record('window.createWebviewPanel'),
    },
    workspace: {
      name: 'hostile',
      isTrusted: true,
      workspaceFolders: [{ uri: Uri.file(workspace), name: 'hostile', index: 0 }],
      getWorkspaceFolder: () => ({ uri: Uri.file(workspace) }),
      asRelativePath: (u: Uri | string) => path.relative(workspace, typeof u === 'string' ? u : u.fsPath),
      openTextDocument: record('workspace.openTextDocument', Promise.resolve({ uri: Uri.file(FIXTURE) })),
      fs: { writeFile: record('workspace.fs.writeFile', Promise.resolve()), stat: record('workspace.fs.stat', Promise.resolve({ type: 1 })) },
    },
    commands: { executeCommand: record('commands.executeCommand', Promise.resolve()), registerCommand: () => new Disposable() },
    env: { openExternal: record('env.openExternal', Promise.resolve(true)) },
  };
  const M = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
  const original = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? 'vscode' : original.call(this, request, ...rest);
  };
  require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode } as unknown as NodeJS.Module;
  return { calls, Uri, restore: () => (M._resolveFilename = original) };
}

describe("TopologyPanel's message handler (host side, recording vscode fake)", () => {
  test('invalid, unknown and oversized messages are logged without the payload and have no effect; reveal of an unknown node and a non-SVG export do nothing', async () => {
    const fake = installRecordingVscode(path.join(ROOT, 'test/fixtures/hostile'));
    try {
      const { TopologyPanel } = await import('../../src/extension/topologyPanel');
      const graph = hostileGraph();
      const logs: string[] = [];
      const log = {
        trace: () => {},
        info: (m: string) => logs.push(`info ${m}`),
        warn: (m: string) => logs.push(`warn ${m}`),
        error: (m: string) => logs.push(`error ${m}`),
      };
      let receive: (m: unknown) => void = () => {};
      const toWebview: { type: string; [k: string]: unknown }[] = [];
      const webview = {
        options: {},
        html: '',
        cspSource: 'vscode-webview://test',
        asWebviewUri: (u: unknown) => u,
        postMessage: (m: { type: string }) => {
          toWebview.push(m);
          return Promise.resolve(true);
        },
        onDidReceiveMessage: (l: (m: unknown) => void) => {
          receive = l;
          return { dispose() {} };
        },
      };
      const panel = {
        title: '',
        webview,
        visible: true,
        viewColumn: 1,
        reveal: () => {},
        onDidDispose: () => ({ dispose() {} }),
        onDidChangeViewState: () => ({ dispose() {} }),
      };
      const context = { extensionUri: fake.Uri.file(ROOT), subscriptions: [] };
      const source = { getGraph: () => graph, onDidChangeAnalysis: () => ({ dispose() {} }), log };
      const p = new TopologyPanel(
        context as never,
        panel as never,
        { kind: 'folder', uri: fake.Uri.file(path.join(ROOT, 'test/fixtures/hostile')) } as never,
        source as never,
      );
      assert.match(webview.html, /default-src 'none'/, 'the panel HTML carries the CSP');
      assert.doesNotMatch(webview.html, /unsafe-inline|unsafe-eval/);

      const send = async (m: unknown) => {
        receive(m);
        await new Promise((r) => setImmediate(r));
      };
      await send({ type: 'ready' });
      assert.ok(
        toWebview.some((m) => m.type === 'graph'),
        'ready is answered with the graph',
      );
      const effects = () => fake.calls.filter((c) => c.method !== 'window.createWebviewPanel').map((c) => c.method);

      const payload = '<img src=x onerror=alert(1)> SECRET-PAYLOAD';
      for (const m of [
        null,
        { type: 'runCommand', command: 'workbench.action.terminal.new', args: [payload] },
        { type: 'reveal', nodeId: payload, file: '/etc/passwd' },
        { type: 'log', level: 'info', message: payload.repeat(200) },
        { type: 'export', format: 'svg', data: payload, suggestedName: '../../x.svg', path: '/tmp/x' },
        { type: 'apply', context: 'production' },
        { type: 'selectContext', context: payload },
      ]) {
        await send(m);
      }
      const warns = logs.filter((l) => l.startsWith('warn Topology webview sent an invalid message'));
      assert.equal(warns.length, 7, logs.join('\n'));
      assert.ok(
        logs.every((l) => !l.includes('SECRET-PAYLOAD')),
        'no log line echoes the payload',
      );
      assert.deepEqual(effects(), [], 'no command, file or dialog');

      // Well formed but pointing nowhere: a node id that is not in the graph.
      await send({ type: 'reveal', nodeId: 'Deployment/default/not-in-the-graph' });
      await send({ type: 'reveal', nodeId: payload });
      assert.deepEqual(effects(), [], 'reveal of an unknown node opens nothing');
      // Positive control: a node that is in the graph is opened.
      await send({ type: 'reveal', nodeId: graph.nodes[0].id });
      assert.deepEqual(effects(), ['workspace.openTextDocument', 'window.showTextDocument']);
      fake.calls.length = 0;

      // Exports: anything that is not an SVG document or a PNG data URL is refused before any dialog.
      for (const [format, data] of [
        ['svg', '<html><script>alert(1)</script></html>'],
        ['svg', '#!/bin/sh\nrm -rf ~'],
        ['png', 'data:text/html;base64,PHNjcmlwdD4='],
        ['png', 'javascript:alert(1)'],
      ] as const) {
        await send({ type: 'export', format, data, suggestedName: 'topology' });
      }
      const results = toWebview.filter((m) => m.type === 'exportResult');
      assert.equal(results.length, 4);
      assert.ok(
        results.every((r) => r.ok === false),
        JSON.stringify(results),
      );
      assert.deepEqual(effects(), [], 'no save dialog, no write');
      // A real SVG goes to the save dialog, with a name that cannot climb out of the folder.
      await send({ type: 'export', format: 'svg', data: '<svg xmlns="http://www.w3.org/2000/svg"/>', suggestedName: '../../../etc/passwd' });
      const dialog = fake.calls.find((c) => c.method === 'window.showSaveDialog');
      assert.ok(dialog, 'a valid SVG asks where to save');
      const defaultUri = (dialog.args[0] as { defaultUri: { fsPath: string } }).defaultUri.fsPath;
      assert.equal(path.dirname(defaultUri), path.join(ROOT, 'test/fixtures/hostile'));
      assert.equal(path.basename(defaultUri), 'etc-passwd');
      assert.deepEqual(
        effects().filter((m) => m !== 'window.showSaveDialog'),
        [],
        'cancelled: nothing written',
      );

      // Cluster actions from the webview without the cluster features: logged, nothing runs.
      await send({ type: 'apply' });
      assert.ok(logs.some((l) => l.includes('asked for "apply"')));
      assert.deepEqual(
        effects().filter((m) => m !== 'window.showSaveDialog'),
        [],
      );
      p.dispose();
    } finally {
      fake.restore();
    }
  });
});
