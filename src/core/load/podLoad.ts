/**
 * Load from inside the cluster: one short-lived pod that calls the Service by its DNS name, so
 * kube-proxy spreads the requests over every ready pod (a port-forward would pin one). The pod runs
 * a POSIX shell script with curl or wget — busybox's are enough — and prints one line per request,
 * which is read back through the pod's log. The pod removes itself: `activeDeadlineSeconds` ends
 * it even when nobody is left to delete it, and the next run deletes expired ones.
 *
 * The image is the user's choice; the default is busybox, the image Kubernetes' own HPA
 * walkthrough uses for load. Everything that varies reaches the script as environment variables,
 * never spliced into its text.
 */
import { randomBytes } from 'node:crypto';
import { BODY_LIMITS, type ClusterClient } from '../cluster/clusterClient';
import { describeClusterError, listAll } from '../cluster/liveConnection';
import { resourcePath, type ApiPath } from '../cluster/requestPath';
import { objectsAt, stringAt } from '../cluster/serverObject';
import { printableLine } from '../terminalText';
import type { LoadStats, RequestResult } from './loadStats';
import type { LoadRequestSpec } from './loadTypes';
import { LoadError } from './loadTarget';
import { totalRequests } from './httpLoad';
import { serverFailure, serverText } from '../cluster/serverText';

/** The default image of the load pod (`--image` picks another; it needs sh and curl or wget). */
export const DEFAULT_LOAD_IMAGE = 'busybox:1.36';
export const LOAD_LABEL = 'kube-topology.io/load';
export const EXPIRES_ANNOTATION = 'kube-topology.io/expires';
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'kube-topology' } as const;
const CONTAINER = 'load';
/** Time a pod gets to pull its image and start before the run counts as failed. */
const START_TIMEOUT_MS = 180_000;
const MAX_LINE = 200;

/**
 * The client script. Request n starts n/RPS seconds after the first (open loop), each in the
 * background with its own connection, bounded by `timeout`. Times come from /proc/uptime
 * (10 ms steps), the only clock busybox, dash and bash all read the same way.
 */
export const LOAD_SCRIPT = `# kube-topology load client: one line per request, "kt-load START_MS CODE MS"
ms() { read -r up _ < /proc/uptime; s=\${up%.*}; c=\${up#*.}; c=\${c#0}; echo $(( s * 1000 + c * 10 )); }
if command -v curl >/dev/null 2>&1; then client=curl; elif command -v wget >/dev/null 2>&1; then client=wget; else echo "kt-load-error the image has neither curl nor wget"; exit 2; fi
if [ "$client" = wget ] && [ "$METHOD" != GET ] && [ "$METHOD" != POST ]; then echo "kt-load-error $METHOD needs curl in the image (busybox wget sends only GET and POST)"; exit 2; fi
one() {
  t0=$(ms)
  if [ "$client" = curl ]; then
    if [ "$HAS_BODY" = 1 ]; then code=$(printf '%s' "$BODY" | timeout "$TIMEOUT_S" curl -s -o /dev/null -w '%{http_code}' -X "$METHOD" -H "Content-Type: $CONTENT_TYPE" --data-binary @- "$URL" 2>/dev/null)
    else code=$(timeout "$TIMEOUT_S" curl -s -o /dev/null -w '%{http_code}' -X "$METHOD" "$URL" 2>/dev/null); fi
    rc=$?
    if [ -z "$code" ] || [ "$code" = 000 ]; then if [ $rc -ge 124 ]; then code=timeout; else code=error; fi; fi
  else
    if [ "$METHOD" = POST ]; then out=$(timeout "$TIMEOUT_S" wget -S -q -O /dev/null --header "Content-Type: $CONTENT_TYPE" --post-data "$BODY" "$URL" 2>&1)
    else out=$(timeout "$TIMEOUT_S" wget -S -q -O /dev/null "$URL" 2>&1); fi
    rc=$?
    code=$(echo "$out" | sed -n 's/.*HTTP\\/[0-9.]* \\([0-9][0-9][0-9]\\).*/\\1/p' | tail -n 1)
    if [ -z "$code" ]; then if [ $rc -eq 0 ]; then code=ok; elif [ $rc -ge 124 ]; then code=timeout; else code=error; fi; fi
  fi
  echo "kt-load $t0 $code $(( $(ms) - t0 ))"
}
echo "kt-load-start $client"
start=$(ms); i=0
while [ $i -lt "$TOTAL" ]; do
  due=$(( start + i * 1000000 / RPS_MILLI )); now=$(ms)
  if [ $now -lt $due ]; then w=$(( due - now )); sleep "$(( w / 1000 )).$(printf '%03d' $(( w % 1000 )))"; fi
  one &
  i=$(( i + 1 ))
done
wait
echo kt-load-done
`;

export interface LoadPodSpec {
  name: string;
  namespace: string;
  image: string;
  runId: string;
  /** The Service URL plus the request path. */
  url: string;
  spec: LoadRequestSpec;
  /** When the pod may be deleted by anyone (ISO time). */
  expires: string;
}

