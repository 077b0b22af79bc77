import * as path from 'node:path';
import { parseArgs, stringOption } from './argParser';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type CliIo } from './cliIo';
import { confirmRemote, openReachableCluster, parseDuration, resolveContext, terminalIo } from './clusterCommon';
import { readFileCapped, TooLargeError } from '../core/cluster/boundedIo';
import { bodyContentType, LoadError, MAX_BODY_BYTES, METHODS } from '../core/load/loadTarget';
import { startLoad, type RouteChoice } from '../core/load/loadSession';
import { DEFAULT_LOAD_IMAGE } from '../core/load/podLoad';
import type { LoadCounts, LoadRequestSpec, LoadScaler, LoadStatus, TimelineEntry } from '../core/load/loadTypes';
import { errorText } from '../core/errorText';

export const LOAD_HELP = `Usage: kube-topology load SERVICE --rps R --duration D [options]

Sends bounded HTTP traffic to a Service and shows, every second, the request rate, errors and
latency next to what its HPAs do (replicas current → desired, CPU) and a timeline of scaling
events and pods coming and going. It stops by itself after D; Ctrl-C stops it sooner and
removes what it created.

The traffic spreads over every ready pod, like real clients (a port-forward would pin one pod):
  nodeport  on a kind cluster whose node publishes a NodePort here (kube-topology kind-create
            makes such clusters): requests go from this machine to that port; when the Service is
            not a NodePort there, a temporary NodePort Service with its selector is created and
            deleted afterwards. No image needed.
  pod       elsewhere: a short-lived pod calls http://SERVICE.NS.svc.cluster.local:PORT with curl
            or wget (image --image, default ${DEFAULT_LOAD_IMAGE}); it is deleted afterwards and ends
            itself (activeDeadlineSeconds) if nobody is left to delete it.

Options:
  --rps R              requests per second (open loop; at most 500)
  --duration D         how long, e.g. 60s or 2m
  --path P             request path and query (default /), e.g. /predict
  --method M           ${METHODS.join(', ')} (default GET, POST with --body)
  --body FILE          request body (at most ${MAX_BODY_BYTES / 1024} KB), e.g. the lesson's /predict JSON
  --content-type T     body media type (default application/json for a .json file or a JSON body)
  --port P             Service port number or name (needed when the Service has several)
  --timeout T          a request slower than this counts as an error (default 10s)
  --via ROUTE          auto (default), nodeport or pod
  --image IMAGE        image of the load pod (pod route; needs sh and curl or wget)
  --settle             after the load, keep watching until every HPA is back at its minimum (at most 10m)
  -n, --namespace NS   the Service's namespace (default: the context's, else "default")
  --context C          kubeconfig context (default: the current one)
  --kubeconfig F       kubeconfig file(s) (default: $KUBECONFIG, then ~/.kube/config)
  -o, --output FORMAT  text (default) or json (the final status)
  -y, --yes            send to a context that is not a local cluster without asking

Exit status: 0 the run completed with no failed request, 1 requests failed or the run could not
start, 2 usage error, 130 stopped with Ctrl-C.
`;

