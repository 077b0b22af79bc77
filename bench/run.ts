import * as path from 'node:path';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { throughputBench } from './throughputBench';
import { incrementalBench } from './incrementalBench';
import { activationBench } from './activationBench';
import { shapesBench } from './shapesBench';
import { formatTable, fromExternal, type BenchRow, type ExternalRow } from './benchRow';

/**
 * `npm run bench`: every figure is measured in this run, next to a peer measured on the same
 * machine in the same run, and printed as a ratio (ours / peer: below 1 is faster). Nothing here
 * is asserted: a failing or missed benchmark is a row in the table, never a failed process.
 *
 *   node out/bench/run.js [throughput] [incremental] [activation] [shapes] [apply] [journey]
 */
interface Bench {
  name: string;
  run(): Promise<BenchRow[]>;
}

/** Benches other parts of the project add (they start their own clusters); loaded only if built. */
function optional(name: string, file: string, exported: string): Bench | undefined {
  const compiled = path.join(__dirname, `${file}.js`);
  if (!existsSync(compiled)) return undefined;
  return {
    name,
    async run() {
      // A path computed at run time keeps this file compiling whether or not the bench exists.
      const mod = (await import(compiled)) as Record<string, () => Promise<ExternalRow[]>>;
      if (typeof mod[exported] !== 'function') throw new Error(`${file} does not export ${exported}()`);
      return (await mod[exported]()).map(fromExternal);
    },
  };
}

async function main(): Promise<void> {
  const repo = path.resolve(__dirname, '..', '..');
  const only = process.argv.slice(2);
  // The stress bench first: its "heap in use" is this process's heap, which the other benches
  // would leave fuller (caches, a yaml-language-server session).
  const stress = optional('stress', 'stressBench', 'runStressBench');
  const benches: Bench[] = [
    ...(stress ? [stress] : []),
    { name: 'throughput', run: () => throughputBench(repo) },
    { name: 'incremental', run: () => incrementalBench() },
    { name: 'activation', run: () => Promise.resolve().then(() => activationBench(repo)) },
    { name: 'shapes', run: () => Promise.resolve().then(shapesBench) },
  ];
  for (const extra of [optional('apply', 'applyBench', 'runApplyBench'), optional('journey', 'journeyBench', 'runJourneyBench')]) {
    if (extra) benches.push(extra);
  }

  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}`;
  console.log(`# kube-topology benchmarks — ${machine}, load average at start ${loadavg()[0].toFixed(2)}`);
  const rows: BenchRow[] = [];
  const failures: { bench: string; error: string }[] = [];
  for (const bench of benches) {
    if (only.length && !only.includes(bench.name)) continue;
    const t0 = Date.now();
    process.stdout.write(`running ${bench.name} … `);
    try {
      const got = await bench.run();
      rows.push(...got);
      console.log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      failures.push({ bench: bench.name, error });
      rows.push({ name: `${bench.name} (could not run)`, ours: NaN, unit: 'ms', pass: false, details: error.slice(0, 300) });
      console.log(`failed: ${error.split('\n')[0]}`);
    }
  }

  console.log(`\n${formatTable(rows)}\n`);
  for (const r of rows) if (r.details) console.log(`- ${r.name}: ${r.details}`);
  const missed = rows.filter((r) => r.pass === false).length;
  console.log(`\n${rows.filter((r) => r.pass === true).length} targets met, ${missed} missed (ratio = ours / peer; below 1 is faster).`);

  const results = path.join(repo, 'bench', 'results');
  mkdirSync(results, { recursive: true });
  const out = { date: new Date().toISOString(), machine, loadAverage: loadavg(), rows, failures };
  writeFileSync(path.join(results, 'latest.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`results: ${path.relative(process.cwd(), path.join(results, 'latest.json'))}`);
}

main().catch((e) => {
  // Reported, not failed: the graph bench still runs after this one.
  console.error(e instanceof Error ? e.stack : e);
});
