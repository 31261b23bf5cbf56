import { Replies, ShellRequests } from "../protocol/content";
import { Envelope } from "../protocol/message";
import { ExecuteOutcome, Interpreter } from "../protocol/interpreter-contract";
import { IopubPublisher } from "./publisher";
import { StdinBroker } from "./stdin-broker";
import { History } from "./history";
import { RequestOutput } from "./request-output";
import { failed, ok } from "./replies";
import { log } from "../shared/log";
import { toErrorContent } from "../protocol/kernel-error";

export interface ExecuteResult {
  reply: Replies["execute_reply"];
  metadata: Record<string, unknown>;
  /** The cell failed and the client asked for the rest of its queue to be aborted. */
  stopOnError: boolean;
}

/** execute_request from start to reply: counting, execute_input, the result or error, history. */
export class ExecuteHandler {
  private executionCount = 0;

  constructor(
    private readonly interpreter: Interpreter,
    private readonly publisher: IopubPublisher,
    private readonly stdin: StdinBroker,
    private readonly history: History,
  ) {}

  async run(request: Envelope<ShellRequests["execute_request"]>): Promise<ExecuteResult> {
    const c = request.message.content;
    const parent = request.message.header;
    const started = new Date().toISOString();
    if (typeof c.code !== "string") {
      const error = { ename: "BadRequest", evalue: "execute_request.content.code must be a string", traceback: [] };
      this.publisher.publish(parent, "error", error);
      return {
        reply: { ...failed(error), execution_count: this.executionCount },
        metadata: { started },
        stopOnError: false,
      };
    }
    const silent = c.silent === true;
    const storeHistory = !silent && c.store_history !== false;
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    if (!silent) this.publisher.publish(parent, "execute_input", { code: c.code, execution_count: count });
    if (storeHistory) this.history.record(count, c.code);

    const output = new RequestOutput(request, this.publisher, this.stdin, c.allow_stdin !== false);
    const outcome = await this.interpreter
      .execute({ code: c.code, executionCount: count, silent, output })
      .catch(escaped);
    const metadata = { started, dependencies_met: true, status: outcome.kind };

    if (outcome.kind === "error") {
      this.publisher.publish(parent, "error", outcome.error);
      return {
        reply: { ...failed(outcome.error), execution_count: count },
        metadata,
        stopOnError: c.stop_on_error !== false && !silent,
      };
    }
    if (outcome.result) {
      this.publisher.publish(parent, "execute_result", { execution_count: count, ...outcome.result });
      const text = outcome.result.data["text/plain"];
      if (storeHistory && typeof text === "string") this.history.recordOutput(count, text);
    }
    const expressions = c.user_expressions && typeof c.user_expressions === "object" ? c.user_expressions : {};
    const userExpressions = await this.interpreter.evaluate(expressions, output).catch((e: unknown) => {
      logEscaped("user_expressions", e);
      return {};
    });
    return {
      reply: ok({ execution_count: count, user_expressions: userExpressions, payload: [] }),
      metadata,
      stopOnError: false,
    };
  }
}

/**
 * The safety net under every cell: whatever the interpreter let escape still ends as an error the
 * notebook shows, with the cell's count, instead of a bare error reply that only the log explains.
 */
function escaped(thrown: unknown): ExecuteOutcome {
  logEscaped("execute_request", thrown);
  return { kind: "error", error: toErrorContent(thrown) };
}

function logEscaped(what: string, thrown: unknown): void {
  log(`${what}: the interpreter let this escape: ${thrown instanceof Error ? thrown.stack : String(thrown)}`);
}
