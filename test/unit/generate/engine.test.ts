import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import * as path from 'node:path';
import {
  conditionHolds,
  isKubeTopologyTemplate,
  findBuiltInTemplatesDir,
  findExistingFiles,
  loadTemplates,
  parseExpression,
  parseTemplate,
  renderDocuments,
  renderFiles,
  resolveValues,
  TemplateError,
  type Template,
} from '../../../src/core/generate';
import { existsSync, REPO, TEMPLATES_DIR, validate, describe, yamlObjects } from './helpers';

const HEADER = `apiVersion: kube-topology.io/v1alpha1
kind: Template
metadata:
  name: probe
spec:
  parameters:
    - name: text
      default: hello
    - name: port
      type: integer
      default: 8080
      minimum: 1
      maximum: 65535
    - name: enabled
      type: boolean
      default: true
    - name: mode
      type: enum
      default: a
      choices: [a, b]
    - name: derived
      default: \${text}-derived
`;

function template(body: string, header = HEADER): Template {
  return parseTemplate(`${header}---\n${body}`, 'probe.yaml');
}

function render(t: Template, sets: Record<string, string | number | boolean> = {}): Record<string, unknown>[] {
  const r = resolveValues(t, sets);
  assert.deepEqual(r.problems, []);
  return renderDocuments(t, r.values).map((d) => parse(d.text));
}

const CONFIG_MAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: probe
data:
  plain: \${text}
  spliced: "say \${text} on \${port}"
  quotedPort: "\${port}"
  label: prefix-\${text}-suffix
`;

test('a value with YAML special characters round-trips safely (a: b # c, *x, &y, quotes, newlines)', () => {
  const t = template(CONFIG_MAP);
  for (const value of [
    'a: b # c',
    '*star',
    '&anchor',
    '- dash',
    '{ x: 1 }',
    `it's "quoted"`,
    'line1\nline2',
    'true',
    '8500',
    'null',
    '#hash',
    '  spaced  ',
    '@at',
    '%pct',
    '`tick',
    '|',
    '>',
  ]) {
    const [obj] = render(t, { text: value });
    const data = (obj as { data: Record<string, unknown> }).data;
    assert.equal(data.plain, value, `plain ${JSON.stringify(value)}`);
    assert.equal(data.spliced, `say ${value} on 8080`);
    assert.equal(data.label, `prefix-${value}-suffix`);
    // The result is still one valid Kubernetes object.
    const files = renderFiles(t, resolveValues(t, { text: value }).values, { layout: 'single' });
    const v = validate(files);
    assert.equal(v.errors.length, 0, describe(v.errors));
  }
});

