/**
 * The ONLY module that knows which web component library draws the controls.
 *
 * Today that is `@vscode/webview-ui-toolkit` (archived in January 2025). Moving to
 * `@vscode-elements/elements` means rewriting this file alone: the rest of the webview asks for
 * "a button", "a select", "a checkbox", "a search field" through these functions and never names a
 * tag. The toolkit styles itself through constructable stylesheets, so the strict CSP holds.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeRadio,
  vsCodeRadioGroup,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';
import { releaseStyleProbeGuard } from './cspGuard';

let registered = false;

export function registerControls(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeButton(),
    vsCodeCheckbox(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodeTextField(),
    vsCodeRadioGroup(),
    vsCodeRadio(),
    vsCodePanels(),
    vsCodePanelTab(),
    vsCodePanelView(),
  );
  releaseStyleProbeGuard();
}

export interface ButtonOptions {
  label: string;
  /** Tooltip and accessible name when it differs from the label. */
  title?: string;
  /** `primary` for the one main action, `secondary` for the rest, `icon` for compact glyph buttons. */
  appearance?: 'primary' | 'secondary' | 'icon';
  onClick: () => void;
}

export function createButton(o: ButtonOptions): HTMLElement {
  const b = document.createElement('vscode-button');
  b.setAttribute('appearance', o.appearance ?? 'secondary');
  // Never a submit button: Enter in a form field must not trigger an action.
  b.setAttribute('type', 'button');
  b.textContent = o.label;
  if (o.title) {
    b.setAttribute('title', o.title);
    b.setAttribute('aria-label', o.title);
  }
  b.addEventListener('click', () => o.onClick());
  return b;
}

export interface SelectOption {
  value: string;
  label: string;
}

export interface SelectOptions {
  label: string;
  options: SelectOption[];
  value: string;
  onChange: (value: string) => void;
}

export function createSelect(o: SelectOptions): HTMLElement {
  const d = document.createElement('vscode-dropdown') as HTMLElement & { value: string };
  d.setAttribute('aria-label', o.label);
  d.setAttribute('title', o.label);
  setSelectOptions(d, o.options, o.value);
  d.addEventListener('change', () => o.onChange(d.value));
  return d;
}

export function setSelectOptions(select: HTMLElement, options: SelectOption[], value: string): void {
  const d = select as HTMLElement & { value: string };
  const same =
    d.children.length === options.length &&
    options.every((opt, i) => (d.children[i] as HTMLElement).getAttribute('value') === opt.value && d.children[i].textContent === opt.label);
  if (!same) {
    d.replaceChildren(
      ...options.map((opt) => {
        const el = document.createElement('vscode-option');
        el.setAttribute('value', opt.value);
        el.textContent = opt.label;
        return el;
      }),
    );
  }
  d.value = value;
}

export interface CheckboxOptions {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}

export function createCheckbox(o: CheckboxOptions): HTMLElement {
  const c = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  c.textContent = o.label;
  c.checked = o.checked;
  if (o.checked) c.setAttribute('checked', '');
  c.addEventListener('change', () => o.onChange(c.checked));
  return c;
}

export function setChecked(checkbox: HTMLElement, checked: boolean): void {
  (checkbox as HTMLElement & { checked: boolean }).checked = checked;
}

export interface SearchOptions {
  placeholder: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  onEnter: (backwards: boolean) => void;
  onEscape: () => void;
}

export function createSearch(o: SearchOptions): HTMLElement {
  const t = document.createElement('vscode-text-field') as HTMLElement & { value: string };
  t.setAttribute('placeholder', o.placeholder);
  t.setAttribute('aria-label', o.label);
  t.setAttribute('type', 'search');
  t.value = o.value;
  t.addEventListener('input', () => o.onInput(t.value));
  t.addEventListener('keydown', (ev: KeyboardEvent) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      o.onEnter(ev.shiftKey);
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      ev.stopPropagation();
      o.onEscape();
    }
  });
  return t;
}

export function getValue(control: HTMLElement): string {
  return (control as HTMLElement & { value: string }).value;
}

