import { summarize, shadeOf } from "../../src/concurrency/report/summary";
import { summaryLines } from "../../src/concurrency/report/captions";
import { TimingReport } from "../../src/concurrency/model/timing";
import * as F from "../support/timing-fixtures";

function lines(report: TimingReport): string[] {
  return summaryLines(report, summarize(report));
}

describe("derived numbers for 4 × countPrimes(3e6) on 2 cores", () => {
  it("%%threads: speedup vs serial, efficiency per worker and per core", () => {
    const s = summarize(F.threadsCpu);
    expect(s.task_ms).toBeCloseTo(2577.2, 1);
    expect(s.coresBusy).toBeCloseTo(1.957, 3);
    expect(s.speedup).toEqual({ value: expect.closeTo(1.939, 3), basis: "serial" });
    expect(s.efficiency).toEqual({
      workers: 4,
      perWorker: expect.closeTo(0.485, 3),
      cores: 2,
      perCore: expect.closeTo(0.97, 2),
    });
    expect(s.bound).toBe("cpu");
    expect(lines(F.threadsCpu)).toEqual([
      "wall 685 ms · Σ task 2.58 s · CPU 1.34 s (1.96 of 2 cores busy)",
      "speedup 1.94× vs serial · efficiency 48% of 4 workers, 97% of 2 cores",
      "CPU-bound: limited to 2 cores",
      "memory: 4 threads × 5.2 MB = 21 MB (each thread's V8 heap at its last task's end) · kernel RSS +1.4 MB",
    ]);
  });

  it("%%processes: the same reading with the process numbers", () => {
    expect(lines(F.processesCpu).slice(1)).toEqual([
      "speedup 1.85× vs serial · efficiency 46% of 4 workers, 93% of 2 cores",
      "CPU-bound: limited to 2 cores",
      "memory: 4 processes × 48 MB = 190 MB (each process's RSS at its last task's end) · kernel RSS +410 kB",
    ]);
  });

  it("%%processes cold: start-up is called out with its share of the wall", () => {
    const s = summarize(F.processesCold);
    expect(s.maxStartup_ms).toBe(180);
    expect(lines(F.processesCold).slice(1)).toEqual([
      "speedup 1.55× vs serial · efficiency 39% of 4 workers, 77% of 2 cores",
      "CPU-bound: limited to 2 cores; starting workers took up to 180 ms (21% of wall)",
    ]);
  });

  it("%%async: one thread, so no gain and tasks take turns", () => {
    const s = summarize(F.asyncCpu);
    expect(s.capacity).toBe(1);
    expect(s.efficiency).toBeNull();
    expect(lines(F.asyncCpu)).toEqual([
      "wall 1.33 s · Σ task 3.32 s · CPU 1.33 s (1.00 of 2 cores busy)",
      "speedup 1.00× vs serial",
      "CPU-bound on one thread: tasks took turns",
      "memory: kernel heap +3.5 kB with 4 tasks pending = 870 B per task (V8 used heap, read at the start and once all had started) · kernel RSS -120 kB",
    ]);
  });

  it("%%serial: the baseline itself", () => {
    expect(summarize(F.serialCpu).speedup).toBeNull();
    expect(lines(F.serialCpu)).toEqual([
      "wall 1.33 s · Σ task 1.33 s · CPU 1.33 s (1.00 of 2 cores busy)",
      "serial baseline for speedups",
      "CPU-bound on one thread: one task after another",
    ]);
  });

  it("without a serial run, speedup is Σ CPU / wall and says so", () => {
    const { serial_wall_ms: _, ...noSerial } = F.threadsCpu;
    expect(summarize(noSerial).speedup).toEqual({ value: expect.closeTo(1.957, 3), basis: "cpu" });
    expect(lines(noSerial)[1]).toBe("speedup 1.96× Σcpu/wall · efficiency 49% of 4 workers, 98% of 2 cores");
  });
});

