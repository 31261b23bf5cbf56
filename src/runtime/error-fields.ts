import * as path from "path";
import { ErrorFields } from "../protocol/content";
import { KeyboardInterrupt, KeyboardInterruptInCell, isVmInterrupt } from "../shared/interrupt-error";
import { cellPositions } from "./cell-positions";

/** Frames from the kernel's own code tell a notebook user nothing about their cell. */
const KERNEL_DIR = path.resolve(__dirname, "..");

function isUserFrame(line: string): boolean {
  if (!/^\s+at /.test(line)) return true;
  return !line.includes(KERNEL_DIR) && !/\(node:|at node:/.test(line);
}

/** Turn anything a cell threw into the protocol's error fields. */
export function toErrorFields(thrown: unknown): ErrorFields {
  if (isVmInterrupt(thrown)) thrown = new KeyboardInterrupt();
  if (thrown instanceof Error || (typeof thrown === "object" && thrown !== null && "stack" in thrown)) {
    const e = thrown as Error;
    const ename = e.name || e.constructor?.name || "Error";
    const evalue = e.message ?? "";
    const stack = typeof e.stack === "string" ? cellPositions.quote(e.stack).split("\n") : [`${ename}: ${evalue}`];
    // Most interrupts are thrown by the kernel, whose frames name no place in the cell.
    const wherever = e instanceof KeyboardInterrupt && !(e instanceof KeyboardInterruptInCell);
    const traceback = wherever ? [`${ename}: ${evalue}`] : stack.filter(isUserFrame);
    return { ename, evalue, traceback };
  }
  const evalue = typeof thrown === "string" ? thrown : safeString(thrown);
  return { ename: "Error", evalue, traceback: [`Uncaught ${evalue}`] };
}

function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}
