/**
 * The kind journey, from the command line, on one real kind cluster with real containers: generate
 * the gateway + model topology, validate it, load its images into kind, apply it (dry-run, diff,
 * server-side apply, rollout), reach the gateway through our port-forward and get the model's
 * answer back over Service DNS, then the traps kind users fall into — LoadBalancer pending,
 * `:latest` with ErrImagePull, a misspelt Service in TF_SERVING_HOST — and tear down.
 *
 * Every step runs `node dist/cli.js` as a user would; kubectl and crictl only cross-check the
 * cluster. Needs `sudo -E test/kind/prepare.sh` and `node scripts/build.mjs` first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { createKindCluster, containersNamed, kindTestBedProblem, listKindClusters, MODEL_ANSWER, type KindCluster } from './kindCluster';
import {
  applyQuickFix,
  buildJourneyImages,
  CLI,
  cli,
  cliEnv,
  cliPortForward,
  eventually,
  fullRef,
  httpGet,
  JOURNEY_FIXTURES,
  nodeImages,
  removeNodeImages,
  show,
  type CliPortForward,
  type JourneyImages,
} from './journeySupport';

const log = (line: string): void => console.log(`  [journey] ${line}`);
const problem = kindTestBedProblem() ?? (fs.existsSync(CLI) ? undefined : `${CLI} is missing: run node scripts/build.mjs`);
if (problem) throw new Error(`kind journey cannot run: ${problem}`);

// a namespace of our own, so a reused cluster (KUBE_TOPOLOGY_KIND_CLUSTER) is left as found
const ns = `kt-journey-${randomBytes(3).toString('hex')}`;
const modelHost = `clothing-model.${ns}.svc.cluster.local:8500`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-journey-'));
const k8s = path.join(work, 'k8s');
const topology = path.join(k8s, 'clothing.yaml');
const trap = path.join(work, 'latest-trap.yaml');

let cluster: KindCluster;
let env: NodeJS.ProcessEnv;
let images: JourneyImages;
const forwards: CliPortForward[] = [];
const stepTimes: [string, number][] = [];
let journeyStart = 0;

before(
  async () => {
    let t = Date.now();
    images = await buildJourneyImages();
    log(`stand-in images ${images.gateway}, ${images.model}, ${images.latest} in ${Date.now() - t} ms`);
    t = Date.now();
    cluster = await createKindCluster({ log });
    log(`cluster ${cluster.name} ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    env = cliEnv(cluster);
    fs.copyFileSync(path.join(JOURNEY_FIXTURES, 'latest-trap.yaml'), trap);
  },
  { timeout: 600_000 },
);

after(
  async () => {
    for (const f of forwards) await f.close();
    if (cluster?.reused) await cluster.kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']).catch(() => undefined);
    await cluster?.delete();
    fs.rmSync(work, { recursive: true, force: true });
    if (journeyStart) {
      log(`step times: ${stepTimes.map(([s, ms]) => `${s} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
    }
  },
  { timeout: 180_000 },
);

/** Runs one journey step and records how long it took. */
async function step<T>(name: string, body: () => Promise<T>): Promise<T> {
  if (!journeyStart) journeyStart = Date.now();
  const t = Date.now();
  try {
    return await body();
  } finally {
    stepTimes.push([name, Date.now() - t]);
  }
}

async function kubectlJson<T>(args: string[]): Promise<T> {
  return JSON.parse(await cluster.kubectl([...args, '-o', 'json'])) as T;
}

interface Deploy {
  metadata: { name: string };
  status?: { conditions?: { type: string; status: string }[]; readyReplicas?: number };
}
const available = (d: Deploy): boolean => !!d.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True');

interface Snapshot {
  context: string;
  error?: string;
  nodes: Record<
    string,
    {
      exists: boolean;
      readyReplicas?: number;
      desiredReplicas?: number;
      pods?: { name: string; phase: string; ready: boolean; reason?: string; message?: string }[];
      loadBalancer?: { pending: boolean; address?: string; hint?: string };
    }
  >;
}
async function status(...args: string[]): Promise<Snapshot> {
  const r = await cli(env, ['status', '--output', 'json', ...args]);
  assert.equal(r.code, 0, show(r));
  return JSON.parse(r.stdout) as Snapshot;
}

