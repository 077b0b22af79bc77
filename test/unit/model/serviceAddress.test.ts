import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ServiceAddressResolver,
  addressPort,
  findServiceAddresses,
  isHostKey,
  servicePortsOf,
  type AddressContext,
} from '../../../src/core/model/serviceAddress';
import { ResourceIndex } from '../../../src/core/index/resourceIndex';
import { differOnlyInDigits, editDistance, isLikelyTypo, nearestName } from '../../../src/core/model/nearNames';
import { parseManifestFile } from '../../../src/core/parse/manifestParser';

const short = (text: string, ctx: AddressContext = {}) =>
  findServiceAddresses(text, ctx).map((a) => ({ name: a.name, ns: a.namespace, port: a.port, scheme: a.scheme, form: a.form, text: a.text }));

test('the four DNS forms of a Service, with the parts and offsets', () => {
  const value = 'tf-serving-clothing-model.default.svc.cluster.local:8500';
  const [a] = findServiceAddresses(value);
  assert.deepEqual(
    { ...a },
    {
      text: value,
      host: 'tf-serving-clothing-model.default.svc.cluster.local',
      name: 'tf-serving-clothing-model',
      namespace: 'default',
      pod: undefined,
      port: 8500,
      scheme: undefined,
      defaultPort: undefined,
      form: 'fqdn',
      start: 0,
      end: value.length,
      hostStart: 0,
      hostEnd: value.length - 5,
      portStart: value.length - 4,
    },
  );
  assert.deepEqual(short('gateway.prod.svc'), [
    { name: 'gateway', ns: 'prod', port: undefined, scheme: undefined, form: 'name.namespace.svc', text: 'gateway.prod.svc' },
  ]);
  assert.deepEqual(short('gateway.prod', { knownNamespaces: new Set(['prod']), key: 'GATEWAY_HOST' }), [
    { name: 'gateway', ns: 'prod', port: undefined, scheme: undefined, form: 'name.namespace', text: 'gateway.prod' },
  ]);
  assert.deepEqual(short('gateway', { key: 'BACKEND_HOST' }), [
    { name: 'gateway', ns: undefined, port: undefined, scheme: undefined, form: 'name', text: 'gateway' },
  ]);
  // The trailing dot of a fully qualified name is not part of it.
  assert.deepEqual(
    short('redis.cache.svc.cluster.local.').map((a) => [a.name, a.ns, a.text]),
    [['redis', 'cache', 'redis.cache.svc.cluster.local']],
  );
});

test('schemes, user info, paths and the port a scheme implies', () => {
  const [h] = findServiceAddresses('http://gateway.default.svc:80/predict?x=1');
  assert.equal(h.scheme, 'http');
  assert.equal(h.port, 80);
  assert.equal(h.text, 'http://gateway.default.svc:80');
  assert.equal(h.hostStart, 7);
  const [g] = findServiceAddresses('grpc://tf-serving.models.svc.cluster.local:8500');
  assert.equal(g.scheme, 'grpc');
  assert.equal(g.defaultPort, undefined);
  const [bare] = findServiceAddresses('http://gateway/predict');
  assert.deepEqual([bare.name, bare.port, bare.defaultPort, addressPort(bare)], ['gateway', undefined, 80, 80]);
  const [tls] = findServiceAddresses('https://api.shop.svc');
  assert.equal(addressPort(tls), 443);
  const [pg] = findServiceAddresses('postgresql://app:s3cret@db.data.svc:5432/orders');
  assert.deepEqual([pg.name, pg.namespace, pg.port, pg.scheme], ['db', 'data', 5432, 'postgresql']);
  const [jdbc] = findServiceAddresses('jdbc:postgresql://db.data.svc/orders');
  assert.deepEqual([jdbc.name, addressPort(jdbc)], ['db', 5432]);
  // Schemes whose "host" is not a network host do not count.
  assert.deepEqual(short('s3://models/clothing'), []);
  assert.deepEqual(short('file://config/app.yaml'), []);
});

