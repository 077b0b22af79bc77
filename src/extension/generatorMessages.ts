import { evaluateForm, formLayout, renderNotes, type OutputLayout, type ParameterValue, type Template } from '../core/generate';
import type { GenerationPreviewer } from '../core/generate/preview';
import type { HostToGeneratorMessage } from '../shared/webviewProtocol';

/**
 * The generator form's host messages, built from a template and the user's values. No `vscode`:
 * the panel (generatorPanel.ts) sends them, and the browser tests play the host with them.
 */

export interface FormMessageInput {
  /** Every template on offer, with where it comes from ("built-in" or its file). */
  templates: { template: Template; where: string }[];
  template: Template;
  onKind: boolean;
  values: Record<string, ParameterValue>;
  layout: OutputLayout;
  /** The target folder as shown (workspace-relative), empty when none is chosen yet. */
  folder: string;
}

export function formMessage(o: FormMessageInput): Extract<HostToGeneratorMessage, { type: 'form' }> {
  const layout = formLayout(o.template, { onKind: o.onKind });
  return {
    type: 'form',
    templates: o.templates.map(({ template: t, where }) => ({ name: t.name, title: t.title, description: t.description, where })),
    template: o.template.name,
    fields: layout.fields,
    groups: layout.groups,
    values: o.values,
    layout: o.layout,
    folder: o.folder,
  };
}

export interface StateMessageInput {
  revision: number;
  template: Template;
  values: Record<string, ParameterValue>;
  layout: OutputLayout;
  /** Prefix of the previewed paths (the target folder as shown). */
  directory?: string;
  previewer: GenerationPreviewer;
}

/** Evaluates the values with the template's rules and previews what they generate. */
export function stateMessage(o: StateMessageInput): Extract<HostToGeneratorMessage, { type: 'state' }> {
  const ev = evaluateForm(o.template, o.values);
  const preview = o.previewer.preview(o.template, ev.values, { layout: o.layout, directory: o.directory, changed: ev.changed });
  return {
    type: 'state',
    revision: o.revision,
    fields: ev.fields,
    problems: ev.problems,
    valid: ev.valid,
    files: preview.files,
    graph: preview.graph,
    findings: preview.findings.map((f) => ({ code: f.code, severity: f.severity, message: f.message, file: f.file, line: f.range.start.line + 1 })),
    notes: renderNotes(o.template, ev.values),
  };
}
