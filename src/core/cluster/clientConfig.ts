/**
 * What one kubeconfig context needs to talk to its server, read from the merged kubeconfig so
 * that no library ever reads a file, runs a program or sees a server URL on its own:
 *
 * - files the kubeconfig names (certificate-authority, client-certificate, client-key, token-file)
 *   are read here, at most 1 MiB each, and kept as data;
 * - an exec credential plugin is run by credentialPlugin.ts (bounded, its output never quoted);
 * - the gcp and azure auth-providers (removed from kubectl in 1.26) and unknown ones are refused;
 * - every credential lands in a Redactor, so no message can show it.
 *
 * The result feeds either request path (httpsTransport.ts on node:https, or client-node's
 * KubeConfig built by buildKubeConfig for what only client-node does: oidc, proxies, port-forward).
 */
import type { KubeConfig, User, Cluster } from '@kubernetes/client-node';
import type { ClientNode } from './clientNodeLoader';
import type { ContextInfo, KubeconfigInfo } from './kubeconfig';
import { readFileCapped, TooLargeError, MiB } from './boundedIo';
import { CredentialPlugin, parseExecConfig, CredentialPluginError } from './credentialPlugin';
import { Redactor } from './redaction';
import { asObject, asString, type JsonObject } from './serverObject';

const MAX_CREDENTIAL_FILE = MiB;

export class KubeconfigEntryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigEntryError';
  }
}

/** One context's connection settings, credentials as data (client-node's Cluster and User shapes). */
export interface ConnectionConfig {
  context: ContextInfo;
  cluster: Cluster;
  user: User;
  /** The exec plugin of the context's user, if it has one. */
  plugin?: CredentialPlugin;
  /** Every credential of the context's user (tokens, passwords, keys, plugin env values). */
  secrets: Redactor;
}

/** Reads a file the kubeconfig names, bounded; errors name the file and the field, never the content. */
function credentialFile(file: string, field: string, owner: string): Buffer {
  try {
    return readFileCapped(file, MAX_CREDENTIAL_FILE, `${field} ${file} of ${owner}`);
  } catch (e) {
    if (e instanceof TooLargeError) throw new KubeconfigEntryError(e.message);
    const code = (e as NodeJS.ErrnoException).code;
    throw new KubeconfigEntryError(`${field} ${file} of ${owner} cannot be read (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')})`);
  }
}

/** `data` as given, or the file's content as base64. */
function dataOrFile(entry: JsonObject, key: string, owner: string): string | undefined {
  const data = asString(entry[`${key}-data`]);
  if (data) return data.replace(/\s+/g, '');
  const file = asString(entry[key]);
  return file ? credentialFile(file, key, owner).toString('base64') : undefined;
}

const REMOVED_PROVIDERS: Record<string, string> = {
  gcp: 'the gke-gcloud-auth-plugin exec plugin',
  azure: 'kubelogin (an exec plugin)',
};

function clusterEntry(info: KubeconfigInfo, ctx: ContextInfo): Cluster {
  const raw = info.merged.clusters.find((c) => c.name === ctx.cluster);
  const entry = asObject(raw?.cluster) ?? {};
  const owner = `cluster "${ctx.cluster}"`;
  const proxy = asString(entry['proxy-url']);
  return {
    name: ctx.cluster || 'cluster',
    server: ctx.server,
    caData: dataOrFile(entry, 'certificate-authority', owner),
    skipTLSVerify: entry['insecure-skip-tls-verify'] === true,
    ...(asString(entry['tls-server-name']) ? { tlsServerName: asString(entry['tls-server-name']) } : {}),
    ...(proxy ? { proxyUrl: proxy } : {}),
  };
}

