import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planUnits } from '../../src/core/index/applyUnits';
import { parseKustomization } from '../../src/core/index/kustomization';
import { parseProjectConfig, resolveDeclarations } from '../../src/core/index/projectConfig';
import { dirKey, joinKey, pathKey, relativeKey } from '../../src/core/index/unitPaths';
import { WorkspaceIndex } from '../../src/core/index/workspaceIndex';
import { buildGraph } from '../../src/core/graph/buildGraph';
import { DEFAULT_FILTER, filterGraph, unitsOf } from '../../src/core/graph/filter';

const CM = (name: string, ns?: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}data: {k: v}\n`;

function summary(plan: ReturnType<typeof planUnits>) {
  return plan.units.map((u) => ({ id: u.id, how: u.how, files: u.files, context: u.contextFiles, patches: u.patches }));
}

test('paths: plain, Windows and URI names resolve like kustomize joins them', () => {
  assert.equal(pathKey('C:\\repo\\k8s\\a.yaml'), 'C:/repo/k8s/a.yaml');
  assert.equal(dirKey('file:///repo/k8s/a.yaml'), 'file:///repo/k8s');
  assert.equal(dirKey('/a.yaml'), '/');
  assert.equal(joinKey('file:///repo/overlays/dev', '../../base'), 'file:///repo/base');
  assert.equal(joinKey('/repo/app', './my file.yaml'), '/repo/app/my file.yaml');
  assert.equal(pathKey('file:///repo/my%20file.yaml'), 'file:///repo/my file.yaml');
  assert.equal(relativeKey('/repo/k8s/a.yaml', '/repo'), 'k8s/a.yaml');
});

test('one unit per folder, as kubectl apply -f DIR (not recursive)', () => {
  const plan = planUnits({ files: ['/r/k8s/a.yaml', '/r/k8s/b.yaml', '/r/k8s/sub/c.yaml', '/r/other/d.yaml'], root: '/r' });
  assert.deepEqual(summary(plan), [
    { id: 'folder:/r/k8s', how: 'kubectl apply -f k8s', files: ['/r/k8s/a.yaml', '/r/k8s/b.yaml'], context: [], patches: [] },
    { id: 'folder:/r/k8s/sub', how: 'kubectl apply -f k8s/sub', files: ['/r/k8s/sub/c.yaml'], context: [], patches: [] },
    { id: 'folder:/r/other', how: 'kubectl apply -f other', files: ['/r/other/d.yaml'], context: [], patches: [] },
  ]);
});

test('kustomize: a base and its overlays; patches, configuration files and unused files are not objects of the unit', () => {
  const files = [
    '/r/base/kustomization.yaml',
    '/r/base/deploy.yaml',
    '/r/base/svc.yaml',
    '/r/base/unused-patch.yaml',
    '/r/overlays/dev/kustomization.yaml',
    '/r/overlays/dev/replicas.yaml',
    '/r/overlays/dev/extra.yaml',
    '/r/overlays/dev/labels.yaml',
  ];
  const kustomizations = new Map([
    ['/r/base/kustomization.yaml', 'resources: [deploy.yaml, svc.yaml]\ncommonLabels: {app: web}\nimages: [{name: web, newTag: "1.2"}]\n'],
    [
      '/r/overlays/dev/kustomization.yaml',
      'namespace: dev\nresources: [../../base, extra.yaml]\npatches: [{path: replicas.yaml}]\ntransformers: [labels.yaml]\n',
    ],
  ]);
  const plan = planUnits({ files, kustomizations, root: '/r' });
  assert.deepEqual(summary(plan), [
    {
      id: 'kustomize:/r/overlays/dev',
      how: 'kubectl apply -k overlays/dev',
      files: ['/r/overlays/dev/extra.yaml'],
      context: ['/r/base/deploy.yaml', '/r/base/svc.yaml'],
      patches: ['/r/overlays/dev/replicas.yaml'],
    },
    { id: 'kustomize:/r/base', how: 'kubectl apply -k base', files: ['/r/base/deploy.yaml', '/r/base/svc.yaml'], context: [], patches: [] },
  ]);
  assert.equal(plan.roleOf('/r/overlays/dev/labels.yaml'), 'kustomize-config');
  assert.equal(plan.roleOf('/r/base/unused-patch.yaml'), 'unreferenced');
  assert.equal(plan.roleOf('/r/base/kustomization.yaml'), 'kustomization');
  // The overlay's namespace applies to its base's objects in the overlay's unit.
  assert.equal(plan.units[0].namespaceOf.get('/r/base/deploy.yaml'), 'dev');
  assert.equal(plan.units[1].namespaceOf.get('/r/base/deploy.yaml'), undefined);
  assert.deepEqual(plan.contextOf('/r/base/deploy.yaml'), {
    role: 'resource',
    selectorLabelsAdded: true,
    namespaceAdded: true,
    images: [{ name: 'web', newTag: '1.2' }],
  });
  assert.deepEqual(plan.contextOf('/r/overlays/dev/replicas.yaml').role, 'patch');
});

test('kustomize: remote bases, a chart kustomize inflates and missing files make a unit incomplete', () => {
  const spec = parseKustomization(
    '/r/app/kustomization.yaml',
    'resources:\n  - github.com/org/repo//deploy?ref=v1\n  - missing.yaml\nhelmCharts: [{name: x}]\n',
  );
  assert.deepEqual(spec.resources, ['github.com/org/repo//deploy?ref=v1', 'missing.yaml']);
  const plan = planUnits({
    files: ['/r/app/kustomization.yaml', '/r/app/x.yaml'],
    kustomizations: new Map([
      ['/r/app/kustomization.yaml', 'resources:\n  - github.com/org/repo//deploy?ref=v1\n  - missing.yaml\n  - x.yaml\nhelmCharts: [{name: x}]\n'],
    ]),
  });
  assert.deepEqual(plan.units[0].incomplete, [
    'a Helm chart it inflates (helmCharts)',
    'a remote resource (github.com/org/repo//deploy?ref=v1)',
    'a file that is not here (missing.yaml)',
  ]);
});

test('Helm charts: templates and chart files are not manifests; crds/ is applied', () => {
  const plan = planUnits({ files: ['/r/chart/Chart.yaml', '/r/chart/values.yaml', '/r/chart/templates/deploy.yaml', '/r/chart/crds/crd.yaml'] });
  assert.equal(plan.roleOf('/r/chart/templates/deploy.yaml'), 'helm-template');
  assert.equal(plan.roleOf('/r/chart/values.yaml'), 'helm-chart');
  assert.equal(plan.roleOf('/r/chart/Chart.yaml'), 'helm-chart');
  assert.deepEqual(summary(plan), [{ id: 'helm:/r/chart', how: 'helm install … /r/chart', files: ['/r/chart/crds/crd.yaml'], context: [], patches: [] }]);
});

test('declared units (.kube-topology.yaml) and the files named on the command line claim their files first', () => {
  const config = parseProjectConfig('units:\n  - name: shop\n    paths: [k8s]\n    recursive: true\n  - paths: [extra/one.yaml]\n    color: red\n');
  assert.deepEqual(config.problems, ['units[1]: unknown field color (known: name, paths, recursive)']);
  const declared = resolveDeclarations(config.units, '/r');
  const plan = planUnits({
    files: ['/r/k8s/a.yaml', '/r/k8s/sub/b.yaml', '/r/extra/one.yaml', '/r/extra/two.yaml', '/r/c.yaml'],
    declared,
    root: '/r',
    explicit: new Set(['/r/c.yaml']),
  });
  assert.deepEqual(
    plan.units.map((u) => [u.id, u.how, u.files]),
    [
      ['declared:shop', 'kubectl apply -R -f k8s', ['/r/k8s/a.yaml', '/r/k8s/sub/b.yaml']],
      ['declared:extra/one.yaml', 'kubectl apply -f extra/one.yaml', ['/r/extra/one.yaml']],
      ['files:', 'kubectl apply -f c.yaml', ['/r/c.yaml']],
      ['folder:/r/extra', 'kubectl apply -f extra', ['/r/extra/two.yaml']],
    ],
  );
  assert.deepEqual(parseProjectConfig('units: 3\n').problems, ['units must be a list']);
});

test('a reference into another unit resolves there and is not judged here; one that resolves nowhere is', () => {
  const index = new WorkspaceIndex();
  const deploy = (name: string, env: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec:\n      containers:\n        - name: c\n          image: x:1\n          resources: {requests: {cpu: 10m, memory: 16Mi}}\n          env: [{name: MODEL_HOST, value: "${env}"}]\n`;
  const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: model\nspec:\n  selector: {app: model}\n  ports: [{port: 8500}]\n';
  index.setFile('/r/gateway/deploy.yaml', deploy('gateway', 'model:9000'));
  index.setFile('/r/model/deploy.yaml', deploy('model', ''));
  index.setFile('/r/model/svc.yaml', svc);
  const result = index.analyze();
  assert.deepEqual(
    result.units.map((u) => u.unit.id),
    ['folder:/r/gateway', 'folder:/r/model'],
  );
  const codes = [...result.byFile.values()].flat().map((f) => f.code);
  assert.ok(!codes.includes('service-address-port-missing'), 'the model unit is applied separately; its ports are judged with it');
  assert.ok(!codes.includes('service-address-unresolved'));
  index.setFile('/r/gateway/deploy.yaml', deploy('gateway', 'modle-server:9000'));
  const again = index.analyze().byFile.get('/r/gateway/deploy.yaml')!;
  assert.deepEqual(
    again.filter((f) => f.code === 'service-address-unresolved').map((f) => [f.severity, f.unit]),
    [['warning', '/r/gateway']],
  );
});

