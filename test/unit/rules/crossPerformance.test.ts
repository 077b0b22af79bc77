import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { ResourceIndex } from '../../../src/core/index/resourceIndex';
import { CROSS_RESOURCE_CHECKS } from '../../../src/core/rules/cross/crossResourceRules';
import type { IndexCheckContext } from '../../../src/core/rules/types';
import { DEFAULT_OPTIONS } from '../../../src/core/rules/types';
import { rangeOf } from '../../../src/core/parse/locate';

/** n apps of four resources: Deployment (calling the next app), Service, HPA, ConfigMap; every 10th Service is broken. */
function workspace(n: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const next = (i + 1) % n;
    const ns = `team-${i % 20}`;
    const nextNs = `team-${next % 20}`;
    files[`apps/app-${i}.yaml`] = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: ${ns}
spec:
  selector:
    matchLabels: {app: app-${i}}
  template:
    metadata:
      labels: {app: app-${i}, tier: backend}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:${i}
          ports: [{name: http, containerPort: 8080}]
          resources: {requests: {cpu: 100m}}
          env:
            - {name: NEXT_URL, value: "http://app-${next}.${nextNs}.svc.cluster.local:80/work"}
            - {name: SETTINGS, valueFrom: {configMapKeyRef: {name: app-${i}, key: mode}}}
---
apiVersion: v1
kind: Service
metadata:
  name: app-${i}
  namespace: ${ns}
spec:
  selector: {app: app-${i}${i % 10 === 0 ? 'x' : ''}}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: app-${i}
  namespace: ${ns}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: app-${i}}
  maxReplicas: 5
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-${i}
  namespace: ${ns}
data: {mode: fast}
`;
  }
  return files;
}

function crossPass(index: ResourceIndex): number {
  let count = 0;
  const ctx: IndexCheckContext = {
    index,
    options: DEFAULT_OPTIONS,
    range: (r, path, part) => rangeOf(r, path, part),
    report: () => void count++,
  };
  for (const check of CROSS_RESOURCE_CHECKS) check(ctx);
  return count;
}

function time(fn: () => void, runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return best;
}

test('cross-resource checks over 2,000 resources: one linear pass (no quadratic term)', () => {
  const load = (apps: number) => {
    const ws = new WorkspaceIndex();
    for (const [f, t] of Object.entries(workspace(apps))) ws.setFile(f, t);
    return ws.resources();
  };
  const small = load(500);
  const big = load(2000);
  assert.equal(small.length, 2000);
  let findings = 0;
  // What analyze() redoes per keystroke: the lookup tables, the references, the checks.
  const msSmall = time(() => (findings = crossPass(new ResourceIndex(small))), 5);
  assert.equal(findings, 50, 'every 10th Service selects nothing');
  const msBig = time(() => crossPass(new ResourceIndex(big)), 5);
  // 4x the resources: linear work takes ~4x, quadratic ~16x. The bound leaves room for a busy machine.
  assert.ok(msBig < msSmall * 10, `8,000 resources took ${msBig.toFixed(1)} ms, 2,000 took ${msSmall.toFixed(1)} ms`);
  // A catastrophic regression guard only; on an idle laptop the 2,000-resource pass takes a few milliseconds.
  assert.ok(msSmall < 2000, `cross-resource pass over 2,000 resources took ${msSmall.toFixed(1)} ms`);
});
