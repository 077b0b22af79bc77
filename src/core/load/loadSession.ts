/**
 * One load run, start to finish: the target is read from the cluster, a route is opened (a NodePort
 * the kind node publishes here, else a pod inside the cluster), bounded traffic is sent, the HPAs
 * and pods behind the Service are watched, and everything made for the run is removed at the end —
 * when the duration is over, on stop(), or on a failure. After the load, the watch can go on until
 * every HPA is back at its minimum (`settle`), so the scale-down is seen too.
 */
import { randomBytes } from 'node:crypto';
import type { ClusterClient } from '../cluster/clusterClient';
import { nodePortMappings, type NodePortMapping } from '../kind/kindTools';
import { printableLine } from '../terminalText';
import { runHttpLoad } from './httpLoad';
import { LoadStats } from './loadStats';
import { checkLoadInput, LoadError, resolveLoadTarget, type LoadTarget, type LoadTargetInput } from './loadTarget';
import type { LoadPhase, LoadRequestSpec, LoadRoute, LoadScaler, LoadStatus, TimelineEntry } from './loadTypes';
import { openNodePortRoute } from './nodePortRoute';
import { DEFAULT_LOAD_IMAGE, openPodRoute } from './podLoad';
import { imageProblem } from '../cluster/kindImages';
import { watchScaling, type ScalingWatch } from './scalingWatch';
import { settled } from './scalingTimeline';
import { errorText } from '../errorText';

export type RouteChoice = 'auto' | LoadRoute;

export interface StartLoadOptions {
  client: ClusterClient;
  target: LoadTargetInput;
  spec: LoadRequestSpec;
  /** auto (default): the kind node's published NodePort when there is one, else a pod. */
  via?: RouteChoice;
  /** The load pod's image (pod route). */
  image?: string;
  /** After the load, keep watching until every HPA is back at its minimum (at most settleTimeoutMs). */
  settle?: boolean;
  settleTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Every second and on every change. */
  onStatus?: (s: LoadStatus) => void;
  /** Set-up steps, before the load starts ("creating NodePort Service …"). */
  onSetup?: (message: string) => void;
  /** Aborts the set-up (and the run, like stop()). */
  signal?: AbortSignal;
}

export interface LoadRun {
  readonly id: string;
  readonly target: LoadTarget;
  status(): LoadStatus;
  /**
   * Ends the load now and removes what it made. With `keepWatching` (and `settle`), the HPAs are
   * still followed until they are back at their minimum; a later stop() ends that too. Resolves
   * with the final status once the run is over.
   */
  stop(opts?: { keepWatching?: boolean }): Promise<LoadStatus>;
  /** Resolves with the final status. Never rejects. */
  readonly done: Promise<LoadStatus>;
}

const MAX_TIMELINE = 200;
export const DEFAULT_SETTLE_TIMEOUT_MS = 600_000;

