import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, findingsOf, fixture, span, summarize, where, yaml } from '../../fixtures/server/analyzeHarness';
import { PRACTICE_RULES } from '../../../src/core/rules/practice/practiceRules';
import { SERVER_RULES } from '../../../src/core/rules/server/serverRules';
import { metaOf } from '../../../src/core/rules/types';
import { looksLikeSecretName } from '../../../src/core/rules/practice/secretInEnvRule';
import { imageTag } from '../../../src/core/rules/practice/imagePullPolicyOnKindRule';

// Positions in these tests are 1-based line:column, as an editor shows them.

const OUR_CODES = new Set(metaOf([...SERVER_RULES, ...PRACTICE_RULES]).map((r) => r.code));

const DEPLOYMENT = (...container: string[]) =>
  yaml(
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: gateway',
    'spec:',
    '  selector:',
    '    matchLabels:',
    '      app: gateway',
    '  template:',
    '    metadata:',
    '      labels:',
    '        app: gateway',
    '    spec:',
    '      containers:',
    ...container,
  );

// ---------------------------------------------------------------- the ML Zoomcamp manifests

test('the ML Zoomcamp gateway, model, Services, HPA and Ingress produce only the findings a reviewer would agree with', () => {
  const files: Record<string, string> = {};
  for (const name of ['gateway-deployment', 'gateway-service', 'model-deployment', 'model-service', 'gateway-hpa', 'ingress']) {
    files[`${name}.yaml`] = fixture(`practice/zoomcamp/${name}.yaml`);
  }
  assert.deepEqual(summarize(files, OUR_CODES), [
    'gateway-deployment.yaml:16:17 info missing-probes',
    'gateway-hpa.yaml:14:13 info hpa-needs-metrics-server',
    'gateway-service.yaml:7:9 info loadbalancer-pending-on-kind',
    'model-deployment.yaml:16:17 info missing-probes',
  ]);
});

test('a first try at the gateway shows the kind image trap, missing resources and a pasted key', () => {
  const text = fixture('practice/gateway-first-try.yaml');
  assert.deepEqual(summarize({ 'first.yaml': text }, OUR_CODES), [
    'first.yaml:18:17 warning missing-resources',
    'first.yaml:19:18 warning latest-image-pull-always',
    'first.yaml:30:22 warning secret-in-env',
  ]);
});

// ---------------------------------------------------------------- latest-image-pull-always

test('an untagged image without imagePullPolicy is a warning, fixed by adding IfNotPresent under image', () => {
  const text = DEPLOYMENT('        - name: gateway', '          image: zoomcamp-10-gateway', '          ports:', '            - containerPort: 9696');
  const [f] = findingsOf(text, 'latest-image-pull-always');
  assert.equal(f.severity, 'warning');
  assert.equal(span(f), '16:18-16:37');
  assert.match(f.message, /kind load docker-image/);
  assert.match(f.message, /ErrImagePull/);
  assert.equal(f.fixes?.[0].preferred, true);
  const fixed = applyFix(text, f);
  assert.equal(
    fixed,
    DEPLOYMENT(
      '        - name: gateway',
      '          image: zoomcamp-10-gateway',
      '          imagePullPolicy: IfNotPresent',
      '          ports:',
      '            - containerPort: 9696',
    ),
  );
  assert.deepEqual(findingsOf(fixed, 'latest-image-pull-always'), []);
});

test('the fix goes after a trailing comment, at the column of image when image comes first in the entry', () => {
  const text = DEPLOYMENT('        - image: gateway:latest  # built with docker build -t gateway .', '          name: gateway');
  const [f] = findingsOf(text, 'latest-image-pull-always');
  assert.equal(where(f), '15:18');
  const fixed = applyFix(text, f);
  assert.ok(
    fixed.endsWith(
      '        - image: gateway:latest  # built with docker build -t gateway .\n          imagePullPolicy: IfNotPresent\n          name: gateway\n',
    ),
    fixed,
  );
});

test('the fix keeps CRLF line endings and works at the end of a file without a final newline', () => {
  const text = DEPLOYMENT('        - name: gateway', '          image: gateway').replace(/\n/g, '\r\n').replace(/\r\n$/, '');
  const [f] = findingsOf(text, 'latest-image-pull-always');
  const fixed = applyFix(text, f);
  assert.ok(fixed.endsWith('          image: gateway\r\n          imagePullPolicy: IfNotPresent'), JSON.stringify(fixed.slice(-80)));
  assert.deepEqual(findingsOf(fixed, 'latest-image-pull-always'), []);
});

