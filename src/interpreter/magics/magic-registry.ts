import { ExecutorKind } from "../../concurrency/model/timing";
import { ConcurrencyOptions, concurrencyHelp, parseConcurrencyOptions, splitWords } from "./concurrency-options";
import { MagicUsageError } from "./magic-error";

/** A cell as the kernel will run it, after its magic line (if any) has been understood. */
export type ParsedCell =
  | { kind: "code"; code: string }
  | {
      kind: "concurrency";
      executor: ExecutorKind | "compare";
      options: ConcurrencyOptions;
      /** The cell without its magic line; line 1 of the body is line 2 of the cell. */
      body: string;
      /** The magic line as typed, for the report's title. */
      title: string;
    }
  | { kind: "text"; text: string }
  /**
   * %time / %%time / %timeit / %%timeit: run `code` as a cell and measure it; `line` is the cell
   * line (from 0) the code starts on, so that errors name the cell's own lines.
   */
  | { kind: "timing"; mode: "time" | "timeit"; code: string; line: number };

interface CellMagicSpec {
  executor: ExecutorKind | "compare";
  summary: string;
}

const CELL_MAGICS: Record<string, CellMagicSpec> = {
  threads: {
    executor: "threads",
    summary:
      "Run the tasks on a pool of worker_threads: real parallelism, one isolate per worker, notebook names copied in.",
  },
  processes: {
    executor: "processes",
    summary:
      "Run the tasks on a pool of child processes: separate memory, process start-up cost, notebook names serialised across.",
  },
  async: {
    executor: "async",
    summary: "Start every task at once on the kernel's one event loop: waits overlap, CPU work takes turns.",
  },
  serial: {
    executor: "serial",
    summary: "Run the tasks one after another on the kernel's thread: the baseline for speedups.",
  },
  compare: {
    executor: "compare",
    summary: "Run the same body under %%serial, %%async, %%threads and %%processes in turn, and compare them.",
  },
};

const TIMING_MAGICS: Record<string, string> = {
  time: "wall and CPU time of running the code once",
  timeit: "mean ± std. dev. of many runs, sized automatically",
};

const LINE_MAGICS: Record<string, string> = {
  lsmagic: "list the available magics",
  magic: "explain the magics",
};

function lsmagic(): string {
  const cell = [
    ...Object.entries(CELL_MAGICS).map(([n, s]) => `  %%${n.padEnd(10)} ${s.summary}`),
    ...Object.entries(TIMING_MAGICS).map(([n, s]) => `  %%${n.padEnd(10)} ${s} (the whole cell)`),
  ];
  const line = [
    ...Object.entries(LINE_MAGICS).map(([n, s]) => `  %${n.padEnd(11)} ${s}`),
    ...Object.entries(TIMING_MAGICS).map(([n, s]) => `  %${n.padEnd(11)} ${s} (the rest of the line)`),
  ];
  return [
    "Cell magics (first line of a cell):",
    ...cell,
    "",
    "Line magics:",
    ...line,
    "",
    "Add ? to a magic's name for its options, e.g. %%threads?",
  ].join("\n");
}

function magicHelp(): string {
  return [
    "Magics route a cell through a concurrency model and draw a timing report under it.",
    "Change only the first line to compare models on the same body:",
    "",
    "  %%threads -n 4",
    "  const c = countPrimes(task.i * 1e6, (task.i + 1) * 1e6);",
    "  return c;",
    "",
    lsmagic(),
  ].join("\n");
}

export function knownMagics(): string {
  return [
    ...Object.keys(CELL_MAGICS).map((n) => `%%${n}`),
    ...Object.keys(TIMING_MAGICS).flatMap((n) => [`%${n}`, `%%${n}`]),
    ...Object.keys(LINE_MAGICS).map((n) => `%${n}`),
  ].join(", ");
}

/** Understand a cell's magic line. Throws MagicUsageError for anything it cannot accept. */
export function parseCell(code: string): ParsedCell {
  const start = code.search(/\S/);
  if (start < 0 || code[start] !== "%") return { kind: "code", code };
  const newline = code.indexOf("\n", start);
  const magicLine = code.slice(0, start).split("\n").length - 1;
  const line = (newline < 0 ? code.slice(start) : code.slice(start, newline)).trimEnd();
  const rest = newline < 0 ? "" : code.slice(newline + 1);
  const isCell = line.startsWith("%%");
  const words = splitWords(line.slice(isCell ? 2 : 1));
  const rawName = words[0] ?? "";
  const asksHelp = rawName.endsWith("?");
  const name = asksHelp ? rawName.slice(0, -1) : rawName;

  if (isCell && Object.prototype.hasOwnProperty.call(CELL_MAGICS, name)) {
    const spec = CELL_MAGICS[name];
    if (asksHelp) return { kind: "text", text: concurrencyHelp(name, spec.summary) };
    const options = parseConcurrencyOptions(name, words.slice(1));
    return { kind: "concurrency", executor: spec.executor, options, body: rest, title: line };
  }
  if (Object.prototype.hasOwnProperty.call(TIMING_MAGICS, name)) {
    const mode = name as "time" | "timeit";
    if (asksHelp)
      return {
        kind: "text",
        text: `%${name} CODE   or   %%${name} on the first line of a cell: ${TIMING_MAGICS[name]}`,
      };
    const inline = line.slice(line.indexOf(rawName) + rawName.length).trim();
    if (isCell) {
      if (inline)
        throw new MagicUsageError(`%%${name} takes no options, not '${inline}'; put the code on the lines below it`);
      return { kind: "timing", mode, code: rest, line: magicLine + 1 };
    }
    if (rest.trim() !== "")
      throw new MagicUsageError(`%${name} times the rest of its line; use %%${name} to time a whole cell`);
    if (!inline) throw new MagicUsageError(`%${name} needs code to time, e.g. %${name} countPrimes(0, 1e5)`);
    return { kind: "timing", mode, code: inline, line: magicLine };
  }
  if (!isCell && Object.prototype.hasOwnProperty.call(LINE_MAGICS, name)) {
    if (rest.trim() !== "" || words.length > 1) {
      throw new MagicUsageError(`%${name} takes no arguments and must be the only line of its cell`);
    }
    return { kind: "text", text: name === "lsmagic" ? lsmagic() : magicHelp() };
  }
  const shown = `${isCell ? "%%" : "%"}${name}`;
  const other = isCell
    ? Object.prototype.hasOwnProperty.call(LINE_MAGICS, name)
    : Object.prototype.hasOwnProperty.call(CELL_MAGICS, name);
  const hint = other ? ` (did you mean ${isCell ? "%" : "%%"}${name}?)` : "";
  throw new MagicUsageError(`Unknown magic ${shown}${hint}. Known magics: ${knownMagics()}. %lsmagic lists them.`);
}
