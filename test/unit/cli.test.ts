import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/cliIo';
import { TOOL_VERSION } from '../../src/cli/toolVersion';

const repo = path.resolve(__dirname, '../../..');

function memoryIo(cwd: string, stdin = ''): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    cwd,
    isTTY: false,
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
    readStdin: () => Promise.resolve(stdin),
  };
  return io;
}

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kt-cli-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const NO_KIND = 'metadata:\n  name: x\n';
const DUPLICATE = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n';
/** An error on line 5, column 3: a field the API server does not know. */
const UNKNOWN_FIELD = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  nmae: b\n';

test('validate exits 0 on the bundled example and prints a summary line', async () => {
  const io = memoryIo(repo);
  const code = await runCli(['validate', 'examples/zoomcamp'], io);
  assert.match(io.out, /6 resources in 6 files: 0 errors/);
  assert.equal(code, 0, io.out);
});

test('validate exits 1 with file:line:col findings when there are errors', async () => {
  const dir = workspace({ 'a.yaml': UNKNOWN_FIELD });
  const io = memoryIo(dir);
  const code = await runCli(['validate', 'a.yaml'], io);
  assert.equal(code, 1);
  assert.match(io.out, /^a\.yaml:5:3: error .*\[schema-unknown-field\]$/m);
});

test('a duplicate key is a warning naming where the key first appears; kubectl keeps the last value', async () => {
  const dir = workspace({ 'a.yaml': DUPLICATE });
  const io = memoryIo(dir);
  assert.equal(await runCli(['validate', 'a.yaml'], io), 0, io.out);
  assert.match(
    io.out,
    /^a\.yaml:5:3: warning Key "name" appears twice in this mapping \(first on line 4\): kubectl keeps this last value and drops the first one\. \[duplicate-key\]$/m,
  );
});

test('validate --output json follows the documented shape with 1-based positions', async () => {
  const dir = workspace({ 'a.yaml': UNKNOWN_FIELD });
  const io = memoryIo(dir);
  await runCli(['validate', '--output', 'json', 'a.yaml'], io);
  const json = JSON.parse(io.out);
  assert.equal(json.resources, 1);
  const f = json.findings.find((x: { code: string }) => x.code === 'schema-unknown-field');
  assert.deepEqual(
    { file: f.file, line: f.line, column: f.column, endLine: f.endLine, severity: f.severity },
    { file: 'a.yaml', line: 5, column: 3, endLine: 5, severity: 'error' },
  );
  assert.ok(json.summary.errors >= 1);
});

test('validate --output sarif and junit are well-formed', async () => {
  const dir = workspace({ 'a.yaml': UNKNOWN_FIELD });
  const sarifIo = memoryIo(dir);
  await runCli(['validate', '-o', 'sarif', 'a.yaml'], sarifIo);
  const sarif = JSON.parse(sarifIo.out);
  assert.equal(sarif.version, '2.1.0');
  const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'schema-unknown-field');
  assert.equal(result.locations[0].physicalLocation.region.startLine, 5);
  assert.ok(sarif.runs[0].tool.driver.rules.some((r: { id: string }) => r.id === 'schema-unknown-field'));
  const junitIo = memoryIo(dir);
  await runCli(['validate', '-o', 'junit', 'a.yaml'], junitIo);
  assert.match(junitIo.out, /<testsuite name="a\.yaml" tests="\d+" failures="[1-9]\d*">/);
  assert.match(junitIo.out, /<failure type="error" message="[^"]*">a\.yaml:5:3:/);
});

test('a named file without kind is reported, but such files are skipped in a folder walk', async () => {
  const dir = workspace({ 'k8s/a.yaml': NO_KIND, 'k8s/ci.yml': 'jobs:\n  build: {}\n' });
  const named = memoryIo(dir);
  assert.equal(await runCli(['validate', 'k8s/a.yaml'], named), 1);
  assert.match(named.out, /k8s\/a\.yaml:1:1: error .*\[missing-kind\]/);
  const walked = memoryIo(dir);
  assert.equal(await runCli(['validate', 'k8s'], walked), 0);
  assert.match(walked.out, /0 resources in 0 files/);
});

