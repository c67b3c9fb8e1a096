/**
 * The progress line of a batch job on a terminal: a bar of the mini-batches done, the
 * rows scored and the rate. Pure text, so the CLI redraws it with a carriage return and
 * a test reads it as it is.
 */
import type { BatchProgress } from './job.ts';

/**
 * One line of progress, `width` characters of bar.
 *
 * @example
 * progressLine({ miniBatchesDone: 5, miniBatches: 10, rows: 50000, rowsPerSecond: 25000, errors: 0 }, 10);
 * // '[#####.....]  50% 5/10 mini-batches  50,000 rows  25,000 rows/s'
 */
export function progressLine(progress: BatchProgress, width = 24): string {
  const share = progress.miniBatches > 0 ? progress.miniBatchesDone / progress.miniBatches : 1;
  const filled = Math.round(share * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const percent = `${Math.floor(share * 100)}%`.padStart(4);
  const number = (n: number) => Math.round(n).toLocaleString('en-US');
  const errors =
    progress.errors > 0 ? `  ${number(progress.errors)} error${progress.errors === 1 ? '' : 's'}` : '';
  return `${bar} ${percent} ${progress.miniBatchesDone}/${progress.miniBatches} mini-batches  ${number(progress.rows)} rows  ${number(progress.rowsPerSecond)} rows/s${errors}`;
}
