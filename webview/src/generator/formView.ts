import type { GeneratorField, GeneratorFieldState, GeneratorGroup, GeneratorLayout, HostToGeneratorMessage } from '../../../src/shared/webviewProtocol';
import * as controls from '../toolkit';
import { el } from '../dom';

type FormMessage = Extract<HostToGeneratorMessage, { type: 'form' }>;
type Value = string | number | boolean;

export interface FormEvents {
  valueChanged(name: string, value: Value): void;
  templateChanged(name: string): void;
  layoutChanged(layout: GeneratorLayout): void;
  chooseFolder(): void;
  generate(): void;
}

interface FieldWidget {
  field: GeneratorField;
  /** The whole field (label, control, help, error): hidden when the parameter does not apply. */
  wrapper: HTMLElement;
  control: HTMLElement;
  help: HTMLElement;
  error: HTMLElement;
  /** The `<details>` it is folded in, if any. */
  fold?: HTMLDetailsElement;
  /** What the control shows now (to skip redundant writes while the user types). */
  shown: Value;
}

/** How long errors wait before they are read out: one announcement per pause in typing. */
const ANNOUNCE_AFTER_MS = 600;

/**
 * The form as DOM: the template picker, one section per parameter group (essential fields open,
 * the rest folded under "More … options"), the output choice and folder, and Generate. It only
 * shows what the host evaluated (values, which fields apply, errors in the template's words) and
 * reports what the user does; it holds no rules of its own.
 *
 * Accessibility: every control has a visible label that names it; fields are in reading order
 * (groups, essential first, then folded, then output, then Generate); an invalid field is marked
 * `aria-invalid` with its message next to it, and new errors are read out by a polite live region.
 */
