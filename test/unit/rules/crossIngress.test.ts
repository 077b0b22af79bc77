import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, at, crossFindings, fixture, located, none, single, withCode } from './crossHelpers';

const SVC = fixture('zoomcamp', 'gateway-service.yaml');
const DEPLOY = fixture('zoomcamp', 'gateway-deployment.yaml');
const MODEL = fixture('zoomcamp', 'model-service.yaml');
const MODEL_DEPLOY = fixture('zoomcamp', 'model-deployment.yaml');

const ingress = (
  backend = '              service:\n                name: gateway\n                port:\n                  number: 80\n',
  extra = '',
) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: clothing
spec:
  ingressClassName: traefik
${extra}  rules:
    - host: clothing.example.com
      http:
        paths:
          - path: /predict
            pathType: Prefix
            backend:
${backend}`;

const base = (ing: string) => ({ 'svc.yaml': SVC, 'deploy.yaml': DEPLOY, 'model.yaml': MODEL, 'md.yaml': MODEL_DEPLOY, 'ing.yaml': ing });

test('the lesson Ingress and one with an IngressClass the workspace does not define are clean', () => {
  none(crossFindings(base(ingress())));
  none(crossFindings(base(fixture('zoomcamp', 'ingress.yaml'))));
});

test('ingress-backend-service-missing: a typo is a warning with the nearest Service and a fix (a guess never raises the severity)', () => {
  const ing = ingress('              service:\n                name: gatewya\n                port:\n                  number: 80\n');
  const files = base(ing);
  const f = single(crossFindings(files), 'ingress-backend-service-missing');
  assert.equal(f.severity, 'warning');
  assert.equal(at(f), located('ing.yaml', ing, 'gatewya'));
  assert.equal(
    f.message,
    'Ingress clothing sends clothing.example.com/predict to Service gatewya, which is not defined in namespace default: those requests get 503 from the ingress controller. Did you mean gateway?',
  );
  assert.deepEqual(f.related?.map(at), [located('svc.yaml', SVC, 'gateway', 1)]);
  const fixed = applyFix(files, f.fixes![0]);
  assert.equal(fixed['ing.yaml'], ingress());
  none(crossFindings(fixed), 'ingress-backend-port-missing');
});

test('ingress-backend-service-missing: nothing similar is a warning; the default backend is checked too', () => {
  const ing = ingress(undefined, '  defaultBackend:\n    service:\n      name: fallback-page\n      port:\n        number: 80\n');
  const f = single(crossFindings(base(ing)), 'ingress-backend-service-missing');
  assert.equal(f.severity, 'warning');
  assert.equal(at(f), located('ing.yaml', ing, 'fallback-page'));
  assert.match(f.message, /sends requests no rule matches to Service fallback-page/);
  assert.equal(f.fixes, undefined);
});

test('ingress-backend-port-missing: a port number the Service does not expose, fixed to its only port', () => {
  const ing = ingress('              service:\n                name: gateway\n                port:\n                  number: 8080\n');
  const files = base(ing);
  const f = single(crossFindings(files), 'ingress-backend-port-missing');
  assert.equal(f.severity, 'error');
  assert.equal(at(f), located('ing.yaml', ing, '8080'));
  assert.equal(
    f.message,
    'Service gateway (entry point, LoadBalancer) has no port 8080 (it exposes 80): the ingress cannot forward clothing.example.com/predict.',
  );
  assert.deepEqual(f.related?.map(at), [located('svc.yaml', SVC, 'ports')]);
  const fixed = applyFix(files, f.fixes![0]);
  assert.equal(fixed['ing.yaml'], ingress());
  none(crossFindings(fixed), 'ingress-backend-port-missing');
});

test('ingress-backend-port-missing: port names, several Service ports (no fix), and resolved names', () => {
  const named = SVC.replace('    - port: 80', '    - name: http\n      port: 80');
  const ing = ingress('              service:\n                name: gateway\n                port:\n                  name: web\n');
  const files = { ...base(ing), 'svc.yaml': named };
  const f = single(crossFindings(files), 'ingress-backend-port-missing');
  assert.equal(at(f), located('ing.yaml', ing, 'web'));
  assert.match(f.message, /has no port named web \(it exposes 80 \(http\)\)/);
  const fixed = applyFix(files, f.fixes![0]);
  assert.equal(fixed['ing.yaml'], ingress('              service:\n                name: gateway\n                port:\n                  name: http\n'));
  none(crossFindings(fixed));

  const two = SVC.replace('      targetPort: 9696\n', '      targetPort: 9696\n    - port: 443\n      targetPort: 9696\n');
  const g = single(
    crossFindings({
      ...base(''),
      'svc.yaml': two,
      'ing.yaml': ingress('              service:\n                name: gateway\n                port:\n                  number: 8080\n'),
    }),
    'ingress-backend-port-missing',
  );
  assert.match(g.message, /it exposes 80, 443/);
  assert.equal(g.fixes, undefined);
});

test('legacy extensions/v1beta1 backends (serviceName/servicePort) are resolved too', () => {
  const legacy = `apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: old
