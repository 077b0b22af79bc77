import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, REPO, validate, yamlObjects } from './helpers';
import { containers, Topology } from './topology';

interface Snippet {
  prefix: string;
  description: string;
  body: string[];
}

const SNIPPETS: Record<string, Snippet> = JSON.parse(readFileSync(path.join(REPO, 'snippets', 'kubernetes.code-snippets.json'), 'utf8'));
const byPrefix = (prefix: string): Snippet => {
  const s = Object.values(SNIPPETS).find((x) => x.prefix === prefix);
  assert.ok(s, `snippet ${prefix}`);
  return s;
};

/**
 * Expands a snippet the way VS Code does when the user only presses Tab: every placeholder takes
 * its default (the first definition of a number wins, choices take their first option), mirrors
 * (`$1`) repeat it, `$0` disappears. `overrides` stands for text the user typed.
 */
export function expandSnippet(body: string, overrides: Record<number, string> = {}): string {
  const values = new Map<number, string>(Object.entries(overrides).map(([k, v]) => [Number(k), v]));
  let text = body.replace(/\$\{(\d+)\|([^|]*)\|\}/g, (_, n: string, choices: string) => `\${${n}:${choices.split(',')[0]}}`);
  // Innermost placeholders first, so `${3:$1}` and `${2:${1:x}-y}` work.
  const inner = /\$\{(\d+):((?:[^$}]|\$(?!\{))*)\}/;
  for (let m = inner.exec(text); m; m = inner.exec(text)) {
    const n = Number(m[1]);
    if (!values.has(n)) values.set(n, m[2]);
    text = text.slice(0, m.index) + `$${n}` + text.slice(m.index + m[0].length);
  }
  const resolve = (s: string, depth = 0): string =>
    s.replace(/\$\{?(\d+)\}?/g, (_, n: string) => (n === '0' ? '' : depth > 5 ? '' : resolve(values.get(Number(n)) ?? '', depth + 1)));
  return resolve(text);
}

test('the snippet file is valid JSON with kt- prefixes for every required snippet', () => {
  const prefixes = Object.values(SNIPPETS)
    .map((s) => s.prefix)
    .sort();
  assert.deepEqual(prefixes, [
    'kt-deployment',
    'kt-gateway',
    'kt-gateway-model',
    'kt-hpa',
    'kt-ingress',
    'kt-service-clusterip',
    'kt-service-loadbalancer',
    'kt-service-nodeport',
    'kt-tf-serving',
  ]);
  for (const [title, s] of Object.entries(SNIPPETS)) {
    assert.ok(Array.isArray(s.body) && s.body.every((l) => typeof l === 'string'), title);
    assert.ok(s.description.length > 10, title);
    assert.ok(!s.body.some((l) => l.includes('\t')), `${title}: spaces, not tabs, in YAML`);
  }
});

test('the expansion helper follows VS Code snippet rules', () => {
  assert.equal(expandSnippet('a: ${1:x}\nb: $1-y\nc: ${2|P,Q|}\n$0'), 'a: x\nb: x-y\nc: P\n');
  assert.equal(expandSnippet('image: ${3:$1}:${4:1.0}\nname: ${1:app}'), 'image: app:1.0\nname: app');
  assert.equal(expandSnippet('${1:x} $1', { 1: 'typed' }), 'typed typed');
});

test('every snippet, expanded with its defaults, parses as YAML and validates with zero errors', () => {
  for (const [title, s] of Object.entries(SNIPPETS)) {
    const text = expandSnippet(s.body.join('\n'));
    const objects = yamlObjects(text);
    assert.ok(objects.length >= 1, title);
    const v = validate([{ path: `${s.prefix}.yaml`, text }]);
    assert.equal(v.errors.length, 0, `${title}\n${describe(v.errors)}\n${text}`);
  }
});

