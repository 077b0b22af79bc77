import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { validatorStats } from '../../../src/core/schema/validator';
import { at, DEPLOYMENT, schemaFindings, show } from './helpers';

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: gateway
spec:
  type: ClusterIP
  selector:
    app: gateway
  ports:
    - name: http
      port: 80
      targetPort: http
    - name: metrics
      port: 9090
      targetPort: 9696
`;

const HPA = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: gateway
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: gateway
  minReplicas: 1
  maxReplicas: 5
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 60
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
      policies:
        - type: Percent
          value: 50
          periodSeconds: 60
`;

const INGRESS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: gateway
  annotations:
    nginx.ingress.kubernetes.io/rewrite-target: /
spec:
  ingressClassName: nginx
  tls:
    - hosts: [gateway.localtest.me]
      secretName: gateway-tls
  rules:
    - host: gateway.localtest.me
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: gateway
                port:
                  number: 80
`;

test('valid Deployment, Service, autoscaling/v2 HPA, networking.k8s.io/v1 Ingress and ConfigMap have no schema findings', () => {
  const text = [DEPLOYMENT, SERVICE, HPA, INGRESS, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {A: "1"}\n'].join('---\n');
  for (const version of ['1.28', '1.32', '1.36']) {
    const findings = schemaFindings(text, { kubernetesVersion: version });
    assert.equal(findings.length, 0, `${version}:\n${show(findings)}`);
  }
});

test('a wrong type is reported on the value with what was expected and what was found', () => {
  const findings = schemaFindings(DEPLOYMENT.replace('replicas: 2', 'replicas: asd'));
  assert.equal(findings.length, 1, show(findings));
  assert.equal(findings[0].code, 'schema-type');
  assert.equal(findings[0].severity, 'error');
  assert.equal(findings[0].message, 'spec.replicas must be an integer, got "asd"');
  assert.deepEqual(findings[0].range, at(8, 13, 16));
  assert.equal(findings[0].resource?.kind, 'Deployment');
});

test('a quoted number where an integer is required gets an unquote fix; a number where a string is required gets a quote fix', () => {
  const text = DEPLOYMENT.replace('replicas: 2', 'replicas: "2"').replace('    app: gateway\nspec:', '    app: gateway\n    version: 1.10\nspec:');
  const findings = schemaFindings(text);
  assert.equal(findings.length, 2, show(findings));
  const [label, replicas] = findings;
  assert.equal(label.message, 'metadata.labels.version must be a string, got 1.1 — quote it: "1.10"');
  assert.deepEqual(label.range, at(7, 14, 18));
  assert.equal(label.fixes?.[0].edits[0].newText, '"1.10"');
  assert.equal(label.fixes?.[0].preferred, true);
  assert.equal(replicas.message, 'spec.replicas must be an integer, got "2" — remove the quotes');
  assert.deepEqual(replicas.fixes?.[0].edits[0], { file: 'test.yaml', range: at(9, 13, 16), newText: '2' });
});

test('unknown field in DaemonSet.spec: replicas is an error on the key with advice', () => {
  const text = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
spec:
  replicas: 3
  selector:
    matchLabels: {app: node-agent}
  template:
    metadata:
      labels: {app: node-agent}
    spec:
      containers:
        - name: agent
          image: agent:1
`;
  const findings = schemaFindings(text);
  assert.equal(findings.length, 1, show(findings));
  assert.equal(findings[0].code, 'schema-unknown-field');
  assert.match(findings[0].message, /^unknown field "replicas" in DaemonSet\.spec — .*did you mean a Deployment/);
  assert.deepEqual(findings[0].range, at(6, 3, 11));
});

test('a misspelt field gets "did you mean" and a rename fix on the key, and is not also reported as missing', () => {
  const text = DEPLOYMENT.replace('      containers:', '      contianers:');
  const findings = schemaFindings(text);
  assert.equal(findings.length, 1, show(findings));
  const f = findings[0];
  assert.equal(f.message, 'unknown field "contianers" in Deployment.spec.template.spec — did you mean "containers"?');
  assert.deepEqual(f.range, at(17, 7, 17));
  assert.equal(f.fixes?.length, 1);
  assert.deepEqual(f.fixes?.[0].edits, [{ file: 'test.yaml', range: at(17, 7, 17), newText: 'containers' }]);
  // Renaming to a field that is required and missing is the one obvious fix.
  assert.equal(f.fixes?.[0].preferred, true);
});

test('a field far from any known name gets no did-you-mean; a misplaced one points to where it belongs', () => {
  const findings = schemaFindings(DEPLOYMENT.replace('  replicas: 2', '  replicas: 2\n  flavour: large\n  containers: []'));
  assert.equal(findings.length, 2, show(findings));
  assert.equal(findings[0].message, 'unknown field "flavour" in Deployment.spec');
  assert.equal(findings[0].fixes, undefined);
  assert.equal(findings[1].message, 'unknown field "containers" in Deployment.spec — did you mean spec.template.spec.containers?');
});

