/**
 * The type checker's view of `cell-globals.ts`. It is prepended to every cell's declarations, so
 * the two files must describe the same API.
 */
export const CELL_GLOBALS_DECLARATIONS = `declare global {
  interface DisplayOptions {
    /** Name this output so that a later display with { id, update: true } replaces it. */
    id?: string;
    /** Replace the output shown earlier under id instead of adding a new one. */
    update?: boolean;
  }
  interface KernelDisplay {
    /** Show a value: objects with [Symbol.for("Jupyter.display")]() render their own MIME bundle. */
    (value: unknown, opts?: DisplayOptions): void;
    html(html: string, opts?: DisplayOptions): void;
    markdown(markdown: string, opts?: DisplayOptions): void;
    latex(latex: string, opts?: DisplayOptions): void;
    svg(svg: string, opts?: DisplayOptions): void;
    png(data: Uint8Array | string, opts?: DisplayOptions): void;
    jpeg(data: Uint8Array | string, opts?: DisplayOptions): void;
    gif(data: Uint8Array | string, opts?: DisplayOptions): void;
    pdf(data: Uint8Array | string, opts?: DisplayOptions): void;
    json(value: unknown, opts?: DisplayOptions): void;
    javascript(code: string, opts?: DisplayOptions): void;
    text(text: string, opts?: DisplayOptions): void;
    raw(mimeType: string, data: string | Uint8Array, opts?: DisplayOptions): void;
  }
  /** What a task body under %%threads, %%processes, %%async or %%serial gets as \`task\`. */
  interface Task {
    /** This task's index, 0 … n-1. */
    readonly i: number;
    /** How many tasks the cell runs. */
    readonly n: number;
    /** A unique id for this run of the task. */
    readonly id: string;
    /** Element i of the --map array (undefined without --map). */
    readonly item: any;
    /** Aborted when the cell is interrupted or times out. */
    readonly signal: AbortSignal;
  }
  /** Rich output under the cell. */
  const display: KernelDisplay;
  /** Clear this cell's output; with { wait: true }, only once new output arrives. */
  function clearOutput(opts?: { wait?: boolean }): void;
  /** Ask the user for a line of text (needs a client that allows stdin). */
  function input(prompt?: string): Promise<string>;
  /** Like input(), with the typed text hidden. */
  function password(prompt?: string): Promise<string>;
  /** Wait without blocking: other async work runs meanwhile. */
  function sleep(ms: number): Promise<void>;
  /** Block this thread for ms, like Python's time.sleep: nothing else on its event loop runs. */
  function sleepSync(ms: number): void;
}
`;
