import { referencesOf } from '../../model/references';
import type { Rule } from '../types';
import { related } from './wording';

const CODE = 'duplicate-resource';

/**
 * The same object (kind, namespace, name) defined twice, in one file or across files: applying
 * the folder keeps whichever comes last and silently drops the other. Files under different
 * kustomize roots (a base and its overlays) are separate builds and are not compared.
 */
export const duplicateResource: Rule = {
  scope: 'index',
  meta: [
    {
      code: CODE,
      family: 'cross-resource',
      severity: 'error',
      title: 'The same object is defined more than once',
    },
  ],
  check(ctx) {
    for (const group of referencesOf(ctx.index).duplicates) {
      const first = group[0];
      const ns = ctx.index.namespaceOf(first);
      const where = ns ? ` in namespace ${ns}` : '';
      for (const r of group) {
        const others = group.filter((o) => o !== r);
        const files = [...new Set(others.map((o) => (o.file === r.file ? 'this file' : o.file)))];
        ctx.report(
          r,
          CODE,
          `${r.kind} ${r.name}${where} is defined ${group.length} times (also in ${files.join(', ')}): kubectl apply keeps only the last one applied and silently replaces the others. Rename or remove one.`,
          ctx.range(r, ['metadata', 'name'], 'value'),
          { related: others.map((o) => related(o, ['metadata', 'name'], `${o.kind} ${o.name} is also defined here`, 'value')) },
        );
      }
    }
  },
};
