// Topology graph benchmark: manifests → analysed graph (Node, as the extension host does) → laid
// out and painted SVG (Chromium, the panel's own layout and drawing code), at 50, 500 and 2,000
// resources, plus the update after a one-resource edit at 500; ELK and dagre in the same run.
//
//   node scripts/build.mjs && node bench/graph.bench.mjs [--sizes 50,500,2000] [--runs 3]
//
// Needs /usr/bin/chromium (test/browser/setup.sh). Results also go to bench/results/graph.json.
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
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
