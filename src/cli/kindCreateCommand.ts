import * as path from 'node:path';
import { parseArgs, stringOption } from './argParser';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type CliIo } from './cliIo';
import { parseDuration, terminalIo } from './clusterCommon';
import { clusterNameProblem, createKindCluster, DEFAULT_KIND_CLUSTER_NAME, DEFAULT_NODE_PORT } from '../core/kind/kindCreate';
import { KindToolError } from '../core/kind/kindTools';
import { imageProblem } from '../core/cluster/kindImages';

export const KIND_CREATE_HELP = `Usage: kube-topology kind-create [options]

Creates a new kind cluster ready for the topology, with your own kind and Docker: a one-node
cluster whose config publishes NodePort ${DEFAULT_NODE_PORT} on 127.0.0.1:${DEFAULT_NODE_PORT} (the next free port
when taken), so "kube-topology load" can spread traffic over every replica through kube-proxy.
Waits until pods can run (node Ready, the default ServiceAccount, CoreDNS). kind writes the
context kind-NAME into your kubeconfig and makes it current, as "kind create cluster" does.
An existing cluster is never touched: a name kind already has is refused.

Options:
  --name NAME         cluster name (default "${DEFAULT_KIND_CLUSTER_NAME}")
  --image IMAGE       node image, passed to kind (default: kind's own)
  --config FILE       your kind config, passed to kind unchanged (no port is added to it)
  --kubeconfig FILE   kubeconfig file kind writes to (default: kind's, i.e. $KUBECONFIG or ~/.kube/config)
  --timeout DURATION  time for create and waiting (default 10m)

Then: kube-topology kind-addons metrics-server   (HPAs need it to read CPU)
Binaries: kind and docker from PATH, or $KUBE_TOPOLOGY_KIND / $KUBE_TOPOLOGY_DOCKER.
Exit status: 0 cluster ready, 1 kind failed or the cluster did not become usable (it is deleted
again), 2 usage error, docker or kind missing, or the name taken.
`;

export async function runKindCreate(argv: string[], rawIo: CliIo): Promise<number> {
  // Text for a terminal: kind's output lines and names cannot carry control characters to it.
  const io = terminalIo(rawIo);
  const args = parseArgs(argv, {
    name: { value: true },
    image: { value: true },
    config: { value: true },
    kubeconfig: { value: true },
    timeout: { value: true },
    help: { alias: 'h' },
  });
  if (args.options.help) {
    io.stdout(KIND_CREATE_HELP);
    return EXIT_OK;
  }
  if (args.positionals.length) throw new UsageError(`kind-create takes no PATH (got "${args.positionals[0]}"); see --help`);
  const name = stringOption(args, 'name') ?? DEFAULT_KIND_CLUSTER_NAME;
  const problem = clusterNameProblem(name);
  if (problem) throw new UsageError(problem);
  const image = stringOption(args, 'image');
  const imageIssue = image !== undefined ? imageProblem(image) : undefined;
  if (imageIssue) throw new UsageError(`--image: ${imageIssue}`);
  const configArg = stringOption(args, 'config');
  const kubeconfigArg = stringOption(args, 'kubeconfig');
  const timeoutMs = parseDuration(stringOption(args, 'timeout') ?? '10m', '--timeout');

  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    io.stderr('\nstopping: kind is told to stop and the unfinished cluster is deleted (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const t0 = Date.now();
  try {
    const created = await createKindCluster({
      name,
      image,
      configFile: configArg ? path.resolve(io.cwd, configArg) : undefined,
      kubeconfig: kubeconfigArg ? path.resolve(io.cwd, kubeconfigArg) : undefined,
      signal: controller.signal,
      timeoutMs,
      onProgress: (p) => io.stdout(`${p.phase === 'create' ? '  ' : '• '}${p.message}\n`),
    });
    for (const note of created.notes) io.stdout(`note: ${note}\n`);
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    io.stdout(
      `kind cluster "${created.name}" is ready: usable after ${seconds(created.usableMs)} (kind create ${seconds(created.createdMs)}); context ${created.context}\n`,
    );
    for (const m of created.nodePorts)
      io.stdout(`NodePort ${m.nodePort} is published on ${m.host}:${m.hostPort}: "kube-topology load" sends traffic through it\n`);
    io.stdout(`Next: kube-topology kind-addons metrics-server --context ${created.context}   (HPAs need it to read CPU)\n`);
    io.stdout(`Delete it with: kind delete cluster --name ${created.name}\n`);
    return EXIT_OK;
  } catch (e) {
    if (!(e instanceof KindToolError)) throw e;
    if (e.problem === 'cancelled') {
      io.stderr(`kube-topology kind-create: stopped after ${((Date.now() - t0) / 1000).toFixed(1)} s; the unfinished cluster "${name}" was deleted\n`);
      return 130;
    }
    if (e.problem === 'not-installed' || e.problem === 'daemon-down' || /already exists/.test(e.message)) throw new UsageError(e.message);
    io.stderr(`kube-topology kind-create: ${e.message}\n`);
    return EXIT_FINDINGS;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
