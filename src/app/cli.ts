#!/usr/bin/env node
import { kernelVersion } from "../shared/versions";
import { CliError, UsageError } from "./errors";
import { installCommand, uninstallCommand } from "./commands/install-commands";
import { kernelCommand } from "./commands/kernel-command";
import { runCommand } from "./commands/run-command";
import { snapshotCommand } from "./commands/snapshot-command";

const BIN = "ts-concurrency-kernel";

type Command = (argv: readonly string[]) => number | Promise<number>;

const COMMANDS: Record<string, Command> = {
  install: installCommand,
  uninstall: uninstallCommand,
  run: runCommand,
  kernel: kernelCommand,
  snapshot: snapshotCommand,
};

const USAGE = `Usage: ${BIN} <command> [options]

Commands:
  install     Register the kernelspec so Jupyter offers "TypeScript (concurrency)"
  uninstall   Remove the kernelspec again
  run         Execute a notebook without Jupyter and print its cells and outputs
  kernel      Start the kernel on a connection file (what Jupyter runs)
  snapshot    Build the compiler's startup snapshot now (kernels otherwise build it themselves)

Options:
  --help      Show this help
  --version   Show the version

Run "${BIN} <command> --help" for a command's options.`;

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--help" || name === "-h" || name === "help") {
    console.log(USAGE);
    return 0;
  }
  if (name === "--version") {
    console.log(kernelVersion());
    return 0;
  }
  if (name === undefined) throw new UsageError(`Missing command.\n\n${USAGE}`);
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const commands = Object.keys(COMMANDS).join(", ");
    throw new UsageError(
      name.startsWith("-")
        ? `Unknown option ${name}. Valid options: --help, --version; valid commands: ${commands}.`
        : `Unknown command "${name}". Valid commands: ${commands}. See ${BIN} --help.`,
    );
  }
  return command(rest);
}

function report(error: unknown): number {
  if (error instanceof CliError) {
    process.stderr.write(`${BIN}: ${error.message}\n`);
    return error.exitCode;
  }
  // Not a mistake the user can fix: show everything needed to report it.
  process.stderr.write(`${BIN}: unexpected error\n${error instanceof Error ? error.stack : String(error)}\n`);
  return 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.exitCode = report(error);
    },
  );
}
