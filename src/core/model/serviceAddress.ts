import type { PathSegment } from '../parse/locate';
import type { Resource } from '../parse/manifestParser';
import type { ResourceIndex } from '../index/resourceIndex';
import { asArray, asRecord, getPath } from './kinds';
import { pushTo } from '../multimap';
import { lookupKey } from './referenceCarry';

/**
 * Service DNS addresses inside free text (env values, args, command strings), and their
 * resolution against the resources of a workspace.
 *
 * Inside a cluster a Service `tf-serving` in namespace `models` answers to:
 *   tf-serving                              (only from pods in `models`)
 *   tf-serving.models
 *   tf-serving.models.svc
 *   tf-serving.models.svc.cluster.local
 * and the pods behind a headless Service to `<pod>.tf-serving.models.svc[.cluster.local]`.
 * Any of these may carry a scheme (`http://`, `grpc://`) and a `:port`.
 *
 * The parser is deliberately conservative: the short forms (`name`, `name.ns`) look like many
 * ordinary values, so they only count when the context says "host" (the key is `…_HOST`,
 * `…_ADDR`, `…_URL`, a scheme is present, …) or the workspace defines such a Service/namespace.
 * Pure: no I/O, no state; safe to call on every keystroke.
 */

export type AddressForm = 'name' | 'name.namespace' | 'name.namespace.svc' | 'fqdn';

export interface ServiceAddress {
  /** The address as written, scheme through port: `http://gateway.default.svc:80`. */
  text: string;
  /** The host part as written, without a trailing dot. */
  host: string;
  /** The Service name. */
  name: string;
  /** The namespace when the address names one; absent for a bare `name` (the caller's namespace). */
  namespace?: string;
  /** `<pod>.<service>.<namespace>.svc…`: one pod behind a headless Service. */
  pod?: string;
  /** Explicit `:port`. */
  port?: number;
  /** Lower-case scheme without `://`, when present. */
  scheme?: string;
  /** The port the scheme implies when none is written (http → 80, https → 443, …). */
  defaultPort?: number;
  form: AddressForm;
  /** Offsets of `text` in the input string (end exclusive). */
  start: number;
  end: number;
  /** Offsets of `host` in the input string. */
  hostStart: number;
  hostEnd: number;
  /** Offset of the port digits in the input string, when a port is written. */
  portStart?: number;
}

export interface AddressContext {
  /**
   * The env var name (`TF_SERVING_HOST`) or command-line flag (`--model-host`) the text is the
   * value of. Host-like keys make the short forms count.
   */
  key?: string;
  /** Names of Services defined in the workspace (any namespace). */
  knownServices?: ReadonlySet<string>;
  /** Namespaces that appear in the workspace. */
  knownNamespaces?: ReadonlySet<string>;
  /** The cluster DNS domain; `cluster.local` unless the cluster was set up otherwise. */
  clusterDomain?: string;
}

/** Schemes whose host part is a network host (and what port each implies). */
const SCHEME_PORTS: Record<string, number | undefined> = {
  http: 80,
  https: 443,
  ws: 80,
  wss: 443,
  h2c: 80,
  grpc: undefined,
  grpcs: undefined,
  tcp: undefined,
  udp: undefined,
  tls: undefined,
  redis: 6379,
  rediss: 6379,
  postgres: 5432,
  postgresql: 5432,
  mysql: 3306,
  mongodb: 27017,
  amqp: 5672,
  amqps: 5671,
  nats: 4222,
  mqtt: 1883,
  kafka: undefined,
  memcached: 11211,
};

/** Single-label hosts that are never Services. */
const NOT_SERVICES = new Set([
  'localhost',
  'localhost4',
  'localhost6',
  'ip6-localhost',
  'ip6-loopback',
  // Values that switch a setting rather than name a host.
  'true',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'null',
  'nil',
  'none',
  'disabled',
  'enabled',
  'auto',
  'default',
  'unset',
  'empty',
]);

