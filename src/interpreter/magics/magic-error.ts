import { KernelError } from "../../protocol/kernel-error";

/** A magic line the kernel cannot accept; the message says what is valid instead. */
export class MagicUsageError extends KernelError {
  constructor(message: string, detail: string[] = []) {
    super("usage", "UsageError", message, detail);
  }
}
