import { checkConstraints, coerceValue, defaultFor, describeAllowed, isActive } from './parameters';
import type { ParameterType, ParameterValue, ParameterValues, Template } from './templateTypes';

/**
 * The generator form as data: which fields, in which groups, folded or not (from the template's
 * `group` and `essential`), and — for the values a person has typed so far — what each field shows,
 * whether it applies, and what is wrong with it, in the template's own words. The editor's form and
 * its short quick-input flow both work from this, so they agree on every rule. Pure.
 */

/** Where parameters without a `group` go. */
export const DEFAULT_GROUP = 'Parameters';

export interface FormChoice {
  value: string;
  description?: string;
  /** The template recommends it when the current context is a kind cluster (and that is the case). */
  recommended?: boolean;
}

export interface FormField {
  name: string;
  /** The question (`prompt`), else the name. */
  label: string;
  description?: string;
  type: ParameterType;
  choices?: FormChoice[];
  group: string;
  essential: boolean;
  /** What the field accepts, in words ("an integer from 1 to 65535", the pattern message). */
  allowed: string;
}

export interface FormGroup {
  title: string;
  /** Shown open: the essential fields of the group, in declaration order. */
  shown: string[];
  /** Folded under "More … options": the rest, in declaration order. */
  folded: string[];
}

export interface FormLayout {
  fields: FormField[];
  groups: FormGroup[];
}

/**
 * Fields grouped in the order groups first appear, essential ones first. A template that marks no
 * parameter essential shows every field (nothing is folded: small templates need no folding).
 */
export function formLayout(template: Template, options: { onKind?: boolean } = {}): FormLayout {
  const anyEssential = template.parameters.some((p) => p.essential);
  const fields: FormField[] = template.parameters.map((p) => ({
    name: p.name,
    label: p.prompt ?? p.name,
    description: p.description,
    type: p.type,
    choices: p.choices?.map((c) => ({ value: c.value, description: c.description, recommended: options.onKind && c.recommendedOnKind ? true : undefined })),
    group: p.group ?? DEFAULT_GROUP,
    essential: !anyEssential || p.essential === true,
    allowed: describeAllowed(p),
  }));
  const groups = new Map<string, FormGroup>();
  for (const f of fields) {
    let g = groups.get(f.group);
    if (!g) groups.set(f.group, (g = { title: f.group, shown: [], folded: [] }));
    (f.essential ? g.shown : g.folded).push(f.name);
  }
  return { fields, groups: [...groups.values()] };
}

/** The names of the essential parameters (all of them when the template marks none). */
export function essentialParameters(template: Template): string[] {
  return formLayout(template)
    .fields.filter((f) => f.essential)
    .map((f) => f.name);
}

/**
 * On a kind cluster, the choices a template recommends there (`recommendedOnKind`), as values to
 * start from: the form and the quick input both propose them, and the user can change them back.
 */
export function kindRecommendations(template: Template): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of template.parameters) {
    const c = p.choices?.find((x) => x.recommendedOnKind);
    if (c && c.value !== p.default) out[p.name] = c.value;
  }
  return out;
}

export interface FieldState {
  /** The parameter's `when` holds: the field is shown and its value used. */
  active: boolean;
  /** What the field shows: the typed value, or the (possibly derived) default. */
  value: ParameterValue;
  /** The default for the values above it (`${appName}-gateway:0.1.0` follows appName). */
  default: ParameterValue;
  /** The user typed or picked a value (it no longer follows the default). */
  edited: boolean;
  /** What is wrong with the value, without the field's name (it is shown beside the field). */
  error?: string;
}

export interface FormProblem {
  /** The field the problem is about (a constraint's `parameter`), when there is one. */
  parameter?: string;
  message: string;
}

export interface FormEvaluation {
  /** Every parameter's value to render with (a field with an error keeps its default here). */
  values: ParameterValues;
  fields: Record<string, FieldState>;
  /** Constraints between values that do not hold (checked once every field is valid). */
  problems: FormProblem[];
  /** Nothing wrong: Generate may write. */
  valid: boolean;
  /** Active parameters whose value differs from the default (the "Regenerate: --set …" line). */
  changed: string[];
}

/**
 * Evaluates the form for the values the user gave (`given`: typed text, picked choices, ticked
 * boxes; names the template does not declare are ignored), in declaration order so derived defaults
 * and `when` conditions see the values above them. A field whose `when` is false is inactive: its
 * value is kept for when it applies again, but neither checked nor used.
 */
export function evaluateForm(template: Template, given: Readonly<Record<string, ParameterValue>>): FormEvaluation {
  const values: ParameterValues = {};
  const fields: Record<string, FieldState> = {};
  const changed: string[] = [];
  let fieldErrors = 0;
  for (const p of template.parameters) {
    const def = defaultFor(p, values);
    const active = isActive(p, values);
    const edited = Object.prototype.hasOwnProperty.call(given, p.name);
    const state: FieldState = { active, value: edited ? given[p.name] : def, default: def, edited };
    values[p.name] = def;
    if (edited && active) {
      const r = coerceValue(p, given[p.name]);
      if ('error' in r) {
        state.error = r.reason;
        fieldErrors++;
      } else {
        values[p.name] = r.value;
        if (r.value !== def) changed.push(p.name);
      }
    }
    fields[p.name] = state;
  }
  const problems: FormProblem[] = [];
  if (fieldErrors === 0) {
    for (const c of checkConstraints(template, values)) {
      const owner = c.parameter ? fields[c.parameter] : undefined;
      if (owner?.active && !owner.error) owner.error = c.message;
      problems.push({ parameter: c.parameter || undefined, message: c.message });
    }
  }
  return { values, fields, problems, valid: fieldErrors === 0 && problems.length === 0, changed };
}
