import { CliError } from "../errors";

/**
 * The kernelspec (`kernel.json`) as data: the template shipped in `kernel/kernel.json` has
 * `@NAME@` placeholders that `fillKernelSpec` replaces. Pure, so it is tested without touching disk.
 */

export const DEFAULT_KERNEL_NAME = "ts-concurrency";
export const DEFAULT_DISPLAY_NAME = "TypeScript (concurrency)";

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode?: "signal" | "message";
  metadata?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface KernelSpecValues {
  /** Absolute path of the Node binary the kernel must run on. */
  node: string;
  /** Absolute path of this copy's compiled `cli.js`. */
  cli: string;
  displayName: string;
}

const PLACEHOLDER = /@[A-Z_]+@/;

/**
 * Jupyter kernel names: letters, digits, `-`, `.` and `_`. Jupyter lower-cases names when it looks
 * them up, so an upper-case name would install but never be found again.
 */
const KERNEL_NAME = /^[a-z0-9._-]+$/;

export function checkKernelName(name: string): void {
  if (!KERNEL_NAME.test(name)) {
    throw new CliError(
      `Invalid kernel name ${JSON.stringify(name)}: use lower-case letters, digits, "-", "." and "_" only.`,
    );
  }
}

export function fillKernelSpec(template: unknown, values: KernelSpecValues): KernelSpec {
  if (!isAbsolutePath(values.node) || !isAbsolutePath(values.cli)) {
    throw new CliError(`The kernelspec needs absolute paths, got node=${values.node} cli=${values.cli}.`);
  }
  if (values.displayName.trim() === "") throw new CliError("The display name must not be empty.");
  const replacements: Record<string, string> = {
    "@NODE@": values.node,
    "@CLI@": values.cli,
    "@DISPLAY_NAME@": values.displayName,
  };
  const filled = substitute(template, replacements);
  checkSpecShape(filled);
  return filled;
}

/**
 * Replaces string values that are exactly a placeholder. Substituting whole values after parsing,
 * rather than text in the file, keeps paths with quotes or backslashes intact.
 */
function substitute(value: unknown, replacements: Record<string, string>): unknown {
  if (typeof value === "string") {
    if (value in replacements) return replacements[value];
    if (PLACEHOLDER.test(value)) {
      throw new CliError(`The kernelspec template has an unknown placeholder in ${JSON.stringify(value)}.`);
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, replacements));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, replacements)]));
  }
  return value;
}

function checkSpecShape(spec: unknown): asserts spec is KernelSpec {
  const s = spec as Partial<KernelSpec> | null;
  const ok =
    typeof s === "object" &&
    s !== null &&
    Array.isArray(s.argv) &&
    s.argv.every((a) => typeof a === "string") &&
    s.argv.includes("{connection_file}") &&
    typeof s.display_name === "string" &&
    typeof s.language === "string";
  if (!ok) {
    throw new CliError(
      "The kernelspec template is malformed: it needs an argv list containing {connection_file}, " +
        "a display_name and a language.",
    );
  }
}

/** Accepts POSIX and Windows absolute paths whatever platform builds the spec. */
function isAbsolutePath(p: string): boolean {
  return p.startsWith("/") || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith("\\\\");
}
