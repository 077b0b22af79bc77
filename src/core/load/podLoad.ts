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
import type { ClusterClient } from '../cluster/clusterClient';
import { loadClientNode } from '../cluster/clientNodeLoader';
import { safeLine } from '../safeText';
import type { LoadStats, RequestResult } from './loadStats';
import type { LoadRequestSpec } from './loadTypes';
import { LoadError } from './loadTarget';
import { totalRequests } from './httpLoad';
import { apiMessage, listItems, str, type PodObject } from './apiObjects';

/** The default image of the load pod (`--image` picks another; it needs sh and curl or wget). */
export const DEFAULT_LOAD_IMAGE = 'busybox:1.36';
export const LOAD_LABEL = 'kube-topology.io/load';
export const EXPIRES_ANNOTATION = 'kube-topology.io/expires';
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'kube-topology' } as const;
const CONTAINER = 'load';
/** Time a pod gets to pull its image and start before the run counts as failed. */
const START_TIMEOUT_MS = 180_000;
const MAX_LINE = 200;

/** An image reference as the container runtime takes it (no spaces, quotes or control characters). */
export function imageProblem(image: string): string | undefined {
  if (!image || image.length > 500 || !/^[a-z0-9][a-z0-9._\-/:@]*$/i.test(image)) return `"${safeLine(image, 80)}" is not a container image reference`;
  return undefined;
}

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
  return e ? { type: 'error', message: safeLine(e[1], 300) } : undefined;
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
  const podsPath = `/api/v1/namespaces/${encodeURIComponent(o.namespace)}/pods`;
  const podPath = `${podsPath}/${podName}`;
  await reapExpired(client, podsPath, o.signal);
  const expires = new Date(Date.now() + o.spec.durationMs + o.spec.timeoutMs + START_TIMEOUT_MS).toISOString();
  const manifest = loadPodManifest({ name: podName, namespace: o.namespace, image: o.image, runId: o.runId, url: o.url, spec: o.spec, expires });
  const created = await client.request({ method: 'POST', path: podsPath, body: manifest, signal: o.signal });
  if (created.status !== 201 && created.status !== 200)
    throw new LoadError(`could not create the load pod in ${o.namespace}: HTTP ${created.status}${apiMessage(created.body)}`);
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
  return {
    podName,
    image: o.image,
    remove,
    run: (stats, signal) => followResults(client, o.namespace, podName, stats, signal),
  };
}

async function waitUntilStarted(client: ClusterClient, podPath: string, image: string, signal?: AbortSignal, onWaiting?: (m: string) => void): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let said = '';
  for (;;) {
    if (signal?.aborted) throw new LoadError('cancelled');
    const res = await client.request({ method: 'GET', path: podPath, signal });
    const pod = (res.status === 200 ? res.body : undefined) as PodObject | undefined;
    const phase = str(pod?.status?.phase) ?? 'Pending';
    if (phase === 'Running' || phase === 'Succeeded') return;
    if (phase === 'Failed') throw new LoadError(`the load pod failed to start: ${safeLine(pod?.status?.message ?? pod?.status?.reason ?? 'Failed', 300)}`);
    const waiting = pod?.status?.containerStatuses?.[0]?.state?.waiting;
    const reason = str(waiting?.reason) ?? '';
    if (/^(ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull)$/.test(reason)) {
      throw new LoadError(
        `the load pod cannot get image ${image} (${reason}). On kind, load it first (kind load docker-image ${image} --name CLUSTER); ` +
          'offline or without a registry, pass --image with an image the cluster already has (it needs sh and curl or wget), or use a kind cluster made by kube-topology kind-create (load then goes through its NodePort and needs no image)',
      );
    }
    if (/^(CreateContainerConfigError|CreateContainerError|RunContainerError)$/.test(reason)) {
      throw new LoadError(`the load pod cannot start: ${reason}: ${safeLine(waiting?.message ?? '', 300)}`);
    }
    const line = reason ? `load pod: ${reason}` : `load pod: ${phase}`;
    if (line !== said) onWaiting?.(line);
    said = line;
    if (Date.now() > deadline) throw new LoadError(`the load pod did not start within ${START_TIMEOUT_MS / 1000} s (${line})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Follows the pod's log, one result per line, until the script ends (the log closes) or `signal` aborts. */
async function followResults(client: ClusterClient, namespace: string, podName: string, stats: LoadStats, signal: AbortSignal): Promise<void> {
  let failure: string | undefined;
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(podName)}/log`;
  try {
    await streamLines(client, path, { container: CONTAINER, follow: 'true' }, signal, (line) => {
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
    });
  } catch (e) {
    if (!signal.aborted) throw new LoadError(`cannot read the load pod's log: ${safeLine((e as Error).message, 300)}`);
  }
  if (failure) throw new LoadError(`the load pod stopped: ${failure}`);
}

interface StreamingDispatcher {
  request(o: { origin: string; path: string; method: string; headers: Record<string, string>; signal?: AbortSignal }): Promise<{
    statusCode: number;
    body: AsyncIterable<Buffer | string> & { text(): Promise<string> };
  }>;
}

/**
 * A streaming GET authenticated like every other request (client-node's KubeConfig: certificates,
 * tokens, exec plugins), read line by line. Every failure, an abort included, is a rejection here,
 * never an unhandled stream error.
 */
async function streamLines(
  client: ClusterClient,
  path: string,
  query: Record<string, string>,
  signal: AbortSignal,
  onLine: (line: string) => void,
): Promise<void> {
  const k8s = loadClientNode();
  const url = new URL(client.server.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const ctx = new k8s.RequestContext(url.toString(), 'GET');
  await client.kubeConfig.applySecurityAuthentication(ctx);
  const dispatcher = ctx.getDispatcher() as StreamingDispatcher | undefined;
  let body: AsyncIterable<Buffer | string | Uint8Array>;
  if (dispatcher && typeof dispatcher.request === 'function') {
    const res = await dispatcher.request({ origin: url.origin, path: url.pathname + url.search, method: 'GET', headers: ctx.getHeaders(), signal });
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}${apiMessage(safeJson(await res.body.text()))}`);
    body = res.body;
  } else {
    const res = await fetch(url, { headers: ctx.getHeaders(), signal });
    if (res.status !== 200 || !res.body) throw new Error(`HTTP ${res.status}${apiMessage(safeJson(await res.text()))}`);
    body = res.body;
  }
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    const lines = buffer.split('\n');
    buffer = (lines.pop() ?? '').slice(-MAX_LINE * 2);
    for (const line of lines) onLine(line);
  }
  if (buffer) onLine(buffer);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Deletes load pods whose expiry has passed (left by a run that could not clean up). */
async function reapExpired(client: ClusterClient, podsPath: string, signal?: AbortSignal): Promise<void> {
  const res = await client.request({ method: 'GET', path: podsPath, query: { labelSelector: LOAD_LABEL }, signal });
  for (const p of res.status === 200 ? listItems<PodObject>(res.body) : []) {
    const expires = Date.parse(str(p.metadata?.annotations?.[EXPIRES_ANNOTATION]) ?? '');
    const name = p.metadata?.name;
    if (typeof name === 'string' && /^kt-load-[0-9a-f]{8}$/.test(name) && Number.isFinite(expires) && expires < Date.now()) {
      await client.request({ method: 'DELETE', path: `${podsPath}/${name}`, query: { gracePeriodSeconds: 0 }, signal }).catch(() => undefined);
    }
  }
}