/** Second labels that make `a.b` a file name, not `name.namespace`. */
const FILE_EXTENSIONS = new Set([
  'py',
  'js',
  'mjs',
  'cjs',
  'ts',
  'json',
  'yaml',
  'yml',
  'txt',
  'sh',
  'bash',
  'conf',
  'cfg',
  'ini',
  'xml',
  'html',
  'htm',
  'csv',
  'tsv',
  'log',
  'pem',
  'crt',
  'cert',
  'key',
  'jar',
  'war',
  'so',
  'go',
  'rb',
  'java',
  'class',
  'pb',
  'h5',
  'onnx',
  'pkl',
  'pt',
  'bin',
  'tar',
  'gz',
  'tgz',
  'zip',
  'md',
  'sql',
  'env',
  'toml',
  'properties',
  'lock',
  'pid',
  'sock',
  'tmp',
  'jpg',
  'jpeg',
  'png',
  'gif',
  'svg',
  'css',
  'wasm',
  'parquet',
  'keras',
  'tflite',
  'lua',
  'php',
  'pl',
  'rs',
  'c',
  'h',
  'cpp',
  'hpp',
  'exe',
  'dll',
  'd',
  'service',
  'timer',
  'socket',
]);

/** Last words of a key that say "this value is a host / an address". */
const HOST_WORDS = new Set([
  'host',
  'hosts',
  'hostname',
  'hostport',
  'addr',
  'addrs',
  'address',
  'addresses',
  'url',
  'urls',
  'uri',
  'uris',
  'endpoint',
  'endpoints',
  'server',
  'servers',
  'upstream',
  'upstreams',
  'backend',
  'backends',
  'broker',
  'brokers',
  'dsn',
  'proxy',
]);
/** Weaker host words: enough for `name:port`, not for a bare `name`. */
const WEAK_HOST_WORDS = new Set(['service', 'svc', 'bootstrap', 'peers', 'target']);

/** Splits `TF_SERVING_HOST`, `--model-host`, `productCatalogAddr` into lower-case words. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function lastWord(key: string | undefined): string | undefined {
  if (!key) return undefined;
  const words = keyWords(key);
  return words[words.length - 1];
}

/**
 * Whether an env var name or flag reads like it holds a host or an address: its last word is
 * host, addr, address, url, uri, endpoint, server, upstream, backend, broker, dsn or proxy
 * (`TF_SERVING_HOST`, `PRODUCT_CATALOG_SERVICE_ADDR`, `--backend-url`, `apiEndpoint`).
 */
export function isHostKey(key: string | undefined): boolean {
  const last = lastWord(key);
  return last !== undefined && HOST_WORDS.has(last);
}

