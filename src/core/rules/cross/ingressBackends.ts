import type { RoutesReference } from '../../model/references';

/** Where an Ingress backend's traffic comes from, in words: `example.com/predict`, `all other requests`. */
export function routeText(ref: RoutesReference): string {
  if (ref.isDefault) return 'requests no rule matches';
  const host = ref.host ?? '';
  const path = ref.httpPath ?? '/';
  return host ? `${host}${path}` : `path ${path}`;
}