export class FormView {
  readonly root: HTMLFormElement;
  private readonly header: HTMLElement;
  private readonly groupsEl: HTMLElement;
  private readonly outputEl: HTMLElement;
  private readonly statusEl: HTMLElement;
  private readonly announcer: HTMLElement;
  private readonly widgets = new Map<string, FieldWidget>();
  private folderLabel!: HTMLElement;
  private announced = new Map<string, string>();
  private announceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    parent: HTMLElement,
    private readonly events: FormEvents,
  ) {
    this.root = document.createElement('form');
    this.root.className = 'gen-form';
    this.root.setAttribute('aria-label', 'Template parameters');
    this.root.noValidate = true;
    this.root.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.events.generate();
    });
    this.header = el('div', 'gen-header');
    this.groupsEl = el('div', 'gen-groups');
    this.outputEl = el('section', 'gen-output');
    const actions = el('div', 'gen-actions');
    this.statusEl = el('p', 'gen-status');
    this.statusEl.id = controls.uniqueId('status');
    const generate = controls.createButton({ label: 'Generate', appearance: 'primary', onClick: () => this.events.generate() });
    generate.classList.add('gen-generate');
    generate.setAttribute('aria-describedby', this.statusEl.id);
    actions.append(this.statusEl, generate);
    this.announcer = el('div', 'sr-only');
    this.announcer.setAttribute('role', 'status');
    this.announcer.setAttribute('aria-live', 'polite');
    this.announcer.setAttribute('aria-atomic', 'true');
    this.root.append(this.header, this.groupsEl, this.outputEl, actions, this.announcer);
    parent.append(this.root);
  }

  /** Builds the form for a template (on open and when another template is picked). */
  build(m: FormMessage): void {
    this.widgets.clear();
    this.announced.clear();
    this.buildHeader(m);
    const byName = new Map(m.fields.map((f) => [f.name, f]));
    this.groupsEl.replaceChildren(...m.groups.map((g) => this.buildGroup(g, byName, m.values)));
    this.buildOutput(m.layout, m.folder);
  }

  private buildHeader(m: FormMessage): void {
    const title = el('h1', 'gen-title');
    title.textContent = 'Generate a topology';
    const chosen = m.templates.find((t) => t.name === m.template);
    const parts: HTMLElement[] = [title];
    if (m.templates.length > 1) {
      const { wrapper } = controls.createLabelledSelect({
        label: 'Template',
        options: m.templates.map((t) => ({ value: t.name, label: t.where === 'built-in' ? t.title : `${t.title} (${t.where})` })),
        value: m.template,
        onChange: (v) => this.events.templateChanged(v),
      });
      wrapper.classList.add('gen-template');
      parts.push(wrapper);
    } else if (chosen) {
      const name = el('p', 'gen-template-name');
      name.textContent = chosen.title;
      parts.push(name);
    }
    if (chosen?.description) {
      const d = el('p', 'gen-template-description');
      d.textContent = chosen.description;
      parts.push(d);
    }
    this.header.replaceChildren(...parts);
  }

  private buildGroup(g: GeneratorGroup, byName: Map<string, GeneratorField>, values: Record<string, Value>): HTMLElement {
    const section = el('section', 'gen-group');
    const heading = el('h2', 'gen-group-title');
    heading.id = controls.uniqueId('group');
    heading.textContent = g.title;
    section.setAttribute('aria-labelledby', heading.id);
    section.append(heading);
    for (const name of g.shown) section.append(this.buildField(byName.get(name)!, values));
    if (g.folded.length) {
      const fold = document.createElement('details');
      fold.className = 'gen-fold';
      const summary = document.createElement('summary');
      summary.textContent = `More ${g.title.toLowerCase()} options (${g.folded.length})`;
      fold.append(summary);
      for (const name of g.folded) {
        const w = this.buildField(byName.get(name)!, values);
        fold.append(w);
        this.widgets.get(name)!.fold = fold;
      }
      section.append(fold);
    }
    return section;
  }

  private buildField(f: GeneratorField, values: Record<string, Value>): HTMLElement {
    const wrapper = el('div', `gen-field type-${f.type}`);
    wrapper.dataset.name = f.name;
    const help = el('p', 'gen-help');
    const error = el('p', 'gen-error');
    error.id = controls.uniqueId('error');
    error.hidden = true;
    const start: Value = values[f.name] ?? '';
    let control: HTMLElement;
    switch (f.type) {
      case 'boolean':
        control = controls.createCheckbox({ label: f.label, checked: start === true, onChange: (checked) => this.changed(f.name, checked) });
        wrapper.append(control);
        break;
      case 'enum': {
        const { wrapper: labelled, control: select } = controls.createLabelledSelect({
          label: f.label,
          options: (f.choices ?? []).map((c) => ({ value: c.value, label: `${c.value}${c.recommended ? ' (recommended on kind)' : ''}` })),
          value: String(start),
          onChange: (v) => this.changed(f.name, v),
        });
        control = select;
        wrapper.append(labelled);
        break;
      }
      default:
        control = controls.createTextField({
          label: f.label,
          value: String(start),
          inputMode: f.type === 'integer' ? 'numeric' : 'text',
          onInput: (v) => this.changed(f.name, v),
        });
        wrapper.append(control);
    }
    control.dataset.name = f.name;
    wrapper.append(help, error);
    // What the control displays now (a checkbox shows a boolean, the others text).
    const shown = f.type === 'boolean' ? start === true : String(start);
    this.widgets.set(f.name, { field: f, wrapper, control, help, error, shown });
    this.describe(this.widgets.get(f.name)!, String(start));
    return wrapper;
  }

  /** The help line: the parameter's description, or for a choice what the chosen value means. */
  private describe(w: FieldWidget, value: string): void {
    const choice = w.field.choices?.find((c) => c.value === value);
    const text = choice?.description ? `${value}: ${choice.description}` : (w.field.description ?? '');
    w.help.textContent = text;
    w.help.hidden = !text;
  }

  private changed(name: string, value: Value): void {
    const w = this.widgets.get(name);
    // Controls report values set by the form itself too (a default shown): only a real change counts.
    if (w && w.shown === value) return;
    if (w) {
      w.shown = value;
      if (w.field.type === 'enum') this.describe(w, String(value));
    }
    this.events.valueChanged(name, value);
  }

  private buildOutput(layout: GeneratorLayout, folder: string): void {
    const heading = el('h2', 'gen-group-title');
    heading.id = controls.uniqueId('group');
    heading.textContent = 'Output';
    this.outputEl.setAttribute('aria-labelledby', heading.id);
    const radios = controls.createRadioGroup({
      label: 'Files',
      options: [
        { value: 'single', label: 'One file' },
        { value: 'per-resource', label: 'One file per object (split folder)' },
      ],
      value: layout,
      onChange: (v) => this.events.layoutChanged(v === 'per-resource' ? 'per-resource' : 'single'),
    });
    radios.classList.add('gen-layout');
    const folderRow = el('div', 'gen-folder');
    const caption = el('span', 'gen-folder-caption');
    caption.id = controls.uniqueId('folder');
    caption.textContent = 'Folder';
    this.folderLabel = el('span', 'gen-folder-path');
    const choose = controls.createButton({ label: 'Choose folder…', onClick: () => this.events.chooseFolder() });
    choose.setAttribute('aria-describedby', caption.id);
    folderRow.append(caption, this.folderLabel, choose);
    this.outputEl.replaceChildren(heading, radios, folderRow);
    this.setFolder(folder);
  }

  setFolder(label: string): void {
    this.folderLabel.textContent = label || 'none chosen yet (Generate asks)';
    this.folderLabel.classList.toggle('unset', !label);
  }

  /** Shows the host's evaluation: values that follow their defaults, which fields apply, errors. */
  applyState(fields: Record<string, GeneratorFieldState>): void {
    const errors = new Map<string, string>();
    for (const [name, s] of Object.entries(fields)) {
      const w = this.widgets.get(name);
      if (!w) continue;
      w.wrapper.hidden = !s.active;
      // A field the user has not touched follows its (derived) default; typed text is never replaced.
      if (!s.edited && s.value !== w.shown) this.show(w, s.value);
      const message = s.active ? s.error : undefined;
      w.error.textContent = message ?? '';
      w.error.hidden = !message;
      w.wrapper.classList.toggle('invalid', !!message);
      controls.setInvalid(w.control, !!message);
      if (message) {
        errors.set(name, message);
        if (w.fold && !w.fold.open) w.fold.open = true;
      }
    }
    this.scheduleAnnouncement(errors);
  }

  private show(w: FieldWidget, value: Value): void {
    w.shown = value;
    if (w.field.type === 'boolean') controls.setChecked(w.control, value === true);
    else controls.setValue(w.control, String(value));
    if (w.field.type === 'enum') this.describe(w, String(value));
  }

  /** Reads out errors that are new or changed, once typing pauses (never the same one twice). */
  private scheduleAnnouncement(errors: Map<string, string>): void {
    for (const name of [...this.announced.keys()]) if (!errors.has(name)) this.announced.delete(name);
    if (this.announceTimer) clearTimeout(this.announceTimer);
    this.announceTimer = setTimeout(() => {
      const fresh = [...errors].filter(([name, message]) => this.announced.get(name) !== message);
      if (!fresh.length) return;
      for (const [name, message] of fresh) this.announced.set(name, message);
      this.announce(fresh.map(([name, message]) => `${this.widgets.get(name)?.field.label ?? name}: ${message}`).join('. '));
    }, ANNOUNCE_AFTER_MS);
  }

  announce(text: string): void {
    // Cleared first so that the same words twice in a row are read twice.
    this.announcer.textContent = '';
    requestAnimationFrame(() => (this.announcer.textContent = text));
  }

  setStatus(text: string, tone: 'ok' | 'error' | 'neutral'): void {
    this.statusEl.textContent = text;
    this.statusEl.className = `gen-status tone-${tone}`;
  }

  /** Moves focus to the first field with an error (opening its fold); false when there is none. */
  focusFirstInvalid(): boolean {
    for (const w of this.widgets.values()) {
      if (w.wrapper.hidden || w.error.hidden) continue;
      if (w.fold) w.fold.open = true;
      controls.focusControl(w.control);
      return true;
    }
    return false;
  }

  /** The first field's control, to start keyboard work there. */
  focusFirst(): void {
    const first = this.widgets.values().next().value;
    if (first) controls.focusControl(first.control);
  }
}
