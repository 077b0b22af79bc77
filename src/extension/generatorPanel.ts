import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { evaluateForm, kindRecommendations, type OutputLayout, type ParameterValue, type Template } from '../core/generate';
import { GenerationPreviewer } from '../core/generate/preview';
import { renderWebviewHtml } from '../core/graph/render/page';
import { describeInvalid, isGeneratorToHostMessage, type GeneratorToHostMessage, type HostToGeneratorMessage } from '../shared/webviewProtocol';
import { analysisOptions, readConfig } from './config';
import { writeGeneratedFiles, type GenerateDeps } from './generatedFiles';
import type { GeneratorStart } from './generateCommand';
import { formMessage, stateMessage } from './generatorMessages';
import { currentContextIsKind, defaultTargetFolder, loadAllTemplates, preferredTemplate, templateWhere } from './generatorTemplates';
import { errorText } from '../core/errorText';

/**
 * The generator form's host side: one panel ("Generate Topology") that shows a template's
 * parameters as a form (webview/src/generator), evaluates what the user types with the template's
 * own rules (src/core/generate/form.ts), previews the files — their YAML, their findings and their
 * topology graph, from the same analysis and graph build as the editor — and writes them on
 * Generate through the same path as the commands (never over a file without asking).
 *
 * The webview is untrusted input: every message is validated (src/shared/webviewProtocol.ts), and
 * Generate evaluates the values again here before anything is written.
 */

export const GENERATOR_VIEW_TYPE = 'kubeTopology.generator';
const TITLE = 'Generate Topology';

export interface GeneratorPanelDeps extends GenerateDeps {
  log?: vscode.LogOutputChannel;
}

let open: GeneratorPanel | undefined;

/** Opens the form (or brings the open one forward, starting from `start`). */
export async function openGeneratorForm(context: vscode.ExtensionContext, deps: GeneratorPanelDeps, start: GeneratorStart = {}): Promise<void> {
  const templates = await loadAllTemplates(context);
  if (!templates.length) {
    void vscode.window.showErrorMessage('Kube Topology: no topology templates were found.');
    return;
  }
  const onKind = await currentContextIsKind();
  if (open) {
    open.restart(templates, onKind, start);
    open.reveal();
    return;
  }
  const panel = vscode.window.createWebviewPanel(
    GENERATOR_VIEW_TYPE,
    TITLE,
    { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
    webviewOptions(context),
  );
  open = new GeneratorPanel(context, panel, deps, templates, onKind, start);
  panel.onDidDispose(() => (open = undefined));
}

function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')], enableFindWidget: false };
}

