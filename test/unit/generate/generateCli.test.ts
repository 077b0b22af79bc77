import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { nodeGenerateIo, runGenerate, type GenerateIo } from '../../../src/cli/generateCommand';
import { describe, REPO, validate, yamlObjects } from './helpers';

interface Captured extends GenerateIo {
  out: string;
  err: string;
}

function cliIo(cwd: string): Captured {
  const io = {
    out: '',
    err: '',
    ...nodeGenerateIo({
      cwd,
      stdout: (t: string) => {
        io.out += t;
      },
      stderr: (t: string) => {
        io.err += t;
      },
    }),
  };
  return io;
}

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'kt-generate-'));
}

test('generate --list shows both presets with their parameters and defaults', async () => {
  const io = cliIo(tempDir());
  assert.equal(await runGenerate(['--list'], io), 0);
  assert.match(io.out, /^gateway-model — Gateway \+ model/m);
  assert.match(io.out, /^ml-microservices — ML microservices/m);
  assert.match(io.out, /gatewayServiceType\s+enum\s+default "LoadBalancer"/);
  assert.match(io.out, /one of LoadBalancer, ClusterIP, NodePort/);
  assert.match(io.out, /gatewayPort\s+integer\s+default 9696/);
  assert.match(io.out, /imagePullPolicy\s+enum\s+default "IfNotPresent"/);
  assert.equal(io.err, '');
  const one = cliIo(tempDir());
  assert.equal(await runGenerate(['--list', 'ml-microservices'], one), 0);
  assert.doesNotMatch(one.out, /gateway-model/);
});

test('generate PRESET --out - prints the YAML on stdout and the notes on stderr', async () => {
  const dir = tempDir();
  const io = cliIo(dir);
  assert.equal(await runGenerate(['gateway-model', '--out', '-', '--set', 'namespace=ml'], io), 0);
  const objects = yamlObjects(io.out);
  assert.deepEqual(
    objects.map((o) => o.kind),
    ['Namespace', 'Deployment', 'Service', 'Deployment', 'Service', 'HorizontalPodAutoscaler', 'HorizontalPodAutoscaler', 'Ingress'],
  );
  assert.match(io.err, /note: On kind, load the images/);
  assert.deepEqual(readdirSync(dir), [], 'nothing written');
  const v = validate([{ path: 'stdout.yaml', text: io.out }]);
  assert.equal(v.errors.length + v.warnings.length, 0, describe([...v.errors, ...v.warnings]));
});

