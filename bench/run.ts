import * as path from 'node:path';
import { statSync } from 'node:fs';
import { validationThroughput } from './throughputBench';
import { incrementalLatency } from './incrementalBench';
import { activationTime } from './activationBench';

/**
 * `npm run bench`: every figure is measured in this run, next to a peer measured on the same
 * machine in the same run, and printed as a ratio. Nothing here is asserted: speed is reported,
 * not tested.
 */
async function main(): Promise<void> {
  const repo = path.resolve(__dirname, '..', '..');
  const only = process.argv.slice(2);
  const want = (name: string) => only.length === 0 || only.includes(name);
  const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

  if (want('throughput')) {
    const t = await validationThroughput(repo);
    const rate = (msTotal: number) => `${Math.round((t.resources / msTotal) * 1000)} resources/s`;
    console.log(`\n## Validation throughput: ${t.resources} resources in ${t.files} files (median wall time of 5 runs, whole process)`);
    console.log(`kube-topology validate        ${ms(t.oursMs)}  (${rate(t.oursMs)})`);
    console.log(`kubeconform -strict           ${ms(t.kubeconformMs)}  (${rate(t.kubeconformMs)})`);
    console.log(`yaml-language-server (in-proc) ${ms(t.yamlLanguageServerMs)}  (${rate(t.yamlLanguageServerMs)})`);
    console.log(`ratio: kube-topology is ${(t.kubeconformMs / t.oursMs).toFixed(2)}x kubeconform's throughput, ${(t.yamlLanguageServerMs / t.oursMs).toFixed(2)}x yaml-language-server's`);
  }
  if (want('incremental')) {
    const r = await incrementalLatency();
    console.log(`\n## Incremental: one-line edit in a ${r.lines}-line multi-document file → updated diagnostics`);
    console.log(`kube-topology         p50 ${ms(r.ours.p50)}  p95 ${ms(r.ours.p95)}  (${r.ours.samples} edits)`);
    console.log(`yaml-language-server  p50 ${ms(r.peer.p50)}  p95 ${ms(r.peer.p95)}  (${r.peer.samples} edits)`);
    console.log(`ratio: kube-topology p95 is ${(r.peer.p95 / r.ours.p95).toFixed(1)}x faster (target: p95 < 20 ms and ≥ 5x)`);
  }
  if (want('activation')) {
    const a = activationTime(repo);
    const size = (f: string) => `${(statSync(path.join(repo, f)).size / 1024).toFixed(0)} KB`;
    console.log('\n## Extension activation and bundle size');
    console.log(`dist/extension.js ${size('dist/extension.js')}, dist/cli.js ${size('dist/cli.js')}`);
    console.log(`bundle load + activate(): median ${ms(a.medianMs)} over ${a.runs} fresh processes (target < 100 ms; ${a.note})`);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exitCode = 1;
});
