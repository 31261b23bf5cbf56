import { describe, expect, it } from "@jest/globals";
import * as path from "path";
import type * as TS from "@tslab/typescript-for-tslab";
import { completeness } from "../../src/typescript/completeness";
import { cellCompleteness } from "../../src/interpreter/cell-completeness";
import { IS_COMPLETE_CASES } from "../support/is-complete-cases";

// The TypeScript the kernel's converter runs, not the project's own compiler.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved from tslab's folder at run time
const ts: typeof TS = require(
  require.resolve("@tslab/typescript-for-tslab", { paths: [path.dirname(require.resolve("tslab/package.json"))] }),
);

describe("is_complete classification", () => {
  it.each(IS_COMPLETE_CASES)("classifies %j", async (code, expected) => {
    expect(await cellCompleteness(code, async (typescript) => completeness(ts, typescript))).toEqual(expected);
  });
});
