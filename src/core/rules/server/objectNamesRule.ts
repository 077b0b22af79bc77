import type { Fix } from '../../findings';
import { isClusterScoped } from '../../model/kinds';
import type { AnalysisOptions, ResourceCheck, RuleMeta, Rule } from '../types';
import { isBuiltin, kubernetesMinor, podContainers } from './builtinKinds';
import { isBuiltinApiVersion } from '../../schema/schemaRules';
import { dns1035Label, dns1123Label, dns1123Subdomain, hasTemplatePlaceholder } from './nameSyntax';
import { nodeAt, replaceScalarEdit } from '../yamlEdits';

const META: RuleMeta[] = [
  {
    code: 'invalid-name',
    family: 'server',
    severity: 'error',
    title: 'Object, namespace or container name the API server rejects',
  },
  {
    code: 'missing-name',
    family: 'server',
    severity: 'error',
    title: 'Object without metadata.name (and without generateName)',
  },
  {
    code: 'name-not-dns-label',
    family: 'server',
    severity: 'warning',
    title: 'Workload name with dots or over 63 characters (the API server warns: it becomes pod names and hostnames)',
  },
];

/** Kinds whose name the API server (1.36) warns about when it is not a DNS label. */
const HOSTNAME_KINDS = ['Pod', 'Deployment', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'];

interface NameRule {
  check(name: string, options: AnalysisOptions): string | undefined;
  /** Why this kind's names are restricted, in words a learner can act on. */
  why: string;
}

const subdomain = (why: string, maxLength?: number): NameRule => ({
  check: (name) =>
    maxLength !== undefined && name.length > maxLength ? `must be at most ${maxLength} characters (it has ${name.length})` : dns1123Subdomain(name),
  why,
});

const NAME_RULES: Record<string, NameRule> = {
  Service: {
    // Service names became DNS-1123 labels (may start with a digit) with RelaxedServiceNameValidation, beta and on in 1.36.
    check: (name, options) => (minorVersion(options) >= 36 ? dns1123Label(name) : dns1035Label(name)),
    why: 'the name becomes the DNS name other pods call (name.namespace.svc.cluster.local)',
  },
  Namespace: { check: dns1123Label, why: 'namespace names are DNS labels (they appear in every Service DNS name)' },
  StatefulSet: { check: dns1123Label, why: 'each pod is named <name>-0, <name>-1, … and uses that as its hostname' },
  CronJob: subdomain('each Job it starts is named <name>-<11-character timestamp>, and Job names must fit in 63 characters', 52),
  Job: subdomain('the name is copied into the job-name label of its pods, and label values are at most 63 characters', 63),
};
for (const kind of [
  'Pod',
  'Deployment',
  'ReplicaSet',
  'DaemonSet',
  'ReplicationController',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Ingress',
  'IngressClass',
  'NetworkPolicy',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'StorageClass',
  'PriorityClass',
  'LimitRange',
  'ResourceQuota',
  'EndpointSlice',
  'Endpoints',
]) {
  NAME_RULES[kind] = subdomain('object names are DNS subdomains');
}

/** metadata.name and metadata.namespace syntax, and container names (DNS-1123 labels). */
const check: ResourceCheck = (ctx) => {
  const r = ctx.resource;
  checkNamePresent(ctx);
  const rule = r.kind ? NAME_RULES[r.kind] : undefined;
  if (rule && isBuiltin(r, r.kind as string) && typeof r.name === 'string' && !hasTemplatePlaceholder(r.name)) {
    const problem = rule.check(r.name, ctx.options);
    if (problem) {
      ctx.report('invalid-name', `${r.kind} name "${r.name}" ${problem}; the API server rejects it (${rule.why}).`, ctx.range(['metadata', 'name'], 'value'));
    } else if (isBuiltin(r, ...HOSTNAME_KINDS)) {
      if (dns1123Label(r.name)) {
        const where = r.kind === 'Pod' ? "the pod's hostname" : 'the names and hostnames of its pods';
        const why = r.name.length > 63 ? `is ${r.name.length} characters long` : 'contains dots';
        ctx.report(
          'name-not-dns-label',
          `${r.kind} name "${r.name}" is accepted, but the API server warns about it: it becomes ${where}, which are DNS labels, ` +
            `and this name ${why} (a hostname with dots reads as a domain name; a long one is cut at 63 characters). ` +
            'Prefer a name without dots, at most 63 characters.',
          ctx.range(['metadata', 'name'], 'value'),
        );
      }
    }
  }

  if (typeof r.namespace === 'string' && !isClusterScoped(r.kind) && !hasTemplatePlaceholder(r.namespace)) {
    const problem = dns1123Label(r.namespace);
    if (problem) {
      ctx.report('invalid-name', `Namespace "${r.namespace}" ${problem}; the API server rejects the object.`, ctx.range(['metadata', 'namespace'], 'value'));
    }
  }

  const containers = podContainers(r, { init: true, ephemeral: true });
  const taken = new Set(containers.map((c) => c.name));
  for (const c of containers) {
    if (typeof c.container.name !== 'string' || hasTemplatePlaceholder(c.name)) continue; // missing or not a string: the schema's finding
    const problem = dns1123Label(c.name);
    if (!problem) continue;
    const fixes: Fix[] = [];
    const suggestion = containerNameSuggestion(c.name);
    if (suggestion && !taken.has(suggestion)) {
      const edit = replaceScalarEdit(ctx.doc, nodeAt(r, [...c.path, 'name']), suggestion);
      if (edit) fixes.push({ title: `Rename the container to "${suggestion}"`, edits: [edit], preferred: true });
    }
    ctx.report(
      'invalid-name',
      `Container name "${c.name}" ${problem}; the API server rejects the pod (container names are DNS-1123 labels).`,
      ctx.range([...c.path, 'name'], 'value'),
      { fixes },
    );
  }
};

/**
 * Every object needs a name: the API server answers "resource name may not be empty". An object
 * with only generateName is made by `kubectl create` (an Argo CD hook, a post-install Job), so it
 * is left alone. Only Kubernetes' own kinds: a custom group's YAML may be a tool's configuration
 * (a kind cluster config has apiVersion and kind, and no metadata).
 */
function checkNamePresent(ctx: Parameters<ResourceCheck>[0]): void {
  const r = ctx.resource;
  if (!r.apiVersion || !r.kind || r.kind === 'List' || r.kind.endsWith('List') || !isBuiltinApiVersion(r.apiVersion)) return;
  const meta = r.object.metadata;
  const record = meta !== null && typeof meta === 'object' && !Array.isArray(meta) ? (meta as Record<string, unknown>) : undefined;
  if (record && (record.name !== undefined || (typeof record.generateName === 'string' && record.generateName !== ''))) return;
  ctx.report(
    'missing-name',
    `This ${r.kind} has no metadata.name: the API server rejects it ("resource name may not be empty"), and kubectl apply cannot find it again to update it. Add a name.`,
    ctx.range(record ? ['metadata'] : ['kind'], record ? 'key' : 'value'),
  );
}

/** "TF_Serving Model" → "tf-serving-model", when that is a valid label. */
export function containerNameSuggestion(name: string): string | undefined {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return s && s !== name && !dns1123Label(s) ? s : undefined;
}

function minorVersion(options: AnalysisOptions): number {
  return kubernetesMinor(options);
}

export const objectNamesRule: Rule = { scope: 'resource', meta: META, check };