test('versioned, digest-pinned or explicitly pulled images are not reported; a registry port is not a tag', () => {
  const image = (...lines: string[]) => findingsOf(DEPLOYMENT('        - name: gateway', ...lines), 'latest-image-pull-always').length;
  assert.equal(image('          image: zoomcamp-10-gateway:002'), 0);
  assert.equal(image('          image: gateway@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945'), 0);
  assert.equal(image('          image: gateway:latest', '          imagePullPolicy: Always'), 0);
  assert.equal(image('          image: gateway', '          imagePullPolicy: IfNotPresent'), 0);
  assert.equal(image('          image: localhost:5001/gateway'), 1);
  assert.equal(image('          image: localhost:5001/gateway:v1'), 0);
  assert.equal(image('          image: "{{ .Values.image }}"'), 0, 'a Helm placeholder is not an image');
  assert.equal(imageTag('registry.example.com:443/ml/gateway'), '');
  assert.equal(imageTag('gateway:latest'), 'latest');
});

test('a fix in the second document of a file lands on the right line', () => {
  const service = yaml('apiVersion: v1', 'kind: Service', 'metadata:', '  name: gateway', 'spec:', '  ports:', '    - port: 80');
  const text = service + '---\n' + DEPLOYMENT('        - name: gateway', '          image: zoomcamp-10-gateway');
  const [f] = findingsOf(text, 'latest-image-pull-always');
  assert.equal(where(f), '24:18');
  const fixed = applyFix(text, f);
  assert.equal(
    fixed,
    service + '---\n' + DEPLOYMENT('        - name: gateway', '          image: zoomcamp-10-gateway', '          imagePullPolicy: IfNotPresent'),
  );
});

test('a container written as a flow mapping is reported without a fix', () => {
  const [f] = findingsOf(DEPLOYMENT('        - {name: gateway, image: gateway}'), 'latest-image-pull-always');
  assert.equal(f.fixes?.length ?? 0, 0);
});

// ---------------------------------------------------------------- loadbalancer-pending-on-kind

test('a LoadBalancer Service is information about <pending> on kind, with the port-forward command', () => {
  const text = yaml(
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: gateway',
    'spec:',
    '  type: LoadBalancer',
    '  ports:',
    '    - port: 80',
    '      targetPort: 9696',
  );
  const [f] = findingsOf(text, 'loadbalancer-pending-on-kind');
  assert.equal(f.severity, 'info');
  assert.equal(span(f), '6:9-6:21');
  assert.match(f.message, /kubectl port-forward service\/gateway 8080:80/);
  assert.deepEqual(findingsOf(text.replace('LoadBalancer', 'NodePort'), 'loadbalancer-pending-on-kind'), []);
});

// ---------------------------------------------------------------- hpa-needs-metrics-server

test('an HPA on CPU is information that kind needs metrics-server; one on a Pods metric is not', () => {
  const head = [
    'kind: HorizontalPodAutoscaler',
    'metadata:',
    '  name: gateway',
    'spec:',
    '  scaleTargetRef:',
    '    apiVersion: apps/v1',
    '    kind: Deployment',
    '    name: gateway',
    '  maxReplicas: 3',
  ];
  const v1 = yaml('apiVersion: autoscaling/v1', ...head, '  targetCPUUtilizationPercentage: 50');
  assert.deepEqual(findingsOf(v1, 'hpa-needs-metrics-server').map(span), ['11:35-11:37']);
  const noMetrics = yaml('apiVersion: autoscaling/v2', ...head);
  assert.deepEqual(findingsOf(noMetrics, 'hpa-needs-metrics-server').map(where), ['2:7'], 'the default metric is 80% CPU');
  const pods = yaml(
    'apiVersion: autoscaling/v2',
    ...head,
    '  metrics:',
    '    - type: Pods',
    '      pods:',
    '        metric:',
    '          name: requests_per_second',
    '        target:',
    '          type: AverageValue',
    '          averageValue: "10"',
  );
  assert.deepEqual(findingsOf(pods, 'hpa-needs-metrics-server'), []);
});

// ---------------------------------------------------------------- missing-resources

test('a container with no requests or limits is a warning on its name; limits alone are enough', () => {
  const [f] = findingsOf(DEPLOYMENT('        - name: gateway', '          image: zoomcamp-10-gateway:002'), 'missing-resources');
  assert.equal(f.severity, 'warning');
  assert.equal(span(f), '15:17-15:24');
  assert.match(f.message, /requests default to them/);
  const limitsOnly = DEPLOYMENT(
    '        - name: gateway',
    '          image: zoomcamp-10-gateway:002',
    '          resources:',
    '            limits:',
    '              memory: 128Mi',
    '              cpu: 100m',
  );
  assert.deepEqual(findingsOf(limitsOnly, 'missing-resources'), []);
});

test('a container that sets only memory is information about CPU, on its resources key', () => {
  const text = DEPLOYMENT(
    '        - name: gateway',
    '          image: zoomcamp-10-gateway:002',
    '          resources:',
    '            limits:',
    '              memory: 128Mi',
  );
  const [f] = findingsOf(text, 'missing-resources');
  assert.equal(f.severity, 'info');
  assert.equal(span(f), '17:11-17:20');
  assert.match(f.message, /no CPU request or limit/);
});

// ---------------------------------------------------------------- missing-probes

