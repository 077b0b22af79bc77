/**
 * Node side of bench/graph.bench.mjs: synthetic manifests in the course's shapes (Ingress →
 * gateway Service → Deployment → model Service → Deployment, HPAs, ConfigMaps), parsed and
 * analysed by the same index the extension uses, turned into the graph the panel receives.
 */
import { WorkspaceIndex } from '../src/core/index/workspaceIndex';
import { buildGraph } from '../src/core/graph/buildGraph';
import type { GraphModel } from '../src/core/graph/types';
import { layoutGraph } from '../src/core/graph/layout/layout';
import { createDefaultEngine } from '../src/core/graph/layout/defaultEngine';
import { renderSvgDocument } from '../src/core/graph/render/svgString';

function app(i: number, ns: string, calls: string | undefined): string[] {
  const name = `app-${i}`;
  const docs = [
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: main
          image: example/${name}:1.${i % 7}
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { cpu: 500m, memory: 256Mi }
          ports:
            - containerPort: ${8000 + (i % 50)}
${
  calls
    ? `          env:
            - name: UPSTREAM_ADDR
              value: "${calls}"
`
    : ''
}${
      i % 2 === 0
        ? `          envFrom:
            - configMapRef:
                name: ${name}-config
`
        : ''
    }`,
    `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  type: ${i % 6 === 0 ? 'LoadBalancer' : 'ClusterIP'}
  selector:
    app: ${name}
  ports:
    - port: 80
      targetPort: ${8000 + (i % 50)}`,
  ];
  if (i % 3 === 0) {
    docs.push(`apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: ${name} }
  minReplicas: 1
  maxReplicas: 5
  metrics:
    - type: Resource
      resource: { name: cpu, target: { type: Utilization, averageUtilization: 60 } }`);
  }
  if (i % 2 === 0) {
    docs.push(`apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
  namespace: ${ns}
data:
  LOG_LEVEL: info`);
  }
  if (i % 6 === 0) {
    docs.push(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  rules:
    - host: ${name}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: { service: { name: ${name}, port: { number: 80 } } }`);
  }
  return docs;
}

export interface Corpus {
  files: Map<string, string>;
  resources: number;
}

/** About `target` resources in files of one application each, spread over namespaces. */
export function corpus(target: number): Corpus {
  const files = new Map<string, string>();
  let resources = 0;
  const namespaces = Math.max(1, Math.min(8, Math.round(target / 120)));
  for (let i = 0; resources < target; i++) {
    // Teams of 24 apps per namespace; within a team, apps form small gateway → service → model
    // chains of three (the middle and last are called by the previous one by name and port).
    const ns = `team-${Math.floor(i / 24) % namespaces}`;
    const sameNs = Math.floor((i - 1) / 24) === Math.floor(i / 24);
    const calls = i % 3 !== 0 ? (sameNs ? `app-${i - 1}:80` : `app-${i - 1}.team-${Math.floor((i - 1) / 24) % namespaces}:80`) : undefined;
    const docs = app(i, ns, calls);
    resources += docs.length;
    files.set(`/bench/${ns}/app-${i}.yaml`, docs.join('\n---\n'));
  }
  return { files, resources };
}

export function analyse(c: Corpus): { index: WorkspaceIndex; graph: GraphModel; ms: number } {
  const t0 = performance.now();
  const index = new WorkspaceIndex();
  for (const [f, t] of c.files) index.setFile(f, t);
  const graph = buildGraph(index.analyze());
  return { index, graph, ms: performance.now() - t0 };
}

/**
 * A one-resource edit in the middle of the corpus, re-analysed incrementally as the extension does:
 * `value` changes replicas (a card changes, no layout); `structure` makes an app read a new
 * ConfigMap (one component gains a node and is laid out again).
 */
export function edit(index: WorkspaceIndex, c: Corpus, kind: 'value' | 'structure'): { graph: GraphModel; ms: number } {
  const entries = [...c.files];
  const odd = entries.filter(([f]) => /app-\d*[13579]\.yaml$/.test(f));
  const [file, text] = kind === 'value' ? entries[Math.floor(entries.length / 2)] : odd[Math.floor(odd.length / 2)];
  const ns = /namespace: (\S+)/.exec(text)![1];
  const changed =
    kind === 'value'
      ? text.replace('replicas: 2', 'replicas: 3')
      : `${text.replace('          ports:', '          envFrom:\n            - configMapRef:\n                name: extra-config\n          ports:')}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra-config\n  namespace: ${ns}\ndata:\n  A: b\n`;
  const t0 = performance.now();
  index.setFile(file, changed);
  const graph = buildGraph(index.analyze());
  const ms = performance.now() - t0;
  index.setFile(file, text);
  return { graph, ms };
}

/**
 * The dense shape of issue 18: `n` Deployments and `n` Services in one namespace, all sharing one
 * selector (n × n selects pairs), in one file as a person would write a stress test.
 */
export function fanCorpus(n: number): Corpus {
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    docs.push(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-${i}\nspec:\n  selector:\n    matchLabels: { app: shared }\n  template:\n    metadata:\n      labels: { app: shared }\n    spec:\n      containers:\n        - name: c\n          image: nginx:1.25\n          ports:\n            - containerPort: 8080`,
    );
    docs.push(
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\nspec:\n  selector: { app: shared }\n  ports:\n    - port: 80\n      targetPort: 8080`,
    );
  }
  return { files: new Map([['/bench/fan.yaml', docs.join('\n---\n')]]), resources: 2 * n };
}

/** The fan's CLI path in process, phase by phase: parse + analysis, graph build, layout, SVG text. */
export async function fanPhases(
  c: Corpus,
): Promise<{ analyseMs: number; buildMs: number; layoutMs: number; svgMs: number; svgBytes: number; bundles: number; edges: number }> {
  const t0 = performance.now();
  const index = new WorkspaceIndex();
  for (const [f, t] of c.files) index.setFile(f, t);
  const analysis = index.analyze();
  const t1 = performance.now();
  const graph = buildGraph(analysis);
  const t2 = performance.now();
  const { layout } = await layoutGraph(graph, createDefaultEngine(), { aspect: 2.2 });
  const t3 = performance.now();
  const svg = renderSvgDocument(graph, layout, { title: 'fan' });
  const t4 = performance.now();
  return {
    analyseMs: t1 - t0,
    buildMs: t2 - t1,
    layoutMs: t3 - t2,
    svgMs: t4 - t3,
    svgBytes: svg.length,
    bundles: graph.bundles?.length ?? 0,
    edges: graph.edges.length,
  };
}
