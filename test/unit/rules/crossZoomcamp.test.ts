import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, at, crossFindings, located, none, single, zoomcamp, ZOOMCAMP_FILES, fixture } from './crossHelpers';

test('the ML Zoomcamp gateway + model manifests are clean', () => {
  none(crossFindings(zoomcamp()));
});

test('the lesson in one multi-document file: positions are file positions, fixes land in the right document', () => {
  const all = ZOOMCAMP_FILES.map((n) => fixture('zoomcamp', n)).join('---\n');
  none(crossFindings({ 'all.yaml': all }));
  const broken = all.replace('app: gateway\n  ports:', 'app: gatway\n  ports:').replace('.cluster.local:8500', '.cluster.local:8501');
  assert.notEqual(broken, all);
  const list = crossFindings({ 'all.yaml': broken });
  const selector = single(list, 'service-selector-no-match');
  assert.equal(at(selector), located('all.yaml', broken, 'gatway'));
  const port = single(list, 'service-address-port-missing');
  assert.equal(at(port), located('all.yaml', broken, '8501'));
  let files = applyFix({ 'all.yaml': broken }, selector.fixes![0]);
  files = applyFix(files, single(crossFindings(files), 'service-address-port-missing').fixes![0]);
  assert.equal(files['all.yaml'], all);
});

test('a kind: List of the lesson objects is analysed item by item', () => {
  const svc = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata:
      name: gateway
    spec:
      selector:
        app: gatway
      ports:
        - port: 80
          targetPort: 9696
`;
  const files = { ...zoomcamp(), 'zoomcamp/gateway-service.yaml': svc };
  const f = single(crossFindings(files), 'service-selector-no-match');
  assert.equal(at(f), located('zoomcamp/gateway-service.yaml', svc, 'gatway'));
  none(crossFindings(applyFix(files, f.fixes![0])));
});
