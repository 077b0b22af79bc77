import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { statSync } from 'node:fs';
import { median } from './manifestCorpus';
import type { BenchRow } from './benchRow';

/**
 * Time to load dist/extension.js and run activate() in a fresh Node process. VS Code itself is
 * not here, so `vscode` is a do-nothing stand-in that answers every call; this measures our own
 * start-up cost (bundle evaluation and activation work). The e2e suite measures activation
 * inside a real code-server. No document is open here, so this is also the whole cost in a
 * repository without manifests: nothing is indexed, no kubeconfig read, no cluster probed.
 */
const PROBE = `
const Module = require('module');
const origLoad = Module._load;
const handler = {
  get(_t, p) {
    if (p === 'then') return undefined;
    if (p === Symbol.iterator) return function* () {};
    if (p === Symbol.toPrimitive) return () => '';
    return stub;
  },
  // esbuild's __toESM builds the namespace object on the module's prototype: make that the stub too.
  getPrototypeOf() { return stub; },
  // Assignments (statusBarItem.name = …) are accepted and forgotten.
  set() { return true; },
  apply() { return stub; },
  construct() { return stub; },
};
const stub = new Proxy(function () {}, handler);
Module._load = function (request, ...rest) { return request === 'vscode' ? stub : origLoad.call(this, request, ...rest); };
const t0 = process.hrtime.bigint();
const ext = require(process.argv[2]);
ext.activate({ subscriptions: [], extensionUri: stub, extensionPath: '', globalState: stub, workspaceState: stub, asAbsolutePath: (p) => p });
const t1 = process.hrtime.bigint();
process.stdout.write(String(Number(t1 - t0) / 1e6));
`;

export function activationBench(repo: string, runs = 15): BenchRow[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'kt-activation-'));
  const probe = path.join(dir, 'probe.js');
  writeFileSync(probe, PROBE);
  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const r = spawnSync(process.execPath, [probe, path.join(repo, 'dist', 'extension.js')], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`activation probe failed: ${r.stderr}`);
      times.push(Number(r.stdout));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const kb = (f: string) => statSync(path.join(repo, 'dist', f)).size / 1024;
  const ms = median(times);
  return [
    {
      name: 'activation where no manifest is open: bundle load + activate() (stand-in vscode)',
      ours: ms,
      unit: 'ms',
      target: '< 100 ms',
      pass: ms < 100,
      details: `median of ${runs} fresh Node processes; real code-server activation is measured by the e2e suite`,
    },
    { name: 'bundle size dist/extension.js', ours: kb('extension.js'), unit: 'KB' },
    { name: 'bundle size dist/cli-main.js (dist/cli.js loads it)', ours: kb('cli-main.js'), unit: 'KB' },
  ];
}
