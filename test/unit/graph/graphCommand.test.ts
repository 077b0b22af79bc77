import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { runGraph } from '../../../src/cli/graphCommand';
import type { CliIo } from '../../../src/cli/cliIo';
import { FIXTURES, ROOT } from './support';

function io(): CliIo & { out: string; err: string } {
  const x = {
    out: '',
    err: '',
    cwd: ROOT,
    isTTY: false,
    stdout: (t: string) => void (x.out += t),
    stderr: (t: string) => void (x.err += t),
    readStdin: async () => '',
  };
  return x;
}

describe('kube-topology graph', () => {
  test('--output json prints {nodes, edges} with paths relative to the working directory', async () => {
    const o = io();
    assert.equal(await runGraph(['--output', 'json', path.join(FIXTURES, 'zoomcamp')], o), 0);
    const g = JSON.parse(o.out);
    assert.deepEqual(Object.keys(g), ['nodes', 'edges']);
    const n = g.nodes[0];
    for (const k of ['id', 'kind', 'name', 'namespace', 'file', 'line']) assert.ok(k in n, k);
    for (const k of ['from', 'to', 'type', 'reason']) assert.ok(k in g.edges[0], k);
    assert.ok(g.nodes.every((x: { file: string }) => x.file.startsWith('test/fixtures/graph/zoomcamp/')));
  });

  test('--output svg, dot and mermaid print their formats', async () => {
    for (const [format, start] of [
      ['svg', '<svg'],
      ['dot', 'digraph'],
      ['mermaid', 'flowchart LR'],
    ]) {
      const o = io();
      assert.equal(await runGraph(['-o', format, path.join(FIXTURES, 'shop')], o), 0);
      assert.ok(o.out.startsWith(start), format);
    }
  });

  test('--output html embeds the bundle when it has been built', async (t) => {
    if (!fs.existsSync(path.join(ROOT, 'dist/webview/main.js'))) return t.skip('dist/webview not built');
    const o = io();
    assert.equal(await runGraph(['--output=html', path.join(FIXTURES, 'zoomcamp')], o), 0);
    assert.ok(o.out.startsWith('<!DOCTYPE html>'));
    assert.ok(o.out.includes('id="kt-initial"'));
    assert.ok(!o.out.includes('unsafe-inline'));
  });

  test('usage and I/O errors exit 2 with one line on stderr', async () => {
    for (const argv of [['--output', 'png', 'x'], [], [path.join(FIXTURES, 'nope')], ['--bogus']]) {
      const o = io();
      assert.equal(await runGraph(argv, o), 2, argv.join(' '));
      assert.match(o.err, /^kube-topology graph: .+\n$/);
      assert.equal(o.out, '');
    }
    const o = io();
    assert.equal(await runGraph(['--help'], o), 0);
    assert.match(o.out, /Usage: kube-topology graph/);
  });
});
