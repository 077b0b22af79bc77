import type { Fix } from '../../findings';
import { asArray, asRecord, getPath } from '../../model/kinds';
import type { PathSegment } from '../../parse/locate';
import type { ResourceCheck, ResourceCheckContext, RuleMeta, Rule } from '../types';
import { isBuiltin } from './builtinKinds';
import { hasTemplatePlaceholder, wildcardDns1123Subdomain } from './nameSyntax';
import { formatLike, nodeAt, replaceScalarEdit } from '../yamlEdits';

const META: RuleMeta[] = [
  { code: 'ingress-invalid-path', family: 'server', severity: 'error', title: 'Ingress path that is not an absolute, clean URL path' },
  { code: 'ingress-invalid-host', family: 'server', severity: 'error', title: 'Ingress host that is an IP address or not a DNS name' },
];

const INVALID_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_SUFFIXES = ['/..', '/.'];

const check: ResourceCheck = (ctx) => {
  const r = ctx.resource;
  if (!isBuiltin(r, 'Ingress')) return;
  asArray(getPath(r.object, ['spec', 'rules'])).forEach((rule, i) => {
    const host = asRecord(rule)?.host;
    if (typeof host === 'string' && host !== '') checkHost(ctx, ['spec', 'rules', i, 'host'], host);
    asArray(getPath(r.object, ['spec', 'rules', i, 'http', 'paths'])).forEach((p, j) => {
      const entry = asRecord(p);
      if (entry) checkPath(ctx, ['spec', 'rules', i, 'http', 'paths', j], entry);
    });
  });
  asArray(getPath(r.object, ['spec', 'tls'])).forEach((t, i) => {
    asArray(asRecord(t)?.hosts).forEach((h, j) => {
      if (typeof h === 'string' && h !== '') checkHost(ctx, ['spec', 'tls', i, 'hosts', j], h);
    });
  });
};

function checkPath(ctx: ResourceCheckContext, base: PathSegment[], entry: Record<string, unknown>): void {
  const pathType = entry.pathType;
  if (typeof pathType !== 'string') return; // missing pathType is the schema's required-field finding
  const path = typeof entry.path === 'string' ? entry.path : entry.path == null ? '' : undefined;
  if (path === undefined || hasTemplatePlaceholder(path)) return;
  const strict = pathType === 'Prefix' || pathType === 'Exact';
  if (!strict && pathType !== 'ImplementationSpecific') return; // an unknown pathType is the schema's enum finding
  // Worked out only for a finding: a range may need the document's YAML tree, which a fast-path read builds on first use.
  const range = () => ('path' in entry ? ctx.range([...base, 'path'], 'value') : ctx.range([...base, 'pathType'], 'key'));

  if (!path.startsWith('/') && (strict || path !== '')) {
    const fixes: Fix[] = [];
    const node = nodeAt(ctx.resource, [...base, 'path']);
    const edit = path !== '' ? replaceScalarEdit(ctx.doc, node, formatLike(node, `/${path}`)) : undefined;
    if (edit) fixes.push({ title: `Change the path to /${path}`, edits: [edit], preferred: true });
    ctx.report(
      'ingress-invalid-path',
      path === ''
        ? `${pathType === 'Exact' ? 'An' : 'A'} ${pathType} path must be an absolute path; the API server rejects an empty one. Use path: / to match every request.`
        : `Path "${path}" must be an absolute path starting with '/'; the API server rejects it.`,
      range(),
      { fixes },
    );
    return;
  }
  if (!strict) return;
  const bad = INVALID_SEQUENCES.find((s) => path.includes(s)) ?? INVALID_SUFFIXES.find((s) => path.endsWith(s));
  if (bad) {
    ctx.report(
      'ingress-invalid-path',
      `Path "${path}" must not contain '${bad}' when pathType is ${pathType}; the API server rejects it (use ImplementationSpecific for controller-specific patterns).`,
      range(),
    );
  }
}

function checkHost(ctx: ResourceCheckContext, path: PathSegment[], host: string): void {
  if (hasTemplatePlaceholder(host)) return;
  if (isIpAddress(host)) {
    ctx.report(
      'ingress-invalid-host',
      `Ingress host "${host}" is an IP address; the API server accepts only DNS names here. Leave host out to match every request ` +
        `(what you want with kind and localhost), or use a name that resolves to it, such as ${host}.nip.io.`,
      ctx.range(path, 'value'),
    );
    return;
  }
  const problem = wildcardDns1123Subdomain(host);
  if (!problem) return;
  const fixes: Fix[] = [];
  const cleaned = host
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/\/.*$/, '')
    .replace(/:\d+$/, '');
  if (cleaned && cleaned !== host && !isIpAddress(cleaned) && !wildcardDns1123Subdomain(cleaned)) {
    const node = nodeAt(ctx.resource, path);
    const edit = replaceScalarEdit(ctx.doc, node, formatLike(node, cleaned));
    if (edit) fixes.push({ title: `Change the host to ${cleaned}`, edits: [edit], preferred: true });
  }
  const extra = /[:/]/.test(host) ? ' A host is only a name: no scheme (http://), port or path.' : '';
  ctx.report('ingress-invalid-host', `Ingress host "${host}" ${problem}; the API server rejects it.${extra}`, ctx.range(path, 'value'), { fixes });
}

/** An IPv4 address, or something shaped like an IPv6 one (the core stays free of Node modules). */
export function isIpAddress(value: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
  if (v4) return v4.slice(1).every((octet) => Number(octet) <= 255);
  return /^[0-9a-f:]+$/i.test(value) && value.split(':').length >= 3;
}

export const ingressPathsAndHostsRule: Rule = { scope: 'resource', meta: META, check };
