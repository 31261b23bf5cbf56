/**
 * Messages as lines of JSON, the compiler process's framing on its stdin and stdout. JSON writes a
 * line break inside a string as `\n`, so a raw line break only ever ends a message. Imports nothing:
 * the snapshot entry loads it with its own loader.
 */

/** A message as one line. */
export function toLine(message: unknown): string {
  return JSON.stringify(message) + "\n";
}

/** Feeds text as it arrives; calls `onMessage` with each whole message, in order. */
export function lineReader(onMessage: (message: unknown) => void): (chunk: string) => void {
  const partial: string[] = [];
  return (chunk) => {
    let from = 0;
    for (let end = chunk.indexOf("\n"); end >= 0; end = chunk.indexOf("\n", from)) {
      partial.push(chunk.slice(from, end));
      from = end + 1;
      const line = partial.join("");
      partial.length = 0;
      onMessage(JSON.parse(line));
    }
    if (from < chunk.length) partial.push(chunk.slice(from));
  };
}
