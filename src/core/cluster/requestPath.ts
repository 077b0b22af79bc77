/**
 * The one place request paths are made. Every part that comes from a manifest, a command line or a
 * server answer (apiVersion, resource, namespace, name) is checked against the API server's own
 * rule for it and percent-encoded as exactly one path segment; anything else is refused with a
 * RefusedPathError naming the part, and no request is sent.
 *
 * Why it matters: URL parsing removes dot segments, so a ConfigMap called ".." once turned
 * `DELETE /api/v1/namespaces/prod/configmaps/..` into `DELETE /api/v1/namespaces/prod/` — the
 * namespace. encodeURIComponent leaves "." and ".." as they are, so encoding alone is not enough.
 */

/** A path built here (or a literal checked here); ClusterClient.request takes nothing else. */
export type ApiPath = string & { readonly __checkedApiPath: unique symbol };

export type PathPart = 'apiVersion' | 'resource' | 'namespace' | 'name';

export class RefusedPathError extends Error {
  constructor(
    readonly part: PathPart,
    readonly value: string,
    message: string,
  ) {
    super(message);
    this.name = 'RefusedPathError';
  }
}

/** The naming rules of apimachinery (k8s.io/apimachinery/pkg/util/validation and api/validation/path). */
export type NameRule = 'dns-subdomain' | 'dns-label' | 'path-segment';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const RULE_TEXT: Record<NameRule, string> = {
  'dns-subdomain': 'a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", at most 253 characters, starting and ending with a letter or digit',
  'dns-label': 'a DNS-1123 label: lower-case letters, digits and "-", at most 63 characters, starting and ending with a letter or digit',
  'path-segment': 'any text except "." and "..", without "/" or "%"',
};

/**
 * Built-in kinds whose names the API server checks as a DNS-1123 subdomain (StatefulSet: a DNS
 * label since some versions; the wider rule is kept so no version's name is refused). Kinds not listed
 * (custom resources, aggregated APIs) get the path-segment rule: the least any server accepts, so
 * a name is never refused here that the server itself would take.
 */
const SUBDOMAIN_KINDS = new Set([
  'ConfigMap',
  'Secret',
  'Pod',
  'PodTemplate',
  'ReplicationController',
  'ServiceAccount',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Endpoints',
  'LimitRange',
  'ResourceQuota',
  'Node',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'ControllerRevision',
  'Job',
  'CronJob',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'Ingress',
  'IngressClass',
  'NetworkPolicy',
  'EndpointSlice',
  'StorageClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'PriorityClass',
  'RuntimeClass',
  'Lease',
  'CustomResourceDefinition',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
]);

/**
 * Namespace names are DNS-1123 labels. Service names are DNS-1035 labels on most versions and
 * DNS-1123 labels where RelaxedServiceNameValidation is on: the wider rule is the one checked.
 */
const LABEL_KINDS = new Set(['Namespace', 'Service']);

/** The rule the API server applies to metadata.name of this kind (RBAC kinds: path segment). */
export function nameRuleOf(kind: string): NameRule {
  if (LABEL_KINDS.has(kind)) return 'dns-label';
  if (SUBDOMAIN_KINDS.has(kind)) return 'dns-subdomain';
  return 'path-segment';
}

/** Why `value` breaks `rule`, or undefined when it is fine. */
export function ruleProblem(value: string, rule: NameRule): string | undefined {
  if (value === '') return 'it is empty';
  if (value === '.' || value === '..') return `it may not be "${value}"`;
  if (value.includes('/')) return 'it may not contain "/"';
  if (value.includes('%')) return 'it may not contain "%"';
  if (rule === 'path-segment') return undefined;
  const max = rule === 'dns-label' ? 63 : 253;
  if (value.length > max) return `it is longer than ${max} characters`;
  const re = rule === 'dns-label' ? DNS_LABEL : DNS_SUBDOMAIN;
  return re.test(value) ? undefined : `it must be ${RULE_TEXT[rule]}`;
}

/** A value from outside as it may appear in a message: quoted, control characters escaped, shortened. */
export function quoteValue(value: string, max = 80): string {
  const short = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(short);
}

function refuse(part: PathPart, value: string, what: string, problem: string, rule?: NameRule): never {
  const ruleText = rule && !problem.startsWith('it must be') ? ` (the API server's rule: ${RULE_TEXT[rule]})` : '';
  throw new RefusedPathError(part, value, `${what} ${quoteValue(value)} is not valid: ${problem}${ruleText}`);
}

