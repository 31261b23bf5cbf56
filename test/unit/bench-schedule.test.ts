import { bestSpeedup, inOrderMakespan } from "../../bench/schedule";

describe("inOrderMakespan", () => {
  it("hands each task to the first free worker, in order", () => {
    // Worker A: 1 then 3 (free at 4); worker B: 2 then 4 (free at 6).
    expect(inOrderMakespan([1, 2, 3, 4], 2)).toBe(6);
    expect(inOrderMakespan([5, 5, 5, 5], 2)).toBe(10);
  });

  it("runs everything on one worker when there is one, and each task alone when there are enough", () => {
    expect(inOrderMakespan([1, 2, 3], 1)).toBe(6);
    expect(inOrderMakespan([1, 2, 3], 8)).toBe(3);
  });
});

describe("bestSpeedup", () => {
  it("is the worker count for equal tasks, and less when the last task runs alone", () => {
    expect(bestSpeedup([5, 5, 5, 5], 2)).toBe(2);
    expect(bestSpeedup([1, 2, 3, 4], 2)).toBeCloseTo(10 / 6);
  });

  it("has no answer for tasks that took no time", () => {
    expect(bestSpeedup([], 2)).toBeNaN();
  });
});
