import { parseArgs, stringOption } from './argParser';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type CliIo } from './cliIo';
import { connectLive } from '../core/cluster/liveConnection';
import { forwardService } from '../core/cluster/portForward';
import { kubeconfigOption, terminalIo } from './clusterCommon';

export const PORT_FORWARD_HELP = `Usage: kube-topology port-forward [options] SERVICE[:PORT]

Forwards a local port to a ready pod behind the Service (the Service's targetPort on that pod),
prints the local URL and runs until Ctrl-C. When the pod is replaced (rollout, crash, delete),
new connections go to another ready pod. PORT is a Service port number or name; it may be left
out when the Service has one port.

Options:
  --context C        kubeconfig context (default: the current one)
  --kubeconfig F     kubeconfig file(s) (default: $KUBECONFIG, then ~/.kube/config)
  --namespace NS     the Service's namespace (default: the context's, else "default")
  --local-port P     local port (default: a free one)
  --address A        local address to listen on (default 127.0.0.1)
`;

/**
 * Runs until `signal` aborts (default: SIGINT/SIGTERM of this process). Exit 0 after a clean stop,
 * 1 when the forward could not be set up.
 */
export async function runPortForward(argv: string[], rawIo: CliIo, opts: { signal?: AbortSignal } = {}): Promise<number> {
  const io = terminalIo(rawIo);
  const args = parseArgs(argv, {
    context: { value: true },
    kubeconfig: { value: true },
    namespace: { value: true, alias: 'n' },
    'local-port': { value: true },
    address: { value: true },
    help: { alias: 'h' },
  });
  if (args.options.help) {
    io.stdout(PORT_FORWARD_HELP);
    return EXIT_OK;
  }
  if (args.positionals.length !== 1) throw new UsageError('port-forward needs exactly one SERVICE[:PORT]');
  const [service, port, extra] = args.positionals[0].replace(/^(svc|service)\//, '').split(':');
  if (!service || extra !== undefined) throw new UsageError(`"${args.positionals[0]}" is not SERVICE or SERVICE:PORT`);
  const localPortArg = stringOption(args, 'local-port');
  const localPort = localPortArg === undefined ? undefined : Number(localPortArg);
  if (localPort !== undefined && !(Number.isInteger(localPort) && localPort >= 0 && localPort <= 65535)) {
    throw new UsageError(`--local-port must be a port number (0–65535), got "${localPortArg}"`);
  }

  let connection;
  try {
    connection = connectLive({ context: stringOption(args, 'context'), kubeconfigPath: kubeconfigOption(stringOption(args, 'kubeconfig'), io.cwd) });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const namespace = stringOption(args, 'namespace') ?? connection.namespace ?? 'default';

  let signal = opts.signal;
  let removeHandlers = () => {};
  if (!signal) {
    const ac = new AbortController();
    const onSignal = () => ac.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    removeHandlers = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
    signal = ac.signal;
  }

  try {
    let fwd;
    try {
      fwd = await forwardService(connection, { namespace, service, port: port || undefined, localPort, address: stringOption(args, 'address') });
    } catch (e) {
      io.stderr(`kube-topology port-forward: ${(e as Error).message}\n`);
      return EXIT_FINDINGS;
    }
    io.stdout(`Forwarding ${fwd.url} → Service ${namespace}/${service}${port ? ` port ${port}` : ''} (pod ${fwd.pod}, port ${fwd.targetPort})\n`);
    io.stdout('Press Ctrl-C to stop.\n');
    fwd.onDidChangePod((pod) => {
      io.stdout(pod ? `Now forwarding to pod ${pod} (port ${fwd.targetPort})\n` : `No ready pod behind Service ${namespace}/${service}: waiting for one\n`);
    });
    fwd.onDidFail((message) => io.stderr(`${message}\n`));
    if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await fwd.stop();
    io.stdout('Stopped.\n');
    return EXIT_OK;
  } finally {
    removeHandlers();
    connection.close();
  }
}
