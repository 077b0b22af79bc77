/**
 * The planted-mistake corpus: one realistic mistake per entry, written into a copy of a clean
 * topology (the zoomcamp gateway + model, or the Online-Boutique-style shop), with the code that
 * must report it. Recall is the share of entries whose code is reported more often on the
 * mutated files than on the clean ones (any severity: a guess may be a warning, not an error).
 *
 * Each edit replaces the first occurrence of `find` in `file`; `find` must occur (the test says
 * so when a fixture changes). `append` adds a document at the end of the file.
 */
export type PlantedBase = 'zoomcamp' | 'shop';

export interface PlantedMistake {
  id: string;
  base: PlantedBase;
  file: string;
  edits?: [find: string, replace: string][];
  append?: string;
  code: string;
  /** A mistake only for some Kubernetes versions is planted where it is one. */
  kubernetesVersion?: string;
}

const GD = 'gateway-deployment.yaml';
const GH = 'gateway-hpa.yaml';
const GS = 'gateway-service.yaml';
const ING = 'ingress.yaml';
const MD = 'model-deployment.yaml';
const MS = 'model-service.yaml';
const SF = 'shop-frontend.yaml';
const SS = 'shop-services.yaml';

function z(id: string, file: string, code: string, ...edits: [string, string][]): PlantedMistake {
  return { id, base: 'zoomcamp', file, code, edits };
}

function s(id: string, file: string, code: string, ...edits: [string, string][]): PlantedMistake {
  return { id, base: 'shop', file, code, edits };
}

const JOB_WITH_SELECTOR = `apiVersion: batch/v1
kind: Job
metadata:
  name: warm-up
spec:
  selector:
    matchLabels:
      job: warm-up
  template:
    metadata:
      labels:
        job: warm-up
    spec:
      restartPolicy: Never
      containers:
        - name: warm-up
          image: curlimages/curl:8.10.1
          args: ["http://gateway/"]
          resources:
            requests: {cpu: 10m, memory: 16Mi}
`;

