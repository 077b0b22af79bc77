/**
 * Apply throughput against `kubectl apply --server-side` on the same local control plane in the
 * same run (test/cluster/controlPlane.ts; kubectl is the one built with it).
 *
 *   node out/bench/applyBench.js          (or through `npm run bench`, which calls runApplyBench)
 *
 * Rows (times in ms, median of RUNS, ratio = ours / kubectl, below 1 is faster; the details add
 * the CPU time of the API server + etcd and of the client per side, which load does not inflate):
 * - apply-200-engine: 200 objects (50 × Deployment + Service + ConfigMap + HPA in 5 namespaces)
 *   with the engine in process: one dry-run round for all (server-side dry-run, then a read of
 *   the objects that exist, a LIST per collection), then the writes;
 *   kubectl: one `kubectl apply --server-side -f` process over the same objects. Each side
 *   applies into its own fresh namespaces, so both are creates.
 * - apply-200-cli: the same through `node dist/cli.js apply --no-wait` (process start, reading
 *   the files and the validation that runs before every apply included).
 * - reapply-200-engine: the same objects again, nothing changed (ours skips the writes).
 * - zoomcamp-dry-run-and-apply: the gateway + model example, dry-run then apply (no rollout wait),
 *   against `kubectl apply --server-side --dry-run=server` followed by `kubectl apply --server-side`.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startControlPlane, type ControlPlane } from '../test/cluster/controlPlane';
import { WorkspaceIndex } from '../src/core/index/workspaceIndex';
import type { Resource } from '../src/core/parse/manifestParser';
import { openCluster, prepareApply } from '../src/core/cluster';

export interface ApplyBenchRow {
  name: string;
  ours: number;
  peer: number;
  ratio: number;
  details: string;
  target?: string;
  pass?: boolean;
  unit?: string;
}

const RUNS = 3;
const APPS = 50;
const NAMESPACES = 5;

function manifests(prefix: string): string {
  const docs: string[] = [];
  for (let n = 0; n < NAMESPACES; n++) docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${prefix}-${n}\n`);
  return docs.join('---\n');
}

/** 50 apps × 4 objects, spread over the side's namespaces. */
function appManifests(prefix: string): string {
  const docs: string[] = [];
  for (let i = 0; i < APPS; i++) {
    const ns = `${prefix}-${i % NAMESPACES}`;
    const name = `app-${i}`;
    docs.push(`apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
  namespace: ${ns}
data:
  MODEL_NAME: clothing-model
  LOG_LEVEL: info
`);
    docs.push(`apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    app: ${name}
  ports:
    - port: 80
      targetPort: 9696
`);
    // replicas 0: the bench measures the API calls, not pods starting on the fake node
    // (pods of one side would otherwise load the scheduler while the other side is timed).
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  replicas: 0
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: ${name}
          image: registry.k8s.io/pause:3.10
          imagePullPolicy: IfNotPresent
          envFrom:
            - configMapRef:
                name: ${name}-config
          ports:
            - containerPort: 9696
          resources:
            requests: {cpu: 10m, memory: 16Mi}
            limits: {cpu: 100m, memory: 64Mi}
`);
    docs.push(`apiVersion: autoscaling/v2
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
  maxReplicas: 3
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 50
`);
  }
  return docs.join('---\n');
}

function resourcesOf(file: string): Resource[] {
  const index = new WorkspaceIndex();
  index.setFile(file, fs.readFileSync(file, 'utf8'), { explicit: true });
  return index.resources();
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; code: number | null; out: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code, out }));
  });
}

async function mustRun(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const r = await run(cmd, args, env);
  if (r.code !== 0) throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed (${r.code}): ${r.out.slice(-800)}`);
  return r.ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Clock ticks per second of /proc (USER_HZ, 100 on Linux). */
const TICK_MS = 10;

/** utime + stime fields of /proc/PID/stat (after the command name, which may hold spaces), in ms; `children` adds reaped children's. */
function procCpuMs(pid: number | 'self', children = false): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
    const own = Number(f[11]) + Number(f[12]);
    return (children ? Number(f[13]) + Number(f[14]) : own) * TICK_MS;
  } catch {
    return NaN;
  }
}

/**
 * CPU time, which a loaded machine does not inflate the way it inflates wall time: the API server
 * and etcd, and the client side — this process for the in-process engine, the reaped child for
 * kubectl and the CLI.
 */
