/**
 * See it scale, from the command line, on a real kind cluster (issue 16): `kube-topology kind-create`
 * makes the cluster (publishing a NodePort), `kind-addons metrics-server` makes HPAs read CPU,
 * `load` sends traffic through the NodePort and the gateway HPA scales up — the load reaching the
 * new pods, not pinned to one — and back down after; then the in-cluster pod route, Ctrl-C clean-up
 * and the addon's removal. Every step runs `node dist/cli.js` as a subprocess; kubectl and docker
 * only cross-check what the cluster holds. Waits are on states (bounded), never on time.
 *
 * Needs `sudo -E test/kind/prepare.sh` (docker, the offline node image, the metrics-server image)
 * and `node scripts/build.mjs`. Prints the times for the closing note (cluster ready, metrics
 * ready, first scale-up after the load starts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { containersNamed, defaultNodeImage, kindTestBedProblem, listKindClusters, runOk, trackKindCluster, type KindCluster } from './kindCluster';
import { CLI, cli, cliEnv, eventually, show } from './journeySupport';
import { buildScalingImages, hpaStatus, loadObjectsLeft, podCpu, scalingManifests, spawnCli, type RunningCli } from './scalingSupport';
import { METRICS_SERVER_IMAGE } from '../../src/core/kind/metricsServer';

const log = (line: string): void => console.log(`  [scaling] ${line}`);
const problem = kindTestBedProblem() ?? (fs.existsSync(CLI) ? undefined : `${CLI} is missing: run node scripts/build.mjs`);
if (problem) throw new Error(`the scaling test cannot run: ${problem}`);

const ns = `kt-scale-${randomBytes(3).toString('hex')}`;
let cluster: KindCluster;
let env: NodeJS.ProcessEnv;
let images: { burner: string; loadClient: string };
let dir: string;
const children: RunningCli[] = [];
const times: Record<string, string> = {};

before(
  async () => {
    const image = await runOk('docker', ['image', 'inspect', '-f', '{{.Id}}', METRICS_SERVER_IMAGE]).catch(() => '');
    assert.ok(image, `${METRICS_SERVER_IMAGE} is not in the local Docker engine: run sudo -E test/kind/prepare.sh`);
    images = await buildScalingImages();
    cluster = trackKindCluster(log);
    env = cliEnv(cluster);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-scaling-'));
    fs.writeFileSync(path.join(dir, 'app.yaml'), scalingManifests(ns, images.burner));
  },
  { timeout: 300_000 },
);

after(
  async () => {
    for (const c of children) c.interrupt();
    await Promise.all(children.map((c) => c.exit));
    await cluster?.delete();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    log(
      `times: ${Object.entries(times)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  },
  { timeout: 300_000 },
);

function track(c: RunningCli): RunningCli {
  children.push(c);
  return c;
}

describe('see it scale on the command line, on a real kind cluster', { timeout: 2_400_000 }, () => {
  let nodePort = 0;

  test('kind-create: a new cluster that publishes a NodePort here, usable when the command returns', async () => {
    const r = await cli(env, ['kind-create', '--name', cluster.name, '--image', defaultNodeImage(), '--kubeconfig', cluster.kubeconfigPath], {
      timeoutMs: 900_000,
    });
    assert.equal(r.code, 0, show(r));
    const ready = new RegExp(
      `kind cluster "${cluster.name}" is ready: usable after ([\\d.]+) s \\(kind create ([\\d.]+) s\\); context kind-${cluster.name}`,
    ).exec(r.stdout);
    assert.ok(ready, show(r));
    times['cluster ready'] = `${ready[1]} s (kind create ${ready[2]} s)`;
    const published = /NodePort (\d+) is published on 127\.0\.0\.1:(\d+)/.exec(r.stdout);
    assert.ok(published, show(r));
    nodePort = Number(published[1]);
    assert.equal(published[2], published[1]);
    assert.match(r.stdout, /• node Ready\n[\s\S]*• default ServiceAccount present\n[\s\S]*• CoreDNS available\n/);
    // kind's own progress came through, and the config on this cgroup v1 host said so
    assert.match(r.stdout, /Ensuring node image/);

    assert.ok((await listKindClusters()).includes(cluster.name));
    assert.match(await runOk('docker', ['port', `${cluster.name}-control-plane`, `${nodePort}/tcp`]), new RegExp(`^127\\.0\\.0\\.1:${nodePort}$`, 'm'));
    assert.match(await cluster.kubectl(['get', 'nodes', '-o', 'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}']), /^True$/);
    assert.match(await cluster.kubectl(['get', 'deployment', 'coredns', '-n', 'kube-system', '-o', 'jsonpath={.status.availableReplicas}']), /^[1-9]/);
  });

  test('kind-create never touches an existing cluster: the same name is refused and the node is left as it was', async () => {
    const before = await runOk('docker', ['inspect', '-f', '{{.Id}} {{.State.StartedAt}}', `${cluster.name}-control-plane`]);
    const r = await cli(env, ['kind-create', '--name', cluster.name, '--kubeconfig', cluster.kubeconfigPath]);
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, new RegExp(`a kind cluster named "${cluster.name}" already exists; kube-topology never changes an existing cluster`));
    assert.equal(await runOk('docker', ['inspect', '-f', '{{.Id}} {{.State.StartedAt}}', `${cluster.name}-control-plane`]), before);
  });

  test('kind-create with kind missing says how to install it; nothing is created', async () => {
    const r = await cli({ ...env, KUBE_TOPOLOGY_KIND: '/nonexistent/kind' }, ['kind-create', '--name', 'kt-never-made']);
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /kind not found at \/nonexistent\/kind/);
    assert.ok(!(await listKindClusters()).includes('kt-never-made'));
  });

  test('the app applied without metrics-server: apply says the HPA cannot read CPU, and it reads <unknown>', async () => {
    let r = await cli(env, ['kind-load', '--cluster', cluster.name, path.join(dir, 'app.yaml')]);
    assert.equal(r.code, 0, show(r));
    r = await cli(env, ['apply', path.join(dir, 'app.yaml')], { timeoutMs: 600_000 });
    assert.equal(r.code, 0, show(r));
    // apply says what is missing and how to get it
    assert.match(
      r.stdout,
      new RegExp(
        `note: kind-${cluster.name} has no metrics-server, so HPA gateway cannot read CPU \\(it shows <unknown> and never scales\\): kube-topology kind-addons metrics-server`,
      ),
    );
    r = await cli(env, ['status', '--output', 'json', path.join(dir, 'app.yaml')]);
    assert.equal(r.code, 0, show(r));
    const hpa = (JSON.parse(r.stdout) as { nodes: Record<string, { hpa?: { metrics: string[] } }> }).nodes[`HorizontalPodAutoscaler/${ns}/gateway`];
    assert.deepEqual(hpa?.hpa?.metrics, ['CPU <unknown> / 50%']);
  });

  test('kind-addons metrics-server: the image from the local engine, the manifest into kube-system, metrics.k8s.io answering', async () => {
    const r = await cli(env, ['kind-addons', 'metrics-server'], { timeoutMs: 600_000 });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^Installs metrics-server v0\.8\.1 .*into namespace kube-system: 9 objects/m);
    assert.match(
      r.stdout,
      new RegExp(`Loading ${METRICS_SERVER_IMAGE.replace(/[./]/g, '\\$&')} from the local Docker engine into kind cluster ${cluster.name}`),
    );
    const answered = new RegExp(`metrics\\.k8s\\.io answers on kind-${cluster.name} after ([\\d.]+) s`).exec(r.stdout);
    assert.ok(answered, show(r));
    times['metrics ready'] = `${answered[1]} s`;
    assert.match(r.stdout, /Remove it with: kube-topology kind-addons metrics-server --remove/);

    const nodes = JSON.parse(await cluster.kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes'])) as { items: { usage: { cpu: string } }[] };
    assert.ok(nodes.items.length > 0 && nodes.items[0].usage.cpu, JSON.stringify(nodes));
    const args = await cluster.kubectl(['get', 'deployment', 'metrics-server', '-n', 'kube-system', '-o', 'jsonpath={.spec.template.spec.containers[0].args}']);
    assert.match(args, /--kubelet-insecure-tls/);
    assert.equal(
      await cluster.kubectl(['get', 'apiservice', 'v1beta1.metrics.k8s.io', '-o', 'jsonpath={.metadata.annotations.kube-topology\\.io/addon}']),
      'metrics-server-v0.8.1',
    );

    // the HPA controller now reads real CPU (its next sync after the first scrape)
    const metric = await eventually(async () => {
      const s = await cli(env, ['status', '--output', 'json', path.join(dir, 'app.yaml')]);
      const m = (JSON.parse(s.stdout) as { nodes: Record<string, { hpa?: { metrics: string[] } }> }).nodes[`HorizontalPodAutoscaler/${ns}/gateway`]?.hpa
        ?.metrics[0];
      return m && /^CPU \d+% \/ 50%$/.test(m) ? m : undefined;
    }, 90);
    assert.ok(metric, 'the HPA shows a CPU percentage');
    log(`HPA before the load: ${metric}`);
  });

  test('load through the NodePort: the HPA scales up, the traffic reaches the new pods, and it scales back down after', async () => {
    const started = Date.now();
    const load = track(
      spawnCli(
        env,
        ['load', 'gateway', '-n', ns, '--path', '/cgi-bin/predict', '--rps', '2', '--duration', '150s', '--timeout', '30s', '--settle'],
        (l) => /scales|replicas|load (started|finished)|every HPA|Done/.test(l) && log(`load: ${l.trim()}`),
      ),
    );
    const via = await load.waitFor(/Sending GET \/cgi-bin\/predict to Service [\w-]+\/gateway: 2 req\/s for 150 s via (.*)\n/);
    assert.match(via[1], new RegExp(`^NodePort ${nodePort} at 127\\.0\\.0\\.1:${nodePort} \\(temporary Service kt-load-[0-9a-f]{8}, same selector\\)$`));
    assert.equal((await cluster.kubectl(['get', 'services', '-n', ns, '-l', 'kube-topology.io/load', '-o', 'name'])).split('\n').filter(Boolean).length, 1);

    const up = await load.waitFor(/\+\s*([\d.]+)s {2}HPA gateway scales up: wants (\d+) \(was 1\) \(CPU (\d+)% \/ 50%\)/);
    times['first scale-up after load start'] = `${up[1]} s (wants ${up[2]}, CPU ${up[3]}%)`;
    log(`first scale-up ${up[1]} s after the load started (${((Date.now() - started) / 1000).toFixed(1)} s after the command)`);
    assert.ok(Number(up[2]) >= 2);

    // Not pinned: more than one pod burns CPU while the load runs (metrics.k8s.io, 15 s resolution).
    const spread = await eventually(async () => {
      const cpu = await podCpu(cluster, ns, 'gateway-');
      const busy = Object.entries(cpu).filter(([, m]) => m >= 20);
      return busy.length >= 2 ? cpu : undefined;
    }, 90);
    assert.ok(spread, `at least two gateway pods busy: ${JSON.stringify(await podCpu(cluster, ns, 'gateway-'))}`);
    log(`pod CPU under load (millicores): ${JSON.stringify(spread)}`);
    assert.match(load.output(), /\n\s+\d+s\s+\d+ req\/s\s+ok \d+\s+errors \d+\s+.*\| gateway \d/);

    const code = await load.exit;
    const out = load.output();
    assert.ok(code === 0 || code === 1, `exit ${code}\n${out}`);
    const done = /\nDone: (\d+) requests in [\d.]+ s, (\d+) ok, (\d+) errors/.exec(out);
    assert.ok(done, out);
    assert.equal(Number(done[1]), 300, 'every scheduled request was sent (2/s for 150 s)');
    assert.ok(Number(done[2]) > 150, `most requests answered: ${done[0]}`);
    const down = /\+\s*([\d.]+)s {2}HPA gateway: (\d+) → 1 replicas/.exec(out);
    assert.ok(down, `a scale-down to 1 in the timeline:\n${out}`);
    times['back to 1 replica'] = `${down[1]} s after the load started`;
    assert.match(out, /every HPA is back at its minimum/);
    assert.match(out, /SuccessfulRescale: New size: \d+; reason: cpu resource utilization \(percentage of request\) above target/);

    const hpa = await hpaStatus(cluster, ns, 'gateway');
    assert.equal(hpa.currentReplicas, 1);
    assert.deepEqual(await loadObjectsLeft(cluster), [], 'the temporary NodePort Service is gone');
  });

  test('load from a pod inside the cluster (--via pod, a busybox image): every request counted, the pod removed afterwards', async () => {
    await cluster.loadImages(images.loadClient);
    const r = await cli(
      env,
      ['load', 'gateway', '-n', ns, '--via', 'pod', '--image', images.loadClient, '--path', '/index.html', '--rps', '5', '--duration', '6s'],
      {
        timeoutMs: 600_000,
      },
    );
    assert.equal(r.code, 0, show(r));
    assert.match(
      r.stdout,
      new RegExp(`via pod kt-load-[0-9a-f]{8} \\(image ${images.loadClient.replace('.', '\\.')}\\) calling http://gateway\\.${ns}\\.svc\\.cluster\\.local:80`),
    );
    assert.match(r.stdout, /\nDone: 30 requests in [\d.]+ s, 30 ok, 0 errors, p50 \d+ ms, p95 \d+ ms/);
    const left = await eventually(async () => ((await loadObjectsLeft(cluster)).length === 0 ? [] : undefined), 30);
    assert.deepEqual(left, [], 'the load pod is deleted');
  });

  test('a load pod whose image the node cannot get fails with what to do, and is removed', async () => {
    const r = await cli(env, ['load', 'gateway', '-n', ns, '--via', 'pod', '--image', 'kt-never-built:0.0.1', '--rps', '1', '--duration', '5s'], {
      timeoutMs: 600_000,
    });
    assert.equal(r.code, 1, show(r));
    assert.match(r.stderr, /the load pod cannot get image kt-never-built:0\.0\.1 \((ErrImagePull|ImagePullBackOff)\)\. On kind, load it first/);
    assert.deepEqual(await eventually(async () => ((await loadObjectsLeft(cluster)).length === 0 ? [] : undefined), 30), []);
  });

  for (const via of ['pod', 'nodeport'] as const) {
    test(`Ctrl-C stops a ${via} load at once and removes what it created`, async () => {
      const args = ['load', 'gateway', '-n', ns, '--via', via, '--path', '/index.html', '--rps', '2', '--duration', '10m'];
      if (via === 'pod') args.push('--image', images.loadClient);
      const load = track(spawnCli(env, args));
      await load.waitFor(/\n\s+\d+s\s+\d+ req\/s/); // running: a per-second line
      assert.equal((await loadObjectsLeft(cluster)).length, 1, 'the load object exists while it runs');
      load.interrupt();
      assert.equal(await load.exit, 130, load.output());
      assert.match(load.output(), /stopping: removing what the load created/);
      assert.match(load.output(), /\nStopped: \d+ requests/);
      // deleted before the command exits (a pod may still be terminating for a moment)
      const left = await eventually(async () => ((await loadObjectsLeft(cluster)).length === 0 ? [] : undefined), 30);
      assert.deepEqual(left, []);
    });
  }

  test('kind-addons metrics-server --remove deletes what it installed', async () => {
    const r = await cli(env, ['kind-addons', 'metrics-server', '--remove'], { timeoutMs: 300_000 });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /deleted {2}APIService v1beta1\.metrics\.k8s\.io/);
    assert.match(r.stdout, new RegExp(`metrics-server removed from kind-${cluster.name}`));
    assert.equal((await cluster.kubectl(['get', 'apiservice', 'v1beta1.metrics.k8s.io', '--ignore-not-found', '-o', 'name'])).trim(), '');
    assert.equal((await cluster.kubectl(['get', 'deployment', 'metrics-server', '-n', 'kube-system', '--ignore-not-found', '-o', 'name'])).trim(), '');
  });

  test('the cluster is deleted with nothing left', async () => {
    const name = cluster.name;
    await cluster.delete();
    assert.ok(!(await listKindClusters()).includes(name));
    assert.deepEqual(await containersNamed(`${name}-`), []);
  });
});
