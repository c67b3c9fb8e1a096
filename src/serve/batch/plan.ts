/**
 * How a batch job's input is cut into mini-batches: files in input order, `miniBatchSize`
 * of them per mini-batch (or up to `miniBatchBytes` bytes); a file larger than the piece
 * size is split by rows into pieces of about that size, each its own mini-batch, so one
 * 2 GB CSV is scored in parallel and in bounded memory. Splits fall on record boundaries:
 * the file is scanned once, counting quotes, so a line break inside a quoted field is
 * never taken for the end of a row, and counting lines, so each piece knows the line its
 * first row is on.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** A byte range of one file: the rows that start in [start, end). */
export interface Piece {
  readonly file: string;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  /** The line of the file on which the piece starts (1 for a whole file). */
  readonly firstLine: number;
}

/** One unit of work: scored by one thread, journaled as one, retried as one. */
export interface MiniBatch {
  readonly index: number;
  readonly pieces: readonly Piece[];
  readonly bytes: number;
}

/** Bad rows of one file at one place: a row that cannot be scored, or a whole file's rows. */
export interface BadRows {
  /** The file, relative to the input's folder. */
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  /** Rows it stands for (1 for a row; a file's data rows when it lacks a column). */
  readonly rows: number;
}

/** What a scoring thread reports for a mini-batch it scored. */
export interface MiniBatchResult {
  readonly index: number;
  /** Rows scored (written with append_row). */
  readonly rows: number;
  /** Rows that could not be scored (each counts against error_threshold). */
  readonly badRows: number;
  /** The first few bad rows, with where and why. */
  readonly examples: readonly BadRows[];
  /** The output columns: a model's, or a scoring module's (the keys of the first row it returned). */
  readonly header?: readonly string[];
  readonly seconds: number;
}

/** How to cut the input. */
export interface PlanOptions {
  /** Files per mini-batch. */
  readonly miniBatchSize: number;
  /** Bytes per mini-batch instead of files (Azure's tabular `mini_batch_size: 10MB`). */
  readonly miniBatchBytes?: number;
  /** A file larger than this is split by rows (default: miniBatchBytes). */
  readonly maxPieceBytes: number;
  /** Whether files may be split (a scoring module receives whole files). */
  readonly split: boolean;
}

/**
 * The mini-batches of a list of files, in order.
 *
 * @example
 * planMiniBatches(['a.csv', 'b.csv', 'c.csv'], { miniBatchSize: 2, maxPieceBytes: 16 << 20, split: true });
 * // [{ index: 0, pieces: [a, b] }, { index: 1, pieces: [c] }]
 */
export function planMiniBatches(files: readonly string[], options: PlanOptions): MiniBatch[] {
  const out: MiniBatch[] = [];
  let group: Piece[] = [];
  let groupBytes = 0;
  const close = () => {
    if (group.length === 0) return;
    out.push({ index: out.length, pieces: group, bytes: groupBytes });
    group = [];
    groupBytes = 0;
  };
  const full = (bytes: number) =>
    options.miniBatchBytes !== undefined
      ? group.length > 0 && groupBytes + bytes > options.miniBatchBytes
      : group.length >= options.miniBatchSize;
  for (const file of files) {
    const size = statSync(file).size;
    if (options.split && size > options.maxPieceBytes) {
      close();
      for (const piece of splitFile(file, size, options.maxPieceBytes)) {
        out.push({ index: out.length, pieces: [piece], bytes: piece.end - piece.start });
      }
      continue;
    }
    if (full(size)) close();
    group.push({ file, start: 0, end: size, firstLine: 1 });
    groupBytes += size;
  }
  close();
  return out;
}

const QUOTE = 34;
const LF = 10;

/**
 * Pieces of about `target` bytes of one file, each starting at a record: after a line
 * break that is outside quotes (an even number of quotes before it, RFC 4180's `""`
 * included).
 *
 * @example
 * splitFile('big.csv', statSync('big.csv').size, 16 << 20).length; // about size / 16 MiB
 */
export function splitFile(file: string, size: number, target: number): Piece[] {
  const pieces: Piece[] = [];
  let start = 0;
  let startLine = 1;
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    let lines = 1; // the line the next byte is on
    let inQuotes = false;
    let position = 0;
    let next = target;
    /** A line break outside quotes at `offset` of the file: a record ends there. */
    const recordEnd = (offset: number) => {
      lines++;
      const boundary = offset + 1;
      if (boundary >= next && boundary < size) {
        pieces.push({ file, start, end: boundary, firstLine: startLine });
        start = boundary;
        startLine = lines;
        next = boundary + target;
      }
    };
    while (position < size) {
      const n = readSync(fd, buffer, 0, buffer.length, position);
      if (n === 0) break;
      const view = buffer.subarray(0, n);
      if (!inQuotes && view.indexOf(QUOTE) === -1) {
        // no quote in this chunk (the usual case): every line break ends a record
        for (let i = view.indexOf(LF); i !== -1; i = view.indexOf(LF, i + 1)) recordEnd(position + i);
      } else {
        for (let i = 0; i < n; i++) {
          const c = view[i]!;
          if (c === QUOTE) inQuotes = !inQuotes;
          else if (c === LF && !inQuotes) recordEnd(position + i);
          else if (c === LF) lines++;
        }
      }
      position += n;
    }
  } finally {
    closeSync(fd);
  }
  if (start < size || pieces.length === 0) pieces.push({ file, start, end: size, firstLine: startLine });
  return pieces;
}
