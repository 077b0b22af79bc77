import { conditionHolds } from './expression';
import { interpolate } from './placeholders';
import type { ParameterValue, ParameterValues, Template, TemplateParameter, ValueProblem } from './templateTypes';

/** Anchors a user-written pattern so it must match the whole value. */
export function wholeValuePattern(pattern: string): RegExp {
  const p = pattern.startsWith('^') ? pattern : `^(?:${pattern})`;
  return new RegExp(p.endsWith('$') && !p.endsWith('\\$') ? p : `${p}$`);
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

/** What the parameter accepts, for error messages and help ("one of A, B", "an integer 1–65535"). */
export function describeAllowed(p: TemplateParameter): string {
  switch (p.type) {
    case 'enum':
      return `one of ${(p.choices ?? []).map((c) => c.value).join(', ')}`;
    case 'boolean':
      return 'true or false';
    case 'integer': {
      if (p.minimum !== undefined && p.maximum !== undefined) return `an integer from ${p.minimum} to ${p.maximum}`;
      if (p.minimum !== undefined) return `an integer ≥ ${p.minimum}`;
      if (p.maximum !== undefined) return `an integer ≤ ${p.maximum}`;
      return 'an integer';
    }
    default:
      return p.patternMessage ?? (p.pattern ? `text matching ${p.pattern}` : 'text');
  }
}

/**
 * Turns a raw value (text from `--set` or an input box, or a typed default) into the parameter's
 * type and checks it. Returns the value, or a message that names what is allowed (`error`, with the
 * parameter's name for a command line; `reason`, without it, for a message beside the field).
 */
export function coerceValue(p: TemplateParameter, raw: ParameterValue): { value: ParameterValue } | { error: string; reason: string } {
  const bad = (what: string): { error: string; reason: string } => {
    const reason = `${what}; expected ${describeAllowed(p)}`;
    return { error: `${p.name}: ${reason}`, reason };
  };
  switch (p.type) {
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      const w = String(raw).trim().toLowerCase();
      if (TRUE_WORDS.has(w)) return { value: true };
      if (FALSE_WORDS.has(w)) return { value: false };
      return bad(`"${raw}" is not a boolean`);
    }
    case 'integer': {
      const text = String(raw).trim();
      if (typeof raw === 'boolean' || !/^-?\d+$/.test(text)) return bad(`"${raw}" is not an integer`);
      const n = Number(text);
      if (!Number.isSafeInteger(n)) return bad(`${text} is too large`);
      if (p.minimum !== undefined && n < p.minimum) return bad(`${n} is too small`);
      if (p.maximum !== undefined && n > p.maximum) return bad(`${n} is too large`);
      return { value: n };
    }
    case 'enum': {
      const text = String(raw);
      const choices = p.choices ?? [];
      if (choices.some((c) => c.value === text)) return { value: text };
      const loose = choices.find((c) => c.value.toLowerCase() === text.trim().toLowerCase());
      if (loose) return { value: loose.value };
      return bad(`"${text}" is not allowed`);
    }
    default: {
      const text = String(raw);
      if (p.pattern && !wholeValuePattern(p.pattern).test(text)) return bad(`"${text}" is not valid`);
      return { value: text };
    }
  }
}

/** Parameters whose `when` holds for these values (the ones a user is asked about). */
export function isActive(p: TemplateParameter, values: ParameterValues): boolean {
  return !p.when || conditionHolds(p.when, values);
}

/** The default of one parameter given the values of the parameters before it. */
export function defaultFor(p: TemplateParameter, earlier: ParameterValues): ParameterValue {
  if (p.type === 'string' && typeof p.default === 'string') return interpolate(p.default, earlier);
  return p.default;
}

export interface ResolvedValues {
  values: ParameterValues;
  problems: ValueProblem[];
  /** Names of parameters whose value differs from its (possibly derived) default. */
  changed: string[];
}

/**
 * Combines the user's values with the defaults, in declaration order, so derived defaults such
 * as `${appName}-model` follow the earlier answers. Unknown names and bad values are problems
 * (with the allowed values in the message); constraints are checked once the values are valid.
 */
export function resolveValues(template: Template, given: Record<string, ParameterValue>): ResolvedValues {
  const problems: ValueProblem[] = [];
  const known = new Map(template.parameters.map((p) => [p.name, p]));
  for (const key of Object.keys(given)) {
    if (!known.has(key)) {
      const hint = closest(key, [...known.keys()]);
      problems.push({
        parameter: key,
        message: `unknown parameter "${key}" for template ${template.name}${hint ? ` (did you mean ${hint}?)` : ''}; parameters: ${[...known.keys()].join(', ')}`,
      });
    }
  }
  const values: ParameterValues = {};
  const changed: string[] = [];
  for (const p of template.parameters) {
    const def = defaultFor(p, values);
    if (Object.prototype.hasOwnProperty.call(given, p.name)) {
      const r = coerceValue(p, given[p.name]);
      if ('error' in r) {
        problems.push({ parameter: p.name, message: r.error });
        values[p.name] = def;
      } else {
        values[p.name] = r.value;
        if (r.value !== def) changed.push(p.name);
      }
    } else {
      values[p.name] = def;
    }
  }
  if (problems.length === 0) problems.push(...checkConstraints(template, values));
  return { values, problems, changed };
}

export function checkConstraints(template: Template, values: ParameterValues): ValueProblem[] {
  const out: ValueProblem[] = [];
  for (const c of template.constraints) {
    if (!conditionHolds(c.check, values)) out.push({ parameter: c.parameter ?? '', message: interpolate(c.message, values) });
  }
  return out;
}

function closest(word: string, candidates: string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    if (d < bestScore) {
      bestScore = d;
      best = c;
    }
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