spec:
  backend:
    serviceName: gateway
    servicePort: 80
  rules:
    - http:
        paths:
          - path: /model
            backend:
              serviceName: tf-serving-clothing-model
              servicePort: 8501
`;
  const list = crossFindings({ 'svc.yaml': SVC, 'deploy.yaml': DEPLOY, 'model.yaml': MODEL, 'md.yaml': MODEL_DEPLOY, 'ing.yaml': legacy });
  const f = single(list, 'ingress-backend-port-missing');
  assert.equal(at(f), located('ing.yaml', legacy, '8501'));
  assert.match(
    f.message,
    /Service tf-serving-clothing-model \(internal service\) has no port 8501 \(it exposes 8500\): the ingress cannot forward path \/model\./,
  );
  const fixed = applyFix({ 'svc.yaml': SVC, 'deploy.yaml': DEPLOY, 'model.yaml': MODEL, 'md.yaml': MODEL_DEPLOY, 'ing.yaml': legacy }, f.fixes![0]);
  assert.equal(fixed['ing.yaml'], legacy.replace('8501', '8500'));
  none(crossFindings(fixed));
});

test('an Ingress backend in another namespace is a cross-namespace-reference, not a missing Service', () => {
  const ing = ingress().replace('  name: clothing\n', '  name: clothing\n  namespace: web\n');
  const list = crossFindings(base(ing));
  none(list, 'ingress-backend-service-missing');
  const f = single(list, 'cross-namespace-reference');
  assert.equal(at(f), located('ing.yaml', ing, 'gateway'));
  assert.equal(
    f.message,
    'Ingress clothing is in namespace web, but Service gateway exists only in namespace default: an Ingress can only route to Services in its own namespace.',
  );
  assert.deepEqual(f.related?.map(at), [located('svc.yaml', SVC, 'gateway', 1)]);
  assert.equal(withCode(list, 'ingress-backend-port-missing').length, 0);
});

test("ingress-backend-port-missing: the pods' port instead of the Service port is explained and fixed, even with several ports", () => {
  const two = SVC.replace('      targetPort: 9696\n', '      targetPort: 9696\n    - name: metrics\n      port: 9090\n');
  const ing = ingress('              service:\n                name: gateway\n                port:\n                  number: 9696\n');
  const files = { ...base(ing), 'svc.yaml': two };
  const f = single(crossFindings(files), 'ingress-backend-port-missing');
  assert.match(
    f.message,
    /it exposes 80, 9090 \(metrics\)\): the ingress cannot forward clothing\.example\.com\/predict\. 9696 is the pods' port; the Ingress must name the Service port, 80, which forwards to it\.$/,
  );
  const fixed = applyFix(files, f.fixes![0]);
  assert.equal(fixed['ing.yaml'], ingress());
  none(crossFindings(fixed), 'ingress-backend-port-missing');
});
