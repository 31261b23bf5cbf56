/**
 * `npm run bench -- --room`: kernels launched the way a notebook server launches them, by
 * jupyter_client's KernelManager from a kernelspec, one at a time and a room's worth at once
 * (issue 12). The driver is Python (test/jupyter/room_bench.py) because the launcher under test is;
 * this side says which kernels to launch, with the Node that runs the bench, and prints its report.
 */
import { spawn, spawnSync } from "child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { ourKernel, tslabKernel } from "./kernels";

/** Debian's Python has the Jupyter packages; the python3 first on PATH may be another one without them. */
const DEBIAN_PYTHON = "/usr/bin/python3";
const TYPED_CELL = "const x: number = 1; x + 1";
const TYPED_PYTHON_CELL = "x: int = 1; x + 1";

interface RoomKernel {
  name: string;
  argv: string[];
  code: string;
  interrupt_mode: "message" | "signal";
  env?: Record<string, string>;
  fresh_cache?: boolean;
}

export interface RoomPlan {
  launches: number;
  rooms: number[];
}

function python(): string {
  return existsSync(DEBIAN_PYTHON) ? DEBIAN_PYTHON : "python3";
}

function imports(module: string): boolean {
  return spawnSync(python(), ["-c", `import ${module}`], { stdio: "ignore" }).status === 0;
}

/** The kernels to launch, ours first; a baseline that is not installed is named in `absent`. */
function roomKernels(): { kernels: RoomKernel[]; absent: string[] } {
  const absent: string[] = [];
  const ours = ourKernel();
  const kernels: RoomKernel[] = [
    // Its compiler starts from the startup snapshot, built before the run (prepareSnapshot).
    { name: "ts-concurrency", argv: ours.argv, code: TYPED_CELL, interrupt_mode: "message" },
    // The same cache without the snapshot: the compiler on a thread, loading TypeScript (the share of the gain).
    {
      name: "ts-concurrency, no snapshot",
      argv: ours.argv,
      code: TYPED_CELL,
      interrupt_mode: "message",
      env: { TS_CONCURRENCY_KERNEL_SNAPSHOT: "0" },
    },
    // Every learner on a JupyterHub is a user of their own, whose first kernel finds their cache empty
    // (no snapshot either: it is built after that kernel's first result).
    {
      name: "ts-concurrency, empty cache",
      argv: ours.argv,
      code: TYPED_CELL,
      interrupt_mode: "message",
      fresh_cache: true,
    },
  ];
  try {
    const tslab = tslabKernel();
    kernels.push({ name: tslab.name, argv: tslab.argv, code: TYPED_CELL, interrupt_mode: "signal" });
  } catch {
    absent.push("tslab (not installed in node_modules): no tslab column");
  }
  if (imports("ipykernel")) {
    kernels.push({
      name: "ipykernel",
      argv: [python(), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
      code: TYPED_PYTHON_CELL,
      interrupt_mode: "signal",
      // debugpy's warning about frozen modules, printed by every launch, says nothing about start-up.
      env: { PYDEVD_DISABLE_FILE_VALIDATION: "1" },
    });
  } else {
    absent.push(`ipykernel (${python()} cannot import it; Debian's python3-ipykernel): no ipykernel column`);
  }
  return { kernels, absent };
}

/**
 * A kernel builds the snapshot in the background after its first result, which a launch that stops
 * right after it never lets finish: build it first, as an admin would after installing.
 */
function prepareSnapshot(cli: string): void {
  const built = spawnSync(process.execPath, [cli, "snapshot"], { encoding: "utf8" });
  const said = `${built.stdout}${built.stderr}`.trim();
  process.stdout.write(`- Compiler snapshot before the run: ${said || `exit ${built.status}`}\n`);
}

/** Runs the room driver and prints its report; resolves to the exit code the bench should end with. */
export async function runRoom(plan: RoomPlan): Promise<number> {
  const driver = resolve(__dirname, "../../test/jupyter/room_bench.py");
  if (!imports("jupyter_client")) {
    process.stdout.write(
      `- No room rows: ${python()} cannot import jupyter_client (Debian's python3-jupyter-client)\n`,
    );
    return 1;
  }
  const { kernels, absent } = roomKernels();
  prepareSnapshot(kernels[0].argv[1]);
  const dir = mkdtempSync(join(tmpdir(), "tsck-room-"));
  try {
    const file = join(dir, "kernels.json");
    writeFileSync(file, JSON.stringify(kernels));
    const args = [driver, "--kernels", file, "--launches", String(plan.launches), "--rooms", plan.rooms.join(",")];
    const code = await new Promise<number>((done) => {
      const child = spawn(python(), args, { stdio: ["ignore", "inherit", "inherit"] });
      child.on("exit", (status) => done(status ?? 1));
      child.on("error", () => done(1));
    });
    for (const line of absent) process.stdout.write(`- Absent: ${line}\n`);
    return code;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
