import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifestFile } from '../../../src/core/parse/manifestParser';
import { release } from '../../../src/core/schema/store';
import { releaseValidators } from '../../../src/core/schema/validator';
import { DEPLOYMENT } from './helpers';

/**
 * The fast check decides alone whenever it says "valid", so it must never accept what ajv
 * rejects (that would hide an error), and should not reject what ajv accepts (wasted work).
 * Compare both on valid objects and on thousands of seeded random mutations of them.
 */

const SAMPLES = `${DEPLOYMENT}---
apiVersion: v1
kind: Service
metadata: {name: s, labels: {a: b}}
spec:
  type: NodePort
  selector: {app: x}
  ports: [{name: http, port: 80, targetPort: http, nodePort: 30080, protocol: TCP}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: h}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: d}
  minReplicas: 1
  maxReplicas: 4
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i, annotations: {a: b}}
spec:
  ingressClassName: nginx
  rules: [{host: a.b, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}]}}]
---
apiVersion: v1
kind: Secret
metadata: {name: s}
data: {a: aGVsbG8=}
stringData: {b: c}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: c, creationTimestamp: "2024-01-02T03:04:05Z"}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          volumes: [{name: v, emptyDir: {sizeLimit: 1Gi}}]
          containers: [{name: c, image: i, volumeMounts: [{name: v, mountPath: /v}], resources: {limits: {cpu: 0.5}}}]
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ws.example.com}
spec:
  group: example.com
  names: {kind: W, plural: ws}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true, default: {a: 1}}}}]
`;

const VALUES: unknown[] = [null, 'text', '', 'Always', '1GB', '500m', 42, -1, 1.5, 3000000000, true, false, {}, [], { zzz: 1 }, ['a'], [null], [{}]];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function containers(value: unknown, out: (string | number)[][] = [], path: (string | number)[] = []): (string | number)[][] {
  if (value && typeof value === 'object') {
    out.push(path);
    if (Array.isArray(value)) value.forEach((v, i) => containers(v, out, [...path, i]));
    else for (const [k, v] of Object.entries(value)) containers(v, out, [...path, k]);
  }
  return out;
}

function at(root: unknown, path: (string | number)[]): Record<string | number, unknown> {
  let cur = root as Record<string | number, unknown>;
  for (const seg of path) cur = cur[seg] as Record<string | number, unknown>;
  return cur;
}

test('the fast check agrees with ajv on valid objects and on random mutations', () => {
  const rel = release('1.36');
  const validators = releaseValidators('1.36');
  const resources = parseManifestFile('samples.yaml', SAMPLES).resources;
  assert.equal(resources.length, 7);
  const random = rng(20240531);
  let rejected = 0;
  let total = 0;
  for (const r of resources) {
    const root = rel.rootOf(r.apiVersion!, r.kind!)!;
    const ajv = validators.definition(root);
    assert.equal(validators.fast.check(root, r.object), true, `${r.kind} sample should be valid`);
    assert.equal(ajv(r.object), true, `${r.kind}: ${JSON.stringify(ajv.errors)}`);
    for (let i = 0; i < 400; i++) {
      const copy = structuredClone(r.object);
      for (let m = 1 + Math.floor(random() * 2); m > 0; m--) {
        const targets = containers(copy);
        const parent = at(copy, targets[Math.floor(random() * targets.length)]);
        const keys = Object.keys(parent);
        const value = structuredClone(VALUES[Math.floor(random() * VALUES.length)]);
        const choice = random();
        if (Array.isArray(parent)) {
          if (parent.length) parent[Math.floor(random() * parent.length)] = value;
          else parent.push(value);
        } else if (choice < 0.15 || !keys.length) {
          parent[`zz${Math.floor(random() * 3)}`] = value;
        } else if (choice < 0.3) {
          delete parent[keys[Math.floor(random() * keys.length)]];
        } else {
          parent[keys[Math.floor(random() * keys.length)]] = value;
        }
      }
      const fast = validators.fast.check(root, copy);
      const slow = ajv(copy);
      total++;
      if (!slow) rejected++;
      assert.equal(fast, slow, `${r.kind} mutation ${i}: fast=${fast} ajv=${slow}\n${JSON.stringify(copy)}\n${JSON.stringify(ajv.errors)}`);
    }
  }
  // The mutations must exercise both outcomes.
  assert.ok(rejected > total / 4 && rejected < total, `${rejected} of ${total} rejected`);
});
