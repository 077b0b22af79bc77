import { TEMPLATE_API_VERSION, TEMPLATE_KIND } from './templateTypes';

/**
 * Whether a YAML file is a Kube Topology template (its first document is the template header).
 * Validation should skip such files: their documents hold `${...}` placeholders and `$when`
 * keys that only make sense after rendering. Cheap: looks at the top-level keys of the first
 * document only, without parsing the file.
 */
export function isKubeTopologyTemplate(text: string): boolean {
  let apiVersion: string | undefined;
  let kind: string | undefined;
  // Line by line without splitting the whole text: the answer is in the first document, and this
  // runs on every edit of every file (splitting a 50 MB file first took 2 s).
  for (let start = 0; start <= text.length;) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    const line = text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    start = nl === -1 ? text.length + 1 : nl + 1;
    if (/^(---|\.\.\.)\s*(#.*)?$/.test(line)) {
      if (apiVersion !== undefined || kind !== undefined) break;
      continue;
    }
    const m = /^(apiVersion|kind):\s*["']?([^"'#\s]+)["']?\s*(#.*)?$/.exec(line);
    if (m) {
      if (m[1] === 'apiVersion') apiVersion = m[2];
      else kind = m[2];
      if (apiVersion !== undefined && kind !== undefined) break;
    }
  }
  return apiVersion === TEMPLATE_API_VERSION && kind === TEMPLATE_KIND;
}
