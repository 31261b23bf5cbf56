import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { spawn } from "child_process";
import { existsSync, readdirSync, readFileSync, statSync, watch, writeFileSync } from "fs";
import { join, resolve } from "path";
import { KernelSession, makeTempDir, onlyOfType, removeDir } from "./helpers";
import type * as Compiler from "../../src/typescript/compiler";
import type * as CompilerPort from "../../src/typescript/compiler-port";

/**
 * The compiler's startup snapshot (issue 12): the first kernel on an empty cache answers from its
 * compiler thread and builds the blob in the background; the next kernels start their compiler
 * as a process from it, and must answer exactly as the thread does. A blob that is out of date or
 * will not start only means the thread again, never a wrong answer.
 */
describe("the compiler's startup snapshot", () => {
  let cacheHome: string;
  let notebookDir: string;
  /** What the compiler thread answered (the first kernel, on an empty cache). */
  let threadAnswers: Answers;

  beforeAll(async () => {
    cacheHome = await makeTempDir("snapshot-home");
    notebookDir = await makeTempDir("snapshot-notebook");
  });
  afterAll(async () => {
    await removeDir(cacheHome);
    await removeDir(notebookDir);
  });

  const cacheDir = () => {
    const base = join(cacheHome, "ts-concurrency-kernel");
    return join(base, readdirSync(base)[0]);
  };
  const withSuffix = (suffix: string) => readdirSync(cacheDir()).filter((name) => name.endsWith(suffix));
  const manifestFile = () => join(cacheDir(), withSuffix(".json")[0]);
  const blobFile = () => manifestFile().replace(/\.json$/, ".blob");

  /**
   * Resolves once the background build has put a manifest beside its blob (a build takes seconds);
   * a build that failed instead fails the test with its reason rather than waiting for the timeout.
   */
  async function untilBuilt(): Promise<void> {
    await new Promise<void>((done) => {
      const watcher = watch(cacheDir(), () => check());
      const check = () => {
        if (withSuffix(".json").length === 0 && withSuffix(".failed").length === 0) return;
        watcher.close();
        done();
      };
      check();
    });
    const failed = withSuffix(".failed");
    expect(failed.length === 0 ? "" : readFileSync(join(cacheDir(), failed[0]), "utf8")).toBe("");
  }

  const start = (env: NodeJS.ProcessEnv = {}) =>
    KernelSession.start({ cwd: notebookDir, env: { XDG_CACHE_HOME: cacheHome, ...env } });

  /** The kernel's children that run a compiler started from a snapshot. */
  function snapshotCompilers(session: KernelSession): string[] {
    const pid = session.kernel.child.pid!;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    return children
      .map((child) => {
        try {
          return readFileSync(`/proc/${child}/cmdline`, "utf8").split("\0").join(" ");
        } catch {
          return "";
        }
      })
      .filter((cmdline) => cmdline.includes("--snapshot-blob") && !cmdline.includes("--build-snapshot"));
  }

  interface Answers {
    value: string | undefined;
    typeError: unknown;
    completions: unknown;
    inspection: unknown;
  }

  /** A typed value, a type error, completion and inspection: what the compiler decides. */
  async function answers(session: KernelSession): Promise<Answers> {
    const value = await session.value("const x: number = 1; x + 1");
    const error = onlyOfType((await session.execute('const s: string = x + "";\nconst n: string = x;')).iopub, "error");
    const code = "Math.fl";
    const complete = await session.request("shell", "complete_request", { code, cursor_pos: code.length });
    const inspect = await session.request("shell", "inspect_request", { code: "setTimeout", cursor_pos: 3 });
    return {
      value,
      typeError: { ename: error.content.ename, evalue: error.content.evalue },
      completions: complete.reply.content.matches,
      inspection: (inspect.reply.content.data as Record<string, string>)["text/plain"],
    };
  }

  async function withKernel<T>(env: NodeJS.ProcessEnv, body: (session: KernelSession) => Promise<T>): Promise<T> {
    const session = await start(env);
    try {
      return await body(session);
    } finally {
      await session.stop();
    }
  }

  it("is built by a first kernel, which answers from its thread meanwhile", async () => {
    threadAnswers = await withKernel({}, async (session) => {
      const found = await answers(session);
      expect(snapshotCompilers(session)).toEqual([]);
      await untilBuilt();
      return found;
    });
    expect(threadAnswers.value).toBe("2");
    expect(String(threadAnswers.typeError && (threadAnswers.typeError as { evalue: string }).evalue)).toContain(
      "not assignable to type 'string'",
    );
    expect(threadAnswers.completions).toContain("floor");
    expect(String(threadAnswers.inspection)).toContain("function setTimeout");
    expect(statSync(blobFile()).mode & 0o077).toBe(0);
  });

  it("starts the next kernel's compiler, which answers as the thread did", async () => {
    await withKernel({}, async (session) => {
      expect(snapshotCompilers(session)).toHaveLength(1);
      expect(await answers(session)).toEqual(threadAnswers);
    });
  });

  it("is left alone when TS_CONCURRENCY_KERNEL_SNAPSHOT=0", async () => {
    await withKernel({ TS_CONCURRENCY_KERNEL_SNAPSHOT: "0" }, async (session) => {
      expect(await session.value("const x: number = 1; x + 1")).toBe("2");
      expect(snapshotCompilers(session)).toEqual([]);
    });
    expect(existsSync(blobFile())).toBe(true);
  });

  it("is not used, and is rebuilt, when a file baked into it has changed", async () => {
    const manifest = JSON.parse(readFileSync(manifestFile(), "utf8")) as { files: { size: number }[] };
    manifest.files[manifest.files.length - 1].size += 1;
    writeFileSync(manifestFile(), JSON.stringify(manifest));
    await withKernel({}, async (session) => {
      expect(snapshotCompilers(session)).toEqual([]);
      expect(await session.value("const x: number = 1; x + 1")).toBe("2");
      await untilBuilt();
    });
  });

  it("falls back to the thread, and is deleted, when the blob will not start", async () => {
    const blob = blobFile();
    const garbage = Buffer.alloc(statSync(blob).size, 0x42);
    writeFileSync(blob, garbage);
    // A manifest that describes the damaged blob: only starting it can tell.
    const manifest = JSON.parse(readFileSync(manifestFile(), "utf8")) as { blob: { size: number; mtimeMs: number } };
    manifest.blob = { size: statSync(blob).size, mtimeMs: statSync(blob).mtimeMs };
    writeFileSync(manifestFile(), JSON.stringify(manifest));
    await withKernel({}, async (session) => {
      expect(await answers(session)).toEqual(threadAnswers);
      expect(snapshotCompilers(session)).toEqual([]);
      expect(session.kernel.stderr()).toContain("compiler snapshot given up");
    });
    expect(existsSync(blob)).toBe(false);
    expect(withSuffix(".failed")).toHaveLength(1);
  });

  it("gives a compiler that is not ready in time up for the thread, which answers the waiting requests", async () => {
    const dist = resolve(__dirname, "../../dist/typescript");
    /* eslint-disable @typescript-eslint/no-require-imports -- the thread's worker runs from dist/, so the compiler does too */
    const { TypeScriptCompiler } = require(join(dist, "compiler.js")) as typeof Compiler;
    const { openCompilerThread } = require(join(dist, "compiler-port.js")) as typeof CompilerPort;
    /* eslint-enable @typescript-eslint/no-require-imports */
    // A process that lives but never says it is ready, as a compiler stuck on a loaded server would.
    const silent: CompilerPort.OpenCompilerPort = (events) => {
      const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 60000)"], { stdio: "ignore" });
      child.on("exit", () => events.exit(new Error("exited")));
      return {
        kind: "process",
        send: () => undefined,
        close: async () => void child.kill("SIGKILL"),
      };
    };
    const failures: string[] = [];
    const compiler = new TypeScriptCompiler([
      { open: silent, readyTimeoutMs: 300, onFailed: (reason) => failures.push(reason.message) },
      { open: openCompilerThread },
    ]);
    try {
      const converted = await compiler.convert("", "const y: number = 2; y * 3");
      expect(converted.kind).toBe("converted");
      expect(compiler.portKind).toBe("thread");
      expect(failures).toEqual(["TypeScript compiler process not ready within 300 ms"]);
    } finally {
      await compiler.close();
    }
  });
});
