import type { ParameterValue, ParameterValues } from './templateTypes';

/**
 * `${name}` placeholders. `$${` writes a literal `${`. A scalar that is exactly one placeholder
 * takes the parameter's type (an integer stays an integer); anywhere else the value is spliced
 * into the string. Substitution happens on parsed YAML nodes, never on YAML text, so a value
 * such as `a: b # c` or `*x` cannot change the structure of the output.
 */
const PLACEHOLDER = /\$(\$)?\{([^}]*)\}/g;
const NAME = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/;

export interface PlaceholderRef {
  name: string;
  /** The raw text between the braces when it is not a valid name. */
  invalid?: string;
}

export function placeholdersIn(text: string): PlaceholderRef[] {
  const out: PlaceholderRef[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m[1]) continue;
    const id = NAME.exec(m[2]);
    out.push(id ? { name: id[1] } : { name: '', invalid: m[2] });
  }
  return out;
}

/** The parameter name when the whole text is one placeholder, e.g. `${gatewayPort}`. */
export function solePlaceholder(text: string): string | undefined {
  const m = /^\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}$/.exec(text);
  return m ? m[1] : undefined;
}

export function formatValue(v: ParameterValue | undefined): string {
  return v === undefined ? '' : String(v);
}

/** Replaces every placeholder with its value as text. Unknown names are left for the validator to catch. */
export function interpolate(text: string, values: ParameterValues): string {
  if (!text.includes('${')) return text;
  return text.replace(PLACEHOLDER, (whole, escaped: string | undefined, inner: string) => {
    if (escaped) return whole.slice(1);
    const id = NAME.exec(inner);
    if (!id || !(id[1] in values)) return whole;
    return formatValue(values[id[1]]);
  });
}
