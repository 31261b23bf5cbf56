import { IopubMessage } from "../../src/app/runner/collect-outputs";
import { CodeCell, Notebook } from "../../src/app/runner/nbformat";
import { failureLine, runNotebook, RunOptions } from "../../src/app/runner/run-notebook";
import { ExecuteOutcome, ExecuteReply, KernelSession } from "../../src/app/runner/session";

const msg = (msg_type: string, content: object): IopubMessage => ({ header: { msg_type }, content });

/** What the fake kernel does for one piece of code. */
type Behaviour =
  | { kind: "ok"; stdout?: string; result?: string }
  | { kind: "error"; ename: string; evalue: string }
  | { kind: "hang"; answersInterrupt: boolean }
  | { kind: "die" };

/** A kernel that answers from a script, counting executions like a real one. */
class FakeSession implements KernelSession {
  count = 0;
  executed: string[] = [];
  interrupts = 0;
  /** Called as each cell is sent, for tests that act while a cell runs. */
  onExecute?: (code: string) => void;
  private onInterrupt?: () => void;

  constructor(private readonly script: Record<string, Behaviour>) {}

  execute(code: string) {
    this.executed.push(code);
    this.onExecute?.(code);
    const n = ++this.count;
    const behaviour = this.script[code] ?? { kind: "ok" };
    const iopub: IopubMessage[] = [
      msg("status", { execution_state: "busy" }),
      msg("execute_input", { code, execution_count: n }),
    ];
    const done = (reply: ExecuteReply): ExecuteOutcome => ({
      reply,
      iopub: [...iopub, msg("status", { execution_state: "idle" })],
    });
    const ok = { status: "ok", execution_count: n, user_expressions: {}, payload: [] } as ExecuteReply;
    let result: Promise<ExecuteOutcome>;
    switch (behaviour.kind) {
      case "ok":
        if (behaviour.stdout) iopub.push(msg("stream", { name: "stdout", text: behaviour.stdout }));
        if (behaviour.result) {
          iopub.push(
            msg("execute_result", { execution_count: n, data: { "text/plain": behaviour.result }, metadata: {} }),
          );
        }
        result = Promise.resolve(done(ok));
        break;
      case "error": {
        const { ename, evalue } = behaviour;
        iopub.push(msg("error", { ename, evalue, traceback: [`${ename}: ${evalue}`] }));
        result = Promise.resolve(done({ status: "error", ename, evalue, traceback: [], execution_count: n }));
        break;
      }
      case "hang":
        iopub.push(msg("stream", { name: "stdout", text: "started\n" }));
        result = new Promise((resolve) => {
          if (!behaviour.answersInterrupt) return;
          this.onInterrupt = () => {
            iopub.push(msg("error", { ename: "Interrupted", evalue: "", traceback: ["Interrupted"] }));
            resolve(done({ status: "error", ename: "Interrupted", evalue: "", traceback: [], execution_count: n }));
          };
        });
        break;
      case "die":
        result = Promise.reject(new Error("client closed"));
        break;
    }
    return { result, received: () => [...iopub] };
  }

  async warmUp(): Promise<void> {}
  async interrupt(): Promise<void> {
    this.interrupts++;
    this.onInterrupt?.();
  }
  async languageInfo() {
    return { name: "typescript" };
  }
  async stop(): Promise<void> {}
  kill(): void {}
}

function notebook(...sources: string[]): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: "markdown", id: "md", metadata: {}, source: "# Title" },
      ...sources.map((source, i): CodeCell => ({
        cell_type: "code",
        id: `c${i + 1}`,
        metadata: {},
        source,
        execution_count: 99,
        outputs: [{ output_type: "stream", name: "stdout", text: "stale\n" }],
      })),
    ],
  };
}

function options(overrides: Partial<RunOptions> = {}) {
  const printed: string[] = [];
  const warned: string[] = [];
  const opts: RunOptions = {
    timeoutMs: 0,
    allowErrors: false,
    quiet: false,
    color: false,
    print: (t) => printed.push(t),
    warn: (t) => warned.push(t),
    interruptGraceMs: 50,
    ...overrides,
  };
  return { opts, printed, warned };
}

const code = (nb: Notebook, i: number) => nb.cells[i + 1] as CodeCell;

