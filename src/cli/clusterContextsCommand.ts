import { parseArgs, stringOption } from './argParser';
import { EXIT_OK, UsageError, type CliIo } from './cliIo';
import { kubeconfigOption, parseDuration, terminalIo } from './clusterCommon';
import { KubeconfigError, loadKubeconfig, withLocality, type ContextInfo, type KubeconfigInfo } from '../core/cluster/kubeconfig';
import { openCluster, DEFAULT_PROBE_TIMEOUT_MS, type ProbeResult } from '../core/cluster/clusterClient';

export const CONTEXTS_HELP = `Usage: kube-topology contexts [options]

Lists the kubeconfig contexts: which is current, local or remote, and whether the server answers
(all probed in parallel). Local is decided from where the server is — a loopback address, a unix
socket, or a server kind reports for one of its clusters — never from the context's name.

Options:
  --kubeconfig PATHS      kubeconfig file(s) (default: $KUBECONFIG, then ~/.kube/config)
  --no-probe              do not contact the servers
  --timeout DURATION      per-server probe timeout (default ${DEFAULT_PROBE_TIMEOUT_MS / 1000}s)
  -o, --output FORMAT     text (default) or json
`;

export async function runContexts(argv: string[], rawIo: CliIo): Promise<number> {
  const args = parseArgs(argv, {
    kubeconfig: { value: true },
    'no-probe': {},
    timeout: { value: true },
    output: { value: true, alias: 'o' },
    help: { alias: 'h' },
  });
  if (args.options.help) {
    rawIo.stdout(CONTEXTS_HELP);
    return EXIT_OK;
  }
  const format = stringOption(args, 'output') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--output must be text or json, got "${format}"`);
  const io = format === 'json' ? rawIo : terminalIo(rawIo);
  const timeoutMs = parseDuration(stringOption(args, 'timeout') ?? `${DEFAULT_PROBE_TIMEOUT_MS / 1000}s`, '--timeout');
  let info: KubeconfigInfo;
  try {
    info = await withLocality(loadKubeconfig({ kubeconfig: kubeconfigOption(stringOption(args, 'kubeconfig'), io.cwd) }));
  } catch (e) {
    if (e instanceof KubeconfigError) throw new UsageError(e.message);
    throw e;
  }
  const probes = new Map<string, ProbeResult>();
  if (args.options['no-probe'] !== true) {
    await Promise.all(
      info.contexts.map(async (c) => {
        try {
          const client = openCluster(c.name, { info, timeoutMs });
          probes.set(c.name, await client.probe({ timeoutMs }));
          client.close();
        } catch (e) {
          probes.set(c.name, { reachable: false, error: (e as Error).message, elapsedMs: 0 });
        }
      }),
    );
  }
  if (format === 'json') {
    io.stdout(
      JSON.stringify(
        {
          currentContext: info.currentContext,
          files: info.files,
          warnings: info.warnings,
          contexts: info.contexts.map((c) => ({ ...c, probe: probes.get(c.name) })),
        },
        null,
        2,
      ) + '\n',
    );
    return EXIT_OK;
  }
  if (info.contexts.length === 0) {
    io.stdout(`no contexts (read: ${info.files.join(', ') || 'no kubeconfig file'})\n`);
  }
  for (const c of info.contexts) io.stdout(contextLine(c, c.name === info.currentContext, probes.get(c.name)) + '\n');
  for (const w of info.warnings) io.stderr(`warning: ${w}\n`);
  return EXIT_OK;
}

function contextLine(c: ContextInfo, current: boolean, probe: ProbeResult | undefined): string {
  const where = c.local ? `local (${c.localKind}${c.kindCluster ? ` ${c.kindCluster}` : ''})` : 'remote';
  const state = !probe ? '' : probe.reachable && !probe.error ? `  reachable, ${probe.version}` : `  ${probe.error}`;
  return `${current ? '*' : ' '} ${c.name}  ${c.server || '(no server)'}  ${where}${c.namespace ? `  namespace ${c.namespace}` : ''}${state}`;
}
