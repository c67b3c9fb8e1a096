import type { Writable } from 'node:stream';
import { DataError } from '../core/errors.ts';
import { openAtomicWriteStream } from '../core/files.ts';
import { csvBatches, TableBuilder } from '../data/read-csv.ts';
import { StrayTally } from '../data/strays.ts';
import { isNumericColumn, type Table } from '../data/table.ts';
import type { AutoMLPipeline } from './pipeline.ts';
import { type EncodedTarget, scorePredictions } from './scoring.ts';

/**
 * Every metric of the pipeline's task on a labelled table (a test set): the table holds
 * the feature columns and the target column the pipeline was trained with.
 *
 * @example
 * const metrics = evaluatePipeline(pipeline, await readCsv('test.csv', { types: pipeline.inputTypes() }));
 * metrics.accuracy;
 */
export function evaluatePipeline(pipeline: AutoMLPipeline, table: Table): Record<string, number> {
  const col = table.get(pipeline.target);
  const rows: number[] = [];
  for (let i = 0; i < table.nRows; i++) {
    const v = col.values[i];
    if (!(v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)))) rows.push(i);
  }
  const labelled = table.take(rows);
  const values = labelled.get(pipeline.target);
  let target: EncodedTarget;
  if (pipeline.task === 'regression') {
    if (!isNumericColumn(values)) {
      throw new DataError(
        `the target '${pipeline.target}' must be numeric for a regression pipeline`,
        'E_DATA_TARGET',
      );
    }
    target = { task: 'regression', values: values.values };
  } else {
    const index = new Map(pipeline.classes.map((c, i) => [c, i]));
    const codes = Int32Array.from(values.values as ArrayLike<string | number>, (v, i) => {
      const k = index.get(String(v));
      if (k === undefined) {
        throw new DataError(
          `row ${rows[i]! + 1} has the class ${JSON.stringify(String(v))}, which the model never saw (classes: ${pipeline.classes.join(', ')})`,
          'E_DATA_TARGET',
        );
      }
      return k;
    });
    target = { task: 'classification', codes, classes: pipeline.classes };
  }
  return scorePredictions(target, pipeline.predictRaw(labelled));
}

/** Options of {@link predictCsv}. */
export interface PredictCsvOptions {
  /** Also write one probability column per class (`proba_<class>`). */
  readonly proba?: boolean;
  readonly delimiter?: string;
  readonly missing?: readonly string[];
  /**
   * Called once per numeric column with stray strings (at most 5% of a batch's cells, the
   * training rule) after every row is scored: those cells were read as missing, e.g.
   * `new.csv: column 'age': 2 of 1000 values are not numbers (e.g. 'n/a' at line 17); read as missing`.
   */
  readonly onNotice?: (message: string) => void;
  /** Aborting it stops between batches: the promise rejects with its reason (a path output is left as it was). */
  readonly signal?: AbortSignal;
  /** More columns after the predictions (e.g. explanations): their header, and their cells for each batch. */
  readonly extraColumns?: ExtraColumns;
}

/** Columns {@link predictCsv} appends to every row: a header, and the cells of each batch's rows. */
export interface ExtraColumns {
  readonly header: readonly string[];
  /** One array of `header.length` cells per row of `table`, given the batch's raw predictions. */
  cells(
    table: Table,
    raw: Float64Array,
  ): Promise<ReadonlyArray<ReadonlyArray<string | number>>> | ReadonlyArray<ReadonlyArray<string | number>>;
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes with backpressure; rejects when the stream fails (before or while waiting for room). */
function write(out: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.errored || out.destroyed) {
      reject(out.errored ?? new Error('the output stream is closed'));
      return;
    }
    if (out.write(text)) {
      resolve();
      return;
    }
    const onError = (error: Error) => {
      out.off('drain', onDrain);
      reject(error);
    };
    const onDrain = () => {
      out.off('error', onError);
      resolve();
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

/**
 * Batch scoring that streams: reads `input` chunk by chunk, predicts each batch of rows
 * and writes a CSV (`prediction`, plus `proba_<class>` columns) to `output` (a path or a
 * stream), so files larger than memory work. Columns are read with the kinds they had in
 * training and matched by name; a lacking column is a DataError naming it. A path is
 * written atomically: to a temporary file beside it, renamed into place only when every
 * row is scored, so an error part-way (a bad row, an abort) leaves an existing file as it
 * was.
 *
 * @example
 * const { rows } = await predictCsv(AutoMLPipeline.load('model.json'), 'new.csv', 'predictions.csv');
 */
export async function predictCsv(
  pipeline: AutoMLPipeline,
  input: string,
  output: string | Writable,
  options: PredictCsvOptions = {},
): Promise<{ rows: number }> {
  if (typeof output !== 'string') return writePredictions(pipeline, input, output, options);
  const atomic = openAtomicWriteStream(output);
  try {
    const result = await writePredictions(pipeline, input, atomic.stream, options);
    await atomic.commit();
    return result;
  } catch (error) {
    atomic.abort();
    throw error;
  }
}

async function writePredictions(
  pipeline: AutoMLPipeline,
  input: string,
  out: Writable,
  options: PredictCsvOptions,
): Promise<{ rows: number }> {
  options.signal?.throwIfAborted();
  const proba = options.proba === true && pipeline.task === 'classification';
  const extra = options.extraColumns;
  const header = `${['prediction', ...(proba ? pipeline.classes.map((c) => `proba_${c}`) : []), ...(extra?.header ?? [])].map(csvCell).join(',')}\n`;
  const types = pipeline.inputTypes();
  let names: string[] | undefined;
  let headerLine = 1;
  let rows = 0;
  const strays = new StrayTally();
  for await (const { records } of csvBatches(input, options.delimiter)) {
    options.signal?.throwIfAborted();
    let batch = records;
    if (!names) {
      // written once the input could be read: an unreadable file prints nothing on stdout
      await write(out, header);
      names = records[0]?.fields ?? [];
      headerLine = records[0]?.line ?? 1;
      batch = records.slice(1);
    }
    if (batch.length === 0) continue;
    const builder = new TableBuilder(names, input, options.missing, headerLine);
    builder.add(batch);
    const present = Object.fromEntries(Object.entries(types).filter(([n]) => builder.names.includes(n)));
    const table = builder.build(present);
    strays.add(builder.strays);
    const raw = pipeline.predictRaw(table);
    const labels = pipeline.labelsOf(raw);
    const k = pipeline.classes.length;
    const more = extra ? await extra.cells(table, raw) : undefined;
    const lines: string[] = [];
    for (let r = 0; r < table.nRows; r++) {
      const cells: Array<string | number> = [labels[r]!];
      if (proba) for (let j = 0; j < k; j++) cells.push(raw[r * k + j]!);
      if (more) cells.push(...more[r]!);
      lines.push(cells.map(csvCell).join(','));
    }
    await write(out, `${lines.join('\n')}\n`);
    rows += table.nRows;
  }
  if (!names) await write(out, header);
  for (const notice of strays.notices()) options.onNotice?.(notice);
  return { rows };
}
