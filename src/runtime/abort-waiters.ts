/**
 * Many waits on one abort signal, for the price of one listener. Node's EventTarget checks every
 * listener it holds before adding another, so 10,000 `sleep()`s of one %%async cell each adding
 * their own made starting them quadratic: 2.3 s of a 10,000-task cell went to addEventListener.
 */
const waiters = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `onAbort` once if `signal` aborts; the returned function forgets it again. */
export function whenAborted(signal: AbortSignal, onAbort: () => void): () => void {
  let set = waiters.get(signal);
  if (!set) {
    const fresh = new Set<() => void>();
    set = fresh;
    waiters.set(signal, fresh);
    signal.addEventListener(
      "abort",
      () => {
        waiters.delete(signal);
        for (const f of fresh) f();
      },
      { once: true },
    );
  }
  const entry = set;
  entry.add(onAbort);
  return () => entry.delete(onAbort);
}
