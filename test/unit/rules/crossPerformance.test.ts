import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { ResourceIndex } from '../../../src/core/index/resourceIndex';
import { CROSS_RULES } from '../../../src/core/rules/cross/crossResourceRules';
import { runIndexCheck } from '../../../src/core/index/workspaceIndex';
import type { IndexCheckContext } from '../../../src/core/rules/types';
import { DEFAULT_OPTIONS } from '../../../src/core/rules/types';
import { rangeOf } from '../../../src/core/parse/locate';
import type { Resource } from '../../../src/core/parse/manifestParser';

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

/**
 * The lookup tables, counting what the cross-resource pass asks of them: calls, candidates read
 * from the lists they return, and reads of the full resource list. A linear pass
 * does a constant amount of this per resource; a rule that scans every Service per Deployment,
 * or walks `all` once per resource, does not.
 */
class CountingIndex extends ResourceIndex {
  calls = 0;
  candidates = 0;
  fullScans = 0;

  constructor(resources: Resource[]) {
    super(resources);
    const all = this.all;
    Object.defineProperty(this, 'all', {
      get: () => {
        this.fullScans++;
        return all;
      },
    });
  }

  /** The list as returned, counting each element a caller actually reads (`.length` is free). */
  private tally<T>(list: T[]): T[] {
    this.calls++;
    return new Proxy(list, {
      get: (target, key, receiver) => {
        if (typeof key === 'string' && key.length > 0 && key.charCodeAt(0) >= 48 && key.charCodeAt(0) <= 57) this.candidates++;
        return Reflect.get(target, key, receiver);
      },
    });
  }

  override find(kind: string, namespace: string | undefined, name: string): Resource[] {
    return this.tally(super.find(kind, namespace, name));
  }

  override first(kind: string, namespace: string | undefined, name: string): Resource | undefined {
    this.calls++;
    return super.first(kind, namespace, name);
  }

  override ofKind(kind: string, namespace?: string): Resource[] {
    return this.tally(super.ofKind(kind, namespace));
  }

  override workloads(namespace: string): Resource[] {
    return this.tally(super.workloads(namespace));
  }

  override namespaceOf(r: Resource): string | undefined {
    this.calls++;
    return super.namespaceOf(r);
  }

  override namespaces(): string[] {
    return this.tally(super.namespaces());
  }
}

function crossPass(index: ResourceIndex): number {
  let count = 0;
  const ctx: IndexCheckContext = {
    index,
    options: DEFAULT_OPTIONS,
    range: (r, path, part) => rangeOf(r, path, part),
    report: () => void count++,
  };
  for (const rule of CROSS_RULES) if (rule.scope === 'index') runIndexCheck(rule.check, rule.meta[0].code, ctx);
  return count;
}

function load(apps: number): Resource[] {
  const ws = new WorkspaceIndex();
  for (const [f, t] of Object.entries(workspace(apps))) ws.setFile(f, t);
  return ws.resources();
}

test('cross-resource checks do a constant amount of lookup work per resource (2,000 vs 8,000 resources)', () => {
  const small = load(500);
  const big = load(2000);
  assert.equal(small.length, 2000);
  assert.equal(big.length, 8000);
  const a = new CountingIndex(small);
  const b = new CountingIndex(big);
  assert.equal(crossPass(a), 50, 'every 10th Service selects nothing');
  assert.equal(crossPass(b), 200, 'four times the broken Services, four times the findings');
  // The pass really goes through the tables (a check that looked nothing up would pass trivially).
  assert.ok(a.calls >= small.length, `only ${a.calls} lookups for ${small.length} resources`);
  assert.ok(a.candidates > 0, 'no candidate lists were read');
  // Linear: 4x the resources cost 4x the lookups and candidates (a little slack for per-namespace
  // constants); a quadratic term would make it about 16x.
  assert.ok(b.calls <= a.calls * 4.4, `lookups grew from ${a.calls} to ${b.calls}`);
  assert.ok(b.candidates <= a.candidates * 4.4, `candidates grew from ${a.candidates} to ${b.candidates}`);
  // Reading the whole list is fine once per rule, never once per resource.
  assert.equal(b.fullScans, a.fullScans, `full scans grew from ${a.fullScans} to ${b.fullScans}`);
  assert.ok(a.fullScans < 50, `${a.fullScans} full scans of the resource list`);
});
