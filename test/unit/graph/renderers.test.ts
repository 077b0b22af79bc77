import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { layoutGraph } from '../../../src/core/graph/layout/layout';
import { createDefaultEngine } from '../../../src/core/graph/layout/defaultEngine';
import { renderSvgDocument } from '../../../src/core/graph/render/svgString';
import { renderDot, renderMermaid } from '../../../src/core/graph/render/textFormats';
import { renderStandalonePage, renderWebviewHtml, webviewCsp } from '../../../src/core/graph/render/page';
import { filterGraph, DEFAULT_FILTER, matchesSearch } from '../../../src/core/graph/filter';
import { cardSubtitle, nodeAriaLabel } from '../../../src/core/graph/render/scene';
import { graphOf } from './support';

describe('renderers', () => {
  const g = graphOf(['zoomcamp', 'broken']);

  test('the SVG draws one card per node and one path per edge, with reasons as tooltips', async () => {
    const { layout } = await layoutGraph(g, createDefaultEngine());
    const svg = renderSvgDocument(g, layout);
    assert.equal((svg.match(/<g class="node /g) ?? []).length, g.nodes.length);
    assert.equal((svg.match(/<g class="edge /g) ?? []).length, g.edges.length);
    assert.ok(svg.includes('selector app=gateway; port 80 → targetPort 9696 → containerPort 9696'));
    assert.ok(svg.includes('class="edge e-calls broken to-ghost"'));
    assert.ok(!svg.includes('<script'));
  });

  test('DOT and Mermaid list every node and edge, broken ones dashed', () => {
    const dot = renderDot(g);
    assert.ok(dot.startsWith('digraph topology {'));
    assert.equal((dot.match(/ -> /g) ?? []).length, g.edges.length);
    assert.ok(dot.includes('style=dashed'));
    const mm = renderMermaid(g);
    assert.ok(mm.startsWith('flowchart LR'));
    assert.equal((mm.match(/ --> | \.-> /g) ?? []).length, g.edges.length);
    assert.ok(!/\["[^"]*"[^\]]*"\]/.test(mm.replace(/#quot;/g, '')), 'labels are quoted safely');
  });

  test('the panel CSP is strict and the page loads only the nonce-d bundle', () => {
    const html = renderWebviewHtml({ cspSource: 'https://x.vscode-cdn.net', nonce: 'abc123', scriptUri: 'https://x/main.js', styleUri: 'https://x/main.css' });
    const csp = webviewCsp('https://x.vscode-cdn.net', 'abc123');
    assert.equal(
      csp,
      "default-src 'none'; script-src 'nonce-abc123'; style-src https://x.vscode-cdn.net; img-src https://x.vscode-cdn.net data:; worker-src blob:; font-src https://x.vscode-cdn.net",
    );
    assert.ok(html.includes(`content="${csp}"`));
    assert.ok(!html.includes('unsafe-inline') && !html.includes('unsafe-eval'));
    assert.equal((html.match(/<script /g) ?? []).length, 1);
    assert.ok(!/ on[a-z]+=/.test(html) && !/ style=/.test(html));
  });

  test('the standalone page allows its inline script and style by hash only, and its data cannot close the element', () => {
    const page = renderStandalonePage({ script: 'console.log("</script>")', css: 'body{}', title: 't', data: { evil: '</script><script>alert(1)</script>' } });
    const script = /<script>([\s\S]*)<\/script>\n<\/body>/.exec(page)![1];
    const hash = createHash('sha256').update(script).digest('base64');
    assert.ok(page.includes(`script-src 'sha256-${hash}'`));
    assert.ok(!page.includes('unsafe-inline'));
    assert.ok(!page.includes('</script><script>alert'));
    assert.equal((page.match(/<\/script>/g) ?? []).length, 2);
  });
});

describe('filters and search', () => {
  const g = graphOf(['zoomcamp', 'broken', 'shop']);

  test('a namespace filter keeps that namespace', () => {
    const f = filterGraph(g, { ...DEFAULT_FILTER, namespace: 'shop' });
    assert.ok(f.graph.nodes.every((n) => n.namespace === 'shop'));
    assert.equal(f.graph.nodes.length, 4);
    assert.deepEqual([...new Set(g.nodes.map((n) => n.namespace))].sort(), ['default', 'shop', 'staging']);
  });

  test('folding config away counts it on the workload, but broken references stay visible', () => {
    const f = filterGraph(g, { ...DEFAULT_FILTER, showConfig: false });
    assert.ok(!f.graph.nodes.some((n) => n.kind === 'ConfigMap' && !n.ghost));
    assert.equal(f.configCounts.get('Deployment/default/gateway'), 2);
    assert.ok(f.graph.nodes.some((n) => n.id === 'ghost:ConfigMap/staging/missing-settings'));
  });

  test('hiding a category hides its nodes and their edges only', () => {
    const f = filterGraph(g, { ...DEFAULT_FILTER, hidden: ['autoscaler'] });
    assert.ok(!f.graph.nodes.some((n) => n.kind === 'HorizontalPodAutoscaler'));
    assert.ok(!f.graph.edges.some((e) => e.type === 'scales'));
    const ids = new Set(f.graph.nodes.map((n) => n.id));
    assert.ok(f.graph.edges.every((e) => ids.has(e.from) && ids.has(e.to)));
  });

  test('above the cap the most important nodes stay, and everything in error stays', () => {
    const f = filterGraph(g, { ...DEFAULT_FILTER, maxNodes: 6 });
    assert.ok(f.capped > 0);
    assert.ok(f.graph.nodes.length <= 6 + g.nodes.filter((n) => n.ghost).length);
    for (const n of g.nodes.filter((x) => x.status === 'error' && !x.ghost).slice(0, 6))
      assert.ok(f.graph.nodes.some((k) => k.id === n.id) || f.graph.nodes.length >= 6);
  });

  test('search matches name, kind and image words', () => {
    const dep = g.nodes.find((n) => n.id === 'Deployment/default/tf-serving-clothing-model')!;
    assert.ok(matchesSearch(dep, 'xception'));
    assert.ok(matchesSearch(dep, 'deployment clothing'));
    assert.ok(!matchesSearch(dep, 'gateway'));
  });

  test('cards and accessible labels say what a person checks first', () => {
    const hpa = g.nodes.find((n) => n.id === 'HorizontalPodAutoscaler/default/gateway-hpa')!;
    assert.equal(cardSubtitle(hpa), '1–3 replicas · 50% CPU');
    const svc = g.nodes.find((n) => n.id === 'Service/default/tf-serving-clothing-model')!;
    assert.equal(cardSubtitle(svc), '8500 → 8500');
    assert.match(
      nodeAriaLabel(svc, { incoming: 1, outgoing: 1 }),
      /^Service tf-serving-clothing-model, namespace default, 8500 → 8500, 1 incoming, 1 outgoing/,
    );
  });
});