describe("derived numbers for 4 × sleep(200)", () => {
  it("%%threads: I/O-bound, no per-core efficiency above 100%", () => {
    const s = summarize(F.threadsSleep);
    expect(s.bound).toBe("io");
    expect(s.efficiency?.perCore).toBeNull();
    expect(lines(F.threadsSleep)).toEqual([
      "wall 202 ms · Σ task 802 ms · CPU 1.1 ms (0.01 of 2 cores busy)",
      "speedup 3.98× vs serial · efficiency 100% of 4 workers",
      "I/O-bound: cores mostly idle",
    ]);
  });

  it("%%async: the waits overlap on one thread", () => {
    expect(lines(F.asyncSleep).slice(1)).toEqual([
      "speedup 3.99× vs serial",
      "I/O-bound: the waits overlapped on one thread",
    ]);
  });

  it("%%serial: the waits add up", () => {
    expect(lines(F.serialSleep).slice(1)).toEqual([
      "serial baseline for speedups",
      "I/O-bound: tasks waited one after another",
    ]);
  });

  it("without a serial run, waiting work reports overlap (Σ task / wall), not Σ CPU", () => {
    const { serial_wall_ms: _, ...noSerial } = F.threadsSleep;
    expect(summarize(noSerial).speedup).toEqual({ value: expect.closeTo(3.976, 3), basis: "overlap" });
    expect(lines(noSerial)[1]).toBe("overlap 3.98× Σtask/wall · efficiency 99% of 4 workers");
  });

  it("%%async: many overlapping waits read as I/O-bound while the thread's CPU is under 5% of the tasks' time", () => {
    // 40 × sleep(200): the thread busy 45% of the wall starting and ending them, 1.1% of Σ task.
    const many = (cpu_ms: number): TimingReport => ({
      ...F.asyncSleep,
      serial_wall_ms: undefined,
      cpu_covers: "thread",
      cpu_ms,
      tasks: Array.from({ length: 40 }, (_, i) => ({ ...F.asyncSleep.tasks[1], i, on_cpu: undefined, cpu_ms: null })),
    });
    expect(summarize(many(90)).bound).toBe("io");
    expect(lines(many(90))[1]).toBe("overlap 39.9× Σtask/wall");
    expect(summarize(many(90)).reading).toBe("I/O-bound: the waits overlapped on one thread");
    expect(summarize(many(0.051 * 40 * 200.7)).bound).not.toBe("io");
  });

  it("%%async without a serial run: overlap, never a Σcpu/wall speedup (one thread's CPU is at most the wall)", () => {
    const { serial_wall_ms: _, ...noSerial } = F.asyncCpu;
    expect(summarize(noSerial).bound).toBe("cpu");
    expect(summarize(noSerial).speedup).toEqual({ value: expect.closeTo(2.5, 1), basis: "overlap" });
    expect(lines(noSerial)[1]).toMatch(/^overlap 2\.\d\d× Σtask\/wall$/);
  });

  it("a blocking wait on the event loop is named as such, with no speedup", () => {
    const s = summarize(F.asyncBlocking);
    expect(s.bound).toBe("blocking");
    expect(s.speedup).toBeNull();
    expect(s.reading).toMatch(/^blocked the event loop/);
  });

  it("without on-CPU slices, async tasks whose synchronous parts held the thread still read as blocking", () => {
    const unsliced: TimingReport = {
      ...F.asyncBlocking,
      cpu_covers: "thread",
      // As the executor records them: every task started at once, each ended after all the waits.
      tasks: F.asyncBlocking.tasks.map(({ on_cpu, ...t }) => ({
        ...t,
        end_ms: 802,
        cpu_ms: null,
        sync_ms: on_cpu![0][1] - on_cpu![0][0],
      })),
    };
    expect(summarize(unsliced).bound).toBe("blocking");
    expect(summarize({ ...unsliced, tasks: unsliced.tasks.map((t) => ({ ...t, sync_ms: 1 })) }).bound).not.toBe(
      "blocking",
    );
    expect(lines(unsliced)[0]).toBe(
      "wall 802 ms · Σ task 2.00 s · CPU 0.4 ms on the whole kernel thread, all tasks (0.00 of 2 cores busy)",
    );
  });
});

describe("readings at their thresholds", () => {
  const busy = (cpu: number, over: Partial<TimingReport> = {}) =>
    summarize({ ...F.threadsCpu, serial_wall_ms: undefined, cpu_ms: cpu, wall_ms: 1000, ...over });

  it("splits I/O-bound, mixed and CPU-bound at 35% and 75% of the usable cores", () => {
    expect(busy(699).bound).toBe("io"); // 0.699 of 2 cores = 35% − ε
    expect(busy(700).bound).toBe("mixed");
    expect(busy(1499).bound).toBe("mixed");
    expect(busy(1500).bound).toBe("cpu");
  });

  it("names the limit: cores, a small pool, or none", () => {
    expect(busy(1900).reading).toBe("CPU-bound: limited to 2 cores");
    expect(busy(950, { workers: 1 }).reading).toBe("CPU-bound: limited to 1 worker (2 cores available)");
    expect(busy(1900, { cores: 4 }).reading).toBe("mixed: cores partly idle (waiting, start-up or uneven tasks)");
    expect(busy(3800, { cores: 4 }).reading).toBe("CPU-bound: each task had a core to itself");
  });

  it("cannot read a run whose CPU is unknown", () => {
    expect(busy(0, { cpu_ms: null }).reading).toBe("CPU n/a: cannot tell computing from waiting");
  });

  it("shades a task by its share of a core", () => {
    expect(shadeOf(0.75)).toBe("cpu");
    expect(shadeOf(0.7499)).toBe("shared");
    expect(shadeOf(0.35)).toBe("shared");
    expect(shadeOf(0.3499)).toBe("waiting");
    expect(shadeOf(null)).toBe("unknown");
  });
});

describe("failures and live reports", () => {
  it("gives no speedup when some tasks did not finish ok, and counts them by mark", () => {
    expect(summarize(F.threadsFailed).speedup).toBeNull();
    expect(lines(F.threadsFailed)).toEqual([
      "wall 643 ms · Σ task 1.56 s · CPU n/a",
      "no speedup: 3 of 4 tasks did not finish ok",
      "CPU n/a: cannot tell computing from waiting",
      "4 tasks: 1 ok · 1 ✗ error · 1 ⚡ crashed · 1 ✂ cancelled",
      "interrupted: 1 task cancelled",
    ]);
  });

  it("an abandoned async task counts up to the wall", () => {
    expect(summarize(F.asyncAbandoned).task_ms).toBeCloseTo(49.8 + 1499.7, 1);
    expect(lines(F.asyncAbandoned)).toContain("2 tasks: 1 ok · 1 … abandoned");
  });

  it("a running report has numbers so far and no verdicts", () => {
    const s = summarize(F.threadsRunning);
    expect([s.speedup, s.efficiency, s.reading, s.bound]).toEqual([null, null, null, null]);
    expect(s.task_ms).toBeCloseTo(329.5 + 419.4 + 89.5, 1);
    expect(lines(F.threadsRunning)).toEqual([
      "wall 420 ms so far · Σ task 838 ms · CPU n/a",
      "1 of 6 tasks done · 2 running · 3 queued",
    ]);
  });
});
