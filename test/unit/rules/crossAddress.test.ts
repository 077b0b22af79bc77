import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, at, crossFindings, fixture, located, none, single, withCode, zoomcamp } from './crossHelpers';

const GATEWAY = 'zoomcamp/gateway-deployment.yaml';
const HOST = 'tf-serving-clothing-model.default.svc.cluster.local:8500';

/** The lesson's files with the gateway's TF_SERVING_HOST value replaced. */
function withHost(value: string): Record<string, string> {
  const files = zoomcamp();
  files[GATEWAY] = files[GATEWAY].replace(HOST, value);
  return files;
}

test('the lesson gateway resolves TF_SERVING_HOST to the model Service on port 8500', () => {
  const list = crossFindings(zoomcamp());
  none(list, 'service-address-unresolved');
  none(list, 'service-address-port-missing');
  none(list, 'cross-namespace-reference');
  // The shorter forms of the same address resolve too.
  for (const v of [
    'tf-serving-clothing-model:8500',
    'tf-serving-clothing-model.default:8500',
    'tf-serving-clothing-model.default.svc:8500',
    'grpc://tf-serving-clothing-model.default.svc.cluster.local:8500',
  ]) {
    none(crossFindings(withHost(v)));
  }
});

test('service-address-unresolved: a typo in the Service name is a warning with the nearest Service and a fix (a guess never raises the severity)', () => {
  const typo = 'tf-serving-clothng-model.default.svc.cluster.local:8500';
  const files = withHost(typo);
  const f = single(crossFindings(files), 'service-address-unresolved');
  assert.equal(f.severity, 'warning');
  assert.equal(at(f), located(GATEWAY, files[GATEWAY], 'tf-serving-clothng-model.default.svc.cluster.local'));
  assert.equal(
    f.message,
    `env TF_SERVING_HOST calls ${typo}, but no Service tf-serving-clothng-model is defined in namespace default: Deployment gateway cannot reach it (the name does not resolve). Did you mean tf-serving-clothing-model?`,
  );
  const svc = files['zoomcamp/model-service.yaml'];
  assert.deepEqual(f.related?.map(at), [located('zoomcamp/model-service.yaml', svc, 'tf-serving-clothing-model')]);
  const fixed = applyFix(files, f.fixes![0]);
  assert.equal(fixed[GATEWAY], fixture('zoomcamp', 'gateway-deployment.yaml'));
  none(crossFindings(fixed));
});

test('service-address-unresolved: nothing similar is a warning without a fix', () => {
  const files = withHost('http://recommender.default.svc:8080/score');
  const f = single(crossFindings(files), 'service-address-unresolved');
  assert.equal(f.severity, 'warning');
  assert.equal(at(f), located(GATEWAY, files[GATEWAY], 'recommender.default.svc'));
  assert.equal(f.fixes, undefined);
});

test('service-address-port-missing: a wrong port, fixed to the Service port', () => {
  const files = withHost('tf-serving-clothing-model.default.svc.cluster.local:8501');
  const f = single(crossFindings(files), 'service-address-port-missing');
  assert.equal(f.severity, 'error');
  assert.equal(at(f), located(GATEWAY, files[GATEWAY], '8501'));
  assert.equal(
    f.message,
    'env TF_SERVING_HOST calls tf-serving-clothing-model.default.svc.cluster.local:8501 on port 8501, but Service tf-serving-clothing-model exposes 8500: calls from Deployment gateway are refused.',
  );
  assert.deepEqual(f.related?.map(at), [located('zoomcamp/model-service.yaml', files['zoomcamp/model-service.yaml'], 'ports')]);
  const fixed = applyFix(files, f.fixes![0]);
  assert.equal(fixed[GATEWAY], fixture('zoomcamp', 'gateway-deployment.yaml'));
  none(crossFindings(fixed));
});

