import * as vscode from 'vscode';
import { pathAtOffset, formatPath } from '../core/parse/locate';
import type { Resource } from '../core/parse/manifestParser';
import type { ManifestAnalysis } from './manifestAnalysis';

/** Where the cursor is: the resource whose document holds it and its document-local offset. */
export function resourceAt(
  analysis: ManifestAnalysis,
  doc: vscode.TextDocument,
  position: vscode.Position,
): { resource: Resource; offset: number } | undefined {
  const parsed = analysis.scopeFor(doc.uri).index.getFile(doc.uri.toString());
  if (!parsed || parsed.text !== doc.getText()) return undefined; // stale: wait for the next pass
  const placed = [...parsed.documents].reverse().find((d) => d.startLine <= position.line);
  if (!placed) return undefined;
  const offset = placed.parsed.lines.offset({ line: position.line - placed.startLine, character: position.character });
  const inDoc = parsed.resources.filter((r) => r.doc === placed);
  // A `kind: List` document holds several resources; pick the item whose node spans the offset.
  const resource = inDoc.find((r) => r.node.range && offset >= r.node.range[0] && offset <= r.node.range[2]) ?? inDoc[0];
  return resource ? { resource, offset } : undefined;
}

/**
 * Field documentation for the Kubernetes version in the settings, from the committed schemas.
 * The Markdown is not trusted: descriptions come from the OpenAPI documents, and nothing a
 * manifest contains may turn into a command link.
 */
export class ManifestHoverProvider implements vscode.HoverProvider {
  constructor(private readonly analysis: ManifestAnalysis) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const at = resourceAt(this.analysis, doc, position);
    if (!at?.resource.apiVersion || !at.resource.kind) return undefined;
    const hit = pathAtOffset(at.resource, at.offset);
    if (!hit || hit.path.length === 0) return undefined;
    const { describeField } = await import('../core/schema/hover');
    const version = this.analysis.currentConfig.kubernetesVersion;
    const field = describeField(version, at.resource.apiVersion, at.resource.kind, hit.path);
    if (!field) return undefined;
    const md = new vscode.MarkdownString(undefined, false);
    md.isTrusted = false;
    md.supportHtml = false;
    md.appendMarkdown(`**${escapeMd(formatPath(hit.path))}**: \`${field.type.replace(/`/g, "'")}\``);
    if (field.required) md.appendMarkdown(' — *required*');
    md.appendMarkdown(`\n\n${escapeMd(field.description)}\n\n`);
    md.appendMarkdown(`*${escapeMd(at.resource.kind)} ${escapeMd(at.resource.apiVersion)}, Kubernetes ${escapeMd(version)}*`);
    return new vscode.Hover(md);
  }
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}
