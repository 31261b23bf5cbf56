/**
 * Every magic × every bad input a learner is likely to type, through the real kernel: each must
 * end as an iopub `error` the notebook shows (ename, evalue, traceback), an error reply that
 * carries the cell's execution_count, then idle, and the kernel must go on to run `1+1`.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { KernelSession, kinds, ofType, onlyOfType } from "./helpers";

let session: KernelSession;

beforeAll(async () => {
  session = await KernelSession.start();
});

afterAll(() => session?.stop());

const CONCURRENCY = ["serial", "async", "threads", "processes", "compare"];
const TIMING = ["time", "timeit"];

/** A bad magic line's options, and what the error must say about them (for the concurrency magics). */
const BAD_INPUTS: [string, RegExp][] = [
  ["--map 5", /--map 5 gave a number \(5\); it must give an array/],
  ["--map nope", /--map nope does not compile: Cannot find name 'nope'/],
  [`--map "[1, 2].foo"`, /--map \[1, 2\]\.foo does not compile: Property 'foo' does not exist/],
  [`--map "(() => { throw new Error('boom'); })()"`, /--map .* failed: Error: boom/],
  [`--map "Promise.resolve(5)"`, /--map Promise\.resolve\(5\) gave a number \(5\)/],
  [`--map "Promise.reject(new Error('no'))"`, /--map .* failed: Error: no/],
  [`--map "Array.from({ length: 10001 })"`, /gave 10001 items, but a cell runs at most 10000 tasks/],
  [`-n 5 --map "[1, 2]"`, /--map \[1, 2\] gave 2 items, but -n asks for 5 tasks; leave out -n, or ask for at most 2/],
  ["--share notDefinedAnywhere", /--share names 'notDefinedAnywhere', which no cell has defined/],
  ["-n 0", /-n takes a whole number from 1 to 10000, not '0'/],
  ["-n -1", /-n takes a whole number from 1 to 10000, not '-1'/],
  ["-n 1e9", /-n takes a whole number from 1 to 10000, not '1e9'/],
  ["-n 10001", /-n takes a whole number from 1 to 10000, not '10001'/],
  ["-n 2.5", /-n takes a whole number from 1 to 10000, not '2\.5'/],
  ["--timeout 0", /--timeout takes a duration from 1ms to 24h.*not '0'/],
  ["--timeout 25h", /--timeout takes a duration from 1ms to 24h.*not '25h'/],
  ["-w 0", /-w takes a whole number from 1 to 256, not '0'/],
  ["--memory 1kb", /--memory takes a heap size from 16mb to 1024g, such as 64mb, 512m or 1g, not '1kb'/],
  ["--bogus", /does not take '--bogus'\. Valid options: -n\/--tasks/],
  ["-n", /-n needs a value: -n N, number of tasks, 1 to 10000/],
  ["--timeout", /--timeout needs a value: --timeout DURATION/],
  ["--fresh=yes", /--fresh takes no value/],
];

const CASES: [string, string, RegExp][] = [
  ...CONCURRENCY.flatMap((magic) =>
    BAD_INPUTS.map(([options, says]): [string, string, RegExp] => [magic, options, says]),
  ),
  // The timing magics take no options at all; each refusal must still show, naming what it refused.
  ...TIMING.flatMap((magic) =>
    BAD_INPUTS.map(([options]): [string, string, RegExp] => [
      magic,
      options,
      new RegExp(`%%${magic} takes no options, not '`),
    ]),
  ),
];

describe.each(CASES)("%%%%%s %s", (magic, options, says) => {
  it("shows an error, replies with the count, goes idle, and the kernel runs on", async () => {
    const ex = await session.execute(`%%${magic} ${options}\nreturn task.i;`);
    const input = onlyOfType(ex.iopub, "execute_input");
    const error = onlyOfType(ex.iopub, "error");

    expect(typeof error.content.ename).toBe("string");
    expect(String(error.content.ename)).toMatch(/^(UsageError|CaptureError)$/);
    expect(String(error.content.evalue)).toMatch(says);
    const traceback = error.content.traceback as string[];
    expect(traceback.length).toBeGreaterThan(0);
    expect(traceback[0]).toBe(`${String(error.content.ename)}: ${String(error.content.evalue)}`);

    expect(ex.reply.content).toMatchObject({
      status: "error",
      ename: error.content.ename,
      evalue: error.content.evalue,
      execution_count: input.content.execution_count,
    });
    // Refused before anything ran: no timing report, no task output.
    expect(ofType(ex.iopub, "display_data")).toHaveLength(0);
    expect(kinds(ex.iopub)).toEqual(["status:busy", "execute_input", "error", "status:idle"]);

    expect(await session.value("1+1")).toBe("2");
  });
});

describe("the magic line's quoting", () => {
  it('reads \\" inside a quoted --map as a quote', async () => {
    expect(await session.value(`%%serial --map "[\\"a\\", \\"b\\"]"\nreturn task.item;`)).toBe("[ 'a', 'b' ]");
  });

  it("awaits a --map that gives a promise of an array", async () => {
    expect(await session.value(`%%async --map "Promise.resolve([3, 4])"\nreturn task.item;`)).toBe("[ 3, 4 ]");
  });
});