/** Sets up the run and starts the load; rejects with LoadError when it cannot start. */
export async function startLoad(o: StartLoadOptions): Promise<LoadRun> {
  checkLoadInput(o.target, o.spec);
  const image = o.image ?? DEFAULT_LOAD_IMAGE;
  const bad = imageProblem(image);
  if (bad) throw new LoadError(bad);
  const client = o.client;
  const say = (m: string) => o.onSetup?.(printableLine(m));
  const target = await resolveLoadTarget(client, o.target, o.signal);
  const route = await chooseRoute(client, o.via ?? 'auto', o.env, o.signal);
  const id = randomBytes(6).toString('hex');
  // sending (and set-up), and the watch after it: Stop may end the first and keep the second
  const controller = new AbortController();
  const watching = new AbortController();
  const onOuterAbort = () => {
    controller.abort();
    watching.abort();
  };
  o.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const stats = new LoadStats();
  const timeline: TimelineEntry[] = [];
  const expiresAt = Date.now() + o.spec.durationMs + o.spec.timeoutMs + 300_000;
  const url = `${target.serviceUrl}${o.spec.path}`;

  let via: string;
  let send: (signal: AbortSignal) => Promise<void>;
  let teardown: () => Promise<void>;
  try {
    if (route.kind === 'nodeport') {
      say(`opening NodePort ${route.mapping.nodePort} (published on ${route.mapping.host}:${route.mapping.hostPort}) to Service ${target.service}`);
      const r = await openNodePortRoute(client, target, route.mapping, { runId: id, expiresAt, signal: controller.signal, onWaiting: say });
      via = `NodePort ${r.nodePort} at ${r.host}:${r.hostPort}${r.temporary ? ` (temporary Service ${r.service}, same selector)` : ''}`;
      send = (signal) => runHttpLoad({ host: r.host, port: r.hostPort }, o.spec, stats, signal);
      teardown = () => r.remove();
    } else {
      say(`starting a load pod (image ${image}) in ${target.namespace} that calls ${target.serviceUrl}`);
      const r = await openPodRoute(client, { namespace: target.namespace, image, runId: id, url, spec: o.spec, signal: controller.signal, onWaiting: say });
      via = `pod ${r.podName} (image ${image}) calling ${target.serviceUrl}`;
      send = (signal) => r.run(stats, signal);
      teardown = () => r.remove();
    }
  } catch (e) {
    o.signal?.removeEventListener('abort', onOuterAbort);
    throw e;
  }

  const startMs = Date.now();
  let phase: LoadPhase = 'running';
  let message: string | undefined;
  let scalers: LoadScaler[] = [];
  let loadEndMs: number | undefined;
  let endMs: number | undefined;
  const add = (entries: TimelineEntry[]) => {
    timeline.push(...entries);
    if (timeline.length > MAX_TIMELINE) timeline.splice(0, timeline.length - MAX_TIMELINE);
  };
  const status = (): LoadStatus => {
    const now = Date.now();
    return {
      id,
      context: client.context.name,
      namespace: target.namespace,
      service: target.service,
      route: route.kind,
      via,
      url,
      method: o.spec.method,
      rps: o.spec.rps,
      durationMs: o.spec.durationMs,
      phase,
      elapsedMs: (endMs ?? now) - startMs,
      ...(loadEndMs !== undefined ? { loadEndedMs: loadEndMs - startMs } : {}),
      total: stats.total(),
      lastSecond: loadEndMs === undefined ? stats.lastSecond(now) : { sent: 0, ok: 0, errors: 0 },
      errorKinds: { ...stats.errorKinds },
      scalers,
      timeline: [...timeline],
      ...(message ? { message } : {}),
    };
  };
  const emit = () => o.onStatus?.(status());

  add([{ atMs: 0, kind: 'load', text: `load started: ${o.spec.method} ${url}, ${o.spec.rps} req/s for ${Math.round(o.spec.durationMs / 1000)} s via ${via}` }]);
  if (!target.autoscalers.length)
    add([{ atMs: 0, kind: 'scale', text: `no HPA scales the pods behind Service ${target.service}: the replica count will not change` }]);
  let settleDone: (() => void) | undefined;
  let watch: ScalingWatch | undefined = watchScaling(client, target, {
    startMs,
    onChange: (entries, s) => {
      scalers = s;
      add(entries);
      emit();
      if (phase === 'settling' && s.length && settled(s)) settleDone?.();
    },
  });
  const ticker = setInterval(emit, 1000);

  const finish = async (): Promise<LoadStatus> => {
    let failure: string | undefined;
    try {
      await send(controller.signal);
    } catch (e) {
      failure = errorText(e);
    }
    loadEndMs = Date.now();
    const stoppedEarly = controller.signal.aborted;
    await teardown();
    const t = stats.total();
    add([
      {
        atMs: loadEndMs - startMs,
        kind: 'load',
        text: failure
          ? `load failed: ${printableLine(failure, 300)}`
          : `load ${stoppedEarly ? 'stopped' : 'finished'}: ${t.sent} requests, ${t.errors} errors${t.p50Ms !== undefined ? `, p50 ${t.p50Ms} ms, p95 ${t.p95Ms} ms` : ''}`,
      },
    ]);
    if (!failure && !watching.signal.aborted && o.settle && target.autoscalers.length) {
      phase = 'settling';
      message = `load ${stoppedEarly ? 'stopped' : 'finished'}; watching the HPAs scale back down`;
      emit();
      await new Promise<void>((resolve) => {
        const limit = setTimeout(resolve, o.settleTimeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS);
        const onAbort = () => resolve();
        watching.signal.addEventListener('abort', onAbort, { once: true });
        settleDone = () => {
          clearTimeout(limit);
          watching.signal.removeEventListener('abort', onAbort);
          resolve();
        };
        if (watch && settled(watch.scalers()) && watch.scalers().length) settleDone();
      });
      if (watch && settled(watch.scalers()) && watch.scalers().length)
        add([{ atMs: Date.now() - startMs, kind: 'scale', text: 'every HPA is back at its minimum' }]);
    }
    clearInterval(ticker);
    watch?.dispose();
    watch = undefined;
    o.signal?.removeEventListener('abort', onOuterAbort);
    endMs = Date.now();
    phase = failure ? 'failed' : stoppedEarly ? 'stopped' : 'done';
    message = failure ? printableLine(failure, 500) : timeline[timeline.length - 1]?.text;
    const final = status();
    o.onStatus?.(final);
    return final;
  };
  const done = finish();
  emit();
  return {
    id,
    target,
    status,
    stop: (opts = {}) => {
      const keepWatching = opts.keepWatching === true && phase === 'running' && o.settle === true && target.autoscalers.length > 0;
      if (!keepWatching && (phase === 'running' || phase === 'settling')) {
        phase = 'stopping';
        emit();
      }
      controller.abort();
      if (!keepWatching) watching.abort();
      return done;
    },
    done,
  };
}

type Route = { kind: 'nodeport'; mapping: NodePortMapping } | { kind: 'pod' };

async function chooseRoute(client: ClusterClient, via: RouteChoice, env: NodeJS.ProcessEnv | undefined, signal?: AbortSignal): Promise<Route> {
  if (via === 'pod') return { kind: 'pod' };
  const cluster = client.context.localKind === 'kind' ? client.context.kindCluster : undefined;
  let mappings: NodePortMapping[] = [];
  if (cluster) {
    try {
      mappings = await nodePortMappings(cluster, { env, signal });
    } catch (e) {
      if (via === 'nodeport') throw new LoadError(`cannot read kind cluster ${cluster}'s published ports: ${errorText(e)}`);
    }
  }
  if (mappings.length) return { kind: 'nodeport', mapping: mappings[0] };
  if (via === 'nodeport') {
    throw new LoadError(
      cluster
        ? `kind cluster ${cluster} publishes no NodePort on this machine (create clusters with kube-topology kind-create, or add extraPortMappings to the kind config): use --via pod`
        : `--via nodeport needs a kind cluster whose node publishes a NodePort here; ${client.context.name} is not one: use --via pod`,
    );
  }
  return { kind: 'pod' };
}