// scheme://userinfo@ (optional), host, :port (optional). Validated by hand afterwards.
const CANDIDATE = /(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:[^\s/@"']*@)?)?([a-z0-9][a-z0-9.-]*)(?::([0-9]+))?/g;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const SERVICE_NAME = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const BOUNDARY_BEFORE = new Set([' ', '\t', '\n', '\r', '=', ',', ';', '"', "'", '(', '[', '{', '<', '>', '|', '`']);
const BOUNDARY_AFTER = new Set([' ', '\t', '\n', '\r', ',', ';', '"', "'", ')', ']', '}', '>', '|', '&', '`']);

/**
 * Finds Service DNS addresses in `text`. Long forms (`…svc`, `…svc.cluster.local`) always count;
 * `name.ns` counts when `ns` is a known namespace and the name is a known Service or a port,
 * scheme or host-like key says host (or `ns` is unknown but all of that holds); a bare `name:port` counts under a host-like key or when a
 * Service of that name exists; a bare `name` only with a scheme or as the whole value of a
 * host-like key (`REDIS_HOST=redis`).
 */
export function findServiceAddresses(text: string, context: AddressContext = {}): ServiceAddress[] {
  const out: ServiceAddress[] = [];
  if (!text || text.length > 100_000) return out;
  const trimmedStart = text.length - text.trimStart().length;
  const trimmedEnd = text.trimEnd().length;
  const last = lastWord(context.key);
  const hostKey = last !== undefined && HOST_WORDS.has(last);
  const weakHostKey = hostKey || (last !== undefined && WEAK_HOST_WORDS.has(last));
  const domain = (context.clusterDomain ?? 'cluster.local').toLowerCase().replace(/\.$/, '');
  const re = new RegExp(CANDIDATE.source, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index;
    const scheme = m[1]?.toLowerCase();
    const portText = m[3];
    let hostText = m[2];
    const hostStart = start + m[0].length - (portText !== undefined ? portText.length + 1 : 0) - hostText.length;
    if (scheme !== undefined && !(scheme in SCHEME_PORTS)) continue;
    // What comes before must separate it from a word, a path or an e-mail address
    // (a scheme may follow a colon: `jdbc:postgresql://db:5432/app`).
    if (start > 0 && !BOUNDARY_BEFORE.has(text[start - 1]) && !(scheme && text[start - 1] === ':')) continue;
    // A trailing dot is the DNS root or sentence punctuation; neither is part of the name.
    let trailingDot = false;
    if (hostText.endsWith('.')) {
      if (portText !== undefined) continue; // `name.:80`
      hostText = hostText.replace(/\.+$/, '');
      trailingDot = true;
      if (!hostText) continue;
    }
    const hostEnd = hostStart + hostText.length;
    const end = portText !== undefined ? start + m[0].length : hostEnd;
    // What comes after must end the host; a path may follow only a scheme or a port.
    const after = text[trailingDot ? start + m[0].length : end];
    if (after !== undefined) {
      if (after === '/' || after === '?' || after === '#') {
        if (!scheme && portText === undefined) continue; // `tensorflow/serving`, `gcr.io/x`
      } else if (!BOUNDARY_AFTER.has(after)) {
        continue; // `image:latest`, `name_suffix`, `nameX`, `name:80abc`
      }
    }
    let port: number | undefined;
    if (portText !== undefined) {
      port = Number(portText);
      if (portText.length > 5 || port < 1 || port > 65535) continue;
    }
    const labels = hostText.split('.');
    if (labels.some((l) => !LABEL.test(l) || /^[0-9]+$/.test(l))) continue; // IPs, versions
    const parsed = classify(labels, domain);
    if (!parsed || !SERVICE_NAME.test(parsed.name)) continue;
    const explicit = scheme !== undefined || portText !== undefined;
    const wholeValue = start === trimmedStart && end === trimmedEnd;
    const knownSvc = context.knownServices?.has(parsed.name) ?? false;
    if (parsed.form === 'name') {
      if (NOT_SERVICES.has(parsed.name)) continue;
      const counts = scheme !== undefined || (portText !== undefined && (weakHostKey || knownSvc)) || (wholeValue && (hostKey || (knownSvc && weakHostKey)));
      if (!counts) continue;
    } else if (parsed.form === 'name.namespace') {
      const ns = parsed.namespace!;
      if (FILE_EXTENSIONS.has(ns) && !explicit) continue; // `app.py`, `values.yaml`
      const knownNs = context.knownNamespaces?.has(ns) ?? false;
      const counts = knownNs ? explicit || weakHostKey || knownSvc : knownSvc && (explicit || weakHostKey);
      if (!counts) continue;
    }
    out.push({
      text: text.slice(start, end),
      host: hostText,
      name: parsed.name,
      namespace: parsed.namespace,
      pod: parsed.pod,
      port,
      scheme,
      defaultPort: scheme ? SCHEME_PORTS[scheme] : undefined,
      form: parsed.form,
      start,
      end,
      hostStart,
      hostEnd,
      portStart: portText !== undefined ? end - portText.length : undefined,
    });
  }
  return out;
}

function classify(labels: string[], domain: string): { form: AddressForm; name: string; namespace?: string; pod?: string } | undefined {
  const svc = labels.lastIndexOf('svc');
  if (svc !== -1) {
    const suffix = labels.slice(svc + 1).join('.');
    let form: AddressForm;
    if (suffix === '') form = 'name.namespace.svc';
    else if (suffix === domain) form = 'fqdn';
    else return undefined;
    const before = labels.slice(0, svc);
    if (before.length === 2) return { form, name: before[0], namespace: before[1] };
    if (before.length === 3) return { form, pod: before[0], name: before[1], namespace: before[2] };
    return undefined;
  }
  if (labels.length === 1) return { form: 'name', name: labels[0] };
  if (labels.length === 2) return { form: 'name.namespace', name: labels[0], namespace: labels[1] };
  return undefined; // three or more labels without `svc`: a host outside the cluster (api.example.com)
}

/** The port a call to this address uses: the written one, else the scheme's default. */
export function addressPort(a: ServiceAddress): number | undefined {
  return a.port ?? a.defaultPort;
}

// ---------------------------------------------------------------------------------------------
// Service ports

export interface ServicePortView {
  /** Index in spec.ports. */
  index: number;
  path: PathSegment[];
  port: number | undefined;
  name?: string;
  /** TCP unless set. */
  protocol: string;
  /** The port on the pods: targetPort, or `port` when targetPort is omitted. */
  targetPort: number | string | undefined;
  targetPortExplicit: boolean;
  nodePort?: number;
}

/** `spec.ports` of a Service with Kubernetes' defaults applied (targetPort defaults to port). */
export function servicePortsOf(service: { object: Record<string, unknown> }): ServicePortView[] {
  const out: ServicePortView[] = [];
  asArray(getPath(service.object, ['spec', 'ports'])).forEach((p, index) => {
    const rec = asRecord(p);
    if (!rec) return;
    const port = toPortNumber(rec.port);
    // targetPort 0 (or "0") is unset: the API server fills in the port, as for a missing one.
    const explicit = rec.targetPort !== undefined && rec.targetPort !== null && rec.targetPort !== '' && rec.targetPort !== 0 && rec.targetPort !== '0';
    let targetPort: number | string | undefined = port;
    if (explicit) targetPort = toPortNumber(rec.targetPort) ?? (typeof rec.targetPort === 'string' ? rec.targetPort : undefined);
    out.push({
      index,
      path: ['spec', 'ports', index],
      port,
      name: typeof rec.name === 'string' ? rec.name : undefined,
      protocol: typeof rec.protocol === 'string' ? rec.protocol : 'TCP',
      targetPort,
      targetPortExplicit: explicit,
      nodePort: toPortNumber(rec.nodePort),
    });
  });
  return out;
}

const servicePortsMemo = new WeakMap<object, ServicePortView[]>();

/**
 * servicePortsOf, computed once per Service object (objects are shared while their document text
 * is unchanged). Callers must not modify the list.
 */
export function cachedServicePortsOf(service: { object: Record<string, unknown> }): ServicePortView[] {
  let ports = servicePortsMemo.get(service.object);
  if (!ports) servicePortsMemo.set(service.object, (ports = servicePortsOf(service)));
  return ports;
}

/** A number, or a string of digits (`"8080"`), as a port number. */
export function toPortNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^[0-9]{1,5}$/.test(v)) return Number(v);
  return undefined;
}

