import { EXIT_OK, EXIT_USAGE, UsageError, processIo, type CliIo } from './cliIo';
import { runValidate } from './validateCommand';
import { runGraph } from './graphCommand';
import { runGenerate, nodeGenerateIo } from './generateCommand';
import { TOOL_VERSION } from './toolVersion';

const HELP = `kube-topology ${TOOL_VERSION} — validate, draw, generate and apply Kubernetes topologies

Usage: kube-topology <command> [options]

Commands:
  validate PATH...     schema, API-server, cross-resource and kind checks (exit 1 on errors)
  graph PATH...        the topology as JSON, SVG, HTML, DOT or Mermaid
  generate PRESET      write the gateway + model (or another preset's) manifests, wired and valid

Run "kube-topology <command> --help" for a command's options.
`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  validate: runValidate,
  graph: runGraph,
  generate: (argv, io) => runGenerate(argv, nodeGenerateIo(io)),
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

if (require.main === module) {
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
