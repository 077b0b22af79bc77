/**
 * Where the CLI writes: `generate --out` never follows a symbolic link out of the folder (dangling
 * or not; --force replaces the link, never what it points at), and standard output that goes away
 * (`| head`: EPIPE) or fills up (/dev/full: ENOSPC) ends quietly with the documented exit status —
 * no stack trace, no unhandled 'error' event. All on the real file system and real pipes.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { runCli } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/cliIo';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const cliPath = path.join(repoRoot, 'dist', 'cli.js');
/** The one file `generate gateway-model` writes. */
const GENERATED = 'clothing.yaml';

function io(cwd: string): CliIo & { out: string; err: string } {
  const o = {
    out: '',
    err: '',
    cwd,
    isTTY: false,
    readStdin: () => Promise.resolve(''),
    stdout: (t: string) => void (o.out += t),
    stderr: (t: string) => void (o.err += t),
  };
  return o;
}

describe('generate --out and symbolic links', () => {
  let dir: string;
  let outside: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-out-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-outside-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  test('a link to a file outside: refused without --force; --force replaces the link and the outside file is untouched', async () => {
    const out = path.join(dir, 'k8s');
    fs.mkdirSync(out);
    const victim = path.join(outside, 'victim.txt');
    fs.writeFileSync(victim, 'precious\n');
    fs.symlinkSync(victim, path.join(out, GENERATED));
    const first = io(dir);
    assert.equal(await runCli(['generate', 'gateway-model', '--out', 'k8s'], first), 1);
    assert.match(first.err, /not overwriting an existing file: k8s\/clothing\.yaml/);
    assert.equal(fs.readFileSync(victim, 'utf8'), 'precious\n');
    const forced = io(dir);
    assert.equal(await runCli(['generate', 'gateway-model', '--out', 'k8s', '--force'], forced), 0, forced.err);
    assert.equal(fs.readFileSync(victim, 'utf8'), 'precious\n');
    const st = fs.lstatSync(path.join(out, GENERATED));
    assert.ok(st.isFile() && !st.isSymbolicLink(), 'the link was not replaced by a file');
    assert.match(fs.readFileSync(path.join(out, GENERATED), 'utf8'), /kind: Deployment/);
    assert.deepEqual(fs.readdirSync(out), [GENERATED], 'a temporary file was left behind');
  });

  test('a dangling link: it counts as an existing file, and nothing is ever created where it points', async () => {
    const out = path.join(dir, 'dangling');
    fs.mkdirSync(out);
    const target = path.join(outside, 'created-through-link.yaml');
    fs.symlinkSync(target, path.join(out, GENERATED));
    const first = io(dir);
    assert.equal(await runCli(['generate', 'gateway-model', '--out', 'dangling'], first), 1);
    assert.equal(fs.existsSync(target), false);
    assert.equal(await runCli(['generate', 'gateway-model', '--out', 'dangling', '--force'], io(dir)), 0);
    assert.equal(fs.existsSync(target), false, 'the file was written through the link');
    assert.ok(fs.lstatSync(path.join(out, GENERATED)).isFile());
  });

  test('--out naming a file that is a link: the same rules', async () => {
    const victim = path.join(outside, 'named.yaml');
    fs.writeFileSync(victim, 'precious: true\n');
    fs.symlinkSync(victim, path.join(dir, 'topology.yaml'));
    assert.equal(await runCli(['generate', 'gateway-model', '--out', 'topology.yaml'], io(dir)), 1);
    assert.equal(await runCli(['generate', 'gateway-model', '--out', 'topology.yaml', '--force'], io(dir)), 0);
    assert.equal(fs.readFileSync(victim, 'utf8'), 'precious: true\n');
    assert.ok(fs.lstatSync(path.join(dir, 'topology.yaml')).isFile());
  });
});

describe('standard output that goes away', () => {
  let big: string;
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-pipes-'));
    big = path.join(dir, 'many.yaml');
    // Far more text than a pipe holds (64 KiB), so the writer is still writing when the reader leaves.
    const doc = (i: number) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d${i}}\nspec:\n  selector: {matchLabels: {app: d${i}}}\n  template:\n    metadata: {labels: {app: d${i}}}\n    spec:\n      containers: [{name: c, image: nginx}]\n`;
    fs.writeFileSync(big, Array.from({ length: 600 }, (_, i) => doc(i)).join('---\n'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (stdout: 'pipe' | number, onFirst?: (child: ReturnType<typeof spawn>) => void) =>
    new Promise<{ code: number | null; stderr: string; bytes: number }>((resolve, reject) => {
      const child = spawn(process.execPath, [cliPath, 'validate', big], { stdio: ['ignore', stdout, 'pipe'] });
      let stderr = '';
      let bytes = 0;
      child.stderr?.on('data', (c) => (stderr += c));
      child.stdout?.once('data', (c: Buffer) => {
        bytes = c.length;
        onFirst?.(child);
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr, bytes }));
    });

  test('`| head`: the reader leaves after the first chunk; no EPIPE, no stack trace, the usual exit status', async () => {
    const whole = await run('pipe');
    const cut = await run('pipe', (child) => child.stdout?.destroy());
    assert.equal(cut.stderr, '');
    assert.equal(cut.code, whole.code);
  });

  test('a full disk (/dev/full): one line on standard error and exit status 2', async () => {
    const fd = fs.openSync('/dev/full', 'w');
    try {
      const r = await run(fd);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, 'kube-topology: cannot write the output (ENOSPC: no space left on the device); it is incomplete\n');
    } finally {
      fs.closeSync(fd);
    }
  });
});
