import { describe, expect, it } from "@jest/globals";
import { loadTypeScript } from "../../src/typescript/load-typescript";
import { completeness } from "../../src/typescript/completeness";
import { cellCompleteness } from "../../src/interpreter/cell-completeness";
import { IS_COMPLETE_CASES } from "../support/is-complete-cases";

// The TypeScript the kernel checks cells with.
const ts = loadTypeScript();

describe("is_complete classification", () => {
  it.each(IS_COMPLETE_CASES)("classifies %j", async (code, expected) => {
    expect(await cellCompleteness(code, async (typescript) => completeness(ts, typescript))).toEqual(expected);
  });
});