export function serviceType(service: { object: Record<string, unknown> }): string {
  const t = getPath(service.object, ['spec', 'type']);
  return typeof t === 'string' ? t : 'ClusterIP';
}

export function isHeadless(service: { object: Record<string, unknown> }): boolean {
  return getPath(service.object, ['spec', 'clusterIP']) === 'None';
}

// ---------------------------------------------------------------------------------------------
// Resolution against the workspace

/**
 * Name lookups of one analysis pass that would otherwise scan the index per question: the same
 * name in any namespace (tables built once per kind), and the nearest name in a namespace (cached).
 */
export class NameLookup {
  private readonly byKind = new Map<string, Map<string, Resource[]>>();

  constructor(readonly index: ResourceIndex) {}

  /** Resources of this kind and name, in every namespace. `deps` gets the lookup's key (referenceCarry.ts). */
  anyNamespace(kind: string, name: string, deps?: string[]): Resource[] {
    deps?.push(lookupKey.anyNamespace(kind, name));
    let names = this.byKind.get(kind);
    if (!names) {
      names = new Map();
      for (const r of this.index.ofKind(kind)) {
        if (!r.name) continue;
        pushTo(names, r.name, r);
      }
      this.byKind.set(kind, names);
    }
    return names.get(name) ?? [];
  }

