/**
 * Helpers for the kind journey test and benchmark: the CLI as a subprocess pointed at one kind
 * cluster, stand-in images whose health endpoints match what the generator's probes ask for, the
 * validator's own quick fix applied to a file, and small HTTP / polling utilities.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

import { buildGatewayAndModelImages, kindBinary, kindCacheDir, KIND_DIR, run, runOk, type KindCluster, type RunResult } from './kindCluster';
import { WorkspaceIndex } from '../../src/core/index/workspaceIndex';
import type { TextEdit } from '../../src/core/findings';
import { setTimeout as sleep } from 'node:timers/promises';

/** The repository root (test/kind/..). */
export const REPO_ROOT = path.resolve(KIND_DIR, '..', '..');
/** The bundled CLI the users run (`node scripts/build.mjs` writes it). */
export const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
/** The journey's own fixtures. */
export const JOURNEY_FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'journey');

/** The generator's default model name (`<appName>-model`); its probes ask for /v1/models/<name>. */
export const MODEL_NAME = 'clothing-model';

export interface JourneyImages {
  gateway: string;
  model: string;
  /** The model image tagged `:latest`, for the pull-policy trap. */
  latest: string;
}

// ---------------------------------------------------------------------------------------------
// the CLI against one cluster

/**
 * Environment for the CLI: the cluster's own kubeconfig (never ~/.kube/config) and the test bed's
 * kind binary, so `kind-load` and kind detection find the same kind the cluster was made with.
 */
export function cliEnv(cluster: Pick<KindCluster, 'kubeconfigPath'>): NodeJS.ProcessEnv {
  const bin = path.join(kindCacheDir(), 'bin');
  return {
    ...process.env,
    KUBECONFIG: cluster.kubeconfigPath,
    KUBE_TOPOLOGY_KIND: kindBinary(),
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
    NO_COLOR: '1',
  };
}

export interface CliResult extends RunResult {
  /** stdout and stderr together, for assertions that do not care which stream a line went to. */
  all: string;
  ms: number;
}

/**
 * Runs `node dist/cli.js ARGS` with stdin closed: a command that asked for confirmation would read
 * end-of-input and refuse, which is how the tests prove that kind needs no prompt.
 */
export async function cli(env: NodeJS.ProcessEnv, args: readonly string[], opts: { timeoutMs?: number } = {}): Promise<CliResult> {
  const t0 = Date.now();
  const r = await run(process.execPath, [CLI, ...args], { env, timeoutMs: opts.timeoutMs ?? 300_000 });
  return { ...r, all: `${r.stdout}\n${r.stderr}`, ms: Date.now() - t0 };
}

