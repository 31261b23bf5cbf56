import { installKernelSpec, uninstallKernelSpec } from "../install/install";
import { DEFAULT_DISPLAY_NAME, DEFAULT_KERNEL_NAME } from "../install/kernelspec";
import { InstallLocation } from "../install/locations";
import { FlagKind, oneOf, parseArgs, ParsedArgs, stringFlag } from "./args";
import { UsageError } from "../errors";

const LOCATION_FLAGS: Record<string, FlagKind> = {
  "--user": "boolean",
  "--sys-prefix": "boolean",
  "--prefix": { value: "DIR" },
};

const LOCATION_HELP = `Where (default: --user):
  --user           Your Jupyter data dir: $JUPYTER_DATA_DIR, else ~/.local/share/jupyter
                   (~/Library/Jupyter on macOS, %APPDATA%\\jupyter on Windows)
  --sys-prefix     <sys.prefix>/share/jupyter of the Python that runs Jupyter
                   (python3, or $JUPYTER_PYTHON) — use this inside a virtualenv or conda env
  --prefix DIR     DIR/share/jupyter`;

export const INSTALL_USAGE = `Usage: ts-concurrency-kernel install [--user | --sys-prefix | --prefix DIR]
                                    [--name NAME] [--display-name TEXT]

Registers the kernelspec so Jupyter offers "${DEFAULT_DISPLAY_NAME}". The spec starts this same
copy of the package with the same Node binary, wherever the package is installed.

${LOCATION_HELP}

Options:
  --name NAME          Kernelspec name (default: ${DEFAULT_KERNEL_NAME})
  --display-name TEXT  Name shown in Jupyter (default: "${DEFAULT_DISPLAY_NAME}")
  --help               Show this help`;

export const UNINSTALL_USAGE = `Usage: ts-concurrency-kernel uninstall [--user | --sys-prefix | --prefix DIR]
                                      [--name NAME]

Removes a kernelspec written by \`install\` from the same location.

${LOCATION_HELP}

Options:
  --name NAME      Kernelspec name (default: ${DEFAULT_KERNEL_NAME})
  --help           Show this help`;

export function installCommand(argv: readonly string[]): number {
  const flags = { ...LOCATION_FLAGS, "--name": { value: "NAME" }, "--display-name": { value: "TEXT" } };
  const args = parseArgs({ command: "install", flags }, argv);
  if (args.help) return help(INSTALL_USAGE);
  noPositionals("install", args);
  const result = installKernelSpec({
    location: location(args),
    name: stringFlag(args, "--name"),
    displayName: stringFlag(args, "--display-name"),
  });
  console.log(`Installed kernelspec "${result.spec.display_name}" in ${result.dir}`);
  return 0;
}

export function uninstallCommand(argv: readonly string[]): number {
  const args = parseArgs({ command: "uninstall", flags: { ...LOCATION_FLAGS, "--name": { value: "NAME" } } }, argv);
  if (args.help) return help(UNINSTALL_USAGE);
  noPositionals("uninstall", args);
  const dir = uninstallKernelSpec({ location: location(args), name: stringFlag(args, "--name") });
  console.log(`Removed kernelspec ${dir}`);
  return 0;
}

function location(args: ParsedArgs): InstallLocation {
  switch (oneOf(args, Object.keys(LOCATION_FLAGS))) {
    case "--sys-prefix":
      return { kind: "sys-prefix" };
    case "--prefix":
      return { kind: "prefix", dir: stringFlag(args, "--prefix") as string };
    default:
      return { kind: "user" };
  }
}

function noPositionals(command: string, args: ParsedArgs): void {
  if (args.positionals.length > 0) {
    throw new UsageError(`"${command}" takes no arguments, got: ${args.positionals.join(" ")}. See --help.`);
  }
}

function help(text: string): number {
  console.log(text);
  return 0;
}
