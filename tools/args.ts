// A strict command-line parser: unknown flags and missing values are errors, not guesses.
import { UsageError } from './errors';

export interface ArgSpec {
  /** Flags taking a value (--name VALUE or --name=VALUE). */
  values?: readonly string[];
  /** Flags without a value. */
  switches?: readonly string[];
  /** Names of positional arguments, all required. */
  positionals: readonly string[];
}

export interface ParsedArgs {
  values: Map<string, string>;
  switches: Set<string>;
  positionals: string[];
}

export function parseArgs(command: string, argv: readonly string[], spec: ArgSpec): ParsedArgs {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const positionals: string[] = [];
  const valueFlags = new Set(spec.values ?? []);
  const switchFlags = new Set(spec.switches ?? []);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      if (valueFlags.has(name)) {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined || v === '') throw new UsageError(`${command}: --${name} needs a value`);
        if (values.has(name)) throw new UsageError(`${command}: --${name} given twice`);
        values.set(name, v);
      } else if (switchFlags.has(name) && eq < 0) {
        switches.add(name);
      } else {
        throw new UsageError(`${command}: unknown option ${a.slice(0, eq < 0 ? undefined : eq)}`);
      }
      continue;
    }
    if (a.startsWith('-') && a !== '-') throw new UsageError(`${command}: unknown option ${a}`);
    positionals.push(a);
  }
  if (positionals.length < spec.positionals.length)
    throw new UsageError(`${command}: missing ${spec.positionals.slice(positionals.length).join(' ')}`);
  if (positionals.length > spec.positionals.length) throw new UsageError(`${command}: unexpected argument ${positionals[spec.positionals.length]}`);
  return { values, switches, positionals };
}
