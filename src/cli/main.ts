import { EXIT_OK, EXIT_USAGE, UsageError, lostOutputMessage, processIo, type CliIo } from './cliIo';
import { runValidate } from './validateCommand';
import { runGraph } from './graphCommand';
import { runGenerate, nodeGenerateIo } from './generateCommand';
import { runKindLoad } from './kindCommand';
import { runPortForward } from './portForwardCommand';
import { runStatus } from './liveCommand';
import { TOOL_VERSION } from './toolVersion';
import { escapeControlChars } from '../core/terminalText';
import { isMainThread } from 'node:worker_threads';
import { runApply } from './applyCommand';
import { runDelete } from './deleteCommand';
import { runContexts } from './clusterContextsCommand';
import { runKindCreate } from './kindCreateCommand';
import { runKindAddons } from './kindAddonsCommand';
import { runLoad } from './loadCommand';
import { errorText } from '../core/errorText';
import { COMMAND_NAMES, type CommandName } from './commandNames';

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

Output: a closed pipe (e.g. "| head") ends the output quietly and the command finishes with its
usual exit status; a failed write to standard output (e.g. a full disk) is one line on standard
error and exit status 2. Either way, work that was started (an apply) is finished, not abandoned.
`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<CommandName, Command> = {
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
  const command = (COMMAND_NAMES as readonly string[]).includes(name) ? COMMANDS[name as CommandName] : undefined;
  if (!command) {
    io.stderr(`kube-topology: unknown command "${name}"\n\n${HELP}`);
    return EXIT_USAGE;
  }
  try {
    // Messages on stderr may quote a file, a kubeconfig or a server: never raw control characters.
    return await command(rest, { ...io, stderr: (t) => io.stderr(escapeControlChars(t)) });
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`kube-topology ${name}: ${e.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`kube-topology ${name}: unexpected failure: ${oneLineMessage(e)}\n`);
    return EXIT_USAGE;
  }
}

function oneLineMessage(e: unknown): string {
  return errorText(e).split('\n')[0].slice(0, 500);
}

/**
 * The process: runs the command, flushes what it printed, and exits with its status — also when a
 * connection, a timer or a child it gave up on would otherwise keep Node running. Nothing unexpected
 * reaches the user as a stack trace.
 */
export async function main(): Promise<void> {
  const io = processIo();
  const fatal = (e: unknown) => {
    io.stderr(`kube-topology: unexpected failure: ${oneLineMessage(e)}\n`);
    void Promise.all([io.out.flush(), io.err.flush()]).finally(() => process.exit(EXIT_USAGE));
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  let code: number;
  try {
    code = await runCli(process.argv.slice(2), io);
  } catch (e) {
    io.stderr(`kube-topology: ${oneLineMessage(e)}\n`);
    code = EXIT_USAGE;
  }
  await io.out.flush();
  const lost = io.out.lostOutput;
  if (lost) {
    io.stderr(lostOutputMessage(lost));
    code = EXIT_USAGE;
  }
  await io.err.flush();
  process.exit(code);
}

// The executable (bin.ts) calls main(); run directly, the bundle starts itself. A parse worker
// (parallelLoad.ts) loads this same bundle and runs only its own part.
if (require.main === module && isMainThread) void main();