export async function runLoad(argv: string[], rawIo: CliIo): Promise<number> {
  const args = parseArgs(argv, {
    rps: { value: true },
    duration: { value: true },
    path: { value: true },
    method: { value: true },
    body: { value: true },
    'content-type': { value: true },
    port: { value: true },
    timeout: { value: true },
    via: { value: true },
    image: { value: true },
    settle: {},
    namespace: { value: true, alias: 'n' },
    context: { value: true },
    kubeconfig: { value: true },
    output: { value: true, alias: 'o' },
    yes: { alias: 'y' },
    help: { alias: 'h' },
  });
  if (args.options.help) {
    rawIo.stdout(LOAD_HELP);
    return EXIT_OK;
  }
  if (args.positionals.length !== 1) throw new UsageError('load needs exactly one SERVICE');
  const service = args.positionals[0].replace(/^(svc|service)\//, '');
  const format = stringOption(args, 'output') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--output must be text or json, got "${format}"`);
  // Text for a terminal (names and server messages cannot carry control characters to it); JSON is escaped by JSON.
  const io = format === 'json' ? rawIo : terminalIo(rawIo);
  const rpsText = stringOption(args, 'rps');
  const durationText = stringOption(args, 'duration');
  if (rpsText === undefined || durationText === undefined) throw new UsageError('load needs --rps and --duration (it never runs unbounded)');
  const via = (stringOption(args, 'via') ?? 'auto') as RouteChoice;
  if (!['auto', 'nodeport', 'pod'].includes(via)) throw new UsageError(`--via must be auto, nodeport or pod, got "${via}"`);
  const spec = requestSpec(args.options, io.cwd, rpsText, durationText);

  const { info, context } = await resolveContext({ kubeconfig: stringOption(args, 'kubeconfig'), context: stringOption(args, 'context'), cwd: io.cwd });
  const namespace = stringOption(args, 'namespace') ?? context.namespace ?? 'default';
  // The run creates a pod or a NodePort Service there and deletes it again: like apply, a yes first on a cluster elsewhere.
  if (!(await confirmRemote(io, context, 'Send load (a pod or a temporary Service) to', args.options.yes === true))) return EXIT_FINDINGS;
  const opened = await openReachableCluster(io, 'load', context, info, 15_000, undefined);
  if (!opened) return EXIT_FINDINGS;
  const { client } = opened;
  opened.interrupt.dispose(); // this command handles Ctrl-C itself: stop, then clean up
  const json = format === 'json';
  const out = (s: string) => {
    if (!json) io.stdout(s);
  };

  const setup = new AbortController();
  let run: Awaited<ReturnType<typeof startLoad>> | undefined;
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    io.stderr('\nstopping: removing what the load created (Ctrl-C again to quit now)\n');
    setup.abort();
    void run?.stop();
  };
  process.on('SIGINT', onSigint);
  const printed = { timeline: 0, second: -1 };
  try {
    try {
      run = await startLoad({
        client,
        target: { namespace, service, port: stringOption(args, 'port') },
        spec,
        via,
        image: stringOption(args, 'image'),
        settle: args.options.settle === true,
        signal: setup.signal,
        onSetup: (m) => out(`• ${m}\n`),
        onStatus: (s) => printProgress(s, printed, out),
      });
    } catch (e) {
      if (!(e instanceof LoadError)) throw e;
      io.stderr(`kube-topology load: ${interrupted ? 'stopped before the load started' : e.message}\n`);
      return interrupted ? 130 : EXIT_FINDINGS;
    }
    out(
      `Sending ${spec.method} ${spec.path} to Service ${namespace}/${service}: ${spec.rps} req/s for ${formatSeconds(spec.durationMs)} via ${run.status().via}\n`,
    );
    const final = await run.done;
    printProgress(final, printed, out);
    if (json) io.stdout(JSON.stringify(final, null, 2) + '\n');
    else io.stdout(summary(final));
    if (final.phase === 'failed') {
      io.stderr(`kube-topology load: ${final.message ?? 'failed'}\n`);
      return EXIT_FINDINGS;
    }
    if (final.phase === 'stopped' || interrupted) return 130;
    return final.total.errors ? EXIT_FINDINGS : EXIT_OK;
  } finally {
    process.off('SIGINT', onSigint);
    client.close();
  }
}

function requestSpec(options: Record<string, string | string[] | boolean>, cwd: string, rpsText: string, durationText: string): LoadRequestSpec {
  const str = (k: string): string | undefined => {
    const v = options[k];
    return typeof v === 'string' ? v : undefined;
  };
  const rps = Number(rpsText);
  if (!Number.isFinite(rps) || rps <= 0) throw new UsageError(`--rps must be a number above 0, got "${rpsText}"`);
  let body: string | undefined;
  let contentType = str('content-type');
  const bodyFile = str('body');
  if (bodyFile !== undefined) {
    const file = path.resolve(cwd, bodyFile);
    try {
      // With a ceiling: a device or pipe (/dev/zero) ends at it instead of filling the memory.
      body = readFileCapped(file, MAX_BODY_BYTES, `--body ${bodyFile}`).toString('utf8');
    } catch (e) {
      throw new UsageError(e instanceof TooLargeError ? e.message : `--body ${bodyFile}: ${errorText(e)}`);
    }
    contentType ??= bodyContentType(file, body);
  }
  return {
    method: (str('method') ?? (body !== undefined ? 'POST' : 'GET')).toUpperCase(),
    path: str('path') ?? '/',
    rps,
    durationMs: parseDuration(durationText, '--duration'),
    timeoutMs: parseDuration(str('timeout') ?? '10s', '--timeout'),
    ...(body !== undefined ? { body } : {}),
    ...(contentType !== undefined ? { contentType } : {}),
  };
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)} s`;
}

function latency(c: LoadCounts): string {
  return c.p50Ms !== undefined ? `p50 ${c.p50Ms} ms, p95 ${c.p95Ms} ms` : 'no answers yet';
}

/** `gateway 2→4 · CPU 152% / 50% · pods 2/4 ready`. */
export function scalerText(s: LoadScaler): string {
  const ready = s.pods.filter((p) => p.ready).length;
  const replicas = s.desiredReplicas && s.desiredReplicas !== s.currentReplicas ? `${s.currentReplicas}→${s.desiredReplicas}` : `${s.currentReplicas}`;
  return `${s.name} ${replicas}${s.metrics.length ? ` · ${s.metrics.join(', ')}` : ''} · pods ${ready}/${s.pods.length} ready`;
}

function timelineLine(e: TimelineEntry): string {
  const sign = e.atMs < 0 ? '-' : '+';
  return `  ${sign}${(Math.abs(e.atMs) / 1000).toFixed(1).padStart(5)}s  ${e.text}\n`;
}

/** One line per second while running (rate, errors, latency, HPAs) and every new timeline entry. */
function printProgress(s: LoadStatus, printed: { timeline: number; second: number }, out: (t: string) => void): void {
  const fresh = s.timeline.length < printed.timeline ? s.timeline : s.timeline.slice(printed.timeline);
  for (const e of fresh) out(timelineLine(e));
  printed.timeline = s.timeline.length;
  const second = Math.floor(s.elapsedMs / 1000);
  if ((s.phase !== 'running' && s.phase !== 'settling') || second === printed.second) return;
  printed.second = second;
  const scalers = s.scalers.map(scalerText).join(' | ');
  if (s.phase === 'running') {
    const l = s.lastSecond;
    out(`  ${String(second).padStart(4)}s  ${l.sent} req/s  ok ${l.ok}  errors ${l.errors}  ${latency(l)}${scalers ? `  | ${scalers}` : ''}\n`);
  } else if (second % 5 === 0 && scalers) {
    out(`  ${String(second).padStart(4)}s  (load over)  | ${scalers}\n`);
  }
}

function summary(s: LoadStatus): string {
  const t = s.total;
  const kinds = Object.entries(s.errorKinds)
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');
  const lines = [
    `${s.phase === 'failed' ? 'Failed' : s.phase === 'stopped' ? 'Stopped' : 'Done'}: ${t.sent} requests in ${formatSeconds(s.loadEndedMs ?? s.elapsedMs)}, ${t.ok} ok, ${t.errors} errors${kinds ? ` (${kinds})` : ''}, ${latency(t)}${t.maxMs !== undefined ? `, max ${t.maxMs} ms` : ''}`,
  ];
  for (const sc of s.scalers) lines.push(`  HPA ${scalerText(sc)}`);
  return lines.join('\n') + '\n';
}
