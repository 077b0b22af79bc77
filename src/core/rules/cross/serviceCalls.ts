import type { CallsReference } from '../../model/references';

/** What holds the address, in words: `env TF_SERVING_HOST`, `args[1]`. */
export function holderText(ref: CallsReference): string {
  if (ref.envName) return `env ${ref.envName}`;
  const field = ref.path[ref.path.length - 2];
  const i = ref.path[ref.path.length - 1];
  return `${String(field)}[${String(i)}]`;
}

/** Offsets (in the string at `ref.path`) of the Service-name label of the address. */
export function nameSpan(ref: CallsReference): [number, number] {
  const a = ref.address;
  const start = a.hostStart + (a.pod ? a.pod.length + 1 : 0);
  return [start, start + a.name.length];
}

/** Offsets of the namespace label, when the address names one. */
export function namespaceSpan(ref: CallsReference): [number, number] | undefined {
  const a = ref.address;
  if (a.namespace === undefined) return undefined;
  const [, nameEnd] = nameSpan(ref);
  return [nameEnd + 1, nameEnd + 1 + a.namespace.length];
}
