import { WorkspaceIndex } from '../index/workspaceIndex';
import { buildGraph } from '../graph/buildGraph';
import type { GraphModel } from '../graph/types';
import type { AnalysisOptions } from '../rules/types';
import type { Finding } from '../findings';
import { renderFiles } from './render';
import type { GeneratedFile, OutputLayout, ParameterValues, Template } from './templateTypes';

/** What a generation would write, checked and drawn before anything touches the disk. */
export interface GenerationPreview {
  files: GeneratedFile[];
  /** The topology of those files, exactly as the topology panel would draw them once written. */
  graph: GraphModel;
  /** Every finding on the files (the same checks as the editor and `validate`). */
  findings: Finding[];
}

/**
 * Renders a template into files and analyses them in memory with the full rule set, keeping one
 * index across calls so that, as a person types, only the documents that changed are parsed and
 * checked again. Paths are the files' own relative paths (`k8s/clothing.yaml`).
 */
export class GenerationPreviewer {
  private readonly index: WorkspaceIndex;

  constructor(options: Partial<AnalysisOptions> = {}) {
    this.index = new WorkspaceIndex(options);
  }

  preview(template: Template, values: ParameterValues, o: { layout: OutputLayout; directory?: string; changed?: string[] }): GenerationPreview {
    const files = renderFiles(template, values, { layout: o.layout, directory: o.directory, changed: o.changed });
    const wanted = new Set(files.map((f) => f.path));
    for (const name of this.index.fileNames()) if (!wanted.has(name)) this.index.removeFile(name);
    for (const f of files) this.index.setFile(f.path, f.text, { explicit: true });
    const result = this.index.analyze();
    const findings = [...result.byFile.values()].flat();
    return { files, graph: buildGraph({ index: result.index, byFile: result.byFile }), findings };
  }
}
