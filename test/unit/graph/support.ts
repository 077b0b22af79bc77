import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { buildGraph } from '../../../src/core/graph/buildGraph';
import type { GraphModel } from '../../../src/core/graph/types';

export const ROOT = path.resolve(__dirname, '../../../..');
export const FIXTURES = path.join(ROOT, 'test/fixtures/graph');

/** An index over fixture folders (graph fixtures) and inline files. */
export function indexOf(dirs: string[], inline: Record<string, string> = {}): WorkspaceIndex {
  const index = new WorkspaceIndex();
  for (const dir of dirs) {
    const abs = path.join(FIXTURES, dir);
    for (const f of fs.readdirSync(abs).sort()) index.setFile(path.join(abs, f), fs.readFileSync(path.join(abs, f), 'utf8'));
  }
  for (const [name, text] of Object.entries(inline)) index.setFile(path.join(FIXTURES, name), text);
  return index;
}

export function graphOf(dirs: string[], inline: Record<string, string> = {}): GraphModel {
  return buildGraph(indexOf(dirs, inline).analyze());
}

/** `Kind name -type-> Kind name` for every edge, sorted: what a person checks in a picture. */
export function edgeList(g: GraphModel): string[] {
  const name = (id: string) => {
    const n = g.nodes.find((x) => x.id === id);
    return n ? `${n.ghost ? 'ghost ' : ''}${n.kind} ${n.name}` : `?${id}`;
  };
  return g.edges.map((e) => `${name(e.from)} -${e.type}-> ${name(e.to)}`).sort();
}
