import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { median } from './manifestCorpus';

/**
 * Time to load dist/extension.js and run activate() in a fresh Node process. VS Code itself is
 * not here, so `vscode` is a do-nothing stand-in that answers every call; this measures our own
 * start-up cost (bundle evaluation and activation work). The e2e suite measures activation
 * inside a real code-server.
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

export function activationTime(repo: string, runs = 15): { medianMs: number; runs: number; note: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kt-activation-'));
  const probe = path.join(dir, 'probe.js');
  writeFileSync(probe, PROBE);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [probe, path.join(repo, 'dist', 'extension.js')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`activation probe failed: ${r.stderr}`);
    times.push(Number(r.stdout));
  }
  return { medianMs: median(times), runs, note: 'plain Node with a stand-in vscode module' };
}
