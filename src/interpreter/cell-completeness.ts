import { IsCompleteStatus } from "../protocol/interpreter-contract";

/**
 * `is_complete` for a whole cell: magic lines here, the TypeScript in the cell by `typescript`.
 * A line magic is one line, complete as typed. A cell magic's body is a run of statements each of
 * which may be complete on its own, so, as in IPython, a console learns that the body has ended
 * from a blank line: until then (and while only the magic's header is there) more is expected.
 */
export async function cellCompleteness(
  code: string,
  typescript: (code: string) => Promise<IsCompleteStatus>,
): Promise<IsCompleteStatus> {
  const magic = /^\s*(%%?)[^\n]*/.exec(code);
  if (!magic) return typescript(code);
  const header = magic[0].trimEnd();
  // A line magic, or a cell magic asked for its help (`%%threads?`), runs as it is.
  if (magic[1] === "%" || header.endsWith("?")) return { status: "complete" };
  const body = code.slice(magic[0].length + 1);
  if (body.trim() === "") return { status: "incomplete", indent: "" };
  const verdict = await typescript(body);
  if (verdict.status !== "complete") return verdict;
  const lastLine = /[^\n]*$/.exec(body)![0];
  return lastLine.trim() === "" ? verdict : { status: "incomplete", indent: /^[ \t]*/.exec(lastLine)![0] };
}