class GeneratorPanel {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly previewer = new GenerationPreviewer(analysisOptions(readConfig()));
  private template!: Template;
  private given: Record<string, ParameterValue> = {};
  private layout: OutputLayout = 'single';
  private folder: vscode.Uri | undefined;
  /** The newest change not evaluated yet (typing outruns evaluation: only the last one counts). */
  private pending: number | undefined;
  private scheduled = false;
  private ready = false;
  private writing = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly panel: vscode.WebviewPanel,
    private readonly deps: GeneratorPanelDeps,
    private templates: Template[],
    private onKind: boolean,
    start: GeneratorStart,
  ) {
    this.apply(start);
    this.render();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      panel.onDidChangeViewState(() => {
        // A panel shown again gets a fresh webview, which says `ready` itself.
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => {
        while (this.disposables.length) this.disposables.pop()?.dispose();
      }),
    );
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** Starts over from `start` (the quick input's "More options…" while the form is open). */
  restart(templates: Template[], onKind: boolean, start: GeneratorStart): void {
    this.templates = templates;
    this.onKind = onKind;
    this.apply(start);
    if (this.ready) this.postForm();
  }

  private apply(start: GeneratorStart): void {
    this.template = this.templates.find((t) => t.name === start.template) ?? preferredTemplate(this.templates)!;
    this.given = start.values ? { ...start.values } : this.startValues(this.template);
    this.layout = start.layout ?? 'single';
    this.folder = start.folder ?? defaultTargetFolder(vscode.workspace.workspaceFolders?.[0]);
  }

  private startValues(t: Template): Record<string, ParameterValue> {
    return this.onKind ? kindRecommendations(t) : {};
  }

  private render(): void {
    const webview = this.panel.webview;
    const base = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview');
    webview.html = renderWebviewHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(24).toString('base64url'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(base, 'generator.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(base, 'generator.css')).toString(),
      title: TITLE,
    });
  }

  private post(m: HostToGeneratorMessage): void {
    void this.panel.webview.postMessage(m);
  }

  private postForm(): void {
    this.post(
      formMessage({
        templates: this.templates.map((t) => ({ template: t, where: templateWhere(t) })),
        template: this.template,
        onKind: this.onKind,
        values: this.given,
        layout: this.layout,
        folder: this.folderLabel(),
      }),
    );
    this.schedule(0);
  }

  private folderLabel(): string {
    if (!this.folder) return '';
    const rel = vscode.workspace.asRelativePath(this.folder, false);
    return rel && rel !== this.folder.fsPath ? rel : this.folder.fsPath;
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isGeneratorToHostMessage(raw)) {
      this.deps.log?.warn(`Generator form sent an invalid message, ignored: ${describeInvalid(raw)}`);
      return;
    }
    const m: GeneratorToHostMessage = raw;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.postForm();
        return;
      case 'change':
        if (m.template !== this.template.name) return; // a change for the template before a switch
        this.given = m.values;
        this.layout = m.layout;
        this.schedule(m.revision);
        return;
      case 'selectTemplate': {
        const t = this.templates.find((x) => x.name === m.name);
        if (!t || t === this.template) return;
        this.template = t;
        this.given = this.startValues(t);
        this.postForm();
        return;
      }
      case 'chooseFolder': {
        const picked = await vscode.window.showOpenDialog({
          canSelectFolders: true,
          canSelectFiles: false,
          canSelectMany: false,
          defaultUri: this.folder ?? vscode.workspace.workspaceFolders?.[0]?.uri,
          openLabel: 'Generate here',
        });
        if (picked?.[0]) {
          this.folder = picked[0];
          this.post({ type: 'folder', label: this.folderLabel() });
          this.schedule(this.pending ?? 0);
        }
        return;
      }
      case 'generate':
        await this.generate(m);
        return;
      case 'log':
        this.deps.log?.[m.level](`Generator form: ${m.message}`);
        return;
    }
  }

  /** Evaluates soon; a burst of keystrokes costs one evaluation, of the newest values. */
  private schedule(revision: number): void {
    this.pending = revision;
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      const r = this.pending ?? 0;
      this.pending = undefined;
      this.evaluate(r);
    }, 0);
  }

  private evaluate(revision: number): void {
    if (!this.ready) return;
    try {
      const directory = this.folder ? this.folderLabel() : undefined;
      this.post(stateMessage({ revision, template: this.template, values: this.given, layout: this.layout, directory, previewer: this.previewer }));
    } catch (e) {
      this.deps.log?.error(`Generator form: could not evaluate ${this.template.name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }

  private async generate(m: Extract<GeneratorToHostMessage, { type: 'generate' }>): Promise<void> {
    if (this.writing) return;
    const template = this.templates.find((t) => t.name === m.template);
    if (!template) return this.post({ type: 'generated', ok: false, message: `There is no template "${m.template}" any more.` });
    const ev = evaluateForm(template, m.values);
    if (!ev.valid) {
      const first = Object.entries(ev.fields).find(([, f]) => f.active && f.error);
      const message = first ? `Fix ${first[0]} first: ${first[1].error}` : `Fix the values first: ${ev.problems.map((p) => p.message).join('; ')}`;
      return this.post({ type: 'generated', ok: false, message });
    }
    let folder = this.folder;
    if (!folder) {
      const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Generate here' });
      if (!picked?.[0]) return this.post({ type: 'generated', ok: false, message: 'Nothing was written: no folder was chosen.' });
      folder = this.folder = picked[0];
      this.post({ type: 'folder', label: this.folderLabel() });
    }
    this.writing = true;
    try {
      const outcome = await writeGeneratedFiles({ template, values: ev.values, changed: ev.changed, layout: m.layout, folder }, this.deps);
      this.post({ type: 'generated', ok: outcome.written, message: outcome.message });
    } catch (e) {
      this.post({ type: 'generated', ok: false, message: `Could not write the files: ${errorText(e)}` });
    } finally {
      this.writing = false;
    }
  }
}
