import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, at, crossFindings, located, none, single, withCode } from './crossHelpers';

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: gateway
spec:
  selector:
    matchLabels:
      app: gateway
  template:
    metadata:
      labels:
        app: gateway
        tier: web
    spec:
      containers:
        - name: gateway
          image: clothing-gateway:002
          ports:
            - containerPort: 9696
`;

const service = (selector: string, ports = '    - port: 80\n      targetPort: 9696\n') => `apiVersion: v1
kind: Service
metadata:
  name: gateway
spec:
  type: LoadBalancer
  selector:
${selector}  ports:
${ports}`;

// ---------------------------------------------------------------- service-selector-no-match

test('service-selector-no-match: a one-letter typo is a warning with the nearest workload and a fix (a guess never raises the severity)', () => {
  const svc = service('    app: gatway\n');
  const files = { 'deploy.yaml': DEPLOY, 'svc.yaml': svc };
  const f = single(crossFindings(files), 'service-selector-no-match');
  assert.equal(f.severity, 'warning');
  assert.equal(at(f), located('svc.yaml', svc, 'gatway'));
  assert.match(f.message, /Service gateway \(entry point, LoadBalancer\) selects pods with app=gatway/);
  assert.match(f.message, /no endpoints/);
  assert.match(f.message, /Nearest: Deployment gateway, whose pods differ in app is gateway, not gatway\./);
  assert.deepEqual(f.related?.map(at), [located('deploy.yaml', DEPLOY, 'gateway', 2)]);
  assert.equal(f.fixes?.length, 1);
  assert.equal(f.fixes[0].title, 'Select app=gateway (the pods of Deployment gateway)');
  const fixed = applyFix(files, f.fixes[0]);
  assert.equal(fixed['svc.yaml'], service('    app: gateway\n'));
  none(crossFindings(fixed));
});

test("service-selector-no-match: in kube-system, pods no workload of the unit has may be the cluster's own (CoreDNS): info, not a warning", () => {
  // node-local DNS's shape: its own DaemonSet in kube-system, and a Service selecting the cluster's DNS pods.
  const ds = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-local-dns
  namespace: kube-system
spec:
  selector:
    matchLabels:
      k8s-app: node-local-dns
  template:
    metadata:
      labels:
        k8s-app: node-local-dns
    spec:
      containers:
        - name: node-cache
          image: registry.k8s.io/dns/k8s-dns-node-cache:1.26.4
`;
  const upstream = `apiVersion: v1
kind: Service
metadata:
  name: kube-dns-upstream
  namespace: kube-system
spec:
  selector:
    k8s-app: kube-dns
  ports:
    - name: dns
      port: 53
      protocol: UDP
`;
  const f = single(crossFindings({ 'ds.yaml': ds, 'svc.yaml': upstream }), 'service-selector-no-match');
  assert.equal(f.severity, 'info');
  assert.equal(at(f), located('svc.yaml', upstream, 'selector'));
  assert.match(f.message, /Service kube-dns-upstream selects pods with k8s-app=kube-dns: .*the cluster runs its own pods in kube-system .*not checked further/);
  // The same two objects in any other namespace: no workload there has the labels, a warning.
  const other = (t: string) => t.replace('namespace: kube-system', 'namespace: dns');
  assert.equal(single(crossFindings({ 'ds.yaml': other(ds), 'svc.yaml': other(upstream) }), 'service-selector-no-match').severity, 'warning');
});

test('service-selector-no-match: a quoted selector value keeps its quotes when fixed', () => {
  const svc = service('    app: "gatway-v3"\n');
  const deploy = DEPLOY.replace(/app: gateway/g, 'app: gateway-v3');
  const files = { 'deploy.yaml': deploy, 'svc.yaml': svc };
  const f = single(crossFindings(files), 'service-selector-no-match');
  assert.equal(at(f), located('svc.yaml', svc, '"gatway-v3"'));
  const fixed = applyFix(files, f.fixes![0]);
  assert.equal(fixed['svc.yaml'], service('    app: "gateway-v3"\n'));
  none(crossFindings(fixed));
});

test('service-selector-no-match: a second differing value or a missing label: named in the message, fixed only when safe', () => {
  const svc = service('    app: gateway\n    tier: backend\n');
  const f = single(crossFindings({ 'deploy.yaml': DEPLOY, 'svc.yaml': svc }), 'service-selector-no-match');
  assert.equal(f.severity, 'warning');
  assert.equal(at(f), located('svc.yaml', svc, 'backend'));
  assert.match(f.message, /differ in tier is web, not backend/);
  assert.equal(f.fixes, undefined, 'web is not a likely typo of backend: which side is wrong is for a person to decide');
  const svc1 = service('    app: gateway\n    tier: wbe-tier\n');
  const d1 = DEPLOY.replace('tier: web', 'tier: web-tier');
  const f1 = single(crossFindings({ 'deploy.yaml': d1, 'svc.yaml': svc1 }), 'service-selector-no-match');
  assert.equal(f1.fixes?.[0].title, 'Select tier=web-tier (the pods of Deployment gateway)');
  assert.equal(f1.fixes?.[0].preferred, undefined, 'a guess is never applied by auto fix');

  const svc2 = service('    app: gateway\n    version: v1\n');
  const g = single(crossFindings({ 'deploy.yaml': DEPLOY, 'svc.yaml': svc2 }), 'service-selector-no-match');
  assert.equal(at(g), located('svc.yaml', svc2, 'v1', 1));
  assert.match(g.message, /version is missing \(wanted v1\)/);
  assert.equal(g.fixes, undefined, 'adding a label to the pods is not a safe automatic change');
  assert.deepEqual(g.related?.map(at), [located('deploy.yaml', DEPLOY, 'labels')]);
});

