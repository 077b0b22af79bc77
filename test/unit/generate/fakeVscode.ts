import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import Module from 'node:module';

/**
 * Just enough of the `vscode` API to drive the generate command's quick-input flow from a test:
 * real files (a temp folder is the workspace), scripted answers for each quick pick and input box.
 */
export type Step =
  | {
      kind: 'pick';
      title: string;
      items: { label: string; description?: string }[];
      active?: string;
      canGoBack: boolean;
      step?: number;
      totalSteps?: number;
      buttons: string[];
    }
  | { kind: 'input'; title: string; value: string; prompt?: string; validationMessage?: unknown; canGoBack: boolean; buttons: string[] };

/**
 * An answer: undefined = press Enter on what is prefilled; a string = type/pick that, except
 * 'BACK' / 'ESC' (the back button, Escape) and 'MORE' (the "More options…" button).
 */
export type Answer = undefined | string;

interface FakeItem {
  label: string;
  description?: string;
}
interface FakeButton {
  id?: string;
  tooltip?: string;
}
interface FakeQuickPick {
  title?: string;
  step?: number;
  totalSteps?: number;
  items: FakeItem[];
  activeItems: FakeItem[];
  selectedItems: FakeItem[];
  buttons: FakeButton[];
}
interface FakeInputBox {
  title?: string;
  value: string;
  prompt?: string;
  validationMessage?: unknown;
  buttons: FakeButton[];
  disposed?: boolean;
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', nodePath.resolve(p));
  }
  static parse(s: string): Uri {
    return s.startsWith('file://') ? new Uri('file', decodeURIComponent(s.slice('file://'.length))) : new Uri('file', s);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, nodePath.join(base.path, ...parts));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `file://${this.path}`;
  }
}

export interface FakeState {
  steps: Step[];
  answers: Answer[];
  warnings: { message: string; options?: unknown; items: string[] }[];
  infos: string[];
  errors: string[];
  opened: string[];
  /** Answers by step, ahead of the queue (undefined falls through to `answers`, then Enter). */
  onStep?: (step: Step) => Answer;
  /** Reply to the modal "Overwrite?" question. */
  overwriteAnswer?: string;
  commands: Map<string, (...args: unknown[]) => unknown>;
  workspaceRoot: string;
}

/** Resets the recorded interaction and points the fake workspace at another folder. */
export function resetFake(state: FakeState, workspaceRoot: string): void {
  Object.assign(state, {
    steps: [],
    answers: [],
    warnings: [],
    infos: [],
    errors: [],
    opened: [],
    overwriteAnswer: undefined,
    onStep: undefined,
    workspaceRoot,
  });
}