test('service-address-port-missing: the port a scheme implies; the fix writes the port', () => {
  const files = withHost('http://tf-serving-clothing-model/v1/models/clothing-model:predict');
  const f = single(crossFindings(files), 'service-address-port-missing');
  assert.equal(at(f), located(GATEWAY, files[GATEWAY], 'tf-serving-clothing-model'));
  assert.match(f.message, /on port 80 \(http:\/\/ without a port means port 80\), but Service tf-serving-clothing-model exposes 8500/);
  const fixed = applyFix(files, f.fixes![0]);
  assert.equal(fixed[GATEWAY], withHost('http://tf-serving-clothing-model:8500/v1/models/clothing-model:predict')[GATEWAY]);
  none(crossFindings(fixed));
});

test('cross-namespace-reference: an address naming the wrong namespace ("did you mean namespace default")', () => {
  const files = withHost('tf-serving-clothing-model.models.svc.cluster.local:8500');
  const list = crossFindings(files);
  none(list, 'service-address-unresolved');
  const f = single(list, 'cross-namespace-reference');
  assert.equal(f.severity, 'error');
  assert.equal(at(f), located(GATEWAY, files[GATEWAY], 'models'));
  assert.equal(
    f.message,
    'env TF_SERVING_HOST calls tf-serving-clothing-model.models.svc.cluster.local:8500 in namespace models, but Service tf-serving-clothing-model exists only in namespace default: did you mean namespace default?',
  );
  const fixed = applyFix(files, f.fixes![0]);
  assert.equal(fixed[GATEWAY], fixture('zoomcamp', 'gateway-deployment.yaml'));
  none(crossFindings(fixed));
});

test('cross-namespace-reference: a bare name used from another namespace; the fix adds the namespace', () => {
  const files = withHost('tf-serving-clothing-model:8500');
  files[GATEWAY] = files[GATEWAY].replace('  name: gateway\n', '  name: gateway\n  namespace: web\n');
  // (The gateway Service and HPA, left in default, now miss the moved Deployment too: see crossNamespace.test.ts.)
  const f = single(
    crossFindings(files).filter((x) => x.file === GATEWAY),
    'cross-namespace-reference',
  );
  assert.equal(at(f), located(GATEWAY, files[GATEWAY], 'tf-serving-clothing-model'));
  assert.match(
    f.message,
    /a bare name only reaches Services in the caller's namespace web, but Service tf-serving-clothing-model is in namespace default\. Add the namespace: tf-serving-clothing-model\.default\.$/,
  );
  const fixed = applyFix(files, f.fixes![0]);
  assert.match(fixed[GATEWAY], /value: tf-serving-clothing-model\.default:8500\n/);
  none(crossFindings(fixed).filter((x) => x.file === GATEWAY));
});

const demo = () => ({
  'shop/frontend.yaml': fixture('cross', 'shop-frontend.yaml'),
  'shop/services.yaml': fixture('cross', 'shop-services.yaml'),
});

test('microservices-demo style PRODUCT_CATALOG_SERVICE_ADDR=productcatalogservice:3550 (quoted values) resolves', () => {
  none(crossFindings(demo()));
});

test('service-address-port-missing in a quoted value: the range skips the quote', () => {
  const files = demo();
  files['shop/frontend.yaml'] = files['shop/frontend.yaml'].replace('"productcatalogservice:3550"', '"productcatalogservice:3551"');
  const f = single(crossFindings(files), 'service-address-port-missing');
  assert.equal(at(f), located('shop/frontend.yaml', files['shop/frontend.yaml'], '3551'));
  const fixed = applyFix(files, f.fixes![0]);
  assert.equal(fixed['shop/frontend.yaml'], fixture('cross', 'shop-frontend.yaml'));
});

test('service-address-unresolved: a bare name:port under a host-like key, with the nearest name', () => {
  const files = demo();
  files['shop/frontend.yaml'] = files['shop/frontend.yaml'].replace('"cartservice:7070"', '"cartsevice:7070"');
  const f = single(crossFindings(files), 'service-address-unresolved');
  assert.equal(at(f), located('shop/frontend.yaml', files['shop/frontend.yaml'], 'cartsevice'));
  assert.match(f.message, /^env CART_SERVICE_ADDR calls cartsevice:7070, but no Service cartsevice is defined in namespace default/);
  assert.equal(applyFix(files, f.fixes![0])['shop/frontend.yaml'], fixture('cross', 'shop-frontend.yaml'));
});