test('snippets that reference other objects validate cleanly next to the snippets they refer to', () => {
  const deployment = expandSnippet(byPrefix('kt-deployment').body.join('\n'));
  const clusterIp = expandSnippet(byPrefix('kt-service-clusterip').body.join('\n'));
  const noReplicas = expandSnippet(byPrefix('kt-tf-serving').body.join('\n'), { 1: 'my-app' });
  const modelService = expandSnippet(byPrefix('kt-service-clusterip').body.join('\n'), { 1: 'tf-serving-model', 2: '8500', 3: '8500' });
  const tfServing = expandSnippet(byPrefix('kt-tf-serving').body.join('\n'));
  const scenarios: Record<string, string[]> = {
    'kt-deployment': [deployment],
    'kt-service-clusterip': [clusterIp, deployment],
    'kt-service-loadbalancer': [expandSnippet(byPrefix('kt-service-loadbalancer').body.join('\n')), deployment],
    'kt-service-nodeport': [expandSnippet(byPrefix('kt-service-nodeport').body.join('\n')), deployment],
    'kt-hpa': [expandSnippet(byPrefix('kt-hpa').body.join('\n')), noReplicas],
    'kt-ingress': [expandSnippet(byPrefix('kt-ingress').body.join('\n')), clusterIp, deployment],
    'kt-gateway': [expandSnippet(byPrefix('kt-gateway').body.join('\n')), tfServing, modelService],
    'kt-tf-serving': [tfServing],
    'kt-gateway-model': [expandSnippet(byPrefix('kt-gateway-model').body.join('\n'))],
  };
  for (const [prefix, texts] of Object.entries(scenarios)) {
    const v = validate(texts.map((text, i) => ({ path: `${prefix}-${i}.yaml`, text })));
    assert.equal(v.errors.length + v.warnings.length, 0, `${prefix}\n${describe([...v.errors, ...v.warnings])}`);
  }
});

test('the topology snippet asks for the app name once and derives every name, label, selector and address from it', () => {
  const s = byPrefix('kt-gateway-model');
  const body = s.body.join('\n');
  assert.equal(body.match(/\$\{1:/g)?.length, 1, 'one definition of $1');
  const uses = body.match(/\$1(?!\d)/g)?.length ?? 0;
  assert.ok(uses >= 20, `$1 mirrored everywhere (${uses} uses)`);
  assert.equal(body.replace('${1:clothing}', '').includes('clothing'), false, 'no second copy of the default name');

  const typed = expandSnippet(body, { 1: 'shoes', 2: 'ml' });
  const t = new Topology(yamlObjects(typed));
  for (const o of t.objects) assert.match(o.metadata.name, /^shoes(-|$)/);
  const ingress = t.get('Ingress', 'shoes', 'ml');
  const gatewayService = t.ingressBackend(ingress);
  const gateway = t.deploymentBehind(gatewayService);
  t.assertTargetPorts(gatewayService, gateway);
  const modelService = t.serviceAt(t.env(gateway, 'TF_SERVING_HOST'));
  assert.equal(modelService.metadata.name, 'shoes-model');
  const model = t.deploymentBehind(modelService);
  assert.equal(containers(model)[0].readinessProbe.httpGet.path, '/v1/models/shoes-model');
  assert.deepEqual(
    t.all('HorizontalPodAutoscaler').map((h) => t.hpaTarget(h).metadata.name),
    ['shoes-gateway', 'shoes-model'],
  );
  const v = validate([{ path: 'typed.yaml', text: typed }]);
  assert.equal(v.errors.length + v.warnings.length, 0, describe([...v.errors, ...v.warnings]));
});

test('single-resource snippets share one name between metadata, labels, selector and Service', () => {
  for (const prefix of [
    'kt-deployment',
    'kt-service-clusterip',
    'kt-service-loadbalancer',
    'kt-service-nodeport',
    'kt-hpa',
    'kt-ingress',
    'kt-gateway',
    'kt-tf-serving',
  ]) {
    const body = byPrefix(prefix).body.join('\n');
    assert.equal(body.match(/\$\{1:/g)?.length, 1, prefix);
    const [obj] = yamlObjects(expandSnippet(body, { 1: 'typed-name' })) as any[];
    assert.equal(obj.metadata.name, 'typed-name', prefix);
    assert.equal(obj.metadata.labels['app.kubernetes.io/name'], 'typed-name', prefix);
    if (obj.kind === 'Deployment') {
      assert.equal(obj.spec.selector.matchLabels['app.kubernetes.io/name'], 'typed-name');
      assert.equal(obj.spec.template.metadata.labels['app.kubernetes.io/name'], 'typed-name');
    }
    if (obj.kind === 'Service') assert.equal(obj.spec.selector['app.kubernetes.io/name'], 'typed-name');
    if (obj.kind === 'HorizontalPodAutoscaler') assert.equal(obj.spec.scaleTargetRef.name, 'typed-name');
    if (obj.kind === 'Ingress') assert.equal(obj.spec.rules[0].http.paths[0].backend.service.name, 'typed-name');
  }
});
