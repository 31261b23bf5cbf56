import { randomUUID } from "crypto";
import { CellOutput } from "../../protocol/interpreter-contract";
import { ExecutorKind, MemoryUse, TaskStatus, TaskTiming, TimingReport } from "../../concurrency/model/timing";
import { clockNs } from "../../concurrency/model/cpu-clock";
import { machineCores, othersBusyCores, sampleLoad } from "../../concurrency/model/machine-load";
import { renderReport } from "../../concurrency/report/bundle";
import { TaskRecorder } from "../../concurrency/model/executor";

/** At most this many live redraws a second: enough to see progress. */
const REDRAW_MS = 100;
/**
 * A live redraw runs on the kernel's thread, between the callbacks of the tasks it reports on, so
 * each waits this many times as long as the last one took: redraws take at most 2% of the thread
 * however many tasks a report draws (issue #14 asks for a live report that costs ≤ 3%).
 */
const REDRAW_WORK_SHARE = 50;
/**
 * A redraw that falls due while task updates are still streaming in (the last one less than this
 * long ago) waits until they pause: 10,000 async timers ending in one burst would otherwise wait
 * behind a redraw of all 10,000, and the cell's wall with them.
 */
const QUIET_MS = 2;
/** …but no longer than this past due, so a steady stream of updates still shows progress. */
const MAX_POSTPONE_MS = 1000;

/** Where a tracker draws its report: on its own under the cell, or inside a larger display. */
export interface ReportView {
  show(report: TimingReport): void;
}

/** A report on its own under the cell, redrawn in place through one display_id. */
export class OwnReportDisplay implements ReportView {
  private readonly displayId = randomUUID();
  private shown = false;

  constructor(private readonly output: CellOutput) {}

  show(report: TimingReport): void {
    const r = renderReport(report);
    if (this.shown) this.output.updateDisplay(r.data, r.metadata, this.displayId);
    else this.output.display(r.data, r.metadata, this.displayId);
    this.shown = true;
  }
}

/**
 * Keeps the TimingReport of one cell up to date as tasks move, and has its view redraw it:
 * shown when the cell starts, redrawn while it runs no more often than REDRAW_MS and
 * REDRAW_WORK_SHARE allow, final when it ends. Its clock starts once the first drawing is out,
 * so the cell's wall time is the tasks' and not the instrument's.
 */
export class ReportTracker implements TaskRecorder {
  readonly report: TimingReport;
  private startNs = clockNs();
  /** Read once here and once at the end: two reads of /proc per cell, nothing in between. */
  private readonly startRss = process.memoryUsage.rss();
  private readonly startLoad = sampleLoad();
  private timer: NodeJS.Timeout | undefined;
  private lastDrawMs = 0;
  private lastUpdateAt = 0;

  constructor(
    private readonly view: ReportView | undefined,
    init: {
      executor: ExecutorKind;
      title: string;
      cores: number;
      workers: number;
      tasks: number;
      serialWallMs?: number;
    },
  ) {
    this.report = {
      executor: init.executor,
      title: init.title,
      cores: init.cores,
      workers: init.workers,
      wall_ms: 0,
      cpu_ms: null,
      finished: false,
      tasks: Array.from({ length: init.tasks }, (_, i) => ({
        i,
        where: "",
        slot: 0,
        queued_ms: 0,
        start_ms: null,
        end_ms: null,
        cpu_ms: null,
        startup_ms: null,
        status: "queued" as TaskStatus,
        // Declared from the start: added later to 10,000 tasks, each would grow its object.
        sync_ms: undefined,
      })),
      ...(init.serialWallMs !== undefined ? { serial_wall_ms: init.serialWallMs } : {}),
    };
  }

  /** Milliseconds since the cell started, on the shared clock; `at` defaults to now. */
  ms(at: bigint = clockNs()): number {
    return Number(at - this.startNs) / 1e6;
  }

  task(i: number): TaskTiming {
    return this.report.tasks[i];
  }

  update(i: number, change: Partial<TaskTiming>): void {
    Object.assign(this.report.tasks[i], change);
    this.lastUpdateAt = performance.now();
    this.changed();
  }

  /**
   * Draw the report of tasks not yet started, then start the cell's clock: the first drawing of a
   * 1,000-task report takes milliseconds the tasks must not be charged for.
   */
  start(): void {
    this.show();
    this.startNs = clockNs();
  }

  private show(): void {
    if (!this.view) return;
    const from = performance.now();
    this.report.wall_ms = this.ms();
    this.view.show(this.report);
    this.lastDrawMs = performance.now() - from;
  }

  /** The thread's CPU over the whole run, for tasks that share one thread; it stands in for the tasks' sum. */
  threadCpu(ms: number | null): void {
    this.report.cpu_covers = "thread";
    this.report.cpu_ms = ms;
  }

  memory(use: Omit<MemoryUse, "kernel_rss_delta_bytes">): void {
    this.report.memory = { ...use, kernel_rss_delta_bytes: this.report.memory?.kernel_rss_delta_bytes ?? 0 };
  }

  finish(note?: string): TimingReport {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.report.wall_ms = this.ms();
    if (this.report.memory) this.report.memory.kernel_rss_delta_bytes = process.memoryUsage.rss() - this.startRss;
    if (this.report.cpu_covers !== "thread") {
      const cpus = this.report.tasks.map((t) => t.cpu_ms);
      this.report.cpu_ms = cpus.every((c): c is number => c !== null) ? cpus.reduce((a, b) => a + b, 0) : null;
    }
    const endLoad = this.startLoad && sampleLoad();
    if (this.startLoad && endLoad) {
      const others = othersBusyCores(this.startLoad, endLoad, machineCores());
      if (others !== null) this.report.others_busy_cores = Math.round(others * 100) / 100;
    }
    this.report.finished = true;
    if (note) this.report.note = note;
    this.show();
    return this.report;
  }

  private changed(): void {
    if (this.timer || !this.view) return;
    const delay = Math.max(REDRAW_MS, this.lastDrawMs * REDRAW_WORK_SHARE);
    this.schedule(delay, performance.now() + delay);
  }

  private schedule(delayMs: number, dueAt: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.report.finished) return;
      const now = performance.now();
      if (now - this.lastUpdateAt < QUIET_MS && now - dueAt < MAX_POSTPONE_MS) return this.schedule(QUIET_MS, dueAt);
      this.show();
    }, delayMs);
  }
}
