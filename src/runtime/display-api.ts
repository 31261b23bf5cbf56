import { currentScope } from "./cell-scope";
import { base64, render, Rendered } from "./mime";
import { randomUUID } from "crypto";

export interface DisplayOptions {
  /** Name this output so a later `display(..., { id, update: true })` can replace it. */
  id?: string;
  /** Replace the output shown earlier under `id` instead of adding a new one. */
  update?: boolean;
}

function outputOrThrow() {
  const scope = currentScope();
  if (!scope) throw new Error("display() can only be used from code a cell started");
  return scope.output;
}

function emit(rendered: Rendered, opts: DisplayOptions = {}): void {
  const output = outputOrThrow();
  if (opts.update) {
    if (!opts.id) throw new TypeError("display(..., { update: true }) needs the id of the output to update");
    output.updateDisplay(rendered.data, rendered.metadata, opts.id);
  } else {
    output.display(rendered.data, rendered.metadata, opts.id);
  }
}

function mime(type: string, data: unknown, opts?: DisplayOptions): void {
  const text = typeof data === "string" ? data : undefined;
  const plain = type === "text/plain" ? text : `<${type}>`;
  emit({ data: { [type]: data, "text/plain": plain }, metadata: {} }, opts);
}

export interface DisplayFunction {
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

export function createDisplay(): DisplayFunction {
  const display = ((value: unknown, opts?: DisplayOptions) => emit(render(value), opts)) as DisplayFunction;
  display.html = (s, o) => mime("text/html", s, o);
  display.markdown = (s, o) => mime("text/markdown", s, o);
  display.latex = (s, o) => mime("text/latex", s, o);
  display.svg = (s, o) => mime("image/svg+xml", s, o);
  display.png = (b, o) => mime("image/png", base64(b), o);
  display.jpeg = (b, o) => mime("image/jpeg", base64(b), o);
  display.gif = (b, o) => mime("image/gif", base64(b), o);
  display.pdf = (b, o) => mime("application/pdf", base64(b), o);
  display.json = (v, o) => mime("application/json", v, o);
  display.javascript = (s, o) => mime("application/javascript", s, o);
  display.text = (s, o) => mime("text/plain", s, o);
  display.raw = (type, data, o) =>
    mime(type, typeof data === "string" || type.startsWith("text/") ? String(data) : base64(data), o);
  return display;
}

/**
 * The object `import * as tslab from "tslab"` yields inside a cell, so notebooks written for
 * tslab keep working. `newDisplay()` returns a display whose every call replaces its last output.
 */
export function createTslabCompat(display: DisplayFunction, versions: Record<string, string>) {
  const bind = (opts: () => DisplayOptions) => ({
    javascript: (s: string) => display.javascript(s, opts()),
    html: (s: string) => display.html(s, opts()),
    markdown: (s: string) => display.markdown(s, opts()),
    latex: (s: string) => display.latex(s, opts()),
    svg: (s: string) => display.svg(s, opts()),
    png: (b: Uint8Array) => display.png(b, opts()),
    jpeg: (b: Uint8Array) => display.jpeg(b, opts()),
    gif: (b: Uint8Array) => display.gif(b, opts()),
    pdf: (b: Uint8Array) => display.pdf(b, opts()),
    text: (s: string) => display.text(s, opts()),
    raw: (type: string, b: string | Uint8Array) => display.raw(type, b, opts()),
  });
  const newDisplay = () => {
    const id = randomUUID();
    let shown = false;
    return bind(() => {
      const opts = { id, update: shown };
      shown = true;
      return opts;
    });
  };
  return { display: bind(() => ({})), newDisplay, versions };
}