test('the generator writes the gateway + model topology for the stand-ins, and it validates clean', async () => {
  await step('generate+validate', async () => {
    const g = await cli(env, [
      'generate',
      'gateway-model',
      '--out',
      k8s,
      '--set',
      `namespace=${ns}`,
      '--set',
      `gatewayImage=${images.gateway}`,
      '--set',
      `modelImage=${images.model}`,
      '--set',
      'imagePullPolicy=IfNotPresent',
    ]);
    assert.equal(g.code, 0, show(g));
    const text = fs.readFileSync(topology, 'utf8');
    // the gateway finds the model by its Service's DNS name, on the port the stand-in model serves
    assert.match(text, new RegExp(`name: TF_SERVING_HOST\\s+value: ${modelHost.replace(/\./g, '\\.')}`));
    assert.equal(text.match(/imagePullPolicy: IfNotPresent/g)?.length, 2);
    assert.match(text, /type: LoadBalancer/);

    const v = await cli(env, ['validate', '--output', 'json', k8s]);
    assert.equal(v.code, 0, show(v));
    const report = JSON.parse(v.stdout) as { summary: { errors: number; warnings: number } };
    assert.deepEqual([report.summary.errors, report.summary.warnings], [0, 0], v.stdout);
  });
});

test('the kind cluster is recognised as local: its context is kind-NAME and nothing asks for confirmation', async () => {
  await step('contexts', async () => {
    assert.ok((await listKindClusters()).includes(cluster.name));
    const r = await cli(env, ['contexts']);
    assert.equal(r.code, 0, show(r));
    const line = r.stdout.split('\n').find((l) => l.includes(cluster.context));
    assert.ok(line, `no line for ${cluster.context}:\n${r.stdout}`);
    assert.match(line, /kind/);
    assert.match(line, /local/i);
  });
});

test('kind-load lists the images, says which are missing, loads the present ones and reports them', async () => {
  await step('kind-load', async () => {
    const missingFile = path.join(JOURNEY_FIXTURES, 'missing-image.yaml');
    const missing = 'kt-clothing-batch-never-built:0.0.1';

    // a reused cluster may hold them from an earlier run; start from a node without them
    await removeNodeImages(cluster, [images.gateway, images.model]);
    // --dry-run reports and loads nothing
    const dry = await cli(env, ['kind-load', '--dry-run', '--cluster', cluster.name, k8s, missingFile]);
    assert.equal(dry.code, 1, show(dry)); // 1: an image is missing locally
    assert.match(dry.stdout, new RegExp(`present\\s+${images.gateway}`));
    assert.match(dry.stdout, new RegExp(`present\\s+${images.model}`));
    assert.match(dry.stdout, new RegExp(`missing\\s+${missing}`));
    const before = await nodeImages(cluster);
    assert.ok(!before.includes(fullRef(images.gateway)) && !before.includes(fullRef(images.model)), before.join('\n'));

    const r = await cli(env, ['kind-load', '--cluster', cluster.name, k8s, missingFile]);
    assert.equal(r.code, 1, show(r)); // still 1: the missing image could not be loaded
    assert.match(r.stdout, new RegExp(`Not in the local Docker engine.*${missing}`));
    const loadedLine = r.stdout.split('\n').find((l) => l.startsWith(`Loaded into kind cluster ${cluster.name}`));
    assert.ok(loadedLine, r.stdout);
    assert.ok(loadedLine.includes(images.gateway) && loadedLine.includes(images.model) && !loadedLine.includes(missing), loadedLine);

    const inNode = await nodeImages(cluster);
    assert.ok(inNode.includes(fullRef(images.gateway)), inNode.join('\n'));
    assert.ok(inNode.includes(fullRef(images.model)), inNode.join('\n'));
    assert.ok(!inNode.some((i) => i.includes('never-built')));
  });
});

test('apply (dry-run, diff, server-side apply, rollout) brings both Deployments to Available', async () => {
  await step('apply', async () => {
    const dry = await cli(env, ['apply', '--dry-run', k8s]);
    assert.equal(dry.code, 0, show(dry));
    assert.match(dry.all, /clothing-gateway/);
    // a dry run changes nothing on the cluster
    const nsAfterDry = await cluster.kubectl(['get', 'namespace', ns, '--ignore-not-found', '-o', 'name']);
    assert.equal(nsAfterDry.trim(), '');

    // no --yes and stdin closed: a prompt would fail the command
    const r = await cli(env, ['apply', '--diff', k8s]);
    assert.equal(r.code, 0, show(r));
    assert.match(r.all, new RegExp(`${cluster.context}`));
    assert.match(r.all, /clothing-gateway[^\n]*available/i);
    assert.match(r.all, /clothing-model[^\n]*available/i);
    log(`apply: ${r.ms} ms`);

    const deploys = await kubectlJson<{ items: Deploy[] }>(['get', 'deployments', '-n', ns]);
    assert.deepEqual(deploys.items.map((d) => d.metadata.name).sort(), ['clothing-gateway', 'clothing-model']);
    for (const d of deploys.items) assert.ok(available(d), `${d.metadata.name} not Available: ${JSON.stringify(d.status)}`);
    // server-side apply with our field manager
    const managers = await cluster.kubectl([
      'get',
      'deployment',
      'clothing-model',
      '-n',
      ns,
      '--show-managed-fields',
      '-o',
      'jsonpath={.metadata.managedFields[*].manager}',
    ]);
    assert.match(managers, /kube-topology/);

    // applying the same files again changes nothing
    const again = await cli(env, ['apply', '--diff', k8s]);
    assert.equal(again.code, 0, show(again));
    assert.match(again.all, /unchanged/i);

    const s = await status(k8s);
    for (const name of ['clothing-gateway', 'clothing-model']) {
      const n = s.nodes[`Deployment/${ns}/${name}`];
      assert.ok(n?.exists, JSON.stringify(s.nodes));
      assert.equal(n.readyReplicas, n.desiredReplicas);
      assert.ok(n.pods && n.pods.length > 0 && n.pods.every((p) => p.ready && p.phase === 'Running'), JSON.stringify(n.pods));
    }
  });
});

