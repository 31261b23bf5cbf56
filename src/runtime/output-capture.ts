import { CellScope, cellScope, currentScope } from "./cell-scope";
import { WriteCallbacks } from "./write-callbacks";

type Write = typeof process.stdout.write;
type WriteCallback = (err?: Error | null) => void;

let installed = false;

/**
 * Route writes to stdout/stderr made on behalf of a cell (console.log included, which writes
 * through process.stdout) to that cell's output. Writes from outside any cell keep going to the
 * real streams, so the kernel's own diagnostics still reach the terminal that started it.
 */
export function captureProcessOutput(): void {
  if (installed) return;
  installed = true;
  // A write's callback runs in the scope of the cell that wrote, so what it prints goes where the write went.
  const callbacks = new WriteCallbacks<CellScope>((scope, run) => cellScope.run(scope, run));
  reroute(process.stdout, "stdout", callbacks);
  reroute(process.stderr, "stderr", callbacks);
}

function reroute(stream: NodeJS.WriteStream, name: "stdout" | "stderr", callbacks: WriteCallbacks<CellScope>): void {
  const original: Write = stream.write.bind(stream) as Write;
  const write = function (
    this: unknown,
    chunk: unknown,
    encodingOrCallback?: BufferEncoding | WriteCallback,
    callback?: WriteCallback,
  ): boolean {
    const scope = currentScope();
    if (!scope) return (original as (...a: unknown[]) => boolean)(chunk, encodingOrCallback, callback);
    const encoding = typeof encodingOrCallback === "string" ? encodingOrCallback : undefined;
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString(encoding ?? "utf8");
    scope.output.stream(name, text);
    const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
    if (done) callbacks.add(done, scope);
    return true;
  };
  stream.write = write as Write;
}
