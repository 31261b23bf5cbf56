/**
 * Stack frames point into the JavaScript a cell was compiled to; a notebook user wrote TypeScript.
 * Each script run under a name registers how its lines map back to the cell, and error stacks are
 * rewritten through that table: frames name the cell's own line and column, and the first one
 * quotes the line, as a Python traceback does.
 */
import { LineMap, lookup, SourcePosition } from "./source-map";

/** A cell's compiled JavaScript as the compiler left it: its map to the cell, and the cell's text. */
export interface CellSource {
  /** Line 0 of the map is the cell's line 0 (a magic's wrapper line stands where its magic line stood). */
  map: LineMap;
  /** The whole cell's text (magic line included), quoted under the first frame that points into it. */
  source: string;
}

interface ScriptPositions extends CellSource {
  /** Lines the script puts before the compiled JavaScript (a wrapper, copied names…). */
  linesBefore: number;
  /** Characters before the JavaScript on its first line (the wrapper's opening). */
  columnsBefore: number;
}

/** Enough for every cell a user still calls into; older ones fall back to compiled positions. */
const KEPT = 500;

/** `at fn (file:line:col)`, `at file:line:col`, either after `async`. */
const FRAME = /^(\s+at (?:async )?(?:.*? \()?)(.+?):(\d+):(\d+)(\)?)$/;

export class CellPositions {
  private readonly scripts = new Map<string, ScriptPositions>();

  /** `script` is the text run under `filename`; the cell's JavaScript starts in it at `jsStart`. */
  register(filename: string, cell: CellSource, script: string, jsStart: number): void {
    const before = script.slice(0, jsStart);
    this.scripts.delete(filename);
    this.scripts.set(filename, {
      ...cell,
      linesBefore: before.split("\n").length - 1,
      columnsBefore: before.length - (before.lastIndexOf("\n") + 1),
    });
    if (this.scripts.size > KEPT) this.scripts.delete(this.scripts.keys().next().value as string);
  }

  /**
   * V8's stack text with frames of registered scripts at cell positions, and the frames of the
   * wrapper that calls a cell left out. Installed as `Error.prepareStackTrace`, so `e.stack` read
   * by the user's own code says the same as the notebook's traceback.
   */
  formatStack(error: unknown, sites: NodeJS.CallSite[]): string {
    const lines = [headline(error)];
    for (const site of sites) {
      const text = String(site);
      const m = FRAME.exec(`    at ${text}`);
      const script = m ? this.scripts.get(m[2]) : undefined;
      if (!m || !script) {
        lines.push(`    at ${text}`);
        continue;
      }
      const at = this.position(script, Number(m[3]) - 1, Number(m[4]) - 1);
      if (at === "wrapper") continue;
      // Their compiled positions would be read as lines of this cell: say what they are instead.
      if (at === "copied") {
        lines.push(`${m[1]}a notebook function copied for ${m[2]}${m[5]}`);
        continue;
      }
      lines.push(at ? `${m[1]}${m[2]}:${at.line + 1}:${at.column + 1}${m[5]}` : `    at ${text}`);
    }
    return lines.join("\n");
  }

  /** The stack with the cell line of its first cell frame quoted under it, as a Python traceback does. */
  quote(stack: string): string {
    const lines = stack.split("\n");
    for (let k = 0; k < lines.length; k++) {
      const m = FRAME.exec(lines[k]);
      const script = m ? this.scripts.get(m[2]) : undefined;
      if (!m || !script) continue;
      const text = script.source.split("\n")[Number(m[3]) - 1];
      if (text === undefined || text.trim() === "") return stack;
      lines.splice(k + 1, 0, `    ${m[3].padStart(4)} | ${text.trimEnd()}`);
      return lines.join("\n");
    }
    return stack;
  }

  private position(
    script: ScriptPositions,
    line: number,
    column: number,
  ): SourcePosition | "wrapper" | "copied" | undefined {
    const jsLine = line - script.linesBefore;
    const jsColumn = jsLine === 0 ? column - script.columnsBefore : column;
    // Before the JavaScript: what a worker put first, the copies of notebook functions the body reads.
    if (jsLine < 0) return "copied";
    // After it: the wrapper's call of the cell, no place in the cell.
    if (jsLine >= script.map.length) return "wrapper";
    return lookup(script.map, jsLine, jsColumn);
  }
}

/** What V8 puts first in a stack: "Name: message", whatever the thrown object's toString does. */
function headline(error: unknown): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return "Error";
  }
}

/** One table per thread: the kernel's cells, or a worker's task bodies. */
export const cellPositions = new CellPositions();

/** Makes every stack on this thread name cell positions (idempotent). */
export function installCellStackTraces(): void {
  Error.prepareStackTrace = (error, sites) => cellPositions.formatStack(error, sites);
}
