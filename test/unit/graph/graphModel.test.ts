import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGraph, mergeGraphs, scopeInclude } from '../../../src/core/graph/buildGraph';
import { edgeList, graphOf, indexOf } from './support';

describe('graph model from the gateway and model manifests', () => {
  const g = graphOf(['zoomcamp']);
  const edges = edgeList(g);

  test('the gateway Service selects the gateway Deployment, with the port path in the reason', () => {
    assert.ok(edges.includes('Service gateway -selects-> Deployment gateway'));
    const e = g.edges.find((x) => x.id === 'selects:Service/default/gateway->Deployment/default/gateway')!;
    assert.equal(e.reason, 'selector app=gateway; port 80 → targetPort 9696 → containerPort 9696');
    assert.equal(e.label, '80 → 9696');
    assert.equal(e.broken, undefined);
  });

  test('the gateway Deployment calls the model Service through TF_SERVING_HOST', () => {
    assert.ok(edges.includes('Deployment gateway -calls-> Service tf-serving-clothing-model'));
    const e = g.edges.find((x) => x.type === 'calls')!;
    assert.equal(e.reason, 'env TF_SERVING_HOST = tf-serving-clothing-model.default.svc.cluster.local:8500');
    assert.equal(e.label, ':8500');
  });

  test('the model Service selects the model Deployment', () => {
    assert.ok(edges.includes('Service tf-serving-clothing-model -selects-> Deployment tf-serving-clothing-model'));
  });

  test('the Ingress routes to the gateway Service, per host and path', () => {
    const e = g.edges.find((x) => x.type === 'routes')!;
    assert.equal(e.from, 'Ingress/default/clothing');
    assert.equal(e.to, 'Service/default/gateway');
    assert.equal(e.reason, 'host example.com path /predict → port 80');
  });

  test('the HPA scales the gateway Deployment, and says the range and target', () => {
    const e = g.edges.find((x) => x.type === 'scales')!;
    assert.equal(e.to, 'Deployment/default/gateway');
    assert.equal(e.reason, 'min 1 max 3 at 50% CPU');
  });

  test('the gateway uses its ConfigMap and Secret', () => {
    assert.ok(edges.includes('Deployment gateway -mounts-> ConfigMap gateway-settings'));
    assert.ok(edges.includes('Deployment gateway -mounts-> Secret gateway-credentials'));
  });

  test('nodes carry kind, namespace, file, 1-based line and key facts', () => {
    const dep = g.nodes.find((n) => n.id === 'Deployment/default/tf-serving-clothing-model')!;
    assert.equal(dep.kind, 'Deployment');
    assert.equal(dep.namespace, 'default');
    assert.match(dep.file, /model-deployment\.yaml$/);
    assert.equal(dep.line, 2, 'the comment line comes first');
    assert.deepEqual(dep.facts.images, ['clothing-model:xception-v4-001']);
    assert.deepEqual(dep.facts.ports, ['8500/TCP']);
    assert.equal(dep.facts.replicas, 1);
    const hpa = g.nodes.find((n) => n.kind === 'HorizontalPodAutoscaler')!;
    assert.equal(hpa.facts.minReplicas, 1);
    assert.equal(hpa.facts.maxReplicas, 3);
    assert.deepEqual(hpa.facts.metrics, ['50% CPU']);
  });

  test('a LoadBalancer Service is an entry point and a ClusterIP Service is internal', () => {
    assert.equal(g.nodes.find((n) => n.id === 'Service/default/gateway')!.category, 'entry');
    assert.equal(g.nodes.find((n) => n.id === 'Service/default/tf-serving-clothing-model')!.category, 'service');
    assert.equal(g.nodes.find((n) => n.kind === 'Ingress')!.category, 'entry');
  });

  test('every edge references existing nodes and ids are unique', () => {
    const ids = new Set(g.nodes.map((n) => n.id));
    assert.equal(ids.size, g.nodes.length);
    for (const e of g.edges) {
      assert.ok(ids.has(e.from), `${e.id}: from`);
      assert.ok(ids.has(e.to), `${e.id}: to`);
    }
    assert.equal(new Set(g.edges.map((e) => e.id)).size, g.edges.length);
  });

  test('Secret values never appear in the graph JSON, only key names', () => {
    const json = JSON.stringify(g);
    assert.ok(!json.includes('sup3r-s3cret-t0ken-value'));
    assert.ok(!json.includes('aHVudGVyMi1kby1ub3Qtc2hvdw=='));
    assert.ok(!json.includes('hunter2'));
    const secret = g.nodes.find((n) => n.kind === 'Secret')!;
    assert.deepEqual(secret.facts.keys, ['password', 'token']);
  });
});

