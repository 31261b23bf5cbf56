import { Replies, ShellRequests } from "../protocol/content";
import { Interpreter } from "../protocol/interpreter-contract";
import { History } from "./history";
import { codePointsToUtf16, utf16ToCodePoints } from "./code-points";
import { ok } from "./replies";

function cursorOf(code: string, cursorPos: unknown): number {
  const cp = typeof cursorPos === "number" && Number.isFinite(cursorPos) ? cursorPos : [...code].length;
  return codePointsToUtf16(code, Math.max(0, cp));
}

/** The requests that ask about code without running it. */
export class InfoHandlers {
  constructor(
    private readonly interpreter: Interpreter,
    private readonly historyStore: History,
  ) {}

  async complete(c: ShellRequests["complete_request"]): Promise<Replies["complete_reply"]> {
    const code = String(c.code ?? "");
    const cursor = cursorOf(code, c.cursor_pos);
    const r = await this.interpreter.complete(code, cursor);
    return ok({
      matches: r.matches,
      cursor_start: utf16ToCodePoints(code, r.cursorStart),
      cursor_end: utf16ToCodePoints(code, r.cursorEnd),
      metadata: {},
    });
  }

  async inspect(c: ShellRequests["inspect_request"]): Promise<Replies["inspect_reply"]> {
    const code = String(c.code ?? "");
    const r = await this.interpreter.inspect(code, cursorOf(code, c.cursor_pos), c.detail_level === 1 ? 1 : 0);
    return ok({ found: r.found, data: r.data, metadata: {} });
  }

  async isComplete(c: ShellRequests["is_complete_request"]): Promise<Replies["is_complete_reply"]> {
    try {
      return await this.interpreter.isComplete(String(c.code ?? ""));
    } catch {
      return { status: "unknown" };
    }
  }

  history(c: ShellRequests["history_request"]): Replies["history_reply"] {
    return ok({ history: this.historyStore.query(c) });
  }
}
