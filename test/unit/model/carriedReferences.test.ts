/**
 * A keystroke's pass reuses the references of the pass before that read nothing that changed
 * (src/core/model/referenceCarry.ts). After every edit of long random sequences — values,
 * renames, labels, selectors, namespaces, ports, addresses, documents added and removed, broken
 * syntax, kustomizations that set a namespace or labels — the references of the scope and of
 * every unit, the findings and the graph must equal those of a fresh index over the same texts;
 * and the sequences must have taken the reuse path (else this proves nothing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { computeReferences, followReferences, referencesOf, type References } from '../../../src/core/model/references';
import { ResourceIndex } from '../../../src/core/index/resourceIndex';
import { DocumentCache, parseManifestFile } from '../../../src/core/parse/manifestParser';
import { buildGraph } from '../../../src/core/graph/buildGraph';
import { referencesSnapshot, snapshot } from '../../support/referencesSnapshot';

// Names of four characters or more get "did you mean" guesses (`gatway` → `gateway`); siblings differ in digits.
const NAMES = ['gateway', 'gatway', 'catalog', 'catalogue', 'model-1', 'model-2', 'db'];
const NAMESPACES = [undefined, 'shop', 'data'];
const KINDS = ['Deployment', 'StatefulSet', 'Service', 'HorizontalPodAutoscaler', 'Ingress', 'ConfigMap', 'Job'] as const;

interface Doc {
  kind: (typeof KINDS)[number];
  name: string;
  ns?: string;
  /** Pod label / selector value. */
  label: string;
  /** A second pod label; empty: none (a label removed). */
  tier: string;
  /** What it points at: a Service (calls, routes), a workload (HPA), a ConfigMap (uses). */
  target: string;
  targetNs?: string;
  port: number;
  replicas: number;
  broken: boolean;
}

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function render(d: Doc): string {
  const meta = `metadata:\n  name: ${d.name}\n${d.ns ? `  namespace: ${d.ns}\n` : ''}`;
  const address = d.targetNs ? `${d.target}.${d.targetNs}` : d.target;
  const pod = `  template:
    metadata:
      labels:
        app: ${d.label}
${d.tier ? `        tier: ${d.tier}\n` : ''}    spec:
      containers:
        - name: main
          image: example/${d.name}:1
          args: ["--upstream", "${address}:${d.port}"]
          env:
            - name: BACKEND_URL
              value: http://${address}:${d.port}/
            - name: SETTING
              valueFrom:
                configMapKeyRef:
                  name: ${d.target}-config
                  key: setting
          ports:
            - containerPort: ${d.port}
              name: http
`;
  let body: string;
  switch (d.kind) {
    case 'Deployment':
    case 'StatefulSet':
      body = `apiVersion: apps/v1\nkind: ${d.kind}\n${meta}spec:\n  replicas: ${d.replicas}\n  selector:\n    matchLabels:\n      app: ${d.label}\n${pod}`;
      break;
    case 'Job':
      body = `apiVersion: batch/v1\nkind: Job\n${meta}spec:\n${pod.replace('      containers:', '      restartPolicy: Never\n      containers:')}`;
      break;
    case 'Service':
      body = `apiVersion: v1\nkind: Service\n${meta}spec:\n  selector:\n    app: ${d.label}\n${d.replicas % 2 && d.tier ? `    tier: ${d.tier}\n` : ''}  ports:\n    - port: ${d.port}\n      targetPort: http\n`;
      break;
    case 'HorizontalPodAutoscaler':
      body = `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n${meta}spec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: ${d.replicas % 3 ? 'Deployment' : 'StatefulSet'}\n    name: ${d.target}\n  minReplicas: 1\n  maxReplicas: ${d.replicas + 1}\n`;
      break;
    case 'Ingress':
      body = `apiVersion: networking.k8s.io/v1\nkind: Ingress\n${meta}spec:\n  rules:\n    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: ${d.target}\n                port:\n                  ${d.replicas % 2 ? `number: ${d.port}` : 'name: http'}\n`;
      break;
    case 'ConfigMap':
      body = `apiVersion: v1\nkind: ConfigMap\n${meta.replace(`name: ${d.name}`, `name: ${d.name}-config`)}data:\n  ${d.replicas % 2 ? 'setting' : 'other'}: "on"\n`;
      break;
  }
  return d.broken ? `${body}  bad: [unclosed\n` : body;
}

