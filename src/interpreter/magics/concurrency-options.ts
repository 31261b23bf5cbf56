import { parseDuration } from "./duration";
import { parseSizeMb } from "./size";
import { MagicUsageError } from "./magic-error";

/** Options every concurrency magic takes (DESIGN.md §2). */
export interface ConcurrencyOptions {
  tasks?: number;
  workers?: number;
  map?: string;
  timeoutMs?: number;
  /** Heap limit of each worker (V8's old generation), in megabytes. */
  memoryMb?: number;
  share?: string[];
  fresh: boolean;
  group: boolean;
  quiet: boolean;
}

interface FlagSpec {
  names: string[];
  value?: string;
  help: string;
  apply(o: ConcurrencyOptions, value: string, flag: string): void;
}

function positiveInt(flag: string, value: string, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new MagicUsageError(`${flag} takes a whole number from 1 to ${max}, not '${value}'`);
  }
  return n;
}

/**
 * Most tasks a cell may ask for: far past any lesson. Ten thousand tasks that do nothing already
 * take seconds of the kernel's own bookkeeping (ids, lanes, the report); ten times more took over
 * a minute, when the instrument and not the lesson is what the learner would be timing. Checked
 * on the flag's text, so that -n 1e9 is refused before anything is allocated.
 */
export const MAX_TASKS = 10_000;
/** Most workers a pool may get: each is a thread or process with its own heap. */
export const MAX_WORKERS = 256;
/** Node fires a timer set past 2^31-1 ms at once; a day is well inside that and past any lesson. */
const MAX_TIMEOUT_MS = 24 * 3_600_000;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** Below this a worker cannot even load its own code, so a smaller limit would only fail at start-up. */
const MIN_MEMORY_MB = 16;
/** V8 takes larger values but ignores what the machine cannot give; past this it is surely a typo. */
const MAX_MEMORY_MB = 1024 * 1024;

export const CONCURRENCY_FLAGS: FlagSpec[] = [
  {
    names: ["-n", "--tasks"],
    value: "N",
    help: `number of tasks, 1 to ${MAX_TASKS} (default: the number of cores, or the --map length)`,
    apply: (o, v, f) => (o.tasks = positiveInt(f, v, MAX_TASKS)),
  },
  {
    names: ["-w", "--workers"],
    value: "W",
    help: `pool size, 1 to ${MAX_WORKERS}; extra tasks queue for a free worker`,
    apply: (o, v, f) => (o.workers = positiveInt(f, v, MAX_WORKERS)),
  },
  {
    names: ["--map"],
    value: "EXPR",
    help: `an array (or a promise of one), at most ${MAX_TASKS} items; task.item is its element i`,
    apply: (o, v) => (o.map = v),
  },
  {
    names: ["--timeout"],
    value: "DURATION",
    help: "stop tasks still running after e.g. 500ms, 2s, 1m (up to 24h)",
    apply: (o, v, f) => {
      const ms = parseDuration(v);
      if (ms === undefined || ms <= 0 || ms > MAX_TIMEOUT_MS) {
        throw new MagicUsageError(`${f} takes a duration from 1ms to 24h, such as 500ms, 2s or 1m, not '${v}'`);
      }
      o.timeoutMs = ms;
    },
  },
  {
    names: ["--memory"],
    value: "SIZE",
    help: `cap each worker's heap, ${MIN_MEMORY_MB}mb to ${MAX_MEMORY_MB / 1024}g, e.g. 64mb or 1g (%%threads, %%processes)`,
    apply: (o, v, f) => {
      const mb = parseSizeMb(v);
      if (mb === undefined || mb < MIN_MEMORY_MB || mb > MAX_MEMORY_MB) {
        throw new MagicUsageError(
          `${f} takes a heap size from ${MIN_MEMORY_MB}mb to ${MAX_MEMORY_MB / 1024}g, such as 64mb, 512m or 1g, not '${v}'`,
        );
      }
      o.memoryMb = mb;
    },
  },
  {
    names: ["--share"],
    value: "a,b",
    help: "copy exactly these notebook names into the workers",
    apply: (o, v, f) => {
      const names = v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = names.find((n) => !IDENTIFIER.test(n));
      if (names.length === 0 || bad !== undefined)
        throw new MagicUsageError(`${f} takes names separated by commas, not '${v}'`);
      o.share = names;
    },
  },
  { names: ["--fresh"], help: "start new workers for this cell (shows start-up cost)", apply: (o) => (o.fresh = true) },
  { names: ["--group"], help: "show output collated by task", apply: (o) => (o.group = true) },
  { names: ["--quiet"], help: "no timing report", apply: (o) => (o.quiet = true) },
];

/** Split a magic line into words, keeping quoted text (e.g. a --map expression) together. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    // Inside quotes, \" \' and \\ stand for the character itself: "new Error(\"boom\")". Other
    // escapes (\n in a string literal of a --map expression) are left for TypeScript to read.
    words.push(m[3] ?? (m[1] ?? m[2]).replace(/\\(["'\\])/g, "$1"));
  }
  return words;
}

export function parseConcurrencyOptions(magic: string, words: string[]): ConcurrencyOptions {
  const o: ConcurrencyOptions = { fresh: false, group: false, quiet: false };
  for (let k = 0; k < words.length; k++) {
    const word = words[k];
    const eq = word.startsWith("--") ? word.indexOf("=") : -1;
    const flag = eq > 0 ? word.slice(0, eq) : word;
    const spec = CONCURRENCY_FLAGS.find((s) => s.names.includes(flag));
    if (!spec) {
      const valid = CONCURRENCY_FLAGS.map((s) => s.names.join("/")).join(", ");
      throw new MagicUsageError(
        `%%${magic} does not take '${word}'. Valid options: ${valid}. See %%${magic}? for help.`,
      );
    }
    let value = "";
    if (spec.value) {
      if (eq > 0) value = word.slice(eq + 1);
      else if (k + 1 < words.length) value = words[++k];
      else throw new MagicUsageError(`${flag} needs a value: ${flag} ${spec.value}, ${spec.help}`);
    } else if (eq > 0) {
      throw new MagicUsageError(`${flag} takes no value; write just ${flag}`);
    }
    spec.apply(o, value, flag);
  }
  return o;
}

export function concurrencyHelp(magic: string, summary: string): string {
  const rows = CONCURRENCY_FLAGS.map((s) => {
    const left = s.names.join(", ") + (s.value ? ` ${s.value}` : "");
    return `  ${left.padEnd(22)} ${s.help}`;
  });
  return [
    `%%${magic} [options]`,
    "",
    summary,
    "The rest of the cell is the body of `async (task) => { … }`, run once per task;",
    "task is { i, n, id, item, signal }, and `return` gives the task's result (Out[n] is the array of results).",
    "",
    "Options:",
    ...rows,
  ].join("\n");
}