/** In the topology's own folder: one apply unit (`kubectl apply -f zoomcamp/`). */
const JOB = 'zoomcamp/job.yaml';

const job = (container: string) => `apiVersion: batch/v1
kind: Job
metadata:
  name: warmup
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
${container}`;

test('args and command: --flag=value, a flag followed by its value, and shell lines in block scalars', () => {
  const c = `        - name: warmup
          image: curlimages/curl:8.8.0
          args: ["--model-host=tf-serving-clothing-model:8501", "--gateway-url", "http://gatewy.default.svc/predict"]
`;
  const text = job(c);
  const files = { ...zoomcamp(), [JOB]: text };
  const list = crossFindings(files);
  assert.deepEqual(withCode(list, 'service-address-port-missing').map(at), [located(JOB, text, '8501')]);
  assert.deepEqual(withCode(list, 'service-address-unresolved').map(at), [located(JOB, text, 'gatewy.default.svc')]);
  assert.match(single(list, 'service-address-port-missing').message, /^args\[0\] calls tf-serving-clothing-model:8501/);

  const shell = `        - name: warmup
          image: curlimages/curl:8.8.0
          command:
            - sh
            - -c
            - |
              until nc -z tf-serving-clothing-model.default.svc 8500; do sleep 1; done
              curl -s http://gateway.default.svc:8080/ping
`;
  const text2 = job(shell);
  const files2 = { ...zoomcamp(), [JOB]: text2 };
  const g = single(crossFindings(files2), 'service-address-port-missing');
  assert.equal(at(g), located(JOB, text2, '8080'));
  const fixed = applyFix(files2, g.fixes![0]);
  assert.equal(fixed[JOB], text2.replace(':8080/ping', ':80/ping'));
  none(crossFindings(fixed));
});

test('no findings for ordinary values: images, paths, external URLs, numbers, names, cluster services outside the workspace', () => {
  const c = `        - name: warmup
          image: tensorflow/serving:2.7.0
          args: ["--model_base_path=/models/clothing-model", "--port=8500", "--rest_api_port=8501", "python", "app.py"]
          env:
            - name: MODEL_NAME
              value: clothing-model
            - name: APP_NAME
              value: gateway
            - name: UPSTREAM_URL
              value: https://api.example.com/v1
            - name: DNS_HOST
              value: kube-dns.kube-system.svc.cluster.local:53
            - name: KUBERNETES_URL
              value: https://kubernetes.default.svc
            - name: LOG_LEVEL
              value: info
            - name: WORKERS
              value: "4"
            - name: BIND_ADDR
              value: 0.0.0.0:9696
            - name: ENVIRONMENT
              value: production
`;
  none(crossFindings({ ...zoomcamp(), [JOB]: job(c) }));
});

test("service-address-port-missing: calling the pods' port instead of the Service port is explained and fixed", () => {
  const c = `        - name: warmup
          image: curlimages/curl:8.8.0
          args: ["-s", "http://gateway.default.svc:9696/predict"]
`;
  const files = { ...zoomcamp(), [JOB]: job(c) };
  const f = single(crossFindings(files), 'service-address-port-missing');
  assert.match(f.message, /9696 is the pods' port; callers use the Service port, 80, which forwards to it\.$/);
  const fixed = applyFix(files, f.fixes![0]);
  assert.equal(fixed[JOB], job(c.replace(':9696/', ':80/')));
  none(crossFindings(fixed));
});

test('a document with a YAML syntax error gets no cross-resource findings until it parses', () => {
  const files = withHost('tf-serving-clothng-model.default.svc.cluster.local:8500');
  files[GATEWAY] = files[GATEWAY].replace('spec:\n  selector:', 'spec:\n  strategy: [unclosed\n  selector:');
  assert.deepEqual(
    crossFindings(files).filter((f) => f.file === GATEWAY),
    [],
  );
});
