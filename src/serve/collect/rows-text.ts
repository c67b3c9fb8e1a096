/**
 * A request's rows written for the data collector from the request body's own JSON text,
 * each cell's text copied as the caller sent it, instead of formatting the parsed numbers
 * again.
 *
 * Why: formatting numbers was most of what data collection cost (2,000 of them in a
 * 100-row request of 20 features, about 470 µs of CPU a request, which made a CPU-bound
 * server 20% slower). The body is JSON text already, and the text of `1.25` is `1.25`:
 * finding the rows in it and copying their cells between the column keys is a byte copy,
 * about ten times cheaper (benchmarks/results/data-collector.json). The text is encoded
 * to UTF-8 once (native, a fraction of a nanosecond a character) and every scan and copy
 * then works on bytes in one pass: `charCodeAt` costs several times a byte load.
 *
 * What is written is the same JSON value as before, row objects `[{"col": cell}]`; only
 * a number's spelling may differ from `String(x)` when the caller spelt it another way
 * (`1.50`, `1e3`): the caller's spelling, which reads back as the same double. Anything
 * other than a list of rows of scalar cells at the path (a nested cell, a row of another
 * length, rows not where the path says) answers false, and the collector formats the
 * parsed rows as before.
 */
import type { ByteSink } from './byte-sink.ts';

