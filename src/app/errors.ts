/**
 * Errors the command line shows to the user as a plain message (no stack trace), with the exit code
 * to leave with. Anything else that escapes a command is a bug and is shown with its stack.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** The command line itself was wrong: unknown command or flag, missing argument. Exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = "UsageError";
  }
}
