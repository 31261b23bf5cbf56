/**
 * What `is_complete_request` answers for a cell, as a console sees it on Enter: run it
 * (`complete`), wait for another line with this indent (`incomplete`), or refuse it (`invalid`).
 * Shared by the classifier's unit test and the end-to-end test against the running kernel.
 */
export type IsCompleteCase = [
  code: string,
  reply: { status: "complete" } | { status: "incomplete"; indent: string } | { status: "invalid" },
];

const complete = { status: "complete" } as const;
const invalid = { status: "invalid" } as const;
const incomplete = (indent: string) => ({ status: "incomplete", indent }) as const;

export const IS_COMPLETE_CASES: IsCompleteCase[] = [
  // Ordinary statements, and ones that end a block.
  ["const a = 1", complete],
  ["const a = 1;", complete],
  ["console.log('hi')", complete],
  ["", complete],
  ["// only a comment", complete],
  ["function f() {\n  return 1;\n}", complete],
  ["const s = `line one\nline two`", complete],
  ["const r = await (async () => 5)(); r", complete],
  ["for await (const x of gen()) {}", complete],
  ["a\n  .b()", complete],
  ["const re = /[({]/; re", complete],
  ["const t = `${ { a: 1 }.a }`", complete],
  ["'a \\' ( b'", complete],
  // Open brackets: more lines, one level deeper than the line that opened the innermost.
  ["function f() {", incomplete("  ")],
  ["if (x) {\n  if (y) {", incomplete("    ")],
  ["foo({", incomplete("  ")],
  ["const xs = [\n  1,", incomplete("  ")],
  ["Math.max(", incomplete("  ")],
  ["  while (true) {", incomplete("    ")],
  // Open literals and comments: their lines keep their own spacing.
  ["const s = `abc", incomplete("")],
  ["const s = `a ${b} c", incomplete("")],
  ["const s = `a ${", incomplete("")],
  ["/* a comment", incomplete("")],
  ["const s = 'abc\\", incomplete("")],
  ["class Point", incomplete("  ")],
  // A missing end that a further line supplies.
  ["1 +", incomplete("  ")],
  ["a &&", incomplete("  ")],
  ["x =", incomplete("  ")],
  ["obj.", incomplete("  ")],
  ["if (ready)", incomplete("  ")],
  ["const f = (n: number) =>", incomplete("  ")],
  ["cond ? 1 :", incomplete("  ")],
  ["1 + // then", incomplete("  ")],
  // Nothing on a later line can mend these.
  [")", invalid],
  ["}", invalid],
  ["f(1))", invalid],
  ["[1, 2)", invalid],
  ["const = ;", invalid],
  ["const a = 1 2", invalid],
  ["const s = 'abc", invalid],
  ["const s = 'abc\\\\", invalid],
  ["const s = 'abc\nconst t = 'd\\", invalid],
  ["const r = /abc", invalid],
  // Magics: a line magic runs as typed; a cell magic's body ends at a blank line.
  ["%lsmagic", complete],
  ["%time 1 + 1", complete],
  ["%%threads?", complete],
  ["%%threads -n 2", incomplete("")],
  ["%%threads -n 2\nreturn task.i", incomplete("")],
  ["%%threads -n 2\nreturn task.i\n", complete],
  ["%%async\nfor (let i = 0; i < 3; i++) {", incomplete("  ")],
  ["%%serial\nconst = ;", invalid],
];
