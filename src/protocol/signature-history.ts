/** jupyter_client's Session remembers as many (its `digest_history_size`). */
const DEFAULT_CAPACITY = 1 << 16;

/**
 * Signatures of messages the kernel has accepted, so that a captured message sent again is
 * refused. Every honest message signs a fresh msg_id and date, so its digest is new; a digest seen
 * before can only be a replay, whichever socket, channel or session it comes back on.
 *
 * Bounded so that a long-lived kernel does not grow without end: once full, the oldest signature
 * is forgotten first, which keeps the recent ones a replay is most likely to reuse (jupyter_client
 * culls at random instead). A replay of a message older than `capacity` accepted ones gets through,
 * as it does there.
 */
export class SignatureHistory {
  private readonly seen = new Set<string>();

  constructor(readonly capacity = DEFAULT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`SignatureHistory capacity must be a positive integer, got ${capacity}`);
    }
  }

  /**
   * Only ever asked about signatures that have already been verified, so the lookup's timing
   * tells a caller nothing about the key.
   */
  has(signature: string): boolean {
    return this.seen.has(signature);
  }

  remember(signature: string): void {
    if (this.seen.has(signature)) return;
    this.seen.add(signature);
    // A Set iterates in insertion order, so its first entry is the oldest.
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value as string);
  }

  get size(): number {
    return this.seen.size;
  }
}
