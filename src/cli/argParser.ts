import { UsageError } from './cliIo';

export interface OptionSpec {
  /** Takes a value (`--output json` or `--output=json`). */
  value?: boolean;
  /** May be given several times; values collect into an array. */
  multiple?: boolean;
  alias?: string;
}

export interface ParsedArgs {
  options: Record<string, string | string[] | boolean>;
  positionals: string[];
}

/** A small, strict argument parser: unknown options are usage errors, not silently ignored. */
export function parseArgs(argv: string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const options: ParsedArgs['options'] = {};
  const positionals: string[] = [];
  const aliases = new Map<string, string>();
  for (const [name, s] of Object.entries(spec)) if (s.alias) aliases.set(s.alias, name);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
    } else {
      const a = aliases.get(arg.slice(1));
      if (!a) throw new UsageError(`unknown option ${arg}`);
      name = a;
    }
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option --${name}`);
    let value: string | boolean = true;
    if (s.value) {
      if (inline !== undefined) value = inline;
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new UsageError(`--${name} needs a value`);
    } else if (inline !== undefined) {
      throw new UsageError(`--${name} does not take a value`);
    }
    if (s.multiple) {
      const prev = options[name];
      options[name] = [...(Array.isArray(prev) ? prev : []), String(value)];
    } else {
      options[name] = value;
    }
  }
  return { options, positionals };
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
