import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk-api';
import { LAYER_GAP, NODE_GAP, type ComponentInput, type ComponentOutput, type LayoutEngine, type Point } from './types';

/**
 * ELK `layered`, left to right. BRANDES_KOEPF node placement (NETWORK_SIMPLEX is an order of
 * magnitude slower on these graphs), orthogonal edges, and the input order as the tie-breaker so the
 * caller can keep rows stable by handing nodes over in their previous order.
 *
 * We do not use ELK's kind partitioning (Headlamp's columns): a `calls` edge goes from a workload to
 * a Service, so fixed kind columns would point it backwards. The edge directions already give the
 * columns: Ingress → Service → workload → Service → model server; Ingresses are pinned to the first
 * layer.
 */
export class ElkEngine implements LayoutEngine {
  readonly name = 'elk';
  private readonly elk = new ELK();

  async layoutComponent(input: ComponentInput): Promise<ComponentOutput> {
    const graph: ElkNode = {
      id: '__root',
      layoutOptions: {
        'elk.algorithm': 'layered',
        'elk.direction': 'RIGHT',
        'elk.edgeRouting': 'ORTHOGONAL',
        'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
        'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
        'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
        'elk.layered.spacing.nodeNodeBetweenLayers': String(LAYER_GAP),
        'elk.spacing.nodeNode': String(NODE_GAP),
        'elk.spacing.edgeNode': '12',
        'elk.spacing.edgeEdge': '8',
        'elk.layered.spacing.edgeNodeBetweenLayers': '14',
        'elk.padding': '[top=0,left=0,bottom=0,right=0]',
        'elk.separateConnectedComponents': 'false',
      },
      children: input.nodes.map((n) => ({
        id: n.id,
        width: n.width,
        height: n.height,
        layoutOptions: n.first ? { 'elk.layered.layering.layerConstraint': 'FIRST' } : undefined,
      })),
      edges: input.edges.map((e) => ({ id: e.id, sources: [e.from], targets: [e.to] })),
    };
    const out = await this.elk.layout(graph);
    const nodes: Record<string, Point> = {};
    for (const c of out.children ?? []) nodes[c.id] = { x: c.x ?? 0, y: c.y ?? 0 };
    const edges: Record<string, Point[]> = {};
    for (const e of (out.edges ?? []) as { id: string; sections?: { startPoint: Point; endPoint: Point; bendPoints?: Point[] }[] }[]) {
      const s = e.sections?.[0];
      if (!s) continue;
      edges[e.id] = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => ({ x: p.x, y: p.y }));
    }
    return { nodes, edges, width: out.width ?? 0, height: out.height ?? 0 };
  }
}
