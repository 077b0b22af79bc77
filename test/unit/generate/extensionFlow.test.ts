import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync, symlinkSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { installFakeVscode, resetFake, Uri, type FakeState } from './fakeVscode';
import { describe, REPO, validate, yamlObjects } from './helpers';

let fake: FakeState;
let run: (target?: unknown) => Promise<void>;
let runDefaults: (target?: unknown) => Promise<void>;
const topologyShown: string[] = [];
const formsOpened: unknown[] = [];

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kt-ws-'));
  resetFake(fake, dir);
  topologyShown.length = 0;
  formsOpened.length = 0;
  return dir;
}

function useKubeconfig(context: string | undefined): void {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'kt-kube-')), 'config');
  if (context) writeFileSync(file, `apiVersion: v1\nkind: Config\ncurrent-context: ${context}\n`);
  process.env.KUBECONFIG = file;
}

before(async () => {
  fake = installFakeVscode(tmpdir());
  const mod = await import('../../../src/extension/generateCommand');
  const context = { extensionUri: Uri.file(REPO), subscriptions: [] as unknown[] };
  const showTopology = (uri: { fsPath: string }) => {
    topologyShown.push(uri.fsPath);
    return Promise.resolve();
  };
  run = mod.generateTopologyCommand(context as never, {
    showTopology,
    openForm: (start) => {
      formsOpened.push({ ...start, folder: start.folder?.fsPath });
    },
  });
  runDefaults = mod.generateWithDefaultsCommand(context as never, { showTopology });
});

test('pressing Enter at every step writes k8s/clothing.yaml, opens it and shows the topology', async () => {
  const dir = workspace();
  useKubeconfig(undefined);
  await run();
  assert.deepEqual(fake.errors, []);
  const file = path.join(dir, 'k8s', 'clothing.yaml');
  assert.ok(existsSync(file));
  assert.deepEqual(fake.opened, [file]);
  assert.deepEqual(topologyShown, [file]);
  const text = readFileSync(file, 'utf8');
  const v = validate([{ path: file, text }]);
  assert.equal(v.errors.length + v.warnings.length, 0, describe([...v.errors, ...v.warnings]));

  // The short flow: preset, the template's essential questions (prefilled with the defaults), files, folder.
  assert.deepEqual(
    fake.steps.map((s) => s.title.replace(/^Gateway \+ model \(TensorFlow Serving\): /, '')),
    ['Generate topology: preset', 'Application name', 'Gateway image', 'Model image', 'Gateway Service type', 'files', 'Generate topology: target folder'],
  );
  const first = fake.steps[0];
  assert.equal(first.kind, 'pick');
  assert.deepEqual(first.kind === 'pick' && first.items.map((i) => i.description), ['gateway-model', 'ml-microservices']);
  assert.equal(first.kind === 'pick' && first.active, 'Gateway + model (TensorFlow Serving)');
  assert.equal(first.canGoBack, false);
  const appName = fake.steps[1];
  assert.equal(appName.kind === 'input' && appName.value, 'clothing');
  assert.ok(appName.canGoBack);
  assert.deepEqual(appName.buttons, ['Back', 'More options…'], 'every step offers the form');
  const image = fake.steps.find((s) => /Gateway image/.test(s.title));
  assert.equal(image?.kind === 'input' && image.value, 'clothing-gateway:0.1.0');
  const files = fake.steps.find((s) => /: files$/.test(s.title));
  assert.deepEqual(files?.kind === 'pick' && files.items.map((i) => i.label), ['One file', 'One file per object', 'More options…']);
  assert.equal(files?.kind === 'pick' && files.active, 'One file', 'Enter keeps one file');
  assert.equal(fake.steps.at(-1)?.kind === 'pick' && (fake.steps.at(-1) as { totalSteps?: number }).totalSteps, 7);
  assert.match(fake.infos[0], /wrote k8s[\\/]clothing\.yaml/);
});

