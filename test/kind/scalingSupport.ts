/**
 * What the scaling tests (CLI and code-server) run on a real kind cluster: an app that burns CPU per
 * request so an HPA has something to scale (the recipe of ../shared/notes/kind-hpa.md: busybox
 * httpd, a CGI that counts in sh, 50m requested, 200m limit), the HPA with a 15 s scale-down window,
 * a busybox image with applet links for the in-cluster load pod, and readers for what the cluster
 * says (HPA status, pod CPU from metrics.k8s.io, load objects left behind).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { buildStandInImage, type KindCluster } from './kindCluster';
import { CLI } from './journeySupport';

/** The CPU-burning app: `/cgi-bin/predict` counts to 30,000 in sh, `/index.html` answers at once. */
export const BURNER_IMAGE = 'kt-burner:v1';
/** Busybox with `sh`, `wget`, `timeout` … linked: an image the load pod's script can run in. */
export const LOAD_CLIENT_IMAGE = 'kt-load-busybox:1.35';

const PREDICT_CGI = `#!/bin/busybox sh
# about 0.2 s of CPU: at the 200m limit one pod answers about one request a second
i=0
while [ $i -lt 30000 ]; do i=$((i + 1)); done
printf 'Content-Type: application/json\\r\\n\\r\\n'
printf '{"pod":"%s","predictions":[[0.91,0.09]]}\\n' "$HOSTNAME"
`;

export async function buildScalingImages(): Promise<{ burner: string; loadClient: string }> {
  const burner = await buildStandInImage({
    tag: BURNER_IMAGE,
    files: { '/www/index.html': 'ok\n', '/www/cgi-bin/predict': PREDICT_CGI },
    // busybox httpd as PID 1 ignores SIGTERM; the shell around it stops on it (scale-down is quick)
    entrypoint: ['/bin/busybox', 'sh', '-c', "trap 'exit 0' TERM; /bin/busybox httpd -f -p 9696 -h /www & wait"],
    expose: [9696],
  });
  const loadClient = await buildStandInImage({
    tag: LOAD_CLIENT_IMAGE,
    links: ['sh', 'wget', 'timeout', 'sed', 'tail', 'sleep', 'cat', 'printf'],
    entrypoint: ['/bin/sh'],
  });
  return { burner, loadClient };
}

/** Namespace, Deployment `gateway` (1 replica), Service `gateway` (80 → 9696) and its HPA (1–4, CPU 50 %). */
export function scalingManifests(namespace: string, image = BURNER_IMAGE): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: gateway
  namespace: ${namespace}
  labels: {app: gateway}
spec:
  replicas: 1
  selector:
    matchLabels: {app: gateway}
  template:
    metadata:
      labels: {app: gateway}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: gateway
        image: ${image}
        imagePullPolicy: IfNotPresent
        ports:
        - {name: http, containerPort: 9696}
        resources:
          requests: {cpu: 50m, memory: 16Mi}
          limits: {cpu: 200m, memory: 64Mi}
        readinessProbe:
          httpGet: {path: /index.html, port: http}
          periodSeconds: 2
        livenessProbe:
          httpGet: {path: /index.html, port: http}
          periodSeconds: 10
---
apiVersion: v1
kind: Service
metadata:
  name: gateway
  namespace: ${namespace}
spec:
  selector: {app: gateway}
  ports:
  - {name: http, port: 80, targetPort: http}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: gateway
  namespace: ${namespace}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: gateway}
  minReplicas: 1
  maxReplicas: 4
  metrics:
  - type: Resource
    resource:
      name: cpu
      target: {type: Utilization, averageUtilization: 50}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 15
      policies:
      - {type: Percent, value: 100, periodSeconds: 15}
`;
}

/** A Kubernetes CPU quantity in millicores (`250m`, `123456789n`, `1`). */
export function millicores(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(n|u|m)?$/.exec(q.trim());
  if (!m) return 0;
  const v = Number(m[1]);
  return m[2] === 'n' ? v / 1e6 : m[2] === 'u' ? v / 1e3 : m[2] === 'm' ? v : v * 1000;
}

/** CPU of each pod whose name starts with `prefix`, from metrics.k8s.io (millicores). */
export async function podCpu(cluster: KindCluster, namespace: string, prefix: string): Promise<Record<string, number>> {
  const raw = await cluster.kubectl(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/${namespace}/pods`]);
  const list = JSON.parse(raw) as { items: { metadata: { name: string }; containers: { usage: { cpu: string } }[] }[] };
  const out: Record<string, number> = {};
  for (const p of list.items) {
    if (p.metadata.name.startsWith(prefix)) out[p.metadata.name] = p.containers.reduce((n, c) => n + millicores(c.usage.cpu), 0);
  }
  return out;
}

export interface HpaStatus {
  currentReplicas: number;
  desiredReplicas: number;
  cpu?: number;
}

export async function hpaStatus(cluster: KindCluster, namespace: string, name: string): Promise<HpaStatus> {
  const raw = await cluster.kubectl(['get', 'hpa', name, '-n', namespace, '-o', 'json']);
  const hpa = JSON.parse(raw) as {
    status?: { currentReplicas?: number; desiredReplicas?: number; currentMetrics?: { resource?: { current?: { averageUtilization?: number } } }[] };
  };
  return {
    currentReplicas: hpa.status?.currentReplicas ?? 0,
    desiredReplicas: hpa.status?.desiredReplicas ?? 0,
    cpu: hpa.status?.currentMetrics?.[0]?.resource?.current?.averageUtilization,
  };
}

/** Names of the pods and Services a load run labelled as its own, anywhere in the cluster. */
export async function loadObjectsLeft(cluster: KindCluster): Promise<string[]> {
  const out = await cluster.kubectl(['get', 'pods,services', '-A', '-l', 'kube-topology.io/load', '-o', 'name']);
  return out.split('\n').filter(Boolean);
}

/** `kube-topology ARGS` as a running child: its output so far, waiting for a line, Ctrl-C, the exit code. */
export interface RunningCli {
  output(): string;
  /** Resolves with the first match of `re` in the output; rejects if the process exits first. */
  waitFor(re: RegExp): Promise<RegExpExecArray>;
  interrupt(): void;
  readonly exit: Promise<number | null>;
}

export function spawnCli(env: NodeJS.ProcessEnv, args: readonly string[], onLine?: (line: string) => void): RunningCli {
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const waiters: { re: RegExp; resolve(m: RegExpExecArray): void; reject(e: Error): void }[] = [];
  let partial = '';
  const onData = (d: string): void => {
    out += d;
    if (onLine) {
      const lines = (partial + d).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) onLine(l);
    }
    for (const w of [...waiters]) {
      const m = w.re.exec(out);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout!.setEncoding('utf8').on('data', onData);
  child.stderr!.setEncoding('utf8').on('data', onData);
  const exit = new Promise<number | null>((resolve) =>
    child.once('close', (code, signal) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`kube-topology ${args[0]} exited (${code ?? signal}) before printing ${w.re}:\n${out}`));
      resolve(code);
    }),
  );
  return {
    output: () => out,
    waitFor: (re) =>
      new Promise((resolve, reject) => {
        const m = re.exec(out);
        if (m) return resolve(m);
        if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`kube-topology ${args[0]} already exited:\n${out}`));
        waiters.push({ re, resolve, reject });
      }),
    interrupt: () => void child.kill('SIGINT'),
    exit,
  };
}
