import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { corpusFiles, median } from './manifestCorpus';
import { writeKubeconformSchemas } from '../src/core/schema/kubeconformExport';
import { yamlLanguageServerSession } from './yamlLanguageServerPeer';

const KUBECONFORM_VERSION = 'v0.7.0';
export const KUBECONFORM_BIN = path.join(homedir(), '.cache', 'kube-topology', 'bin', `kubeconform-${KUBECONFORM_VERSION}`);

/** Builds kubeconform from the Go module proxy once; cached under ~/.cache. */
export function ensureKubeconform(): string {
  if (existsSync(KUBECONFORM_BIN)) return KUBECONFORM_BIN;
  const gobin = mkdtempSync(path.join(tmpdir(), 'kt-gobin-'));
  const r = spawnSync('go', ['install', `github.com/yannh/kubeconform/cmd/kubeconform@${KUBECONFORM_VERSION}`], {
    env: { ...process.env, GOBIN: gobin, GOFLAGS: '-mod=mod' },
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('go install kubeconform failed');
  mkdirSync(path.dirname(KUBECONFORM_BIN), { recursive: true });
  spawnSync('cp', [path.join(gobin, 'kubeconform'), KUBECONFORM_BIN]);
  rmSync(gobin, { recursive: true, force: true });
  return KUBECONFORM_BIN;
}

export interface ThroughputResult {
  resources: number;
  files: number;
  oursMs: number;
  kubeconformMs: number;
  yamlLanguageServerMs: number;
}

function timeProcess(cmd: string, args: string[], cwd: string, okCodes = [0]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (!okCodes.includes(r.status ?? -1)) throw new Error(`${cmd} exited ${r.status}: ${(r.stderr || r.stdout).slice(0, 2000)}`);
  return ms;
}

/** Whole-run wall time on the same generated set, same machine, same run. */
export async function validationThroughput(repo: string, resources = 2000, runs = 5): Promise<ThroughputResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kt-bench-corpus-'));
  const files = corpusFiles(resources, 10);
  for (const f of files) writeFileSync(path.join(dir, f.name), f.text);
  const schemaRoot = mkdtempSync(path.join(tmpdir(), 'kt-bench-kc-'));
  writeKubeconformSchemas(schemaRoot, '1.36');
  const kubeconform = ensureKubeconform();
  const cli = path.join(repo, 'dist', 'cli.js');

  // Both must accept the set (a tool that fails fast would look fast).
  const check = spawnSync(process.execPath, [cli, 'validate', '--output', 'json', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const report = JSON.parse(check.stdout);
  if (check.status !== 0 || report.resources !== resources) throw new Error(`kube-topology did not accept the corpus: ${check.stdout.slice(0, 2000)}`);
  const kcArgs = [
    '-strict',
    '-summary',
    '-kubernetes-version', '1.36.0',
    '-schema-location', `${schemaRoot}/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
    dir,
  ];
  const kc = spawnSync(kubeconform, kcArgs, { encoding: 'utf8' });
  if (kc.status !== 0 || !kc.stdout.includes(`${resources} resources found`) || !/Valid: \d+, Invalid: 0, Errors: 0/.test(kc.stdout)) {
    throw new Error(`kubeconform did not accept the corpus: ${kc.stdout}${kc.stderr}`);
  }

  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < runs; i++) {
    ours.push(timeProcess(process.execPath, [cli, 'validate', '--output', 'json', dir], dir));
    theirs.push(timeProcess(kubeconform, kcArgs, dir));
  }

  // yaml-language-server runs in-process (no process start is charged to it).
  const session = await yamlLanguageServerSession();
  const t0 = performance.now();
  for (const f of files) await session.validate(path.join(dir, f.name), f.text);
  const yslMs = performance.now() - t0;

  rmSync(dir, { recursive: true, force: true });
  rmSync(schemaRoot, { recursive: true, force: true });
  return { resources, files: files.length, oursMs: median(ours), kubeconformMs: median(theirs), yamlLanguageServerMs: yslMs };
}
