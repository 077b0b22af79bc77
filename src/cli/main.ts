import { EXIT_OK, EXIT_USAGE, UsageError, processIo, type CliIo } from './cliIo';
import { runValidate } from './validateCommand';
import { runGraph } from './graphCommand';
import { runGenerate, nodeGenerateIo } from './generateCommand';
import { runKindLoad } from './kindCommand';
import { runPortForward } from './portForwardCommand';
import { runStatus } from './liveCommand';
import { TOOL_VERSION } from './toolVersion';
import { isMainThread } from 'node:worker_threads';
import { runApply } from './applyCommand';
import { runDelete } from './deleteCommand';
import { runContexts } from './clusterContextsCommand';
import { runKindCreate } from './kindCreateCommand';
import { runKindAddons } from './kindAddonsCommand';
import { runLoad } from './loadCommand';

const HELP = `kube-topology ${TOOL_VERSION} — validate, draw, generate and apply Kubernetes topologies

Usage: kube-topology <command> [options]

Commands:
  validate PATH...     schema, API-server, cross-resource and kind checks (exit 1 on errors)
  graph PATH...        the topology as JSON, SVG, HTML, DOT or Mermaid
  generate PRESET      write the gateway + model (or another preset's) manifests, wired and valid
  apply PATH...        server-side dry-run, then server-side apply in dependency order, then rollout status
  delete PATH...       delete what the manifests define, in reverse order, and wait until it is gone
  contexts             kubeconfig contexts: local or remote, reachable or not
  status PATH...       live state on the cluster of what the files define (replicas, pods, HPA, endpoints)
  port-forward SVC[:PORT]  forward a local port to a ready pod behind a Service, until Ctrl-C
  kind-load PATH...    load the images the manifests use into a kind cluster
  kind-create          create a kind cluster ready for the topology (a NodePort published here)
  kind-addons metrics-server  install (or --remove) metrics-server, so HPAs read CPU
  load SERVICE         send bounded traffic through a Service and watch its HPAs scale

Run "kube-topology <command> --help" for a command's options.
`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  status: runStatus,
  'port-forward': (argv, io) => runPortForward(argv, io),
  'kind-load': runKindLoad,
  validate: runValidate,
  graph: runGraph,
  generate: (argv, io) => runGenerate(argv, nodeGenerateIo(io)),
  apply: runApply,
  delete: runDelete,
  contexts: runContexts,
  'kind-create': runKindCreate,
  'kind-addons': runKindAddons,
  load: runLoad,
};

/** Runs one CLI invocation; every failure becomes a message and an exit code, never a stack trace. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(HELP);
    return name ? EXIT_OK : EXIT_USAGE;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${TOOL_VERSION}\n`);
    return EXIT_OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`kube-topology: unknown command "${name}"\n\n${HELP}`);
    return EXIT_USAGE;
  }
  try {
    return await command(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`kube-topology ${name}: ${e.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`kube-topology ${name}: unexpected failure: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_USAGE;
  }
}

// A parse worker (parallelLoad.ts) loads this same bundle; only the main thread runs the CLI.
if (require.main === module && isMainThread) {
  runCli(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`kube-topology: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}
