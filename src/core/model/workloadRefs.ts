import type { PathSegment } from '../parse/locate';
import type { Resource } from '../parse/manifestParser';
import type { ResourceIndex } from '../index/resourceIndex';
import { asArray, asRecord, containersOf, getPath, type ContainerView, type PodTemplateView } from './kinds';
import { memoByObject } from './memo';
import { templateOf } from './labelIndex';
import type { ServiceAddress, ServiceAddressResolver } from './serviceAddress';
import type { CallsReference, UsesReference } from './references';
import { findOutside, missingProblem } from './unitLookup';
import { lookupKey } from './referenceCarry';

/** Workload → the Services it calls by DNS name (env, args, command) and the ConfigMaps and Secrets it reads. */

/** A string in env or command/args that may hold Service addresses. */
interface CallSite {
  container: ContainerView;
  path: PathSegment[];
  text: string;
  /** The env var name (env values only). */
  envName?: string;
  /** command/args: the previous argument, which may be the flag this one is the value of. */
  arg?: { previous?: string };
}

interface FoundCall {
  container: ContainerView;
  path: PathSegment[];
  address: ServiceAddress;
  envName?: string;
}

type UseOutgoing = Omit<UsesReference, 'type' | 'from' | 'target' | 'problem'>;

/** What a workload's pod template points at, read from its object alone. */
export interface WorkloadOutgoing {
  template: PodTemplateView;
  sites: CallSite[];
  uses: UseOutgoing[];
  /** Addresses found in `sites` under the address context `token`. */
  found?: { token: object; calls: FoundCall[] };
}

export const workloadOutgoing = memoByObject((w: Resource): WorkloadOutgoing | undefined => {
  const t = templateOf(w);
  if (!t) return undefined;
  const out: WorkloadOutgoing = { template: t, sites: [], uses: [] };
  const { sites, uses } = out;
  for (const c of containersOf(t, true)) {
    asArray(c.container.env).forEach((e, i) => {
      const env = asRecord(e);
      if (!env) return;
      const envName = typeof env.name === 'string' ? env.name : undefined;
      if (typeof env.value === 'string') sites.push({ container: c, path: [...c.path, 'env', i, 'value'], text: env.value, envName });
      const from = asRecord(env.valueFrom);
      for (const [field, kind] of [
        ['configMapKeyRef', 'ConfigMap'],
        ['secretKeyRef', 'Secret'],
      ] as const) {
        const sel = asRecord(from?.[field]);
        if (sel && typeof sel.name === 'string') {
          uses.push({
            path: [...c.path, 'env', i, 'valueFrom', field, 'name'],
            targetKind: kind,
            name: sel.name,
            via: 'env',
            key: typeof sel.key === 'string' ? sel.key : undefined,
            optional: sel.optional === true,
            container: c,
          });
        }
      }
    });
    asArray(c.container.envFrom).forEach((e, i) => {
      const env = asRecord(e);
      for (const [field, kind] of [
        ['configMapRef', 'ConfigMap'],
        ['secretRef', 'Secret'],
      ] as const) {
        const sel = asRecord(env?.[field]);
        if (sel && typeof sel.name === 'string') {
          uses.push({
            path: [...c.path, 'envFrom', i, field, 'name'],
            targetKind: kind,
            name: sel.name,
            via: 'envFrom',
            optional: sel.optional === true,
            container: c,
          });
        }
      }
    });
    for (const field of ['command', 'args'] as const) {
      const list = asArray(c.container[field]);
      list.forEach((arg, i) => {
        if (typeof arg !== 'string') return;
        const previous = i > 0 && typeof list[i - 1] === 'string' ? (list[i - 1] as string) : undefined;
        sites.push({ container: c, path: [...c.path, field, i], text: arg, arg: { previous } });
      });
    }
  }

  asArray(t.spec?.volumes).forEach((v, i) => {
    const vol = asRecord(v);
    if (!vol) return;
    const volPath: PathSegment[] = [...t.specPath, 'volumes', i];
    const cm = asRecord(vol.configMap);
    if (cm && typeof cm.name === 'string') {
      uses.push({ path: [...volPath, 'configMap', 'name'], targetKind: 'ConfigMap', name: cm.name, via: 'volume', optional: cm.optional === true });
    }
    const sec = asRecord(vol.secret);
    if (sec && typeof sec.secretName === 'string') {
      uses.push({ path: [...volPath, 'secret', 'secretName'], targetKind: 'Secret', name: sec.secretName, via: 'volume', optional: sec.optional === true });
    }
    asArray(getPath(vol, ['projected', 'sources'])).forEach((s, j) => {
      const src = asRecord(s);
      for (const [field, kind] of [
        ['configMap', 'ConfigMap'],
        ['secret', 'Secret'],
      ] as const) {
        const sel = asRecord(src?.[field]);
        if (sel && typeof sel.name === 'string') {
          uses.push({
            path: [...volPath, 'projected', 'sources', j, field, 'name'],
            targetKind: kind,
            name: sel.name,
            via: 'volume',
            optional: sel.optional === true,
          });
        }
      }
    });
  });
  return out;
});