test('custom resources in a unit make an unresolved Service or selector a note: their controllers may make them', () => {
  const index = new WorkspaceIndex();
  const es = 'apiVersion: elasticsearch.k8s.elastic.co/v1\nkind: Elasticsearch\nmetadata:\n  name: quickstart\nspec:\n  version: 8.15.0\n';
  const ing =
    'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: search\nspec:\n  rules:\n    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend: {service: {name: quickstart-es-http, port: {number: 9200}}}\n';
  index.setFile('/r/es/es.yaml', es);
  index.setFile('/r/es/ingress.yaml', ing);
  const [f] = index
    .analyze()
    .byFile.get('/r/es/ingress.yaml')!
    .filter((x) => x.code === 'ingress-backend-service-missing');
  assert.equal(f.severity, 'info');
  assert.match(
    f.message,
    /not defined in this apply unit, which has its custom resources \(Elasticsearch quickstart\) that may create it; not checked further\.$/,
  );
});

test("kustomize labels with includeSelectors (and commonLabels) go into the Service selector and the pods: kwok's shape has endpoints", () => {
  // kwok's kustomize/kwok: the Service selects app: kwok-controller, which only kustomize writes into the pod template.
  const deploy =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: kwok-controller\nspec:\n  template:\n    metadata:\n      labels: {}\n    spec:\n      containers:\n        - name: kwok\n          image: registry.k8s.io/kwok/kwok:v0.7.0\n          ports: [{containerPort: 10247}]\n';
  const svc =
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: kwok-controller\nspec:\n  selector: {app: kwok-controller}\n  ports: [{port: 10247, targetPort: 10247}]\n';
  const codesWith = (kustomization: string, folder = '/k') => {
    const index = new WorkspaceIndex();
    index.setFile(`${folder}/kustomization.yaml`, kustomization);
    index.setFile(`${folder}/deployment.yaml`, deploy);
    index.setFile(`${folder}/service.yaml`, svc);
    const result = index.analyze();
    return [...result.byFile.values()].flat().map((f) => `${f.code}/${f.severity}`);
  };
  const resources = 'resources:\n- service.yaml\n- deployment.yaml\n';
  const includeSelectors = `${resources}labels:\n- includeSelectors: true\n  pairs:\n    app: kwok-controller\n`;
  assert.ok(!codesWith(includeSelectors).some((c) => c.startsWith('service-selector-no-match')), codesWith(includeSelectors).join(', '));
  const common = `${resources}commonLabels:\n  app: kwok-controller\n`;
  assert.ok(!codesWith(common).some((c) => c.startsWith('service-selector-no-match')), codesWith(common).join(', '));
  // Labels on metadata only (no includeSelectors, no includeTemplates) reach no pod: no endpoints.
  const metadataOnly = `${resources}labels:\n- pairs:\n    app: kwok-controller\n`;
  assert.ok(codesWith(metadataOnly).includes('service-selector-no-match/warning'), codesWith(metadataOnly).join(', '));
  // includeTemplates: the pods get the label (the selector does not need it).
  const templates = `${resources}labels:\n- includeTemplates: true\n  pairs:\n    app: kwok-controller\n`;
  assert.ok(!codesWith(templates).some((c) => c.startsWith('service-selector-no-match')), codesWith(templates).join(', '));
  // A selector label kustomize writes that the Service's other entries contradict on the pods stays a warning.
  const other = `${resources}labels:\n- includeSelectors: true\n  pairs:\n    tier: sim\n`;
  assert.ok(codesWith(other).includes('service-selector-no-match/warning'), codesWith(other).join(', '));
});

