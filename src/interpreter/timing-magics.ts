import { ExecuteOutcome, ExecuteRequest, CellOutput } from "../protocol/interpreter-contract";
import { ConvertResult, formatDiagnostics } from "../typescript/engine";
import { toErrorFields } from "../runtime/error-fields";
import { KeyboardInterrupt } from "../shared/interrupt-error";
import { chooseLoops, formatTime, formatTimeit } from "./magics/time-format";
import { CompiledCell, InScope } from "../runtime/cell-runner";

/** The name %timeit's compiled function is left under. */
const TIMEIT_VAR = "tsck_timeit_fn";
/** Runs per %timeit, as in IPython. */
const RUNS = 7;

/** What %time and %timeit need from the interpreter. */
export interface TimingHost {
  executeCode(request: ExecuteRequest): Promise<ExecuteOutcome>;
  compile(code: string): Promise<ConvertResult>;
  /** Run compiled code that defines `name` and return it, keeping `name` out of the notebook. */
  loadOwn(js: string, name: string, script?: Pick<CompiledCell, "filename" | "positions">): Promise<unknown>;
  guard<T>(output: CellOutput, fn: (signal: AbortSignal, within: InScope) => Promise<T>): Promise<T>;
}

/** %time: run the code once as a cell, then say how long it took. */
/** `line` is the cell line the code starts on; blank lines put it there, so errors name cell lines. */
export async function timeCell(
  host: TimingHost,
  request: ExecuteRequest,
  code: string,
  line: number,
): Promise<ExecuteOutcome> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const outcome = await host.executeCode({ ...request, code: "\n".repeat(line) + code });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  request.output.stream(
    "stdout",
    formatTime({ wallSeconds: wall, userSeconds: cpu.user / 1e6, systemSeconds: cpu.system / 1e6 }) + "\n",
  );
  return outcome;
}

/** %timeit: compile the code once into a function and time many calls of it. */
export async function timeitCell(
  host: TimingHost,
  request: ExecuteRequest,
  code: string,
  line: number,
): Promise<ExecuteOutcome> {
  const isAsync = /\bawait\b/.test(code);
  // In a %%timeit cell the wrapper's first line stands where the magic line stood, so the wrapped
  // lines are the cell's lines; %timeit's code shares its line with the magic, one line up.
  const inCell = line > 0;
  const before = inCell ? "\n".repeat(line - 1) : "";
  const wrapped = `${before}const ${TIMEIT_VAR} = ${isAsync ? "async " : ""}() => {\n${code}\n};\n${TIMEIT_VAR}`;
  const filename = `Cell[${request.executionCount}]`;
  const converted = await host.compile(wrapped);
  if (converted.kind === "diagnostics") {
    return { kind: "error", error: formatDiagnostics(wrapped, converted.diagnostics, filename, inCell ? 0 : -1) };
  }
  const script = inCell ? { filename, positions: { map: converted.lineMap, source: request.code } } : undefined;
  const fn = (await host.loadOwn(converted.js, TIMEIT_VAR, script)) as () => unknown;
  return host.guard(request.output, async (signal, within): Promise<ExecuteOutcome> => {
    try {
      const once = async (loops: number) => {
        const t0 = performance.now();
        for (let k = 0; k < loops && !signal.aborted; k++) {
          // After an await the cell's scope may be lost (runtime/scope-tracking.ts): an async body is entered in it.
          if (isAsync) await within(fn);
          else fn();
        }
        return (performance.now() - t0) / 1000;
      };
      const loops = chooseLoops(await once(1));
      const perLoop: number[] = [];
      for (let run = 0; run < RUNS && !signal.aborted; run++) {
        perLoop.push((await once(loops)) / loops);
        // Let output, interrupts and other events through between runs.
        await new Promise((r) => setImmediate(r));
      }
      if (signal.aborted) return { kind: "error", error: toErrorFields(new KeyboardInterrupt()) };
      request.output.stream("stdout", formatTimeit({ loops, perLoop }) + "\n");
      return { kind: "ok" };
    } catch (e) {
      return { kind: "error", error: toErrorFields(e) };
    }
  });
}
