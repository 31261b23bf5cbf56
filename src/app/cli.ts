#!/usr/bin/env node
import { kernelVersion } from "../shared/versions";
import { CliError, UsageError } from "./errors";

const BIN = "ts-concurrency-kernel";

type Command = (argv: readonly string[]) => number | Promise<number>;

/**
 * Each command's module is loaded only when it runs: `run` brings a ZeroMQ client, which a kernel
 * process has no use for on its main thread (its sockets live on the transport thread). Loaded
 * eagerly, it cost every kernel ZeroMQ's JavaScript and native set-up before kernel_info (issue 12).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  install: async () => (await import("./commands/install-commands")).installCommand,
  uninstall: async () => (await import("./commands/install-commands")).uninstallCommand,
  run: async () => (await import("./commands/run-command")).runCommand,
  kernel: async () => (await import("./commands/kernel-command")).kernelCommand,
  snapshot: async () => (await import("./commands/snapshot-command")).snapshotCommand,
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
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    const commands = Object.keys(COMMANDS).join(", ");
    throw new UsageError(
      name.startsWith("-")
        ? `Unknown option ${name}. Valid options: --help, --version; valid commands: ${commands}.`
        : `Unknown command "${name}". Valid commands: ${commands}. See ${BIN} --help.`,
    );
  }
  const command = await load();
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