/** Reference objects shared by two passes: taken over, not computed again. */
function sharedReferences(before: References | undefined, after: References): number {
  if (!before) return 0;
  const old = new Set<object>([...before.scales, ...before.routes, ...before.calls, ...before.uses]);
  let n = 0;
  for (const r of [...after.scales, ...after.routes, ...after.calls, ...after.uses]) if (old.has(r)) n++;
  return n;
}

/** A Deployment with one container, for the focused tests: its pods labelled `app` unless `labels` says otherwise. */
function deploymentYaml(o: {
  name?: string;
  namespace?: string;
  app?: string;
  labels?: Record<string, string>;
  image?: string;
  env?: Record<string, string>;
}): string {
  const app = o.app ?? 'web';
  const labels = Object.entries(o.labels ?? { app }).map(([k, v]) => `        ${k}: ${v}\n`);
  const env = Object.entries(o.env ?? {}).map(([k, v]) => `            - name: ${k}\n              value: ${v}\n`);
  return (
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${o.name ?? 'web'}\n${o.namespace ? `  namespace: ${o.namespace}\n` : ''}` +
    `spec:\n  selector:\n    matchLabels:\n      app: ${app}\n  template:\n    metadata:\n      labels:\n${labels.join('')}` +
    `    spec:\n      containers:\n        - name: main\n          image: ${o.image ?? `example/${app}:1`}\n${env.length ? `          env:\n${env.join('')}` : ''}`
  );
}

/** An autoscaler of Deployment web. */
const HPA_FOR_WEB =
  'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n  maxReplicas: 3\n';

for (const seed of [7, 18, 2026]) {
  test(`references carried over 300 random edits equal fresh ones (seed ${seed})`, () => {
    const next = random(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
    const newDoc = (): Doc => ({
      kind: pick(KINDS),
      name: pick(NAMES),
      ns: pick(NAMESPACES),
      label: pick(NAMES),
      tier: pick(['a', 'b', '']),
      target: pick(NAMES),
      targetNs: next() < 0.2 ? pick(['shop', 'data', 'elsewhere']) : undefined,
      port: pick([80, 8080]),
      replicas: 1 + Math.floor(next() * 4),
      broken: false,
    });
    const folders = ['apps', 'base', 'overlay'];
    const docs = new Map<string, Doc[]>();
    for (const folder of folders) for (let f = 0; f < 3; f++) docs.set(`/w/${folder}/f${f}.yaml`, Array.from({ length: 4 }, newDoc));
    const kustomization = (folder: string, ns: boolean, labels: boolean) =>
      `resources:\n${[0, 1, 2].map((f) => `  - f${f}.yaml\n`).join('')}${ns ? `namespace: ${folder}-ns\n` : ''}${labels ? 'commonLabels:\n  team: blue\n' : ''}`;
    const kustomizations = new Map([
      ['/w/base/kustomization.yaml', [false, false]],
      ['/w/overlay/kustomization.yaml', [true, false]],
    ]);

    const index = new WorkspaceIndex();
    const texts = new Map<string, string>();
    const setFile = (file: string, text: string) => {
      texts.set(file, text);
      index.setFile(file, text);
    };
    for (const [file, [ns, labels]] of kustomizations) setFile(file, kustomization(file.split('/')[2], ns, labels));
    for (const [file, list] of docs) setFile(file, list.map(render).join('---\n'));

    let previous = new Map<string, References>();
    let stepsReusing = 0;
    for (let step = 0; step < 300; step++) {
      const file = pick([...docs.keys()]);
      const list = docs.get(file)!;
      const at = Math.floor(next() * list.length);
      const d = list[at];
      const edit = next();
      if (edit < 0.45) d.replicas = 1 + Math.floor(next() * 4);
      else if (edit < 0.55) d.name = pick(NAMES);
      else if (edit < 0.62) d.label = pick(NAMES);
      else if (edit < 0.66) d.tier = pick(['a', 'b', '']);
      else if (edit < 0.72) d.target = pick(NAMES);
      else if (edit < 0.75) d.targetNs = next() < 0.5 ? undefined : pick(['shop', 'data', 'elsewhere']);
      else if (edit < 0.78) d.ns = pick(NAMESPACES);
      else if (edit < 0.82) d.port = pick([80, 8080]);
      else if (edit < 0.85) d.broken = !d.broken;
      else if (edit < 0.88) list.splice(at, 0, newDoc());
      else if (edit < 0.91 && list.length > 1) list.splice(at, 1);
      else if (edit < 0.93) d.kind = pick(KINDS);
      else if (edit < 0.95) {
        const k = pick([...kustomizations.keys()]);
        const [ns, labels] = kustomizations.get(k)!;
        const flip = next() < 0.5;
        kustomizations.set(k, [flip ? !ns : ns, flip ? labels : !labels]);
        setFile(k, kustomization(k.split('/')[2], ...(kustomizations.get(k)! as [boolean, boolean])));
      }
      setFile(file, list.map(render).join('---\n'));

      const result = index.analyze();
      const fresh = new WorkspaceIndex();
      for (const [f, text] of texts) fresh.setFile(f, text);
      const expected = fresh.analyze();
      const label = `seed ${seed}, step ${step}`;
      for (const [f, findings] of expected.byFile) assert.equal(snapshot(result.byFile.get(f)), snapshot(findings), `${label}: findings in ${f}`);
      const now = new Map<string, References>();
      let reused = 0;
      for (const unit of result.units) {
        const refs = referencesOf(unit.index);
        assert.equal(referencesSnapshot(refs), referencesSnapshot(computeReferences(unit.index)), `${label}: references of ${unit.unit.name}`);
        reused += sharedReferences(previous.get(unit.unit.name), refs);
        now.set(unit.unit.name, refs);
      }
      const scopeRefs = referencesOf(result.index);
      assert.equal(referencesSnapshot(scopeRefs), referencesSnapshot(referencesOf(expected.index)), `${label}: references of the scope`);
      if (step % 10 === 0) assert.deepEqual(buildGraph(result), buildGraph(expected), `${label}: graph`);
      previous = now;
      if (reused > 0) stepsReusing++;
    }
    assert.ok(stepsReusing > 100, `only ${stepsReusing} of 300 passes reused references`);
  });
}

test('a call into a namespace is judged again when the namespace gets its first object, though the workload did not change', () => {
  const caller = deploymentYaml({ name: 'gateway', namespace: 'apps', app: 'gateway', env: { MODEL_URL: 'http://model.default:8500/' } });
  const index = new WorkspaceIndex();
  index.setFile('/w/gateway.yaml', caller);
  const before = referencesOf(index.analyze().units[0].index);
  assert.equal(before.calls[0].problem?.reason, 'out-of-scope', 'nothing of the workspace is in namespace default');
  index.setFile('/w/settings.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n');
  const units = index.analyze().units;
  const after = referencesOf(units[0].index);
  assert.equal(after.calls[0].problem?.reason, 'not-found', 'namespace default now has objects, and no Service model');
  assert.equal(referencesSnapshot(after), referencesSnapshot(computeReferences(units[0].index)));
});

test('an object that leaves its unit and comes back is judged again, not from before it left', () => {
  const deployment = (name: string) => deploymentYaml({ name });
  const kustomization = (files: string[]) => `resources:\n${files.map((f) => `  - ${f}\n`).join('')}`;
  const index = new WorkspaceIndex();
  index.setFile('/w/kustomization.yaml', kustomization(['deployment.yaml', 'hpa.yaml']));
  index.setFile('/w/deployment.yaml', deployment('web'));
  index.setFile('/w/hpa.yaml', HPA_FOR_WEB);
  const scalesOf = () => {
    const unit = index.analyze().units.find((u) => u.unit.name === '/w')!;
    return { refs: referencesOf(unit.index), unit };
  };
  assert.equal(scalesOf().refs.scales[0].target?.name, 'web');
  index.setFile('/w/kustomization.yaml', kustomization(['deployment.yaml'])); // the HPA leaves the unit
  assert.equal(scalesOf().refs.scales.length, 0);
  index.setFile('/w/deployment.yaml', deployment('webapp')); // renamed while the HPA is out
  scalesOf();
  index.setFile('/w/kustomization.yaml', kustomization(['deployment.yaml', 'hpa.yaml'])); // the same HPA object is back
  const { refs, unit } = scalesOf();
  assert.equal(refs.scales[0].target, undefined, 'the Deployment it named was renamed while it was out');
  assert.equal(referencesSnapshot(refs), referencesSnapshot(computeReferences(unit.index)));
});

test('two passes that follow the same pass do not mix their references', () => {
  const cache = new DocumentCache();
  const deployment = (name: string) => deploymentYaml({ name });
  const hpa = parseManifestFile('/w/hpa.yaml', HPA_FOR_WEB, { cache }).resources;
  const index = (name: string) => new ResourceIndex([...parseManifestFile('/w/deployment.yaml', deployment(name), { cache }).resources, ...hpa]);
  const a = index('web');
  referencesOf(a);
  const b = index('webapp');
  const c = index('web');
  followReferences(b, a);
  followReferences(c, a);
  assert.equal(referencesOf(b).scales[0].target, undefined, 'renamed in b');
  assert.equal(referencesOf(c).scales[0].target?.name, 'web');
  // d goes on from b with the same objects: it must answer as b does, whatever c computed.
  const d = b.next(b.all, b.defaultNamespace);
  followReferences(d, b);
  assert.equal(referencesOf(d).scales[0].target, undefined);
  assert.equal(referencesSnapshot(referencesOf(d)), referencesSnapshot(computeReferences(d)));
});

test('the label index is carried with a workload swapped in place only when its pods keep every label', () => {
  const cache = new DocumentCache();
  const service = parseManifestFile(
    '/w/service.yaml',
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n    tier: front\n  ports:\n    - port: 80\n',
    { cache },
  ).resources;
  const index = (labels: Record<string, string>, image: string) =>
    new ResourceIndex([...parseManifestFile('/w/deployment.yaml', deploymentYaml({ labels, image }), { cache }).resources, ...service]);
  let previous = index({ app: 'web', tier: 'front' }, 'web:1');
  referencesOf(previous);
  for (const [labels, image, selected] of [
    [{ app: 'web', tier: 'front' }, 'web:2', true], // the image edited: swapped in place
    [{ app: 'web' }, 'web:2', false], // a label removed
    [{ app: 'web', tier: 'front' }, 'web:2', true], // and back
    [{ tier: 'front', app: 'web' }, 'web:3', true], // the same labels in another order
  ] as const) {
    const next = index(labels, image);
    followReferences(next, previous);
    const refs = referencesOf(next);
    assert.equal(refs.selections[0].targets.length, selected ? 1 : 0, JSON.stringify(labels));
    if (selected) assert.equal(refs.selections[0].targets[0], next.all[0], 'the current object, not the one it replaced');
    assert.equal(referencesSnapshot(refs), referencesSnapshot(computeReferences(next)), JSON.stringify(labels));
    previous = next;
  }
});
