/**
 * Timing reports modelled on the measurements behind design/timeline-sketch.txt (2 cores, 4 tasks
 * running countPrimes(3e6) or sleeping 200 ms), plus failures, a live report and 1,000 tasks.
 */
import { ExecutorKind, TaskStatus, TaskTiming, TimingReport } from "../../src/concurrency/model/timing";

type Row = [where: string, start: number | null, end: number | null, cpu: number | null];

export function task(i: number, [where, start, end, cpu]: Row, extra: Partial<TaskTiming> = {}): TaskTiming {
  const status: TaskStatus = start === null ? "queued" : end === null ? "running" : "ok";
  return {
    i,
    where,
    slot: i,
    queued_ms: 0,
    start_ms: start,
    end_ms: end,
    cpu_ms: cpu,
    startup_ms: null,
    status,
    ...extra,
  };
}

export function report(
  executor: ExecutorKind,
  title: string,
  rows: Row[],
  over: Partial<TimingReport> = {},
  extras: Partial<TaskTiming>[] = [],
): TimingReport {
  const tasks = rows.map((row, i) => task(i, row, extras[i]));
  const cpus = tasks.map((t) => t.cpu_ms);
  const cpu = cpus.every((c): c is number => c !== null) ? cpus.reduce((a, b) => a + b, 0) : null;
  const parallel = executor === "threads" || executor === "processes";
  return {
    executor,
    title,
    cores: 2,
    // %%async can run every task at once; %%serial one at a time.
    workers: parallel ? 4 : executor === "async" ? rows.length : 1,
    wall_ms: Math.max(...tasks.map((t) => t.end_ms ?? 0)),
    cpu_ms: cpu,
    tasks,
    finished: true,
    ...over,
  };
}

const SERIAL_CPU_WALL = 1329;
const SERIAL_SLEEP_WALL = 803;

export const serialCpu = report(
  "serial",
  "(no magic) for-loop · countPrimes(3e6)",
  [
    ["main", 0.1, 332, 330],
    ["main", 332, 664, 329],
    ["main", 665, 997, 332],
    ["main", 997, 1328, 328],
  ],
  { wall_ms: SERIAL_CPU_WALL, cpu_ms: 1329 },
);

export const asyncCpu = report(
  "async",
  "%%async -n 4 · countPrimes(3e6)",
  [
    ["main", 0.8, 1327, 332],
    ["main", 332, 1328, 331],
    ["main", 663, 1328, 332],
    ["main", 995, 1328, 332],
  ],
  {
    wall_ms: 1328,
    cpu_ms: 1327,
    serial_wall_ms: SERIAL_CPU_WALL,
    memory: { basis: "kernel-heap", units: 4, total_bytes: 3_480, kernel_rss_delta_bytes: -120_000 },
  },
  [
    {
      on_cpu: [
        [0.8, 332],
        [1326.5, 1327],
      ],
    },
    {
      on_cpu: [
        [332, 663],
        [1327, 1327.5],
      ],
    },
    {
      on_cpu: [
        [663, 995],
        [1327.5, 1328],
      ],
    },
    { on_cpu: [[995, 1326.5]] },
  ],
);

const threadRows: Row[] = [
  ["thread 2", 0.5, 642, 330],
  ["thread 3", 0.4, 568, 332],
  ["thread 4", 0.4, 684, 340],
  ["thread 5", 0.5, 685, 339],
];

export const threadsCpu = report("threads", "%%threads -n 4 · countPrimes(3e6)", threadRows, {
  wall_ms: 685.4,
  cpu_ms: 1341,
  serial_wall_ms: SERIAL_CPU_WALL,
  memory: { basis: "thread-heap", units: 4, total_bytes: 4 * 5_240_000, kernel_rss_delta_bytes: 1_350_000 },
});

export const processesCpu = report(
  "processes",
  "%%processes -n 4 · countPrimes(3e6)",
  [
    ["pid 14625", 2.5, 689, 332],
    ["pid 14626", 0.7, 592, 360],
    ["pid 14627", 4.0, 716, 341],
    ["pid 14628", 0.6, 704, 361],
  ],
  {
    wall_ms: 717,
    cpu_ms: 1394,
    serial_wall_ms: SERIAL_CPU_WALL,
    memory: { basis: "process-rss", units: 4, total_bytes: 4 * 47_600_000, kernel_rss_delta_bytes: 410_000 },
  },
);

export const processesCold = report(
  "processes",
  "%%processes -n 4 (cold: first use) · countPrimes(3e6)",
  [
    ["pid 14653", 168, 848, 338],
    ["pid 14654", 172, 835, 333],
    ["pid 14655", 153, 823, 333],
    ["pid 14656", 181, 853, 340],
  ],
  { wall_ms: 859, cpu_ms: 1343, serial_wall_ms: SERIAL_CPU_WALL },
  [{ startup_ms: 166 }, { startup_ms: 170 }, { startup_ms: 151 }, { startup_ms: 180 }],
);

export const serialSleep = report(
  "serial",
  "(no magic) for-loop · await sleep(200)",
  [
    ["main", 0.2, 201, 0.6],
    ["main", 201, 401, 0.1],
    ["main", 401, 602, 0.1],
    ["main", 602, 802, 0.5],
  ],
  { wall_ms: SERIAL_SLEEP_WALL, cpu_ms: 2.0 },
);

