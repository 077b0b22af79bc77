import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../src/core/index/workspaceIndex';
import { loadInParallel, workerCount, type LoadEntry } from '../../src/cli/parallelLoad';
import { blockRange } from '../../src/core/parse/blockYaml';

/** Apps with something wrong in most of them: schema, server-side and cross-resource findings (with fixes). */
function entries(apps: number): LoadEntry[] {
  const out: LoadEntry[] = [];
  for (let i = 0; i < apps; i++) {
    const label = i % 3 === 0 ? `app-${i}x` : `app-${i}`;
    out.push({
      file: `/ws/app-${String(i).padStart(3, '0')}.yaml`,
      explicit: false,
      text: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
spec:
  replicas: ${i % 4 === 0 ? 2 : 1}
  selector:
    matchLabels: {app: app-${i}}
  template:
    metadata:
      labels: {app: app-${i}}
    spec:
      containers:
        - name: app
          image: registry.local/app:${i % 5 === 0 ? 'latest' : '1.0'}
          ports: [{name: http, containerPort: ${i % 7 === 0 ? '"80a"' : 8080}}]
${i % 2 === 0 ? '          resources: {requests: {memory: 64Mi}}\n' : ''}---
apiVersion: v1
kind: Service
metadata:
  name: app-${i}
spec:
  selector: {app: ${label}}
  ports: [{port: 80, targetPort: ${i % 4 === 1 ? 'web' : 'http'}}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: app-${i}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: app-${i % 6 === 0 ? i + 1000 : i}}
  maxReplicas: 3
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]
`,
    });
  }
  out.push({ file: '/ws/notes.yaml', explicit: false, text: 'just: a config file\n' });
  return out;
}

function snapshot(index: WorkspaceIndex): string {
  const result = index.analyze();
  return JSON.stringify({ files: [...result.byFile.entries()], resources: result.resources.map((r) => r.id) });
}

test('a worker thread parses part of the files and the findings come out the same, in the same order', async () => {
  const input = entries(60);
  const single = new WorkspaceIndex();
  for (const e of input) single.setFile(e.file, e.text, { explicit: e.explicit });
  const expected = snapshot(single);
  const findings = [...single.analyze().byFile.values()].flat();
  assert.ok(
    findings.some((f) => f.code === 'service-selector-no-match' && f.fixes?.length),
    'cross-resource findings with fixes are part of the comparison',
  );
  assert.ok(
    findings.some((f) => f.code === 'schema-type'),
    'schema findings are part of the comparison',
  );

  const parallel = new WorkspaceIndex();
  await loadInParallel(parallel, input, 1);
  assert.equal(parallel.fileNames().length, 60, 'the non-Kubernetes file is skipped in the worker too');
  assert.deepEqual(parallel.fileNames(), single.fileNames());
  assert.equal(snapshot(parallel), expected);
});

test('small inputs are parsed in this thread', () => {
  assert.equal(workerCount(entries(3)), 0);
});

test('documents a worker read as plain block YAML come back with their spans: ranges need no YAML tree', async () => {
  const input: LoadEntry[] = [];
  for (let i = 0; i < 40; i++) {
    const text = `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\nspec:\n  selector:\n    app: a-${i}\n  ports:\n    - port: 80\n`;
    input.push({ file: `/ws/svc-${String(i).padStart(2, '0')}.yaml`, explicit: false, text });
  }
  const parallel = new WorkspaceIndex();
  await loadInParallel(parallel, input, 1);
  const resources = parallel.resources();
  assert.equal(resources.length, 40);
  for (const r of resources) {
    const at = blockRange(r.object, ['metadata', 'name'], 'value');
    assert.ok(at, `${r.id}: spans`);
    assert.equal(r.doc.parsed.text.slice(at[0], at[1]), r.name);
  }
});
