/**
 * The reliability suite's per-group count: how many hostile inputs, faults or loads were tried,
 * how many the kernel survived (still answering, state intact) and how many lost something
 * (output, a reply, an idle, a result). Each group prints one line, so CI logs show the counts.
 */
export class Tally {
  tried = 0;
  survived = 0;
  lost = 0;

  constructor(readonly group: string) {}

  /** Records one attempt; `lostCount` is what it lost (lines, replies…), 0 when nothing was. */
  record(survived: boolean, lostCount = 0): void {
    this.tried += 1;
    if (survived) this.survived += 1;
    this.lost += lostCount;
  }

  line(): string {
    return `reliability: ${this.group}: tried ${this.tried}, survived ${this.survived}, lost ${this.lost}`;
  }

  /** Straight to stderr: jest's console wrapper would bury the line under a stack location. */
  print(): void {
    process.stderr.write(`${this.line()}\n`);
  }
}
