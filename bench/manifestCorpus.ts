/**
 * Generated benchmark inputs: realistic gateway + model apps (Deployment, Service, HPA,
 * ConfigMap, Ingress), valid by construction, so every tool spends its time validating rather
 * than reporting.
 */
export function appDocuments(i: number): string[] {
  const app = `app-${i}`;
  return [
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  labels:
    app: ${app}
spec:
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
    spec:
      containers:
        - name: server
          image: registry.local/${app}:1.${i}
          imagePullPolicy: IfNotPresent
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: CONFIG_NAME
              value: ${app}-config
          resources:
            requests:
              cpu: 100m
              memory: 64Mi
            limits:
              cpu: 500m
              memory: 256Mi
          readinessProbe:
            httpGet:
              path: /ready
              port: http
          livenessProbe:
            httpGet:
              path: /health
              port: http
`,
    `apiVersion: v1
kind: Service
metadata:
  name: ${app}
spec:
  selector:
    app: ${app}
  ports:
    - name: http
      port: 80
      targetPort: http
`,
    `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${app}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: ${app}
  minReplicas: 1
  maxReplicas: 5
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 60
`,
    `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${app}-config
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "a,b,c"
`,
    `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${app}
spec:
  ingressClassName: nginx
  rules:
    - host: ${app}.localtest.me
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: ${app}
                port:
                  number: 80
`,
  ];
}

/** `count` resources as files of `perFile` documents each. */
export function corpusFiles(count: number, perFile: number): { name: string; text: string }[] {
  const docs: string[] = [];
  for (let i = 0; docs.length < count; i++) docs.push(...appDocuments(i));
  docs.length = count;
  const files: { name: string; text: string }[] = [];
  for (let i = 0; i < docs.length; i += perFile) {
    files.push({ name: `apps-${String(i / perFile).padStart(4, '0')}.yaml`, text: docs.slice(i, i + perFile).join('---\n') });
  }
  return files;
}

/** One multi-document file of at least `lines` lines. */
export function bigFile(lines: number): string {
  const docs: string[] = [];
  let total = 0;
  for (let i = 0; total < lines; i++) {
    for (const d of appDocuments(i)) {
      docs.push(d);
      total += d.split('\n').length;
    }
  }
  return docs.join('---\n');
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}
