/**
 * Inputs that were quadratic or worse once (issue 18), generated at any size: many Services over
 * the same pods (the fan-out of a shared selector), one mapping with very many keys, and a large
 * one-line JSON manifest. Used by test/stress/quadraticShapes.test.ts (results asserted) and by
 * bench/shapesBench.ts (time and memory at 1×, 2× and 4×).
 */

export interface Shape {
  name: string;
  /** What `size` counts. */
  unit: string;
  /** File name and text for `size`. */
  file(size: number): { name: string; text: string };
}

/**
 * `n` Deployments and `n` Services, all with the pod label / selector `app: shared`. Every Service
 * port names a container port (`http`) the pods declare, except that `brokenEvery`-th Services
 * name one they do not (`grpc`): each of those selects all `n` broken workloads.
 */
export function sharedSelectorText(n: number, brokenEvery = 0): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
spec:
  selector:
    matchLabels:
      app: shared
  template:
    metadata:
      labels:
        app: shared
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.0.${i}
          ports:
            - name: http
              containerPort: 8080
          resources:
            requests:
              cpu: 100m
              memory: 64Mi
`);
    const broken = brokenEvery > 0 && i % brokenEvery === 0;
    out.push(`apiVersion: v1
kind: Service
metadata:
  name: svc-${i}
spec:
  selector:
    app: shared
  ports:
    - port: 80
      targetPort: ${broken ? 'grpc' : 'http'}
`);
  }
  return out.join('---\n');
}

/** A ConfigMap whose `data` mapping has `n` keys; with `duplicateAt`, key k0 is written again on that key's line. */
export function manyKeysText(n: number, duplicateAt?: number): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: many-keys', 'data:'];
  for (let i = 0; i < n; i++) lines.push(i === duplicateAt ? `  k0: again` : `  k${i}: value-${i}`);
  return lines.join('\n') + '\n';
}

/** A ConfigMap as one line of JSON with `n` data keys (about 60 bytes each). */
export function oneLineJsonText(n: number): string {
  const data: Record<string, string> = {};
  for (let i = 0; i < n; i++) data[`key-${i}`] = `value-${i}-${'x'.repeat(40)}`;
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one-line' }, data });
}

export const SHAPES: Shape[] = [
  {
    name: 'shared selector',
    unit: 'Deployments + Services',
    file: (n) => ({ name: '/shapes/shared-selector.yaml', text: sharedSelectorText(n, 100) }),
  },
  { name: 'one mapping', unit: 'keys', file: (n) => ({ name: '/shapes/many-keys.yaml', text: manyKeysText(n) }) },
  { name: 'one-line JSON', unit: 'keys', file: (n) => ({ name: '/shapes/one-line.json', text: oneLineJsonText(n) }) },
];
