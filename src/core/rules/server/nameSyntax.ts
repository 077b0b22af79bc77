/**
 * The identifier syntaxes the API server enforces (RFC 1123 / RFC 1035 DNS names, IANA service
 * names, qualified label keys). Each check returns a sentence saying what is wrong, or undefined.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export const DNS1123_LABEL_MAX = 63;
export const DNS1123_SUBDOMAIN_MAX = 253;
export const LABEL_VALUE_MAX = 63;
export const PORT_NAME_MAX = 15;

const LABEL_RULE = "lowercase letters, digits and '-', starting and ending with a letter or digit";

export function dns1123Label(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > DNS1123_LABEL_MAX) return `must be at most ${DNS1123_LABEL_MAX} characters (it has ${value.length})`;
  if (!DNS1123_LABEL.test(value)) return `must be a DNS-1123 label: ${LABEL_RULE}${hint(value) || (value.includes('.') ? ' (dots are not allowed)' : '')}`;
  return undefined;
}

export function dns1035Label(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > DNS1123_LABEL_MAX) return `must be at most ${DNS1123_LABEL_MAX} characters (it has ${value.length})`;
  if (!DNS1035_LABEL.test(value)) {
    if (DNS1123_LABEL.test(value)) return 'must start with a letter (a DNS-1035 label)';
    return `must be a DNS-1035 label: ${LABEL_RULE}, and starting with a letter${hint(value)}`;
  }
  return undefined;
}

export function dns1123Subdomain(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > DNS1123_SUBDOMAIN_MAX) return `must be at most ${DNS1123_SUBDOMAIN_MAX} characters (it has ${value.length})`;
  if (!value.split('.').every((part) => DNS1123_LABEL.test(part))) {
    return `must be a DNS-1123 subdomain: ${LABEL_RULE}, with '.' between parts${hint(value)}`;
  }
  return undefined;
}

/** A host that may start with a single `*.` wildcard label (Ingress hosts). */
export function wildcardDns1123Subdomain(value: string): string | undefined {
  if (value.startsWith('*.')) {
    const rest = dns1123Subdomain(value.slice(2));
    return rest ? `after '*.' the host ${rest}` : undefined;
  }
  if (value.includes('*')) return "may use '*' only as its whole first part ('*.example.com')";
  return dns1123Subdomain(value);
}

/** IANA_SVC_NAME, the syntax of container port names and of targetPort names. */
export function ianaServiceName(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > PORT_NAME_MAX) return `must be at most ${PORT_NAME_MAX} characters (it has ${value.length})`;
  if (!/^[-a-z0-9]+$/.test(value)) return `may contain only lowercase letters, digits and '-'${hint(value)}`;
  if (!/[a-z]/.test(value)) return 'must contain at least one letter (a name made only of digits reads as a number)';
  if (value.startsWith('-') || value.endsWith('-')) return "must not start or end with '-'";
  if (value.includes('--')) return "must not contain '--'";
  return undefined;
}

export function labelValue(value: string): string | undefined {
  if (value.length === 0) return undefined;
  if (value.length > LABEL_VALUE_MAX) return `must be at most ${LABEL_VALUE_MAX} characters (it has ${value.length})`;
  if (!LABEL_VALUE.test(value)) return "may contain only letters, digits, '-', '_' and '.', and must start and end with a letter or digit";
  return undefined;
}

/** A label or annotation key: optional `prefix/` (a DNS subdomain) and a name of at most 63 characters. */
export function qualifiedName(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  const parts = value.split('/');
  if (parts.length > 2) return "may contain at most one '/' (between the prefix and the name)";
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefixProblem = dns1123Subdomain(parts[0]);
    if (prefixProblem) return `has a prefix "${parts[0]}" that ${prefixProblem}`;
  }
  if (name.length === 0) return 'must have a name after the prefix';
  if (name.length > LABEL_VALUE_MAX) return `has a name part of ${name.length} characters (at most ${LABEL_VALUE_MAX})`;
  if (!LABEL_VALUE.test(name)) return "must have a name part of letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  return undefined;
}

function hint(value: string): string {
  if (/[A-Z]/.test(value)) return ' (uppercase letters are not allowed)';
  if (value.includes('_')) return " ('_' is not allowed; use '-')";
  if (/\s/.test(value)) return ' (spaces are not allowed)';
  return '';
}

/**
 * Whether a value still holds a template placeholder (Helm `{{ }}`, envsubst `${VAR}`, kustomize
 * vars `$(VAR)`): such a file is not what reaches the API server, so its syntax is not judged.
 */
export function hasTemplatePlaceholder(value: string): boolean {
  return value.includes('{{') || /\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$\([A-Za-z_][A-Za-z0-9_.-]*\)/.test(value);
}