function userEntry(info: KubeconfigInfo, ctx: ContextInfo, secrets: Redactor): { user: User; exec?: unknown } {
  const raw = info.merged.users.find((u) => u.name === ctx.user);
  const entry = asObject(raw?.user) ?? {};
  const owner = `user "${ctx.user}"`;
  const tokenFile = asString(entry['token-file']);
  const token = asString(entry.token) || (tokenFile ? credentialFile(tokenFile, 'token-file', owner).toString('utf8').trim() : undefined);
  const certData = dataOrFile(entry, 'client-certificate', owner);
  const keyData = dataOrFile(entry, 'client-key', owner);
  const username = asString(entry.username);
  const password = asString(entry.password);
  secrets.add(token, keyData, password);
  const provider = asObject(entry['auth-provider']);
  let authProvider: JsonObject | undefined;
  if (provider) {
    const name = asString(provider.name) ?? '';
    if (REMOVED_PROVIDERS[name]) {
      throw new KubeconfigEntryError(
        `${owner} uses the "${name}" auth-provider, which kubectl removed in 1.26 and kube-topology does not run: use ${REMOVED_PROVIDERS[name]}`,
      );
    }
    if (name !== 'oidc')
      throw new KubeconfigEntryError(
        `${owner} uses the auth-provider ${JSON.stringify(name.slice(0, 40))}, which is not supported (only oidc and exec plugins are)`,
      );
    const config = asObject(provider.config) ?? {};
    for (const k of ['id-token', 'refresh-token', 'client-secret']) secrets.add(asString(config[k]));
    authProvider = { name, config };
  }
  const user: User = {
    name: ctx.user || 'user',
    ...(token ? { token } : {}),
    ...(certData ? { certData } : {}),
    ...(keyData ? { keyData } : {}),
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(authProvider ? { authProvider } : {}),
    ...(asString(entry.as) ? { impersonateUser: asString(entry.as) } : {}),
  };
  return { user, exec: entry.exec };
}

/** Reads the connection settings of `ctx`; KubeconfigEntryError for an entry that cannot be used. */
export function readConnectionConfig(info: KubeconfigInfo, ctx: ContextInfo): ConnectionConfig {
  const secrets = new Redactor();
  const cluster = clusterEntry(info, ctx);
  const { user, exec } = userEntry(info, ctx, secrets);
  let plugin: CredentialPlugin | undefined;
  if (exec !== undefined && exec !== null) {
    try {
      // A relative command with a "/" was resolved against its kubeconfig's folder when it was loaded.
      const config = parseExecConfig(exec, ctx.user);
      plugin = new CredentialPlugin(config, ctx.user, {
        server: ctx.server,
        certificateAuthorityData: cluster.caData,
        insecureSkipTlsVerify: cluster.skipTLSVerify,
      });
    } catch (e) {
      if (e instanceof CredentialPluginError) throw new KubeconfigEntryError(e.message);
      throw e;
    }
    secrets.merge(plugin.secrets);
  }
  return { context: ctx, cluster, user, plugin, secrets };
}

/** client-node's KubeConfig for the connection (only client-node's own features need it). */
export function buildKubeConfig(k8s: ClientNode, cfg: ConnectionConfig, credentialTimeoutMs: number): KubeConfig {
  const { context: ctx, cluster, user, plugin, secrets } = cfg;
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [user],
    contexts: [{ name: ctx.name, cluster: cluster.name, user: user.name, ...(ctx.namespace ? { namespace: ctx.namespace } : {}) }],
    currentContext: ctx.name,
  });
  if (plugin) {
    const p = plugin;
    kc.addAuthenticator({
      isAuthProvider: (u: User) => u?.name === user.name,
      // client-node's own callers (port-forward's WebSocket) come here; ClusterClient.request has
      // already fetched the credential with the request's deadline, so this is normally cached.
      applyAuthentication: async (_u: User, opts: { headers?: Record<string, unknown>; cert?: unknown; key?: unknown }) => {
        const c = p.cached() ?? (await p.get(credentialTimeoutMs));
        secrets.merge(p.secrets);
        if (c.token) opts.headers = { ...(opts.headers ?? {}), Authorization: `Bearer ${c.token}` };
        if (c.clientCertificateData) opts.cert = c.clientCertificateData;
        if (c.clientKeyData) opts.key = c.clientKeyData;
      },
    });
  }
  return kc;
}
