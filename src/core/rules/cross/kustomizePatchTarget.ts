import type { Rule } from '../types';
import { rangeOf } from '../../parse/locate';

const CODE = 'kustomize-patch-target-missing';

/**
 * A kustomize patch is merged into the object it names (its kind and name, or the target its
 * kustomization gives). When the unit has no such object, `kustomize build` — and so
 * `kubectl apply -k` — fails ("failed to find unique target for patch"). Only judged when the unit
 * is all here (no remote base, chart or missing file) and the target is named, not selected by
 * labels or a pattern.
 */
export const kustomizePatchTarget: Rule = {
  scope: 'index',
  meta: [
    {
      code: CODE,
      family: 'cross-resource',
      severity: 'error',
      title: 'Kustomize patch whose target is not in its kustomization (kustomize build fails)',
    },
  ],
  check(ctx) {
    const unit = ctx.index.unit;
    if (!unit?.complete) return;
    for (const patch of unit.patches) {
      const target = patch.target;
      if (target?.bySelector) continue;
      const kind = target?.kind ?? patch.resource?.kind;
      const name = target?.name ?? patch.resource?.name;
      if (!kind || !name || !patch.resource) continue;
      if (unit.generated.has(`${kind}/${name}`)) continue;
      const candidates = ctx.index.ofKind(kind);
      // namePrefix/nameSuffix: kustomize finds a target by its name before or after renaming.
      const found = candidates.some((r) => r.name === name || (unit.renamed && r.name !== undefined && (name.endsWith(r.name) || name.startsWith(r.name))));
      if (found) continue;
      const what = `${kind} ${name}`;
      const others = candidates.map((r) => r.name).filter((n): n is string => !!n);
      const path = patch.resource.name === name ? ['metadata', 'name'] : ['kind'];
      ctx.report(
        patch.resource,
        CODE,
        `This patch changes ${what}, but kustomization ${unit.name} builds no such object${others.length ? ` (its ${kind} objects: ${others.slice(0, 5).join(', ')}${others.length > 5 ? ', …' : ''})` : ''}: ` +
          '`kustomize build` fails ("failed to find unique target for patch"), and so does `kubectl apply -k`.',
        rangeOf(patch.resource, path, 'value'),
      );
    }
  },
};