  /** The resource of this kind in `namespace` whose name is the likely intended one. */
  nearest(kind: string, namespace: string, name: string, deps?: string[]): Resource | undefined {
    deps?.push(lookupKey.kindList(kind, namespace));
    return this.index.nearest(kind, namespace, name);
  }
}

export type AddressResolution =
  /** The Service exists where the address points and exposes the port (or no port is implied). */
  | { status: 'resolved'; namespace: string; service: Resource; port?: ServicePortView }
  /** The Service exists but exposes no such port. */
  | { status: 'port-missing'; namespace: string; service: Resource; port: number; ports: ServicePortView[] }
  /** No such Service in that namespace, but one with this name exists in another namespace. */
  | { status: 'other-namespace'; namespace: string; candidates: Resource[] }
  /** No Service with this name anywhere; `nearest` is the likely intended one in that namespace. */
  | { status: 'not-found'; namespace: string; nearest?: Resource }
  /** The address points into a namespace the workspace defines nothing in (or at a Service every cluster has): not judged. */
  | { status: 'out-of-scope'; namespace: string };

/**
 * Resolves addresses against one analysis pass's {@link ResourceIndex}. Build one per pass;
 * the lookup sets are computed once.
 */
export class ServiceAddressResolver {
  readonly serviceNames = new Set<string>();
  readonly namespaces = new Set<string>();
  /** Namespaces at least one resource of the workspace is in. */
  readonly populated = new Set<string>();

  readonly names: NameLookup;

  constructor(
    readonly index: ResourceIndex,
    readonly clusterDomain = 'cluster.local',
  ) {
    this.names = new NameLookup(index);
    for (const s of index.ofKind('Service')) if (s.name) this.serviceNames.add(s.name);
    for (const ns of index.namespaces()) {
      this.namespaces.add(ns);
      this.populated.add(ns);
    }
    this.namespaces.add(index.defaultNamespace);
  }

  /** Addresses in `text`, with the workspace's Service names and namespaces as context. */
  find(text: string, key?: string): ServiceAddress[] {
    return findServiceAddresses(text, {
      key,
      knownServices: this.serviceNames,
      knownNamespaces: this.namespaces,
      clusterDomain: this.clusterDomain,
    });
  }

  /** Where `address`, used from a pod in `fromNamespace`, leads. `deps` gets the keys of the lookups (referenceCarry.ts). */
  resolve(address: ServiceAddress, fromNamespace: string, deps?: string[]): AddressResolution {
    const namespace = address.namespace ?? fromNamespace;
    deps?.push(lookupKey.name('Service', namespace, address.name));
    // The API server's own Service exists in every cluster.
    if (address.name === 'kubernetes' && namespace === 'default' && !this.index.first('Service', namespace, address.name))
      return { status: 'out-of-scope', namespace };
    const services = this.index.find('Service', namespace, address.name);
    if (services.length) {
      const service = services[0];
      const wanted = addressPort(address);
      if (wanted === undefined || serviceType(service) === 'ExternalName') return { status: 'resolved', namespace, service };
      const ports = cachedServicePortsOf(service);
      const hit = ports.find((p) => p.port === wanted);
      if (hit) return { status: 'resolved', namespace, service, port: hit };
      if (isHeadless(service) || address.pod) {
        // DNS of a headless Service returns pod IPs: the call reaches the pod's port directly.
        const direct = ports.find((p) => p.targetPort === wanted || typeof p.targetPort === 'string');
        if (direct) return { status: 'resolved', namespace, service, port: direct };
      }
      if (!ports.length) return { status: 'resolved', namespace, service };
      return { status: 'port-missing', namespace, service, port: wanted, ports };
    }
    const elsewhere = this.names.anyNamespace('Service', address.name, deps).filter((s) => this.index.namespaceOf(s) !== namespace);
    if (elsewhere.length) return { status: 'other-namespace', namespace, candidates: elsewhere };
    if (!this.hasAnything(namespace)) return { status: 'out-of-scope', namespace };
    return { status: 'not-found', namespace, nearest: this.names.nearest('Service', namespace, address.name, deps) };
  }

  private hasAnything(namespace: string): boolean {
    return this.populated.has(namespace);
  }
}