test('values in comments stay on the comment line', () => {
  const t = template(`# greeting for \${text}
apiVersion: v1
kind: ConfigMap
metadata:
  name: probe # named after \${text}
data:
  # says \${text}
  plain: \${text}
`);
  const r = resolveValues(t, { text: 'one\nkind: Secret\n# two' });
  const [file] = renderFiles(t, r.values, { layout: 'single', header: false });
  assert.match(file.text, /^# greeting for one kind: Secret # two$/m);
  assert.match(file.text, /# says one kind: Secret # two$/m);
  assert.doesNotMatch(file.text, /^\s*#kind: Secret/m);
  assert.doesNotMatch(file.text, /^kind: Secret/m);
  const [obj] = yamlObjects(file.text) as any[];
  assert.equal(obj.kind, 'ConfigMap');
  assert.equal(obj.data.plain, 'one\nkind: Secret\n# two');
});

test('an unquoted sole placeholder keeps the parameter type; a quoted one is a string', () => {
  const t = template(`apiVersion: v1
kind: Service
metadata:
  name: probe
  annotations:
    enabled: "\${enabled}"
spec:
  ports:
    - port: \${port}
      targetPort: \${port}
  publishNotReadyAddresses: \${enabled}
`);
  const [svc] = render(t, { port: '9696', enabled: 'no' }) as any[];
  assert.equal(svc.spec.ports[0].port, 9696);
  assert.equal(svc.spec.publishNotReadyAddresses, false);
  assert.equal(svc.metadata.annotations.enabled, 'false');
  const [cm] = render(template(CONFIG_MAP), { port: 1234 }) as any[];
  assert.equal(cm.data.quotedPort, '1234');
});

test('$when drops documents, entries and list items; $value replaces an entry', () => {
  const t = template(`$when: enabled
apiVersion: v1
kind: ConfigMap
metadata:
  name: first
---
apiVersion: v1
kind: Service
metadata:
  name: second
spec:
  clusterIP:
    $when: mode == 'b'
    $value: None
  ports:
    - name: a
      port: 1
    - $when: "!enabled"
      name: b
      port: \${port}
`);
  let docs = render(t) as any[];
  assert.deepEqual(
    docs.map((d) => d.metadata.name),
    ['first', 'second'],
  );
  assert.equal(docs[1].spec.clusterIP, undefined);
  assert.deepEqual(docs[1].spec.ports, [{ name: 'a', port: 1 }]);
  docs = render(t, { enabled: false, mode: 'b' }) as any[];
  assert.deepEqual(
    docs.map((d) => d.metadata.name),
    ['second'],
  );
  assert.equal(docs[0].spec.clusterIP, 'None');
  assert.deepEqual(docs[0].spec.ports, [
    { name: 'a', port: 1 },
    { name: 'b', port: 8080 },
  ]);
});

test('derived defaults follow earlier values until set explicitly', () => {
  const t = template(CONFIG_MAP);
  assert.equal(resolveValues(t, {}).values.derived, 'hello-derived');
  assert.equal(resolveValues(t, { text: 'x' }).values.derived, 'x-derived');
  const r = resolveValues(t, { text: 'x', derived: 'own' });
  assert.equal(r.values.derived, 'own');
  assert.deepEqual(r.changed, ['text', 'derived']);
});

test('bad values are reported with the parameter and what is allowed', () => {
  const t = template(CONFIG_MAP);
  const r = resolveValues(t, { port: 'eighty', mode: 'c', enabled: 'maybe', nope: '1', txet: 'x' });
  const byParam = Object.fromEntries(r.problems.map((p) => [p.parameter, p.message]));
  assert.match(byParam.port, /port: "eighty" is not an integer; expected an integer from 1 to 65535/);
  assert.match(byParam.mode, /mode: "c" is not allowed; expected one of a, b/);
  assert.match(byParam.enabled, /true or false/);
  assert.match(byParam.nope, /unknown parameter "nope".*parameters: text, port, enabled, mode, derived/);
  assert.match(byParam.txet, /did you mean text\?/);
  assert.match(resolveValues(t, { port: 70000 }).problems[0].message, /70000 is too large/);
});

test('conditions: comparisons, negation, precedence and parentheses', () => {
  const v = { a: true, b: false, n: 3, m: 5, s: 'x', e: '' };
  assert.equal(conditionHolds('a && !b', v), true);
  assert.equal(conditionHolds('b || n < m && s == "x"', v), true);
  assert.equal(conditionHolds('(b || n > m) && a', v), false);
  assert.equal(conditionHolds("e != ''", v), false);
  assert.equal(conditionHolds('e', v), false);
  assert.equal(conditionHolds('n >= 3 && m <= 5 && n != 4', v), true);
  assert.throws(() => parseExpression('a &&'), /ends too early/);
  assert.throws(() => parseExpression('a ; b'), /unexpected/);
});

test('template mistakes are reported with the file and line, never at render time', () => {
  const cases: [string, RegExp][] = [
    ['apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: { a: ${nope} }\n', /"\$\{nope\}|names no parameter|YAML/],
    ['apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${nope}\n', /placeholder \$\{nope\} names no parameter/],
    ['$when: missing\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n', /unknown parameter "missing"/],
    ['apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  $wen: enabled\n', /unknown template key "\$wen"/],
    ['apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    $value: y\n', /\$value goes together with \$when/],
    ['- just a list\n', /must be a Kubernetes object/],
    ['apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: y\n', /YAML/],
  ];
  for (const [body, re] of cases) {
    assert.throws(
      () => template(body),
      (e: unknown) => e instanceof TemplateError && re.test(e.message),
      body,
    );
  }
  const err = (() => {
    try {
      template('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${nope}\n');
    } catch (e) {
      return e as TemplateError;
    }
    return undefined;
  })();
  assert.equal(err?.line, 27, 'line of the placeholder in the template file');
  assert.throws(() => parseTemplate('kind: ConfigMap\n', 'x.yaml'), /first document must be the template header/);
  assert.throws(() => template('apiVersion: v1\nkind: ConfigMap\n', HEADER.replace('default: 8080', 'default: 0')), /default of port: 0 is too small/);
  assert.throws(() => template('apiVersion: v1\nkind: ConfigMap\n', HEADER.replace('default: a\n', 'default: z\n')), /default of mode/);
  assert.throws(
    () =>
      template('apiVersion: v1\nkind: ConfigMap\n', HEADER.replace('    - name: text\n      default: hello\n', '    - name: text\n      default: ${port}\n')),
    /refers to a later parameter/,
  );
  assert.throws(() => template('apiVersion: v1\nkind: ConfigMap\n', HEADER.replace('      default: hello\n', '')), /a default is required/);
});

test('the loader reads several folders, later ones replacing a template of the same name, and reports broken files', async () => {
  const files: Record<string, string> = {
    '/builtin/probe.yaml': `${HEADER}---\n${CONFIG_MAP}`,
    '/builtin/readme.txt': 'not a template',
    '/ws/probe.yaml': `${HEADER.replace('name: probe', 'name: probe')}---\n${CONFIG_MAP.replace('name: probe', 'name: mine')}`,
    '/ws/broken.yaml': 'apiVersion: kube-topology.io/v1alpha1\nkind: Template\nmetadata:\n  name: broken\nspec: {}\n',
  };
  const loaded = await loadTemplates([{ dir: '/builtin', builtIn: true }, { dir: '/ws' }, { dir: '/missing' }], {
    listDir: async (d) => {
      const names = Object.keys(files)
        .filter((f) => path.posix.dirname(f) === d)
        .map((f) => path.posix.basename(f));
      return names.length ? names : undefined;
    },
    readFile: async (f) => files[f],
    join: (d, n) => path.posix.join(d, n),
  });
  assert.deepEqual(
    loaded.templates.map((t) => `${t.name}@${t.source}:${t.builtIn}`),
    ['probe@/ws/probe.yaml:false'],
  );
  assert.equal(loaded.shadowed.length, 1);
  assert.equal(loaded.errors.length, 1);
  assert.match(loaded.errors[0].message, /\/ws\/broken\.yaml: the template has no Kubernetes documents/);
});

test('the built-in templates folder is found by walking up from the code', async () => {
  assert.equal(await findBuiltInTemplatesDir(__dirname, existsSync), TEMPLATES_DIR);
  assert.equal(await findBuiltInTemplatesDir(path.join(REPO, 'dist'), existsSync), TEMPLATES_DIR);
  assert.equal(await findBuiltInTemplatesDir('/', existsSync), undefined);
});

test('renderFiles returns data; findExistingFiles reports what would be overwritten', async () => {
  const t = template(CONFIG_MAP);
  const values = resolveValues(t, {}).values;
  const single = renderFiles(t, values, { layout: 'single', directory: 'k8s/' });
  assert.deepEqual(
    single.map((f) => f.path),
    ['k8s/probe.yaml'],
  );
  const split = renderFiles(t, values, { layout: 'per-resource', header: false });
  assert.deepEqual(
    split.map((f) => f.path),
    ['probe-configmap.yaml'],
  );
  assert.equal(yamlObjects(split[0].text).length, 1);
  assert.ok(!split[0].text.startsWith('#'), 'no header when asked for none');
  const existing = await findExistingFiles([...single, ...split], (p) => p === 'probe-configmap.yaml');
  assert.deepEqual(existing, ['probe-configmap.yaml']);
  assert.deepEqual(await findExistingFiles(single, async () => false), []);
});

test('file names built from values cannot leave the target folder', () => {
  const t = parseTemplate(
    `${HEADER.replace('spec:\n', 'spec:\n  output:\n    singleFile: ${text}.yaml\n    prefix: ${text}\n')}---\n${CONFIG_MAP}`,
    'probe.yaml',
  );
  const values = resolveValues(t, { text: '../../etc/passwd' }).values;
  for (const layout of ['single', 'per-resource'] as const) {
    for (const f of renderFiles(t, values, { layout })) assert.ok(!f.path.includes('/') && !f.path.startsWith('.'), f.path);
  }
});

test('the example template of docs/templates.md loads, renders and validates cleanly', async () => {
  const { readFileSync } = await import('node:fs');
  const md = readFileSync(path.join(REPO, 'docs', 'templates.md'), 'utf8');
  const example = md.split('## Example: a custom template')[1];
  const block = /```yaml\n([\s\S]*?)```/.exec(example)?.[1];
  assert.ok(block);
  const t = parseTemplate(block, 'echo.yaml');
  const variants: Record<string, string>[] = [{}, { autoscaling: 'true', maxReplicas: '5' }];
  for (const sets of variants) {
    const r = resolveValues(t, sets);
    assert.deepEqual(r.problems, []);
    const files = renderFiles(t, r.values, { layout: 'single' });
    const v = validate(files);
    assert.equal(v.errors.length + v.warnings.length, 0, describe([...v.errors, ...v.warnings]));
  }
});

test('template files are recognised by their header so validation can skip them', async () => {
  const { readFileSync } = await import('node:fs');
  for (const name of ['gateway-model', 'ml-microservices']) {
    assert.equal(isKubeTopologyTemplate(readFileSync(path.join(TEMPLATES_DIR, `${name}.yaml`), 'utf8')), true, name);
  }
  assert.equal(isKubeTopologyTemplate(`${HEADER}---\n${CONFIG_MAP}`), true);
  assert.equal(isKubeTopologyTemplate(CONFIG_MAP), false);
  assert.equal(isKubeTopologyTemplate(`${CONFIG_MAP}---\n${HEADER}`), false, 'only the first document counts');
  assert.equal(isKubeTopologyTemplate('apiVersion: kube-topology.io/v1alpha1\nkind: Other\n'), false);
});
