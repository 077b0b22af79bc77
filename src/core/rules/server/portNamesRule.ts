import type { Fix, RelatedLocation } from '../../findings';
import { asArray, asRecord, getPath } from '../../model/kinds';
import type { ResourceCheck, ResourceCheckContext, RuleMeta, Rule } from '../types';
import { isBuiltin, podContainers } from './builtinKinds';
import { dns1123Label, hasTemplatePlaceholder, ianaServiceName } from './nameSyntax';
import { portFieldsOf } from './portFields';
import { isBlockMapWithItems, keyColumn, lineBreak, nodeAt, replaceEdit, replaceScalarEdit, startsLine } from '../yamlEdits';

const META: RuleMeta[] = [
  { code: 'invalid-port-name', family: 'server', severity: 'error', title: 'Port name (or named targetPort) the API server rejects' },
  { code: 'duplicate-port-name', family: 'server', severity: 'error', title: 'Two ports with the same name in one container or Service' },
  { code: 'service-port-name-required', family: 'server', severity: 'error', title: 'A Service with several ports must name each of them' },
];

/** Port names people give well-known ports, used when a quick fix has to invent a name. */
const CONVENTIONAL_NAMES: Record<number, string> = { 80: 'http', 8080: 'http', 443: 'https', 8443: 'https', 8500: 'grpc', 9090: 'metrics' };

const check: ResourceCheck = (ctx) => {
  checkNameSyntax(ctx);
  checkContainerPortNames(ctx);
  if (isBuiltin(ctx.resource, 'Service')) checkServicePortNames(ctx);
};

/** Port names and port references (targetPort, probe ports, Ingress backend ports) given as strings. */
function checkNameSyntax(ctx: ResourceCheckContext): void {
  for (const f of portFieldsOf(ctx.resource)) {
    if (typeof f.value !== 'string' || hasTemplatePlaceholder(f.value)) continue;
    if (f.role !== 'targetPort' && f.role !== 'probePort' && f.role !== 'backendPort') continue;
    if (/^\d+$/.test(f.value)) {
      // `targetPort: "9696"` is a string, so it is read as a port *name*.
      const n = Number(f.value);
      const fixes: Fix[] = [];
      const edit = n >= 1 && n <= 65535 && f.role !== 'backendPort' ? replaceScalarEdit(ctx.doc, nodeAt(ctx.resource, f.path), String(n)) : undefined;
      if (edit) fixes.push({ title: `Write the port as the number ${n}`, edits: [edit], preferred: true });
      ctx.report(
        'invalid-port-name',
        `"${f.value}" in ${f.where} is quoted, so Kubernetes reads it as a port name, and a port name needs at least one letter; ` +
          (f.role === 'backendPort'
            ? `the API server rejects it. Use port.number: ${n} instead of port.name.`
            : `the API server rejects it. Write the number without quotes (${n}).`),
        ctx.range(f.path, 'value'),
        { fixes },
      );
      continue;
    }
    const problem = ianaServiceName(f.value);
    if (problem) {
      ctx.report('invalid-port-name', `Port name "${f.value}" in ${f.where} ${problem}; the API server rejects it.`, ctx.range(f.path, 'value'));
    }
  }
}

/** Container port names: IANA service names (at most 15 characters), unique within the container. */
function checkContainerPortNames(ctx: ResourceCheckContext): void {
  for (const c of podContainers(ctx.resource, { init: true })) {
    const seen = new Map<string, number>();
    asArray(c.container.ports).forEach((p, i) => {
      const name = asRecord(p)?.name;
      if (typeof name !== 'string' || name === '' || hasTemplatePlaceholder(name)) return;
      const path = [...c.path, 'ports', i, 'name'];
      const problem = ianaServiceName(name);
      if (problem) {
        ctx.report(
          'invalid-port-name',
          `Container port name "${name}" ${problem}; the API server rejects it (container port names are IANA service names: at most 15 lowercase letters, digits and '-').`,
          ctx.range(path, 'value'),
        );
        return;
      }
      const first = seen.get(name);
      if (first !== undefined) {
        ctx.report(
          'duplicate-port-name',
          `Port name "${name}" is used twice in container ${c.name || '(unnamed)'}; names must be unique because Services and probes refer to ports by name.`,
          ctx.range(path, 'value'),
          { related: [{ file: '', range: ctx.range([...c.path, 'ports', first, 'name'], 'value'), message: `first "${name}"` }] },
        );
      } else {
        seen.set(name, i);
      }
    });
  }
}

