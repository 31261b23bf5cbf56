import * as fs from "node:fs";
import * as path from "node:path";
import { CliError } from "../errors";
import { checkKernelName, DEFAULT_DISPLAY_NAME, DEFAULT_KERNEL_NAME, fillKernelSpec, KernelSpec } from "./kernelspec";
import { currentHost, dataDir, HostFacts, InstallLocation, kernelDir } from "./locations";
import { compiledCli, kernelTemplateDir } from "./package-files";

export interface InstallOptions {
  location: InstallLocation;
  name?: string;
  displayName?: string;
  /** Defaults to the running machine; tests pass their own. */
  host?: HostFacts;
  /** Defaults to the Node running this code, so the kernel starts on the same Node. */
  nodePath?: string;
  /** Defaults to this copy's `dist/app/cli.js`. */
  cliPath?: string;
  /** Defaults to this copy's `kernel/` folder (template and logos). */
  templateDir?: string;
}

export interface InstallResult {
  /** The kernelspec directory written. */
  dir: string;
  spec: KernelSpec;
  /** Names of the files written into `dir`. */
  files: string[];
}

export type UninstallOptions = Pick<InstallOptions, "location" | "name" | "host">;

const TEMPLATE_FILE = "kernel.json";
const LOGO_FILE = /^logo-.*\.(png|svg)$/;

export function installKernelSpec(options: InstallOptions): InstallResult {
  const name = options.name ?? DEFAULT_KERNEL_NAME;
  checkKernelName(name);
  const host = options.host ?? currentHost();
  const templateDir = options.templateDir ?? kernelTemplateDir;
  const cliPath = path.resolve(options.cliPath ?? compiledCli);
  if (!fs.existsSync(cliPath)) {
    throw new CliError(`Cannot install: ${cliPath} does not exist. Build the package first (npm run build).`);
  }
  const spec = fillKernelSpec(readTemplate(templateDir), {
    node: path.resolve(options.nodePath ?? process.execPath),
    cli: cliPath,
    displayName: options.displayName ?? DEFAULT_DISPLAY_NAME,
  });
  const dir = kernelDir(dataDir(options.location, host), name, host.platform);
  const logos = fs.readdirSync(templateDir).filter((f) => LOGO_FILE.test(f));

  writable(dir, () => {
    // Replacing the whole folder keeps files from an older version from lingering next to the new ones.
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, TEMPLATE_FILE), JSON.stringify(spec, null, 1) + "\n");
    for (const logo of logos) fs.copyFileSync(path.join(templateDir, logo), path.join(dir, logo));
  });
  return { dir, spec, files: [TEMPLATE_FILE, ...logos] };
}

/** Removes an installed kernelspec; returns the directory removed. */
export function uninstallKernelSpec(options: UninstallOptions): string {
  const name = options.name ?? DEFAULT_KERNEL_NAME;
  checkKernelName(name);
  const host = options.host ?? currentHost();
  const dir = kernelDir(dataDir(options.location, host), name, host.platform);
  if (!fs.existsSync(dir)) {
    throw new CliError(`No kernelspec named "${name}" is installed in ${path.dirname(dir)}.`);
  }
  if (!fs.existsSync(path.join(dir, TEMPLATE_FILE))) {
    throw new CliError(`${dir} has no ${TEMPLATE_FILE}, so it is not a kernelspec; leaving it alone.`);
  }
  writable(dir, () => fs.rmSync(dir, { recursive: true }));
  return dir;
}

function readTemplate(templateDir: string): unknown {
  const file = path.join(templateDir, TEMPLATE_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new CliError(`The kernelspec template ${file} is missing; this copy of the package is incomplete.`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`The kernelspec template ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Turns permission failures into advice instead of a stack trace. */
function writable(dir: string, action: () => void): void {
  try {
    action();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
      throw new CliError(
        `Cannot write to ${dir} (${code}). Use --user, or choose a folder you may write with --prefix DIR.`,
      );
    }
    throw e;
  }
}
