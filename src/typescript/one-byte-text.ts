/**
 * Source text as one-byte text (see one-byte-module.ts), in a file of its own that imports nothing:
 * the compiler's snapshot entry (compiler-snapshot-entry.ts) loads every module through it.
 */

/** UTF-8 text with every character beyond ASCII written as `\u` escapes of its UTF-16 code units. */
export function escapeNonAscii(utf8: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < utf8.length;) {
    const b = utf8[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    const text = utf8.toString("utf8", i, i + length);
    let escapes = "";
    for (let k = 0; k < text.length; k++) escapes += `\\u${text.charCodeAt(k).toString(16).padStart(4, "0")}`;
    parts.push(utf8.subarray(from, i), Buffer.from(escapes, "latin1"));
    i += length;
    from = i;
  }
  if (parts.length === 0) return utf8;
  parts.push(utf8.subarray(from));
  return Buffer.concat(parts);
}
