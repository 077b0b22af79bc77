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
  for (const line of text.split(/\r?\n/)) {
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
