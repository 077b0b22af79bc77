/**
 * The kind journey benchmark: on one real kind cluster, wall time from "apply" to both Deployments
 * Available for the generated gateway + model set, ours against the commands a user types today.
 *
 *   ours    kube-topology kind-load --cluster C DIR; kube-topology apply --diff DIR
 *           (image check + load, server-side dry-run, diff, server-side apply, rollout)
 *   manual  kind load docker-image IMG --name C (per image); kubectl apply -f FILE;
 *           kubectl rollout status deployment/D (per Deployment)
 *
 * Each run gets a fresh namespace and starts with neither image in the node (removed with crictl),
 * so both sides really load; the sides alternate which goes first. Also reports the test bed's
 * cluster create time and a warm `prepare.sh`. Needs `sudo -E test/kind/prepare.sh` and
 * `node scripts/build.mjs`; run directly with `node out/bench/journeyBench.js`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

import { createKindCluster, kindBinary, kindTestBedProblem, KIND_DIR, run, runOk, type KindCluster } from '../test/kind/kindCluster';
import { buildJourneyImages, cli, cliEnv, CLI, removeNodeImages, show, type JourneyImages } from '../test/kind/journeySupport';

export interface JourneyBenchRow {
  name: string;
  ours: number;
  /** Absent for rows without a peer (cluster create, set-up). */
  peer?: number;
  ratio?: number;
  details: string;
  target?: string;
  pass?: boolean;
  unit?: string;
}

const DEPLOYMENTS = ['clothing-gateway', 'clothing-model'];

interface Side {
  name: 'ours' | 'manual';
  /** Runs the side; returns how long each step took (ms), to show where the time goes. */
  run(dir: string, file: string, ns: string): Promise<Record<string, number>>;
}

/** Times `work` into `phases[name]`. */
async function phase<T>(phases: Record<string, number>, name: string, work: () => Promise<T>): Promise<T> {
  const t = Date.now();
  try {
    return await work();
  } finally {
    phases[name] = (phases[name] ?? 0) + Date.now() - t;
  }
}

async function generate(dir: string, ns: string, images: JourneyImages, env: NodeJS.ProcessEnv): Promise<string> {
  const r = await cli(env, [
    'generate',
    'gateway-model',
    '--out',
    dir,
    '--set',
    `namespace=${ns}`,
    '--set',
    `gatewayImage=${images.gateway}`,
    '--set',
    `modelImage=${images.model}`,
  ]);
  if (r.code !== 0) throw new Error(`generate failed\n${show(r)}`);
  return path.join(dir, 'clothing.yaml');
}