/** Where a request's rows are in its body's JSON text. */
export interface RowsText {
  /** The body exactly as it was parsed. */
  readonly text: string;
  /** Keys from the top object to the list of rows, e.g. `['input_data', 'data']`; empty: the body is the list. */
  readonly path: readonly string[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** 1 for the bytes that end a scalar: `,` `]` `}` and whitespace (anything under 0x21). */
const ENDS_SCALAR = new Uint8Array(256);
for (let c = 0; c <= 0x20; c++) ENDS_SCALAR[c] = 1;
ENDS_SCALAR[COMMA] = 1;
ENDS_SCALAR[CLOSE_BRACKET] = 1;
ENDS_SCALAR[CLOSE_BRACE] = 1;

/** The body's UTF-8 bytes, reused from record to record (grown as needed). */
let scratch = Buffer.allocUnsafe(1 << 16);

/** JSON whitespace (and nothing else under 0x21 may stand outside a string in valid JSON). */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The first position at or after `i` that is not JSON whitespace. */
function skipSpace(b: Uint8Array, n: number, i: number): number {
  while (i < n && isSpace(b[i]!)) i++;
  return i;
}

/** The position after the string that opens at `i` (a quote), or -1. */
function stringEnd(b: Uint8Array, n: number, i: number): number {
  for (i++; i < n; ) {
    const c = b[i]!;
    if (c === QUOTE) return i + 1;
    i += c === BACKSLASH ? 2 : 1;
  }
  return -1;
}

/** The position after the value that starts at `i`, or -1. */
function valueEnd(b: Uint8Array, n: number, i: number): number {
  const c = b[i];
  if (c === QUOTE) return stringEnd(b, n, i);
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    while (i < n) {
      const d = b[i]!;
      if (d === COMMA || d === CLOSE_BRACKET || d === CLOSE_BRACE || d <= 0x20) break;
      i++;
    }
    return i;
  }
  let depth = 0;
  while (i < n) {
    const d = b[i]!;
    if (d === QUOTE) {
      i = stringEnd(b, n, i);
      if (i < 0) return -1;
      continue;
    }
    if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
    else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

/** Whether the JSON string at b[start, end) (quotes included) is `name` (compared byte by byte while ASCII). */
function keyIs(b: Buffer, start: number, end: number, name: string): boolean {
  const length = end - start - 2;
  for (let k = 0; k < length; k++) {
    const c = b[start + 1 + k]!;
    if (c === BACKSLASH || c >= 0x80 || k >= name.length) {
      // an escape or a non-ASCII key: decoded, rarely
      return c === BACKSLASH || c >= 0x80 ? JSON.parse(b.toString('utf8', start, end)) === name : false;
    }
    if (c !== name.charCodeAt(k)) return false;
  }
  return length === name.length;
}

/**
 * Writes the list of rows at `i` as row objects; answers the position after it, or -1.
 * One pass: each cell's bytes are copied while its end is looked for.
 */
function writeRows(
  sink: ByteSink,
  b: Uint8Array,
  n: number,
  i: number,
  keys: readonly Uint8Array[],
  keyBytes: number,
  nRows: number,
): number {
  if (b[i] !== OPEN_BRACKET) return -1;
  const nCols = keys.length;
  // room for everything at once: the cells are at most the rest of the body's bytes
  sink.reserve(n - i + nRows * (keyBytes + nCols + 2) + 2);
  const out = sink.buffer;
  let at = sink.length;
  out[at++] = OPEN_BRACKET;
  i = skipSpace(b, n, i + 1);
  let r = 0;
  if (b[i] !== CLOSE_BRACKET) {
    for (;;) {
      if (r >= nRows || b[i] !== OPEN_BRACKET) return -1;
      i = skipSpace(b, n, i + 1);
      if (r > 0) out[at++] = COMMA;
      out[at++] = OPEN_BRACE;
      for (let j = 0; j < nCols; j++) {
        if (j > 0) {
          if (b[i] !== COMMA) return -1;
          i++;
          if (i < n && b[i]! <= 0x20) i = skipSpace(b, n, i);
          out[at++] = COMMA;
        }
        const key = keys[j]!;
        for (let k = 0; k < key.length; k++) out[at++] = key[k]!;
        const first = b[i];
        if (first === QUOTE) {
          out[at++] = QUOTE;
          for (i++; ; ) {
            if (i >= n) return -1;
            const c = b[i++]!;
            out[at++] = c;
            if (c === QUOTE) break;
            if (c === BACKSLASH) out[at++] = b[i++]!;
          }
        } else {
          // a number, true, false or null; a nested list or object is left to the parsed rows
          if (first === OPEN_BRACE || first === OPEN_BRACKET) return -1;
          const from = i;
          while (i < n) {
            const c = b[i]!;
            if (ENDS_SCALAR[c] === 1) break;
            out[at++] = c;
            i++;
          }
          if (i === from) return -1;
        }
        if (i < n && b[i]! <= 0x20) i = skipSpace(b, n, i);
      }
      if (b[i] !== CLOSE_BRACKET) return -1; // a longer row
      out[at++] = CLOSE_BRACE;
      r++;
      i = skipSpace(b, n, i + 1);
      const next = b[i];
      if (next === CLOSE_BRACKET) break;
      if (next !== COMMA) return -1;
      i = skipSpace(b, n, i + 1);
    }
  }
  if (r !== nRows) return -1;
  out[at++] = CLOSE_BRACKET;
  sink.length = at;
  return i + 1;
}

/**
 * Writes the value at `path[p:]` from `i` (the rows once the path ends); answers the
 * position after the value at `i`, or -1. A key given twice counts by its last value, as
 * JSON.parse reads it, so what is written is what was scored.
 */
function writeAt(
  sink: ByteSink,
  b: Buffer,
  n: number,
  i: number,
  path: readonly string[],
  p: number,
  keys: readonly Uint8Array[],
  keyBytes: number,
  nRows: number,
): number {
  if (p === path.length) return writeRows(sink, b, n, i, keys, keyBytes, nRows);
  if (b[i] !== OPEN_BRACE) return -1;
  const mark = sink.length;
  let found = false;
  i = skipSpace(b, n, i + 1);
  if (b[i] === CLOSE_BRACE) return -1;
  for (;;) {
    if (b[i] !== QUOTE) return -1;
    const keyEnd = stringEnd(b, n, i);
    if (keyEnd < 0) return -1;
    const match = keyIs(b, i, keyEnd, path[p]!);
    i = skipSpace(b, n, keyEnd);
    if (b[i] !== COLON) return -1;
    i = skipSpace(b, n, i + 1);
    if (match) {
      sink.length = mark; // a later duplicate replaces what an earlier one wrote
      i = writeAt(sink, b, n, i, path, p + 1, keys, keyBytes, nRows);
      found = true;
    } else i = valueEnd(b, n, i);
    if (i < 0) return -1;
    i = skipSpace(b, n, i);
    const c = b[i];
    if (c === CLOSE_BRACE) return found ? i + 1 : -1;
    if (c !== COMMA) return -1;
    i = skipSpace(b, n, i + 1);
  }
}

/**
 * Writes the rows at `source.path` in `source.text` as row objects (`[{"a":1,"b":"x"}]`),
 * `keys` being each column's `"name":` in UTF-8, each cell's text as it is in the body.
 * Answers false, with the sink as it was, unless the text holds there a list of `nRows`
 * rows of `keys.length` scalar cells.
 *
 * @example
 * const sink = new ByteSink();
 * const keys = ['a', 'b'].map((c) => Buffer.from(`${JSON.stringify(c)}:`));
 * writeRowsText(sink, { text: '{"data": [[1.50, "x"]]}', path: ['data'] }, keys, 1); // true
 * sink.bytes().toString(); // '[{"a":1.50,"b":"x"}]'
 */
export function writeRowsText(
  sink: ByteSink,
  source: RowsText,
  keys: readonly Uint8Array[],
  nRows: number,
): boolean {
  const mark = sink.length;
  try {
    const text = source.text;
    if (typeof text !== 'string') return false;
    // UTF-8 takes at most 3 bytes per UTF-16 unit
    if (scratch.length < text.length * 3) scratch = Buffer.allocUnsafe(text.length * 3);
    const n = scratch.write(text, 0, 'utf8');
    let keyBytes = 0;
    for (const key of keys) keyBytes += key.length;
    let start = 0;
    // a byte order mark before the body (JSON.parse would not take one, fastify's parser strips it)
    if (n >= 3 && scratch[0] === 0xef && scratch[1] === 0xbb && scratch[2] === 0xbf) start = 3;
    start = skipSpace(scratch, n, start);
    if (writeAt(sink, scratch, n, start, source.path, 0, keys, keyBytes, nRows) >= 0) return true;
  } catch {
    // a key with a broken escape: the parsed rows are written instead
  }
  sink.length = mark;
  return false;
}
