import { describe, expect, it } from "@jest/globals";
import { SignatureHistory } from "../../src/protocol/signature-history";

describe("SignatureHistory", () => {
  it("knows the signatures it was told to remember, once each", () => {
    const history = new SignatureHistory(4);
    expect(history.has("a")).toBe(false);
    history.remember("a");
    history.remember("a");
    expect(history.has("a")).toBe(true);
    expect(history.size).toBe(1);
  });

  it("stays within its capacity by forgetting the oldest signature first", () => {
    const history = new SignatureHistory(3);
    for (const signature of ["a", "b", "c", "d"]) history.remember(signature);
    expect(history.size).toBe(3);
    expect(["a", "b", "c", "d"].map((s) => history.has(s))).toEqual([false, true, true, true]);
  });

  it("holds as many signatures as jupyter_client's Session by default", () => {
    const history = new SignatureHistory();
    expect(history.capacity).toBe(2 ** 16);
    for (let i = 0; i <= history.capacity; i += 1) history.remember(String(i));
    expect(history.size).toBe(history.capacity);
    expect(history.has("0")).toBe(false);
    expect(history.has(String(history.capacity))).toBe(true);
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses a capacity of %p", (capacity) => {
    expect(() => new SignatureHistory(capacity)).toThrow(RangeError);
  });
});