export function checkName(kind: string, name: string, what = 'metadata.name'): string {
  const rule = nameRuleOf(kind);
  const problem = ruleProblem(name, rule);
  if (problem) refuse('name', name, `${what}${kind ? ` of ${kind}` : ''}`, problem, rule);
  return name;
}

export function checkNamespace(namespace: string, what = 'namespace'): string {
  const problem = ruleProblem(namespace, 'dns-label');
  if (problem) refuse('namespace', namespace, what, problem, 'dns-label');
  return namespace;
}

/** `v1`, `apps/v1`, `kt.example.com/v1beta1`: a DNS-1123 subdomain group (or none) and a DNS label version. */
export function checkApiVersion(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  const group = slash === -1 ? '' : apiVersion.slice(0, slash);
  const version = slash === -1 ? apiVersion : apiVersion.slice(slash + 1);
  const problem =
    slash !== -1 && group === ''
      ? 'the group before "/" is empty'
      : (group && ruleProblem(group, 'dns-subdomain')?.replace(/^it/, 'its group')) || ruleProblem(version, 'dns-label')?.replace(/^it/, 'its version');
  if (problem) refuse('apiVersion', apiVersion, 'apiVersion', problem);
  return apiVersion;
}

/** A resource (plural) name as discovery reports it, e.g. `deployments`. */
export function checkResource(resource: string): string {
  const problem = ruleProblem(resource, 'dns-label');
  if (problem) refuse('resource', resource, 'resource name from the server', problem, 'dns-label');
  return resource;
}

const SUBRESOURCES = new Set(['status', 'scale', 'portforward', 'log', 'finalize']);

export interface PathParts {
  apiVersion: string;
  /** Plural resource name from discovery (or a built-in table). */
  resource: string;
  /** Set for namespaced resources. */
  namespace?: string;
  /** The object; omitted for the collection. */
  name?: string;
  /** The kind, for the name rule (default: the path-segment rule). */
  kind?: string;
  subresource?: 'status' | 'scale' | 'portforward' | 'log' | 'finalize';
}

function segment(value: string): string {
  // Checked values never contain "/" or "%" and are never "." or ".."; encoding makes ":" and the
  // like unambiguous too.
  return encodeURIComponent(value);
}

/** `/api/v1` or `/apis/GROUP/VERSION`. */
export function apiVersionPath(apiVersion: string): ApiPath {
  checkApiVersion(apiVersion);
  const slash = apiVersion.indexOf('/');
  return (slash === -1 ? `/api/${segment(apiVersion)}` : `/apis/${segment(apiVersion.slice(0, slash))}/${segment(apiVersion.slice(slash + 1))}`) as ApiPath;
}

/** The path of an object, or of its collection when `name` is left out. Throws RefusedPathError. */
export function resourcePath(p: PathParts): ApiPath {
  const parts: string[] = [apiVersionPath(p.apiVersion)];
  if (p.namespace !== undefined) parts.push('namespaces', segment(checkNamespace(p.namespace)));
  parts.push(segment(checkResource(p.resource)));
  if (p.name !== undefined) parts.push(segment(checkName(p.kind ?? '', p.name)));
  if (p.subresource) {
    if (p.name === undefined || !SUBRESOURCES.has(p.subresource))
      throw new RefusedPathError('resource', p.subresource, `subresource ${quoteValue(p.subresource)} needs an object name`);
    parts.push(p.subresource);
  }
  return parts.join('/') as ApiPath;
}

/**
 * A path written as a literal (`/version`, `/readyz`, or a test's `/api/v1/namespaces/x`):
 * every segment non-empty, never a dot segment, only valid percent escapes, no query or fragment.
 * ClusterClient.request runs every path through this once more before sending it.
 */
export function literalPath(text: string): ApiPath {
  const problem = literalProblem(text);
  if (problem) throw new RefusedPathError('resource', text, `request path ${quoteValue(text)} is not valid: ${problem}`);
  return text as ApiPath;
}

function literalProblem(text: string): string | undefined {
  if (!text.startsWith('/')) return 'it does not start with "/"';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[?#\s\\]/.test(text) || /[\u0000-\u001f\u007f]/.test(text)) return 'it contains "?", "#", "\\", white space or a control character';
  const segments = text.slice(1).split('/');
  for (const s of segments) {
    if (s === '') return 'it has an empty segment';
    let decoded: string;
    try {
      decoded = decodeURIComponent(s);
    } catch {
      return `segment ${quoteValue(s)} has an invalid percent escape`;
    }
    if (decoded === '.' || decoded === '..' || decoded.includes('/') || decoded.includes('%'))
      return `segment ${quoteValue(s)} is a dot segment or hides "/" or "%"`;
  }
  return undefined;
}
