/** A Markdown table whose columns are padded, so it reads the same in a terminal and rendered. */
export function renderColumns(header: string[], body: string[][]): string {
  const widths = header.map((cell, column) => Math.max(width(cell), ...body.map((line) => width(line[column]))));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => pad(escape(cell), widths[column])).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [line(header), rule, ...body.map(line)].join("\n");
}

/** Pipes would split a cell in Markdown. */
function escape(cell: string): string {
  return cell.replace(/\|/g, "\\|");
}

/** Counted in code points, so "≤" and "×" take one column like everything else. */
function width(cell: string): number {
  return [...escape(cell)].length;
}

function pad(cell: string, to: number): string {
  return cell + " ".repeat(Math.max(0, to - [...cell].length));
}
