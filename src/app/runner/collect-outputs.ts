import { IopubContents } from "../../protocol/content";
import { DisplayDataOutput, ExecuteResultOutput, Output } from "./nbformat";

/** The part of an iopub message that decides what a notebook shows. */
export interface IopubMessage {
  header: { msg_type: string };
  content: unknown;
}

type Displayed = DisplayDataOutput | ExecuteResultOutput;

/**
 * Turns iopub messages into nbformat outputs the way a notebook front end does. One collector
 * serves a whole notebook because `update_display_data` may change an output of an earlier cell.
 */
export class OutputCollector {
  /** Every live output carrying a display id, in any cell. */
  private readonly displays = new Map<string, Set<Displayed>>();
  /** Set by `clear_output` with `wait: true`: the cell is cleared when its next output arrives. */
  private clearPending = false;
  private current: Output[] = [];

  /** Starts a cell: later messages append to `outputs` (which is emptied first). */
  startCell(outputs: Output[]): void {
    outputs.length = 0;
    this.current = outputs;
    this.clearPending = false;
  }

  addAll(messages: readonly IopubMessage[]): void {
    for (const message of messages) this.add(message);
  }

  add(message: IopubMessage): void {
    const type = message.header.msg_type;
    switch (type) {
      case "stream":
        return this.stream(message.content as IopubContents["stream"]);
      case "display_data": {
        const c = message.content as IopubContents["display_data"];
        return this.append({ output_type: "display_data", data: c.data, metadata: c.metadata ?? {} }, c.transient);
      }
      case "execute_result": {
        const c = message.content as IopubContents["execute_result"] & { transient?: { display_id?: string } };
        const output: ExecuteResultOutput = {
          output_type: "execute_result",
          execution_count: c.execution_count ?? null,
          data: c.data,
          metadata: c.metadata ?? {},
        };
        return this.append(output, c.transient);
      }
      case "error": {
        const c = message.content as IopubContents["error"];
        return this.append({ output_type: "error", ename: c.ename, evalue: c.evalue, traceback: c.traceback ?? [] });
      }
      case "update_display_data":
        return this.update(message.content as IopubContents["update_display_data"]);
      case "clear_output": {
        const c = message.content as IopubContents["clear_output"];
        if (c.wait) this.clearPending = true;
        else this.clear();
        return;
      }
      default:
        // status, execute_input, comm traffic and the like change no output.
        return;
    }
  }

  private stream(content: IopubContents["stream"]): void {
    this.takePendingClear();
    const last = this.current[this.current.length - 1];
    if (last?.output_type === "stream" && last.name === content.name) last.text += content.text;
    else this.current.push({ output_type: "stream", name: content.name, text: content.text });
  }

  private append(output: Output, transient?: { display_id?: string }): void {
    this.takePendingClear();
    this.current.push(output);
    const id = transient?.display_id;
    if (id && output.output_type !== "stream" && output.output_type !== "error") {
      const set = this.displays.get(id) ?? new Set<Displayed>();
      set.add(output);
      this.displays.set(id, set);
    }
  }

  /**
   * Replaces the content of every output shown with this id, wherever it is. An update is not a new
   * output, so a pending clear keeps waiting.
   */
  private update(content: IopubContents["update_display_data"]): void {
    const targets = this.displays.get(content.transient?.display_id);
    if (!targets) return;
    for (const output of targets) {
      output.data = content.data;
      output.metadata = content.metadata ?? {};
    }
  }

  private takePendingClear(): void {
    if (!this.clearPending) return;
    this.clearPending = false;
    this.clear();
  }

  private clear(): void {
    const removed = new Set<Output>(this.current);
    this.current.length = 0;
    for (const [id, set] of this.displays) {
      for (const output of set) if (removed.has(output)) set.delete(output);
      if (set.size === 0) this.displays.delete(id);
    }
  }
}