test('service-selector-no-match: nothing similar in the namespace is a warning on the selector key', () => {
  const svc = service('    app: payments\n');
  const f = single(crossFindings({ 'deploy.yaml': DEPLOY, 'svc.yaml': svc }), 'service-selector-no-match');
  assert.equal(f.severity, 'warning');
  assert.equal(at(f), located('svc.yaml', svc, 'selector'));
  assert.equal(f.fixes, undefined);
  assert.equal(f.related, undefined);
  assert.doesNotMatch(f.message, /Nearest/);
});

test('service-selector-no-match: negatives (match in another file, Pods, CronJobs, no selector, ExternalName)', () => {
  none(crossFindings({ 'deploy.yaml': DEPLOY, 'svc.yaml': service('    app: gateway\n') }), 'service-selector-no-match');
  none(crossFindings({ 'all.yaml': `${DEPLOY}---\n${service('    app: gateway\n    tier: web\n')}` }), 'service-selector-no-match');
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\n  labels: {app: debug}\nspec:\n  containers: [{name: c, image: busybox}]\n';
  const cron =
    'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: report}\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        metadata: {labels: {app: report}}\n        spec: {containers: [{name: c, image: x}], restartPolicy: Never}\n';
  const svcs =
    'apiVersion: v1\nkind: Service\nmetadata: {name: debug}\nspec: {selector: {app: debug}, ports: [{port: 80}]}\n---\n' +
    'apiVersion: v1\nkind: Service\nmetadata: {name: report}\nspec: {selector: {app: report}, ports: [{port: 80}]}\n---\n' +
    'apiVersion: v1\nkind: Service\nmetadata: {name: manual}\nspec: {ports: [{port: 80}]}\n---\n' +
    'apiVersion: v1\nkind: Service\nmetadata: {name: empty}\nspec: {selector: {}, ports: [{port: 80}]}\n---\n' +
    'apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec: {type: ExternalName, externalName: db.example.com, selector: {app: nothing}}\n';
  none(crossFindings({ 'pod.yaml': pod, 'cron.yaml': cron, 'svcs.yaml': svcs }), 'service-selector-no-match');
});

test('service-selector-no-match: the nearest workload is the one that differs least', () => {
  // Both satisfy two of the three entries; the tie goes to the workload named like the Service, although api comes first.
  const api = DEPLOY.replace('name: gateway', 'name: api')
    .replace(/app: gateway/g, 'app: api')
    .replace('tier: web', 'tier: web\n        track: stable');
  const svc = service('    app: gateway\n    tier: web\n    track: stable\n');
  const f = single(crossFindings({ 'a.yaml': api, 'b.yaml': DEPLOY, 'svc.yaml': svc }), 'service-selector-no-match');
  assert.match(f.message, /Nearest: Deployment gateway, whose pods differ in track is missing \(wanted stable\)\.$/);
  assert.equal(at(f), located('svc.yaml', svc, 'stable'));
});

// ---------------------------------------------------------------- service-target-port-missing

test('service-target-port-missing: a numeric targetPort no container declares is a warning with a fix', () => {
  const svc = service('    app: gateway\n', '    - port: 80\n      targetPort: 8080\n');
  const files = { 'deploy.yaml': DEPLOY, 'svc.yaml': svc };
  const f = single(crossFindings(files), 'service-target-port-missing');
  assert.equal(f.severity, 'warning');
  assert.equal(at(f), located('svc.yaml', svc, '8080'));
  assert.equal(
    f.message,
    'targetPort 8080 is not a containerPort of Deployment gateway (declared: 9696). Traffic from Service gateway still goes to port 8080 on the pods, so requests fail unless the app listens there.',
  );
  assert.deepEqual(f.related?.map(at), [located('deploy.yaml', DEPLOY, 'ports')]);
  const fixed = applyFix(files, f.fixes![0]);
  assert.equal(fixed['svc.yaml'], service('    app: gateway\n', '    - port: 80\n      targetPort: 9696\n'));
  none(crossFindings(fixed));
});