export function installFakeVscode(workspaceRoot: string): FakeState {
  const state: FakeState = { steps: [], answers: [], warnings: [], infos: [], errors: [], opened: [], commands: new Map(), workspaceRoot };
  const Back: FakeButton = { id: 'back' };
  const folderOf = () => ({ uri: Uri.file(state.workspaceRoot), name: nodePath.basename(state.workspaceRoot), index: 0 });

  const buttonNames = (buttons: FakeButton[]): string[] => buttons.map((b) => (b === Back ? 'Back' : (b.tooltip ?? '?')));
  const moreButton = (buttons: FakeButton[]): FakeButton => {
    const b = buttons.find((x) => x !== Back);
    if (!b) throw new Error('no "More options…" button on this step');
    return b;
  };
  const nextAnswer = (): Answer => state.onStep?.(state.steps[state.steps.length - 1]) ?? state.answers.shift();
  const emitter = <T>() => {
    const listeners: ((v: T) => void)[] = [];
    return { on: (l: (v: T) => void) => (listeners.push(l), { dispose() {} }), fire: (v: T) => listeners.forEach((l) => l(v)) };
  };

  function createQuickPick() {
    const accept = emitter<void>();
    const hide = emitter<void>();
    const button = emitter<unknown>();
    const qp: FakeQuickPick & Record<string, unknown> = {
      items: [],
      activeItems: [],
      selectedItems: [],
      buttons: [],
      onDidAccept: accept.on,
      onDidHide: hide.on,
      onDidTriggerButton: button.on,
      dispose() {},
      show() {
        setImmediate(() => {
          state.steps.push({
            kind: 'pick',
            title: qp.title ?? '',
            items: qp.items.map((i) => ({ label: i.label, description: i.description })),
            active: qp.activeItems[0]?.label,
            canGoBack: qp.buttons.includes(Back),
            step: qp.step,
            totalSteps: qp.totalSteps,
            buttons: buttonNames(qp.buttons),
          });
          const a = nextAnswer();
          if (a === 'BACK') return button.fire(Back);
          if (a === 'MORE') return button.fire(moreButton(qp.buttons));
          if (a === 'ESC') return hide.fire();
          const chosen = a === undefined ? qp.activeItems[0] : qp.items.find((i) => i.label === a);
          if (!chosen) throw new Error(`no item "${a}" in ${qp.title ?? 'a quick pick'}`);
          qp.selectedItems = [chosen];
          accept.fire();
        });
      },
    };
    return qp;
  }

  function createInputBox() {
    const accept = emitter<void>();
    const hide = emitter<void>();
    const button = emitter<unknown>();
    const change = emitter<string>();
    const box: FakeInputBox & Record<string, unknown> = {
      value: '',
      buttons: [],
      onDidAccept: accept.on,
      onDidHide: hide.on,
      onDidTriggerButton: button.on,
      onDidChangeValue: change.on,
      dispose() {
        box.disposed = true;
      },
      show() {
        const answerOnce = (): void => {
          state.steps.push({
            kind: 'input',
            title: box.title ?? '',
            value: box.value,
            prompt: box.prompt,
            validationMessage: box.validationMessage,
            canGoBack: box.buttons.includes(Back),
            buttons: buttonNames(box.buttons),
          });
          const a = nextAnswer();
          if (a === 'BACK') return button.fire(Back);
          if (a === 'MORE') return button.fire(moreButton(box.buttons));
          if (a === 'ESC') return hide.fire();
          if (a !== undefined) {
            box.value = a;
            change.fire(a);
          }
          accept.fire();
          // An invalid value keeps the box open: the next scripted answer goes to it.
          if (!box.disposed) setImmediate(answerOnce);
        };
        setImmediate(answerOnce);
      },
    };
    return box;
  }

  const vscode = {
    Uri,
    QuickInputButtons: { Back },
    ThemeIcon: class {
      constructor(readonly id: string) {}
    },
    FileType: { File: 1, Directory: 2 },
    commands: {
      registerCommand(id: string, fn: (...args: unknown[]) => unknown) {
        state.commands.set(id, fn);
        return { dispose() {} };
      },
    },
    workspace: {
      get workspaceFolders() {
        return [folderOf()];
      },
      getWorkspaceFolder: (u: Uri) => (u.path.startsWith(state.workspaceRoot) ? folderOf() : undefined),
      asRelativePath: (u: Uri | string) => {
        const p = typeof u === 'string' ? Uri.parse(u).path : u.path;
        return p.startsWith(state.workspaceRoot + nodePath.sep) ? nodePath.relative(state.workspaceRoot, p) : p;
      },
      openTextDocument: (u: Uri) => Promise.resolve({ uri: u }),
      fs: {
        readDirectory: async (u: Uri) => (await fs.readdir(u.path, { withFileTypes: true })).map((d) => [d.name, d.isFile() ? 1 : 2]),
        readFile: async (u: Uri) => new Uint8Array(await fs.readFile(u.path)),
        stat: async (u: Uri) => fs.stat(u.path),
        createDirectory: async (u: Uri) => {
          await fs.mkdir(u.path, { recursive: true });
        },
        writeFile: async (u: Uri, data: Uint8Array) => fs.writeFile(u.path, data),
      },
    },
    window: {
      createQuickPick,
      createInputBox,
      showTextDocument: (doc: { uri: Uri }) => {
        state.opened.push(doc.uri.path);
        return Promise.resolve();
      },
      showWarningMessage: (message: string, options?: unknown, ...items: string[]) => {
        state.warnings.push({ message, options, items });
        return Promise.resolve(typeof options === 'object' && options && (options as { modal?: boolean }).modal ? state.overwriteAnswer : undefined);
      },
      showInformationMessage: (message: string) => {
        state.infos.push(message);
        return Promise.resolve(undefined);
      },
      showErrorMessage: (message: string) => {
        state.errors.push(message);
        return Promise.resolve(undefined);
      },
      showOpenDialog: () => Promise.resolve(undefined),
      showWorkspaceFolderPick: () => Promise.resolve(folderOf()),
    },
  };

  const M = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
  const original = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (request === 'vscode') return 'vscode';
    return original.call(this, request, ...rest);
  };
  require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode } as unknown as NodeJS.Module;
  return state;
}
