/**
 * Where a line of compiled JavaScript came from in the cell. The cell converter goes through two
 * emits (TypeScript → ES module → CommonJS); each gives a source map, and this file reads them
 * and chains them into one table, so stack traces can name the cell's own lines.
 */

/** Per generated line: flat triples [generatedColumn, sourceLine, sourceColumn], zero-based, sorted. */
export type LineMap = number[][];

export interface SourcePosition {
  line: number;
  column: number;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of segment) {
    const digit = DIGIT.get(c);
    if (digit === undefined) throw new Error(`bad source map digit ${JSON.stringify(c)}`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  return values;
}

/** A v3 source map's `mappings` (single source) as a LineMap. */
export function decodeMappings(mappings: string): LineMap {
  const lines: LineMap = [];
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const text of mappings.split(";")) {
    const triples: number[] = [];
    let column = 0;
    for (const segment of text.split(",")) {
      if (segment === "") continue;
      const [dColumn, , dLine, dSourceColumn] = decodeVlq(segment);
      column += dColumn;
      // A one-field segment maps a column to nothing (synthesised code): it carries no position.
      if (dLine === undefined) continue;
      sourceLine += dLine;
      sourceColumn += dSourceColumn ?? 0;
      triples.push(column, sourceLine, sourceColumn);
    }
    lines.push(triples);
  }
  return lines;
}

/** The position a generated (line, column) came from: the last mapping at or before the column. */
export function lookup(map: LineMap, line: number, column: number): SourcePosition | undefined {
  const triples = map[line];
  if (!triples || triples.length === 0) return undefined;
  let found = 0;
  for (let k = 0; k < triples.length; k += 3) {
    if (triples[k] > column) break;
    found = k;
  }
  return { line: triples[found + 1], column: triples[found + 2] };
}

/** `outer` maps C → B and `inner` maps B → A: the result maps C → A. */
export function compose(outer: LineMap, inner: LineMap): LineMap {
  return outer.map((triples) => {
    const out: number[] = [];
    for (let k = 0; k < triples.length; k += 3) {
      const at = lookup(inner, triples[k + 1], triples[k + 2]);
      if (at) out.push(triples[k], at.line, at.column);
    }
    return out;
  });
}

/** Moves every source line by `delta` (e.g. lines the converter or a wrapper put before the cell). */
export function shiftSourceLines(map: LineMap, delta: number): LineMap {
  return map.map((triples) => {
    const out: number[] = [];
    for (let k = 0; k < triples.length; k += 3) {
      if (triples[k + 1] + delta >= 0) out.push(triples[k], triples[k + 1] + delta, triples[k + 2]);
    }
    return out;
  });
}
