import * as vscode from 'vscode';
import { evaluateForm, essentialParameters, kindRecommendations, type OutputLayout, type ParameterValue, type Template } from '../core/generate';
import { writeGeneratedFiles, type GenerateDeps } from './generatedFiles';
import { currentContextIsKind, defaultTargetFolder, loadAllTemplates, pickWorkspaceFolder, preferredTemplate, templateWhere } from './generatorTemplates';
import { errorText } from '../core/errorText';

/** Where the form starts when the quick input hands over ("More options…"). */
export interface GeneratorStart {
  template?: string;
  values?: Record<string, ParameterValue>;
  layout?: OutputLayout;
  folder?: vscode.Uri;
}

export interface GenerateCommandDeps extends GenerateDeps {
  /** Opens the generator form (every parameter, with a live preview). */
  openForm?(start: GeneratorStart): void | Promise<void>;
}

/**
 * "Kube Topology: Generate Gateway + Model Topology", for the keyboard: a short quick input — the
 * preset (when the workspace adds its own), the template's essential questions (name, images, how
 * it is reached) with their defaults filled in, the output, the folder — where "More options…"
 * (an item of the output step and a button on every step) opens the form with the answers so far.
 * Returns the command's handler (registered from the command table).
 */
export function generateTopologyCommand(context: vscode.ExtensionContext, deps: GenerateCommandDeps = {}): (target?: unknown) => Promise<void> {
  return guarded(() => (target?: unknown) => runFlow(context, deps, target instanceof vscode.Uri ? target : undefined));
}

/**
 * "Kube Topology: Generate Topology with Defaults": the gateway + model preset with every default,
 * one file; the only question is where to write it (and, if the file exists, whether to overwrite).
 */
export function generateWithDefaultsCommand(context: vscode.ExtensionContext, deps: GenerateDeps = {}): (target?: unknown) => Promise<void> {
  return guarded(() => async (target?: unknown) => {
    const clicked = target instanceof vscode.Uri ? target : undefined;
    const template = preferredTemplate(await loadAllTemplates(context));
    if (!template) return noTemplates();
    const workspaceFolder = clicked ? vscode.workspace.getWorkspaceFolder(clicked) : await pickWorkspaceFolder();
    if (workspaceFolder === null) return;
    const folder = await askFolder({ step: 1, totalSteps: 1, canGoBack: false }, `${template.title}, every default: where to write`, workspaceFolder, clicked);
    if (!(folder instanceof vscode.Uri)) return;
    const ev = evaluateForm(template, {});
    await writeGeneratedFiles({ template, values: ev.values, changed: [], layout: 'single', folder }, deps);
  });
}

function guarded(make: () => (target?: unknown) => Promise<void>): (target?: unknown) => Promise<void> {
  const run = make();
  return async (target?: unknown) => {
    try {
      await run(target);
    } catch (e) {
      void vscode.window.showErrorMessage(`Kube Topology: could not generate the topology: ${errorText(e)}`);
    }
  };
}

function noTemplates(): void {
  void vscode.window.showErrorMessage('Kube Topology: no topology templates were found.');
}

// ---------------------------------------------------------------------------------------------
// The short flow

interface FlowState {
  template: Template;
  /** The values the user gave (the rest follow their defaults, derived ones included). */
  given: Record<string, ParameterValue>;
  layout: OutputLayout;
  folder?: vscode.Uri;
}

type StepResult = 'next' | 'back' | 'cancel' | 'more';

interface Nav {
  step: number;
  totalSteps: number;
  canGoBack: boolean;
}

