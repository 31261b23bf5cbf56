import { parseArgs as nodeParseArgs, ParseArgsConfig } from "util";
import { UsageError } from "../errors";

/**
 * The commands' flags: `--flag`, `--flag value`, `--flag=value` and positionals, split by Node's
 * util.parseArgs. It runs non-strict, for its tokens: its own errors name neither the command nor
 * the options it accepts, so every mistake is found here and says both.
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
  const options: ParseArgsConfig["options"] = { help: { type: "boolean", short: "h" } };
  for (const [flag, kind] of Object.entries(spec.flags))
    options[flag.slice(2)] = { type: kind === "boolean" ? "boolean" : "string" };
  const { tokens } = nodeParseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  let help = false;
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    if (token.name === "help") {
      help = true;
      continue;
    }
    const name = token.rawName;
    const kind = spec.flags[name];
    if (kind === undefined) {
      throw new UsageError(`Unknown option ${name} for "${spec.command}". Valid options: ${validFlags(spec)}.`);
    }
    if (flags.has(name)) throw new UsageError(`${name} was given twice.`);
    if (kind === "boolean") {
      if (token.value !== undefined) throw new UsageError(`${name} takes no value.`);
      flags.set(name, true);
      continue;
    }
    if (!token.value) throw new UsageError(`${name} needs a value: ${name} ${kind.value}.`);
    flags.set(name, token.value);
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