export function setValue(control: HTMLElement, value: string): void {
  (control as HTMLElement & { value: string }).value = value;
}

/** Moves keyboard focus into a control (the inner input for fields). */
export function focusControl(control: HTMLElement): void {
  control.focus();
}

// ---------------------------------------------------------------------------------------------
// Form controls (the generator form)

let ids = 0;
/** A document-unique id for label/control pairs. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${++ids}`;
}

export interface TextFieldOptions {
  /** The visible label (also the accessible name of the inner input). */
  label: string;
  value: string;
  /** Mobile keyboards and screen readers: `numeric` for integers. */
  inputMode?: 'text' | 'numeric';
  onInput: (value: string) => void;
}

/** A labelled text field; the label is drawn above it and names the inner input. */
export function createTextField(o: TextFieldOptions): HTMLElement {
  const t = document.createElement('vscode-text-field') as HTMLElement & { value: string };
  t.textContent = o.label;
  t.setAttribute('aria-label', o.label);
  if (o.inputMode === 'numeric') t.setAttribute('inputmode', 'numeric');
  t.value = o.value;
  t.setAttribute('value', o.value);
  t.addEventListener('input', () => o.onInput(t.value));
  return t;
}

/**
 * A dropdown with a visible label above it. Returns the wrapper (to place) and the control (to
 * read and set); the label names the control for assistive technology.
 */
export function createLabelledSelect(o: SelectOptions & { describe?: string }): { wrapper: HTMLElement; control: HTMLElement } {
  const wrapper = document.createElement('div');
  wrapper.className = 'kt-labelled';
  const label = document.createElement('label');
  const control = createSelect(o);
  control.id = uniqueId('select');
  label.id = uniqueId('label');
  label.htmlFor = control.id;
  label.textContent = o.label;
  control.setAttribute('aria-labelledby', label.id);
  control.removeAttribute('title');
  wrapper.append(label, control);
  return { wrapper, control };
}

export interface RadioGroupOptions {
  label: string;
  options: SelectOption[];
  value: string;
  onChange: (value: string) => void;
}

/** Radio buttons under a label (arrow keys move between them, as in any radio group). */
export function createRadioGroup(o: RadioGroupOptions): HTMLElement {
  const g = document.createElement('vscode-radio-group') as HTMLElement & { value: string };
  const label = document.createElement('label');
  label.slot = 'label';
  label.textContent = o.label;
  g.append(label);
  for (const opt of o.options) {
    const r = document.createElement('vscode-radio');
    r.setAttribute('value', opt.value);
    r.textContent = opt.label;
    if (opt.value === o.value) r.setAttribute('checked', '');
    g.append(r);
  }
  g.setAttribute('value', o.value);
  g.addEventListener('change', () => o.onChange(g.value));
  return g;
}

export interface TabOptions {
  id: string;
  label: string;
  content: HTMLElement;
}

/** Tabs (tablist, tabs, tab panels) over some views. */
export function createTabs(label: string, tabs: TabOptions[]): HTMLElement {
  const panels = document.createElement('vscode-panels');
  panels.setAttribute('aria-label', label);
  for (const t of tabs) {
    const tab = document.createElement('vscode-panel-tab');
    tab.id = t.id;
    tab.textContent = t.label;
    panels.append(tab);
  }
  for (const t of tabs) {
    const view = document.createElement('vscode-panel-view');
    view.id = `${t.id}-view`;
    view.append(t.content);
    panels.append(view);
  }
  return panels;
}

/** Changes a tab's text (e.g. a count in "Checks (3)"). */
export function setTabLabel(tabs: HTMLElement, id: string, label: string): void {
  const tab = tabs.querySelector(`#${CSS.escape(id)}`);
  if (tab) tab.textContent = label;
}

/** Marks a field as holding an invalid value (announced by screen readers with the field). */
export function setInvalid(control: HTMLElement, invalid: boolean): void {
  if (invalid) control.setAttribute('aria-invalid', 'true');
  else control.removeAttribute('aria-invalid');
}