class CpuMeter {
  private readonly pids: number[];
  constructor(cp: ControlPlane) {
    let pids: number[] = [];
    try {
      pids = (JSON.parse(fs.readFileSync(path.join(cp.dir, 'owner.json'), 'utf8')) as { pids: number[] }).pids;
    } catch {
      /* a reused cluster: no figures */
    }
    // The two that serve the requests; the controllers' background work (HPAs without metrics
    // retried, ReplicaSets of earlier runs) would be counted on whichever side runs at the time.
    this.pids = pids.filter((pid) => {
      try {
        const argv0 = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
        return /(^|\/)(kube-apiserver|etcd)$/.test(argv0);
      } catch {
        return false;
      }
    });
  }
  private server(): number {
    return this.pids.reduce((sum, pid) => sum + procCpuMs(pid), 0);
  }
  private client(): number {
    const own = process.cpuUsage();
    return (own.user + own.system) / 1000 + procCpuMs('self', true);
  }
  async measure<T>(work: () => Promise<T>, into: { server: number[]; client: number[] }): Promise<T> {
    const s0 = this.server();
    const c0 = this.client();
    const out = await work();
    into.server.push(this.server() - s0);
    into.client.push(this.client() - c0);
    return out;
  }
}

const cpuFigures = () => ({ server: [] as number[], client: [] as number[] });
type CpuFigures = ReturnType<typeof cpuFigures>;
const cpuText = (who: string, c: CpuFigures) =>
  Number.isFinite(median(c.server)) ? `${who} CPU: apiserver + etcd ${median(c.server)} ms, client ${Math.round(median(c.client))} ms` : '';

async function engineApply(cp: ControlPlane, file: string): Promise<{ ms: number; summary: string }> {
  const t0 = performance.now();
  // A fresh client each time: discovery is paid like kubectl pays its own.
  const client = openCluster(cp.adminContext, { kubeconfig: cp.kubeconfigPath });
  try {
    const session = await prepareApply(client, resourcesOf(file));
    const result = await session.apply({ wait: false });
    const ms = performance.now() - t0;
    const failed = result.outcomes.filter((o) => o.status === 'failed');
    if (failed.length)
      throw new Error(
        `engine apply failed: ${result.findings
          .slice(0, 3)
          .map((f) => f.message)
          .join('; ')}`,
      );
    const s = session.plan.summary;
    return { ms, summary: `${s.create} created, ${s.update} updated, ${s.unchanged} unchanged` };
  } finally {
    client.close();
  }
}

