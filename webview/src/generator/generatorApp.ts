import {
  describeInvalid,
  isHostToGeneratorMessage,
  type GeneratorLayout,
  type GeneratorToHostMessage,
  type HostToGeneratorMessage,
} from '../../../src/shared/webviewProtocol';
import { adoptGraphStyles } from '../graphStyleSheet';
import * as controls from '../toolkit';
import { FormView } from './formView';
import { PreviewView } from './previewView';

type Value = string | number | boolean;

/**
 * The generator form's controller: keeps the values the user gave, sends every change to the host
 * (which evaluates them with the template's rules and renders the preview), and shows what comes
 * back. Answers to older changes are dropped, so a slow evaluation never undoes newer typing.
 */
export class GeneratorApp {
  private readonly api = acquireVsCodeApi();
  private readonly form: FormView;
  private readonly preview: PreviewView;
  private template = '';
  private values: Record<string, Value> = {};
  private layout: GeneratorLayout = 'single';
  /** The newest change sent; states for older ones are stale. */
  private revision = 0;
  private valid = false;
  private generating = false;

  constructor(root: HTMLElement) {
    adoptGraphStyles();
    controls.registerControls();
    root.classList.add('kt-gen');
    const body = document.createElement('div');
    body.className = 'gen-body';
    root.append(body);
    this.form = new FormView(body, {
      valueChanged: (name, value) => {
        this.values = { ...this.values, [name]: value };
        this.sendChange();
      },
      templateChanged: (name) => this.post({ type: 'selectTemplate', name }),
      layoutChanged: (layout) => {
        this.layout = layout;
        this.sendChange();
      },
      chooseFolder: () => this.post({ type: 'chooseFolder' }),
      generate: () => this.generate(),
    });
    this.preview = new PreviewView(body);
    window.addEventListener('message', (ev: MessageEvent) => this.onMessage(ev.data));
    this.form.setStatus('Reading the template…', 'neutral');
    this.post({ type: 'ready' });
  }

  private post(m: GeneratorToHostMessage): void {
    this.api.postMessage(m);
  }

  private sendChange(): void {
    this.post({ type: 'change', revision: ++this.revision, template: this.template, values: this.values, layout: this.layout });
  }

  private onMessage(data: unknown): void {
    if (!isHostToGeneratorMessage(data)) {
      if (data && typeof data === 'object' && 'type' in data)
        this.post({ type: 'log', level: 'warn', message: `Ignored a host message: ${describeInvalid(data)}` });
      return;
    }
    this.dispatch(data);
  }

  private dispatch(m: HostToGeneratorMessage): void {
    switch (m.type) {
      case 'form':
        this.template = m.template;
        this.values = { ...m.values };
        this.layout = m.layout;
        this.revision = 0;
        this.form.build(m);
        return;
      case 'state':
        if (m.revision < this.revision) return; // an answer to older values
        this.valid = m.valid;
        this.form.applyState(m.fields);
        if (!this.generating) this.form.setStatus(this.readiness(m), m.valid ? 'neutral' : 'error');
        void this.preview.show(m);
        return;
      case 'folder':
        this.form.setFolder(m.label);
        return;
      case 'generated':
        this.generating = false;
        this.form.setStatus(m.message, m.ok ? 'ok' : 'error');
        this.form.announce(m.message);
        return;
    }
  }

  private readiness(m: Extract<HostToGeneratorMessage, { type: 'state' }>): string {
    if (m.valid) return `Ready: ${m.files.length === 1 ? m.files[0].path : `${m.files.length} files`}.`;
    const wrong = Object.values(m.fields).filter((f) => f.active && f.error).length || m.problems.length;
    return `${wrong} value${wrong === 1 ? '' : 's'} to fix before generating.`;
  }

  private generate(): void {
    if (!this.valid) {
      this.form.focusFirstInvalid();
      this.form.announce('Fix the highlighted values before generating.');
      return;
    }
    this.generating = true;
    this.form.setStatus('Writing…', 'neutral');
    this.post({ type: 'generate', template: this.template, values: this.values, layout: this.layout });
  }
}
