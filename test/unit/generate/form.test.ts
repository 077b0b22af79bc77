/**
 * The generator form's model (src/core/generate/form.ts) and its preview: grouping and folding from
 * the template, evaluation of typed values with the template's own rules, and the in-memory
 * analysis and graph of what would be written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { essentialParameters, evaluateForm, formLayout, kindRecommendations, parseTemplate } from '../../../src/core/generate';
import { GenerationPreviewer } from '../../../src/core/generate/preview';
import { formMessage, stateMessage } from '../../../src/extension/generatorMessages';
import { isHostToGeneratorMessage } from '../../../src/shared/webviewProtocol';
import { builtIn } from './helpers';

const NOTE = `apiVersion: kube-topology.io/v1alpha1
kind: Template
metadata:
  name: note
spec:
  parameters:
    - name: text
      default: hi
    - name: size
      type: integer
      default: 1
      minimum: 1
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: note
data:
  text: \${text}
  size: "\${size}"
`;

test('the gateway + model form: five groups in order, the four essential questions open, the rest folded', () => {
  const layout = formLayout(builtIn('gateway-model'));
  assert.deepEqual(
    layout.groups.map((g) => [g.title, g.shown]),
    [
      ['Application', ['appName']],
      ['Gateway', ['gatewayImage']],
      ['Model', ['modelImage']],
      ['Exposure', ['gatewayServiceType']],
      ['Scaling', []],
    ],
  );
  assert.deepEqual(essentialParameters(builtIn('gateway-model')), ['appName', 'gatewayImage', 'modelImage', 'gatewayServiceType']);
  // Every parameter is in exactly one group, in declaration order within it.
  const all = layout.groups.flatMap((g) => [...g.shown, ...g.folded]);
  assert.deepEqual([...all].sort(), layout.fields.map((f) => f.name).sort());
  const port = layout.fields.find((f) => f.name === 'gatewayPort')!;
  assert.deepEqual([port.label, port.type, port.allowed, port.essential], ['Gateway container port', 'integer', 'an integer from 1 to 65535', false]);
});

test('a template that marks nothing essential shows every field (nothing folded, every question asked)', () => {
  const t = parseTemplate(NOTE, 'note.yaml');
  assert.deepEqual(formLayout(t).groups, [{ title: 'Parameters', shown: ['text', 'size'], folded: [] }]);
  assert.deepEqual(essentialParameters(t), ['text', 'size']);
});

test('"essential" must be a boolean', () => {
  assert.throws(
    () => parseTemplate(NOTE.replace('default: hi', 'default: hi\n      essential: yes please'), 'note.yaml'),
    /parameter text: essential must be true or false/,
  );
});

test("typed values are checked with the template's rules; untouched fields follow their derived defaults", () => {
  const t = builtIn('gateway-model');
  const ev = evaluateForm(t, { appName: 'shoes', gatewayPort: '9000', modelImage: 'registry.local/model:2' });
  assert.equal(ev.valid, true);
  assert.equal(ev.values.gatewayPort, 9000, 'typed text becomes the parameter type');
  assert.deepEqual(ev.fields.gatewayImage, { active: true, value: 'shoes-gateway:0.1.0', default: 'shoes-gateway:0.1.0', edited: false });
  assert.deepEqual(ev.fields.modelImage, { active: true, value: 'registry.local/model:2', default: 'shoes-model:0.1.0', edited: true });
  assert.deepEqual(ev.changed, ['appName', 'gatewayPort', 'modelImage']);

  const bad = evaluateForm(t, { appName: 'Bad Name', gatewayPort: '70000' });
  assert.equal(bad.valid, false);
  assert.equal(bad.fields.appName.error, `"Bad Name" is not valid; expected lowercase letters, digits and '-', starting with a letter, at most 40 characters`);
  assert.equal(bad.fields.gatewayPort.error, '70000 is too large; expected an integer from 1 to 65535');
  assert.equal(bad.values.appName, 'clothing', 'an invalid field renders with its default');
  assert.equal(bad.fields.gatewayImage.value, 'clothing-gateway:0.1.0');
});

test('a constraint is shown on the field it names; a field whose condition is false is neither checked nor used', () => {
  const t = builtIn('gateway-model');
  const ev = evaluateForm(t, { gatewayMinReplicas: '5' });
  assert.equal(ev.valid, false);
  assert.equal(ev.fields.gatewayMaxReplicas.error, 'the gateway HPA maximum (3) is below its minimum (5)');
  assert.deepEqual(ev.problems, [{ parameter: 'gatewayMaxReplicas', message: 'the gateway HPA maximum (3) is below its minimum (5)' }]);

  // Without an HPA the range does not apply: a bad value there blocks nothing and is kept for later.
  const off = evaluateForm(t, { gatewayAutoscaling: false, gatewayMinReplicas: 'many' });
  assert.equal(off.valid, true);
  assert.equal(off.fields.gatewayMinReplicas.active, false);
  assert.equal(off.fields.gatewayMinReplicas.value, 'many');
  assert.equal(off.fields.gatewayReplicas.active, true);
  assert.equal(evaluateForm(t, { gatewayAutoscaling: true, gatewayMinReplicas: 'many' }).valid, false);
});

test('on kind, the recommended choices are the starting values (and only those that differ from the default)', () => {
  assert.deepEqual(kindRecommendations(builtIn('gateway-model')), { gatewayServiceType: 'ClusterIP' });
  const choices = formLayout(builtIn('gateway-model'), { onKind: true }).fields.find((f) => f.name === 'gatewayServiceType')!.choices!;
  assert.deepEqual(
    choices.filter((c) => c.recommended).map((c) => c.value),
    ['ClusterIP'],
  );
  assert.ok(
    formLayout(builtIn('gateway-model')).fields.every((f) => (f.choices ?? []).every((c) => !c.recommended)),
    'not elsewhere',
  );
});

test('the preview analyses and draws what would be written: the full chain, clean, and it follows the values', () => {
  const t = builtIn('gateway-model');
  const previewer = new GenerationPreviewer();
  const p = previewer.preview(t, evaluateForm(t, {}).values, { layout: 'single', directory: 'k8s' });
  assert.deepEqual(
    p.files.map((f) => f.path),
    ['k8s/clothing.yaml'],
  );
  assert.deepEqual(p.graph.nodes.map((n) => n.id).sort(), [
    'Deployment/default/clothing-gateway',
    'Deployment/default/clothing-model',
    'HorizontalPodAutoscaler/default/clothing-gateway',
    'HorizontalPodAutoscaler/default/clothing-model',
    'Ingress/default/clothing',
    'Service/default/clothing-gateway',
    'Service/default/clothing-model',
  ]);
  assert.equal(p.graph.edges.length, 6);
  assert.deepEqual(
    p.findings.filter((f) => f.severity !== 'info'),
    [],
  );
  // The same previewer again with other values: no file of the earlier preview is left behind.
  const q = previewer.preview(t, evaluateForm(t, { appName: 'shoes', ingressEnabled: false }).values, { layout: 'per-resource', directory: 'k8s' });
  assert.ok(q.files.every((f) => f.path.startsWith('k8s/shoes-')));
  assert.equal(q.graph.nodes.length, 6);
  assert.ok(q.graph.nodes.every((n) => n.name.startsWith('shoes')));
  assert.ok(q.findings.every((f) => f.file.startsWith('k8s/shoes-')));
});

test("the form's host messages pass the protocol validators", () => {
  const t = builtIn('gateway-model');
  const form = formMessage({
    templates: [{ template: t, where: 'built-in' }],
    template: t,
    onKind: true,
    values: { gatewayServiceType: 'ClusterIP' },
    layout: 'single',
    folder: 'k8s',
  });
  assert.equal(isHostToGeneratorMessage(form), true);
  const state = stateMessage({
    revision: 3,
    template: t,
    values: { appName: 'Bad Name' },
    layout: 'per-resource',
    directory: 'k8s',
    previewer: new GenerationPreviewer(),
  });
  assert.equal(isHostToGeneratorMessage(state), true);
  assert.equal(state.valid, false);
  assert.ok(state.notes.some((n) => /kind load docker-image clothing-gateway:0\.1\.0/.test(n)));
});