/** The load pod: restricted security settings, no API token, bounded by activeDeadlineSeconds. */
export function loadPodManifest(p: LoadPodSpec): Record<string, unknown> {
  const timeoutS = Math.max(1, Math.ceil(p.spec.timeoutMs / 1000));
  const env: Record<string, string> = {
    URL: p.url,
    METHOD: p.spec.method,
    RPS_MILLI: String(Math.max(1, Math.round(p.spec.rps * 1000))),
    TOTAL: String(totalRequests(p.spec)),
    TIMEOUT_S: String(timeoutS),
    HAS_BODY: p.spec.body !== undefined ? '1' : '0',
    BODY: p.spec.body ?? '',
    CONTENT_TYPE: p.spec.contentType ?? 'application/octet-stream',
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: p.namespace,
      labels: { ...MANAGED_BY, [LOAD_LABEL]: p.runId },
      annotations: { [EXPIRES_ANNOTATION]: p.expires },
    },
    spec: {
      restartPolicy: 'Never',
      activeDeadlineSeconds: Math.ceil(p.spec.durationMs / 1000) + timeoutS + 120,
      terminationGracePeriodSeconds: 1,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: CONTAINER,
          image: p.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['sh', '-c', LOAD_SCRIPT],
          env: Object.entries(env).map(([name, value]) => ({ name, value })),
          resources: { requests: { cpu: '50m', memory: '16Mi' }, limits: { cpu: '1', memory: '128Mi' } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

export type LoadLine =
  { type: 'result'; result: Omit<RequestResult, 'at'> & { startedMs: number } } | { type: 'start' } | { type: 'done' } | { type: 'error'; message: string };

/** One line of the pod's log (anything the image prints; only our own lines count). */
export function parseLoadLine(line: string): LoadLine | undefined {
  if (line.length > MAX_LINE) return undefined;
  const m = /^kt-load (\d{1,15}) (\d{3}|ok|timeout|error) (-?\d{1,9})$/.exec(line);
  if (m) {
    const code = m[2];
    const ms = Math.max(0, Number(m[3]));
    const status = /^\d{3}$/.test(code) ? Number(code) : undefined;
    const ok = code === 'ok' || (status !== undefined && status > 0 && status < 400);
    const answered = code === 'ok' || status !== undefined;
    return {
      type: 'result',
      result: { startedMs: Number(m[1]), ok, ...(answered ? { ms } : {}), ...(ok ? {} : { error: status !== undefined ? `HTTP ${status}` : code }) },
    };
  }
  if (/^kt-load-start\b/.test(line)) return { type: 'start' };
  if (line === 'kt-load-done') return { type: 'done' };
  const e = /^kt-load-error (.*)$/.exec(line);
  return e ? { type: 'error', message: printableLine(e[1], 300) } : undefined;
}

export interface PodRoute {
  podName: string;
  image: string;
  /** Streams the pod's results into `stats` until the script ends (or `signal` aborts). */
  run(stats: LoadStats, signal: AbortSignal): Promise<void>;
  /** Deletes the pod (idempotent). */
  remove(): Promise<void>;
}

/** Creates the load pod and waits until it runs; a pod that cannot start fails with the reason. */
export async function openPodRoute(
  client: ClusterClient,
  o: { namespace: string; image: string; runId: string; url: string; spec: LoadRequestSpec; signal?: AbortSignal; onWaiting?: (message: string) => void },
): Promise<PodRoute> {
  const podName = `kt-load-${randomBytes(4).toString('hex')}`;
  const podsPath = resourcePath({ apiVersion: 'v1', resource: 'pods', namespace: o.namespace });
  const podPath = resourcePath({ apiVersion: 'v1', resource: 'pods', namespace: o.namespace, name: podName, kind: 'Pod' });
  await reapExpired(client, o.namespace, o.signal);
  const expires = new Date(Date.now() + o.spec.durationMs + o.spec.timeoutMs + START_TIMEOUT_MS).toISOString();
  const manifest = loadPodManifest({ name: podName, namespace: o.namespace, image: o.image, runId: o.runId, url: o.url, spec: o.spec, expires });
  const created = await client.request({ method: 'POST', path: podsPath, body: manifest, signal: o.signal });
  if (created.status !== 201 && created.status !== 200)
    throw new LoadError(`could not create the load pod in ${o.namespace}: ${serverFailure(client, created)}`);
  let removed = false;
  const remove = async () => {
    if (removed) return;
    removed = true;
    await client.request({ method: 'DELETE', path: podPath, query: { gracePeriodSeconds: 0 }, timeoutMs: 15_000 }).catch(() => undefined);
  };
  try {
    await waitUntilStarted(client, podPath, o.image, o.signal, o.onWaiting);
  } catch (e) {
    await remove();
    throw e;
  }
  const logPath = resourcePath({ apiVersion: 'v1', resource: 'pods', namespace: o.namespace, name: podName, kind: 'Pod', subresource: 'log' });
  return {
    podName,
    image: o.image,
    remove,
    run: (stats, signal) => followResults(client, logPath, logIdleMs(o.spec), stats, signal),
  };
}

/**
 * The longest a healthy load pod stays silent: a line per answered request, so at most the gap
 * between two requests (or the whole run, for one request) plus the request timeout; a minute's
 * slack on top, and never less than a watch's idle deadline.
 */
export function logIdleMs(spec: Pick<LoadRequestSpec, 'rps' | 'durationMs' | 'timeoutMs'>): number {
  return Math.max(90_000, Math.min(1000 / spec.rps, spec.durationMs) + spec.timeoutMs + 60_000);
}

async function waitUntilStarted(client: ClusterClient, podPath: ApiPath, image: string, signal?: AbortSignal, onWaiting?: (m: string) => void): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let said = '';
  for (;;) {
    if (signal?.aborted) throw new LoadError('cancelled');
    const res = await client.request({ method: 'GET', path: podPath, signal });
    const pod = res.status === 200 ? res.body : undefined;
    const phase = stringAt(pod, 'status', 'phase') ?? 'Pending';
    if (phase === 'Running' || phase === 'Succeeded') return;
    if (phase === 'Failed')
      throw new LoadError(
        `the load pod failed to start: ${serverText(client, stringAt(pod, 'status', 'message') ?? stringAt(pod, 'status', 'reason') ?? 'Failed', 300)}`,
      );
    const first = objectsAt(pod, 'status', 'containerStatuses')[0];
    const reason = stringAt(first, 'state', 'waiting', 'reason') ?? '';
    if (/^(ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull)$/.test(reason)) {
      throw new LoadError(
        `the load pod cannot get image ${image} (${reason}). On kind, load it first (kind load docker-image ${image} --name CLUSTER); ` +
          'offline or without a registry, pass --image with an image the cluster already has (it needs sh and curl or wget), or use a kind cluster made by kube-topology kind-create (load then goes through its NodePort and needs no image)',
      );
    }
    if (/^(CreateContainerConfigError|CreateContainerError|RunContainerError)$/.test(reason)) {
      throw new LoadError(`the load pod cannot start: ${reason}: ${serverText(client, stringAt(first, 'state', 'waiting', 'message') ?? '', 300)}`);
    }
    const line = reason ? `load pod: ${printableLine(reason, 100)}` : `load pod: ${printableLine(phase, 50)}`;
    if (line !== said) onWaiting?.(line);
    said = line;
    if (Date.now() > deadline) throw new LoadError(`the load pod did not start within ${START_TIMEOUT_MS / 1000} s (${line})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Follows the pod's log (the connection's bounded stream: each line at most BODY_LIMITS.logLine,
 * an idle deadline), one result per line, until the script ends (the log closes) or `signal` aborts.
 */
async function followResults(client: ClusterClient, logPath: ApiPath, idleMs: number, stats: LoadStats, signal: AbortSignal): Promise<void> {
  let failure: string | undefined;
  try {
    await client.streamLines(
      logPath,
      (line) => {
        const parsed = parseLoadLine(line.trim());
        if (parsed?.type === 'result') {
          const at = Date.now();
          stats.sent(at);
          stats.record({
            at,
            ok: parsed.result.ok,
            ...(parsed.result.ms !== undefined ? { ms: parsed.result.ms } : {}),
            ...(parsed.result.error ? { error: parsed.result.error } : {}),
          });
        } else if (parsed?.type === 'error') failure = parsed.message;
      },
      { query: { container: CONTAINER, follow: 'true' }, signal, idleMs, maxLineBytes: BODY_LIMITS.logLine, describe: "the load pod's log" },
    );
  } catch (e) {
    if (!signal.aborted) throw new LoadError(`cannot read the load pod's log: ${printableLine(describeClusterError(e, client), 300)}`);
  }
  if (failure) throw new LoadError(`the load pod stopped: ${failure}`);
}

/** Deletes load pods whose expiry has passed (left by a run that could not clean up). */
async function reapExpired(client: ClusterClient, namespace: string, signal?: AbortSignal): Promise<void> {
  let pods;
  try {
    pods = (await listAll(client, resourcePath({ apiVersion: 'v1', resource: 'pods', namespace }), { labelSelector: LOAD_LABEL }, { signal })).items;
  } catch {
    return; // nothing to reap that can be read; the pods end themselves (activeDeadlineSeconds)
  }
  for (const p of pods) {
    const expires = Date.parse(stringAt(p, 'metadata', 'annotations', EXPIRES_ANNOTATION) ?? '');
    const name = stringAt(p, 'metadata', 'name') ?? '';
    if (/^kt-load-[0-9a-f]{8}$/.test(name) && Number.isFinite(expires) && expires < Date.now()) {
      const path = resourcePath({ apiVersion: 'v1', resource: 'pods', namespace, name, kind: 'Pod' });
      await client.request({ method: 'DELETE', path, query: { gracePeriodSeconds: 0 }, signal }).catch(() => undefined);
    }
  }
}
