import { parseArgs as parseNodeArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './cliIo';
import { errorText } from '../core/errorText';

export interface OptionSpec {
  /** Takes a value (`--output json` or `--output=json`). */
  value?: boolean;
  /** May be given several times; values collect into an array. */
  multiple?: boolean;
  /** One-letter short form (`-o`). */
  alias?: string;
}

export interface ParsedArgs {
  options: Record<string, string | string[] | boolean>;
  positionals: string[];
}

/**
 * Node's own strict parser (node:util parseArgs) over the commands' option tables: unknown options,
 * a missing value and a value given to a flag are usage errors, never silently ignored.
 */
export function parseArgs(argv: string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, s] of Object.entries(spec)) {
    options[name] = { type: s.value ? 'string' : 'boolean', multiple: s.multiple ?? false, ...(s.alias ? { short: s.alias } : {}) };
  }
  try {
    const { values, positionals } = parseNodeArgs({ args: argv, options, strict: true, allowPositionals: true, allowNegative: false });
    const parsed: ParsedArgs['options'] = {};
    for (const [name, v] of Object.entries(values)) {
      if (v === undefined) continue;
      parsed[name] = Array.isArray(v) ? v.map(String) : v;
    }
    return { options: parsed, positionals };
  } catch (e) {
    throw new UsageError(usageMessage(e));
  }
}

/** Node's messages name the option and often add advice meant for programmers; keep ours short. */
function usageMessage(e: unknown): string {
  const code = (e as { code?: string }).code;
  const message = errorText(e);
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${/Unknown option '([^']+)'/.exec(message)?.[1] ?? ''}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const option = /--[A-Za-z0-9-]+/.exec(message)?.[0] ?? '';
      return /does not take an argument/.test(message) ? `${option} does not take a value` : `${option} needs a value`;
    }
    default:
      return message;
  }
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.options[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOption(args: ParsedArgs, name: string): string[] {
  const v = args.options[name];
  const list = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return list
    .flatMap((x) => x.split(','))
    .map((x) => x.trim())
    .filter(Boolean);
}
