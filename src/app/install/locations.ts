import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { CliError } from "../errors";

/**
 * Where Jupyter looks for kernelspecs: `<data dir>/kernels/<name>/`. We compute the data directory
 * ourselves, following Jupyter's rules, so installing needs neither Python nor `jupyter` on PATH
 * (except `--sys-prefix`, whose answer only Python knows).
 */
export type InstallLocation = { kind: "user" } | { kind: "sys-prefix" } | { kind: "prefix"; dir: string };

/** What the rules depend on; passed in so every platform's rule can be tested on any machine. */
export interface HostFacts {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
  /** Runs Python and returns its `sys.prefix`. */
  askSysPrefix: (env: NodeJS.ProcessEnv) => string;
}

export function currentHost(): HostFacts {
  return { env: process.env, platform: process.platform, home: os.homedir(), askSysPrefix };
}

export function dataDir(location: InstallLocation, host: HostFacts): string {
  const p = pathsFor(host.platform);
  switch (location.kind) {
    case "user":
      return userDataDir(host);
    case "sys-prefix":
      return p.join(host.askSysPrefix(host.env), "share", "jupyter");
    case "prefix":
      return p.join(p.resolve(location.dir), "share", "jupyter");
  }
}

export function kernelDir(dataDirectory: string, name: string, platform: NodeJS.Platform): string {
  return pathsFor(platform).join(dataDirectory, "kernels", name);
}

export function userDataDir(host: HostFacts): string {
  const p = pathsFor(host.platform);
  const override = host.env.JUPYTER_DATA_DIR;
  if (override) return p.resolve(override);
  switch (host.platform) {
    case "darwin":
      return p.join(host.home, "Library", "Jupyter");
    case "win32":
      return p.join(host.env.APPDATA || p.join(host.home, "AppData", "Roaming"), "jupyter");
    default:
      // Jupyter follows the XDG base-directory spec here; ~/.local/share is its default.
      return p.join(host.env.XDG_DATA_HOME || p.join(host.home, ".local", "share"), "jupyter");
  }
}

/** The Python to ask: `$JUPYTER_PYTHON` names the one that runs Jupyter when it is not the default. */
export function pythonCommand(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  return env.JUPYTER_PYTHON || (platform === "win32" ? "python" : "python3");
}

export function askSysPrefix(env: NodeJS.ProcessEnv): string {
  const python = pythonCommand(env, process.platform);
  const hint = "Set JUPYTER_PYTHON to the Python that runs Jupyter, or use --user or --prefix DIR instead.";
  const result = spawnSync(python, ["-c", "import sys; print(sys.prefix)"], {
    env,
    encoding: "utf8",
    timeout: 30_000,
  });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === "ENOENT";
    const reason = missing ? "it was not found" : result.error.message;
    throw new CliError(
      `--sys-prefix needs Python to tell where Jupyter lives, but running ${python} failed: ${reason}. ${hint}`,
    );
  }
  const prefix = result.stdout.trim();
  if (result.status !== 0 || prefix === "") {
    const detail = result.stderr.trim() || `exit code ${result.status}`;
    throw new CliError(`--sys-prefix: ${python} could not report sys.prefix (${detail}). ${hint}`);
  }
  return prefix;
}

function pathsFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === "win32" ? path.win32 : path.posix;
}