function sides(cluster: KindCluster, images: JourneyImages, env: NodeJS.ProcessEnv): Side[] {
  return [
    {
      name: 'ours',
      async run(dir) {
        const phases: Record<string, number> = {};
        const load = await phase(phases, 'kind-load', () => cli(env, ['kind-load', '--cluster', cluster.name, dir]));
        if (load.code !== 0) throw new Error(`kube-topology kind-load failed\n${show(load)}`);
        const apply = await phase(phases, 'apply --diff + rollout', () => cli(env, ['apply', '--diff', dir]));
        if (apply.code !== 0) throw new Error(`kube-topology apply failed\n${show(apply)}`);
        return phases;
      },
    },
    {
      name: 'manual',
      async run(_dir, file, ns) {
        const phases: Record<string, number> = {};
        for (const image of [images.gateway, images.model]) {
          await phase(phases, 'kind load', () => runOk(kindBinary(), ['load', 'docker-image', image, '--name', cluster.name], { timeoutMs: 300_000 }));
        }
        await phase(phases, 'kubectl apply', () => cluster.kubectl(['apply', '-f', file]));
        for (const d of DEPLOYMENTS) {
          await phase(phases, 'rollout status', () =>
            cluster.kubectl(['rollout', 'status', `deployment/${d}`, '-n', ns, '--timeout=300s'], { timeoutMs: 320_000 }),
          );
        }
        return phases;
      },
    },
  ];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Time of a warm `test/kind/prepare.sh` (everything cached); NaN when it cannot run (not root). */
async function warmPrepareMs(): Promise<{ ms: number; note: string }> {
  const t = Date.now();
  const r = await run(path.join(KIND_DIR, 'prepare.sh'), [], { timeoutMs: 600_000 });
  if (r.code !== 0) return { ms: NaN, note: `prepare.sh exited ${r.code}: ${(r.stderr || r.stdout).trim().split('\n').pop()}` };
  return { ms: Date.now() - t, note: 'prepare.sh with docker running and the node image built' };
}

export async function runJourneyBench(): Promise<JourneyBenchRow[]> {
  const problem = kindTestBedProblem() ?? (fs.existsSync(CLI) ? undefined : `${CLI} is missing: run node scripts/build.mjs`);
  if (problem) throw new Error(`kind journey bench cannot run: ${problem}`);
  const rounds = Math.max(1, Number(process.env.KUBE_TOPOLOGY_JOURNEY_BENCH_ROUNDS ?? 2));

  const prepare = await warmPrepareMs();
  const images = await buildJourneyImages();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-journey-bench-'));
  const t0 = Date.now();
  const cluster = await createKindCluster();
  const createMs = Date.now() - t0;
  try {
    const env = cliEnv(cluster);
    const times: Record<Side['name'], number[]> = { ours: [], manual: [] };
    const steps: Record<Side['name'], string[]> = { ours: [], manual: [] };
    const all = sides(cluster, images, env);
    for (let round = 0; round < rounds; round++) {
      // alternate who goes first, so neither side always gets the warmer cluster
      const order = round % 2 === 0 ? all : [...all].reverse();
      for (const side of order) {
        const ns = `kt-bench-${side.name}-${randomBytes(3).toString('hex')}`;
        const dir = path.join(work, ns);
        const file = await generate(dir, ns, images, env);
        await removeNodeImages(cluster, [images.gateway, images.model]);
        const t = Date.now();
        const phases = await side.run(dir, file, ns);
        times[side.name].push(Date.now() - t);
        steps[side.name].push(
          Object.entries(phases)
            .map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`)
            .join(' + '),
        );
        // free the node's CPU requests before the next run (two sets do not fit next to the control plane)
        await cluster.kubectl(['delete', 'namespace', ns, '--wait=true', '--timeout=180s'], { timeoutMs: 200_000 });
      }
    }
    const ours = median(times.ours);
    const peer = median(times.manual);
    const fmt = (xs: number[]): string => xs.map((x) => `${(x / 1000).toFixed(1)} s`).join(', ');
    return [
      {
        name: 'kind: load images + apply → both Deployments Available (gateway + model)',
        ours,
        peer,
        ratio: ours / peer,
        target: '≤ 0.8× manual kind load + kubectl apply + rollout status',
        pass: ours <= 0.8 * peer,
        unit: 'ms',
        details:
          `median of ${rounds} runs each on cluster ${cluster.name} (${cluster.nodeImage || 'reused'}); ours [${fmt(times.ours)}] ` +
          `(kind-load + apply --diff: dry-run, diff, server-side apply, rollout) vs manual [${fmt(times.manual)}] ` +
          `(kind load docker-image ×2, kubectl apply -f, kubectl rollout status ×2); images removed from the node and a fresh namespace before each run; ` +
          `steps ours [${steps.ours.join('; ')}] manual [${steps.manual.join('; ')}]; load average ${os.loadavg()[0].toFixed(1)}`,
      },
      {
        name: 'kind test bed: cluster create until usable',
        ours: createMs,
        unit: 'ms',
        details: cluster.reused
          ? `reused cluster ${cluster.name} (KUBE_TOPOLOGY_KIND_CLUSTER): only the readiness checks were timed`
          : `kind create + node Ready + default ServiceAccount + CoreDNS, node image ${cluster.nodeImage}`,
      },
      {
        name: 'kind test bed: set-up, warm (prepare.sh)',
        ours: prepare.ms,
        unit: 'ms',
        details: `${prepare.note}; cold set-up is recorded in test/kind/README.md (tens of minutes: Go builds and debootstrap)`,
      },
    ];
  } finally {
    await cluster.delete();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runJourneyBench().then(
    (rows) => {
      for (const r of rows) {
        const ratio = r.ratio === undefined ? '' : `  ratio ${r.ratio.toFixed(2)}×`;
        const peer = r.peer === undefined ? '' : `  manual ${(r.peer / 1000).toFixed(1)} s`;
        console.log(`${r.name}: ${(r.ours / 1000).toFixed(1)} s${peer}${ratio}\n  ${r.details}`);
      }
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 1;
    },
  );
}
