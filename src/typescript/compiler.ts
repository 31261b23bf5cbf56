import { CompilerRequest, CompilerRequests, CompilerResponse, CompilerResults } from "./compiler-protocol";
import type { CompilerPort, OpenCompilerPort } from "./compiler-port";
import { typescriptVersion } from "./load-typescript";

/** Conversions remembered for re-run cells (most recently used kept). */
const CONVERT_CACHE_SIZE = 64;

type Pending = { request: CompilerRequest; resolve: (v: unknown) => void; reject: (e: Error) => void };

/** One way to start the compiler, tried in order (compiler-service.ts chooses them). */
export interface CompilerStart {
  open: OpenCompilerPort;
  /**
   * How long it may take to say it is ready before the next way is tried instead; without a limit
   * (the last way, the thread) it is waited for.
   */
  readyTimeoutMs?: number;
  /** Told why this way was given up before it was ready (the snapshot store forgets a bad blob). */
  onFailed?: (reason: Error) => void;
}

/**
 * The TypeScript engine (engine.ts) as the main thread's handle on the compiler, on whichever port
 * answers. Requests made before the compiler is ready wait for it. A compiler that goes before it
 * is ready, or is not ready in time, hands its waiting requests to the next way of starting one;
 * once one was ready, its death fails every pending request with the reason and the next request
 * starts it again.
 */
export class TypeScriptCompiler {
  readonly version = typescriptVersion();

  private port: CompilerPort | undefined;
  private startIndex = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readyPromise: Promise<void> | undefined;
  private readonly converted = new Map<string, CompilerResults["convert"]>();

  constructor(private readonly starts: readonly CompilerStart[]) {
    if (starts.length === 0) throw new Error("the compiler needs at least one way to start");
  }

  /** What answers now (`thread` or `process`), once started. */
  get portKind(): CompilerPort["kind"] | undefined {
    return this.port?.kind;
  }

  /** Start loading now, so that the first cell does not pay for it. */
  warmUp(): Promise<void> {
    this.ensurePort();
    return this.readyPromise!;
  }

  /**
   * Re-running an unchanged cell against unchanged declarations converts to the same result, as
   * long as the cell reads no other file (no import, require or reference): answer those from memory.
   */
  async convert(declarations: string, code: string): Promise<CompilerResults["convert"]> {
    const args = { declarations, code };
    const cacheable = !/\bimport\b|\brequire\s*\(|\/\/\/\s*<reference/.test(args.code);
    const key = `${args.declarations}\u0000${args.code}`;
    const hit = cacheable ? this.converted.get(key) : undefined;
    if (hit) {
      this.converted.delete(key);
      this.converted.set(key, hit);
      return hit;
    }
    const result = await this.request("convert", args);
    if (cacheable) {
      this.converted.set(key, result);
      if (this.converted.size > CONVERT_CACHE_SIZE) this.converted.delete(this.converted.keys().next().value!);
    }
    return result;
  }

  complete(declarations: string, code: string, position: number): Promise<CompilerResults["complete"]> {
    return this.request("complete", { declarations, code, position });
  }

  inspect(declarations: string, code: string, position: number): Promise<CompilerResults["inspect"]> {
    return this.request("inspect", { declarations, code, position });
  }

  isComplete(code: string): Promise<CompilerResults["isComplete"]> {
    return this.request("isComplete", { code });
  }

  freeIdentifiers(source: string): Promise<string[]> {
    return this.request("freeIdentifiers", { source });
  }

  private request<K extends keyof CompilerRequests>(kind: K, args: CompilerRequests[K]): Promise<CompilerResults[K]> {
    const port = this.ensurePort();
    const request = { id: this.nextId++, kind, args } as CompilerRequest;
    return new Promise<CompilerResults[K]>((resolve, reject) => {
      this.pending.set(request.id, { request, resolve: resolve as (v: unknown) => void, reject });
      port.send(request);
    });
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (port) await port.close();
  }

  private ensurePort(): CompilerPort {
    if (this.port) return this.port;
    let ready = false;
    let timer: NodeJS.Timeout | undefined;
    let settle!: { resolve: () => void; reject: (e: Error) => void };
    this.readyPromise = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    this.readyPromise.catch(() => undefined);

    const start = this.starts[this.startIndex];
    const giveUp = (reason: Error) => {
      clearTimeout(timer);
      if (this.port !== port) return;
      this.port = undefined;
      const next = this.startIndex + 1 < this.starts.length;
      if (!ready && next) {
        // Not ready yet: nothing was answered, so the next way can take every waiting request.
        start.onFailed?.(reason);
        this.startIndex++;
        void port.close().catch(() => undefined);
        const successor = this.ensurePort();
        this.readyPromise!.then(settle.resolve, settle.reject);
        for (const p of this.pending.values()) successor.send(p.request);
        return;
      }
      settle.reject(reason);
      for (const p of this.pending.values()) p.reject(reason);
      this.pending.clear();
    };

    const port = start.open({
      message: (msg: CompilerResponse) => {
        if (this.port !== port) return;
        if ("ready" in msg) {
          ready = true;
          clearTimeout(timer);
          return settle.resolve();
        }
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.result);
        else p.reject(new Error(`TypeScript compiler failed: ${msg.error}`));
      },
      exit: (reason) => giveUp(reason),
    });
    this.port = port;
    if (start.readyTimeoutMs !== undefined) {
      const ms = start.readyTimeoutMs;
      timer = setTimeout(() => giveUp(new Error(`TypeScript compiler ${port.kind} not ready within ${ms} ms`)), ms);
      timer.unref();
    }
    return port;
  }
}
