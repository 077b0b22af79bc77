/**
 * Keeping secrets out of everything a person or a log sees: Secret values of the manifests,
 * kubeconfig credentials (tokens, passwords, client keys, exec env values) and credential-plugin
 * output. A server, an admission webhook or a proxy may echo a value back in an error, as it is,
 * JSON-escaped (`\n`, `\"`, `\u00e4`, Go's `\u003c`), base64 or decoded; each of those forms is
 * replaced by `***`. Server URLs lose their user:password@ and query values.
 */

export const REDACTED = '***';

/** Values shorter than this are not scrubbed on their own (a 1-character value would eat every message). */
const MIN_SECRET_LENGTH = 4;

/** Every form a value may take inside a server's or a tool's message. */
export function secretForms(value: string): string[] {
  if (value.length < MIN_SECRET_LENGTH) return [];
  const forms = new Set<string>([value]);
  const json = JSON.stringify(value).slice(1, -1);
  forms.add(json);
  // JSON with every non-ASCII character escaped (\u00e4, and \u00E4 as some encoders write it).
  const ascii = json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  forms.add(ascii);
  forms.add(ascii.replace(/\\u([0-9a-f]{4})/g, (_m, h: string) => `\\u${h.toUpperCase()}`));
  // Go's encoding/json also escapes <, > and &.
  const goJson = (s: string) => s.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
  forms.add(goJson(json));
  forms.add(goJson(ascii));
  const b64 = Buffer.from(value, 'utf8').toString('base64');
  forms.add(b64);
  forms.add(b64.replace(/=+$/, ''));
  forms.add(Buffer.from(value, 'utf8').toString('base64url'));
  // A multi-line value (a key, a certificate) may be quoted one line at a time.
  if (value.includes('\n')) for (const line of value.split(/\r?\n/)) if (line.trim().length >= 8) forms.add(line.trim());
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/** A base64 `data` value decoded, when it really is base64 of text. */
export function decodedBase64(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0 || compact.length === 0) return undefined;
  const text = Buffer.from(compact, 'base64').toString('utf8');
  return text.includes('\uFFFD') ? undefined : text;
}

/**
 * Holds the secret strings of one connection or one run and scrubs them from text. Longest forms
 * are replaced first, so a value that contains another is replaced whole.
 */
export class Redactor {
  private readonly forms = new Set<string>();
  private sorted: string[] | undefined;

  /** Adds values (and each of their forms); empty and very short ones are ignored. */
  add(...values: ReadonlyArray<string | undefined | null>): this {
    for (const v of values) {
      if (typeof v !== 'string') continue;
      for (const f of secretForms(v)) this.forms.add(f);
      const decoded = decodedBase64(v);
      if (decoded) for (const f of secretForms(decoded)) this.forms.add(f);
      this.sorted = undefined;
    }
    return this;
  }

  /** Everything another redactor holds. */
  merge(other: Redactor): this {
    for (const f of other.forms) this.forms.add(f);
    this.sorted = undefined;
    return this;
  }

  get size(): number {
    return this.forms.size;
  }

  scrub(text: string): string {
    if (this.forms.size === 0 || !text) return text;
    this.sorted ??= [...this.forms].sort((a, b) => b.length - a.length);
    let out = text;
    for (const f of this.sorted) if (out.includes(f)) out = out.split(f).join(REDACTED);
    return out;
  }
}

/**
 * A server URL as it may be shown: `https://***@host:6443/prefix?token=***`. Unparseable text is
 * shown as the part before any "@", "?" or "#".
 */
export function redactServerUrl(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return server.replace(/^[^/]*\/\/[^@/]*@/, (m) => m.replace(/\/\/[^@/]*@/, `//${REDACTED}@`)).replace(/[?#].*$/, '?…');
  }
  if (url.username || url.password) {
    url.username = REDACTED;
    url.password = '';
  }
  for (const key of [...url.searchParams.keys()]) url.searchParams.set(key, REDACTED);
  url.hash = url.hash ? REDACTED : '';
  // URL encodes the `*` of the placeholder in a query: show it as written.
  return url.toString().replace(/%2A%2A%2A/g, REDACTED);
}