test('port-forward to the gateway Service returns the answer that came from the model over Service DNS', async () => {
  await step('port-forward', async () => {
    const pf = await cliPortForward(env, ['--namespace', ns, 'clothing-gateway']);
    forwards.push(pf);
    const res = await httpGet(`${pf.url}/cgi-bin/predict`);
    assert.equal(res.status, 200, res.body);
    const answer = JSON.parse(res.body) as { gateway: string; model_host: string; model_answer: unknown };
    // the gateway image defaults to localhost:8500: this host came from the generated env
    assert.equal(answer.model_host, modelHost);
    assert.deepEqual(answer.model_answer, MODEL_ANSWER);
    log(`gateway via ${pf.url}: ${res.body.trim()}`);
    await pf.close();
  });
});

test('the LoadBalancer gateway Service shows as pending with the kind explanation and port-forward offered', async () => {
  await step('loadbalancer', async () => {
    const s = await status(k8s);
    const lb = s.nodes[`Service/${ns}/clothing-gateway`]?.loadBalancer;
    assert.ok(lb, JSON.stringify(s.nodes));
    assert.equal(lb.pending, true);
    assert.match(lb.hint ?? '', /kind/);
    assert.match(lb.hint ?? '', /port-forward/);

    const text = await cli(env, ['status', k8s]);
    assert.equal(text.code, 0, show(text));
    assert.match(text.stdout, /clothing-gateway[^\n]*LoadBalancer pending[^\n]*kind[^\n]*port-forward/);
    // cross-check: kind really gave it no address
    const ingress = await cluster.kubectl(['get', 'service', 'clothing-gateway', '-n', ns, '-o', 'jsonpath={.status.loadBalancer.ingress}']);
    assert.equal(ingress.trim(), '');
  });
});

test('the :latest trap: warned before apply, ErrImagePull after, running after the quick fix', async () => {
  await step('latest-trap', async () => {
    const v = await cli(env, ['validate', '--namespace', ns, '--output', 'json', trap]);
    const codes = (JSON.parse(v.stdout) as { findings: { code: string; severity: string }[] }).findings.map((f) => `${f.code}:${f.severity}`);
    assert.ok(codes.includes('latest-image-pull-always:warning'), codes.join(', '));

    // the image is in kind, yet the kubelet ignores it because the pull policy is Always
    const load = await cli(env, ['kind-load', '--cluster', cluster.name, trap]);
    assert.equal(load.code, 0, show(load));
    assert.ok((await nodeImages(cluster)).includes(fullRef(images.latest)));

    const applied = await cli(env, ['apply', '--namespace', ns, '--timeout', '40s', trap]);
    assert.notEqual(applied.code, 0, show(applied)); // the rollout cannot finish
    assert.match(applied.all, /ErrImagePull|ImagePullBackOff/);

    const s = await eventually(async () => {
      const snap = await status('--namespace', ns, trap);
      const pod = snap.nodes[`Deployment/${ns}/clothing-trap`]?.pods?.find((p) => /ErrImagePull|ImagePullBackOff/.test(p.reason ?? ''));
      return pod ? { snap, pod } : undefined;
    }, 30);
    assert.ok(s, 'no pod of clothing-trap showed ErrImagePull/ImagePullBackOff');
    assert.match(s.pod.message ?? '', /kt-clothing-model:latest/);
    const text = await cli(env, ['status', '--namespace', ns, trap]);
    assert.match(text.stdout, /ErrImagePull|ImagePullBackOff/);
    // the way out is named where the failure is shown
    assert.match(text.stdout, /fix:[^\n]*kind-load[^\n]*imagePullPolicy: IfNotPresent/);

    const title = applyQuickFix(trap, 'latest-image-pull-always', ns);
    log(`quick fix applied: ${title}`);
    assert.match(fs.readFileSync(trap, 'utf8'), /image: kt-clothing-model:latest\n\s+imagePullPolicy: IfNotPresent\n/);
    const v2 = await cli(env, ['validate', '--namespace', ns, '--output', 'json', trap]);
    assert.ok(!v2.stdout.includes('latest-image-pull-always'), v2.stdout);

    const fixed = await cli(env, ['apply', '--namespace', ns, trap]);
    assert.equal(fixed.code, 0, show(fixed));
    assert.match(fixed.all, /clothing-trap[^\n]*available/i);
    const after = await status('--namespace', ns, trap);
    const n = after.nodes[`Deployment/${ns}/clothing-trap`];
    assert.equal(n?.readyReplicas, 1, JSON.stringify(n));
  });
});

