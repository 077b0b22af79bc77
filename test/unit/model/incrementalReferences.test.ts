import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceIndex, type AnalysisResult } from '../../../src/core/index/workspaceIndex';
import { referencesOf } from '../../../src/core/model/references';
import { buildGraph } from '../../../src/core/graph/buildGraph';
import { referencesSnapshot, snapshot } from '../../support/referencesSnapshot';

/**
 * References, findings and the graph are cached per parsed object across keystrokes
 * (src/core/model/references.ts, src/core/graph/buildGraph.ts). After every edit of a sequence,
 * a long-lived index must give exactly what a fresh index over the same texts gives.
 */

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures');

const app = (name: string, ns: string, opts: { port?: number; label?: string; calls?: string; cm?: string } = {}) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: ${opts.label ?? name}
  template:
    metadata:
      labels:
        app: ${opts.label ?? name}
    spec:
      containers:
        - name: main
          image: example/${name}:1
          args: ["--upstream", "${opts.calls ?? 'none'}", "--db-host=db.data:5432"]
          env:
            - name: BACKEND_URL
              value: http://${opts.calls ?? 'none'}:80/
            - name: PLAIN
              value: ${opts.calls ?? 'none'}
            - name: SETTING
              valueFrom:
                configMapKeyRef:
                  name: ${opts.cm ?? `${name}-config`}
                  key: setting
          ports:
            - containerPort: ${opts.port ?? 8080}
              name: http
          resources:
            requests:
              cpu: 100m
      volumes:
        - name: cfg
          configMap:
            name: ${opts.cm ?? `${name}-config`}
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    app: ${name}
  ports:
    - port: 80
      targetPort: http
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
  namespace: ${ns}
data:
  setting: "on"
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: ${name}
  minReplicas: 1
  maxReplicas: 5
`;

const ingress = (ns: string, backends: [string, number | string][]) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: entry
  namespace: ${ns}
spec:
  rules:
    - host: example.test
      http:
        paths:
${backends
  .map(
    ([svc, port], i) => `          - path: /p${i}
            pathType: Prefix
            backend:
              service:
                name: ${svc}
                port:
                  ${typeof port === 'number' ? `number: ${port}` : `name: ${port}`}`,
  )
  .join('\n')}
`;

function assertSame(step: string, files: Map<string, string>, incremental: WorkspaceIndex): void {
  const fresh = new WorkspaceIndex();
  for (const [f, text] of files) fresh.setFile(f, text);
  const a: AnalysisResult = incremental.analyze();
  const b: AnalysisResult = fresh.analyze();
  assert.deepEqual([...a.byFile.keys()], [...b.byFile.keys()], `${step}: files`);
  for (const [f, list] of b.byFile) assert.equal(snapshot(a.byFile.get(f)), snapshot(list), `${step}: findings in ${f}`);
  assert.equal(referencesSnapshot(referencesOf(a.index)), referencesSnapshot(referencesOf(b.index)), `${step}: references`);
  assert.deepEqual(buildGraph({ index: a.index, byFile: a.byFile }), buildGraph({ index: b.index, byFile: b.byFile }), `${step}: graph`);
  assert.deepEqual(
    buildGraph({ index: a.index, byFile: a.byFile }, { include: (f) => f === 'shop.yaml' }),
    buildGraph({ index: b.index, byFile: b.byFile }, { include: (f) => f === 'shop.yaml' }),
    `${step}: one-file graph`,
  );
}

test('after renames, label, port, namespace and line-position edits and deletions, the incremental analysis equals a fresh one', () => {
  const files = new Map<string, string>();
  const index = new WorkspaceIndex();
  // The fresh index gets the files in the order the long-lived one holds them (a file refused as
  // not Kubernetes, like an empty one, is dropped and goes to the end when it comes back).
  const set = (f: string, text: string) => {
    if (index.setFile(f, text)) files.set(f, text);
    else files.delete(f);
  };
  const remove = (f: string) => {
    files.delete(f);
    index.removeFile(f);
  };
  const edits: [string, () => void][] = [
    [
      'initial',
      () => {
        set('shop.yaml', [app('gateway', 'shop', { calls: 'catalog' }), app('catalog', 'shop', { calls: 'db.data' })].join('---\n'));
        set('data.yaml', app('db', 'data', { port: 5432 }));
        set(
          'ingress.yaml',
          ingress('shop', [
            ['gateway', 80],
            ['catalog', 'http'],
          ]),
        );
      },
    ],
    ['the same texts again', () => set('shop.yaml', files.get('shop.yaml')!)],
    [
      'rename a Service (calls, routes, nearest names)',
      () => set('shop.yaml', files.get('shop.yaml')!.replace('kind: Service\nmetadata:\n  name: catalog', 'kind: Service\nmetadata:\n  name: catalogue')),
    ],
    [
      'change pod labels (selector no longer matches)',
      () => set('shop.yaml', files.get('shop.yaml')!.replace('      labels:\n        app: gateway', '      labels:\n        app: gatway')),
    ],
    [
      'change a Service port (ingress and DNS calls lose it)',
      () => set('shop.yaml', files.get('shop.yaml')!.replace('    - port: 80\n      targetPort: http', '    - port: 8081\n      targetPort: http')),
    ],
    ['change a container port', () => set('data.yaml', files.get('data.yaml')!.replace('containerPort: 5432', 'containerPort: 5433'))],
    ['rename a ConfigMap (uses break)', () => set('data.yaml', files.get('data.yaml')!.replace('name: db-config', 'name: db-settings'))],
    ['lines added above every document (places move, objects stay)', () => set('shop.yaml', `# header\n\n${files.get('shop.yaml')!}`)],
    ['a new namespace and Service that short addresses now name', () => set('extra.yaml', app('none', 'extra'))],
    ['a duplicate of an existing object', () => set('copy.yaml', app('db', 'data', { port: 5432 }))],
    ['move a workload to another namespace', () => set('data.yaml', files.get('data.yaml')!.replaceAll('namespace: data', 'namespace: storage'))],
    ['delete a file', () => remove('copy.yaml')],
    ['delete the namespace file', () => remove('extra.yaml')],
    ['empty a file', () => set('data.yaml', '')],
    [
      'fixtures join',
      () => {
        for (const dir of ['zoomcamp', 'cross']) {
          for (const name of readdirSync(join(FIXTURES, dir)).sort()) {
            if (/\.ya?ml$/.test(name)) set(`${dir}/${name}`, readFileSync(join(FIXTURES, dir, name), 'utf8'));
          }
        }
      },
    ],
    [
      'restore the first texts',
      () => {
        set('shop.yaml', [app('gateway', 'shop', { calls: 'catalog' }), app('catalog', 'shop', { calls: 'db.data' })].join('---\n'));
        set('data.yaml', app('db', 'data', { port: 5432 }));
      },
    ],
  ];
  for (const [step, edit] of edits) {
    edit();
    assertSame(step, files, index);
  }
});
