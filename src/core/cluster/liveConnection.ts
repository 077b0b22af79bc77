/**
 * What the live-state watcher and the port-forward need from a cluster connection: client-node's
 * KubeConfig set to one context (for ListWatch, Watch, PortForward) and the context's facts.
 * A ClusterClient from clusterClient.ts is one; `connectLive()` opens one by context name.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { openCluster, transportError, type OpenClusterOptions } from './clusterClient';

export interface LiveConnection {
  readonly kubeConfig: KubeConfig;
  readonly context: {
    readonly name: string;
    readonly server: string;
    /** `kind`: LoadBalancers stay pending there, images need `kind load`. */
    readonly localKind?: string;
  };
  /** The context's default namespace (what kubectl uses without -n). */
  readonly namespace?: string;
}

export interface ConnectOptions {
  /** Context name; default: the kubeconfig's current context. */
  context?: string;
  /** A kubeconfig path list like $KUBECONFIG; default $KUBECONFIG, then ~/.kube/config. */
  kubeconfigPath?: string;
}

/** Opens a connection to one kubeconfig context (no network yet). Throws a readable error for an unknown context. */
export function connectLive(opts: ConnectOptions = {}): LiveConnection {
  const clusterOpts: OpenClusterOptions = opts.kubeconfigPath ? { kubeconfig: opts.kubeconfigPath } : {};
  return openCluster(opts.context, clusterOpts);
}

/** True for a kind context: the kind hint applies. */
export function isKindConnection(c: LiveConnection): boolean {
  return c.context.localKind === 'kind' || c.context.name.startsWith('kind-');
}

/** One line for an error from client-node or the network: the API's message, or what went wrong on the wire. */
export function describeClusterError(e: unknown, server = ''): string {
  const err = e as { code?: unknown; statusCode?: unknown; body?: unknown; message?: string; cause?: unknown };
  let body = err?.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      /* plain text body */
    }
  }
  const apiMessage = body && typeof body === 'object' ? (body as { message?: unknown }).message : undefined;
  const status = typeof err?.code === 'number' ? err.code : typeof err?.statusCode === 'number' ? err.statusCode : undefined;
  if (typeof apiMessage === 'string' && apiMessage) return status ? `${apiMessage} (HTTP ${status})` : apiMessage;
  if (status) return `HTTP ${status}${err.message ? ` ${err.message}` : ''}`;
  if (err?.cause) return transportError(e, server || 'the cluster', 'watching').message;
  return err?.message ?? String(e);
}

type WatchLike = Pick<import('@kubernetes/client-node').Watch, 'watch'>;

/**
 * client-node's ListWatch starts one more watch when stop() lands while it is listing or backing
 * off; that request would keep the process alive for minutes. This Watch refuses once stopped.
 * `transform` rewrites each event's object first (e.g. drops Secret data before it is cached).
 */
export function guardedWatch(watch: WatchLike, isStopped: () => boolean, transform?: (obj: any) => any): WatchLike {
  return {
    watch: async (path, query, callback, done) => {
      if (isStopped()) {
        queueMicrotask(() => done(null));
        return new AbortController();
      }
      const cb = transform
        ? (phase: string, obj: any, raw: any) => callback(phase, obj && typeof obj === 'object' && phase !== 'ERROR' ? transform(obj) : obj, raw)
        : callback;
      return watch.watch(path, query, cb, done);
    },
  };
}
