import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CROSS_RULES } from '../../../src/core/rules/cross/crossResourceRules';
import { metaOf } from '../../../src/core/rules/types';
import { runIndexCheck } from '../../../src/core/index/workspaceIndex';
import { parseManifestFile } from '../../../src/core/parse/manifestParser';
import { deletePairLines, insertIntoMap, rangeInString, replaceScalar } from '../../../src/core/rules/yamlEdits';
import { ResourceIndex } from '../../../src/core/index/resourceIndex';
import { DEFAULT_OPTIONS, type IndexCheckContext } from '../../../src/core/rules/types';
import { rangeOf } from '../../../src/core/parse/locate';
import type { TextEdit } from '../../../src/core/findings';
import { applyFix, crossFindings, single, where } from './crossHelpers';

const apply = (text: string, edit: TextEdit | undefined) => {
  assert.ok(edit, 'no edit offered');
  return applyFix({ [edit.file]: text }, { title: '', edits: [edit] })[edit.file];
};

test('insertIntoMap: at the end of a document without a final newline, and in CRLF files', () => {
  const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  ports:\n    - port: 80';
  const [svc] = parseManifestFile('s.yaml', text).resources;
  assert.equal(apply(text, insertIntoMap(svc, ['spec', 'ports', 0], ['targetPort: 9696'])), `${text}\n      targetPort: 9696`);
  const crlf = 'apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: x\r\nspec:\r\n  ports:\r\n    - port: 80\r\n  type: ClusterIP\r\n';
  const [svc2] = parseManifestFile('s.yaml', crlf).resources;
  assert.equal(
    apply(crlf, insertIntoMap(svc2, ['spec', 'ports', 0], ['targetPort: 9696'])),
    crlf.replace('port: 80\r\n', 'port: 80\r\n      targetPort: 9696\r\n'),
  );
  // Flow mappings with entries are left alone.
  const flow = 'apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  ports: [{port: 80}]\n';
  const [svc3] = parseManifestFile('s.yaml', flow).resources;
  assert.equal(insertIntoMap(svc3, ['spec', 'ports', 0], ['targetPort: 9696']), undefined);
});

test('deletePairLines: whole lines only, with their comment; never the last entry or an inline pair', () => {
  const text = 'kind: Deployment\nspec:\n  replicas: 3   # three\n  paused: false\n';
  const [d] = parseManifestFile('d.yaml', text).resources;
  assert.equal(apply(text, deletePairLines(d, ['spec', 'replicas'])), 'kind: Deployment\nspec:\n  paused: false\n');
  const only = 'kind: Deployment\nspec:\n  replicas: 3\n';
  assert.equal(deletePairLines(parseManifestFile('d.yaml', only).resources[0], ['spec', 'replicas']), undefined);
  const inline = 'kind: Deployment\nspec: {replicas: 3, paused: false}\n';
  assert.equal(deletePairLines(parseManifestFile('d.yaml', inline).resources[0], ['spec', 'replicas']), undefined);
});

test('replaceScalar keeps quoting; rangeInString maps offsets through quotes and block scalars', () => {
  const text = 'kind: X\na: \'single\'\nb: "double"\nc: plain\nd: |\n  first line\n  call gateway:80 now\n';
  const [x] = parseManifestFile('x.yaml', text).resources;
  assert.equal(apply(text, replaceScalar(x, ['a'], 'new')), text.replace("'single'", "'new'"));
  assert.equal(apply(text, replaceScalar(x, ['b'], 'new')), text.replace('"double"', '"new"'));
  assert.equal(apply(text, replaceScalar(x, ['c'], 8080)), text.replace('plain', '8080'));
  assert.equal(apply(text, replaceScalar(x, ['c'], 'yes')), text.replace('plain', '"yes"'), 'a string that YAML would read as a boolean is quoted');
  assert.equal(where('x.yaml', rangeInString(x, ['b'], 0, 3)), 'x.yaml:2:4-2:7');
  const value = 'first line\ncall gateway:80 now\n';
  const at = value.indexOf('gateway');
  assert.equal(where('x.yaml', rangeInString(x, ['d'], at, at + 7)), 'x.yaml:6:7-6:14');
});

test('a failing check becomes an internal-error finding; the other checks still run', () => {
  const [r] = parseManifestFile('a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n').resources;
  const reports: string[] = [];
  const ctx: IndexCheckContext = {
    index: new ResourceIndex([r]),
    options: DEFAULT_OPTIONS,
    range: (res, path, part) => rangeOf(res, path, part),
    report: (_res, code, message) => void reports.push(`${code}: ${message}`),
  };
  runIndexCheck(
    () => {
      throw new Error('bad data');
    },
    'boom',
    ctx,
  );
  assert.deepEqual(reports, ['internal-error: Kube Topology could not finish the boom check: bad data']);
});

test('the HPA requests fix in a CRLF file keeps CRLF line endings', () => {
  const d =
    'apiVersion: apps/v1\r\nkind: Deployment\r\nmetadata:\r\n  name: web\r\nspec:\r\n  selector:\r\n    matchLabels: {app: web}\r\n  template:\r\n    metadata:\r\n      labels: {app: web}\r\n    spec:\r\n      containers:\r\n        - name: web\r\n          image: nginx\r\n';
  const h =
    'apiVersion: autoscaling/v2\r\nkind: HorizontalPodAutoscaler\r\nmetadata:\r\n  name: web\r\nspec:\r\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\r\n  maxReplicas: 3\r\n';
  const files = { 'd.yaml': d, 'h.yaml': h };
  const f = single(crossFindings(files), 'hpa-missing-resource-requests');
  const fixed = applyFix(files, f.fixes![0]);
  assert.equal(fixed['d.yaml'], d + '          resources:\r\n            requests:\r\n              cpu: 100m\r\n');
  assert.deepEqual(
    crossFindings(fixed).filter((x) => x.code === 'hpa-missing-resource-requests'),
    [],
  );
});

test('docs/rules-cross.md has one entry per code, with the catalog severity', () => {
  const doc = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'rules-cross.md'), 'utf8');
  const headings = [...doc.matchAll(/^### `([a-z-]+)` — (error|warning|info)/gm)].map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual(
    headings.sort(),
    metaOf(CROSS_RULES)
      .map((r) => `${r.code} ${r.severity}`)
      .sort(),
  );
});
