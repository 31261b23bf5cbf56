import { inspect, types } from "util";
import { MimeBundle } from "../protocol/content";

/** Objects that know how to show themselves: `[Symbol.for("Jupyter.display")]()` returns a MIME bundle. */
export const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");

export interface Rendered {
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

/** Node's REPL look for values: strings quoted, objects inspected a few levels deep. */
export function plainText(value: unknown): string {
  if (types.isPromise(value)) {
    // Inspecting a promise also lists the async-context slots Node keeps on it, which would show
    // the kernel's own bookkeeping; its state is all a notebook needs to see.
    const state = inspect(value, { depth: 0 }).split("\n")[1]?.trim().replace(/,$/, "") ?? "";
    return `Promise { ${state.startsWith("[") || state === "" ? "<pending>" : state} }`;
  }
  return inspect(value, { depth: 4, colors: false, maxArrayLength: 100, breakLength: 100 });
}

export function render(value: unknown): Rendered {
  const custom = customBundle(value);
  if (custom) return custom;
  return { data: { "text/plain": plainText(value) }, metadata: {} };
}

function customBundle(value: unknown): Rendered | undefined {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return undefined;
  const method = (value as Record<symbol, unknown>)[JUPYTER_DISPLAY];
  if (typeof method !== "function") return undefined;
  const out = method.call(value) as unknown;
  if (out === null || typeof out !== "object") {
    throw new TypeError("[Symbol.for('Jupyter.display')]() must return an object of MIME type → data");
  }
  const data: MimeBundle = { ...(out as MimeBundle) };
  if (data["text/plain"] === undefined) data["text/plain"] = plainText(value);
  return { data, metadata: {} };
}

/** Binary image data travels base64-encoded in a MIME bundle. */
export function base64(data: Uint8Array | ArrayBuffer | string): string {
  if (typeof data === "string") return data;
  if (types.isArrayBuffer(data)) return Buffer.from(data).toString("base64");
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64");
}
