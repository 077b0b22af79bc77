import { parseArgs, listOption, stringOption } from './argParser';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type CliIo } from './cliIo';
import { loadIndex } from './manifestFiles';
import { buildReport, reportScope } from './reporters/findingReport';
import { formatText } from './reporters/textReporter';
import { formatJson } from './reporters/jsonReporter';
import { formatSarif } from './reporters/sarifReporter';
import { formatJunit } from './reporters/junitReporter';
import { DEFAULT_KUBERNETES_VERSION, normalizeKubernetesVersion, SUPPORTED_KUBERNETES_VERSIONS } from '../core/kubernetesVersions';
import { TOOL_VERSION } from './toolVersion';
import { RULES, ruleMeta } from '../core/rules/catalog';
import { editDistance } from '../core/model/nearNames';

export const VALIDATE_HELP = `Usage: kube-topology validate [options] PATH...

Validates Kubernetes manifests: schema for a Kubernetes version, what the API server would
reject, cross-resource references (Service selectors and ports, HPA targets, Ingress backends,
Service DNS addresses in env), removed API versions and kind traps.
PATH is a file, a folder (searched recursively for .yaml, .yml, .json) or - for stdin.

Cross-resource checks (duplicates, references) run per apply unit, the files applied together:
a kustomization (kubectl apply -k), a Helm chart (its templates are not validated), each other
folder on its own (kubectl apply -f DIR), the files named on the command line together, or the
units .kube-topology.yaml declares. See docs/precision.md.

Options:
  --kubernetes-version X   Kubernetes minor version to validate against (${SUPPORTED_KUBERNETES_VERSIONS[0]}–${SUPPORTED_KUBERNETES_VERSIONS[SUPPORTED_KUBERNETES_VERSIONS.length - 1]}, default ${DEFAULT_KUBERNETES_VERSION})
  --output FORMAT          text (default), json, sarif or junit
  --strict                 exit 1 on warnings too
  --ignore CODE[,CODE]     switch rules off (repeatable); see docs/rules.md
  --namespace NS           namespace for resources without one (default "default")
  --no-schema              skip JSON-schema checks (keep every other rule)
  --config FILE            apply units from FILE (default: .kube-topology.yaml here, if any)

Exit status: 0 no errors, 1 errors found (or warnings with --strict), 2 usage or I/O error.
`;

const FORMATS = ['text', 'json', 'sarif', 'junit'] as const;

export async function runValidate(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, {
    'kubernetes-version': { value: true },
    output: { value: true, alias: 'o' },
    strict: {},
    ignore: { value: true, multiple: true },
    namespace: { value: true, alias: 'n' },
    'no-schema': {},
    config: { value: true },
    help: { alias: 'h' },
  });
  if (args.options.help) {
    io.stdout(VALIDATE_HELP);
    return EXIT_OK;
  }
  const format = stringOption(args, 'output') ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--output must be one of ${FORMATS.join(', ')}, got "${format}"`);
  const versionArg = stringOption(args, 'kubernetes-version') ?? DEFAULT_KUBERNETES_VERSION;
  const kubernetesVersion = normalizeKubernetesVersion(versionArg);
  if (!kubernetesVersion) {
    throw new UsageError(`--kubernetes-version ${versionArg} is not supported; use one of ${SUPPORTED_KUBERNETES_VERSIONS.join(', ')}`);
  }
  if (args.positionals.length === 0) throw new UsageError('validate needs at least one PATH (a file, a folder, or - for stdin)');

  const ignored = listOption(args, 'ignore');
  for (const code of ignored) checkRuleCode(code);
  const index = await loadIndex(
    args.positionals,
    io,
    {
      kubernetesVersion,
      defaultNamespace: stringOption(args, 'namespace') ?? 'default',
      disabledRules: ignored,
      schemaValidation: !args.options['no-schema'],
    },
    stringOption(args, 'config'),
  );
  const result = index.analyze();
  const report = buildReport(result.byFile, result.resources.length, io.cwd, reportScope(result, io.cwd));
  switch (format) {
    case 'json':
      io.stdout(formatJson(report));
      break;
    case 'sarif':
      io.stdout(formatSarif(report, TOOL_VERSION));
      break;
    case 'junit':
      io.stdout(formatJunit(report, { strict: args.options.strict === true }));
      break;
    default:
      io.stdout(formatText(report, io.isTTY));
  }
  const failed = report.summary.errors > 0 || (args.options.strict === true && report.summary.warnings > 0);
  return failed ? EXIT_FINDINGS : EXIT_OK;
}

/** `--ignore` takes rule codes only: a typo would otherwise switch nothing off, silently. */
function checkRuleCode(code: string): void {
  if (ruleMeta(code)) return;
  const near = RULES.map((r) => ({ code: r.code, d: editDistance(code, r.code, Math.max(2, Math.floor(code.length / 3))) }))
    .filter((r) => r.d <= Math.max(2, Math.floor(code.length / 3)) || r.code.includes(code))
    .sort((a, b) => a.d - b.d || a.code.localeCompare(b.code))
    .slice(0, 3)
    .map((r) => r.code);
  throw new UsageError(
    `--ignore: unknown rule code "${code}"${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; the codes are listed in docs/rules.md`,
  );
}
