import type { GraphBundle, GraphEdge, GraphModel, GraphNode } from '../types';
import { EDGE_LABELS } from '../types';
import { bundlePairs, thousands } from '../bundles';
import { pushTo } from '../../multimap';

/** Graphviz DOT and Mermaid renderings of the graph (text; laid out by those tools). */

const DOT_COLOURS: Record<string, string> = {
  entry: '#8250df',
  service: '#0969da',
  workload: '#1a7f37',
  autoscaler: '#bc4c00',
  config: '#9a6700',
};

const DOT_EDGE_COLOURS: Record<string, string> = {
  routes: '#8250df',
  selects: '#0969da',
  calls: '#1a7f37',
  scales: '#bc4c00',
  mounts: '#818b98',
};

function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function nodeTitle(n: GraphNode): string {
  if (n.ghost) return `${n.kind === 'Pod' ? 'no matching pods' : `missing ${n.kind}`}\n${n.name}`;
  const type = n.kind === 'Service' && n.facts.serviceType ? ` (${n.facts.serviceType})` : '';
  return `${n.kind}${type}\n${n.name}`;
}

function byNamespace(graph: GraphModel): Map<string, GraphNode[]> {
  const out = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) {
    pushTo(out, n.namespace, n);
  }
  return new Map([...out].sort(([a], [b]) => (a === b ? 0 : a === '' ? 1 : b === '' ? -1 : a < b ? -1 : 1)));
}

/** Bundles by the namespace of their first source (a bundle never spans namespaces). */
function bundlesByNamespace(graph: GraphModel): Map<string, GraphBundle[]> {
  const out = new Map<string, GraphBundle[]>();
  if (!graph.bundles?.length) return out;
  const ns = new Map(graph.nodes.map((n) => [n.id, n.namespace]));
  for (const b of graph.bundles) {
    const key = ns.get(b.from[0]) ?? '';
    pushTo(out, key, b);
  }
  return out;
}

/** The junction's text: what it stands for, and how many connections. */
function bundleTitle(b: GraphBundle): string {
  return `${b.label}\n${thousands(bundlePairs(b))} connections (bundled)`;
}