test("an overlay's labels are written over its base's: the overlay's unit sees both, the overlay's value winning", () => {
  const index = new WorkspaceIndex();
  index.setFile('/o/base/kustomization.yaml', 'resources:\n- svc.yaml\nlabels:\n- includeSelectors: true\n  pairs: {app: web, tier: base}\n');
  index.setFile('/o/base/svc.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n');
  index.setFile(
    '/o/prod/kustomization.yaml',
    'resources:\n- ../base\n- cm.yaml\ncommonLabels:\n  tier: prod\nlabels:\n- includeTemplates: true\n  pairs: {track: stable}\n',
  );
  index.setFile('/o/prod/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata: {a: b}\n');
  const added = (dir: string) =>
    index
      .plan()
      .units.find((u) => u.id === `kustomize:${dir}`)!
      .labelsOf.get('/o/base/svc.yaml');
  assert.deepEqual(added('/o/base'), { selector: { app: 'web', tier: 'base' }, template: { app: 'web', tier: 'base' } });
  assert.deepEqual(added('/o/prod'), { selector: { app: 'web', tier: 'prod' }, template: { app: 'web', tier: 'prod', track: 'stable' } });
  // The base's own unit judges its Service with the base's labels.
  const [base] = index.analyze().units;
  assert.deepEqual(base.index.labelsAddedTo(base.index.all[0])?.selector, { app: 'web', tier: 'base' });
});