describe("runNotebook", () => {
  it("runs code cells in order, fills outputs and counts, and prints each cell", async () => {
    const nb = notebook("a", "   \n", "b");
    const session = new FakeSession({ a: { kind: "ok", stdout: "hi\n" }, b: { kind: "ok", result: "42" } });
    const { opts, printed, warned } = options();
    const result = await runNotebook(nb, session, opts);

    expect(result).toEqual({ executed: 2, failures: [], cancelled: false });
    expect(session.executed).toEqual(["a", "b"]);
    expect(code(nb, 0)).toMatchObject({ execution_count: 1, outputs: [{ output_type: "stream", text: "hi\n" }] });
    expect(code(nb, 1)).toMatchObject({ execution_count: null, outputs: [] });
    expect(code(nb, 2)).toMatchObject({
      execution_count: 2,
      outputs: [{ output_type: "execute_result", execution_count: 2 }],
    });
    expect(printed).toEqual(["In [1]:\n    a\nhi\n\n", "In [2]:\n    b\nOut[2]: 42\n\n"]);
    expect(warned).toEqual([]);
  });

  it("stops at the first error and clears the cells it did not run", async () => {
    const nb = notebook("a", "bad", "c");
    const session = new FakeSession({ bad: { kind: "error", ename: "TypeError", evalue: "nope" } });
    const { opts, warned } = options();
    const result = await runNotebook(nb, session, opts);

    expect(session.executed).toEqual(["a", "bad"]);
    expect(result.failures).toEqual([
      { cellNumber: 3, cellId: "c2", executionCount: 2, reason: "TypeError: nope", fatal: false },
    ]);
    expect(warned).toEqual(["Cell 3 (In [2], id c2) failed: TypeError: nope\n"]);
    expect(code(nb, 1).outputs).toEqual([
      { output_type: "error", ename: "TypeError", evalue: "nope", traceback: ["TypeError: nope"] },
    ]);
    expect(code(nb, 2)).toMatchObject({ execution_count: null, outputs: [] });
  });

  it("keeps going with allowErrors", async () => {
    const nb = notebook("bad", "c");
    const session = new FakeSession({ bad: { kind: "error", ename: "E", evalue: "v" } });
    const result = await runNotebook(nb, session, options({ allowErrors: true }).opts);
    expect(session.executed).toEqual(["bad", "c"]);
    expect(result.failures).toHaveLength(1);
  });

  it("interrupts a cell that runs too long and goes on when the kernel recovers", async () => {
    const nb = notebook("slow", "next");
    const session = new FakeSession({ slow: { kind: "hang", answersInterrupt: true } });
    const result = await runNotebook(nb, session, options({ timeoutMs: 20, allowErrors: true }).opts);

    expect(session.interrupts).toBe(1);
    expect(session.executed).toEqual(["slow", "next"]);
    expect(result.failures[0]).toMatchObject({ reason: "timed out after 0.02 s and was interrupted", fatal: false });
    expect(code(nb, 0).outputs.map((o) => o.output_type)).toEqual(["stream", "error"]);
  });

  it("gives up on a kernel that ignores the interrupt, keeping what the cell printed", async () => {
    const nb = notebook("stuck", "never");
    const session = new FakeSession({ stuck: { kind: "hang", answersInterrupt: false } });
    const result = await runNotebook(nb, session, options({ timeoutMs: 20, allowErrors: true }).opts);

    expect(session.executed).toEqual(["stuck"]);
    expect(result.failures[0]).toMatchObject({ fatal: true, executionCount: 1 });
    expect(result.failures[0].reason).toMatch(/did not respond to the interrupt/);
    expect(code(nb, 0)).toMatchObject({ execution_count: 1, outputs: [{ output_type: "stream", text: "started\n" }] });
  });

  it("stops on Ctrl-C after interrupting the running cell", async () => {
    const nb = notebook("slow", "next");
    const session = new FakeSession({ slow: { kind: "hang", answersInterrupt: true } });
    const controller = new AbortController();
    // Ctrl-C once the runner is waiting on the cell it has just sent.
    session.onExecute = () => setImmediate(() => controller.abort());
    const result = await runNotebook(nb, session, options({ signal: controller.signal, allowErrors: true }).opts);

    expect(result.cancelled).toBe(true);
    expect(session.interrupts).toBe(1);
    expect(session.executed).toEqual(["slow"]);
    expect(result.failures[0]).toMatchObject({ reason: "interrupted by the user", fatal: true });
  });

  it("reports a kernel that died", async () => {
    const nb = notebook("crash", "next");
    const result = await runNotebook(
      nb,
      new FakeSession({ crash: { kind: "die" } }),
      options({ allowErrors: true }).opts,
    );
    expect(result.failures[0]).toMatchObject({
      fatal: true,
      reason: "the kernel stopped while running it (client closed)",
    });
    expect(result.executed).toBe(1);
  });

  it("prints only failures when quiet", async () => {
    const nb = notebook("a", "bad");
    const { opts, printed, warned } = options({ quiet: true });
    await runNotebook(nb, new FakeSession({ bad: { kind: "error", ename: "E", evalue: "v" } }), opts);
    expect(printed).toEqual([]);
    expect(warned).toHaveLength(1);
  });
});

describe("failureLine", () => {
  it("leaves out the prompt when the cell never got a count", () => {
    expect(failureLine({ cellNumber: 2, cellId: "x", executionCount: null, reason: "r", fatal: true })).toBe(
      "Cell 2 (id x) failed: r",
    );
  });
});
