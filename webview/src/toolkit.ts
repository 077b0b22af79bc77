/**
 * The ONLY module that knows which web component library draws the controls.
 *
 * Today that is `@vscode/webview-ui-toolkit` (archived in January 2025). Moving to
 * `@vscode-elements/elements` means rewriting this file alone: the rest of the webview asks for
 * "a button", "a select", "a checkbox", "a search field" through these functions and never names a
 * tag. The toolkit styles itself through constructable stylesheets, so the strict CSP holds.
 */
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeCheckbox, vsCodeDropdown, vsCodeOption, vsCodeTextField } from '@vscode/webview-ui-toolkit';
import { releaseStyleProbeGuard } from './cspGuard';

let registered = false;

export function registerControls(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption(), vsCodeTextField());
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
