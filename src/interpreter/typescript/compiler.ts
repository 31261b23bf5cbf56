import { Worker } from "worker_threads";
import * as path from "path";
import { CompilerRequest, CompilerRequests, CompilerResponse, CompilerResults } from "./compiler-protocol";

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/**
 * The main thread's handle on the compiler thread. Requests made before the compiler has loaded
 * simply wait for it; if the thread dies, every pending request fails with the reason and the
 * next request starts a fresh thread.
 */
export class TypeScriptCompiler {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readyPromise: Promise<void> | undefined;

  /** Start loading now, so that the first cell does not pay for it. */
  warmUp(): Promise<void> {
    this.ensureWorker();
    return this.readyPromise!;
  }

  request<K extends keyof CompilerRequests>(kind: K, args: CompilerRequests[K]): Promise<CompilerResults[K]> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<CompilerResults[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, kind, args } as CompilerRequest);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(path.join(__dirname, "compiler-worker.js"));
    // The compiler thread must never keep a finished kernel process alive.
    worker.unref();
    this.worker = worker;
    this.readyPromise = new Promise<void>((resolve, reject) => {
      worker.on("message", (msg: CompilerResponse) => {
        if ("ready" in msg) return resolve();
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.result);
        else p.reject(new Error(`TypeScript compiler failed: ${msg.error}`));
      });
      const fail = (err: Error) => {
        if (this.worker === worker) this.worker = undefined;
        reject(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      };
      worker.on("error", (e) => fail(new Error(`TypeScript compiler thread crashed: ${e.message}`)));
      worker.on("exit", (code) => fail(new Error(`TypeScript compiler thread exited (code ${code})`)));
    });
    this.readyPromise.catch(() => undefined);
    return worker;
  }
}