test('--ignore switches rules off, parse findings included', async () => {
  const dir = workspace({ 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n' + NO_KIND });
  const io = memoryIo(dir);
  assert.equal(await runCli(['validate', '--ignore', 'missing-kind,missing-api-version', 'a.yaml'], io), 0, io.out);
  assert.doesNotMatch(io.out, /missing-kind/);
});

test('usage and I/O errors exit 2 with one clear line', async () => {
  const dir = workspace({});
  const missing = memoryIo(dir);
  assert.equal(await runCli(['validate', 'nope.yaml'], missing), 2);
  assert.equal(missing.err, 'kube-topology validate: nope.yaml: no such file or directory\n');
  const badVersion = memoryIo(dir);
  assert.equal(await runCli(['validate', '--kubernetes-version', '1.12', '.'], badVersion), 2);
  assert.match(badVersion.err, /1\.12 is not supported; use one of 1\.28/);
  const badFormat = memoryIo(dir);
  assert.equal(await runCli(['validate', '--output', 'xml', '.'], badFormat), 2);
  const unknown = memoryIo(dir);
  assert.equal(await runCli(['frobnicate'], unknown), 2);
  assert.match(unknown.err, /unknown command "frobnicate"/);
  const noPath = memoryIo(dir);
  assert.equal(await runCli(['validate'], noPath), 2);
});

test('validate - reads standard input', async () => {
  const io = memoryIo(repo, UNKNOWN_FIELD);
  assert.equal(await runCli(['validate', '-'], io), 1);
  assert.match(io.out, /^<stdin>:5:3: error/m);
});

test('the bundled CLI runs as a program: exit codes, stdin and --version', () => {
  const cli = path.join(repo, 'dist', 'cli.js');
  const ok = spawnSync(process.execPath, [cli, 'validate', 'examples/zoomcamp'], { cwd: repo, encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const bad = spawnSync(process.execPath, [cli, 'validate', '-'], { cwd: repo, input: UNKNOWN_FIELD, encoding: 'utf8' });
  assert.equal(bad.status, 1);
  const version = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8' });
  assert.equal(version.stdout.trim(), TOOL_VERSION);
  assert.equal(JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')).version, TOOL_VERSION);
});

const DEPLOY = (name: string, port: number) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec:\n      containers:\n        - name: c\n          image: x:1\n          ports: [{containerPort: ${port}}]\n          resources: {requests: {cpu: 10m, memory: 16Mi}}\n          readinessProbe: {tcpSocket: {port: ${port}}}\n`;
const SERVICE = (name: string, targetPort: number) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector: {app: ${name}}\n  ports: [{port: 80, targetPort: ${targetPort}}]\n`;

test('validate: each folder is its own apply unit; the JSON lists units, skipped files and custom kinds', async () => {
  const dir = workspace({
    'tutorial/step1/app.yaml': `${DEPLOY('web', 8080)}---\n${SERVICE('web', 8080)}`,
    'tutorial/step2/app.yaml': `${DEPLOY('web', 9090)}---\n${SERVICE('web', 9090)}`,
    'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
    'chart/templates/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n',
    'certs/cert.yaml': 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\nspec: {secretName: web}\n',
  });
  const io = memoryIo(dir);
  assert.equal(await runCli(['validate', '-o', 'json', '.'], io), 0, io.out);
  const json = JSON.parse(io.out);
  // Two steps of a tutorial define the same objects: apart, neither is a duplicate nor mismatched.
  assert.deepEqual(json.findings, []);
  assert.deepEqual(
    json.units.map((u: { name: string; how: string }) => u.how),
    ['kubectl apply -f certs', 'kubectl apply -f tutorial/step1', 'kubectl apply -f tutorial/step2'],
  );
  assert.deepEqual(json.skipped, [
    { file: path.join('chart', 'Chart.yaml'), reason: 'helm-chart' },
    { file: path.join('chart', 'templates', 'svc.yaml'), reason: 'helm-template' },
  ]);
  assert.deepEqual(json.notSchemaChecked, [{ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', count: 1 }]);
  const text = memoryIo(dir);
  await runCli(['validate', '.'], text);
  assert.match(text.out, /^Not validated: 1 Helm chart template; 1 Helm chart file \(Chart\.yaml, values\)\.$/m);
  assert.match(text.out, /^Not schema-checked \(custom kinds, no schema here\): Certificate \(cert-manager\.io\/v1\) ×1\.$/m);
  assert.match(text.out, /^5 resources in 3 files \(3 apply units\): 0 errors/m);
});

test('validate: .kube-topology.yaml declares units; a broken one is a usage error naming the file', async () => {
  const dir = workspace({
    'k8s/web/deploy.yaml': DEPLOY('web', 8080),
    'k8s/web-svc/svc.yaml': SERVICE('web', 8081),
    '.kube-topology.yaml': 'units:\n  - name: web\n    paths: [k8s]\n    recursive: true\n',
  });
  const io = memoryIo(dir);
  assert.equal(await runCli(['validate', 'k8s'], io), 0, io.out);
  // Declared together, the Service is judged against the Deployment's ports.
  assert.match(
    io.out,
    /^k8s\/web-svc\/svc\.yaml:\d+:\d+: warning targetPort 8081 is not a containerPort of Deployment web .*\[service-target-port-missing\]$/m,
  );
  writeFileSync(path.join(dir, 'broken.yaml'), 'units:\n  - name: x\n');
  const bad = memoryIo(dir);
  assert.equal(await runCli(['validate', '--config', 'broken.yaml', 'k8s'], bad), 2);
  assert.equal(bad.err, 'kube-topology validate: broken.yaml: units[0] has no paths\n');
});

test('validate: a symlinked manifest in a folder is read, as kubectl apply -f DIR reads it; `{{` inside data is not a template', async () => {
  const dir = workspace({
    'shared/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dashboards\ndata:\n  d.json: |\n    {"legend": "{{instance}}"}\n  nmae: x\n',
    'k8s/keep.txt': '',
  });
  symlinkSync(path.join(dir, 'shared', 'cm.yaml'), path.join(dir, 'k8s', 'cm.yaml'));
  const io = memoryIo(dir);
  await runCli(['validate', '-o', 'json', 'k8s'], io);
  const json = JSON.parse(io.out);
  assert.equal(json.resources, 1);
  assert.deepEqual(json.skipped, []);
});

test('JUnit counts every test case it writes; warnings fail only with --strict', async () => {
  // clean.yaml: no findings (one "valid" case). web.yaml: a warning (a :latest image on a Deployment) and infos.
  const dir = workspace({
    'clean.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n',
    'web.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: web:latest\n',
  });
  const count = (xml: string, re: RegExp) => (xml.match(re) ?? []).length;
  for (const strict of [false, true]) {
    const io = memoryIo(dir);
    await runCli(['validate', '-o', 'junit', ...(strict ? ['--strict'] : []), 'clean.yaml', 'web.yaml'], io);
    const xml = io.out;
    const top = /<testsuites [^>]*tests="(\d+)" failures="(\d+)"/.exec(xml)!;
    assert.equal(Number(top[1]), count(xml, /<testcase /g), 'tests = the test cases written');
    assert.equal(Number(top[2]), count(xml, /<failure /g), 'failures = the failing cases written');
    const suites = [...xml.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)">([\s\S]*?)<\/testsuite>/g)];
    assert.deepEqual(
      suites.map((m) => m[1]),
      ['clean.yaml', 'web.yaml'],
    );
    for (const m of suites) {
      assert.equal(Number(m[2]), count(m[4], /<testcase /g), `${m[1]}: tests`);
      assert.equal(Number(m[3]), count(m[4], /<failure /g), `${m[1]}: failures`);
    }
    assert.match(suites[0][4], /name="valid"/);
    const warnings = count(suites[1][4], /: warning: /g);
    assert.ok(warnings >= 1, suites[1][4]);
    assert.equal(count(xml, /<failure type="warning"/g), strict ? warnings : 0, `warnings are failures only with --strict (strict=${strict})`);
  }
});

test('--ignore with an unknown rule code is a usage error that names the near codes', async () => {
  const dir = workspace({ 'a.yaml': DUPLICATE });
  const io = memoryIo(dir);
  assert.equal(await runCli(['validate', '--ignore', 'duplicate-keys', 'a.yaml'], io), 2);
  assert.match(io.err, /--ignore: unknown rule code "duplicate-keys" \(did you mean duplicate-key\b/);
  assert.equal(io.out, '');
});

test('empty standard input is a usage error, so an empty pipe cannot pass', async () => {
  for (const stdin of ['', '\n  \n']) {
    const io = memoryIo(tmpdir(), stdin);
    assert.equal(await runCli(['validate', '-'], io), 2);
    assert.match(io.err, /standard input is empty/);
  }
});

/* eslint-disable no-control-regex -- control characters are what this test is about */
test('text output of validate, graph and generate carries no raw control characters from a manifest', async () => {
  // A name with ESC sequences (recolour, retitle via OSC) and a bidi override: each is an error finding
  // that quotes the name, and the graph draws it.
  const hostile = 'web\x1b[2J\x1b]0;owned\x07\u202e';
  const dir = workspace({
    'a.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "${hostile.replace(/\x1b/g, '\\e').replace(/\x07/g, '\\a').replace('\u202e', '\\u202e')}"\n`,
  });
  const raw = /[\x00-\x08\x0b-\x1f\x7f\u202e]/;
  for (const argv of [
    ['validate', 'a.yaml'],
    ['graph', '-o', 'mermaid', 'a.yaml'],
    ['graph', '-o', 'dot', 'a.yaml'],
  ]) {
    const io = memoryIo(dir);
    await runCli(argv, io);
    assert.doesNotMatch(io.out, raw, `${argv.join(' ')} stdout`);
    assert.doesNotMatch(io.err, raw, `${argv.join(' ')} stderr`);
  }
  const validate = memoryIo(dir);
  assert.equal(await runCli(['validate', 'a.yaml'], validate), 1);
  assert.match(validate.out, /\\x1b\[2J/, 'the escape is shown, not sent');
  const svg = memoryIo(dir);
  await runCli(['graph', '-o', 'svg', 'a.yaml'], svg);
  assert.doesNotMatch(svg.out, /[\x00-\x08\x0b\x0c\x0e-\x1f]/, 'the SVG is well-formed XML');
});
/* eslint-enable no-control-regex */