test('typed answers, a back step and derived defaults; one file per object', async () => {
  const dir = workspace();
  useKubeconfig(undefined);
  fake.answers = [
    undefined, // preset
    'shoes', // appName
    'BACK', // gateway image -> back to appName
    'boots', // appName again
  ];
  // Enter through the rest, except the layout step.
  fake.onStep = (step) => (/: files$/.test(step.title) ? 'One file per object' : undefined);
  await run();
  assert.deepEqual(fake.errors, []);
  const appSteps = fake.steps.filter((s) => /Application name/.test(s.title));
  assert.equal(appSteps.length, 2);
  assert.equal(appSteps[1].kind === 'input' && appSteps[1].value, 'shoes', 'going back shows the earlier answer');
  const image = fake.steps.filter((s) => /Gateway image/.test(s.title)).at(-1);
  assert.equal(image?.kind === 'input' && image.value, 'boots-gateway:0.1.0', 'derived default follows the new name');
  const names = readdirSync(path.join(dir, 'k8s')).sort();
  assert.ok(names.includes('boots-deployment-gateway.yaml'), names.join(' '));
  assert.deepEqual(topologyShown, [path.join(dir, 'k8s')]);
  const files = names.map((n) => ({ path: n, text: readFileSync(path.join(dir, 'k8s', n), 'utf8') }));
  type Deployment = { kind: string; metadata: { name: string }; spec: { template: { spec: { containers: { env: { value: string }[] }[] } } } };
  const objects = files.flatMap((f) => yamlObjects(f.text)) as unknown as Deployment[];
  const gateway = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'boots-gateway')!;
  assert.equal(gateway.spec.template.spec.containers[0].env[0].value, 'boots-model.default.svc.cluster.local:8500');
  assert.match(files[0].text, /# Regenerate: kube-topology generate gateway-model --set appName=boots\n/);
  const v = validate(files);
  assert.equal(v.errors.length + v.warnings.length, 0, describe([...v.errors, ...v.warnings]));
});

test("an invalid value is reported inline, in the template's words, and the step stays until it is fixed", async () => {
  workspace();
  useKubeconfig(undefined);
  fake.answers = [undefined, 'Bad Name', 'good-name'];
  await run();
  const appSteps = fake.steps.filter((s) => /Application name/.test(s.title));
  assert.equal(appSteps.length, 2, 'asked again on the same box');
  assert.equal(
    appSteps[1].kind === 'input' && appSteps[1].validationMessage,
    `"Bad Name" is not valid; expected lowercase letters, digits and '-', starting with a letter, at most 40 characters`,
  );
  assert.ok(fake.steps.some((s) => s.kind === 'input' && s.value === 'good-name-gateway:0.1.0'));
});

test('"More options…" (a button on every step, an item of the files step) opens the form with the answers so far', async () => {
  const dir = workspace();
  useKubeconfig(undefined);
  fake.answers = [undefined, 'shoes', 'MORE'];
  await run();
  assert.deepEqual(formsOpened, [{ template: 'gateway-model', values: { appName: 'shoes' }, layout: 'single', folder: path.join(dir, 'k8s') }]);
  assert.equal(existsSync(path.join(dir, 'k8s')), false, 'nothing written: the form takes over');

  workspace();
  fake.onStep = (step) => (/: files$/.test(step.title) ? 'More options…' : undefined);
  await run();
  assert.equal(formsOpened.length, 1);
  assert.deepEqual((formsOpened[0] as { values: unknown }).values, {});
});

