import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtIn, builtInNames, describe, generate, nonKindInfos, validate, yamlObjects } from './helpers';
import { assertWorkloadHygiene, containers, Topology } from './topology';
import type { GeneratedFile, ParameterValue } from '../../../src/core/generate';

function objectsOf(files: GeneratedFile[]): Topology {
  return new Topology(files.flatMap((f) => yamlObjects(f.text)));
}

function assertClean(files: GeneratedFile[], label: string): void {
  const v = validate(files);
  assert.equal(v.errors.length, 0, `${label}: errors\n${describe(v.errors)}`);
  assert.equal(v.warnings.length, 0, `${label}: warnings\n${describe(v.warnings)}`);
  assert.equal(nonKindInfos(v).length, 0, `${label}: infos that are not kind hints\n${describe(nonKindInfos(v))}`);
}

test('both presets ship as template files', () => {
  assert.deepEqual(builtInNames(), ['gateway-model', 'ml-microservices']);
});

// --- gateway-model --------------------------------------------------------------------------

const GATEWAY_VARIANTS: Record<string, Record<string, ParameterValue>> = {
  defaults: {},
  'other namespace, ports, ClusterIP gateway, other ingress class': {
    appName: 'shoes',
    namespace: 'ml',
    gatewayPort: 8080,
    gatewayServicePort: 8081,
    gatewayServiceType: 'ClusterIP',
    modelGrpcPort: 9500,
    modelRestPort: 9501,
    modelName: 'shoe_model',
    ingressClassName: 'traefik',
    ingressHost: '*.shoes.example.com',
    ingressPath: '/predict',
    ingressPathType: 'Exact',
    imagePullPolicy: 'Never',
    gatewayHealthPath: '/ping',
    gatewayMinReplicas: 2,
    gatewayMaxReplicas: 6,
    modelCpuTarget: 80,
  },
  'NodePort gateway, fixed replicas, no Ingress': {
    gatewayServiceType: 'NodePort',
    gatewayNodePort: 31000,
    gatewayAutoscaling: 'false',
    gatewayReplicas: 2,
    modelAutoscaling: 'false',
    modelReplicas: 3,
    ingressEnabled: 'false',
  },
  'any host, existing namespace': { namespace: 'team-a', createNamespace: false, ingressHost: '' },
};

for (const [label, sets] of Object.entries(GATEWAY_VARIANTS)) {
  for (const layout of ['single', 'per-resource'] as const) {
    test(`gateway-model (${label}, ${layout}) validates with no errors and no warnings`, () => {
      assertClean(generate(builtIn('gateway-model'), sets, layout), label);
    });
  }
}

function assertGatewayModelChain(
  t: Topology,
  o: { app: string; ns: string; gatewayPort: number; servicePort: number; grpc: number; rest: number; model: string },
): void {
  const ingress = t.all('Ingress')[0];
  const gatewayService = ingress ? t.ingressBackend(ingress) : t.get('Service', `${o.app}-gateway`, o.ns);
  assert.equal(gatewayService.metadata.name, `${o.app}-gateway`);
  assert.equal(gatewayService.spec.ports[0].port, o.servicePort);
  assert.equal(gatewayService.spec.ports[0].targetPort, o.gatewayPort);
  const gateway = t.deploymentBehind(gatewayService);
  t.assertTargetPorts(gatewayService, gateway);
  const host = t.env(gateway, 'TF_SERVING_HOST');
  assert.equal(host, `${o.app}-model.${o.ns}.svc.cluster.local:${o.grpc}`);
  const modelService = t.serviceAt(host);
  assert.equal(modelService.spec.type, 'ClusterIP');
  const model = t.deploymentBehind(modelService);
  t.assertTargetPorts(modelService, model);
  const tf = containers(model)[0];
  for (const probe of [tf.readinessProbe, tf.livenessProbe]) {
    assert.equal(probe.httpGet.path, `/v1/models/${o.model}`);
    assert.equal(probe.httpGet.port, o.rest);
  }
  assert.deepEqual(
    tf.ports.map((p: { containerPort: number }) => p.containerPort),
    [o.grpc, o.rest],
  );
  assertWorkloadHygiene(t);
}