/** A CLI result as text for assertion messages. */
export function show(r: RunResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

export interface CliPortForward {
  url: string;
  output(): string;
  close(): Promise<void>;
}

/** Starts `kube-topology port-forward ARGS` and resolves once it prints the local URL. */
export function cliPortForward(env: NodeJS.ProcessEnv, args: readonly string[]): Promise<CliPortForward> {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'port-forward', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      // a forwarder that ignores Ctrl-C must not outlive the test
      const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(hard);
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void close();
      reject(new Error(`port-forward printed no URL within 60 s:\n${out}`));
    }, 60_000);
    const onData = (d: string): void => {
      out += d;
      const m = /https?:\/\/(?:127\.0\.0\.1|localhost):\d+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[0], output: () => out, close });
      }
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.stderr!.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`port-forward exited ${code} before printing a URL:\n${out}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// images

async function buildLayer(tag: string, from: string, files: Record<string, string>, entrypoint?: string[]): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-journey-image-'));
  try {
    const lines = [`FROM ${from}`];
    for (const [target, content] of Object.entries(files)) {
      const name = `f${lines.length}`;
      fs.writeFileSync(path.join(dir, name), content);
      lines.push(`COPY ${name} ${target}`);
    }
    if (entrypoint) lines.push(`ENTRYPOINT ${JSON.stringify(entrypoint)}`);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), `${lines.join('\n')}\n`);
    await runOk('docker', ['build', '-q', '-t', tag, dir], { env: { ...process.env, DOCKER_BUILDKIT: '0' }, timeoutMs: 180_000 });
    return tag;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * busybox httpd as PID 1 ignores SIGTERM, so every pod deletion would wait out the 30 s grace
 * period; real servers stop on SIGTERM, and so does this shell (the pod's processes go with it).
 */
function exitOnTerm(script: string): string[] {
  return ['/bin/busybox', 'sh', '-c', `trap 'exit 0' TERM; ${script} & wait`];
}

/**
 * The test bed's stand-ins plus what the generated manifests' probes ask for, so the generated
 * topology runs unchanged apart from its image names: the gateway answers `/healthz`, the model
 * also listens on the REST port 8501 and answers `/v1/models/clothing-model` there. Tagged like
 * real releases (`kt-clothing-gateway:0.1.0`).
 */
export async function buildJourneyImages(): Promise<JourneyImages> {
  const base = await buildGatewayAndModelImages();
  const gateway = await buildLayer(
    'kt-clothing-gateway:0.1.0',
    base.gateway,
    { '/www/healthz': 'ok\n' },
    exitOnTerm('/bin/busybox httpd -f -v -p 9696 -h /www'),
  );
  const model = await buildLayer(
    'kt-clothing-model:0.1.0',
    base.model,
    { [`/www/v1/models/${MODEL_NAME}`]: '{"model_version_status":[{"version":"1","state":"AVAILABLE"}]}\n' },
    // TF Serving listens on gRPC 8500 and REST 8501: a second httpd (it forks into the background)
    // answers the probes on 8501
    exitOnTerm('/bin/busybox httpd -p 8501 -h /www; /bin/busybox httpd -f -v -p 8500 -h /www'),
  );
  const latest = 'kt-clothing-model:latest';
  await runOk('docker', ['tag', model, latest]);
  return { gateway, model, latest };
}

/** Image references (`docker.io/library/x:tag`) in the kind node's containerd. */
export async function nodeImages(cluster: Pick<KindCluster, 'name'>): Promise<string[]> {
  const out = await runOk('docker', ['exec', `${cluster.name}-control-plane`, 'crictl', 'images', '-o', 'json']);
  const parsed = JSON.parse(out) as { images: { repoTags?: string[] }[] };
  return parsed.images.flatMap((i) => i.repoTags ?? []);
}

/** Removes images from the node (so a benchmark side starts with nothing loaded). */
export async function removeNodeImages(cluster: Pick<KindCluster, 'name'>, images: readonly string[]): Promise<void> {
  for (const image of images) {
    await run('docker', ['exec', `${cluster.name}-control-plane`, 'crictl', 'rmi', fullRef(image)]);
  }
}

/** `kt-x:1` → `docker.io/library/kt-x:1`, as containerd names what kind loads. */
export function fullRef(image: string): string {
  const first = image.split('/')[0];
  if (!image.includes('/')) return `docker.io/library/${image}`;
  if (first.includes('.') || first.includes(':') || first === 'localhost') return image;
  return `docker.io/${image}`;
}

// ---------------------------------------------------------------------------------------------
// quick fixes, as the editor applies them

function offsetOf(text: string, pos: { line: number; character: number }): number {
  let offset = 0;
  for (let line = 0; line < pos.line; line++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) return text.length;
    offset = nl + 1;
  }
  return offset + pos.character;
}

/** Applies non-overlapping edits to one file's text (last first, so earlier offsets stay valid). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetOf(text, b.range.start) - offsetOf(text, a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offsetOf(out, e.range.start)) + e.newText + out.slice(offsetOf(out, e.range.end));
  return out;
}

/**
 * Applies the preferred quick fix the validator offers for `code` in `file` (the same Fix the
 * editor's light bulb applies; the CLI's JSON report carries no fixes) and returns its title.
 */
export function applyQuickFix(file: string, code: string, defaultNamespace = 'default'): string {
  const index = new WorkspaceIndex({ defaultNamespace });
  index.setFile(file, fs.readFileSync(file, 'utf8'), { explicit: true });
  const finding = (index.analyze().byFile.get(file) ?? []).find((f) => f.code === code && f.fixes?.length);
  if (!finding) throw new Error(`no ${code} finding with a quick fix in ${file}`);
  const fix = finding.fixes!.find((f) => f.preferred) ?? finding.fixes![0];
  for (const e of fix.edits) if (path.resolve(e.file) !== path.resolve(file)) throw new Error(`fix edits another file: ${e.file}`);
  fs.writeFileSync(file, applyEdits(fs.readFileSync(file, 'utf8'), fix.edits));
  return fix.title;
}

// ---------------------------------------------------------------------------------------------
// HTTP and waiting

export function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 20_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 20 s')));
    req.on('error', reject);
  });
}

/**
 * Polls `probe` until it returns a value; after `tries` attempts resolves with the last attempt's
 * undefined so the caller's assertion reports what was seen. A bound, not a timed assertion.
 */
export async function eventually<T>(probe: () => Promise<T | undefined>, tries = 60, everyMs = 2000): Promise<T | undefined> {
  for (let i = 0; i < tries; i++) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    await sleep(everyMs);
  }
  return undefined;
}