function foundCalls(out: WorkloadOutgoing, token: object, resolver: ServiceAddressResolver): FoundCall[] {
  if (out.found?.token === token) return out.found.calls;
  const calls: FoundCall[] = [];
  for (const site of out.sites) {
    if (site.arg) {
      for (const { address } of addressesInArg(site.text, site.arg.previous, resolver)) calls.push({ container: site.container, path: site.path, address });
    } else {
      for (const address of resolver.find(site.text, site.envName)) calls.push({ container: site.container, path: site.path, address, envName: site.envName });
    }
  }
  out.found = { token, calls };
  return calls;
}

/** `deps` gets the keys of the lookups (referenceCarry.ts). */
export function workloadCalls(
  w: Resource,
  out: WorkloadOutgoing,
  token: object,
  index: ResourceIndex,
  resolver: ServiceAddressResolver,
  calls: CallsReference[],
  uses: UsesReference[],
  deps: string[],
): void {
  const ns = index.namespaceOf(w) ?? '';
  for (const { container, path, address, envName } of foundCalls(out, token, resolver)) {
    const ref: CallsReference = { type: 'calls', from: w, path, container, envName, address, namespace: address.namespace ?? ns };
    const res = resolver.resolve(address, ns, deps);
    const there = res.status === 'resolved' || res.status === 'port-missing' ? undefined : findOutside(index, 'Service', res.namespace, address.name);
    if (there) {
      ref.target = there;
      ref.outside = true;
      calls.push(ref);
      continue;
    }
    switch (res.status) {
      case 'resolved':
        ref.target = res.service;
        ref.servicePort = res.port;
        break;
      case 'port-missing':
        ref.target = res.service;
        ref.problem = { reason: 'port-missing', port: res.port, ports: res.ports, defaulted: address.port === undefined };
        break;
      case 'other-namespace':
        ref.problem = { reason: 'other-namespace', candidates: res.candidates };
        break;
      case 'not-found':
        ref.problem = missingProblem(index, res.nearest);
        break;
      case 'out-of-scope':
        ref.problem = { reason: 'out-of-scope' };
        break;
    }
    calls.push(ref);
  }
  for (const use of out.uses) {
    const u: UsesReference = { type: 'uses', from: w, ...use };
    deps.push(lookupKey.name(u.targetKind, ns, u.name));
    const target = index.first(u.targetKind, ns, u.name);
    const there = target ? undefined : findOutside(index, u.targetKind, ns, u.name);
    if (there) {
      u.target = there;
      u.outside = true;
    } else if (!target) {
      // A kustomize generator makes it (with a hash suffix kustomize also writes into the reference).
      u.problem = index.unit?.generated.has(`${u.targetKind}/${u.name}`)
        ? { reason: 'out-of-scope' }
        : missingProblem(index, resolver.names.nearest(u.targetKind, ns, u.name, deps));
    } else {
      u.target = target;
      if (u.key !== undefined && !hasDataKey(target, u.key)) u.problem = { reason: 'key-missing', key: u.key };
    }
    uses.push(u);
  }
}

/**
 * Addresses in one command/args string, with the flag it belongs to as context:
 * `--model-host=tf-serving:8500`, or `--model-host` followed by `tf-serving:8500` as the next arg,
 * or words of a shell line (`sh -c "curl http://gateway/…"`).
 */
export function addressesInArg(arg: string, previous: string | undefined, resolver: ServiceAddressResolver): { address: ServiceAddress; key?: string }[] {
  const out: { address: ServiceAddress; key?: string }[] = [];
  const prevFlag = previous && /^-{1,2}[A-Za-z][\w.-]*$/.test(previous) ? previous : undefined;
  const token = /\S+/g;
  let first = true;
  for (let m = token.exec(arg); m; m = token.exec(arg)) {
    let value = m[0];
    let offset = m.index;
    let key = first ? prevFlag : undefined;
    const flag = /^-{1,2}([A-Za-z][\w.-]*)=/.exec(value);
    if (flag) {
      key = flag[1];
      offset += flag[0].length;
      value = value.slice(flag[0].length);
    }
    first = false;
    for (const a of resolver.find(value, key)) {
      out.push({
        address: {
          ...a,
          start: a.start + offset,
          end: a.end + offset,
          hostStart: a.hostStart + offset,
          hostEnd: a.hostEnd + offset,
          portStart: a.portStart !== undefined ? a.portStart + offset : undefined,
        },
        key,
      });
    }
  }
  return out;
}

function hasDataKey(target: Resource, key: string): boolean {
  const fields = target.kind === 'Secret' ? ['data', 'stringData'] : ['data', 'binaryData'];
  return fields.some((f) => {
    const rec = asRecord(target.object[f]);
    return rec !== undefined && Object.prototype.hasOwnProperty.call(rec, key);
  });
}

/**
 * Which addresses a text holds depends on the workspace's Service names and namespaces (short
 * forms count only for known ones): addresses found under one set of names are reused while the
 * sets stay the same, recognised by this token. One token per set (several units each have
 * theirs, and analyse one after the other), the oldest dropped past a bound.
 */
const addressContexts = new Map<string, object>();
const MAX_ADDRESS_CONTEXTS = 64;

export function addressContextToken(resolver: ServiceAddressResolver): object {
  const signature = `${resolver.clusterDomain}\n${[...resolver.serviceNames].join(',')}\n${[...resolver.namespaces].join(',')}`;
  let token = addressContexts.get(signature);
  if (!token) {
    if (addressContexts.size >= MAX_ADDRESS_CONTEXTS) addressContexts.delete(addressContexts.keys().next().value!);
    addressContexts.set(signature, (token = {}));
  }
  return token;
}
