import * as vscode from 'vscode';
import { buildGraph, mergeGraphs, scopeInclude } from '../core/graph/buildGraph';
import type { GraphModel } from '../core/graph/types';
import type { ManifestAnalysis } from './manifestAnalysis';
import type { TopologyScope, TopologySource } from './topologyPanel';

/**
 * The topology panels' data: graphs built from the same analysis passes that publish the
 * diagnostics, so a node's problems are exactly what the Problems panel shows. Index file names
 * are URI strings, so scopes filter by URI prefix.
 */
export function topologySource(analysis: ManifestAnalysis, log: vscode.LogOutputChannel): TopologySource {
  return {
    getGraph(scope: TopologyScope): GraphModel {
      // A panel restored with the window may come before any manifest was opened.
      void analysis.start();
      if (scope.kind === 'workspace') {
        const graphs = analysis.allScopes().map((s) => (s.last ? buildGraph(s.last) : { nodes: [], edges: [] }));
        return mergeGraphs(graphs);
      }
      const result = analysis.analysisFor(scope.uri);
      return buildGraph(result, { include: scopeInclude(scope.kind, scope.uri.toString()) });
    },
    onDidChangeAnalysis: analysis.onDidAnalyze,
    refresh: () => analysis.refresh(),
    log,
  };
}