test('gateway-model defaults: Ingress → gateway Service → gateway → model Service (DNS) → model, both HPAs', () => {
  const files = generate(builtIn('gateway-model'));
  assert.deepEqual(
    files.map((f) => f.path),
    ['clothing.yaml'],
  );
  const t = objectsOf(files);
  assert.deepEqual(
    t.objects.map((o) => `${o.kind}/${o.metadata.name}`),
    [
      'Deployment/clothing-gateway',
      'Service/clothing-gateway',
      'Deployment/clothing-model',
      'Service/clothing-model',
      'HorizontalPodAutoscaler/clothing-gateway',
      'HorizontalPodAutoscaler/clothing-model',
      'Ingress/clothing',
    ],
  );
  assertGatewayModelChain(t, { app: 'clothing', ns: 'default', gatewayPort: 9696, servicePort: 80, grpc: 8500, rest: 8501, model: 'clothing-model' });
  const ingress = t.get('Ingress', 'clothing', 'default');
  assert.equal(ingress.apiVersion, 'networking.k8s.io/v1');
  assert.equal(ingress.spec.ingressClassName, 'nginx');
  assert.equal(ingress.spec.rules[0].host, 'clothing.localhost');
  assert.equal(ingress.spec.rules[0].http.paths[0].pathType, 'Prefix');
  assert.equal(t.get('Service', 'clothing-gateway', 'default').spec.type, 'LoadBalancer');
  const hpaTargets = t.all('HorizontalPodAutoscaler').map((h) => t.hpaTarget(h).metadata.name);
  assert.deepEqual(hpaTargets, ['clothing-gateway', 'clothing-model']);
  for (const h of t.all('HorizontalPodAutoscaler')) assert.equal(h.spec.metrics[0].resource.target.averageUtilization, 50);
  // The lesson's numbers: gateway 9696, TF Serving args only when the ports differ from its defaults.
  assert.equal(containers(t.get('Deployment', 'clothing-model', 'default'))[0].args, undefined);
  for (const d of t.all('Deployment')) assert.equal(containers(d)[0].imagePullPolicy, 'IfNotPresent');
});

test('gateway-model with other namespace, ports and ingress class keeps the chain intact', () => {
  const sets = GATEWAY_VARIANTS['other namespace, ports, ClusterIP gateway, other ingress class'];
  const t = objectsOf(generate(builtIn('gateway-model'), sets));
  assert.equal(t.objects[0].kind, 'Namespace');
  assert.equal(t.objects[0].metadata.name, 'ml');
  for (const o of t.objects.slice(1)) assert.equal(o.metadata.namespace, 'ml');
  assertGatewayModelChain(t, { app: 'shoes', ns: 'ml', gatewayPort: 8080, servicePort: 8081, grpc: 9500, rest: 9501, model: 'shoe_model' });
  assert.equal(t.get('Service', 'shoes-gateway', 'ml').spec.type, 'ClusterIP');
  const ingress = t.get('Ingress', 'shoes', 'ml');
  assert.equal(ingress.spec.ingressClassName, 'traefik');
  assert.equal(ingress.spec.rules[0].host, '*.shoes.example.com');
  assert.equal(ingress.spec.rules[0].http.paths[0].path, '/predict');
  assert.equal(ingress.spec.rules[0].http.paths[0].pathType, 'Exact');
  assert.deepEqual(containers(t.get('Deployment', 'shoes-model', 'ml'))[0].args, ['--port=9500', '--rest_api_port=9501']);
  const gw = t.get('HorizontalPodAutoscaler', 'shoes-gateway', 'ml');
  assert.equal(gw.spec.minReplicas, 2);
  assert.equal(gw.spec.maxReplicas, 6);
  assert.equal(t.get('HorizontalPodAutoscaler', 'shoes-model', 'ml').spec.metrics[0].resource.target.averageUtilization, 80);
  for (const h of t.all('HorizontalPodAutoscaler')) t.hpaTarget(h);
  for (const d of t.all('Deployment')) assert.equal(containers(d)[0].imagePullPolicy, 'Never');
});

