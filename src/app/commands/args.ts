import { UsageError } from "../errors";

/**
 * A deliberately small flag parser: `--flag`, `--flag value`, `--flag=value` and positionals.
 * Every mistake names the command and lists what it accepts.
 */
/** A switch, or a flag that takes a value named by `value` in messages (`--prefix DIR`). */
export type FlagKind = "boolean" | { value: string };

export interface CommandSpec {
  command: string;
  flags: Record<string, FlagKind>;
}

export interface ParsedArgs {
  flags: Map<string, string | true>;
  positionals: string[];
  help: boolean;
}

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const kind = spec.flags[name];
    if (kind === undefined) {
      throw new UsageError(`Unknown option ${name} for "${spec.command}". Valid options: ${validFlags(spec)}.`);
    }
    if (flags.has(name)) throw new UsageError(`${name} was given twice.`);
    if (kind === "boolean") {
      if (eq !== -1) throw new UsageError(`${name} takes no value.`);
      flags.set(name, true);
      continue;
    }
    const value = eq !== -1 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === "") throw new UsageError(`${name} needs a value: ${name} ${kind.value}.`);
    flags.set(name, value);
  }
  return { flags, positionals, help };
}

/** At most one of `names` may be given; returns the one that was, if any. */
export function oneOf(parsed: ParsedArgs, names: readonly string[]): string | undefined {
  const given = names.filter((n) => parsed.flags.has(n));
  if (given.length > 1) throw new UsageError(`Choose one of ${names.join(", ")}, not ${given.join(" and ")}.`);
  return given[0];
}

export function stringFlag(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.flags.get(name);
  return typeof value === "string" ? value : undefined;
}

function validFlags(spec: CommandSpec): string {
  const names = Object.entries(spec.flags).map(([name, kind]) => (kind === "boolean" ? name : `${name} ${kind.value}`));
  return [...names, "--help"].join(", ");
}
