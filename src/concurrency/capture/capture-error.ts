import { KernelError } from "../../protocol/kernel-error";

/** A notebook name a worker cannot get a copy of; raised before any task starts. */
export class CaptureError extends KernelError {
  constructor(message: string) {
    super("capture", "CaptureError", message);
  }
}
