import { AsyncLocalStorage, createHook } from "async_hooks";
import { threadCpuMs } from "../cpu-clock";

/**
 * Which task holds the kernel's one JavaScript thread, and when. Each callback a task's async
 * work runs (a timer, a promise continuation) is a slice of on-CPU time for that task; this is
 * what shows that CPU work under %%async runs one task at a time.
 */
export class CpuSlices {
  private readonly store = new AsyncLocalStorage<number>();
  private readonly slices = new Map<number, [number, number][]>();
  /** CPU the thread really used inside each task's slices: holding the thread is not computing (Atomics.wait). */
  private readonly cpu = new Map<number, number | null>();
  private readonly open: { task: number; from: number; cpu: number | null }[] = [];
  private readonly hook = createHook({
    before: () => this.enter(this.store.getStore()),
    after: () => this.leave(),
  });

  constructor(private readonly now: () => number) {}

  /** Run `fn` as task `i`: its synchronous part is a slice, and so is every callback it schedules. */
  runAs<T>(i: number, fn: () => T): T {
    return this.store.run(i, () => {
      this.enter(i);
      try {
        return fn();
      } finally {
        this.leave();
      }
    });
  }

  start(): void {
    this.hook.enable();
  }

  stop(): void {
    this.hook.disable();
  }

  of(i: number): [number, number][] {
    return this.slices.get(i) ?? [];
  }

  /** CPU time of task i, or null where the thread's CPU clock cannot be read. */
  cpuOf(i: number): number | null {
    return this.cpu.has(i) ? this.cpu.get(i)! : 0;
  }

  private enter(task: number | undefined): void {
    this.open.push({ task: task ?? -1, from: this.now(), cpu: task === undefined ? null : threadCpuMs() });
  }

  private leave(): void {
    const o = this.open.pop();
    if (!o || o.task < 0) return;
    // Nested callbacks of the same task are part of the outer slice.
    if (this.open.some((x) => x.task === o.task)) return;
    const to = this.now();
    const c1 = o.cpu === null ? null : threadCpuMs();
    const before = this.cpu.has(o.task) ? this.cpu.get(o.task)! : 0;
    this.cpu.set(o.task, before === null || o.cpu === null || c1 === null ? null : before + (c1 - o.cpu));
    const list = this.slices.get(o.task) ?? [];
    const last = list[list.length - 1];
    // Slices closer than 0.05 ms are one stretch on the CPU.
    if (last && o.from - last[1] < 0.05) last[1] = to;
    else list.push([o.from, to]);
    this.slices.set(o.task, list);
  }
}
