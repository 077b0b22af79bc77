import type { Fix } from '../../findings';
import { asRecord } from '../../model/kinds';
import type { ResourceCheck, RuleMeta, Rule } from '../types';
import { podContainers } from './builtinKinds';
import { compareQuantities, parseQuantity } from './quantity';
import { nodeAt, replaceScalarEdit } from '../yamlEdits';

const META: RuleMeta[] = [{ code: 'requests-exceed-limits', family: 'server', severity: 'error', title: 'A resource request is greater than its limit' }];

/** For every resource a container both requests and limits, the request must not exceed the limit. */
const check: ResourceCheck = (ctx) => {
  for (const c of podContainers(ctx.resource, { init: true })) {
    const resources = asRecord(c.container.resources);
    const requests = asRecord(resources?.requests);
    const limits = asRecord(resources?.limits);
    if (!requests || !limits) continue;
    for (const [name, requested] of Object.entries(requests)) {
      if (!Object.hasOwn(limits, name)) continue;
      const req = parseQuantity(requested);
      const lim = parseQuantity(limits[name]);
      if (!req || !lim || compareQuantities(req, lim) <= 0) continue;
      const requestPath = [...c.path, 'resources', 'requests', name];
      const limitPath = [...c.path, 'resources', 'limits', name];
      const requestNode = nodeAt(ctx.resource, requestPath);
      const limitNode = nodeAt(ctx.resource, limitPath);
      const requestText = sourceText(ctx.doc.text, requestNode) ?? String(requested);
      const limitText = sourceText(ctx.doc.text, limitNode) ?? String(limits[name]);
      const fixes: Fix[] = [];
      const lower = replaceScalarEdit(ctx.doc, requestNode, limitText);
      if (lower) fixes.push({ title: `Lower requests.${name} to the limit (${limitText})`, edits: [lower] });
      const raise = replaceScalarEdit(ctx.doc, limitNode, requestText);
      if (raise) fixes.push({ title: `Raise limits.${name} to the request (${requestText})`, edits: [raise] });
      ctx.report(
        'requests-exceed-limits',
        `Container ${c.name || '(unnamed)'} requests ${String(requested)} ${name} but is limited to ${String(limits[name])}; ` +
          'the API server rejects a request greater than its limit. The request is what the scheduler reserves, the limit the most the container may use.',
        ctx.range(requestPath, 'value'),
        { fixes, related: [{ file: '', range: ctx.range(limitPath, 'value'), message: `limits.${name}: ${String(limits[name])}` }] },
      );
    }
  }
};

function sourceText(text: string, node: unknown): string | undefined {
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  return range ? text.slice(range[0], range[1]) : undefined;
}

export const requestsWithinLimitsRule: Rule = { scope: 'resource', meta: META, check };