async function runFlow(context: vscode.ExtensionContext, deps: GenerateCommandDeps, clickedFolder: vscode.Uri | undefined): Promise<void> {
  const templates = await loadAllTemplates(context);
  const preferred = preferredTemplate(templates);
  if (!preferred) return noTemplates();
  const workspaceFolder = clickedFolder ? vscode.workspace.getWorkspaceFolder(clickedFolder) : await pickWorkspaceFolder();
  if (workspaceFolder === null) return;
  const onKind = await currentContextIsKind();
  const startValues = (t: Template): Record<string, ParameterValue> => (onKind ? kindRecommendations(t) : {});
  const state: FlowState = { template: preferred, given: startValues(preferred), layout: 'single' };
  const more = !!deps.openForm;

  // Steps are planned from the answers so far: an essential question whose `when` is false is
  // skipped, and `when` only looks at earlier parameters, so going back re-plans the rest.
  type Step = { id: string; run(nav: Nav): Promise<StepResult> };
  const planSteps = (): Step[] => {
    const steps: Step[] = [];
    if (templates.length > 1)
      steps.push({
        id: 'template',
        run: (nav) =>
          pickTemplate(nav, templates, state, more, (t) => {
            state.template = t;
            state.given = startValues(t);
          }),
      });
    const t = state.template;
    const fields = evaluateForm(t, state.given).fields;
    for (const name of essentialParameters(t)) {
      if (fields[name].active) steps.push({ id: `param:${name}`, run: (nav) => askParameter(nav, state, name, onKind, more) });
    }
    steps.push({ id: 'layout', run: (nav) => pickLayout(nav, state, more) });
    steps.push({
      id: 'folder',
      run: async (nav) => {
        const r = await askFolder(nav, 'Generate topology: target folder', workspaceFolder, clickedFolder, state.folder, more);
        if (!(r instanceof vscode.Uri)) return r;
        state.folder = r;
        return 'next';
      },
    });
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
    if (result === 'more') {
      await deps.openForm?.({
        template: state.template.name,
        values: state.given,
        layout: state.layout,
        folder: state.folder ?? defaultTargetFolder(workspaceFolder ?? undefined),
      });
      return;
    }
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

  const ev = evaluateForm(state.template, state.given);
  if (!ev.valid) {
    const messages = [
      ...Object.entries(ev.fields).flatMap(([n, f]) => (f.error && f.active ? [`${n}: ${f.error}`] : [])),
      ...ev.problems.map((p) => p.message),
    ];
    void vscode.window.showErrorMessage(`Kube Topology: ${[...new Set(messages)].join('; ')}`);
    return;
  }
  await writeGeneratedFiles({ template: state.template, values: ev.values, changed: ev.changed, layout: state.layout, folder: state.folder! }, deps);
}

// ---------------------------------------------------------------------------------------------
// Steps

interface PickItem<T> extends vscode.QuickPickItem {
  value: T;
}

const MORE_LABEL = 'More options…';

async function pickTemplate(nav: Nav, templates: Template[], state: FlowState, more: boolean, choose: (t: Template) => void): Promise<StepResult> {
  const items: PickItem<Template>[] = templates.map((t) => ({
    value: t,
    label: t.title,
    description: t.builtIn ? t.name : `${t.name} — ${templateWhere(t)}`,
    detail: t.description,
  }));
  const r = await quickPick(nav, 'Generate topology: preset', items, (i) => i.value === state.template, undefined, more);
  if (typeof r === 'string') return r;
  if (state.template !== r.value) choose(r.value);
  return 'next';
}

async function askParameter(nav: Nav, state: FlowState, name: string, onKind: boolean, more: boolean): Promise<StepResult> {
  const template = state.template;
  const p = template.parameters.find((q) => q.name === name)!;
  const field = evaluateForm(template, state.given).fields[name];
  const def = field.default;
  const title = `${template.title}: ${p.prompt ?? p.name}`;
  const accept = (value: ParameterValue): void => {
    // A value equal to the default keeps following it (a derived default follows earlier answers).
    if (value === def) delete state.given[name];
    else state.given[name] = value;
  };

  if (p.type === 'boolean') {
    const items: PickItem<boolean>[] = [
      { value: true, label: 'Yes', description: def === true ? '(default)' : undefined },
      { value: false, label: 'No', description: def === false ? '(default)' : undefined },
    ];
    const r = await quickPick(nav, title, items, (i) => i.value === field.value, p.description, more);
    if (typeof r === 'string') return r;
    accept(r.value);
    return 'next';
  }
  if (p.type === 'enum') {
    const items: PickItem<string>[] = (p.choices ?? []).map((c) => ({
      value: c.value,
      label: c.value,
      description: [c.value === def ? '(default)' : '', onKind && c.recommendedOnKind ? '$(star) recommended for your kind cluster' : '']
        .filter(Boolean)
        .join(' '),
      detail: c.description,
    }));
    const r = await quickPick(nav, title, items, (i) => i.value === field.value, p.description, more);
    if (typeof r === 'string') return r;
    accept(r.value);
    return 'next';
  }
  // Text and integers: checked as typed with the template's rules (and constraints about this field).
  const validate = (text: string): string | undefined => evaluateForm(template, { ...state.given, [name]: text }).fields[name].error;
  const r = await inputBox(nav, title, String(field.value), `${p.description ?? p.prompt ?? p.name} (default: ${String(def)})`, validate, more);
  if (typeof r === 'string') return r;
  const typed = evaluateForm(template, { ...state.given, [name]: r.text }).values[name];
  accept(typed);
  return 'next';
}

async function pickLayout(nav: Nav, state: FlowState, more: boolean): Promise<StepResult> {
  const items: PickItem<OutputLayout | 'more'>[] = [
    { value: 'single', label: 'One file', description: 'all objects in one multi-document YAML file' },
    { value: 'per-resource', label: 'One file per object', description: '<app>-<kind>-<name>.yaml' },
  ];
  if (more) items.push({ value: 'more', label: MORE_LABEL, description: 'every parameter in a form, with a live preview of the topology and the YAML' });
  const r = await quickPick(nav, `${state.template.title}: files`, items, (i) => i.value === state.layout, undefined, more);
  if (typeof r === 'string') return r;
  if (r.value === 'more') return 'more';
  state.layout = r.value;
  return 'next';
}

/** The target folder: the clicked folder, `k8s/`, the workspace root, or a dialog. */
async function askFolder(
  nav: Nav,
  title: string,
  workspaceFolder: vscode.WorkspaceFolder | undefined,
  clicked: vscode.Uri | undefined,
  current?: vscode.Uri,
  more = false,
): Promise<vscode.Uri | Exclude<StepResult, 'next'>> {
  const root = workspaceFolder?.uri;
  const items: PickItem<vscode.Uri | 'browse'>[] = [];
  if (clicked) items.push({ value: clicked, label: vscode.workspace.asRelativePath(clicked, true) || clicked.fsPath, description: 'the folder you clicked' });
  if (root) {
    items.push({ value: defaultTargetFolder(workspaceFolder)!, label: 'k8s/', description: `in ${workspaceFolder.name}` });
    items.push({ value: root, label: 'Workspace root', description: workspaceFolder.name });
  }
  items.push({ value: 'browse', label: 'Choose a folder…' });
  const activeUri = current?.toString();
  const r = await quickPick(nav, title, items, (i, idx) => (activeUri ? i.value !== 'browse' && i.value.toString() === activeUri : idx === 0), undefined, more);
  if (typeof r === 'string') return r;
  if (r.value !== 'browse') return r.value;
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    defaultUri: root,
    openLabel: 'Generate here',
  });
  return picked && picked.length > 0 ? picked[0] : 'back';
}