test('several addresses in one value, and addresses inside a longer command line', () => {
  const list = findServiceAddresses('kafka-0.kafka.data.svc:9092,kafka-1.kafka.data.svc:9092');
  assert.deepEqual(
    list.map((a) => [a.pod, a.name, a.namespace, a.port, a.start]),
    [
      ['kafka-0', 'kafka', 'data', 9092, 0],
      ['kafka-1', 'kafka', 'data', 9092, 28],
    ],
  );
  const sh = findServiceAddresses('until nc -z db.data.svc 5432; do sleep 1; done && curl -s http://gateway:80/health');
  assert.deepEqual(
    sh.map((a) => a.text),
    ['db.data.svc', 'http://gateway:80'],
  );
});

test('bare names and name:port count only where they clearly are hosts', () => {
  // microservices-demo style: the key says ADDR and the value is name:port.
  assert.deepEqual(
    short('productcatalogservice:3550', { key: 'PRODUCT_CATALOG_SERVICE_ADDR' }).map((a) => [a.name, a.port]),
    [['productcatalogservice', 3550]],
  );
  assert.deepEqual(
    short('tf-serving:8500', { key: 'TF_SERVING_HOST' }).map((a) => a.name),
    ['tf-serving'],
  );
  assert.deepEqual(
    short('redis', { key: 'REDIS_HOST' }).map((a) => a.name),
    ['redis'],
  );
  assert.deepEqual(
    short('cartservice:7070', { key: 'CART_SERVICE' }).map((a) => a.name),
    ['cartservice'],
  );
  // A known Service name counts without a host-like key when it has a port.
  const known = { knownServices: new Set(['gateway']) };
  assert.deepEqual(
    short('gateway:80', known).map((a) => a.name),
    ['gateway'],
  );
  assert.deepEqual(
    short('gateway', { ...known, key: 'UPSTREAM' }).map((a) => a.name),
    ['gateway'],
  );
  // ... but a bare known name alone is not enough: the key must say host.
  assert.deepEqual(short('gateway', known), []);
  assert.deepEqual(short('gateway', { ...known, key: 'ROLE' }), []);
  assert.deepEqual(short('gateway', { ...known, key: 'APP_NAME' }), []);
  assert.deepEqual(short('gateway', { ...known, key: 'OTEL_SERVICE_NAME' }), []);
  // Unknown bare words without a host context are ordinary values.
  assert.deepEqual(short('production', { key: 'ENVIRONMENT' }), []);
  assert.deepEqual(short('redis', { key: 'CACHE_KIND' }), []);
  assert.deepEqual(short('tf-serving:8500', { key: 'MODEL_VERSION' }), []);
  assert.deepEqual(short('info'), []);
  assert.deepEqual(short('localhost:8080', { key: 'BIND_ADDR' }), []);
  assert.deepEqual(short('http://localhost:9696'), []);
});

test('false-positive guards: images, paths, files, IPs, e-mail, external hosts, numbers, words', () => {
  const ctx: AddressContext = {
    key: 'SOMETHING_URL',
    knownServices: new Set(['app', 'serving', 'models', 'gcr']),
    knownNamespaces: new Set(['default', 'io']),
  };
  for (const value of [
    'tensorflow/serving:2.7.0',
    'gcr.io/google-samples/microservices-demo/frontend:v0.10.1',
    'clothing-model:xception-v4-001',
    '/models/clothing-model/1',
    './app.py',
    'app.py',
    'config.yaml',
    '10.96.0.10:53',
    '0.0.0.0:9696',
    'user@gateway.default.svc',
    'https://example.com/api',
    'api.example.com:443',
    '1.2.3',
    '8500',
    'true',
    'Gateway:80',
    'gateway_v2:80',
    'gateway:80abc',
    'models/serving:1',
    '$(POD_IP):8080',
  ]) {
    assert.deepEqual(short(value, ctx), [], value);
  }
  // Two labels count as name.namespace only for a known namespace (or a known Service with a port).
  assert.deepEqual(short('gateway.prod'), []);
  assert.deepEqual(
    short('gateway.prod:80', { knownServices: new Set(['gateway']) }).map((a) => a.ns),
    ['prod'],
  );
  assert.deepEqual(short('app.py', { knownNamespaces: new Set(['py']) }), []);
  assert.deepEqual(short('settings.default', { knownNamespaces: new Set(['default']), key: 'PROFILE' }), [], 'a known namespace alone is not enough');
  assert.deepEqual(
    short('gateway.default', { knownNamespaces: new Set(['default']), knownServices: new Set(['gateway']) }).map((a) => a.text),
    ['gateway.default'],
  );
  assert.deepEqual(short('name._x', { key: 'X_HOST' }), []);
});

