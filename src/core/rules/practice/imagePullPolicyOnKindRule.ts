import type { Fix } from '../../findings';
import type { ResourceCheck, ResourceCheckContext, RuleMeta, Rule } from '../types';
import { podContainers } from '../server/builtinKinds';
import { hasTemplatePlaceholder } from '../server/nameSyntax';
import type { ContainerView } from '../../model/kinds';
import type { ImageOverride } from '../../index/kustomization';
import { insertLinesAfterOffset, isBlockMapWithItems, keyColumn, nodeAt, pairAt, pairEnd } from '../yamlEdits';

const META: RuleMeta[] = [
  {
    code: 'latest-image-pull-always',
    family: 'kind',
    severity: 'warning',
    title: ':latest or untagged image without imagePullPolicy (pulls on every start; ignores images loaded into kind)',
  },
];

/** The tag of an image reference, '' when it has none; undefined when it is pinned by digest. */
export function imageTag(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  return colon === -1 ? '' : image.slice(colon + 1);
}

/** The image as kustomize writes it, given the `images:` rewrites of the kustomizations that build the file. */
function rewrittenImage(image: string, overrides: readonly ImageOverride[] | undefined): string {
  if (!overrides?.length) return image;
  const at = image.indexOf('@');
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  const end = at !== -1 ? at : colon !== -1 ? colon : image.length;
  const name = image.slice(0, end);
  const o = overrides.find((x) => x.name === name);
  if (!o) return image;
  const suffix = o.digest ? `@${o.digest}` : o.newTag ? `:${o.newTag}` : image.slice(end);
  return `${o.newName ?? name}${suffix}`;
}

/**
 * With no tag or :latest, imagePullPolicy defaults to Always, so the kubelet asks a registry on
 * every pod start. On kind that ignores an image loaded with `kind load docker-image` and fails
 * with ErrImagePull when the registry does not have it.
 */
const check: ResourceCheck = (ctx) => {
  for (const c of podContainers(ctx.resource, { init: true })) {
    const image = c.container.image;
    if (typeof image !== 'string' || image === '' || 'imagePullPolicy' in c.container || hasTemplatePlaceholder(image)) continue;
    // kustomize's `images:` gives the image the tag (or digest) it is applied with.
    const applied = rewrittenImage(image.trim(), ctx.file.images);
    const tag = imageTag(applied);
    if (tag === undefined || (tag !== '' && tag !== 'latest')) continue;
    const fixes: Fix[] = [];
    const fix = pullPolicyFix(ctx, c);
    if (fix) fixes.push(fix);
    const tagText = tag === '' ? `has no tag, so it means ${applied}:latest` : 'uses the :latest tag';
    const shown = applied === image.trim() ? `"${image}"` : `"${image}" (applied as "${applied}": kustomize's images)`;
    ctx.report(
      'latest-image-pull-always',
      `Image ${shown} ${tagText}, and without imagePullPolicy Kubernetes then uses Always: every pod start pulls from a registry. ` +
        'On kind an image you loaded with `kind load docker-image` is ignored and the pod fails with ErrImagePull / ImagePullBackOff ' +
        'when the registry does not have it; elsewhere you cannot tell which build is running. ' +
        'Set imagePullPolicy: IfNotPresent, or better, tag the image with a version (my-app:v1) and load that.',
      ctx.range([...c.path, 'image'], 'value'),
      { fixes },
    );
  }
};

/** Adds `imagePullPolicy: IfNotPresent` on the line after `image:`, at the container's key column. */
function pullPolicyFix(ctx: ResourceCheckContext, c: ContainerView): Fix | undefined {
  const container = nodeAt(ctx.resource, c.path);
  if (!isBlockMapWithItems(container)) return undefined;
  const imagePair = pairAt(ctx.resource, [...c.path, 'image']);
  if (!imagePair) return undefined;
  const column = keyColumn(ctx.doc, imagePair);
  const end = pairEnd(imagePair);
  if (column === undefined || end === undefined) return undefined;
  return {
    title: 'Set imagePullPolicy: IfNotPresent (use the image already on the node)',
    edits: [insertLinesAfterOffset(ctx.doc, end, column, ['imagePullPolicy: IfNotPresent'])],
    preferred: true,
  };
}

export const imagePullPolicyOnKindRule: Rule = { scope: 'resource', meta: META, check };
