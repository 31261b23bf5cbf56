import { compileLoopsInPlace } from "../../src/runtime/steady-tiering";

describe("compiling hot loops in place", () => {
  it("is left alone from Node 22 on, where the flag made a 60 ms loop take seconds", () => {
    // Returning false means no V8 flag was set in this process either.
    expect(compileLoopsInPlace(22)).toBe(false);
    expect(compileLoopsInPlace(24)).toBe(false);
  });
});
