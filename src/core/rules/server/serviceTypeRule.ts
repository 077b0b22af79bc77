import type { Fix, TextEdit } from '../../findings';
import { asArray, asRecord, getPath } from '../../model/kinds';
import type { ResourceCheck, ResourceCheckContext, RuleMeta, Rule } from '../types';
import { isBuiltin } from './builtinKinds';
import { dns1123Subdomain, hasTemplatePlaceholder } from './nameSyntax';
import { insertLinesBefore, isBlockMapWithItems, keyColumn, nodeAt, pairAt, removePairEdit, replaceScalarEdit, startsLine } from '../yamlEdits';

const META: RuleMeta[] = [
  {
    code: 'service-type-conflict',
    family: 'server',
    severity: 'error',
    title: 'Service fields that its type does not allow (headless LoadBalancer, nodePort on ClusterIP)',
  },
  { code: 'service-external-name', family: 'server', severity: 'error', title: 'ExternalName Service without a valid externalName (or with a clusterIP)' },
  {
    code: 'service-missing-ports',
    family: 'server',
    severity: 'error',
    title: 'Service without ports (only headless and ExternalName Services may omit them)',
  },
];

const check: ResourceCheck = (ctx) => {
  const r = ctx.resource;
  if (!isBuiltin(r, 'Service')) return;
  const spec = asRecord(r.object.spec) ?? {};
  const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
  const clusterIP = typeof spec.clusterIP === 'string' ? spec.clusterIP : '';
  const ports = asArray(spec.ports);

  if ((type === 'LoadBalancer' || type === 'NodePort') && clusterIP === 'None') {
    const fixes: Fix[] = [];
    const removal = removePairEdit(ctx.doc, pairAt(r, ['spec', 'clusterIP']));
    if (removal) fixes.push({ title: 'Remove clusterIP: None', edits: [removal], preferred: true });
    ctx.report(
      'service-type-conflict',
      `clusterIP: None makes a headless Service, which cannot be type ${type}; the API server rejects it. ` +
        `Remove clusterIP: None to get a ${type} Service, or drop the type for a headless one.`,
      ctx.range(['spec', 'clusterIP'], 'value'),
      { fixes },
    );
  }

  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      const nodePort = asRecord(p)?.nodePort;
      if (typeof nodePort !== 'number' || nodePort === 0) return;
      const fixes: Fix[] = [];
      const edit = setTypeEdit(ctx, 'NodePort');
      if (edit) fixes.push({ title: 'Make this a NodePort Service (type: NodePort)', edits: [edit], preferred: true });
      ctx.report(
        'service-type-conflict',
        `nodePort is only allowed on NodePort and LoadBalancer Services, and this Service is ${'type' in spec ? 'type ClusterIP' : 'ClusterIP (the default type)'}; ` +
          'the API server rejects it. Set type: NodePort, or remove nodePort.',
        ctx.range(['spec', 'ports', i, 'nodePort'], 'key'),
        { fixes },
      );
    });
  }

  if (type === 'ExternalName') {
    const externalName = spec.externalName;
    if (typeof externalName !== 'string' || externalName === '') {
      ctx.report(
        'service-external-name',
        'An ExternalName Service needs spec.externalName (the DNS name it points to, for example db.example.com); the API server rejects it without one.',
        ctx.range(['spec', 'externalName' in spec ? 'externalName' : 'type'], 'value'),
      );
    } else if (!hasTemplatePlaceholder(externalName)) {
      const problem = dns1123Subdomain(externalName);
      if (problem) {
        const extra = /[:/]/.test(externalName) ? ' It is a DNS name only: no scheme, port or path.' : '';
        ctx.report(
          'service-external-name',
          `externalName "${externalName}" ${problem}; the API server rejects it.${extra}`,
          ctx.range(['spec', 'externalName'], 'value'),
        );
      }
    }
    if (clusterIP !== '') {
      ctx.report(
        'service-external-name',
        'An ExternalName Service has no cluster IP; the API server rejects clusterIP here. Remove it.',
        ctx.range(['spec', 'clusterIP'], 'value'),
      );
    }
  }

  // ports present but not a list is the schema's type error, not a missing field
  const portsMissing = spec.ports == null || (Array.isArray(spec.ports) && spec.ports.length === 0);
  if (portsMissing && clusterIP !== 'None' && type !== 'ExternalName') {
    ctx.report(
      'service-missing-ports',
      'This Service has no ports; the API server rejects it (only headless and ExternalName Services may omit ports). ' +
        'Add the port clients call and the targetPort your container listens on.',
      ctx.range(['spec', 'ports'], 'key'),
    );
  }
};

/** Sets spec.type: replaces an existing value, or adds `type:` on its own line before `ports:`. */
function setTypeEdit(ctx: ResourceCheckContext, type: string): TextEdit | undefined {
  const r = ctx.resource;
  if (getPath(r.object, ['spec', 'type']) !== undefined) return replaceScalarEdit(ctx.doc, nodeAt(r, ['spec', 'type']), type);
  const spec = nodeAt(r, ['spec']);
  if (!isBlockMapWithItems(spec)) return undefined;
  const anchor = pairAt(r, ['spec', 'ports']) ?? spec.items[0];
  const key = anchor.key as { range?: [number, number, number] };
  const column = keyColumn(ctx.doc, anchor);
  if (!key.range || column === undefined || !startsLine(ctx.doc, key.range[0])) return undefined;
  return insertLinesBefore(ctx.doc, key.range[0], column, [`type: ${type}`]);
}

export const serviceTypeRule: Rule = { scope: 'resource', meta: META, check };