test('host-like keys', () => {
  for (const k of ['TF_SERVING_HOST', 'PRODUCT_CATALOG_SERVICE_ADDR', 'API_URL', 'backendEndpoint', '--model-server', 'REDIS_ADDRESS', 'DATABASE_DSN'])
    assert.equal(isHostKey(k), true, k);
  for (const k of ['APP_NAME', 'MODEL_PATH', 'PORT', 'LOG_LEVEL', 'HOST_PORT', undefined, '']) assert.equal(isHostKey(k), false, String(k));
});

test('edit distance and nearest names', () => {
  assert.equal(editDistance('gateway', 'gatway'), 1);
  assert.equal(editDistance('gateway', 'gaetway'), 1);
  assert.equal(editDistance('abc', 'xyz', 1), 2);
  const names = ['gateway', 'tf-serving-clothing-model', 'redis-master'];
  const id = (s: string) => s;
  assert.equal(nearestName('tf-serving-clothng-model', names, id), 'tf-serving-clothing-model');
  assert.equal(nearestName('gatewya', names, id), 'gateway');
  assert.equal(nearestName('frontend', names, id), undefined);
  assert.equal(nearestName('gateway', names, id), undefined, 'an exact match is not a "nearest"');
  // The rows are reused between calls: a long pair after short ones, and the short ones again.
  const long = 'model-server-'.repeat(20);
  assert.equal(editDistance(long, `${long}xy`), 2);
  assert.equal(editDistance(`x${long}`, long.slice(1), 5), 2);
  assert.equal(editDistance('gateway', 'gatway'), 1);
});

test('siblings that differ only in digits: each run of digits is one token', () => {
  assert.equal(differOnlyInDigits('worker-1', 'worker-22'), true);
  assert.equal(differOnlyInDigits('api-v1-eu3', 'api-v2-eu4'), true);
  assert.equal(differOnlyInDigits('worker-1', 'worker-1'), false, 'the same name');
  assert.equal(differOnlyInDigits('worker-1', 'worker-'), false, 'digits against none');
  assert.equal(differOnlyInDigits('worker1a', 'worker1b'), false);
  assert.equal(differOnlyInDigits('a12b', 'a1-2b'), false, 'one run against two');
  assert.equal(differOnlyInDigits('1abc', '2abc'), true);
});

test('a name inside another, a short name or a sibling that differs in digits is not a typo', () => {
  const id = (s: string) => s;
  // A shorter name contained in a longer one is another object, not a misspelling of it.
  assert.equal(nearestName('redis', ['redis-master'], id), undefined);
  assert.equal(nearestName('shoppingassistantservice', ['ping', 'frontend'], id), undefined);
  assert.equal(nearestName('paymentapi', ['api', 'web'], id), undefined);
  assert.equal(nearestName('webhook-receiver', ['web', 'api'], id), undefined);
  // Three characters or fewer: any one-letter change is another plausible name.
  assert.equal(nearestName('api', ['app'], id), undefined);
  assert.equal(nearestName('db', ['dc'], id), undefined);
  // Numbered siblings.
  assert.equal(nearestName('worker-2', ['worker-1'], id), undefined);
  assert.equal(nearestName('backend-v2', ['backend-v1'], id), undefined);
  // One edit per four characters of the longer name.
  assert.equal(isLikelyTypo('gatway', 'gateway'), true);
  assert.equal(isLikelyTypo('frontnd', 'frontend'), true);
  assert.equal(isLikelyTypo('cart-service', 'cartservice'), true);
  assert.equal(isLikelyTypo('productcatalog', 'productcatalogservice'), false);
  assert.equal(nearestName('tf-serving-clothing-modle', ['tf-serving-clothing-model', 'tf-serving'], id), 'tf-serving-clothing-model');
});

