import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  checkConstraints,
  coerceValue,
  defaultFor,
  isActive,
  loadTemplates,
  renderFiles,
  renderNotes,
  resolveValues,
  WORKSPACE_TEMPLATES_DIR,
  type OutputLayout,
  type ParameterValue,
  type ParameterValues,
  type Template,
  type TemplateDirectory,
  type TemplateParameter,
} from '../core/generate';

export interface GenerateCommandDeps {
  /** Opens the topology view for a generated file (one-file layout) or folder (one file per object). */
  showTopology?(uri: vscode.Uri): Promise<void>;
}

/**
 * "Kube Topology: Generate Gateway + Model Topology": a guided multi-step input (preset, one
 * step per parameter with its default filled in, layout, folder), then the files are written —
 * never over an existing file without a modal question — opened, and shown as a topology.
 * Returns the command's handler (registered from the command table).
 */
export function generateTopologyCommand(context: vscode.ExtensionContext, deps: GenerateCommandDeps = {}): (target?: unknown) => Promise<void> {
  return async (target?: unknown) => {
    try {
      await runFlow(context, deps, target instanceof vscode.Uri ? target : undefined);
    } catch (e) {
      void vscode.window.showErrorMessage(`Kube Topology: could not generate the topology: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
}

// ---------------------------------------------------------------------------------------------
// The flow

interface FlowState {
  template?: Template;
  values: ParameterValues;
  /** Parameters the user changed from the default; the others follow earlier answers. */
  edited: Set<string>;
  layout: OutputLayout;
  folder?: vscode.Uri;
}

async function runFlow(context: vscode.ExtensionContext, deps: GenerateCommandDeps, clickedFolder: vscode.Uri | undefined): Promise<void> {
  const templates = await loadAllTemplates(context);
  if (templates.length === 0) {
    void vscode.window.showErrorMessage('Kube Topology: no topology templates were found.');
    return;
  }
  const workspaceFolder = clickedFolder ? vscode.workspace.getWorkspaceFolder(clickedFolder) : await pickWorkspaceFolder();
  if (workspaceFolder === null) return;
  const onKind = await currentContextIsKind();
  const state: FlowState = { values: {}, edited: new Set(), layout: 'single' };
  if (templates.length === 1) state.template = templates[0];
  const preferred = templates.find((t) => t.name === 'gateway-model') ?? templates[0];

  // Steps are computed from the answers so far: a parameter whose `when` is false is skipped,
  // and `when` only looks at earlier parameters, so going back re-plans the rest.
  type Step = { id: string; run(nav: Nav): Promise<StepResult> };
  const planSteps = (): Step[] => {
    const steps: Step[] = [];
    if (templates.length > 1) steps.push({ id: 'template', run: (nav) => pickTemplate(nav, templates, state, preferred) });
    const t = state.template ?? preferred;
    const values: ParameterValues = {};
    for (const p of t.parameters) {
      values[p.name] = state.edited.has(p.name) ? state.values[p.name] : defaultFor(p, values);
      if (isActive(p, values)) steps.push({ id: `param:${p.name}`, run: (nav) => askParameter(nav, t, p, state, onKind) });
    }
    steps.push({ id: 'layout', run: (nav) => pickLayout(nav, t, state) });
    steps.push({ id: 'folder', run: (nav) => pickFolder(nav, state, workspaceFolder, clickedFolder) });
    return steps;
  };

  const history: string[] = [];
  let current = planSteps()[0].id;
  for (;;) {
    const steps = planSteps();
    const index = Math.max(
      0,
      steps.findIndex((s) => s.id === current),
    );
    const result = await steps[index].run({ step: index + 1, totalSteps: steps.length, canGoBack: history.length > 0 });
    if (result === 'cancel') return;
    if (result === 'back') {
      // Earlier steps may have dropped out of the plan since they were visited.
      let previous = history.pop();
      while (previous !== undefined && !steps.some((s) => s.id === previous)) previous = history.pop();
      current = previous ?? steps[0].id;
      continue;
    }
    history.push(steps[index].id);
    const next = planSteps();
    const at = next.findIndex((s) => s.id === steps[index].id);
    if (at + 1 >= next.length) break;
    current = next[at + 1].id;
  }

  const template = state.template ?? preferred;
  const given: Record<string, ParameterValue> = {};
  const values: ParameterValues = {};
  for (const p of template.parameters) {
    values[p.name] = state.edited.has(p.name) ? state.values[p.name] : defaultFor(p, values);
    given[p.name] = values[p.name];
  }
  const resolved = resolveValues(template, given);
  if (resolved.problems.length > 0) {
    void vscode.window.showErrorMessage(`Kube Topology: ${resolved.problems.map((p) => p.message).join('; ')}`);
    return;
  }
  const folder = state.folder!;
  const files = renderFiles(template, resolved.values, { layout: state.layout, changed: resolved.changed.filter((n) => state.edited.has(n)) });
  const targets = files.map((f) => ({ uri: vscode.Uri.joinPath(folder, ...f.path.split('/')), text: f.text }));

  const existing: vscode.Uri[] = [];
  for (const t of targets) if (await uriExists(t.uri)) existing.push(t.uri);
  if (existing.length > 0) {
    const names = existing.map((u) => vscode.workspace.asRelativePath(u, false));
    const answer = await vscode.window.showWarningMessage(
      existing.length === 1 ? `${names[0]} already exists. Overwrite?` : `${existing.length} files already exist. Overwrite them?`,
      { modal: true, detail: names.join('\n') },
      'Overwrite',
    );
    if (answer !== 'Overwrite') return;
  }
  await vscode.workspace.fs.createDirectory(folder);
  const encoder = new TextEncoder();
  for (const t of targets) await vscode.workspace.fs.writeFile(t.uri, encoder.encode(t.text));

  const first = targets[0].uri;
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(first), { preview: false });
  if (deps.showTopology) await deps.showTopology(state.layout === 'single' ? first : folder);

  const notes = renderNotes(template, resolved.values);
  const where = vscode.workspace.asRelativePath(targets.length === 1 ? first : folder, false);
  const message = `Kube Topology: wrote ${targets.length === 1 ? where : `${targets.length} files to ${where}`}. Apply with kubectl apply -f ${where}`;
  if (notes.length === 0) {
    void vscode.window.showInformationMessage(message);
  } else {
    void vscode.window.showInformationMessage(message, 'Next Steps').then((choice) => {
      if (choice) void vscode.window.showInformationMessage('Next steps', { modal: true, detail: notes.map((n) => `• ${n}`).join('\n\n') });
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Steps

type StepResult = 'next' | 'back' | 'cancel';

interface Nav {
  step: number;
  totalSteps: number;
  canGoBack: boolean;
}

interface PickItem<T> extends vscode.QuickPickItem {
  value: T;
}

async function pickTemplate(nav: Nav, templates: Template[], state: FlowState, preferred: Template): Promise<StepResult> {
  const items: PickItem<Template>[] = templates.map((t) => ({
    value: t,
    label: t.title,
    description: t.builtIn ? t.name : `${t.name} — ${vscode.workspace.asRelativePath(safeUri(t.source) ?? t.source, false)}`,
    detail: t.description,
  }));
  const active = state.template ?? preferred;
  const r = await quickPick(nav, 'Generate topology: preset', items, (i) => i.value === active);
  if (typeof r === 'string') return r;
  if (state.template !== r.value) {
    state.values = {};
    state.edited.clear();
  }
  state.template = r.value;
  return 'next';
}

async function askParameter(nav: Nav, template: Template, p: TemplateParameter, state: FlowState, onKind: boolean): Promise<StepResult> {
  const earlier: ParameterValues = {};
  for (const q of template.parameters) {
    if (q === p) break;
    earlier[q.name] = state.edited.has(q.name) ? state.values[q.name] : defaultFor(q, earlier);
  }
  const def = defaultFor(p, earlier);
  const current = state.edited.has(p.name) ? state.values[p.name] : def;
  const title = `${template.title}: ${p.prompt ?? p.name}`;
  const accept = (value: ParameterValue): void => {
    state.values[p.name] = value;
    if (value === def) state.edited.delete(p.name);
    else state.edited.add(p.name);
  };

  if (p.type === 'boolean') {
    const items: PickItem<boolean>[] = [
      { value: true, label: 'Yes', description: def === true ? '(default)' : undefined },
      { value: false, label: 'No', description: def === false ? '(default)' : undefined },
    ];
    const r = await quickPick(nav, title, items, (i) => i.value === current, p.description);
    if (typeof r === 'string') return r;
    accept(r.value);
    return 'next';
  }
  if (p.type === 'enum') {
    const kindPick = onKind ? p.choices?.find((c) => c.recommendedOnKind) : undefined;
    const items: PickItem<string>[] = (p.choices ?? []).map((c) => ({
      value: c.value,
      label: c.value,
      description: [c.value === def ? '(default)' : '', c === kindPick ? '$(star) recommended for your kind cluster' : ''].filter(Boolean).join(' '),
      detail: c.description,
    }));
    // On a kind cluster, propose the kind-friendly choice (e.g. ClusterIP + port-forward) unless the user already chose.
    const preselect = state.edited.has(p.name) || !kindPick ? current : kindPick.value;
    const r = await quickPick(nav, title, items, (i) => i.value === preselect, p.description);
    if (typeof r === 'string') return r;
    accept(r.value);
    return 'next';
  }
  const validate = (text: string): string | undefined => {
    const r = coerceValue(p, text);
    if ('error' in r) return r.error;
    const trial: ParameterValues = { ...earlier, [p.name]: r.value };
    // Complete the values with defaults so constraints about this parameter can be checked now.
    for (const q of template.parameters) if (!(q.name in trial)) trial[q.name] = state.edited.has(q.name) ? state.values[q.name] : defaultFor(q, trial);
    const mine = template.constraints.filter((k) => k.parameter === p.name);
    return mine.length ? checkConstraints({ ...template, constraints: mine }, trial)[0]?.message : undefined;
  };
  const r = await inputBox(nav, title, String(current), `${p.description ?? p.prompt ?? p.name} (default: ${String(def)})`, validate);
  if (r === 'back' || r === 'cancel') return r;
  const coerced = coerceValue(p, r);
  if ('error' in coerced) return 'cancel';
  accept(coerced.value);
  return 'next';
}

async function pickLayout(nav: Nav, template: Template, state: FlowState): Promise<StepResult> {
  const items: PickItem<OutputLayout>[] = [
    { value: 'single', label: 'One file', description: 'all objects in one multi-document YAML file' },
    { value: 'per-resource', label: 'One file per object', description: '<app>-<kind>-<name>.yaml' },
  ];
  const r = await quickPick(nav, `${template.title}: files`, items, (i) => i.value === state.layout);
  if (typeof r === 'string') return r;
  state.layout = r.value;
  return 'next';
}

async function pickFolder(
  nav: Nav,
  state: FlowState,
  workspaceFolder: vscode.WorkspaceFolder | undefined,
  clicked: vscode.Uri | undefined,
): Promise<StepResult> {
  const root = workspaceFolder?.uri;
  const items: PickItem<vscode.Uri | 'browse'>[] = [];
  if (clicked) items.push({ value: clicked, label: vscode.workspace.asRelativePath(clicked, true) || clicked.fsPath, description: 'the folder you clicked' });
  if (root) {
    items.push({ value: vscode.Uri.joinPath(root, 'k8s'), label: 'k8s/', description: `in ${workspaceFolder!.name}` });
    items.push({ value: root, label: 'Workspace root', description: workspaceFolder!.name });
  }
  items.push({ value: 'browse', label: 'Choose a folder…' });
  const activeUri = state.folder?.toString();
  const r = await quickPick(nav, 'Generate topology: target folder', items, (i, idx) =>
    activeUri ? i.value !== 'browse' && i.value.toString() === activeUri : idx === 0,
  );
  if (typeof r === 'string') return r;
  if (r.value === 'browse') {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      defaultUri: root,
      openLabel: 'Generate here',
    });
    if (!picked || picked.length === 0) return 'back';
    state.folder = picked[0];
  } else {
    state.folder = r.value;
  }
  return 'next';
}

// ---------------------------------------------------------------------------------------------
// Quick input helpers with a back button

function quickPick<T extends vscode.QuickPickItem>(
  nav: Nav,
  title: string,
  items: T[],
  isActive: (item: T, index: number) => boolean,
  placeholder?: string,
): Promise<T | 'back' | 'cancel'> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<T>();
    qp.title = title;
    qp.step = nav.step;
    qp.totalSteps = nav.totalSteps;
    qp.placeholder = placeholder;
    qp.items = items;
    qp.ignoreFocusOut = true;
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    const active = items.filter((it, i) => isActive(it, i));
    if (active.length) qp.activeItems = active.slice(0, 1);
    qp.buttons = nav.canGoBack ? [vscode.QuickInputButtons.Back] : [];
    let done = false;
    const finish = (v: T | 'back' | 'cancel'): void => {
      if (done) return;
      done = true;
      resolve(v);
      qp.dispose();
    };
    qp.onDidTriggerButton((b) => {
      if (b === vscode.QuickInputButtons.Back) finish('back');
    });
    qp.onDidAccept(() => {
      const sel = qp.selectedItems[0] ?? qp.activeItems[0];
      if (sel) finish(sel);
    });
    qp.onDidHide(() => finish('cancel'));
    qp.show();
  });
}

function inputBox(nav: Nav, title: string, value: string, prompt: string, validate: (v: string) => string | undefined): Promise<string | 'back' | 'cancel'> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = title;
    box.step = nav.step;
    box.totalSteps = nav.totalSteps;
    box.value = value;
    box.valueSelection = [0, value.length];
    box.prompt = prompt;
    box.ignoreFocusOut = true;
    box.buttons = nav.canGoBack ? [vscode.QuickInputButtons.Back] : [];
    box.validationMessage = validate(value);
    let done = false;
    const finish = (v: string): void => {
      if (done) return;
      done = true;
      resolve(v);
      box.dispose();
    };
    box.onDidTriggerButton((b) => {
      if (b === vscode.QuickInputButtons.Back) finish('back');
    });
    box.onDidChangeValue((v) => {
      box.validationMessage = validate(v);
    });
    box.onDidAccept(() => {
      const msg = validate(box.value);
      box.validationMessage = msg;
      if (!msg) finish(box.value);
    });
    box.onDidHide(() => finish('cancel'));
    box.show();
  });
}

// ---------------------------------------------------------------------------------------------
// Templates, folders and the kind hint

async function loadAllTemplates(context: vscode.ExtensionContext): Promise<Template[]> {
  const dirs: TemplateDirectory[] = [{ dir: vscode.Uri.joinPath(context.extensionUri, 'templates').toString(), builtIn: true }];
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    dirs.push({ dir: vscode.Uri.joinPath(f.uri, ...WORKSPACE_TEMPLATES_DIR.split('/')).toString() });
  }
  const decoder = new TextDecoder();
  const loaded = await loadTemplates(dirs, {
    listDir: async (d) => {
      try {
        const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.parse(d));
        return entries.filter(([, type]) => (type & vscode.FileType.File) !== 0).map(([name]) => name);
      } catch {
        return undefined;
      }
    },
    readFile: async (f) => decoder.decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(f))),
    join: (d, n) => vscode.Uri.joinPath(vscode.Uri.parse(d), n).toString(),
  });
  if (loaded.errors.length > 0) {
    const first = loaded.errors[0];
    const where = vscode.workspace.asRelativePath(safeUri(first.source) ?? first.source, false);
    void vscode.window.showWarningMessage(
      `Kube Topology: skipped ${loaded.errors.length === 1 ? 'a template' : `${loaded.errors.length} templates`}: ${where}${first.line !== undefined ? `:${first.line}` : ''}: ${first.detail}`,
    );
  }
  return loaded.templates;
}

function safeUri(s: string): vscode.Uri | undefined {
  try {
    return vscode.Uri.parse(s, true);
  } catch {
    return undefined;
  }
}

/** undefined: no workspace (the folder step offers a dialog); null: the user cancelled. */
async function pickWorkspaceFolder(): Promise<vscode.WorkspaceFolder | undefined | null> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder to generate the topology in', ignoreFocusOut: true });
  return picked ?? null;
}

async function uriExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether kubectl's current context is a kind cluster (its contexts are named `kind-<cluster>`),
 * read from the first kubeconfig file; only used to suggest kind-friendly choices.
 */
async function currentContextIsKind(): Promise<boolean> {
  const first = (process.env.KUBECONFIG ?? '').split(path.delimiter).find(Boolean) ?? path.join(os.homedir(), '.kube', 'config');
  try {
    const text = await fs.readFile(first, 'utf8');
    const m = /^current-context:\s*["']?([^"'\s]+)/m.exec(text);
    return Boolean(m && m[1].startsWith('kind-'));
  } catch {
    return false;
  }
}