test('the Job controller labels its pods with job-name; a Service selecting them has endpoints', () => {
  const index = new WorkspaceIndex();
  const job =
    'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: train\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: c\n          image: x:1\n          ports: [{containerPort: 6006}]\n';
  const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: tensorboard\nspec:\n  selector: {job-name: train}\n  ports: [{port: 80, targetPort: 6006}]\n';
  index.setFile('/r/job.yaml', `${job}---\n${svc}`);
  const codes = index
    .analyze()
    .byFile.get('/r/job.yaml')!
    .map((f) => f.code);
  assert.ok(!codes.includes('service-selector-no-match'), codes.join(', '));
});

test("a file with a kind: key but neither apiVersion nor metadata is another tool's data, not a manifest missing its apiVersion", () => {
  const index = new WorkspaceIndex();
  // kwok's stage test data: `kind: Node` beside keys no Kubernetes object has.
  index.setFile('/r/testdata/node.output.yaml', 'apiGroup: v1\nkind: Node\nname: node-not-ready\nstages:\n  - delay: [1000000000]\n');
  index.setFile('/r/k8s/web.yaml', 'kind: ConfigMap\nmetadata:\n  name: web\ndata: {k: v}\n');
  const result = index.analyze();
  assert.deepEqual(result.skipped, [{ file: '/r/testdata/node.output.yaml', reason: 'not-kubernetes' }]);
  assert.equal(result.byFile.get('/r/testdata/node.output.yaml'), undefined);
  // An object with metadata is a manifest, and its missing apiVersion is reported.
  assert.deepEqual(
    (result.byFile.get('/r/k8s/web.yaml') ?? []).map((f) => f.code),
    ['missing-api-version'],
  );
});

test('the scope of kustomize: duplicates inside a unit are errors, across overlays nothing', () => {
  const index = new WorkspaceIndex();
  index.setFile('/r/base/kustomization.yaml', 'resources: [cm.yaml]\n');
  index.setFile('/r/base/cm.yaml', CM('settings'));
  index.setFile('/r/a/kustomization.yaml', 'resources: [../base]\npatches: [{path: cm.yaml}]\n');
  index.setFile('/r/a/cm.yaml', CM('settings'));
  index.setFile('/r/b/kustomization.yaml', 'resources: [../base, cm.yaml]\n');
  index.setFile('/r/b/cm.yaml', CM('settings'));
  const result = index.analyze();
  const dups = [...result.byFile.values()].flat().filter((f) => f.code === 'duplicate-resource');
  assert.deepEqual(
    dups.map((f) => [f.file, f.severity]),
    [['/r/b/cm.yaml', 'error']],
  );
  assert.ok(result.plan.roleOf('/r/a/cm.yaml') === 'patch');
});