export function renderDot(graph: GraphModel): string {
  const lines = [
    'digraph topology {',
    '  rankdir=LR;',
    '  graph [fontname="Helvetica", fontsize=11, nodesep=0.3, ranksep=0.9];',
    '  node [shape=box, style="rounded", fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  let i = 0;
  const bundles = bundlesByNamespace(graph);
  for (const [ns, nodes] of byNamespace(graph)) {
    lines.push(
      `  subgraph ${dotString(`cluster_${i++}`)} {`,
      `    label=${dotString(ns ? `namespace ${ns}` : 'cluster-scoped')};`,
      '    style="rounded"; color="#d1d9e0";',
    );
    for (const n of nodes) {
      const colour = n.ghost ? '#cf222e' : (DOT_COLOURS[n.category] ?? '#59636e');
      const style = n.ghost ? 'rounded,dashed' : n.status === 'error' ? 'rounded,bold' : 'rounded';
      lines.push(
        `    ${dotString(n.id)} [label=${dotString(nodeTitle(n))}, color=${dotString(colour)}, style=${dotString(style)}, tooltip=${dotString(`${n.file}:${n.line}`)}];`,
      );
    }
    for (const b of bundles.get(ns) ?? []) {
      const colour = b.broken ? '#cf222e' : DOT_EDGE_COLOURS[b.type];
      lines.push(
        `    ${dotString(b.id)} [label=${dotString(bundleTitle(b))}, shape=box, style=${dotString(b.broken ? 'rounded,dashed' : 'rounded')}, color=${dotString(colour)}, fontcolor=${dotString(colour)}, tooltip=${dotString(b.reason)}];`,
      );
    }
    lines.push('  }');
  }
  for (const e of graph.edges) {
    const colour = e.broken ? '#cf222e' : DOT_EDGE_COLOURS[e.type];
    const attrs = [`label=${dotString(e.label)}`, `tooltip=${dotString(e.reason)}`, `color=${dotString(colour)}`, `fontcolor=${dotString(colour)}`];
    if (e.broken) attrs.push('style=dashed');
    lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [${attrs.join(', ')}];`);
  }
  // A bundle: each source's line into the junction (no arrow), one arrow from it to each target.
  for (const b of graph.bundles ?? []) {
    const colour = DOT_EDGE_COLOURS[b.type];
    b.from.forEach((id, k) => {
      const m = b.members[k];
      const c = m?.broken ? '#cf222e' : colour;
      lines.push(
        `  ${dotString(id)} -> ${dotString(b.id)} [arrowhead=none, tooltip=${dotString(m?.reason ?? '')}, color=${dotString(c)}${m?.broken ? ', style=dashed' : ''}];`,
      );
    });
    for (const id of b.to) lines.push(`  ${dotString(b.id)} -> ${dotString(id)} [color=${dotString(colour)}];`);
  }
  lines.push('}', '');
  return lines.join('\n');
}

function mermaidText(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\|/g, '#124;').replace(/\n/g, '<br/>');
}

export function renderMermaid(graph: GraphModel): string {
  const ids = new Map<string, string>();
  graph.nodes.forEach((n, i) => ids.set(n.id, `n${i}`));
  (graph.bundles ?? []).forEach((b, i) => ids.set(b.id, `b${i}`));
  const bundles = bundlesByNamespace(graph);
  const lines = ['flowchart LR'];
  let g = 0;
  for (const [ns, nodes] of byNamespace(graph)) {
    lines.push(`  subgraph ns${g++}["${mermaidText(ns ? `namespace ${ns}` : 'cluster-scoped')}"]`);
    for (const n of nodes) {
      const text = mermaidText(nodeTitle(n));
      const shape = n.kind === 'Ingress' || n.category === 'entry' ? `(["${text}"])` : n.category === 'config' ? `[/"${text}"/]` : `["${text}"]`;
      lines.push(`    ${ids.get(n.id)}${shape}`);
    }
    for (const b of bundles.get(ns) ?? []) lines.push(`    ${ids.get(b.id)}{{"${mermaidText(bundleTitle(b))}"}}`);
    lines.push('  end');
  }
  const styles: string[] = [];
  graph.edges.forEach((e: GraphEdge, i) => {
    const from = ids.get(e.from);
    const to = ids.get(e.to);
    if (!from || !to) return;
    const label = mermaidText(e.label || EDGE_LABELS[e.type]);
    lines.push(e.broken ? `  ${from} -. "${label}" .-> ${to}` : `  ${from} -- "${label}" --> ${to}`);
    if (e.broken) styles.push(`  linkStyle ${i} stroke:#cf222e,color:#cf222e`);
  });
  let link = graph.edges.length;
  for (const b of graph.bundles ?? []) {
    const junction = ids.get(b.id)!;
    b.from.forEach((id, k) => {
      const from = ids.get(id);
      if (!from) return;
      lines.push(b.members[k]?.broken ? `  ${from} -.- ${junction}` : `  ${from} --- ${junction}`);
      if (b.members[k]?.broken) styles.push(`  linkStyle ${link} stroke:#cf222e,color:#cf222e`);
      link++;
    });
    for (const id of b.to) {
      const to = ids.get(id);
      if (!to) continue;
      lines.push(`  ${junction} --> ${to}`);
      link++;
    }
  }
  for (const c of ['entry', 'service', 'workload', 'autoscaler', 'config']) lines.push(`  classDef ${c} stroke:${DOT_COLOURS[c]},stroke-width:1.5px`);
  lines.push('  classDef ghost stroke:#cf222e,stroke-dasharray:5 4,color:#cf222e');
  if (graph.bundles?.length) lines.push(`  classDef bundle stroke:${DOT_EDGE_COLOURS.selects},stroke-width:1.5px`);
  for (const n of graph.nodes) lines.push(`  class ${ids.get(n.id)} ${n.ghost ? 'ghost' : n.category}`);
  for (const b of graph.bundles ?? []) lines.push(`  class ${ids.get(b.id)} bundle`);
  lines.push(...styles, '');
  return lines.join('\n');
}
