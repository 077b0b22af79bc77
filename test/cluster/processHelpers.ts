/**
 * Small helpers the cluster tests (and the unit tests of the cluster layer) share: the built CLI
 * as a subprocess, every string inside a value (what a reader of JSON output could see), and a
 * self-signed certificate from openssl.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root, from out/test/<dir>/ or out/test/unit/<dir>/. */
export function repoRootFrom(dir: string): string {
  for (let d = dir; path.dirname(d) !== d; d = path.dirname(d)) if (fs.existsSync(path.join(d, 'package.json'))) return d;
  throw new Error(`no package.json above ${dir}`);
}

export const cliPath = path.join(repoRootFrom(__dirname), 'dist', 'cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node dist/cli.js ARGS` in `cwd`; resolves when it exits. */
export function runCliProcess(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every string inside a value (messages, diffs, ...), one per line: what a reader could see. */
export function strings(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') return Object.values(v).map(strings).join('\n');
  return '';
}

/** A self-signed RSA certificate (key.pem, cert.pem in `dir`), optionally with subjectAltName. */
export function selfSignedCert(dir: string, subject: string, san?: string): { cert: string; key: string } {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      subject,
      ...(san ? ['-addext', `subjectAltName=${san}`] : []),
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}
