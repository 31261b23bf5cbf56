/**
 * Jupyter counts cursor positions in Unicode code points (protocol 5.2+); JavaScript strings and
 * the TypeScript compiler count UTF-16 units. These convert between the two.
 */
export function codePointsToUtf16(text: string, codePoints: number): number {
  let units = 0;
  for (let cp = 0; cp < codePoints && units < text.length; cp++) {
    units += (text.codePointAt(units) ?? 0) > 0xffff ? 2 : 1;
  }
  return Math.min(units, text.length);
}

export function utf16ToCodePoints(text: string, units: number): number {
  let cps = 0;
  for (let u = 0; u < units && u < text.length; cps++) {
    u += (text.codePointAt(u) ?? 0) > 0xffff ? 2 : 1;
  }
  return cps;
}