test('gateway-model without autoscaling sets fixed replicas and drops the HPAs; NodePort gets its nodePort', () => {
  const t = objectsOf(generate(builtIn('gateway-model'), GATEWAY_VARIANTS['NodePort gateway, fixed replicas, no Ingress']));
  assert.equal(t.all('HorizontalPodAutoscaler').length, 0);
  assert.equal(t.all('Ingress').length, 0);
  assert.equal(t.get('Deployment', 'clothing-gateway', 'default').spec.replicas, 2);
  assert.equal(t.get('Deployment', 'clothing-model', 'default').spec.replicas, 3);
  const svc = t.get('Service', 'clothing-gateway', 'default');
  assert.equal(svc.spec.type, 'NodePort');
  assert.equal(svc.spec.ports[0].nodePort, 31000);
  assertGatewayModelChain(t, { app: 'clothing', ns: 'default', gatewayPort: 9696, servicePort: 80, grpc: 8500, rest: 8501, model: 'clothing-model' });
});

test('gateway-model with an empty host writes a rule without host (any host)', () => {
  const t = objectsOf(generate(builtIn('gateway-model'), { ingressHost: '' }));
  const rule = t.get('Ingress', 'clothing', 'default').spec.rules[0];
  assert.equal('host' in rule, false);
  assert.ok(rule.http.paths.length === 1);
});

test('gateway-model per-resource files are named <app>-<kind>-<name>.yaml, the namespace first', () => {
  const files = generate(builtIn('gateway-model'), { namespace: 'ml' }, 'per-resource');
  assert.deepEqual(
    files.map((f) => f.path),
    [
      '00-namespace-ml.yaml',
      'clothing-deployment-gateway.yaml',
      'clothing-service-gateway.yaml',
      'clothing-deployment-model.yaml',
      'clothing-service-model.yaml',
      'clothing-hpa-gateway.yaml',
      'clothing-hpa-model.yaml',
      'clothing-ingress.yaml',
    ],
  );
  for (const f of files) assert.equal(yamlObjects(f.text).length, 1, f.path);
  assert.equal([...files.map((f) => f.path)].sort()[0], '00-namespace-ml.yaml');
});

