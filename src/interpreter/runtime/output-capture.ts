import { currentScope } from "./cell-scope";

type Write = typeof process.stdout.write;

let installed = false;

/**
 * Route writes to stdout/stderr made on behalf of a cell (console.log included, which writes
 * through process.stdout) to that cell's output. Writes from outside any cell keep going to the
 * real streams, so the kernel's own diagnostics still reach the terminal that started it.
 */
export function captureProcessOutput(): void {
  if (installed) return;
  installed = true;
  reroute(process.stdout, "stdout");
  reroute(process.stderr, "stderr");
}

function reroute(stream: NodeJS.WriteStream, name: "stdout" | "stderr"): void {
  const original: Write = stream.write.bind(stream) as Write;
  const write = function (
    this: unknown,
    chunk: unknown,
    encodingOrCallback?: BufferEncoding | ((err?: Error | null) => void),
    callback?: (err?: Error | null) => void,
  ): boolean {
    const scope = currentScope();
    if (!scope) return (original as (...a: unknown[]) => boolean)(chunk, encodingOrCallback, callback);
    const encoding = typeof encodingOrCallback === "string" ? encodingOrCallback : undefined;
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString(encoding ?? "utf8");
    scope.output.stream(name, text);
    const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
    if (done) process.nextTick(done);
    return true;
  };
  stream.write = write as Write;
}
