/**
 * The bundled metrics-server manifest: found the way the packaged CLI finds it, the upstream
 * release objects with the one kind change, each annotated as ours; a manifest that is not the
 * shipped one is refused; and the CLI's --dry-run says exactly what would be installed where.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ADDON_ANNOTATION,
  ADDON_VALUE,
  describeObjects,
  findMetricsServerManifest,
  installSummary,
  metricsServerResources,
  METRICS_SERVER_IMAGE,
} from '../../../src/core/kind/metricsServer';
import { runCli } from '../../../src/cli/main';
import { memoryIo } from '../../support/memoryIo';

const manifest = findMetricsServerManifest(__dirname);

test('the manifest is found above the code (out/test/… here, dist/ in the package) with its licence beside it', () => {
  assert.ok(manifest, 'addons/metrics-server/components.yaml');
  assert.ok(fs.existsSync(path.join(path.dirname(manifest), 'LICENSE')));
  assert.match(fs.readFileSync(path.join(path.dirname(manifest), 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
  assert.match(fs.readFileSync(manifest, 'utf8'), /^# metrics-server v0\.8\.1 .*\n.*\n# with Kube Topology under the Apache License 2\.0/);
  assert.equal(findMetricsServerManifest(os.tmpdir()), undefined);
});

test('the release objects, the image pinned, --kubelet-insecure-tls added, every object annotated as ours', () => {
  const resources = metricsServerResources(manifest!, fs.readFileSync(manifest!, 'utf8'));
  assert.deepEqual(describeObjects(resources), [
    'ServiceAccount metrics-server in kube-system',
    'ClusterRole system:aggregated-metrics-reader (cluster-wide)',
    'ClusterRole system:metrics-server (cluster-wide)',
    'RoleBinding metrics-server-auth-reader in kube-system',
    'ClusterRoleBinding metrics-server:system:auth-delegator (cluster-wide)',
    'ClusterRoleBinding system:metrics-server (cluster-wide)',
    'Service metrics-server in kube-system',
    'Deployment metrics-server in kube-system',
    'APIService v1beta1.metrics.k8s.io (cluster-wide)',
  ]);
  for (const r of resources) assert.equal((r.object.metadata as { annotations: Record<string, string> }).annotations[ADDON_ANNOTATION], ADDON_VALUE);
  const deployment = resources.find((r) => r.kind === 'Deployment')!;
  const container = (deployment.object as { spec: { template: { spec: { containers: { image: string; args: string[]; imagePullPolicy: string }[] } } } }).spec
    .template.spec.containers[0];
  assert.equal(container.image, METRICS_SERVER_IMAGE);
  assert.equal(container.imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(container.args, [
    '--cert-dir=/tmp',
    '--secure-port=10250',
    '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
    '--kubelet-use-node-status-port',
    '--metric-resolution=15s',
    '--kubelet-insecure-tls',
  ]);
  // the parsed file itself is untouched (the annotation is added to copies)
  assert.doesNotMatch(fs.readFileSync(manifest!, 'utf8'), /kube-topology\.io\/addon/);
  assert.match(installSummary(resources), /into namespace kube-system: 9 objects/);
});

test('a manifest that is not the shipped one is refused', () => {
  const text = fs.readFileSync(manifest!, 'utf8');
  assert.throws(
    () => metricsServerResources('x.yaml', text.replace('        - --kubelet-insecure-tls\n', '')),
    /not the bundled metrics-server v0\.8\.1 manifest/,
  );
  assert.throws(() => metricsServerResources('x.yaml', text.replace(':v0.8.1', ':latest')), /not the bundled/);
  assert.throws(() => metricsServerResources('x.yaml', 'kind: [unclosed'), /x\.yaml/);
});

test('CLI: kind-addons metrics-server --dry-run lists what and where, and how to remove it', async () => {
  const io = memoryIo(os.tmpdir());
  assert.equal(await runCli(['kind-addons', 'metrics-server', '--dry-run'], io), 0, io.err);
  assert.match(io.out, /^Installs metrics-server v0\.8\.1 .*into namespace kube-system: 9 objects/);
  assert.ok(io.out.includes('\n  Deployment metrics-server in kube-system\n'), io.out);
  assert.match(io.out, /kube-topology kind-addons metrics-server --remove/);
  const bad = memoryIo(os.tmpdir());
  assert.equal(await runCli(['kind-addons', 'ingress-nginx'], bad), 2);
  assert.match(bad.err, /kind-addons knows one addon/);
});
