import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, covered, findingsOf, fixture, span, where, yaml } from '../../fixtures/server/analyzeHarness';

// Positions in these tests are 1-based line:column, as an editor shows them.

const POD_HEAD = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: gateway', 'spec:', '  containers:'];
const SERVICE_HEAD = ['apiVersion: v1', 'kind: Service', 'metadata:', '  name: gateway', 'spec:'];

// ---------------------------------------------------------------- port-out-of-range / node-port-out-of-range

test('a containerPort outside 1–65535, or 0, is an error on the value; hostPort 0 means unset', () => {
  const text = yaml(
    ...POD_HEAD,
    '    - name: gateway',
    '      image: zoomcamp-10-gateway:002',
    '      ports:',
    '        - containerPort: 70000',
    '        - containerPort: 0',
    '          hostPort: 0',
  );
  const found = findingsOf(text, 'port-out-of-range');
  assert.deepEqual(found.map(span), ['10:26-10:31', '11:26-11:27']);
  assert.match(found[0].message, /^containerPort 70000 in container gateway is not a valid port number/);
  assert.match(found[1].message, /0 is not a port/);
});

test('Service port 0 and targetPort 65536 are errors; targetPort 0 defaults to the port', () => {
  const text = yaml(
    ...SERVICE_HEAD,
    '  ports:',
    '    - name: a',
    '      port: 0',
    '    - name: b',
    '      port: 80',
    '      targetPort: 65536',
    '    - name: c',
    '      port: 81',
    '      targetPort: 0',
  );
  assert.deepEqual(findingsOf(text, 'port-out-of-range').map(where), ['8:13', '11:19']);
});

test('a probe port of 0 is an error', () => {
  const text = yaml(
    ...POD_HEAD,
    '    - name: gateway',
    '      image: zoomcamp-10-gateway:002',
    '      readinessProbe:',
    '        httpGet:',
    '          path: /ping',
    '          port: 0',
  );
  const [f] = findingsOf(text, 'port-out-of-range');
  assert.equal(where(f), '12:17');
  assert.match(f.message, /readinessProbe\.httpGet/);
});

test('a nodePort outside 30000–32767 is a warning; beyond 65535 it is an error', () => {
  const text = yaml(
    ...SERVICE_HEAD,
    '  type: NodePort',
    '  ports:',
    '    - name: a',
    '      port: 80',
    '      nodePort: 8080',
    '    - name: b',
    '      port: 81',
    '      nodePort: 30080',
    '    - name: c',
    '      port: 82',
    '      nodePort: 70000',
  );
  const [warning, ...more] = findingsOf(text, 'node-port-out-of-range');
  assert.equal(more.length, 0);
  assert.equal(warning.severity, 'warning');
  assert.equal(span(warning), '10:17-10:21');
  assert.match(warning.message, /extraPortMappings/);
  assert.deepEqual(findingsOf(text, 'port-out-of-range').map(where), ['16:17']);
});

// ---------------------------------------------------------------- invalid-port-name

test('container port names longer than 15 characters or without a letter are rejected', () => {
  const text = yaml(
    ...POD_HEAD,
    '    - name: gateway',
    '      image: zoomcamp-10-gateway:002',
    '      ports:',
    '        - name: prediction-http-api',
    '          containerPort: 9696',
    '        - name: "8080"',
    '          containerPort: 8080',
  );
  const found = findingsOf(text, 'invalid-port-name');
  assert.deepEqual(found.map(where), ['10:17', '12:17']);
  assert.match(found[0].message, /at most 15 characters \(it has 19\)/);
  assert.match(found[1].message, /at least one letter/);
});

test('a quoted number as targetPort is read as a port name; the fix writes the number', () => {
  const text = fixture('server/service-ports.yaml');
  const [f, ...rest] = findingsOf(text, 'invalid-port-name');
  assert.equal(rest.length, 0);
  assert.equal(span(f), '13:19-13:25');
  assert.equal(covered(text, f), '"8501"');
  const fixed = applyFix(text, f);
  assert.ok(fixed.includes('      targetPort: 8501\n'), fixed);
  assert.deepEqual(findingsOf(fixed, 'invalid-port-name'), []);
});

test('Service port names must be DNS labels', () => {
  const text = yaml(...SERVICE_HEAD, '  ports:', '    - name: HTTP', '      port: 80');
  const [f] = findingsOf(text, 'invalid-port-name');
  assert.equal(where(f), '7:13');
  assert.match(f.message, /uppercase letters are not allowed/);
});

// ---------------------------------------------------------------- service-port-name-required / duplicate-port-name

