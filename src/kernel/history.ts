import { HistoryEntry, ShellRequests } from "../protocol/content";

/** This kernel's history lives in memory: one session, numbered like IPython's current session. */
export const SESSION_NUMBER = 1;

interface Entry {
  line: number;
  input: string;
  output: string | null;
}

export class History {
  private readonly entries: Entry[] = [];

  record(line: number, input: string): void {
    this.entries.push({ line, input, output: null });
  }

  recordOutput(line: number, output: string): void {
    const e = this.entries.find((x) => x.line === line);
    if (e) e.output = output;
  }

  query(req: ShellRequests["history_request"]): HistoryEntry[] {
    const picked = this.select(req);
    return picked.map((e): HistoryEntry =>
      req.output ? [SESSION_NUMBER, e.line, [e.input, e.output]] : [SESSION_NUMBER, e.line, e.input],
    );
  }

  private select(req: ShellRequests["history_request"]): Entry[] {
    switch (req.hist_access_type) {
      case "tail":
        return lastN(this.entries, req.n ?? 10);
      case "range": {
        // Session 0 or a negative offset 0 mean "this session"; anything else is a session we never had.
        if (req.session !== undefined && req.session !== 0 && req.session !== SESSION_NUMBER) return [];
        const start = req.start ?? 1;
        const stop = req.stop ?? Number.POSITIVE_INFINITY;
        return this.entries.filter((e) => e.line >= start && e.line < stop);
      }
      case "search": {
        const re = globToRegExp(req.pattern ?? "*");
        let found = this.entries.filter((e) => re.test(e.input));
        if (req.unique) {
          const seen = new Set<string>();
          found = found
            .reverse()
            .filter((e) => !seen.has(e.input) && seen.add(e.input) !== undefined)
            .reverse();
        }
        return req.n !== undefined ? lastN(found, req.n) : found;
      }
      default:
        return [];
    }
  }
}

function lastN<T>(xs: T[], n: number): T[] {
  return n <= 0 ? [] : xs.slice(-n);
}

/** IPython's history search takes shell-style globs: `*` any run, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split("")
    .map((c) => (c === "*" ? "[\\s\\S]*" : c === "?" ? "[\\s\\S]" : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`);
}
