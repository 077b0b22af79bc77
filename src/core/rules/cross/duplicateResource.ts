import { referencesOf } from '../../model/references';
import type { Rule } from '../types';
import { baseName, dirKey, pathKey } from '../../index/unitPaths';
import { related } from './wording';

const CODE = 'duplicate-resource';

/** Another file as the reader of `from` knows it: its name when it sits in the same folder. */
function nearName(file: string, from: string): string {
  const dir = dirKey(pathKey(file));
  return dir === dirKey(pathKey(from)) ? baseName(pathKey(file)) : file;
}

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
      const unitKind = ctx.index.unit?.kind;
      for (const r of group) {
        const others = group.filter((o) => o !== r);
        const files = [...new Set(others.map((o) => (o.file === r.file ? 'this file' : nearName(o.file, r.file))))];
        const rel = { related: others.map((o) => related(o, ['metadata', 'name'], `${o.kind} ${o.name} is also defined here`, 'value')) };
        const range = ctx.range(r, ['metadata', 'name'], 'value');
        if (unitKind === 'folder' && others.every((o) => o.file !== r.file)) {
          // A folder nothing declares as a unit may hold alternatives (a plain and a dual-stack
          // variant, tutorial steps) applied one file at a time.
          ctx.report(
            r,
            CODE,
            `${r.kind} ${r.name}${where} is also defined in ${files.join(', ')} in this folder. Applied as one (\`kubectl apply -f ${ctx.index.unit?.name ?? 'DIR'}\`), the last one replaces the other; if the files are alternatives applied one at a time, that is expected. Declare the folder as a unit in .kube-topology.yaml to have this reported as an error.`,
            range,
            { ...rel, severity: 'info' },
          );
          continue;
        }
        const effect =
          unitKind === 'kustomize'
            ? `kustomize refuses to build the unit (\`kubectl apply -k ${ctx.index.unit?.name ?? 'DIR'}\` fails: the id is already registered)`
            : 'kubectl apply keeps only the last one applied and silently replaces the others';
        ctx.report(
          r,
          CODE,
          `${r.kind} ${r.name}${where} is defined ${group.length} times (also in ${files.join(', ')}): ${effect}. Rename or remove one.`,
          range,
          rel,
        );
      }
    }
  },
};