test('each unnamed port of a multi-port Service is an error, fixed by naming it first in the entry', () => {
  const text = fixture('server/service-ports.yaml');
  const found = findingsOf(text, 'service-port-name-required');
  assert.deepEqual(found.map(where), ['10:7', '12:7']);
  assert.deepEqual(
    found.map((f) => f.fixes?.map((x) => x.title)),
    [['Name this port "grpc"'], ['Name this port "port-8501"']],
  );
  const fixed = applyFix(text, found[0]);
  assert.ok(fixed.includes('  ports:\n    - name: grpc\n      port: 8500\n      targetPort: 8500\n    - port: 8501\n'), fixed);
  assert.deepEqual(findingsOf(fixed, 'service-port-name-required').map(where), ['13:7']);
  const both = applyFix(fixed, findingsOf(fixed, 'service-port-name-required')[0]);
  assert.deepEqual(findingsOf(both, 'service-port-name-required'), []);
});

test('a single unnamed Service port is fine', () => {
  assert.deepEqual(findingsOf(yaml(...SERVICE_HEAD, '  ports:', '    - port: 80', '      targetPort: 9696'), 'service-port-name-required'), []);
});

test('a port name used twice in a Service or in a container is an error on the second', () => {
  const service = yaml(...SERVICE_HEAD, '  ports:', '    - name: http', '      port: 80', '    - name: http', '      port: 8080');
  const [s] = findingsOf(service, 'duplicate-port-name');
  assert.equal(where(s), '9:13');
  assert.equal(s.related?.[0].range.start.line, 6);
  const pod = yaml(
    ...POD_HEAD,
    '    - name: gateway',
    '      image: zoomcamp-10-gateway:002',
    '      ports:',
    '        - name: http',
    '          containerPort: 9696',
    '        - name: http',
    '          containerPort: 9697',
  );
  assert.deepEqual(findingsOf(pod, 'duplicate-port-name').map(where), ['12:17']);
  assert.deepEqual(findingsOf(pod.replace(/name: http\n(\s+containerPort: 9697)/, 'name: metrics\n$1'), 'duplicate-port-name'), []);
});

// ---------------------------------------------------------------- duplicate-service-port / duplicate-container-port / duplicate-host-port

test('the same Service port and protocol twice is an error; TCP and UDP on one number are fine', () => {
  const text = yaml(
    ...SERVICE_HEAD,
    '  ports:',
    '    - name: a',
    '      port: 80',
    '    - name: b',
    '      port: 80',
    '    - name: dns',
    '      port: 80',
    '      protocol: UDP',
  );
  const [f, ...rest] = findingsOf(text, 'duplicate-service-port');
  assert.equal(rest.length, 0);
  assert.equal(where(f), '10:13');
  assert.match(f.message, /80\/TCP/);
});

test('two containers of a pod declaring the same containerPort is a warning; the same hostPort is an error', () => {
  const text = yaml(
    ...POD_HEAD,
    '    - name: gateway',
    '      image: zoomcamp-10-gateway:002',
    '      ports:',
    '        - containerPort: 9696',
    '    - name: proxy',
    '      image: envoyproxy/envoy:v1.31.0',
    '      ports:',
    '        - containerPort: 9696',
    '        - containerPort: 80',
    '          hostPort: 8080',
    '    - name: debug',
    '      image: busybox:1.36',
    '      ports:',
    '        - containerPort: 81',
    '          hostPort: 8080',
  );
  const [warning] = findingsOf(text, 'duplicate-container-port');
  assert.equal(warning.severity, 'warning');
  assert.equal(where(warning), '14:26');
  assert.match(warning.message, /containers gateway and proxy/);
  const [error] = findingsOf(text, 'duplicate-host-port');
  assert.equal(error.severity, 'error');
  assert.equal(where(error), '21:21');
  const distinct = text
    .replace('containerPort: 9696\n    - name: proxy', 'containerPort: 9697\n    - name: proxy')
    .replace(/hostPort: 8080\n$/, 'hostPort: 8081\n');
  assert.deepEqual(findingsOf(distinct, ['duplicate-container-port', 'duplicate-host-port']), []);
});

// ---------------------------------------------------------------- service-type-conflict / service-external-name / service-missing-ports

test('a headless LoadBalancer Service is an error on clusterIP, fixed by removing the line', () => {
  const text = yaml(...SERVICE_HEAD, '  type: LoadBalancer', '  clusterIP: None', '  selector:', '    app: gateway', '  ports:', '    - port: 80');
  const [f] = findingsOf(text, 'service-type-conflict');
  assert.equal(span(f), '7:14-7:18');
  const fixed = applyFix(text, f);
  assert.equal(fixed, yaml(...SERVICE_HEAD, '  type: LoadBalancer', '  selector:', '    app: gateway', '  ports:', '    - port: 80'));
  assert.deepEqual(findingsOf(fixed, 'service-type-conflict'), []);
});