test('gateway-model output reads like hand-written YAML: comments kept, no placeholders or template keys left', () => {
  const [file] = generate(builtIn('gateway-model'));
  assert.match(file.text, /^# Generated by Kube Topology from the "gateway-model" template/);
  assert.match(file.text, /# The model Service by its cluster DNS name, on the TF Serving gRPC port\./);
  assert.doesNotMatch(file.text, /\$\{|\$when|\$value/);
  assert.match(file.text, /\n {14}containerPort: 9696\n/, 'integers are written as integers');
  assert.match(file.text, /\n {14}cpu: "1"\n/, 'a numeric-looking string stays a string');
  assert.doesNotMatch(file.text, /\n\s+replicas:/, 'no replicas next to an HPA');
  assert.ok(!file.text.split('\n').some((l) => l.length > 120), 'no folded or overlong lines');
});

// --- ml-microservices -----------------------------------------------------------------------

const ML_VARIANTS: Record<string, Record<string, ParameterValue>> = {
  defaults: {},
  'other namespace, ports, ClusterIP UI, other ingress class': {
    appName: 'films',
    namespace: 'recs',
    ingestionPort: 7000,
    featuresPort: 7001,
    servingPort: 7002,
    uiPort: 8080,
    uiServicePort: 8088,
    uiServiceType: 'ClusterIP',
    ingressClassName: 'traefik',
    ingressHost: '*.films.example.com',
    trainingSchedule: '*/15 * * * *',
    trainingTimeZone: 'Europe/Berlin',
    imageTag: '2.3.1',
    servingMaxReplicas: 10,
  },
  'NodePort UI, no Ingress, existing namespace': { uiServiceType: 'NodePort', ingressEnabled: false, namespace: 'movies', createNamespace: 'no' },
};

for (const [label, sets] of Object.entries(ML_VARIANTS)) {
  for (const layout of ['single', 'per-resource'] as const) {
    test(`ml-microservices (${label}, ${layout}) validates with no errors and no warnings`, () => {
      assertClean(generate(builtIn('ml-microservices'), sets, layout), label);
    });
  }
}

function assertMlChain(t: Topology, app: string, ns: string): void {
  const components = ['ingestion', 'features', 'serving', 'ui'];
  for (const c of components) {
    const svc = t.get('Service', `${app}-${c}`, ns);
    const d = t.deploymentBehind(svc);
    assert.equal(d.metadata.name, `${app}-${c}`);
    t.assertTargetPorts(svc, d);
  }
  // Every address in an env variable resolves to a Service (name, namespace, port) with pods behind it.
  const calls: string[] = [];
  for (const w of [...t.all('Deployment'), ...t.all('CronJob')]) {
    for (const c of containers(w)) {
      for (const e of c.env ?? []) {
        if (/svc\.cluster\.local/.test(e.value)) {
          t.deploymentBehind(t.serviceAt(e.value));
          calls.push(`${w.metadata.name} -> ${e.name}`);
        }
      }
    }
  }
  assert.deepEqual(calls.sort(), [
    `${app}-ingestion -> FEATURES_URL`,
    `${app}-serving -> FEATURES_URL`,
    `${app}-training -> FEATURES_URL`,
    `${app}-training -> SERVING_URL`,
    `${app}-ui -> INGESTION_URL`,
    `${app}-ui -> RECOMMENDER_URL`,
  ]);
  const hpas = t.all('HorizontalPodAutoscaler');
  assert.deepEqual(
    hpas.map((h) => t.hpaTarget(h).metadata.name),
    [`${app}-serving`],
  );
  const training = t.get('CronJob', `${app}-training`, ns);
  assert.equal(training.apiVersion, 'batch/v1');
  assert.equal(training.spec.concurrencyPolicy, 'Forbid');
  assert.equal(training.spec.jobTemplate.spec.template.spec.restartPolicy, 'OnFailure');
  assertWorkloadHygiene(t);
}

test('ml-microservices defaults: five parts wired by Services and DNS addresses, serving scaled by an HPA', () => {
  const t = objectsOf(generate(builtIn('ml-microservices')));
  assertMlChain(t, 'movies', 'default');
  assert.equal(t.get('Service', 'movies-ui', 'default').spec.type, 'LoadBalancer');
  const ingress = t.get('Ingress', 'movies', 'default');
  assert.equal(t.ingressBackend(ingress).metadata.name, 'movies-ui');
  assert.equal(t.get('CronJob', 'movies-training', 'default').spec.schedule, '0 3 * * *');
  for (const name of ['movies-ingestion', 'movies-features', 'movies-ui']) assert.equal(t.get('Deployment', name, 'default').spec.replicas, 1);
});

test('ml-microservices with other namespace and ports keeps every address consistent', () => {
  const t = objectsOf(generate(builtIn('ml-microservices'), ML_VARIANTS['other namespace, ports, ClusterIP UI, other ingress class']));
  assertMlChain(t, 'films', 'recs');
  assert.equal(t.get('Service', 'films-ui', 'recs').spec.type, 'ClusterIP');
  const ingress = t.get('Ingress', 'films', 'recs');
  assert.equal(ingress.spec.ingressClassName, 'traefik');
  assert.equal(t.ingressBackend(ingress).spec.ports[0].port, 8088);
  const cron = t.get('CronJob', 'films-training', 'recs');
  assert.equal(cron.spec.schedule, '*/15 * * * *');
  assert.equal(cron.spec.timeZone, 'Europe/Berlin');
  assert.equal(containers(cron)[0].image, 'films-training:2.3.1');
  assert.equal(t.get('HorizontalPodAutoscaler', 'films-serving', 'recs').spec.maxReplicas, 10);
});