test('a misspelt model Service in TF_SERVING_HOST is caught before apply, fails the request after, and shows as a ghost edge', async () => {
  await step('broken-link', async () => {
    const broken = modelHost.replace('clothing-model.', 'clothing-modle.');
    const original = fs.readFileSync(topology, 'utf8');
    assert.ok(original.includes(`value: ${modelHost}`));
    fs.writeFileSync(topology, original.replace(`value: ${modelHost}`, `value: ${broken}`));

    // A misspelt name is a warning (a guess never raises the severity); CI gates on it with --strict.
    const v = await cli(env, ['validate', '--strict', '--output', 'json', k8s]);
    assert.equal(v.code, 1, show(v));
    const finding = (JSON.parse(v.stdout) as { findings: { code: string; severity: string; message: string }[] }).findings.find(
      (f) => f.code === 'service-address-unresolved',
    );
    assert.ok(finding, v.stdout);
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /Did you mean clothing-model\?/);

    const g = await cli(env, ['graph', '--output', 'json', k8s]);
    assert.equal(g.code, 0, show(g));
    const graph = JSON.parse(g.stdout) as { nodes: { id: string; ghost?: boolean }[]; edges: { from: string; to: string; broken?: boolean; code?: string }[] };
    const ghostId = `ghost:Service/${ns}/clothing-modle`;
    assert.ok(
      graph.nodes.some((n) => n.id === ghostId && n.ghost),
      'no ghost Service node',
    );
    const edge = graph.edges.find((e) => e.to === ghostId);
    assert.ok(edge, 'no edge to the ghost Service');
    assert.equal(edge.from, `Deployment/${ns}/clothing-gateway`);
    assert.equal(edge.broken, true);
    assert.equal(edge.code, 'service-address-unresolved');

    // apply runs the same checks first: a warning is shown but does not stop it (only errors do),
    // so the broken gateway is applied; it runs (its health check does not call the model) but cannot answer
    const applied = await cli(env, ['apply', k8s]);
    assert.equal(applied.code, 0, show(applied));
    assert.match(applied.all, /service-address-unresolved/);
    // the old gateway pod must be gone, or the forward could still reach it
    const single = await eventually(async () => {
      const pods = await kubectlJson<{ items: { metadata: { deletionTimestamp?: string } }[] }>([
        'get',
        'pods',
        '-n',
        ns,
        '-l',
        'app.kubernetes.io/name=clothing-gateway',
      ]);
      return pods.items.length === 1 && !pods.items[0].metadata.deletionTimestamp ? true : undefined;
    });
    assert.ok(single, 'the old gateway pod did not go away');

    const pf = await cliPortForward(env, ['--namespace', ns, 'clothing-gateway:80']);
    forwards.push(pf);
    const res = await httpGet(`${pf.url}/cgi-bin/predict`);
    await pf.close();
    assert.equal(res.status, 502, res.body);
    assert.match(res.body, /model unreachable at clothing-modle\./);
  });
});

test('delete removes everything the files define', async () => {
  await step('delete', async () => {
    const r = await cli(env, ['delete', '--namespace', ns, k8s, trap]);
    assert.equal(r.code, 0, show(r));
    // the files define the namespace itself, so it goes too; wait until it has finished terminating
    const gone = await eventually(async () =>
      (await cluster.kubectl(['get', 'namespace', ns, '--ignore-not-found', '-o', 'name'])).trim() === '' ? true : undefined,
    );
    assert.ok(gone, `namespace ${ns} still exists`);
    const left = await cluster.kubectl(['get', 'deployments,services,hpa,ingresses', '-A', '-l', 'app.kubernetes.io/part-of=clothing', '-o', 'name']);
    assert.equal(left.trim(), '');
    log(`journey (generate → delete) took ${((Date.now() - journeyStart) / 1000).toFixed(1)} s`);
  });
});

test('the test bed deletes the cluster and leaves no container behind', async () => {
  if (cluster.reused) {
    // a reused cluster is the user's: it stays, and so do its containers
    assert.ok((await listKindClusters()).includes(cluster.name));
    return;
  }
  await cluster.delete();
  assert.ok(!(await listKindClusters()).includes(cluster.name));
  assert.deepEqual(await containersNamed(`${cluster.name}-`), []);
});
