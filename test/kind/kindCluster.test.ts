/**
 * Proves the kind test bed: a real cluster, two stand-in images loaded with `kind load
 * docker-image`, a gateway reaching a model over Service DNS and called through `kubectl
 * port-forward`, the `:latest` pull trap, and a delete that leaves nothing behind.
 * Needs `sudo -E test/kind/prepare.sh` first; see test/kind/README.md.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { randomBytes } from 'node:crypto';
import {
  CLUSTER_PREFIX,
  buildGatewayAndModelImages,
  clustersOwnedByLiveProcesses,
  containersNamed,
  createKindCluster,
  kindTestBedProblem,
  listKindClusters,
  MODEL_ANSWER,
  runOk,
  type GatewayAndModelImages,
  type KindCluster,
} from './kindCluster';

const log = (line: string): void => console.log(`  [kind] ${line}`);
const problem = kindTestBedProblem();
if (problem) throw new Error(`kind test bed not ready: ${problem}`);

let cluster: KindCluster | undefined;
let images: GatewayAndModelImages;
// a namespace of our own, so that a reused cluster (KUBE_TOPOLOGY_KIND_CLUSTER) is left as found
const ns = `kt-test-${randomBytes(3).toString('hex')}`;

before(
  async () => {
    let t = Date.now();
    images = await buildGatewayAndModelImages();
    log(`stand-in images ${images.gateway}, ${images.model} built in ${Date.now() - t} ms`);
    t = Date.now();
    cluster = await createKindCluster({ log });
    log(`cluster ${cluster.name} (${cluster.context}) ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  },
  { timeout: 600_000 },
);

after(
  async () => {
    if (!cluster) return;
    if (cluster.reused) await cluster.kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']).catch(() => undefined);
    await cluster.delete();
  },
  { timeout: 180_000 },
);

function manifests(gatewayImage: string, modelImage: string): string {
  return `apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: model, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: model}}
  template:
    metadata: {labels: {app: model}}
    spec:
      containers:
      - name: model
        image: ${modelImage}
        imagePullPolicy: IfNotPresent
        ports: [{containerPort: 8500}]
        readinessProbe: {httpGet: {path: /, port: 8500}, periodSeconds: 2}
---
apiVersion: v1
kind: Service
metadata: {name: model, namespace: ${ns}}
spec: {selector: {app: model}, ports: [{port: 8500, targetPort: 8500}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: gateway, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: gateway}}
  template:
    metadata: {labels: {app: gateway}}
    spec:
      containers:
      - name: gateway
        image: ${gatewayImage}
        imagePullPolicy: IfNotPresent
        env: [{name: TF_SERVING_HOST, value: "model.${ns}.svc.cluster.local:8500"}]
        ports: [{containerPort: 9696}]
---
apiVersion: v1
kind: Service
metadata: {name: gateway, namespace: ${ns}}
spec: {type: LoadBalancer, selector: {app: gateway}, ports: [{port: 80, targetPort: 9696}]}
`;
}

function httpGet(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, timeout: 15_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

test("the gateway answers with the model's answer, over Service DNS, through port-forward", { timeout: 300_000 }, async () => {
  const c = cluster!;
  let t = Date.now();
  await c.loadImages(images.gateway, images.model);
  log(`kind load docker-image ${images.gateway} ${images.model}: ${Date.now() - t} ms`);
  t = Date.now();
  await c.kubectl(['apply', '-f', '-'], { input: manifests(images.gateway, images.model) });
  await c.kubectl(['wait', '-n', ns, '--for=condition=Available', 'deployment/model', 'deployment/gateway', '--timeout=180s']);
  log(`applied; both Deployments Available after ${Date.now() - t} ms`);

  const pf = await c.portForward('svc/gateway', 80, { namespace: ns });
  try {
    let res: { status: number; body: string } | undefined;
    for (let i = 0; i < 20; i++) {
      res = await httpGet(pf.localPort, '/cgi-bin/predict').catch((e: Error) => ({ status: 0, body: e.message }));
      if (res.status === 200) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    assert.equal(res?.status, 200, `gateway answered ${res?.status}: ${res?.body}`);
    const answer = JSON.parse(res.body) as { gateway: string; model_host: string; model_answer: unknown };
    log(`gateway via port-forward :${pf.localPort} -> ${res.body.trim()}`);
    assert.equal(answer.gateway, 'kt-gateway');
    assert.equal(answer.model_host, `model.${ns}.svc.cluster.local:8500`);
    assert.deepEqual(answer.model_answer, MODEL_ANSWER);
  } finally {
    pf.close();
  }
});

test('a :latest image with no pull policy ends in ErrImagePull / ImagePullBackOff, even when loaded', { timeout: 180_000 }, async () => {
  const c = cluster!;
  const latest = images.model.replace(/:[^:/]+$/, ':latest');
  await runOk('docker', ['tag', images.model, latest]);
  try {
    await c.loadImages(latest);
  } finally {
    await runOk('docker', ['rmi', latest]); // only the tag; kt-model:v1 stays
  }
  // no imagePullPolicy: for :latest the default is Always, and there is no registry
  await c.kubectl(['run', 'latest-trap', '-n', ns, `--image=${latest}`, '--restart=Never']);
  let reason = '';
  for (let i = 0; i < 90 && !/^(ErrImagePull|ImagePullBackOff)$/.test(reason); i++) {
    await new Promise((r) => setTimeout(r, 1000));
    reason = await c.kubectl(['get', 'pod', 'latest-trap', '-n', ns, '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}']);
  }
  log(`${latest} with the default pull policy: ${reason}`);
  assert.match(reason, /^(ErrImagePull|ImagePullBackOff)$/);
  const policy = await c.kubectl(['get', 'pod', 'latest-trap', '-n', ns, '-o', 'jsonpath={.spec.containers[0].imagePullPolicy}']);
  assert.equal(policy, 'Always');
});

test('delete() removes the cluster and leaves no kt- containers behind', { timeout: 180_000 }, async (t) => {
  const c = cluster!;
  if (c.reused) {
    t.skip('KUBE_TOPOLOGY_KIND_CLUSTER is set: a reused cluster is never deleted');
    return;
  }
  const t0 = Date.now();
  await c.delete();
  log(`deleted ${c.name} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  assert.ok(!(await listKindClusters()).includes(c.name), `${c.name} still listed by kind get clusters`);
  assert.deepEqual(await containersNamed(c.name), [], `containers of ${c.name} remain`);
  // kt- containers of clusters other live test processes own are theirs to delete
  const others = clustersOwnedByLiveProcesses().filter((n) => n !== c.name);
  const stray = (await containersNamed(CLUSTER_PREFIX)).filter((n) => !others.some((o) => n.startsWith(`${o}-`)));
  assert.deepEqual(stray, [], 'kt- containers remain');
  await c.delete(); // idempotent
});