test('a Deployment container without a readinessProbe is information, with a tcpSocket probe as the fix', () => {
  const text = DEPLOYMENT('        - name: gateway', '          image: zoomcamp-10-gateway:002', '          ports:', '            - containerPort: 9696');
  const [f] = findingsOf(text, 'missing-probes');
  assert.equal(f.severity, 'info');
  assert.equal(span(f), '15:17-15:24');
  assert.match(f.message, /no livenessProbe either/);
  const fixed = applyFix(text, f, 'Add a tcpSocket readinessProbe on port 9696');
  assert.equal(
    fixed,
    DEPLOYMENT(
      '        - name: gateway',
      '          image: zoomcamp-10-gateway:002',
      '          ports:',
      '            - containerPort: 9696',
      '          readinessProbe:',
      '            tcpSocket:',
      '              port: 9696',
    ),
  );
  assert.deepEqual(findingsOf(fixed, 'missing-probes'), []);
});

test('a readinessProbe alone is enough, and Jobs and bare Pods are not asked for probes', () => {
  const withReadiness = DEPLOYMENT(
    '        - name: gateway',
    '          image: zoomcamp-10-gateway:002',
    '          readinessProbe:',
    '            httpGet: {path: /ping, port: 9696}',
  );
  assert.deepEqual(findingsOf(withReadiness, 'missing-probes'), []);
  const job = yaml(
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: train',
    'spec:',
    '  template:',
    '    spec:',
    '      restartPolicy: Never',
    '      containers:',
    '        - name: train',
    '          image: trainer:1',
  );
  assert.deepEqual(findingsOf(job, 'missing-probes'), []);
  const pod = yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: debug', 'spec:', '  containers:', '    - name: debug', '      image: busybox:1.36');
  assert.deepEqual(findingsOf(pod, 'missing-probes'), []);
});

// ---------------------------------------------------------------- privileged-container / host-namespace / run-as-root

test('privileged containers and host namespaces are warnings; runAsUser 0 is information', () => {
  const text = yaml(
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: debug',
    'spec:',
    '  hostNetwork: true',
    '  hostPID: false',
    '  securityContext:',
    '    runAsUser: 0',
    '  containers:',
    '    - name: debug',
    '      image: busybox:1.36',
    '      securityContext:',
    '        privileged: true',
    '        runAsUser: 0',
  );
  const [privileged] = findingsOf(text, 'privileged-container');
  assert.equal(privileged.severity, 'warning');
  assert.equal(span(privileged), '14:21-14:25');
  const [host, ...moreHost] = findingsOf(text, 'host-namespace');
  assert.equal(moreHost.length, 0, 'hostPID: false is fine');
  assert.equal(host.severity, 'warning');
  assert.equal(where(host), '6:16');
  assert.deepEqual(
    findingsOf(text, 'run-as-root').map((f) => `${where(f)} ${f.severity}`),
    ['9:16 info', '15:20 info'],
  );
});

test('a plain securityContext is not reported', () => {
  const text = DEPLOYMENT(
    '        - name: gateway',
    '          image: zoomcamp-10-gateway:002',
    '          securityContext:',
    '            runAsUser: 1000',
    '            privileged: false',
  );
  assert.deepEqual(findingsOf(text, ['privileged-container', 'host-namespace', 'run-as-root']), []);
});

// ---------------------------------------------------------------- secret-in-env

test('a credential written as a plain env value is a warning on the value; references and settings are not', () => {
  const text = DEPLOYMENT(
    '        - name: gateway',
    '          image: zoomcamp-10-gateway:002',
    '          env:',
    '            - name: DB_PASSWORD',
    '              value: hunter2',
    '            - name: PASSWORD_FILE',
    '              value: /run/secrets/db',
    '            - name: API_TOKEN',
    '              valueFrom:',
    '                secretKeyRef: {name: gateway, key: token}',
    '            - name: REDIS_PASSWORD',
    '              value: ${REDIS_PASSWORD}',
    '            - name: TF_SERVING_HOST',
    '              value: tf-serving-clothing-model.default.svc.cluster.local:8500',
  );
  const [f, ...rest] = findingsOf(text, 'secret-in-env');
  assert.equal(rest.length, 0);
  assert.equal(span(f), '19:22-19:29');
  assert.match(f.message, /secretKeyRef/);
});

test('credential-looking names are recognised in any case style, and names about a credential are not', () => {
  for (const name of ['DB_PASSWORD', 'dbPassword', 'GITHUB_TOKEN', 'api-key', 'AWS_SECRET_ACCESS_KEY', 'SECRET_KEY', 'OPENAI_APIKEY']) {
    assert.equal(looksLikeSecretName(name), true, name);
  }
  for (const name of ['PASSWORD_FILE', 'TOKEN_URL', 'AWS_ACCESS_KEY_ID', 'SECRET_NAME', 'TF_SERVING_HOST', 'KEYBOARD', 'MONKEY']) {
    assert.equal(looksLikeSecretName(name), false, name);
  }
});
