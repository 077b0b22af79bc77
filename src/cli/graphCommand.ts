import { escapeControlChars } from '../core/terminalText';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs, stringOption } from './argParser';
import { EXIT_OK, EXIT_USAGE, UsageError, type CliIo } from './cliIo';
import { displayPath, loadIndex } from './manifestFiles';
import { buildGraph } from '../core/graph/buildGraph';
import type { GraphModel } from '../core/graph/types';
import { layoutGraph } from '../core/graph/layout/layout';
import { createDefaultEngine } from '../core/graph/layout/defaultEngine';
import { renderSvgDocument } from '../core/graph/render/svgString';
import { renderStandalonePage } from '../core/graph/render/page';
import { renderDot, renderMermaid } from '../core/graph/render/textFormats';

export const GRAPH_HELP = `Usage: kube-topology graph [--output json|svg|html|dot|mermaid] PATH...

Draws the topology of Kubernetes manifests: Ingress → Service → workload → Service it calls,
autoscalers and the config they use, grouped by namespace. Broken references are drawn as dashed
edges to a "missing" node, with the code of the finding \`validate\` reports for them.
PATH is a file, a folder (searched recursively for .yaml, .yml, .json) or - for stdin.

Options:
  --output FORMAT     json (default): {"nodes": [...], "edges": [...]}
                      svg:  the same drawing as the editor's topology view
                      html: one self-contained interactive page (pan, zoom, filter, search)
                      dot:  Graphviz (render with \`dot -Tsvg\`)
                      mermaid: a Mermaid flowchart (Markdown, GitHub)
  --namespace NS      namespace for resources without one (default "default")

Exit status: 0 drawn (broken references included), 2 usage or I/O error.
`;

const FORMATS = ['json', 'svg', 'html', 'dot', 'mermaid'] as const;
type Format = (typeof FORMATS)[number];

/** Packing shape the panel uses too (webview/src/app.ts), so both draw the same picture. */
const ASPECT = 2.2;

/** `kube-topology graph`: 0 when drawn, 2 (with one line on stderr) for usage and I/O errors. */
export async function runGraph(argv: string[], io: CliIo): Promise<number> {
  try {
    return await graph(argv, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`kube-topology graph: ${e.message}\n`);
    return EXIT_USAGE;
  }
}

async function graph(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, {
    output: { value: true, alias: 'o' },
    namespace: { value: true, alias: 'n' },
    help: { alias: 'h' },
  });
  if (args.options.help) {
    io.stdout(GRAPH_HELP);
    return EXIT_OK;
  }
  const format = (stringOption(args, 'output') ?? 'json') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--output must be one of ${FORMATS.join(', ')}, got "${format}"`);
  if (args.positionals.length === 0) throw new UsageError('graph needs at least one PATH (a file, a folder, or - for stdin)');

  const index = await loadIndex(args.positionals, io, { defaultNamespace: stringOption(args, 'namespace') ?? 'default' });
  const model = relativeFiles(buildGraph(index.analyze()), io.cwd);
  const title = `Kubernetes topology: ${args.positionals.join(' ')}`;
  switch (format) {
    case 'json':
      io.stdout(`${JSON.stringify(model, null, 2)}\n`);
      return EXIT_OK;
    case 'dot':
      io.stdout(escapeControlChars(renderDot(model)));
      return EXIT_OK;
    case 'mermaid':
      io.stdout(escapeControlChars(renderMermaid(model)));
      return EXIT_OK;
    case 'svg': {
      const { layout } = await layoutGraph(model, createDefaultEngine(), { aspect: ASPECT });
      io.stdout(renderSvgDocument(model, layout, { title }));
      return EXIT_OK;
    }
    case 'html': {
      const bundle = await readWebviewBundle();
      const { layout, memory } = await layoutGraph(model, createDefaultEngine(), { aspect: ASPECT });
      const label = args.positionals.join(' ');
      io.stdout(
        renderStandalonePage({
          script: bundle.script,
          css: bundle.css,
          title,
          data: { scope: { kind: 'folder', uri: label, label }, graph: model, layout, memory },
        }),
      );
      return EXIT_OK;
    }
  }
}

/** Paths as `validate` prints them: relative to the working directory. */
function relativeFiles(graph: GraphModel, cwd: string): GraphModel {
  const out: GraphModel = {
    nodes: graph.nodes.map((n) => ({ ...n, file: n.file ? displayPath(n.file, cwd) : n.file })),
    edges: graph.edges.map((e) => (e.file ? { ...e, file: displayPath(e.file, cwd) } : e)),
  };
  if (graph.bundles) out.bundles = graph.bundles.map((b) => ({ ...b, members: b.members.map((m) => (m.file ? { ...m, file: displayPath(m.file, cwd) } : m)) }));
  return out;
}

/** dist/webview beside dist/cli.js (installed), or the repository's dist/ (tests run from out/). */
async function readWebviewBundle(): Promise<{ script: string; css: string }> {
  const candidates = [path.join(__dirname, 'webview'), path.resolve(__dirname, '../../../dist/webview'), path.resolve(__dirname, '../../dist/webview')];
  for (const dir of candidates) {
    try {
      const [script, css] = await Promise.all([fs.readFile(path.join(dir, 'main.js'), 'utf8'), fs.readFile(path.join(dir, 'main.css'), 'utf8')]);
      return { script, css };
    } catch {
      // try the next place
    }
  }
  throw new UsageError('the webview bundle (dist/webview/main.js) is missing; run `npm run build` first');
}
