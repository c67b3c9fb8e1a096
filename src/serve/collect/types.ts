/**
 * What the data collector is handed and what it counts: shared by the collector on the
 * server's thread (data-collector.ts) and its writer thread (collect/core.ts).
 */
import type { RowsText } from './rows-text.ts';

/** The two collections Azure reserves for payload logging. */
export type CollectionName = 'model_inputs' | 'model_outputs';

/** What the server hands the collector for one scored request. */
export interface CollectedRecord {
  /** The request id (`x-request-id`), written as `correlationid` and `requestId`. */
  readonly requestId: string;
  /** When the request arrived (epoch ms); it chooses the partition. */
  readonly time: number;
  /**
   * The decoded rows: `{columns, data}` (rows of cells) or `{columns, values}` (one array
   * or typed array per column), written as row objects; any other JSON value as it is.
   * Kept by reference until the flush: the caller must not change it afterwards.
   */
  readonly inputs?: unknown;
  /**
   * The rows as the request body's JSON text, in place of `inputs`: the list of rows at
   * `path`, named by `columns`. They are written from the text, each cell as the caller
   * spelt it (collect/rows-text.ts), not formatted again; a single string is also the
   * cheapest thing to hold until the flush. Should the text not hold `nRows` rows of
   * scalar cells there, it is parsed again and written as `inputs` would be.
   */
  readonly inputsText?: TextRows;
  /**
   * The predictions (any JSON value, or a table as for inputs), or a function answering
   * them, called at the flush, so that the request path builds nothing for the collector.
   */
  readonly outputs?: unknown;
}

/** A request's rows as its body's JSON text (see CollectedRecord.inputsText). */
export interface TextRows extends RowsText {
  /** The columns' names, in the order of each row's cells. */
  readonly columns: readonly string[];
  /** How many rows the list holds. */
  readonly nRows: number;
}

/** Counters of a collector since it started. */
export interface DataCollectorStats {
  /** Records accepted into the buffer (sampled in, buffer not full). */
  readonly collected: number;
  /** Records refused because the buffer was full, or collected after close. */
  readonly dropped: number;
  /** Records left out by `sampling_rate`. */
  readonly sampledOut: number;
  /** Records waiting in the buffer. */
  readonly pending: number;
  /** Lines written to files (a record gives one line per enabled collection). */
  readonly lines: number;
  /** Lines lost to write errors (a full disk, a vanished folder). */
  readonly lost: number;
  /** Part files completed (renamed to `.jsonl`). */
  readonly files: number;
  /** Parts of a crashed process finished at start (see recoverAbandonedParts). */
  readonly recovered: number;
}
