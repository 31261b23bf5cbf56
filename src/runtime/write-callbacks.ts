type Callback = (err?: Error | null) => void;

/**
 * Callbacks passed to a captured stream's write(), run a tick later as a real stream's would, but
 * one tick for many: console.log passes one with every line, and a loop printing a million lines
 * would otherwise queue a million ticks that cannot run until the loop ends (well over 100 MB).
 * Repeats of one callback in one context (console's is the same function every time) are kept as
 * a count. `within` runs a callback in the context it was written from (e.g. the cell's scope).
 */
export class WriteCallbacks<Context = undefined> {
  private runs: { callback: Callback; context: Context; count: number }[] = [];

  constructor(private readonly within: (context: Context, run: () => void) => void = (_, run) => run()) {}

  add(callback: Callback, context: Context): void {
    const last = this.runs[this.runs.length - 1];
    if (last?.callback === callback && last.context === context) {
      last.count += 1;
      return;
    }
    if (this.runs.length === 0) process.nextTick(() => this.runAll());
    this.runs.push({ callback, context, count: 1 });
  }

  private runAll(): void {
    const runs = this.runs;
    this.runs = [];
    for (const { callback, context, count } of runs) {
      this.within(context, () => {
        for (let k = 0; k < count; k++) {
          try {
            callback();
          } catch (error) {
            // As from a tick of its own: uncaught, and the callbacks after it still run.
            process.nextTick(() => {
              throw error;
            });
          }
        }
      });
    }
  }
}
