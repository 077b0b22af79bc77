import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, at, crossFindings, fixtureSet } from './crossHelpers';

const FILES = ['ui.yaml', 'model-serving.yaml', 'feature-store.yaml', 'pipeline.yaml'];

test('a broken movie-recommender workspace: every cross-resource problem at its exact place', () => {
  const files = fixtureSet('cross/recommender', FILES);
  const list = crossFindings(files).map((f) => `${f.severity} ${f.code} ${at(f)}`);
  assert.deepEqual(list.sort(), [
    'error cross-namespace-reference cross/recommender/ui.yaml:24:35-24:41',
    'error ingress-backend-port-missing cross/recommender/ui.yaml:55:26-55:30',
    'error service-address-port-missing cross/recommender/ui.yaml:22:49-22:53',
    'info duplicate-resource cross/recommender/feature-store.yaml:39:8-39:25',
    'info duplicate-resource cross/recommender/pipeline.yaml:4:8-4:25',
    'warning hpa-fixed-replicas cross/recommender/model-serving.yaml:7:2-7:13',
    'warning hpa-missing-resource-requests cross/recommender/model-serving.yaml:50:14-50:17',
    'warning service-selector-no-match cross/recommender/model-serving.yaml:30:9-30:21',
  ]);
});

test('applying every offered preferred fix leaves only the problems that need a decision', () => {
  let files = fixtureSet('cross/recommender', FILES);
  for (let round = 0; round < 10; round++) {
    const fixable = crossFindings(files).find((f) => f.fixes?.some((x) => x.preferred));
    if (!fixable) break;
    files = applyFix(
      files,
      fixable.fixes!.find((x) => x.preferred)!,
    );
  }
  // The duplicate ConfigMap needs a person to decide which copy stays, and the selector fix is a
  // guess (model-server → model-serving), offered but never applied automatically.
  assert.deepEqual(
    crossFindings(files).map((f) => f.code),
    ['service-selector-no-match', 'duplicate-resource', 'duplicate-resource'],
  );
  assert.match(files['cross/recommender/model-serving.yaml'], /selector:\n {4}app: model-server\n/);
  assert.match(files['cross/recommender/model-serving.yaml'], /spec:\n {2}selector:\n {4}matchLabels:/, 'replicas removed');
  assert.match(
    files['cross/recommender/model-serving.yaml'],
    / {10}ports:\n {12}- name: http\n {14}containerPort: 8080\n {10}resources:\n {12}requests:\n {14}cpu: 100m\n/,
  );
  assert.match(files['cross/recommender/ui.yaml'], /value: http:\/\/model-serving\.ml\.svc:80\/recommend\n/);
  assert.match(files['cross/recommender/ui.yaml'], /value: feature-store\.data\.svc:6379\n/);
  assert.match(files['cross/recommender/ui.yaml'], /number: 80\n$/);
});
