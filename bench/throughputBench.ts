import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, existsSync, rmSync, copyFileSync, chmodSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { corpusFiles, median } from './manifestCorpus';
import { writeKubeconformSchemas } from '../src/core/schema/kubeconformExport';
import { WorkspaceIndex } from '../src/core/index/workspaceIndex';
import { yamlLanguageServerSession } from './yamlLanguageServerPeer';
import type { BenchRow } from './benchRow';
import { RULES } from '../src/core/rules/catalog';

const KUBECONFORM_VERSION = 'v0.7.0';
const BIN_DIR = path.join(homedir(), '.cache', 'kube-topology', 'bin');
export const KUBECONFORM_BIN = path.join(BIN_DIR, `kubeconform-${KUBECONFORM_VERSION}`);

/** `go version -m` names the module version a Go binary was built from. */
function isKubeconformVersion(bin: string): boolean {
  const r = spawnSync('go', ['version', '-m', bin], { encoding: 'utf8' });
  return r.status === 0 && new RegExp(`\\bgithub\\.com/yannh/kubeconform\\s+${KUBECONFORM_VERSION.replace(/\./g, '\\.')}\\b`).test(r.stdout);
}

/**
 * kubeconform v0.7.0 built from the Go module proxy once and cached under ~/.cache. An unversioned
 * `kubeconform` already there is reused when `go version -m` says it is the same release.
 */