// ---------------------------------------------------------------------------------------------
// Quick input helpers with a back button (and "More options…")

function moreButton(): vscode.QuickInputButton {
  return { iconPath: new vscode.ThemeIcon('settings'), tooltip: MORE_LABEL };
}

function quickPick<T extends vscode.QuickPickItem>(
  nav: Nav,
  title: string,
  items: T[],
  isActive: (item: T, index: number) => boolean,
  placeholder?: string,
  more = false,
): Promise<T | 'back' | 'cancel' | 'more'> {
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
    const more$ = more ? moreButton() : undefined;
    qp.buttons = [...(nav.canGoBack ? [vscode.QuickInputButtons.Back] : []), ...(more$ ? [more$] : [])];
    let done = false;
    const finish = (v: T | 'back' | 'cancel' | 'more'): void => {
      if (done) return;
      done = true;
      resolve(v);
      qp.dispose();
    };
    qp.onDidTriggerButton((b) => {
      if (b === vscode.QuickInputButtons.Back) finish('back');
      else if (b === more$) finish('more');
    });
    qp.onDidAccept(() => {
      const sel = qp.selectedItems[0] ?? qp.activeItems[0];
      if (sel) finish(sel);
    });
    qp.onDidHide(() => finish('cancel'));
    qp.show();
  });
}

function inputBox(
  nav: Nav,
  title: string,
  value: string,
  prompt: string,
  validate: (v: string) => string | undefined,
  more = false,
): Promise<{ text: string } | 'back' | 'cancel' | 'more'> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = title;
    box.step = nav.step;
    box.totalSteps = nav.totalSteps;
    box.value = value;
    box.valueSelection = [0, value.length];
    box.prompt = prompt;
    box.ignoreFocusOut = true;
    const more$ = more ? moreButton() : undefined;
    box.buttons = [...(nav.canGoBack ? [vscode.QuickInputButtons.Back] : []), ...(more$ ? [more$] : [])];
    box.validationMessage = validate(value);
    let done = false;
    const finish = (v: { text: string } | 'back' | 'cancel' | 'more'): void => {
      if (done) return;
      done = true;
      resolve(v);
      box.dispose();
    };
    box.onDidTriggerButton((b) => {
      if (b === vscode.QuickInputButtons.Back) finish('back');
      else if (b === more$) finish('more');
    });
    box.onDidChangeValue((v) => {
      box.validationMessage = validate(v);
    });
    box.onDidAccept(() => {
      const msg = validate(box.value);
      box.validationMessage = msg;
      if (!msg) finish({ text: box.value });
    });
    box.onDidHide(() => finish('cancel'));
    box.show();
  });
}
