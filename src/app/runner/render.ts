import { COLOR, PLAIN, stripAnsi, Styles } from "./ansi";
import { CodeCell, MimeBundle, Output } from "./nbformat";

/**
 * A finished cell as terminal text: an `In [n]:` header, the source indented and dimmed, then the
 * outputs. Rich bundles show their `text/plain` form; bundles without one show which types they
 * hold (`[image/png]`). Without colour every escape code is stripped, including those the kernel
 * put in tracebacks.
 */
export function renderCell(cell: CodeCell, color: boolean): string {
  const s = color ? COLOR : PLAIN;
  const count = cell.execution_count ?? " ";
  const lines = [s.bold(`In [${count}]:`), ...sourceLines(cell.source).map((line) => s.dim(`    ${line}`))];
  let text = lines.join("\n") + "\n";
  for (const output of cell.outputs) text += endLine(renderOutput(output, s));
  return color ? text : stripAnsi(text);
}

export function renderOutput(output: Output, s: Styles): string {
  switch (output.output_type) {
    case "stream":
      // Style the text but not its final newline, so the reset code does not start a blank line.
      return output.name === "stderr" ? s.red(output.text.replace(/\n$/, "")) + "\n" : output.text;
    case "display_data":
      return bundleText(output.data);
    case "execute_result": {
      const prompt = s.bold(`Out[${output.execution_count ?? " "}]:`);
      const value = bundleText(output.data);
      // A multi-line value starts on its own line so its columns stay aligned.
      return value.includes("\n") ? `${prompt}\n${value}` : `${prompt} ${value}`;
    }
    case "error":
      return output.traceback.length > 0 ? output.traceback.join("\n") : s.red(`${output.ename}: ${output.evalue}`);
  }
}

/** `text/plain` when the bundle has it, otherwise a placeholder naming what a terminal cannot show. */
export function bundleText(data: MimeBundle): string {
  const plain = data["text/plain"];
  if (typeof plain === "string") return plain;
  const types = Object.keys(data);
  return types.length > 0 ? `[${types.join(", ")}]` : "[empty display]";
}

function sourceLines(source: string): string[] {
  const trimmed = source.replace(/\s+$/, "");
  return trimmed === "" ? [] : trimmed.split("\n");
}

function endLine(text: string): string {
  return text.endsWith("\n") ? text : text + "\n";
}
