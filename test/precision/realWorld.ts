import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/cliIo';

/**
 * The precision check on the training set: `../shared/real-world` (public repositories no one here
 * wrote, at the commits in its SOURCES), validated as a user would — `kube-topology validate REPO`
 * from the training set's folder, apply units inferred — and every error and warning compared
 * with a judged expectation (realWorldExpectations.json): true (the API server or the wiring really
 * gives it) or false. Infos are counted, not judged.
 */

export const ROOT = join(__dirname, '..', '..', '..');
export const REAL_WORLD = join(ROOT, '..', 'shared', 'real-world');
export const REPOSITORIES = ['podinfo', 'argocd-example-apps', 'kubeflow-manifests'];
export const EXPECTATIONS_FILE = join(ROOT, 'test', 'precision', 'realWorldExpectations.json');

export interface FoundFinding {
  repository: string;
  file: string;
  line: number;
  column: number;
  code: string;
  severity: 'error' | 'warning';
  message: string;
}

export interface JudgedFinding {
  key: string;
  /** true: the API server or the wiring really gives it; false: it is wrong; null: not judged yet. */
  holds: boolean | null;
  /** Why, in a few words (the same reason may cover many findings). */
  why: string;
  message: string;
}

export interface RepositoryCounts {
  resources: number;
  errors: number;
  warnings: number;
  infos: number;
  units: number;
}

export interface Expectations {
  note: string;
  repositories: Record<string, RepositoryCounts>;
  findings: JudgedFinding[];
}

export function keyOf(f: Omit<FoundFinding, 'message'>): string {
  return `${f.severity} ${f.code} ${f.file}:${f.line}:${f.column}`;
}

interface ValidateJson {
  resources: number;
  findings: { file: string; line: number; column: number; code: string; severity: string; message: string }[];
  summary: { errors: number; warnings: number; infos: number };
  units: unknown[];
}

/** Validates one repository of the training set the way a user runs the CLI on it. */
export async function validateRepository(repository: string): Promise<{ counts: RepositoryCounts; findings: FoundFinding[] }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    cwd: REAL_WORLD,
    isTTY: false,
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    readStdin: () => Promise.resolve(''),
  };
  const code = await runCli(['validate', '--output', 'json', repository], io);
  if (code === 2) throw new Error(`validate ${repository} failed: ${err}`);
  const json = JSON.parse(out) as ValidateJson;
  const findings: FoundFinding[] = [];
  for (const f of json.findings) {
    if (f.severity !== 'error' && f.severity !== 'warning') continue;
    findings.push({ repository, file: f.file.split('\\').join('/'), line: f.line, column: f.column, code: f.code, severity: f.severity, message: f.message });
  }
  return {
    counts: { resources: json.resources, errors: json.summary.errors, warnings: json.summary.warnings, infos: json.summary.infos, units: json.units.length },
    findings,
  };
}

export function trainingSetPresent(): boolean {
  return existsSync(join(REAL_WORLD, 'SOURCES'));
}

export function readExpectations(): Expectations {
  return JSON.parse(readFileSync(EXPECTATIONS_FILE, 'utf8')) as Expectations;
}

/**
 * Writes the expectations for what the validator finds now, keeping every judgement already made;
 * findings not seen before get `holds: null` until someone judges them.
 */
export function writeExpectations(counts: Record<string, RepositoryCounts>, found: FoundFinding[], previous: Expectations | undefined): void {
  const old = new Map((previous?.findings ?? []).map((f) => [f.key, f]));
  const findings: JudgedFinding[] = found.map((f) => {
    const key = keyOf(f);
    const before = old.get(key);
    return { key, holds: before?.holds ?? null, why: before?.why ?? '', message: f.message };
  });
  const data: Expectations = {
    note:
      'Every error and warning of `kube-topology validate REPO` (run in ../shared/real-world) with a judgement: holds = true when ' +
      'the API server or the wiring really gives it. Regenerate with KUBE_TOPOLOGY_PRECISION_UPDATE=1 (judgements are kept) and judge new entries. See docs/precision.md.',
    repositories: counts,
    findings,
  };
  writeFileSync(EXPECTATIONS_FILE, JSON.stringify(data, null, 2) + '\n');
}