test('service-target-port-missing: a named targetPort that no container has is an error', () => {
  const svc = service('    app: gateway\n', '    - port: 80\n      targetPort: http\n');
  const files = { 'deploy.yaml': DEPLOY, 'svc.yaml': svc };
  const f = single(crossFindings(files), 'service-target-port-missing');
  assert.equal(f.severity, 'error');
  assert.equal(at(f), located('svc.yaml', svc, 'http'));
  assert.match(
    f.message,
    /^targetPort http names no container port of Deployment gateway \(declared: 9696\): Service gateway sends no traffic to these pods\.$/,
  );
  // The only container port has no name, so the fix points at its number.
  const fixed = applyFix(files, f.fixes![0]);
  assert.equal(fixed['svc.yaml'], service('    app: gateway\n', '    - port: 80\n      targetPort: 9696\n'));
  none(crossFindings(fixed));
  // With a named container port the fix keeps using a name.
  const named = DEPLOY.replace('- containerPort: 9696', '- name: web\n              containerPort: 9696');
  const g = single(crossFindings({ 'deploy.yaml': named, 'svc.yaml': svc }), 'service-target-port-missing');
  assert.equal(
    applyFix({ 'deploy.yaml': named, 'svc.yaml': svc }, g.fixes![0])['svc.yaml'],
    service('    app: gateway\n', '    - port: 80\n      targetPort: web\n'),
  );
});

test('service-target-port-missing: an omitted targetPort defaults to port; the fix adds targetPort with the right indentation', () => {
  const svc = service('    app: gateway\n', '    - name: http\n      port: 80\n');
  const files = { 'deploy.yaml': DEPLOY, 'svc.yaml': svc };
  const f = single(crossFindings(files), 'service-target-port-missing');
  assert.equal(at(f), located('svc.yaml', svc, '80'));
  assert.match(f.message, /^targetPort is not set, so it defaults to port 80, which is not a containerPort of Deployment gateway/);
  const fixed = applyFix(files, f.fixes![0]);
  assert.equal(fixed['svc.yaml'], service('    app: gateway\n', '    - name: http\n      port: 80\n      targetPort: 9696\n'));
  none(crossFindings(fixed));
});

test('service-target-port-missing: negatives and the no-fix case', () => {
  // Declared by number, by name, or a sidecar init container; workloads without declared ports are not judged.
  none(crossFindings({ 'deploy.yaml': DEPLOY, 'svc.yaml': service('    app: gateway\n') }), 'service-target-port-missing');
  const named = DEPLOY.replace('- containerPort: 9696', '- name: web\n              containerPort: 9696');
  none(
    crossFindings({ 'deploy.yaml': named, 'svc.yaml': service('    app: gateway\n', '    - port: 80\n      targetPort: web\n') }),
    'service-target-port-missing',
  );
  const noPorts = DEPLOY.replace('          ports:\n            - containerPort: 9696\n', '');
  none(
    crossFindings({ 'deploy.yaml': noPorts, 'svc.yaml': service('    app: gateway\n', '    - port: 80\n      targetPort: 8080\n') }),
    'service-target-port-missing',
  );
  const sidecar = DEPLOY.replace(
    '      containers:\n',
    '      initContainers:\n        - name: proxy\n          image: envoy\n          restartPolicy: Always\n          ports:\n            - containerPort: 15001\n      containers:\n',
  );
  none(
    crossFindings({ 'deploy.yaml': sidecar, 'svc.yaml': service('    app: gateway\n', '    - port: 80\n      targetPort: 15001\n') }),
    'service-target-port-missing',
  );
  // Two candidate ports: reported, but which one is meant is not guessed.
  const two = DEPLOY.replace('- containerPort: 9696', '- containerPort: 9696\n            - containerPort: 9697');
  const f = single(
    crossFindings({ 'deploy.yaml': two, 'svc.yaml': service('    app: gateway\n', '    - port: 80\n      targetPort: 8080\n') }),
    'service-target-port-missing',
  );
  assert.match(f.message, /declared: 9696, 9697/);
  assert.equal(f.fixes, undefined);
});

test('service-target-port-missing: each Service port is judged separately', () => {
  const svc = service(
    '    app: gateway\n',
    '    - name: web\n      port: 80\n      targetPort: 9696\n    - name: metrics\n      port: 9090\n      targetPort: metrics\n',
  );
  const list = withCode(crossFindings({ 'deploy.yaml': DEPLOY, 'svc.yaml': svc }), 'service-target-port-missing');
  assert.deepEqual(list.map(at), [located('svc.yaml', svc, 'metrics', 1)]);
});

test('service-selector-no-match: a namespace without any workload in the workspace is not judged', () => {
  // Only Services here (the Deployments come from a chart): nothing to compare with.
  none(crossFindings({ 'svc.yaml': service('    app: gateway\n') }));
  none(
    crossFindings({
      'deploy.yaml': DEPLOY.replace('  name: gateway\n', '  name: gateway\n  namespace: other\n').replace(/app: gateway/g, 'app: x'),
      'svc.yaml': service('    app: gateway\n'),
    }),
  );
});