const WORKSPACE = `apiVersion: v1
kind: Service
metadata: {name: tf-serving, namespace: models}
spec:
  selector: {app: tf-serving}
  ports:
    - {name: grpc, port: 8500}
    - {name: http, port: 8501, targetPort: rest}
---
apiVersion: v1
kind: Service
metadata: {name: gateway}
spec:
  selector: {app: gateway}
  ports: [{port: 80, targetPort: 9696}]
---
apiVersion: v1
kind: Service
metadata: {name: kafka, namespace: data}
spec:
  clusterIP: None
  selector: {app: kafka}
  ports: [{port: 9092, targetPort: 19092}]
---
apiVersion: v1
kind: Service
metadata: {name: billing, namespace: data}
spec:
  type: ExternalName
  externalName: billing.example.com
`;

test('the resolver: resolved, wrong port, other namespace, not found with nearest, out of scope', () => {
  const f = parseManifestFile('w.yaml', WORKSPACE);
  const resolver = new ServiceAddressResolver(new ResourceIndex(f.resources));
  const resolve = (text: string, from: string, key?: string) => {
    const [a] = resolver.find(text, key);
    assert.ok(a, `no address in ${text}`);
    const r = resolver.resolve(a, from);
    return {
      status: r.status,
      ns: r.namespace,
      svc: 'service' in r ? r.service.name : undefined,
      port: 'port' in r && typeof r.port === 'object' ? r.port?.port : 'port' in r ? r.port : undefined,
      nearest: 'nearest' in r ? r.nearest?.name : undefined,
      other: 'candidates' in r ? r.candidates.map((c) => c.namespace) : undefined,
    };
  };
  assert.deepEqual(resolve('tf-serving.models.svc.cluster.local:8500', 'default'), {
    status: 'resolved',
    ns: 'models',
    svc: 'tf-serving',
    port: 8500,
    nearest: undefined,
    other: undefined,
  });
  assert.deepEqual(resolve('http://tf-serving.models:8501/v1/models', 'default'), {
    status: 'resolved',
    ns: 'models',
    svc: 'tf-serving',
    port: 8501,
    nearest: undefined,
    other: undefined,
  });
  assert.deepEqual(resolve('tf-serving:8500', 'models', 'MODEL_HOST'), {
    status: 'resolved',
    ns: 'models',
    svc: 'tf-serving',
    port: 8500,
    nearest: undefined,
    other: undefined,
  });
  assert.equal(resolve('tf-serving.models.svc:9000', 'default').status, 'port-missing');
  assert.equal(resolve('http://gateway', 'default').port, 80, 'http:// implies port 80, which gateway exposes');
  assert.equal(resolve('https://gateway', 'default').status, 'port-missing', 'https:// implies 443');
  // A bare name from another namespace does not reach it.
  assert.deepEqual(resolve('tf-serving:8500', 'default', 'MODEL_HOST').other, ['models']);
  assert.deepEqual(resolve('tf-serving.default.svc:8500', 'default').other, ['models']);
  assert.deepEqual(resolve('tf-servng.models.svc:8500', 'default'), {
    status: 'not-found',
    ns: 'models',
    svc: undefined,
    port: undefined,
    nearest: 'tf-serving',
    other: undefined,
  });
  // Headless: DNS gives pod IPs, so the target port is reachable directly.
  assert.equal(resolve('kafka-0.kafka.data.svc:19092', 'default').status, 'resolved');
  assert.equal(resolve('kafka.data.svc:9092', 'default').status, 'resolved');
  // ExternalName: no ports to compare.
  assert.equal(resolve('billing.data.svc:443', 'default').status, 'resolved');
  // Nothing of the workspace lives in kube-system: not judged.
  assert.deepEqual(resolve('kube-dns.kube-system.svc.cluster.local:53', 'default').status, 'out-of-scope');
});

test('Service ports with Kubernetes defaults', () => {
  const f = parseManifestFile('w.yaml', WORKSPACE);
  const ports = servicePortsOf(f.resources[0]);
  assert.deepEqual(
    ports.map((p) => [p.port, p.name, p.protocol, p.targetPort, p.targetPortExplicit, p.path.join('.')]),
    [
      [8500, 'grpc', 'TCP', 8500, false, 'spec.ports.0'],
      [8501, 'http', 'TCP', 'rest', true, 'spec.ports.1'],
    ],
  );
});