test('Generate Topology with Defaults asks one question, where to write, and writes the preset with every default', async () => {
  const dir = workspace();
  useKubeconfig('kind-kind');
  await runDefaults();
  assert.deepEqual(
    fake.steps.map((s) => s.title),
    ['Gateway + model (TensorFlow Serving), every default: where to write'],
  );
  const step = fake.steps[0];
  assert.deepEqual(step.kind === 'pick' && step.items.map((i) => i.label), ['k8s/', 'Workspace root', 'Choose a folder…']);
  const text = readFileSync(path.join(dir, 'k8s', 'clothing.yaml'), 'utf8');
  assert.match(text, /type: LoadBalancer/, 'the template default, even on kind');
  assert.match(text, /# Regenerate: kube-topology generate gateway-model\n/);
  const v = validate([{ path: 'clothing.yaml', text }]);
  assert.equal(v.errors.length + v.warnings.length, 0, describe([...v.errors, ...v.warnings]));

  // Never over an existing file without asking.
  resetFake(fake, dir);
  await runDefaults();
  const modal = fake.warnings.find((w) => (w.options as { modal?: boolean })?.modal);
  assert.match(modal?.message ?? '', /clothing\.yaml already exists\. Overwrite\?/);
});

test('existing files are never overwritten without the modal question', async () => {
  const dir = workspace();
  useKubeconfig(undefined);
  mkdirSync(path.join(dir, 'k8s'));
  const file = path.join(dir, 'k8s', 'clothing.yaml');
  writeFileSync(file, '# mine\n');
  await run();
  const modal = fake.warnings.find((w) => (w.options as { modal?: boolean })?.modal);
  assert.ok(modal);
  assert.match(modal.message, /clothing\.yaml already exists\. Overwrite\?/);
  assert.deepEqual(modal.items, ['Overwrite']);
  assert.equal(readFileSync(file, 'utf8'), '# mine\n', 'cancelled: untouched');
  assert.deepEqual(topologyShown, []);

  resetFake(fake, dir);
  fake.overwriteAnswer = 'Overwrite';
  await run();
  assert.match(readFileSync(file, 'utf8'), /kind: Deployment/);
});

test('a symbolic link at a target name is an existing file, and overwriting replaces the link, never what it points at', async () => {
  const dir = workspace();
  useKubeconfig(undefined);
  const outside = mkdtempSync(path.join(tmpdir(), 'kt-outside-'));
  mkdirSync(path.join(dir, 'k8s'));
  const link = path.join(dir, 'k8s', 'clothing.yaml');
  // A dangling link: following it would create a file outside the workspace.
  symlinkSync(path.join(outside, 'created-through-link.yaml'), link);
  await run();
  assert.ok(
    fake.warnings.some((w) => /clothing\.yaml already exists/.test(w.message)),
    'asked before writing over the link',
  );
  assert.ok(lstatSync(link).isSymbolicLink(), 'cancelled: the link is untouched');

  resetFake(fake, dir);
  fake.overwriteAnswer = 'Overwrite';
  await run();
  assert.ok(!lstatSync(link).isSymbolicLink(), 'the link was replaced by the file');
  assert.match(readFileSync(link, 'utf8'), /kind: Deployment/);
  assert.deepEqual(readdirSync(outside), [], 'nothing was written where the link pointed');
});

test('Escape cancels without writing anything', async () => {
  const dir = workspace();
  useKubeconfig(undefined);
  fake.answers = [undefined, undefined, 'ESC'];
  await run();
  assert.equal(existsSync(path.join(dir, 'k8s')), false);
  assert.deepEqual(fake.infos, []);
});

test('on a kind cluster the gateway Service type step proposes ClusterIP (port-forward)', async () => {
  const dir = workspace();
  useKubeconfig('kind-kind');
  await run();
  const step = fake.steps.find((s) => /Gateway Service type/.test(s.title));
  assert.equal(step?.kind === 'pick' && step.active, 'ClusterIP');
  assert.match(JSON.stringify(step), /recommended for your kind cluster/);
  const text = readFileSync(path.join(dir, 'k8s', 'clothing.yaml'), 'utf8');
  assert.match(text, /type: ClusterIP\n {2}selector:\n {4}app\.kubernetes\.io\/name: clothing-gateway/);
  assert.match(text, /--set gatewayServiceType=ClusterIP/);
});

test('workspace templates from .kube-topology/templates are offered next to the presets', async () => {
  const dir = workspace();
  useKubeconfig(undefined);
  mkdirSync(path.join(dir, '.kube-topology', 'templates'), { recursive: true });
  writeFileSync(
    path.join(dir, '.kube-topology', 'templates', 'note.yaml'),
    'apiVersion: kube-topology.io/v1alpha1\nkind: Template\nmetadata:\n  name: note\n  title: A note\nspec:\n  parameters:\n    - name: text\n      default: hi\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: note\ndata:\n  text: ${text}\n',
  );
  fake.answers = ['A note', 'a: b # c'];
  await run();
  const first = fake.steps[0];
  assert.deepEqual(first.kind === 'pick' && first.items.map((i) => i.label), [
    'Gateway + model (TensorFlow Serving)',
    'ML microservices (movie recommendations)',
    'A note',
  ]);
  const [cm] = yamlObjects(readFileSync(path.join(dir, 'k8s', 'note.yaml'), 'utf8')) as unknown as { data: { text: string } }[];
  assert.equal(cm.data.text, 'a: b # c');
});