export function ensureKubeconform(): string {
  if (existsSync(KUBECONFORM_BIN)) return KUBECONFORM_BIN;
  mkdirSync(BIN_DIR, { recursive: true });
  const unversioned = path.join(BIN_DIR, 'kubeconform');
  if (existsSync(unversioned) && isKubeconformVersion(unversioned)) {
    copyFileSync(unversioned, KUBECONFORM_BIN);
    chmodSync(KUBECONFORM_BIN, 0o755);
    return KUBECONFORM_BIN;
  }
  const gobin = mkdtempSync(path.join(tmpdir(), 'kt-gobin-'));
  const r = spawnSync('go', ['install', `github.com/yannh/kubeconform/cmd/kubeconform@${KUBECONFORM_VERSION}`], {
    env: { ...process.env, GOBIN: gobin, GOFLAGS: '-mod=mod' },
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('go install kubeconform failed');
  copyFileSync(path.join(gobin, 'kubeconform'), KUBECONFORM_BIN);
  chmodSync(KUBECONFORM_BIN, 0o755);
  rmSync(gobin, { recursive: true, force: true });
  return KUBECONFORM_BIN;
}

function timeProcess(cmd: string, args: string[], cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}: ${(r.stderr || r.stdout).slice(0, 2000)}`);
  return ms;
}

/**
 * Whole-run wall time of `kube-topology validate` against kubeconform on the same generated set,
 * runs interleaved so both see the same machine load; then the in-process engines (ours without
 * process start, against yaml-language-server, which has no CLI) on the same documents.
 */
export async function throughputBench(repo: string, resources = 2000, runs = 7): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kt-bench-corpus-'));
  const schemaRoot = mkdtempSync(path.join(tmpdir(), 'kt-bench-kc-'));
  try {
    const files = corpusFiles(resources, 10);
    for (const f of files) writeFileSync(path.join(dir, f.name), f.text);
    writeKubeconformSchemas(schemaRoot, '1.36');
    const kubeconform = ensureKubeconform();
    const cli = path.join(repo, 'dist', 'cli.js');
    const ourArgs = [cli, 'validate', '--output', 'json', dir];

    // Both must accept the whole set (a tool that fails fast would look fast); info notes are fine.
    const check = spawnSync(process.execPath, ourArgs, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const report = check.status === 0 ? JSON.parse(check.stdout) : undefined;
    const problems = report?.findings.filter((f: { severity: string }) => f.severity !== 'info').length;
    if (!report || report.resources !== resources || problems !== 0)
      throw new Error(`kube-topology did not accept the corpus: ${(check.stdout + check.stderr).slice(0, 2000)}`);
    const kcArgs = [
      '-strict',
      '-summary',
      '-kubernetes-version',
      '1.36.0',
      '-schema-location',
      `${schemaRoot}/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
      dir,
    ];
    const kc = spawnSync(kubeconform, kcArgs, { encoding: 'utf8' });
    if (kc.status !== 0 || !kc.stdout.includes(`${resources} resources found`) || !/Valid: \d+, Invalid: 0, Errors: 0/.test(kc.stdout)) {
      throw new Error(`kubeconform did not accept the corpus: ${kc.stdout}${kc.stderr}`);
    }

    // The same work as kubeconform's: every rule but the schema's switched off (they then do not run).
    const schemaOnlyArgs = [
      ...ourArgs.slice(0, -1),
      '--ignore',
      RULES.filter((r) => !r.code.startsWith('schema-'))
        .map((r) => r.code)
        .join(','),
      dir,
    ];

    const ours: number[] = [];
    const theirs: number[] = [];
    const schemaOnly: number[] = [];
    for (let i = 0; i < runs; i++) {
      ours.push(timeProcess(process.execPath, ourArgs, dir));
      theirs.push(timeProcess(kubeconform, kcArgs, dir));
      schemaOnly.push(timeProcess(process.execPath, schemaOnlyArgs, dir));
    }
    const schemaOurs = median(schemaOnly);
    const cliOurs = median(ours);
    const cliPeer = median(theirs);

    // In-process: a fresh index (nothing parsed) per run; compiled validators stay warm, as the
    // peer keeps its compiled schema.
    const inProcOurs: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      const index = new WorkspaceIndex();
      for (const f of files) index.setFile(path.join(dir, f.name), f.text);
      const result = index.analyze();
      const ms = performance.now() - t0;
      if (result.resources.length !== resources) throw new Error('in-process run lost resources');
      if (i > 0) inProcOurs.push(ms);
    }
    const session = await yamlLanguageServerSession();
    const inProcPeer: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      let diagnostics = 0;
      for (const f of files) diagnostics += await session.validate(path.join(dir, f.name), f.text);
      const ms = performance.now() - t0;
      if (diagnostics !== 0) throw new Error(`yaml-language-server reported ${diagnostics} diagnostics on the valid corpus`);
      if (i > 0) inProcPeer.push(ms);
    }
    const engineOurs = median(inProcOurs);
    const enginePeer = median(inProcPeer);
    const rate = (ms: number) => `${Math.round((resources / ms) * 1000)} resources/s`;
    return [
      {
        name: `CLI validate, ${resources} resources / ${files.length} files (whole process)`,
        ours: cliOurs,
        peerName: `kubeconform ${KUBECONFORM_VERSION} -strict`,
        peer: cliPeer,
        ratio: cliOurs / cliPeer,
        unit: 'ms',
        target: '≤ 1.0× kubeconform',
        pass: cliOurs <= cliPeer,
        details: `median of ${runs} interleaved runs; ours ${rate(cliOurs)}, kubeconform ${rate(cliPeer)}; all runs ours [${ours.map((x) => x.toFixed(0)).join(', ')}] kubeconform [${theirs.map((x) => x.toFixed(0)).join(', ')}]`,
      },
      {
        name: `CLI validate, ${resources} resources, schema checks only (kubeconform's work)`,
        ours: schemaOurs,
        peerName: `kubeconform ${KUBECONFORM_VERSION} -strict`,
        peer: cliPeer,
        ratio: schemaOurs / cliPeer,
        unit: 'ms',
        details: `the row above with every non-schema rule switched off (--ignore), so the same checks as the peer; runs [${schemaOnly.map((x) => x.toFixed(0)).join(', ')}]`,
      },
      {
        name: `in-process validation, ${resources} resources (no process start)`,
        ours: engineOurs,
        peerName: 'yaml-language-server',
        peer: enginePeer,
        ratio: engineOurs / enginePeer,
        unit: 'ms',
        target: '< 1.0× yaml-language-server',
        pass: engineOurs < enginePeer,
        details: `ours: parse + schema + every rule incl. cross-resource (single thread); peer: schema only. ${rate(engineOurs)} vs ${rate(enginePeer)}`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(schemaRoot, { recursive: true, force: true });
  }
}