test('a kustomize patch is checked against its target: a patch of an object the unit does not build fails kustomize build', () => {
  const index = new WorkspaceIndex();
  const deploy =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers: [{name: web, image: web:1}]\n';
  index.setFile('/r/base/kustomization.yaml', 'resources: [deploy.yaml]\ncommonLabels: {app: web}\n');
  index.setFile('/r/base/deploy.yaml', deploy);
  index.setFile(
    '/r/dev/kustomization.yaml',
    'resources: [../base]\npatches:\n  - path: replicas.yaml\n  - path: by-label.yaml\n    target: {kind: Deployment, labelSelector: "app=web"}\n',
  );
  // A patch is a partial object: no selector, no containers, and that is fine.
  index.setFile('/r/dev/replicas.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: wbe\nspec:\n  replicas: 3\n');
  index.setFile('/r/dev/by-label.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: any\nspec:\n  replicas: 2\n');
  const result = index.analyze();
  const patchFindings = result.byFile.get('/r/dev/replicas.yaml')!;
  assert.deepEqual(
    patchFindings.map((f) => [f.code, f.severity, f.range.start.line]),
    [['kustomize-patch-target-missing', 'error', 3]],
  );
  assert.match(patchFindings[0].message, /This patch changes Deployment wbe, but kustomization \/r\/dev builds no such object \(its Deployment objects: web\)/);
  assert.deepEqual(result.byFile.get('/r/dev/by-label.yaml'), [], 'a target chosen by labels is not looked up');
  assert.deepEqual(
    result.byFile.get('/r/base/deploy.yaml')!.filter((f) => f.severity === 'error'),
    [],
    'kustomize writes the selector from commonLabels',
  );
  index.setFile('/r/dev/replicas.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n');
  assert.deepEqual(index.analyze().byFile.get('/r/dev/replicas.yaml'), []);
});

test("the graph names each resource's unit and can show one unit or all", () => {
  const index = new WorkspaceIndex();
  const deploy = (name: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec:\n      containers: [{name: c, image: "x:1", ports: [{containerPort: 80}]}]\n`;
  const svc = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector: {app: ${name}}\n  ports: [{port: 80}]\n`;
  index.setUnitSettings({ root: '/r' });
  index.setFile('/r/shop/app.yaml', `${deploy('shop')}---\n${svc('shop')}`);
  index.setFile('/r/blog/app.yaml', `${deploy('blog')}---\n${svc('blog')}`);
  const graph = buildGraph(index.analyze());
  assert.deepEqual(
    graph.nodes.map((n) => [n.id, n.unit]),
    [
      ['Deployment/default/blog', 'blog'],
      ['Deployment/default/shop', 'shop'],
      ['Service/default/blog', 'blog'],
      ['Service/default/shop', 'shop'],
    ],
  );
  assert.deepEqual(unitsOf(graph), ['blog', 'shop']);
  const shop = filterGraph(graph, { ...DEFAULT_FILTER, unit: 'shop' });
  assert.deepEqual(
    shop.graph.nodes.map((n) => n.id),
    ['Deployment/default/shop', 'Service/default/shop'],
  );
  assert.deepEqual(
    shop.graph.edges.map((e) => e.id),
    ['selects:Service/default/shop->Deployment/default/shop'],
  );
  assert.equal(filterGraph(graph, DEFAULT_FILTER).graph.nodes.length, 4);
});

test('naming a file that is already indexed, or no longer naming it, plans the units again', () => {
  const index = new WorkspaceIndex();
  const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
  index.setFile('/r/a.yaml', cm('a'));
  index.setFile('/r/b.yaml', cm('b'));
  const unitsOf = () => index.analyze().units.map((u) => `${u.unit.id} ${u.unit.files.join(' ')}`);
  assert.deepEqual(unitsOf(), ['folder:/r /r/a.yaml /r/b.yaml']);
  index.setFile('/r/a.yaml', cm('a'), { explicit: true });
  assert.deepEqual(unitsOf(), ['files: /r/a.yaml', 'folder:/r /r/b.yaml']);
  index.setFile('/r/a.yaml', cm('a'));
  assert.deepEqual(unitsOf(), ['folder:/r /r/a.yaml /r/b.yaml']);
});