export async function runApplyBench(): Promise<ApplyBenchRow[]> {
  const repo = path.resolve(__dirname, '..', '..');
  const cli = path.join(repo, 'dist', 'cli.js');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-apply-bench-'));
  const cp = await startControlPlane({ metricsServer: false });
  const env = { ...cp.env, KUBECONFIG: cp.kubeconfigPath, KUBECACHEDIR: path.join(tmp, 'kube-cache') };
  const kubectl = (args: string[]) => mustRun(cp.kubectl, ['--context', cp.adminContext, ...args], env);
  const rows: ApplyBenchRow[] = [];
  try {
    // Warm both sides once (kubectl's discovery cache, our process's module loading).
    await kubectl(['get', 'namespaces']);
    const engine: number[] = [];
    const kube: number[] = [];
    const viaCli: number[] = [];
    const reapply: number[] = [];
    const kubeReapply: number[] = [];
    const meter = new CpuMeter(cp);
    const cpu = { engine: cpuFigures(), kube: cpuFigures(), cli: cpuFigures(), reapply: cpuFigures(), kubeReapply: cpuFigures() };
    for (let r = 0; r < RUNS; r++) {
      const sides = { ours: `bench-ours-${r}`, kubectl: `bench-kubectl-${r}`, cli: `bench-cli-${r}` };
      for (const prefix of Object.values(sides)) {
        fs.writeFileSync(path.join(tmp, `${prefix}-ns.yaml`), manifests(prefix));
        fs.writeFileSync(path.join(tmp, `${prefix}.yaml`), appManifests(prefix));
        await kubectl(['apply', '--server-side', '-f', path.join(tmp, `${prefix}-ns.yaml`)]);
      }
      // Alternate who goes first so neither side always meets a busier server.
      const order = r % 2 === 0 ? ['ours', 'kubectl'] : ['kubectl', 'ours'];
      for (const side of order) {
        if (side === 'ours') engine.push((await meter.measure(() => engineApply(cp, path.join(tmp, `${sides.ours}.yaml`)), cpu.engine)).ms);
        else kube.push(await meter.measure(() => kubectl(['apply', '--server-side', '-f', path.join(tmp, `${sides.kubectl}.yaml`)]), cpu.kube));
      }
      const cliArgs = [cli, 'apply', '--context', cp.adminContext, '--no-wait', path.join(tmp, `${sides.cli}.yaml`)];
      viaCli.push(await meter.measure(() => mustRun(process.execPath, cliArgs, env), cpu.cli));
      reapply.push((await meter.measure(() => engineApply(cp, path.join(tmp, `${sides.ours}.yaml`)), cpu.reapply)).ms);
      kubeReapply.push(await meter.measure(() => kubectl(['apply', '--server-side', '-f', path.join(tmp, `${sides.kubectl}.yaml`)]), cpu.kubeReapply));
    }
    // Both sides share the machine's cores with the API server: a busy machine slows the side
    // that sends more server work (ours: a dry-run of every object before the writes) the most;
    // the CPU figures show that work apart from the load.
    const load = `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`;
    const row = (name: string, ours: number[], peer: number[], details: string): ApplyBenchRow => {
      const o = median(ours);
      const p = median(peer);
      return {
        name,
        ours: Math.round(o),
        peer: Math.round(p),
        ratio: Number((o / p).toFixed(3)),
        details: `${details}; ${load}`,
        target: '≤ 0.5× kubectl apply --server-side',
        pass: o / p <= 0.5,
        unit: 'ms',
      };
    };
    rows.push(
      row(
        'apply-200-engine',
        engine,
        kube,
        `200 objects (50 × Deployment, Service, ConfigMap, HPA) created; ours: dry-run all then apply, in process; runs ours ${engine.map(Math.round).join('/')} kubectl ${kube.map(Math.round).join('/')}; ${cpuText('ours', cpu.engine)}; ${cpuText('kubectl', cpu.kube)}`,
      ),
    );
    rows.push(
      row(
        'apply-200-cli',
        viaCli,
        kube,
        `same through "node dist/cli.js apply --no-wait" (process start + validation included); runs ${viaCli.map(Math.round).join('/')}; ${cpuText('ours', cpu.cli)}`,
      ),
    );
    rows.push(
      row(
        'reapply-200-unchanged',
        reapply,
        kubeReapply,
        `same objects again, nothing changed; runs ours ${reapply.map(Math.round).join('/')} kubectl ${kubeReapply.map(Math.round).join('/')}; ${cpuText('ours', cpu.reapply)}; ${cpuText('kubectl', cpu.kubeReapply)}`,
      ),
    );

    // The gateway + model example end to end: dry-run, then apply (no rollout wait).
    const examples = path.join(repo, 'examples', 'zoomcamp');
    const files = fs
      .readdirSync(examples)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => path.join(examples, f));
    const zoomOurs: number[] = [];
    const zoomKube: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const nsOurs = `zoom-ours-${r}`;
      const nsKube = `zoom-kubectl-${r}`;
      await kubectl(['create', 'namespace', nsOurs]);
      await kubectl(['create', 'namespace', nsKube]);
      const t0 = performance.now();
      const client = openCluster(cp.adminContext, { kubeconfig: cp.kubeconfigPath });
      const index = new WorkspaceIndex();
      for (const f of files) index.setFile(f, fs.readFileSync(f, 'utf8'), { explicit: true });
      const session = await prepareApply(client, index.resources(), { namespace: nsOurs });
      const result = await session.apply({ wait: false });
      zoomOurs.push(performance.now() - t0);
      client.close();
      if (result.outcomes.some((o) => o.status !== 'applied')) throw new Error(`zoomcamp apply failed: ${result.findings.map((f) => f.message).join('; ')}`);
      const t1 = performance.now();
      await kubectl(['apply', '--server-side', '--dry-run=server', '-n', nsKube, '-f', examples]);
      await kubectl(['apply', '--server-side', '-n', nsKube, '-f', examples]);
      zoomKube.push(performance.now() - t1);
    }
    rows.push({
      ...row(
        'zoomcamp-dry-run-and-apply',
        zoomOurs,
        zoomKube,
        `gateway + model example (6 objects): dry-run then apply, in process; kubectl: --dry-run=server then apply (two processes); runs ours ${zoomOurs.map(Math.round).join('/')} kubectl ${zoomKube.map(Math.round).join('/')}`,
      ),
      target: '≤ 0.5× kubectl (dry-run + apply)',
    });
  } finally {
    await cp.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return rows;
}

if (require.main === module) {
  runApplyBench().then(
    (rows) => {
      for (const r of rows) {
        console.log(
          `${r.name.padEnd(28)} ours ${String(r.ours).padStart(6)} ms  kubectl ${String(r.peer).padStart(6)} ms  ratio ${r.ratio.toFixed(2)}  ${r.pass ? 'meets' : 'misses'} ${r.target}`,
        );
        console.log(`  ${r.details}`);
      }
    },
    (e) => {
      console.error(`apply bench failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
