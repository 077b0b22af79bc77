import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_CHANGES } from '../../../src/core/schema/removedApis';
import { release, resolveRelease, apiAvailability } from '../../../src/core/schema/store';
import { at, schemaFindings, show } from './helpers';

test('extensions/v1beta1 Deployment is reported as removed in 1.16 with apps/v1 as the replacement', () => {
  const text = `apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
`;
  const findings = schemaFindings(text);
  assert.equal(findings.length, 1, show(findings));
  const f = findings[0];
  assert.equal(f.code, 'api-version-removed');
  assert.equal(f.severity, 'error');
  assert.match(f.message, /^extensions\/v1beta1 Deployment was removed in Kubernetes 1\.16; use apps\/v1 \(spec\.selector is required/);
  assert.deepEqual(f.range, at(1, 13, 31));
  // Without a selector the object is not valid apps/v1, so a bare apiVersion rename is not offered.
  assert.equal(f.fixes, undefined);

  const withSelector = text.replace('spec:\n  template:', 'spec:\n  selector: {matchLabels: {app: web}}\n  template:');
  const fixed = schemaFindings(withSelector);
  assert.equal(fixed.length, 1, show(fixed));
  assert.equal(fixed[0].fixes?.length, 1);
  assert.equal(fixed[0].fixes?.[0].edits[0].newText, 'apps/v1');
  assert.equal(fixed[0].fixes?.[0].preferred, undefined, 'defaults differ: offered, never auto-applied');
});

test('autoscaling/v2beta2 HPA is removed (1.26) with a preferred fix to autoscaling/v2; no schema noise on top', () => {
  const text = `apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 3
  notAField: true
`;
  const findings = schemaFindings(text, { kubernetesVersion: '1.28' });
  assert.equal(findings.length, 1, show(findings));
  assert.equal(findings[0].message, 'autoscaling/v2beta2 HorizontalPodAutoscaler was removed in Kubernetes 1.26; use autoscaling/v2');
  assert.deepEqual(findings[0].fixes, [
    { title: 'Change apiVersion to autoscaling/v2', edits: [{ file: 'test.yaml', range: at(1, 13, 32), newText: 'autoscaling/v2' }], preferred: true },
  ]);
});

test('removed Ingress APIs name the replacement and what changed, without a rename fix', () => {
  for (const apiVersion of ['extensions/v1beta1', 'networking.k8s.io/v1beta1']) {
    const findings = schemaFindings(`apiVersion: ${apiVersion}\nkind: Ingress\nmetadata: {name: x}\nspec:\n  backend: {serviceName: web, servicePort: 80}\n`);
    assert.equal(findings.length, 1, show(findings));
    assert.match(
      findings[0].message,
      new RegExp(`^${apiVersion.replace(/[./]/g, '\\$&')} Ingress was removed in Kubernetes 1\\.22; use networking\\.k8s\\.io/v1 \\(`),
    );
    assert.equal(findings[0].fixes, undefined);
  }
});

test('PodSecurityPolicy has no replacement API', () => {
  const findings = schemaFindings('apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: p}\n');
  assert.equal(findings.length, 1, show(findings));
  assert.match(findings[0].message, /removed in Kubernetes 1\.25 and has no replacement API; use Pod Security Admission/);
});

test('version switch: flowcontrol v1beta3 is deprecated in 1.29–1.31 and removed from 1.32; v1 needs 1.29', () => {
  const v1beta3 =
    'apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata: {name: f}\nspec:\n  priorityLevelConfiguration: {name: global-default}\n';
  assert.deepEqual(schemaFindings(v1beta3, { kubernetesVersion: '1.28' }), []);
  const deprecated = schemaFindings(v1beta3, { kubernetesVersion: '1.30' });
  assert.equal(deprecated.length, 1, show(deprecated));
  assert.equal(deprecated[0].code, 'api-version-deprecated');
  assert.equal(deprecated[0].severity, 'warning');
  assert.match(
    deprecated[0].message,
    /^flowcontrol\.apiserver\.k8s\.io\/v1beta3 FlowSchema is deprecated since Kubernetes 1\.29 and is removed in 1\.32; use flowcontrol\.apiserver\.k8s\.io\/v1/,
  );
  const removed = schemaFindings(v1beta3, { kubernetesVersion: '1.32' });
  assert.equal(removed.length, 1, show(removed));
  assert.equal(removed[0].code, 'api-version-removed');

  const v1 = v1beta3.replace('/v1beta3', '/v1');
  assert.deepEqual(schemaFindings(v1, { kubernetesVersion: '1.36' }), []);
  const tooOld = schemaFindings(v1, { kubernetesVersion: '1.28' });
  assert.equal(tooOld.length, 1, show(tooOld));
  assert.equal(tooOld[0].code, 'api-version-unavailable');
  assert.equal(
    tooOld[0].message,
    'flowcontrol.apiserver.k8s.io/v1 FlowSchema is not served by Kubernetes 1.28 (it is served from 1.29); FlowSchema is served as flowcontrol.apiserver.k8s.io/v1beta2 or flowcontrol.apiserver.k8s.io/v1beta3',
  );
});

test('version switch: resource.k8s.io/v1 is new in 1.34; alpha APIs that went away say when they were served', () => {
  const claim = 'apiVersion: resource.k8s.io/v1\nkind: ResourceClaim\nmetadata: {name: c}\nspec: {}\n';
  assert.deepEqual(schemaFindings(claim, { kubernetesVersion: '1.36' }), []);
  const old = schemaFindings(claim, { kubernetesVersion: '1.30' });
  assert.equal(old.length, 1, show(old));
  assert.match(old[0].message, /not served by Kubernetes 1\.30 \(it is served from 1\.34\); ResourceClaim is served as resource\.k8s\.io\/v1alpha2/);
  const gone = schemaFindings('apiVersion: resource.k8s.io/v1alpha2\nkind: ResourceClass\nmetadata: {name: c}\ndriverName: d\n', { kubernetesVersion: '1.36' });
  assert.equal(gone.length, 1, show(gone));
  assert.equal(gone[0].message, 'resource.k8s.io/v1alpha2 ResourceClass is not served by Kubernetes 1.36 (it was served in 1.28–1.30)');
});

test('v1 Endpoints is deprecated from 1.33 in favour of EndpointSlice', () => {
  const text = 'apiVersion: v1\nkind: Endpoints\nmetadata: {name: e}\nsubsets: []\n';
  assert.deepEqual(schemaFindings(text, { kubernetesVersion: '1.32' }), []);
  const findings = schemaFindings(text, { kubernetesVersion: '1.33' });
  assert.equal(findings.length, 1, show(findings));
  assert.match(findings[0].message, /^v1 Endpoints is deprecated since Kubernetes 1\.33; use discovery\.k8s\.io\/v1 EndpointSlice/);
});

test('the removed-API table covers the old betas and every replacement exists in the newest schemas', () => {
  const keys = new Set(API_CHANGES.flatMap((c) => c.kinds.map((k) => `${c.apiVersion} ${k}`)));
  for (const k of [
    'extensions/v1beta1 Deployment',
    'extensions/v1beta1 DaemonSet',
    'extensions/v1beta1 ReplicaSet',
    'extensions/v1beta1 Ingress',
    'extensions/v1beta1 NetworkPolicy',
    'extensions/v1beta1 PodSecurityPolicy',
    'apps/v1beta1 Deployment',
    'apps/v1beta2 StatefulSet',
    'autoscaling/v2beta1 HorizontalPodAutoscaler',
    'autoscaling/v2beta2 HorizontalPodAutoscaler',
    'networking.k8s.io/v1beta1 Ingress',
    'networking.k8s.io/v1beta1 IngressClass',
    'policy/v1beta1 PodDisruptionBudget',
    'policy/v1beta1 PodSecurityPolicy',
    'batch/v1beta1 CronJob',
    'rbac.authorization.k8s.io/v1beta1 ClusterRole',
    'storage.k8s.io/v1beta1 CSIDriver',
    'storage.k8s.io/v1beta1 CSINode',
    'storage.k8s.io/v1beta1 StorageClass',
    'storage.k8s.io/v1beta1 VolumeAttachment',
    'storage.k8s.io/v1beta1 CSIStorageCapacity',
    'admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfiguration',
    'apiextensions.k8s.io/v1beta1 CustomResourceDefinition',
    'apiregistration.k8s.io/v1beta1 APIService',
    'certificates.k8s.io/v1beta1 CertificateSigningRequest',
    'coordination.k8s.io/v1beta1 Lease',
    'scheduling.k8s.io/v1beta1 PriorityClass',
    'discovery.k8s.io/v1beta1 EndpointSlice',
    'events.k8s.io/v1beta1 Event',
    'node.k8s.io/v1beta1 RuntimeClass',
    'flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema',
    'flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema',
    'flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration',
  ]) {
    assert.ok(keys.has(k), `missing ${k}`);
  }
  const newest = release('1.36');
  for (const c of API_CHANGES) {
    if (!c.replacements.length) continue;
    for (const kind of c.kinds) {
      const served = c.replacements.some((r) => newest.rootOf(r, c.replacementKind ?? kind));
      assert.ok(served, `${c.apiVersion} ${kind}: no replacement served in 1.36`);
    }
    // A removed apiVersion must not be in the generated schemas after its removal.
    if (c.removedIn) {
      const history = apiAvailability().apiVersions[c.apiVersion] ?? {};
      for (const kind of c.kinds) {
        for (const r of history[kind] ?? [])
          assert.ok(r.localeCompare(c.removedIn, undefined, { numeric: true }) < 0, `${c.apiVersion} ${kind} served in ${r}`);
      }
    }
  }
});

test('Kubernetes versions resolve to a generated release', () => {
  assert.equal(resolveRelease('1.30'), '1.30');
  assert.equal(resolveRelease('v1.31.4'), '1.31');
  assert.equal(resolveRelease('1.20'), '1.28');
  assert.equal(resolveRelease('1.99'), '1.36');
  assert.equal(resolveRelease('latest'), '1.36');
  assert.equal(resolveRelease(undefined), '1.36');
});
