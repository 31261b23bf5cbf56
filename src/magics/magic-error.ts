/** A magic line the kernel cannot accept; the message says what is valid instead. */
export class MagicUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
