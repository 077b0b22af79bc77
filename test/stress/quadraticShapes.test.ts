/**
 * The shapes that were quadratic (issue 18) at the sizes the issue measured: 2,000 Deployments +
 * 2,000 Services on one selector, one mapping with 50,000 keys, a one-line JSON manifest with
 * 80,000 keys. Asserted: what the analysis reports for them (and that a Service's targets are
 * stored once, shared by every Service with the same selector). Printed, not asserted: time and
 * heap (bench/shapesBench.ts shows them at 1×, 2× and 4×).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { WorkspaceIndex, type AnalysisResult } from '../../src/core/index/workspaceIndex';
import { referencesOf } from '../../src/core/model/references';
import * as podPorts from '../../src/core/model/podPorts';
import { buildGraph } from '../../src/core/graph/buildGraph';
import { manyKeysText, oneLineJsonText, sharedSelectorText } from './quadraticShapes';

function analyze(name: string, text: string): { result: AnalysisResult; ms: number } {
  const t0 = performance.now();
  const index = new WorkspaceIndex();
  index.setFile(name, text, { explicit: true });
  const result = index.analyze();
  const ms = performance.now() - t0;
  process.stdout.write(`# shape ${JSON.stringify({ name, ms: Math.round(ms), heapMb: Math.round(process.memoryUsage().heapUsed / 1048576) })}\n`);
  return { result, ms };
}

test('2,000 Deployments and 2,000 Services on one selector: each broken Service port is one finding naming five workloads', () => {
  const { result } = analyze('/shapes/shared-selector.yaml', sharedSelectorText(2000, 100));
  assert.equal(result.resources.length, 4000);
  const findings = result.byFile.get('/shapes/shared-selector.yaml')!;
  const ports = findings.filter((f) => f.code === 'service-target-port-missing');
  assert.equal(ports.length, 20, 'every 100th Service names a port the pods lack');
  for (const f of ports) {
    assert.equal(f.severity, 'error');
    assert.match(
      f.message,
      /names no container port of Deployment app-0, Deployment app-1, Deployment app-2, Deployment app-3, Deployment app-4 and 1995 more \(declared: 8080 \(http\)\)/,
    );
    assert.equal(f.related?.length, 5);
  }
  assert.equal(findings.filter((f) => f.code === 'service-selector-no-match').length, 0);

  const refs = referencesOf(result.index);
  assert.equal(refs.selections.length, 2000);
  const targetLists = new Set(refs.selections.map((s) => s.targets));
  assert.equal(targetLists.size, 1, 'one target list shared by all 2,000 Services');
  assert.equal([...targetLists][0].length, 2000);
});

test('the graph of 2,000 + 2,000 on one selector is one bundle, drawn without a port mapping per Service × workload', () => {
  const { result } = analyze('/shapes/shared-graph.yaml', sharedSelectorText(2000, 100));
  // Every per-pair reference maps the Service's ports onto one workload (mappingsOf); the graph
  // must work per shared target list and kind of pod instead. Counted by wrapping the export the
  // compiled modules call through.
  const exports = podPorts as unknown as { mappingsOf: typeof podPorts.mappingsOf };
  const original = exports.mappingsOf;
  let pairs = 0;
  exports.mappingsOf = (svc, w) => {
    pairs++;
    return original(svc, w);
  };
  let g;
  try {
    const t0 = performance.now();
    g = buildGraph(result);
    process.stdout.write(`# shape ${JSON.stringify({ name: 'graph of shared-selector', ms: Math.round(performance.now() - t0) })}\n`);
  } finally {
    exports.mappingsOf = original;
  }
  assert.equal(pairs, 0, 'no per-pair port mapping');
  assert.equal(g.bundles?.length, 1);
  const [bundle] = g.bundles;
  assert.equal(bundle.from.length, 2000);
  assert.equal(bundle.to.length, 2000);
  assert.equal(bundle.label, '2000 Services → 2000 Deployments');
  assert.equal(g.edges.filter((e) => e.type === 'selects').length, 0);
  const broken = bundle.members.filter((m) => m.broken);
  assert.equal(broken.length, 20, 'every 100th Service names a port the pods lack');
  assert.equal(bundle.code, 'service-target-port-missing');
});

test('one mapping with 50,000 keys: the key written twice is found, once, where it is', () => {
  const { result } = analyze('/shapes/many-keys.yaml', manyKeysText(50_000, 25_000));
  const findings = result.byFile.get('/shapes/many-keys.yaml')!;
  const dup = findings.filter((f) => f.code === 'duplicate-key');
  assert.equal(dup.length, 1);
  assert.equal(dup[0].range.start.line, 5 + 25_000);
  assert.match(dup[0].message, /"k0" appears twice in this mapping \(first on line 6\)/);
  assert.equal(Object.keys(result.resources[0].object.data as object).length, 49_999);
});

test('a 5 MB one-line JSON manifest with 80,000 keys is read as one ConfigMap', () => {
  const text = oneLineJsonText(80_000);
  assert.ok(text.length > 4_500_000 && !text.includes('\n'));
  const { result } = analyze('/shapes/one-line.json', text);
  assert.equal(result.resources.length, 1);
  assert.equal(Object.keys(result.resources[0].object.data as object).length, 80_000);
  const errors = result.byFile.get('/shapes/one-line.json')!.filter((f) => f.severity === 'error');
  assert.deepEqual(errors, []);
});