export const asyncSleep = report(
  "async",
  "%%async -n 4 · await sleep(200)",
  [
    ["main", 0.2, 201, 0.2],
    ["main", 0.3, 201, 0.05],
    ["main", 0.3, 201, 0.04],
    ["main", 0.3, 201, 0.05],
  ],
  { wall_ms: 201.2, cpu_ms: 1.0, serial_wall_ms: SERIAL_SLEEP_WALL },
  [
    {
      on_cpu: [
        [0.2, 0.3],
        [200.9, 201],
      ],
    },
    { on_cpu: [[0.3, 0.35]] },
    { on_cpu: [[0.35, 0.39]] },
    { on_cpu: [[200.95, 201]] },
  ],
);

export const threadsSleep = report(
  "threads",
  "%%threads -n 4 · await sleep(200)",
  [
    ["thread 2", 0.5, 201, 0.3],
    ["thread 3", 0.5, 201, 0.4],
    ["thread 4", 0.7, 201, 0.2],
    ["thread 5", 0.8, 201, 0.2],
  ],
  { wall_ms: 201.6, cpu_ms: 1.1, serial_wall_ms: SERIAL_SLEEP_WALL },
);

/** 4 × 200 ms Atomics.wait under %%async: each task holds the one thread without computing. */
export const asyncBlocking = report(
  "async",
  "%%async -n 4 · Atomics.wait 200 ms",
  [
    ["main", 0.2, 201, 0.1],
    ["main", 201, 401, 0.1],
    ["main", 401, 602, 0.1],
    ["main", 602, 802, 0.1],
  ],
  { wall_ms: 802.4, cpu_ms: 0.4 },
  [{ on_cpu: [[0.2, 200.9]] }, { on_cpu: [[201, 400.9]] }, { on_cpu: [[401, 601.8]] }, { on_cpu: [[602, 801.9]] }],
);

/** -w 2 on 2 cores: tasks 2 and 3 wait for a free worker. */
export const threadsQueued = report(
  "threads",
  "%%threads -n 4 -w 2 · countPrimes(3e6)",
  [
    ["thread 2", 0.5, 331, 329],
    ["thread 3", 0.6, 333, 330],
    ["thread 2", 331.4, 662, 330],
    ["thread 3", 333.3, 664, 329],
  ],
  { wall_ms: 664.5, cpu_ms: 1318, workers: 2 },
  [{ slot: 0 }, { slot: 1 }, { slot: 0, queued_ms: 0.2 }, { slot: 1, queued_ms: 0.2 }],
);

export const threadsFailed = report(
  "threads",
  "%%threads -n 4 · flaky()",
  [
    ["thread 2", 0.5, 642, 330],
    ["thread 3", 0.4, 120, 60],
    ["thread 4", 0.4, 300, 150],
    ["thread 5", 0.5, 500, null],
  ],
  { wall_ms: 643, note: "interrupted: 1 task cancelled", serial_wall_ms: SERIAL_CPU_WALL },
  [{}, { status: "error" }, { status: "crashed" }, { status: "cancelled" }],
);

export const asyncAbandoned = report(
  "async",
  "%%async -n 2 · await never()",
  [
    ["main", 0.2, 50, 0.3],
    ["main", 0.3, null, 0.1],
  ],
  { wall_ms: 1500, note: "interrupted: 1 task abandoned" },
  [{ on_cpu: [[0.2, 0.4]] }, { status: "abandoned", on_cpu: [[0.3, 0.4]] }],
);

/** A live report: 1 task done, 2 running, 3 waiting for a worker (the tracker's shape). */
export const threadsRunning: TimingReport = report(
  "threads",
  "%%threads -n 6 -w 2 · countPrimes(3e6)",
  [
    ["thread 2", 0.5, 330, 329],
    ["thread 3", 0.6, null, null],
    ["thread 2", 330.5, null, null],
    ["", null, null, null],
    ["", null, null, null],
    ["", null, null, null],
  ],
  { wall_ms: 420, cpu_ms: null, workers: 2, finished: false },
  [{ slot: 0 }, { slot: 1 }, { slot: 0 }, { slot: 0 }, { slot: 0 }, { slot: 0 }],
);

/** n tasks of `each` ms back to back on `workers` worker threads, all CPU-bound. */
export function manyTasks(
  n: number,
  workers: number,
  each = 2,
  extra?: (i: number) => Partial<TaskTiming>,
): TimingReport {
  const tasks: TaskTiming[] = [];
  for (let i = 0; i < n; i++) {
    const slot = i % workers;
    const start = Math.floor(i / workers) * each + 0.05 * slot;
    const cpu = i % 7 === 0 ? each * 0.5 : each * 0.95;
    tasks.push({
      ...task(i, [`thread ${slot + 2}`, start, start + each, cpu]),
      slot,
      queued_ms: 0,
      ...(extra ? extra(i) : {}),
    });
  }
  const wall = Math.max(...tasks.map((t) => t.end_ms ?? 0)) + 0.5;
  return {
    executor: "threads",
    title: `%%threads -n ${n} -w ${workers} · work()`,
    cores: 4,
    workers,
    wall_ms: wall,
    cpu_ms: tasks.reduce((s, t) => s + (t.cpu_ms ?? 0), 0),
    tasks,
    finished: true,
  };
}