function checkServicePortNames(ctx: ResourceCheckContext): void {
  const ports = asArray(getPath(ctx.resource.object, ['spec', 'ports']));
  const seen = new Map<string, number>();
  const taken = new Set(ports.map((p) => asRecord(p)?.name).filter((n): n is string => typeof n === 'string' && n !== ''));
  ports.forEach((p, i) => {
    const port = asRecord(p);
    if (!port) return;
    const name = port.name;
    if (typeof name === 'string' && name !== '') {
      if (hasTemplatePlaceholder(name)) return;
      const problem = dns1123Label(name);
      if (problem) {
        ctx.report('invalid-port-name', `Service port name "${name}" ${problem}; the API server rejects it.`, ctx.range(['spec', 'ports', i, 'name'], 'value'));
        return;
      }
      const first = seen.get(name);
      if (first !== undefined) {
        const related: RelatedLocation[] = [{ file: '', range: ctx.range(['spec', 'ports', first, 'name'], 'value'), message: `first "${name}"` }];
        ctx.report(
          'duplicate-port-name',
          `Port name "${name}" is used twice in this Service; the API server rejects duplicate port names.`,
          ctx.range(['spec', 'ports', i, 'name'], 'value'),
          { related },
        );
      } else {
        seen.set(name, i);
      }
      return;
    }
    if (ports.length < 2) return;
    if (name != null && typeof name !== 'string') return; // a number or a map: the schema's type error
    const fixes: Fix[] = [];
    const suggestion = name === undefined ? suggestPortName(port, taken) : undefined;
    if (suggestion) {
      const fix = addNameAsFirstKey(ctx, i, suggestion);
      if (fix) {
        taken.add(suggestion);
        fixes.push(fix);
      }
    }
    ctx.report(
      'service-port-name-required',
      `This Service has ${ports.length} ports, so each one needs a name (the API server rejects an unnamed one); ` +
        'names tell the ports apart in EndpointSlices and let an Ingress refer to a port by name.',
      ctx.range(['spec', 'ports', i]),
      { fixes },
    );
  });
}

function suggestPortName(port: Record<string, unknown>, taken: Set<string>): string | undefined {
  const candidates: string[] = [];
  if (typeof port.targetPort === 'string' && !ianaServiceName(port.targetPort)) candidates.push(port.targetPort);
  if (typeof port.port === 'number') {
    const conventional = CONVENTIONAL_NAMES[port.port];
    if (conventional) candidates.push(conventional);
    candidates.push(`port-${port.port}`);
  }
  return candidates.find((c) => !taken.has(c) && !dns1123Label(c));
}

/** `- port: 80` → `- name: http` / `  port: 80`: the name goes first, as people write it. */
function addNameAsFirstKey(ctx: ResourceCheckContext, index: number, name: string): Fix | undefined {
  const item = nodeAt(ctx.resource, ['spec', 'ports', index]);
  if (!isBlockMapWithItems(item)) return undefined;
  const first = item.items[0];
  const key = first.key as { range?: [number, number, number] };
  const column = keyColumn(ctx.doc, first);
  if (!key.range || column === undefined) return undefined;
  const before = ctx.doc.text.slice(ctx.doc.lines.lineStart(ctx.doc.lines.position(key.range[0]).line), key.range[0]);
  if (!/^ *(- +)?$/.test(before) && !startsLine(ctx.doc, key.range[0])) return undefined;
  const at = key.range[0];
  return {
    title: `Name this port "${name}"`,
    edits: [replaceEdit(ctx.doc, at, at, `name: ${name}${lineBreak(ctx.doc)}${' '.repeat(column)}`)],
    preferred: true,
  };
}

export const portNamesRule: Rule = { scope: 'resource', meta: META, check };