describe('short service addresses', () => {
  test('name:port in an env value draws a calls edge in the same namespace', () => {
    const g = graphOf(['shop']);
    const e = g.edges.find((x) => x.type === 'calls')!;
    assert.equal(e.from, 'Deployment/shop/frontend');
    assert.equal(e.to, 'Service/shop/productcatalogservice');
    assert.equal(e.reason, 'env PRODUCT_CATALOG_SERVICE_ADDR = productcatalogservice:3550');
    assert.equal(g.nodes.find((n) => n.id === 'Service/shop/frontend')!.category, 'entry', 'NodePort is an entry point');
  });
});

describe('broken references', () => {
  const g = graphOf(['broken']);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));

  test('each broken reference is a dashed error edge to a ghost node carrying the finding code', () => {
    const broken = g.edges.filter((e) => e.broken);
    assert.ok(broken.length >= 5, `expected the five broken references, got ${broken.map((e) => e.id).join(', ')}`);
    for (const e of broken) {
      const ghost = byId.get(e.to)!;
      assert.equal(ghost.ghost, true, `${e.id} points at a ghost`);
      assert.ok(e.code, `${e.id} has a code`);
      assert.equal(ghost.problems[0].code, e.code);
    }
  });

  test('the ghost codes are the codes validation reports for the same references', () => {
    const analysis = indexOf(['broken']).analyze();
    const reported = new Set([...analysis.byFile.values()].flat().map((f) => f.code));
    const graph = buildGraph(analysis);
    for (const e of graph.edges.filter((x) => x.broken)) {
      if (e.code!.includes('-not-found') && !reported.has(e.code!)) continue; // no rule for it yet: the graph's own code
      assert.ok(reported.has(e.code!), `${e.code} is a finding code of the same pass`);
    }
  });

  test('a misspelt DNS name goes to a missing Service named as written', () => {
    const e = g.edges.find((x) => x.type === 'calls')!;
    assert.equal(e.to, 'ghost:Service/staging/tf-serving-clothing-modl');
    assert.equal(byId.get(e.to)!.kind, 'Service');
  });

  test('a selector that matches nothing goes to a "no matching pods" ghost', () => {
    const e = g.edges.find((x) => x.type === 'selects')!;
    assert.equal(e.to, 'ghost:Pod/staging/app=gatway');
    assert.equal(e.code, 'service-selector-no-match');
  });

  test('the Ingress backend and HPA target ghosts point at the broken reference in the YAML', () => {
    const ingressGhost = byId.get('ghost:Service/staging/gateway-svc')!;
    assert.match(ingressGhost.file, /broken\.yaml$/);
    const ingress = g.nodes.find((n) => n.kind === 'Ingress')!;
    assert.ok(ingressGhost.line > ingress.line, 'the ghost points inside the Ingress, at the backend');
    assert.ok(byId.get('ghost:Deployment/staging/tf-serving-model'));
  });

  test('nodes take the status of their worst finding (a guessed typo is a warning)', () => {
    assert.equal(byId.get('Service/staging/gateway')!.status, 'warning');
  });
});

describe('scopes', () => {
  test('a file scope keeps its resources and their direct neighbours only', () => {
    const index = indexOf(['zoomcamp']);
    const all = buildGraph(index.analyze());
    const hpaFile = all.nodes.find((n) => n.kind === 'HorizontalPodAutoscaler')!.file;
    const g = buildGraph(index.analyze(), { include: scopeInclude('file', hpaFile) });
    assert.deepEqual(g.nodes.map((n) => n.id).sort(), ['Deployment/default/gateway', 'HorizontalPodAutoscaler/default/gateway-hpa']);
    assert.deepEqual(
      g.edges.map((e) => e.type),
      ['scales'],
    );
  });

  test('graphs of several folders merge without duplicates', () => {
    const a = graphOf(['zoomcamp']);
    const b = graphOf(['shop']);
    const m = mergeGraphs([a, b, a]);
    assert.equal(m.nodes.length, a.nodes.length + b.nodes.length);
    assert.equal(m.edges.length, a.edges.length + b.edges.length);
  });

  test('a folder scope matches files under the folder only', () => {
    const inc = scopeInclude('folder', 'file:///work/app')!;
    assert.equal(inc('file:///work/app/a.yaml'), true);
    assert.equal(inc('file:///work/apples/a.yaml'), false);
    assert.equal(scopeInclude('workspace', 'x'), undefined);
  });
});

describe('edge cases', () => {
  test('an empty workspace is an empty graph', () => {
    assert.deepEqual(buildGraph(indexOf([]).analyze()), { nodes: [], edges: [] });
  });

  test('kinds the graph does not draw are left out, and a YAML error does not break the rest', () => {
    const g = graphOf([], {
      'x.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\nkind: [unclosed\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
    });
    assert.deepEqual(
      g.nodes.map((n) => n.id),
      ['ConfigMap/default/c'],
    );
  });
});
