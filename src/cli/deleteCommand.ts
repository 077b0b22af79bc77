import { parseArgs, stringOption } from './argParser';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type CliIo } from './cliIo';
import { loadIndex } from './manifestFiles';
import {
  commonClusterOptions,
  openReachableCluster,
  confirmRemote,
  describeContext,
  findingLine,
  plural,
  refLabel,
  resolveContext,
  terminalIo,
} from './clusterCommon';
import { reportedFinding } from './reporters/findingReport';
import { DEFAULT_TIMEOUT_MS } from '../core/cluster/clusterClient';
import { deleteResources, DEFAULT_DELETE_WAIT_MS } from '../core/cluster/deleteEngine';
import type { DeleteOutcome, DeleteProgress } from '../core/cluster/applyTypes';

export const DELETE_HELP = `Usage: kube-topology delete [options] PATH...

Deletes from the cluster what the manifests define, in reverse dependency order (ingress and
HPAs first, namespaces last), with foreground propagation, and waits until each is gone.
Resources that do not exist are reported as already gone.

Options:
  --context NAME          kubeconfig context (default: the current one)
  --kubeconfig PATHS      kubeconfig file(s) (default: $KUBECONFIG, then ~/.kube/config)
  -n, --namespace NS      namespace for resources without one
  --timeout DURATION      how long to wait for everything to be gone (default ${DEFAULT_DELETE_WAIT_MS / 1000}s)
  --request-timeout DUR   timeout of each API request (default ${DEFAULT_TIMEOUT_MS / 1000}s)
  --no-wait               do not wait until the objects are gone
  -y, --yes               delete on a context that is not a local cluster without asking
  -o, --output FORMAT     text (default) or json

Exit status: 0 everything is gone, 1 something could not be deleted, 2 usage, kubeconfig or I/O error.
`;

export async function runDelete(argv: string[], rawIo: CliIo): Promise<number> {
  let io = rawIo;
  const args = parseArgs(argv, {
    context: { value: true },
    kubeconfig: { value: true },
    namespace: { value: true, alias: 'n' },
    timeout: { value: true },
    'request-timeout': { value: true },
    'no-wait': {},
    yes: { alias: 'y' },
    output: { value: true, alias: 'o' },
    help: { alias: 'h' },
  });
  if (args.options.help) {
    io.stdout(DELETE_HELP);
    return EXIT_OK;
  }
  const { json, waitTimeoutMs, requestTimeoutMs } = commonClusterOptions(args, 'delete', DEFAULT_DELETE_WAIT_MS);
  if (!json) io = terminalIo(rawIo);

  const { info, context } = await resolveContext({ kubeconfig: stringOption(args, 'kubeconfig'), context: stringOption(args, 'context'), cwd: io.cwd });
  const defaultNamespace = stringOption(args, 'namespace') || context.namespace || 'default';
  const index = await loadIndex(args.positionals, io, { defaultNamespace });
  const resources = index.resources();
  if (resources.length === 0) throw new UsageError(`no Kubernetes resources found in ${args.positionals.join(' ')}`);
  if (!(await confirmRemote(io, context, 'Delete from', args.options.yes === true))) return EXIT_FINDINGS;

  const connection = await openReachableCluster(io, 'delete', context, info, requestTimeoutMs, json ? {} : undefined);
  if (!connection) return EXIT_FINDINGS;
  const { client, interrupt } = connection;
  try {
    if (!json) io.stdout(`Deleting from context ${describeContext(context)}: ${plural(resources.length, 'resource')}\n`);
    const onProgress = (e: DeleteProgress) => {
      if (json || e.type !== 'deleted') return;
      io.stdout(`${deleteLine(e.outcome, defaultNamespace)}\n`);
      for (const f of e.outcome.findings) io.stdout(`  ${findingLine(f, io.cwd)}\n`);
    };
    const result = await deleteResources(client, resources, {
      namespace: defaultNamespace,
      wait: args.options['no-wait'] !== true,
      waitTimeoutMs,
      signal: interrupt.signal,
      onProgress,
    });
    const count = (s: DeleteOutcome['status']) => result.outcomes.filter((o) => o.status === s).length;
    if (json) {
      io.stdout(
        JSON.stringify(
          {
            context: result.context,
            server: result.server,
            cancelled: result.cancelled,
            resources: result.outcomes.map((o) => ({ ref: o.ref, status: o.status })),
            findings: result.findings.map((f) => reportedFinding(f, io.cwd)),
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      const extra = [
        count('still-terminating') && `${count('still-terminating')} still terminating`,
        count('skipped-cancelled') && `${count('skipped-cancelled')} skipped (cancelled)`,
      ].filter(Boolean);
      io.stdout(
        `${result.context}: ${count('deleted')} deleted, ${count('not-found')} already gone, ${count('failed')} failed${extra.length ? `, ${extra.join(', ')}` : ''}\n`,
      );
    }
    return result.outcomes.every((o) => o.status === 'deleted' || o.status === 'not-found') ? EXIT_OK : EXIT_FINDINGS;
  } finally {
    interrupt.dispose();
    client.close();
  }
}

function deleteLine(o: DeleteOutcome, ns: string): string {
  const words: Record<DeleteOutcome['status'], string> = {
    deleted: 'deleted',
    'not-found': 'already gone (not found)',
    failed: 'failed',
    'skipped-cancelled': 'skipped (cancelled)',
    'still-terminating': 'still terminating',
  };
  return `${refLabel(o.ref, ns)} ${words[o.status]}`;
}