export const PLANTED: PlantedMistake[] = [
  // YAML
  z('bad-indent', GD, 'yaml-syntax', ['  name: gateway\nspec:', '  name: gateway\n spec:']),
  z('unclosed-quote', GD, 'yaml-syntax', ['memory: "128Mi"', 'memory: "128Mi']),
  z('tab-indent', ING, 'yaml-syntax', ['          - path: /', '\t  - path: /']),
  s('unclosed-flow', SS, 'yaml-syntax', ['labels: {app: productcatalogservice}', 'labels: {app: productcatalogservice']),
  z('dup-key-type', GS, 'duplicate-key', ['  type: LoadBalancer', '  type: LoadBalancer\n  type: ClusterIP']),
  z('dup-key-replicas', MD, 'duplicate-key', ['  replicas: 1', '  replicas: 1\n  replicas: 2']),
  z('dup-key-container-name', GD, 'duplicate-key', ['          image: clothing-gateway:002', '          image: clothing-gateway:002\n          name: gw']),
  { id: 'list-document', base: 'zoomcamp', file: GH, append: '- just\n- a list\n', code: 'not-an-object' },
  z('no-api-version', GS, 'missing-api-version', ['apiVersion: v1\n', '']),
  z('no-kind', MS, 'missing-kind', ['kind: Service\n', '']),

  // Schema
  z('replica', MD, 'schema-unknown-field', ['  replicas: 1', '  replica: 1']),
  z('port-singular', GD, 'schema-unknown-field', ['          ports:', '          port:']),
  z('container-singular', GD, 'schema-unknown-field', ['      containers:', '      container:']),
  z('selectors', GS, 'schema-unknown-field', ['  selector:', '  selectors:']),
  z('ingress-class', ING, 'schema-unknown-field', ['  ingressClassName: nginx', '  ingressClass: nginx']),
  z('min-replica', GH, 'schema-unknown-field', ['  minReplicas: 1', '  minReplica: 1']),
  z('limit-singular', MD, 'schema-unknown-field', ['            limits:', '            limit:']),
  s('images', SS, 'schema-unknown-field', ['          image: shop/cart:1.0', '          images: shop/cart:1.0']),
  z('envs', GD, 'schema-unknown-field', ['          env:', '          envs:']),
  z('targetport-case', MS, 'schema-unknown-field', ['      targetPort: 8500', '      targetport: 8500']),
  z('scale-target-refs', GH, 'schema-unknown-field', ['  scaleTargetRef:', '  scaleTargetRefs:']),
  z('port-without-number', GD, 'schema-required', ['            - containerPort: 9696', '            - name: http']),
  z('hpa-target-no-name', GH, 'schema-required', ['    name: gateway\n', '']),
  z('container-no-name', MD, 'schema-required', ['        - name: tf-serving-clothing-model\n          image', '        - image']),
  z('no-path-type', ING, 'schema-required', ['            pathType: Prefix\n', '']),
  z('no-max-replicas', GH, 'schema-required', ['  maxReplicas: 3\n', '']),
  s('service-port-no-port', SS, 'schema-required', ['      port: 7070\n', '']),
  z('replicas-string', MD, 'schema-type', ['  replicas: 1', '  replicas: "1"']),
  z('port-string', GS, 'schema-type', ['    - port: 80', '    - port: "80"']),
  z('min-replicas-word', GH, 'schema-type', ['  minReplicas: 1', '  minReplicas: one']),
  s('env-number', SF, 'schema-type', ['value: "8080"', 'value: 8080']),
  s('env-yes', SF, 'schema-type', ['value: "8080"', 'value: yes']),
  z('label-on', GD, 'schema-type', ['        app: gateway', '        app: gateway\n        canary: on']),
  z('ports-map', MD, 'schema-type', ['          ports:\n            - containerPort: 8500', '          ports:\n            containerPort: 8500']),
  z('selector-string', MS, 'schema-type', ['  selector:\n    app: tf-serving-clothing-model', '  selector: tf-serving-clothing-model']),
  z('backend-port-word', ING, 'schema-type', ['                  number: 80', '                  number: eighty']),
  z('replicas-fraction', MD, 'schema-type', ['  replicas: 1', '  replicas: 1.5']),
  s('container-port-string', SF, 'schema-type', ['- containerPort: 8080', '- containerPort: "8080"']),
  z('service-type-case', GS, 'schema-enum', ['  type: LoadBalancer', '  type: Loadbalancer']),
  z('path-type-case', ING, 'schema-enum', ['pathType: Prefix', 'pathType: prefix']),
  z('utilisation', GH, 'schema-enum', ['          type: Utilization', '          type: Utilisation']),
  s('protocol-case', SS, 'schema-enum', [
    '            - name: grpc\n              containerPort: 7070',
    '            - name: grpc\n              containerPort: 7070\n              protocol: tcp',
  ]),
  z('pull-policy-typo', MD, 'schema-enum', [
    '          image: clothing-model:xception-v4-001',
    '          image: clothing-model:xception-v4-001\n          imagePullPolicy: IfNotPresnt',
  ]),
  z('traffic-policy', GS, 'schema-enum', ['  type: LoadBalancer', '  type: LoadBalancer\n  externalTrafficPolicy: Locale']),
  z('service-protocol-http', GS, 'schema-enum', ['      targetPort: 9696', '      targetPort: 9696\n      protocol: HTTP']),
  z('memory-mb', GD, 'schema-format', ['memory: "128Mi"', 'memory: "128MB"']),
  z('cpu-core', MD, 'schema-format', ['cpu: "1"', 'cpu: "1 core"']),
  z('cpu-mc', GD, 'schema-format', ['cpu: "100m"', 'cpu: "100mc"']),
  z('cpu-version', MD, 'schema-format', ['cpu: "1"', 'cpu: 1.5.0']),
  z('memory-space', MD, 'schema-format', ['memory: "512Mi"', 'memory: "512 Mi"']),
  z('kind-plural', GS, 'unknown-kind', ['kind: Service', 'kind: Services']),
  z('kind-case', GH, 'unknown-kind', ['kind: HorizontalPodAutoscaler', 'kind: HorizontalPodAutoScaler']),
  z('kind-typo', MD, 'unknown-kind', ['kind: Deployment', 'kind: Deploymnet']),

  // API versions
  z('hpa-v2beta2', GH, 'api-version-removed', ['apiVersion: autoscaling/v2', 'apiVersion: autoscaling/v2beta2']),
  z('deployment-extensions', GD, 'api-version-removed', ['apiVersion: apps/v1', 'apiVersion: extensions/v1beta1']),
  z('ingress-v1beta1', ING, 'api-version-removed', ['apiVersion: networking.k8s.io/v1', 'apiVersion: networking.k8s.io/v1beta1']),
  z('apps-v1beta2', MD, 'api-version-removed', ['apiVersion: apps/v1', 'apiVersion: apps/v1beta2']),
  z('core-v2', GS, 'api-version-unavailable', ['apiVersion: v1', 'apiVersion: v2']),
  z('apps-v2', GD, 'api-version-unavailable', ['apiVersion: apps/v1', 'apiVersion: apps/v2']),

  // What the API server rejects
  z('match-labels-typo', GD, 'selector-template-mismatch', ['      app: gateway\n  template:', '      app: gatway\n  template:']),
  z('template-label-typo', MD, 'selector-template-mismatch', ['        app: tf-serving-clothing-model\n    spec:', '        app: tf-serving-model\n    spec:']),
  s('match-labels-short', SS, 'selector-template-mismatch', ['matchLabels: {app: cartservice}', 'matchLabels: {app: cart}']),
  s('match-labels-empty', SS, 'selector-template-mismatch', ['matchLabels: {app: productcatalogservice}', 'matchLabels: {}']),
  { id: 'job-selector', base: 'zoomcamp', file: GD, append: JOB_WITH_SELECTOR, code: 'job-selector-not-generated' },
  z('name-uppercase', GD, 'invalid-name', ['  name: gateway\nspec:', '  name: Gateway\nspec:']),
  z('name-underscore', MS, 'invalid-name', ['  name: tf-serving-clothing-model\nspec:', '  name: tf_serving_model\nspec:']),
  z('container-name-case', MD, 'invalid-name', ['        - name: tf-serving-clothing-model', '        - name: TF-Serving']),
  z('ingress-name-dot', ING, 'invalid-name', ['  name: clothing', '  name: clothing.']),
  z('hpa-name-dash', GH, 'invalid-name', ['  name: gateway-hpa', '  name: gateway-hpa-']),
  z('name-with-dot', GD, 'name-not-dns-label', ['  name: gateway\nspec:', '  name: gateway.v1\nspec:']),
  z('label-value-bang', GD, 'invalid-label', ['        app: gateway', '        app: gateway!']),
  z('label-key-slash', MD, 'invalid-label', [
    '  name: tf-serving-clothing-model\nspec:',
    '  name: tf-serving-clothing-model\n  labels:\n    tier/: model\nspec:',
  ]),
  s('label-value-dash', SS, 'invalid-label', ['labels: {app: cartservice}', 'labels: {app: cartservice, version: -v1}']),
  z('annotation-key', GS, 'invalid-annotation', ['  name: gateway\n', '  name: gateway\n  annotations:\n    "bad key!": x\n']),
  z('service-port-huge', GS, 'port-out-of-range', ['    - port: 80', '    - port: 80000']),
  z('container-port-zero', MD, 'port-out-of-range', ['            - containerPort: 8500', '            - containerPort: 0']),
  s('service-port-70000', SS, 'port-out-of-range', ['      port: 3550', '      port: 70000']),
  z('container-port-huge', GD, 'port-out-of-range', ['containerPort: 9696', 'containerPort: 96960']),
  z('target-port-huge', GS, 'port-out-of-range', ['      targetPort: 9696', '      targetPort: 70000']),
  z('node-port-low', GS, 'node-port-out-of-range', ['      targetPort: 9696', '      targetPort: 9696\n      nodePort: 8080']),
  s('service-port-name-case', SS, 'invalid-port-name', ['    - name: grpc\n      port: 3550', '    - name: GRPC\n      port: 3550']),
  z('port-name-long', MD, 'invalid-port-name', [
    '            - containerPort: 8500',
    '            - containerPort: 8500\n              name: grpc-serving-port',
  ]),
  s('port-name-twice', SS, 'duplicate-port-name', [
    '      targetPort: grpc\n---',
    '      targetPort: grpc\n    - name: grpc\n      port: 7071\n      targetPort: 7071\n---',
  ]),
  z('unnamed-second-port', GS, 'service-port-name-required', ['      targetPort: 9696', '      targetPort: 9696\n    - port: 443\n      targetPort: 9696']),
  z('container-name-twice', GD, 'duplicate-container-name', [
    '              value: tf-serving-clothing-model.default.svc.cluster.local:8500',
    '              value: tf-serving-clothing-model.default.svc.cluster.local:8500\n        - name: gateway\n          image: busybox:1.36',
  ]),
  z('service-port-twice', MS, 'duplicate-service-port', [
    '    - port: 8500\n      targetPort: 8500',
    '    - name: a\n      port: 8500\n      targetPort: 8500\n    - name: b\n      port: 8500\n      targetPort: 8500',
  ]),
  z(
    'host-port-twice',
    GD,
    'duplicate-host-port',
    ['            - containerPort: 9696', '            - containerPort: 9696\n              hostPort: 8080'],
    [
      '              value: tf-serving-clothing-model.default.svc.cluster.local:8500',
      '              value: tf-serving-clothing-model.default.svc.cluster.local:8500\n        - name: sidecar\n          image: busybox:1.36\n          ports:\n            - containerPort: 9697\n              hostPort: 8080',
    ],
  ),
  z('container-port-twice', MD, 'duplicate-container-port', [
    '            - containerPort: 8500',
    '            - containerPort: 8500\n            - containerPort: 8500',
  ]),
  z('min-over-max', GH, 'hpa-replica-range', ['  minReplicas: 1', '  minReplicas: 5']),
  z('max-zero', GH, 'hpa-replica-range', ['  maxReplicas: 3', '  maxReplicas: 0']),
  z('utilization-zero', GH, 'hpa-invalid-target', ['averageUtilization: 50', 'averageUtilization: 0']),
  z('utilization-negative', GH, 'hpa-invalid-target', ['averageUtilization: 50', 'averageUtilization: -50']),
  z('replicas-negative', MD, 'negative-replicas', ['  replicas: 1', '  replicas: -1']),
  z('path-relative', ING, 'ingress-invalid-path', ['          - path: /', '          - path: predict']),
  z('host-ip', ING, 'ingress-invalid-host', ['    - http:', '    - host: 10.0.0.1\n      http:']),
  z('host-underscore', ING, 'ingress-invalid-host', ['    - http:', '    - host: My_Host.local\n      http:']),
  z('node-port-cluster-ip', MS, 'service-type-conflict', ['      targetPort: 8500', '      targetPort: 8500\n      nodePort: 30080']),
  z('headless-load-balancer', GS, 'service-type-conflict', ['  type: LoadBalancer', '  type: LoadBalancer\n  clusterIP: None']),
  z('external-name-missing', MS, 'service-external-name', ['  type: ClusterIP', '  type: ExternalName']),
  z('service-no-ports', MS, 'service-missing-ports', ['  ports:\n    - port: 8500\n      targetPort: 8500\n', '']),
  z('request-over-limit', GD, 'requests-exceed-limits', [
    '            limits:\n              memory: "128Mi"',
    '            requests:\n              memory: "256Mi"\n            limits:\n              memory: "128Mi"',
  ]),
  z('missing-name', GS, 'missing-name', ['  name: gateway\n', '']),
  z('negative-cpu', GD, 'negative-quantity', ['cpu: "100m"', 'cpu: "-100m"']),
  z('negative-memory-request', MD, 'negative-quantity', ['            limits:', '            requests:\n              memory: "-1Gi"\n            limits:']),
  {
    ...z('restart-policy-container', MD, 'container-restart-policy', [
      '          image: clothing-model:xception-v4-001',
      '          image: clothing-model:xception-v4-001\n          restartPolicy: Always',
    ]),
    kubernetesVersion: '1.34',
  },
  {
    ...z('sidecar-on-1-28', MD, 'container-restart-policy', [
      '      containers:',
      '      initContainers:\n        - name: log-shipper\n          image: fluent/fluent-bit:3.1\n          restartPolicy: Always\n      containers:',
    ]),
    kubernetesVersion: '1.28',
  },

  // kind traps, practice, security
  z('image-latest', GD, 'latest-image-pull-always', ['image: clothing-gateway:002', 'image: clothing-gateway:latest']),
  z('image-untagged', MD, 'latest-image-pull-always', ['image: clothing-model:xception-v4-001', 'image: clothing-model']),
  z('model-load-balancer', MS, 'loadbalancer-pending-on-kind', ['  type: ClusterIP', '  type: LoadBalancer']),
  z('no-resources-gateway', GD, 'missing-resources', [
    '          resources:\n            limits:\n              memory: "128Mi"\n              cpu: "100m"\n',
    '',
  ]),
  z('no-resources-model', MD, 'missing-resources', ['          resources:\n            limits:\n              memory: "512Mi"\n              cpu: "1"\n', '']),
  z('privileged', GD, 'privileged-container', [
    '          image: clothing-gateway:002',
    '          image: clothing-gateway:002\n          securityContext:\n            privileged: true',
  ]),
  z('host-network', MD, 'host-namespace', ['      containers:', '      hostNetwork: true\n      containers:']),
  z('host-pid', GD, 'host-namespace', ['      containers:', '      hostPID: true\n      containers:']),
  z('run-as-root', GD, 'run-as-root', [
    '          image: clothing-gateway:002',
    '          image: clothing-gateway:002\n          securityContext:\n            runAsUser: 0',
  ]),
  z('password-env', GD, 'secret-in-env', ['          env:', '          env:\n            - name: DB_PASSWORD\n              value: hunter2']),
  s('token-env', SF, 'secret-in-env', ['          env:', '          env:\n            - name: API_TOKEN\n              value: "3f9c2a7e1b"']),

  // Cross-resource
  z('selector-suffix', GS, 'service-selector-no-match', ['    app: gateway\n  ports', '    app: gateway-app\n  ports']),
  z('selector-short', MS, 'service-selector-no-match', ['    app: tf-serving-clothing-model\n  ports:', '    app: tf-serving-model\n  ports:']),
  s('selector-dash', SS, 'service-selector-no-match', ['    app: cartservice\n  ports', '    app: cart-service\n  ports']),
  s('selector-typo', SS, 'service-selector-no-match', ['    app: frontend\n  ports', '    app: frontnd\n  ports']),
  z('selector-extra-label', MS, 'service-selector-no-match', [
    '    app: tf-serving-clothing-model\n  ports:',
    '    app: tf-serving-clothing-model\n    tier: model\n  ports:',
  ]),
  z('selector-key-case', GS, 'service-selector-no-match', ['    app: gateway\n  ports', '    App: gateway\n  ports']),
  z('target-port-number', MS, 'service-target-port-missing', ['      targetPort: 8500', '      targetPort: 8501']),
  s('target-port-name', SS, 'service-target-port-missing', ['      targetPort: grpc', '      targetPort: grpc-port']),
  z('target-port-unnamed', GS, 'service-target-port-missing', ['      targetPort: 9696', '      targetPort: http']),
  s('target-port-8000', SS, 'service-target-port-missing', ['      targetPort: 8080', '      targetPort: 8000']),
  s('target-port-3551', SS, 'service-target-port-missing', ['      targetPort: 3550', '      targetPort: 3551']),
  z('hpa-target-renamed', GH, 'hpa-target-missing', ['    name: gateway\n  minReplicas', '    name: gateway-deployment\n  minReplicas']),
  z('hpa-target-typo', GH, 'hpa-target-missing', ['    name: gateway\n  minReplicas', '    name: gatway\n  minReplicas']),
  z('hpa-kind-plural', GH, 'hpa-target-kind-invalid', ['    kind: Deployment', '    kind: Deployments']),
  z('hpa-extensions', GH, 'hpa-target-kind-invalid', [
    '    apiVersion: apps/v1\n    kind: Deployment',
    '    apiVersion: extensions/v1beta1\n    kind: Deployment',
  ]),
  z('hpa-pod', GH, 'hpa-target-kind-invalid', ['    kind: Deployment', '    kind: Pod']),
  z('hpa-no-cpu', GD, 'hpa-missing-resource-requests', ['              cpu: "100m"\n', '']),
  z('hpa-fixed', GD, 'hpa-fixed-replicas', ['spec:\n  selector:', 'spec:\n  replicas: 2\n  selector:']),
  z('backend-renamed', ING, 'ingress-backend-service-missing', ['                name: gateway', '                name: gateway-svc']),
  z('backend-typo', ING, 'ingress-backend-service-missing', ['                name: gateway', '                name: gatway']),
  z('backend-pod-port', ING, 'ingress-backend-port-missing', ['number: 80', 'number: 9696']),
  z('backend-port-name', ING, 'ingress-backend-port-missing', ['                  number: 80', '                  name: http']),
  z('address-typo', GD, 'service-address-unresolved', ['tf-serving-clothing-model.default', 'tf-serving-clothing-modle.default']),
  s('address-short', SF, 'service-address-unresolved', ['"productcatalogservice:3550"', '"productcatalog:3550"']),
  s('address-dash', SF, 'service-address-unresolved', ['"cartservice:7070"', '"cart-service:7070"']),
  z('address-port', GD, 'service-address-port-missing', [':8500', ':8501']),
  s('address-port-cart', SF, 'service-address-port-missing', ['"cartservice:7070"', '"cartservice:7071"']),
  s('address-port-80', SF, 'service-address-port-missing', ['"productcatalogservice:3550"', '"productcatalogservice:80"']),
  z('model-other-namespace', MS, 'cross-namespace-reference', [
    '  name: tf-serving-clothing-model\n',
    '  name: tf-serving-clothing-model\n  namespace: models\n',
  ]),
  z('ingress-other-namespace', ING, 'cross-namespace-reference', ['  name: clothing\n', '  name: clothing\n  namespace: web\n']),
  z('hpa-other-namespace', GH, 'cross-namespace-reference', ['  name: gateway-hpa\n', '  name: gateway-hpa\n  namespace: autoscaling\n']),
  z('service-copy-paste', MS, 'duplicate-resource', [
    '  name: tf-serving-clothing-model\nspec:\n  type: ClusterIP',
    '  name: gateway\nspec:\n  type: ClusterIP',
  ]),
  z('deployment-copy-paste', MD, 'duplicate-resource', ['  name: tf-serving-clothing-model\nspec:', '  name: gateway\nspec:']),
  s('deployment-renamed-twice', SS, 'duplicate-resource', ['  name: cartservice\nspec:\n  selector:', '  name: productcatalogservice\nspec:\n  selector:']),
  // More of the common ones
  z('missing-colon', MD, 'yaml-syntax', ['kind: Deployment', 'kind Deployment']),
  z('dup-key-label', GD, 'duplicate-key', ['        app: gateway', '        app: gateway\n        app: gw']),
  z('probe-case', GD, 'schema-unknown-field', [
    '          ports:',
    '          readinessProbe:\n            httpget:\n              path: /ping\n              port: 9696\n          ports:',
  ]),
  z('ports-number', MD, 'schema-type', ['          ports:\n            - containerPort: 8500', '          ports: 8500']),
  z('template-no-labels', GD, 'selector-template-mismatch', ['    metadata:\n      labels:\n        app: gateway\n', '    metadata: {}\n']),
  z('label-key-long', GS, 'invalid-label', ['  name: gateway\n', `  name: gateway\n  labels:\n    ${'a'.repeat(70)}: x\n`]),
  z('arg-address-typo', GD, 'service-address-unresolved', [
    '          env:',
    '          args: ["--model-url=http://tf-serving-clothing-modl:8500"]\n          env:',
  ]),
  s('selector-wrong-app', SS, 'service-selector-no-match', ['    app: productcatalogservice\n  ports', '    app: catalog\n  ports']),
  z('backend-port-8500', ING, 'ingress-backend-port-missing', ['number: 80', 'number: 8080']),
  {
    id: 'second-hpa-memory',
    base: 'zoomcamp',
    file: MD,
    append: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: model-hpa
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: tf-serving-clothing-model}
  maxReplicas: 4
  metrics:
    - type: Resource
      resource: {name: memory, target: {type: Utilization, averageUtilization: 70}}
`,
    code: 'hpa-needs-metrics-server',
  },
];