test('a nodePort on a Service without a type is an error, fixed by adding type: NodePort above ports', () => {
  const text = yaml(...SERVICE_HEAD, '  selector:', '    app: gateway', '  ports:', '    - port: 80', '      targetPort: 9696', '      nodePort: 30080');
  const [f] = findingsOf(text, 'service-type-conflict');
  assert.equal(span(f), '11:7-11:15');
  assert.match(f.message, /ClusterIP \(the default type\)/);
  const fixed = applyFix(text, f);
  assert.equal(
    fixed,
    yaml(
      ...SERVICE_HEAD,
      '  selector:',
      '    app: gateway',
      '  type: NodePort',
      '  ports:',
      '    - port: 80',
      '      targetPort: 9696',
      '      nodePort: 30080',
    ),
  );
  assert.deepEqual(findingsOf(fixed, 'service-type-conflict'), []);
  const explicit = yaml(...SERVICE_HEAD, '  type: ClusterIP', '  ports:', '    - port: 80', '      nodePort: 30080');
  const fixedExplicit = applyFix(explicit, findingsOf(explicit, 'service-type-conflict')[0]);
  assert.ok(fixedExplicit.includes('  type: NodePort\n'), fixedExplicit);
});

test('an ExternalName Service needs a DNS name as externalName', () => {
  const missing = yaml(...SERVICE_HEAD, '  type: ExternalName');
  const [f] = findingsOf(missing, 'service-external-name');
  assert.equal(span(f), '6:9-6:21');
  const url = yaml(...SERVICE_HEAD, '  type: ExternalName', '  externalName: https://db.example.com:5432');
  const [g] = findingsOf(url, 'service-external-name');
  assert.equal(where(g), '7:17');
  assert.match(g.message, /no scheme, port or path/);
  assert.deepEqual(
    findingsOf(yaml(...SERVICE_HEAD, '  type: ExternalName', '  externalName: db.example.com'), ['service-external-name', 'service-missing-ports']),
    [],
  );
});

test('a Service without ports is an error unless it is headless', () => {
  const [f] = findingsOf(yaml(...SERVICE_HEAD, '  selector:', '    app: gateway'), 'service-missing-ports');
  assert.equal(where(f), '5:1');
  assert.deepEqual(findingsOf(yaml(...SERVICE_HEAD, '  clusterIP: None', '  selector:', '    app: db'), 'service-missing-ports'), []);
});

// ---------------------------------------------------------------- ingress-invalid-path / ingress-invalid-host

const INGRESS = (...rule: string[]) => yaml('apiVersion: networking.k8s.io/v1', 'kind: Ingress', 'metadata:', '  name: clothing', 'spec:', '  rules:', ...rule);
const BACKEND = ['            backend:', '              service:', '                name: gateway', '                port:', '                  number: 80'];

test('a Prefix path without a leading slash is an error, fixed by adding the slash', () => {
  const text = INGRESS('    - http:', '        paths:', '          - path: predict', '            pathType: Prefix', ...BACKEND);
  const [f] = findingsOf(text, 'ingress-invalid-path');
  assert.equal(span(f), '9:19-9:26');
  const fixed = applyFix(text, f);
  assert.ok(fixed.includes('          - path: /predict\n'), fixed);
  assert.deepEqual(findingsOf(fixed, 'ingress-invalid-path'), []);
});

test("'//' in a Prefix path is rejected, while ImplementationSpecific allows controller patterns", () => {
  const bad = INGRESS('    - http:', '        paths:', '          - path: /api//v1', '            pathType: Prefix', ...BACKEND);
  assert.match(findingsOf(bad, 'ingress-invalid-path')[0].message, /must not contain '\/\/'/);
  const regex = INGRESS('    - http:', '        paths:', '          - path: /api(/|$)(.*)', '            pathType: ImplementationSpecific', ...BACKEND);
  assert.deepEqual(findingsOf(regex, 'ingress-invalid-path'), []);
  const noType = INGRESS('    - http:', '        paths:', '          - path: predict', ...BACKEND);
  assert.deepEqual(findingsOf(noType, 'ingress-invalid-path'), [], 'a missing pathType is the schema check');
});

test('an IP address as Ingress host is an error; a URL is cleaned up to its host name', () => {
  const ip = INGRESS('    - host: 127.0.0.1', '      http:', '        paths:', '          - path: /', '            pathType: Prefix', ...BACKEND);
  const [f] = findingsOf(ip, 'ingress-invalid-host');
  assert.equal(span(f), '7:13-7:22');
  assert.match(f.message, /127\.0\.0\.1\.nip\.io/);
  assert.equal(f.fixes?.length ?? 0, 0);
  const url = INGRESS(
    '    - host: http://Clothing.Local:8080/',
    '      http:',
    '        paths:',
    '          - path: /',
    '            pathType: Prefix',
    ...BACKEND,
  );
  const [g] = findingsOf(url, 'ingress-invalid-host');
  const fixed = applyFix(url, g);
  assert.ok(fixed.includes('    - host: clothing.local\n'), fixed);
  assert.deepEqual(findingsOf(fixed, 'ingress-invalid-host'), []);
  const wildcard = INGRESS('    - host: "*.example.com"', '      http:', '        paths:', '          - path: /', '            pathType: Prefix', ...BACKEND);
  assert.deepEqual(findingsOf(wildcard, 'ingress-invalid-host'), []);
});
