import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
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
    readStdin: async () => stdin,
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

test('validate exits 0 on the bundled example and prints a summary line', async () => {
  const io = memoryIo(repo);
  const code = await runCli(['validate', 'examples/zoomcamp'], io);
  assert.match(io.out, /6 resources in 6 files: 0 errors/);
  assert.equal(code, 0, io.out);
});

test('validate exits 1 with file:line:col findings when there are errors', async () => {
  const dir = workspace({ 'a.yaml': DUPLICATE });
  const io = memoryIo(dir);
  const code = await runCli(['validate', 'a.yaml'], io);
  assert.equal(code, 1);
  assert.match(io.out, /^a\.yaml:5:3: error .*\[duplicate-key\]$/m);
});

test('validate --output json follows the documented shape with 1-based positions', async () => {
  const dir = workspace({ 'a.yaml': DUPLICATE });
  const io = memoryIo(dir);
  await runCli(['validate', '--output', 'json', 'a.yaml'], io);
  const json = JSON.parse(io.out);
  assert.equal(json.resources, 1);
  const f = json.findings.find((x: { code: string }) => x.code === 'duplicate-key');
  assert.deepEqual(
    { file: f.file, line: f.line, column: f.column, endLine: f.endLine, severity: f.severity },
    { file: 'a.yaml', line: 5, column: 3, endLine: 5, severity: 'error' },
  );
  assert.ok(json.summary.errors >= 1);
});

test('validate --output sarif and junit are well-formed', async () => {
  const dir = workspace({ 'a.yaml': DUPLICATE });
  const sarifIo = memoryIo(dir);
  await runCli(['validate', '-o', 'sarif', 'a.yaml'], sarifIo);
  const sarif = JSON.parse(sarifIo.out);
  assert.equal(sarif.version, '2.1.0');
  const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'duplicate-key');
  assert.equal(result.locations[0].physicalLocation.region.startLine, 5);
  assert.ok(sarif.runs[0].tool.driver.rules.some((r: { id: string }) => r.id === 'duplicate-key'));
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
  const io = memoryIo(repo, DUPLICATE);
  assert.equal(await runCli(['validate', '-'], io), 1);
  assert.match(io.out, /^<stdin>:5:3: error/m);
});

test('the bundled CLI runs as a program: exit codes, stdin and --version', () => {
  const cli = path.join(repo, 'dist', 'cli.js');
  const ok = spawnSync(process.execPath, [cli, 'validate', 'examples/zoomcamp'], { cwd: repo, encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const bad = spawnSync(process.execPath, [cli, 'validate', '-'], { cwd: repo, input: DUPLICATE, encoding: 'utf8' });
  assert.equal(bad.status, 1);
  const version = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8' });
  assert.equal(version.stdout.trim(), TOOL_VERSION);
  assert.equal(JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')).version, TOOL_VERSION);
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

test('text output of validate, graph and generate carries no raw control characters from a manifest', async () => {
  // A name with ESC sequences (recolour, retitle via OSC) and a bidi override: each is an error finding
  // that quotes the name, and the graph draws it.
  const hostile = 'web\x1b[2J\x1b]0;owned\x07\u202e';
  const dir = workspace({ 'a.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "${hostile.replace(/\x1b/g, '\\e').replace(/\x07/g, '\\a').replace('\u202e', '\\u202e')}"\n` });
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