test('metadata (ObjectMeta) is validated strictly too', () => {
  const findings = schemaFindings(DEPLOYMENT.replace('  labels:\n    app: gateway\nspec:', '  lables:\n    app: gateway\nspec:'));
  assert.equal(findings.length, 1, show(findings));
  assert.equal(findings[0].message, 'unknown field "lables" in Deployment.metadata — did you mean "labels"?');
  assert.deepEqual(findings[0].range, at(5, 3, 9));
});

test('a missing required field is reported on the key of the object that needs it', () => {
  const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      restartPolicy: Always
`;
  const findings = schemaFindings(text);
  assert.equal(findings.length, 1, show(findings));
  assert.equal(findings[0].code, 'schema-required');
  assert.equal(findings[0].message, 'missing required field "containers" in Deployment.spec.template.spec');
  assert.deepEqual(findings[0].range, at(11, 5, 9));
});

test('enum violations list the allowed values and offer the close one', () => {
  const findings = schemaFindings(SERVICE.replace('type: ClusterIP', 'type: Nodeport'));
  assert.equal(findings.length, 1, show(findings));
  const f = findings[0];
  assert.equal(f.code, 'schema-enum');
  assert.equal(f.message, 'spec.type must be one of ClusterIP, NodePort, LoadBalancer, ExternalName; got "Nodeport" — did you mean "NodePort"?');
  assert.deepEqual(f.range, at(6, 9, 17));
  assert.equal(f.fixes?.[0].edits[0].newText, 'NodePort');
  assert.equal(f.fixes?.[0].preferred, true);
  const pull = schemaFindings(DEPLOYMENT.replace('imagePullPolicy: IfNotPresent', 'imagePullPolicy: Sometimes'));
  assert.equal(pull.length, 1, show(pull));
  assert.equal(pull[0].message, 'spec.template.spec.containers[0].imagePullPolicy must be one of Always, IfNotPresent, Never; got "Sometimes"');
  assert.equal(pull[0].fixes, undefined);
  // A number there is one mistake (the type), not two.
  const typed = schemaFindings(DEPLOYMENT.replace('imagePullPolicy: IfNotPresent', 'imagePullPolicy: 3'));
  assert.deepEqual(
    typed.map((f) => f.code),
    ['schema-type'],
    show(typed),
  );
});

test('int-or-string accepts 9696 and "http" (targetPort, probe port) but not a mapping or a fraction', () => {
  assert.deepEqual(schemaFindings(SERVICE), []);
  const findings = schemaFindings(SERVICE.replace('targetPort: 9696', 'targetPort: 96.5'));
  assert.equal(findings.length, 1, show(findings));
  assert.equal(findings[0].message, 'spec.ports[1].targetPort must be an integer or a string, got 96.5');
  assert.deepEqual(findings[0].range, at(15, 19, 23));
});

test('quantities: cpu 1, 0.5, 500m and memory 1Gi, 512M, 1e9 are valid; 1GB is not, with a suggestion', () => {
  for (const [cpu, memory] of [
    ['1', '1Gi'],
    ['0.5', '512M'],
    ['500m', '1e9'],
    ['"2"', '128974848'],
    ['100m', '129e6'],
  ]) {
    const text = DEPLOYMENT.replace('cpu: 1\n', `cpu: ${cpu}\n`).replace('memory: 2Gi', `memory: ${memory}`);
    assert.deepEqual(schemaFindings(text), [], `${cpu} ${memory}`);
  }
  const findings = schemaFindings(DEPLOYMENT.replace('memory: 2Gi', 'memory: 2GB').replace('cpu: 500m', 'cpu: 500 m'));
  assert.equal(findings.length, 2, show(findings));
  assert.equal(findings[0].code, 'schema-format');
  assert.equal(
    findings[0].message,
    'spec.template.spec.containers[0].resources.requests.cpu must be a quantity like 500m, 2, 128Mi or 1Gi; got "500 m" — did you mean "500m"?',
  );
  assert.equal(
    findings[1].message,
    'spec.template.spec.containers[0].resources.limits.memory must be a quantity like 500m, 2, 128Mi or 1Gi; got "2GB" — did you mean "2G" or "2Gi"?',
  );
  assert.deepEqual(findings[1].range, at(33, 23, 26));
  assert.deepEqual(
    findings[1].fixes?.map((f) => f.edits[0].newText),
    ['2G', '2Gi'],
  );
});

test('null means unset for optional fields; a required field set to null is still missing', () => {
  const nulls = DEPLOYMENT.replace('  name: gateway\n  labels:', '  name: gateway\n  creationTimestamp: null\n  annotations: null\n  labels:')
    .replace('replicas: 2', 'replicas: null')
    .replace('      containers:', '      nodeSelector: null\n      securityContext: null\n      containers:')
    .replace('          imagePullPolicy: IfNotPresent', '          imagePullPolicy: null\n          command: null\n          livenessProbe: ~');
  assert.deepEqual(schemaFindings(nulls + 'status: null\n'), []);
  const findings = schemaFindings(DEPLOYMENT.replace('  selector:\n    matchLabels:\n      app: gateway\n', '  selector: null\n'));
  assert.equal(findings.length, 1, show(findings));
  assert.equal(findings[0].message, 'spec.selector must be a mapping, got null');
});

test('base64 Secret data and stringData', () => {
  const ok =
    'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: Opaque\ndata:\n  a: aGVsbG8=\n  b: |\n    aGVsbG8g\n    d29ybGQ=\nstringData:\n  c: plain text\n';
  assert.deepEqual(schemaFindings(ok), []);
  const findings = schemaFindings(ok.replace('a: aGVsbG8=', 'a: hello world'));
  assert.equal(findings.length, 1, show(findings));
  assert.equal(findings[0].message, 'data.a must be base64-encoded; got text that is not valid base64 (put plain text under stringData instead)');
});

test('a custom resource (group not built in) and a kubeconfig are not validated and not flagged', () => {
  const text = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: tls}
spec: {anything: [1, 2], goes: here}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec: {parentRefs: [{name: gw}]}
`;
  assert.deepEqual(schemaFindings(text), []);
  // A kubeconfig is not an API object.
  assert.deepEqual(schemaFindings('apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\ncurrent-context: kind-kind\n'), []);
});

