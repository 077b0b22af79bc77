// Topology graph benchmark: manifests → analysed graph (Node, as the extension host does) → laid
// out and painted SVG (Chromium, the panel's own layout and drawing code), at 50, 500 and 2,000
// resources, plus the update after a one-resource edit at 500; ELK and dagre in the same run.
//
//   node scripts/build.mjs && node bench/graph.bench.mjs [--sizes 50,500,2000] [--runs 3] [--fan 120]
//
// Needs /usr/bin/chromium (test/browser/setup.sh). Results also go to bench/results/graph.json.
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? dflt : process.argv[i + 1];
};
const SIZES = arg('sizes', '50,500,2000').split(',').map(Number);
const RUNS = Number(arg('runs', '3'));
const EDIT_SIZE = 500;
// The dense fan (n Services × n Deployments sharing one selector) at 1×, 2× and 4× this n.
const FAN = Number(arg('fan', '120'));
const ENGINES = ['elk', 'dagre'];

const work = mkdtempSync(join(tmpdir(), 'kt-graph-bench-'));
const profile = mkdtempSync(join(tmpdir(), 'kt-graph-bench-profile-'));
try {
  await build({
    entryPoints: [join(root, 'bench/graph-bench-host.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: join(work, 'host.cjs'),
    logLevel: 'error',
  });
  await build({
    entryPoints: [join(root, 'webview/bench/graphBenchPage.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    minify: true,
    outfile: join(work, 'page.js'),
    logLevel: 'error',
  });
  // The host bundle runs from a temporary folder: it finds the schemas by the variable, not by its place.
  process.env.KUBE_TOPOLOGY_SCHEMAS ??= join(root, 'schemas');
  const host = createRequire(import.meta.url)(join(work, 'host.cjs'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1600, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const page = await context.newPage();
  await page.setContent('<!DOCTYPE html><html><body><div id="root"></div></body></html>');
  await page.addScriptTag({ content: readFileSync(join(work, 'page.js'), 'utf8') });
  const runInPage = (graph, engine, warm) => page.evaluate(([g, e, w]) => globalThis.ktBench.run(g, e, w), [graph, engine, warm]);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  const results = { date: new Date().toISOString(), loadAverage: loadavg()[0], cores: (await import('node:os')).cpus().length, sizes: [], edit: [] };
  console.log(`graph bench: ${RUNS} runs each, median ms; load average ${loadavg()[0].toFixed(1)} on ${results.cores} cores\n`);
  console.log('resources  nodes  edges  analyse |   ELK layout  paint  total |  dagre layout  paint  total | ELK/dagre');
  for (const size of SIZES) {
    const c = host.corpus(size);
    const analyses = [];
    let graph;
    for (let r = 0; r < RUNS; r++) {
      const a = host.analyse(c);
      analyses.push(a.ms);
      graph = a.graph;
    }
    const row = { resources: c.resources, nodes: graph.nodes.length, edges: graph.edges.length, analyseMs: median(analyses) };
    for (const engine of ENGINES) {
      const layout = [];
      const paint = [];
      const render = [];
      // One unmeasured run: JIT warm-up, as a panel that has been open a moment has.
      await runInPage(graph, engine, false);
      for (let r = 0; r < RUNS; r++) {
        const m = await runInPage(graph, engine, false);
        if (m.nodes !== graph.nodes.length) throw new Error(`${engine}: drew ${m.nodes} of ${graph.nodes.length} nodes`);
        layout.push(m.layoutMs);
        paint.push(m.paintMs);
        render.push(m.renderMs);
      }
      row[engine] = { layoutMs: median(layout), paintMs: median(paint), domUpdateMs: median(render), totalMs: row.analyseMs + median(layout) + median(paint) };
    }
    results.sizes.push(row);
    const f = (n) => n.toFixed(0).padStart(6);
    console.log(
      `${String(row.resources).padStart(9)} ${String(row.nodes).padStart(6)} ${String(row.edges).padStart(6)} ${f(row.analyseMs)}  | ${f(row.elk.layoutMs)} ${f(row.elk.paintMs)} ${f(row.elk.totalMs)} | ${f(row.dagre.layoutMs)} ${f(row.dagre.paintMs)} ${f(row.dagre.totalMs)} | ${(row.elk.totalMs / row.dagre.totalMs).toFixed(2)}×`,
    );
  }

  console.log(`\nedit at ${EDIT_SIZE} resources (incremental analysis + layout with the warm cache + keyed repaint):`);
  console.log('edit        analyse |   ELK layout  paint  total | dagre layout  paint  total | ELK/dagre');
  const c = host.corpus(EDIT_SIZE);
  const base = host.analyse(c);
  for (const kind of ['value', 'structure']) {
    const row = { kind };
    const analyses = [];
    const per = Object.fromEntries(ENGINES.map((e) => [e, { layout: [], paint: [], render: [], computed: 0 }]));
    for (let r = 0; r < RUNS; r++) {
      const edited = host.edit(base.index, c, kind);
      analyses.push(edited.ms);
      for (const engine of ENGINES) {
        await runInPage(base.graph, engine, false); // the panel shows the graph before the edit
        const m = await runInPage(edited.graph, engine, true);
        per[engine].layout.push(m.layoutMs);
        per[engine].paint.push(m.paintMs);
        per[engine].render.push(m.renderMs);
        per[engine].computed = m.computed;
      }
    }
    row.analyseMs = median(analyses);
    for (const engine of ENGINES)
      row[engine] = {
        layoutMs: median(per[engine].layout),
        paintMs: median(per[engine].paint),
        domUpdateMs: median(per[engine].render),
        componentsLaidOut: per[engine].computed,
        totalMs: row.analyseMs + median(per[engine].layout) + median(per[engine].paint),
      };
    results.edit.push(row);
    const f = (n) => n.toFixed(0).padStart(6);
    console.log(
      `${kind.padEnd(10)} ${f(row.analyseMs)}  | ${f(row.elk.layoutMs)} ${f(row.elk.paintMs)} ${f(row.elk.totalMs)} | ${f(row.dagre.layoutMs)} ${f(row.dagre.paintMs)} ${f(row.dagre.totalMs)} | ${(row.elk.totalMs / row.dagre.totalMs).toFixed(2)}×`,
    );
  }
  console.log(
    `\ndense fan: n Services × n Deployments sharing one selector (n² pairs), at 1×, 2×, 4× (CLI \`graph --output svg\` and the panel's first paint):`,
  );
  console.log('    n  pairs bundles edges | analyse  build layout   svg |  CLI svg |  panel dagre layout paint | ELK layout paint');
  results.fan = [];
  for (const n of [FAN, 2 * FAN, 4 * FAN]) {
    const c = host.fanCorpus(n);
    const phases = [];
    for (let r = 0; r < RUNS; r++) phases.push(await host.fanPhases(c));
    const med = (k) => median(phases.map((p) => p[k]));
    const file = join(work, `fan-${n}.yaml`);
    writeFileSync(file, [...c.files.values()][0]);
    const cli = [];
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      const p = spawnSync(process.execPath, [join(root, 'dist/cli.js'), 'graph', '--output', 'svg', file], { maxBuffer: 1 << 30 });
      if (p.status !== 0) throw new Error(`graph --output svg failed: ${p.stderr}`);
      cli.push(performance.now() - t0);
    }
    const graph = host.analyse(c).graph;
    const row = {
      n,
      pairs: n * n,
      bundles: phases[0].bundles,
      edges: phases[0].edges,
      analyseMs: med('analyseMs'),
      buildMs: med('buildMs'),
      layoutMs: med('layoutMs'),
      svgMs: med('svgMs'),
      svgBytes: phases[0].svgBytes,
      cliSvgMs: median(cli),
    };
    for (const engine of ENGINES) {
      await runInPage(graph, engine, false);
      const m = await runInPage(graph, engine, false);
      row[engine] = { layoutMs: m.layoutMs, paintMs: m.paintMs };
    }
    results.fan.push(row);
    const f = (x, w = 6) => x.toFixed(0).padStart(w);
    console.log(
      `${String(n).padStart(5)} ${String(row.pairs).padStart(6)} ${String(row.bundles).padStart(7)} ${String(row.edges).padStart(5)} | ${f(row.analyseMs, 7)} ${f(row.buildMs)} ${f(row.layoutMs)} ${f(row.svgMs, 5)} | ${f(row.cliSvgMs, 8)} | ${f(row.dagre.layoutMs, 19)} ${f(row.dagre.paintMs, 5)} | ${f(row.elk.layoutMs, 10)} ${f(row.elk.paintMs, 5)}`,
    );
  }
  console.log('(analyse = parse + every check, incl. the reference index; build = buildGraph; both outside the graph code are in src/core/model)');
  await context.close();
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/graph.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('\n"paint" = our DOM update + the browser\'s style, layout and paint until the next frame, at 100 % zoom with full detail');
  console.log("(domUpdateMs in the JSON is our part; the panel's fit-to-window view leaves small text out and paints less).");
  console.log('Targets: 500 resources laid out and painted < 1000 ms; edit to update < 100 ms. Full results: bench/results/graph.json');
} finally {
  rmSync(work, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
}