test('generate --split --out - separates files with a comment naming each file', async () => {
  const io = cliIo(tempDir());
  assert.equal(await runGenerate(['ml-microservices', '--split', '--out', '-'], io), 0);
  assert.match(io.out, /^# File: movies-deployment-ingestion\.yaml$/m);
  assert.equal(yamlObjects(io.out).length, 11);
});

test('generate writes k8s/<app>.yaml by default and refuses to overwrite without --force', async () => {
  const dir = tempDir();
  const io = cliIo(dir);
  assert.equal(await runGenerate(['gateway-model'], io), 0, io.err);
  const file = path.join(dir, 'k8s', 'clothing.yaml');
  assert.ok(existsSync(file));
  assert.match(io.out, /wrote k8s[\\/]clothing\.yaml/);
  assert.match(io.out, /kubectl apply -f k8s[\\/]clothing\.yaml/);
  writeFileSync(file, '# my edits\n');

  const again = cliIo(dir);
  assert.equal(await runGenerate(['gateway-model', '--set', 'gatewayPort=8080'], again), 1);
  assert.match(again.err, /not overwriting an existing file: k8s[\\/]clothing\.yaml/);
  assert.match(again.err, /--force/);
  assert.equal(readFileSync(file, 'utf8'), '# my edits\n', 'file untouched');

  const forced = cliIo(dir);
  assert.equal(await runGenerate(['gateway-model', '--set', 'gatewayPort=8080', '--force'], forced), 0);
  assert.match(forced.out, /overwrote k8s[\\/]clothing\.yaml/);
  assert.match(readFileSync(file, 'utf8'), /containerPort: 8080/);
});

test('generate --split writes one file per object into --out and refuses when any exists', async () => {
  const dir = tempDir();
  const io = cliIo(dir);
  assert.equal(await runGenerate(['gateway-model', '--split', '--out', 'deploy/k8s', '--set', 'gatewayServiceType=ClusterIP'], io), 0, io.err);
  const names = readdirSync(path.join(dir, 'deploy', 'k8s')).sort();
  assert.deepEqual(names, [
    'clothing-deployment-gateway.yaml',
    'clothing-deployment-model.yaml',
    'clothing-hpa-gateway.yaml',
    'clothing-hpa-model.yaml',
    'clothing-ingress.yaml',
    'clothing-service-gateway.yaml',
    'clothing-service-model.yaml',
  ]);
  assert.match(io.out, /kubectl port-forward -n default service\/clothing-gateway 8080:80/);
  const files = names.map((n) => ({ path: n, text: readFileSync(path.join(dir, 'deploy', 'k8s', n), 'utf8') }));
  const v = validate(files);
  assert.equal(v.errors.length + v.warnings.length, 0, describe([...v.errors, ...v.warnings]));

  writeFileSync(path.join(dir, 'deploy', 'k8s', 'clothing-hpa-model.yaml'), 'x: 1\n');
  const again = cliIo(dir);
  assert.equal(await runGenerate(['gateway-model', '--split', '--out', 'deploy/k8s'], again), 1);
  assert.match(again.err, /clothing-hpa-model\.yaml/);
  assert.match(again.err, /Nothing was written/);
  assert.equal(readFileSync(path.join(dir, 'deploy', 'k8s', 'clothing-hpa-model.yaml'), 'utf8'), 'x: 1\n');
});

test('generate --out FILE.yaml writes exactly that file', async () => {
  const dir = tempDir();
  const io = cliIo(dir);
  assert.equal(await runGenerate(['ml-microservices', '--out', 'deploy/movies-topology.yaml'], io), 0, io.err);
  assert.deepEqual(readdirSync(path.join(dir, 'deploy')), ['movies-topology.yaml']);
  const bad = cliIo(dir);
  assert.equal(await runGenerate(['ml-microservices', '--split', '--out', 'x.yaml'], bad), 2);
  assert.match(bad.err, /give --out a folder/);
});

test('generate reports unknown --set keys with the parameter list (exit 2)', async () => {
  const io = cliIo(tempDir());
  assert.equal(await runGenerate(['gateway-model', '--set', 'gatewayPrt=1', '--out', '-'], io), 2);
  assert.match(io.err, /unknown parameter "gatewayPrt" for template gateway-model \(did you mean gatewayPort\?\)/);
  assert.match(io.err, /parameters: appName, namespace/);
  assert.equal(io.out, '');
});

test('generate reports bad values naming the parameter and the allowed values (exit 2)', async () => {
  const cases: [string[], RegExp][] = [
    [['--set', 'gatewayServiceType=External'], /gatewayServiceType: "External" is not allowed; expected one of LoadBalancer, ClusterIP, NodePort/],
    [['--set', 'gatewayPort=http'], /gatewayPort: "http" is not an integer; expected an integer from 1 to 65535/],
    [['--set', 'modelGrpcPort=70000'], /modelGrpcPort: 70000 is too large/],
    [['--set', 'ingressEnabled=perhaps'], /ingressEnabled: "perhaps" is not a boolean; expected true or false/],
    [['--set', 'appName=Bad_Name'], /appName: "Bad_Name" is not valid; expected lowercase letters, digits and '-'/],
    [['--set', 'gatewayMinReplicas=5', '--set', 'gatewayMaxReplicas=2'], /the gateway HPA maximum \(2\) is below its minimum \(5\)/],
    [['--set', 'namespace'], /--set needs NAME=VALUE, got "namespace"/],
  ];
  for (const [args, re] of cases) {
    const io = cliIo(tempDir());
    assert.equal(await runGenerate(['gateway-model', '--out', '-', ...args], io), 2, args.join(' '));
    assert.match(io.err, re);
    assert.equal(io.out, '');
  }
});

test('generate usage errors: unknown preset, no preset, conflicting layouts, unknown option', async () => {
  const cases: [string[], RegExp][] = [
    [['gateway'], /unknown preset "gateway"; available presets: gateway-model, ml-microservices/],
    [[], /which preset\?/],
    [['gateway-model', '--split', '--single-file'], /exclude each other/],
    [['gateway-model', '--bogus'], /unknown option --bogus/],
    [['gateway-model', '--templates', 'nowhere'], /--templates nowhere: no such folder/],
  ];
  for (const [args, re] of cases) {
    const io = cliIo(tempDir());
    assert.equal(await runGenerate(args, io), 2, args.join(' '));
    assert.match(io.err, re);
  }
  const help = cliIo(tempDir());
  assert.equal(await runGenerate(['--help'], help), 0);
  assert.match(help.out, /Usage: kube-topology generate PRESET/);
});

const ECHO = `apiVersion: kube-topology.io/v1alpha1
kind: Template
metadata:
  name: echo
  title: Echo
spec:
  parameters:
    - name: name
      default: echo
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: \${name}
data:
  greeting: hello from \${name}
`;

test('generate finds workspace templates in .kube-topology/templates and --templates folders, skipping broken ones', async () => {
  const dir = tempDir();
  mkdirSync(path.join(dir, '.kube-topology', 'templates'), { recursive: true });
  writeFileSync(path.join(dir, '.kube-topology', 'templates', 'echo.yaml'), ECHO);
  writeFileSync(path.join(dir, '.kube-topology', 'templates', 'broken.yaml'), 'apiVersion: kube-topology.io/v1alpha1\nkind: Template\n');
  mkdirSync(path.join(dir, 'more'));
  writeFileSync(path.join(dir, 'more', 'other.yaml'), ECHO.replace('name: echo\n  title', 'name: other\n  title'));

  const list = cliIo(dir);
  assert.equal(await runGenerate(['--list', '--templates', 'more'], list), 0);
  assert.match(list.out, /^echo — Echo \(.*echo\.yaml\)$/m);
  assert.match(list.out, /^other — Echo/m);
  assert.match(list.out, /^gateway-model/m);
  assert.match(list.err, /warning: skipped template \.kube-topology[\\/]templates[\\/]broken\.yaml: metadata is missing/);

  const io = cliIo(dir);
  assert.equal(await runGenerate(['echo', '--set', 'name=a: b # c', '--out', '-'], io), 0);
  const [cm] = yamlObjects(io.out) as { metadata: { name: string }; data: { greeting: string } }[];
  assert.equal(cm.metadata.name, 'a: b # c');
  assert.equal(cm.data.greeting, 'hello from a: b # c');
  assert.match(io.out, /--set 'name=a: b # c'/, 'the regenerate line quotes the value for the shell');
});

test('the CLI finds the shipped templates from the repository layout', async () => {
  const io = cliIo(REPO);
  assert.equal(await runGenerate(['--list'], io), 0);
  assert.doesNotMatch(io.err, /not found/);
});