test('items of kind: List and of typed lists (DeploymentList) are validated one by one', () => {
  const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: a}
  data: {x: "1"}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: b}
  dta: {x: "1"}
---
apiVersion: apps/v1
kind: DeploymentList
items: []
`;
  const findings = schemaFindings(text);
  assert.equal(findings.length, 1, show(findings));
  assert.equal(findings[0].message, 'unknown field "dta" in ConfigMap — did you mean "data"?');
  assert.deepEqual(findings[0].range, at(11, 3, 6));
});

test('apiVersion and kind are checked against the release: wrong group, unknown kind', () => {
  const text = `apiVersion: v1
kind: Deployment
metadata: {name: a}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec: {containers: [{name: a, image: a}]}
---
apiVersion: apps/v1
kind: Deploymnet
metadata: {name: b}
---
apiVersion: apps/v1
kind: statefulset
metadata: {name: c}
`;
  const findings = schemaFindings(text);
  assert.equal(findings.length, 3, show(findings));
  assert.equal(findings[0].code, 'api-version-unavailable');
  assert.equal(findings[0].message, 'v1 Deployment is not served by Kubernetes 1.36; Deployment is served as apps/v1');
  assert.deepEqual(findings[0].range, at(1, 13, 15));
  assert.equal(findings[0].fixes?.[0].edits[0].newText, 'apps/v1');
  assert.equal(findings[1].code, 'unknown-kind');
  assert.equal(findings[1].message, 'unknown kind "Deploymnet" for apps/v1 — did you mean "Deployment"?');
  assert.deepEqual(findings[1].range, at(11, 7, 17));
  assert.equal(findings[2].fixes?.[0].edits[0].newText, 'StatefulSet');
  assert.equal(findings[2].fixes?.[0].preferred, true);
});

test('schemaValidation: false keeps apiVersion findings and drops schema findings', () => {
  const text = DEPLOYMENT.replace('replicas: 2', 'replicas: asd') + '---\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: x}\n';
  const codes = schemaFindings(text, { schemaValidation: false }).map((f) => f.code);
  assert.deepEqual(codes, ['api-version-removed']);
});

test('the suppression annotation and disabledRules apply to schema codes', () => {
  const text = DEPLOYMENT.replace('replicas: 2', 'replicas: asd');
  assert.equal(schemaFindings(text, { disabledRules: ['schema-type'] }).length, 0);
  const annotated = text.replace(
    '  labels:\n    app: gateway\nspec:',
    '  labels:\n    app: gateway\n  annotations:\n    kube-topology.io/ignore: schema-type\nspec:',
  );
  assert.equal(schemaFindings(annotated).length, 0);
});

test('valid objects never reach ajv; invalid ones compile its validators once, reused across documents and edits', () => {
  const index = new WorkspaceIndex();
  const slowBefore = validatorStats().slowPath;
  index.setFile('a.yaml', DEPLOYMENT);
  index.analyze();
  assert.equal(validatorStats().slowPath, slowBefore);
  index.setFile('a.yaml', DEPLOYMENT.replace('replicas: 2', 'replicas: many'));
  index.analyze();
  assert.equal(validatorStats().slowPath, slowBefore + 1);
  const compiled = validatorStats().compiled;
  for (let i = 0; i < 20; i++) {
    index.setFile('a.yaml', DEPLOYMENT.replace('replicas: 2', `replicas: x${i}`).replace('gateway:1.0', `gateway:1.${i}`));
    const findings = index
      .analyze()
      .byFile.get('a.yaml')!
      .filter((f) => f.code === 'schema-type');
    assert.equal(findings.length, 1);
  }
  assert.equal(validatorStats().compiled, compiled);
});
