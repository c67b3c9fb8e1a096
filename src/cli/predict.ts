import type { Command } from 'commander';
import { AutoMLPipeline } from '../automl/pipeline.ts';
import { type ExtraColumns, predictCsv } from '../automl/score-table.ts';
import { ValidationError } from '../core/errors.ts';
import { checkOutputFile, writeFileAtomic } from '../core/files.ts';
import { readTabular, readTabularHeader } from '../data/read-tabular.ts';
import { type ResolvedDataInput, resolveDataInput } from '../registry/data-input.ts';
import { dataRefStore } from './data-lineage.ts';
import { modelFileFor } from './model-ref.ts';
import { integerOption } from './options.ts';
import { log, printResult } from './output.ts';
import { checkExplainFlags, explainColumnsFor, type PredictExplainFlags } from './predict-explain.ts';
import { onStopSignals, SIGNAL_EXIT_CODE } from './signals.ts';

interface PredictCliOptions extends PredictExplainFlags {
  model: string;
  data: string;
  out?: string;
  store?: string;
  proba?: boolean;
  delimiter?: string;
  json?: boolean;
}

/** Resolves --data (a file, folder, glob, MLTable, or azureml: reference) before any work. */
function resolveData(o: PredictCliOptions): ResolvedDataInput {
  const store = dataRefStore([o.data], o.store);
  try {
    return resolveDataInput(o.data, store ? { store } : {});
  } catch (error) {
    if (error instanceof ValidationError)
      throw new ValidationError(`--data: ${error.message}`, { path: '--data' });
    throw error;
  } finally {
    store?.close();
  }
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Scores data of several files or an MLTable: read as one table (in memory, unlike a
 * single CSV, which streams), then written as `predictCsv` writes (atomically to a path).
 */
async function predictTabular(
  pipeline: AutoMLPipeline,
  data: ResolvedDataInput,
  o: PredictCliOptions,
  extra?: ExtraColumns,
): Promise<{ rows: number }> {
  const csv = o.delimiter ? { delimiter: o.delimiter } : {};
  const { names } = await readTabularHeader(data, csv);
  const types = Object.fromEntries(Object.entries(pipeline.inputTypes()).filter(([n]) => names.includes(n)));
  const table = await readTabular(data, { ...csv, types });
  for (const n of table.notices) log(n);
  const raw = pipeline.predictRaw(table);
  const labels = pipeline.labelsOf(raw);
  const proba = o.proba === true && pipeline.task === 'classification';
  const k = pipeline.classes.length;
  const lines = [
    ['prediction', ...(proba ? pipeline.classes.map((c) => `proba_${c}`) : []), ...(extra?.header ?? [])]
      .map(csvCell)
      .join(','),
  ];
  const more = extra ? await extra.cells(table, raw) : undefined;
  for (let r = 0; r < table.nRows; r++) {
    const cells: Array<string | number> = [labels[r]!];
    if (proba) for (let j = 0; j < k; j++) cells.push(raw[r * k + j]!);
    if (more) cells.push(...more[r]!);
    lines.push(cells.map(csvCell).join(','));
  }
  const text = `${lines.join('\n')}\n`;
  if (o.out === undefined) process.stdout.write(text);
  else writeFileAtomic(o.out, text);
  return { rows: table.nRows };
}

/**
 * `mlsweep predict --model M --data D [--out O]`: scores a CSV file with a saved AutoML
 * pipeline (a file or a `models:/` registry reference). The output is checked before any
 * work (its folder exists and is writable, it is not an input) and written atomically, so
 * a failure or a Ctrl-C part-way leaves an existing `--out` file as it was.
 *
 * @example
 * registerPredict(program); // then: mlsweep predict --model models:/iris@production --data new.csv --out p.csv
 */
export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('score a CSV file with a saved AutoML pipeline, streaming (files larger than memory work)')
    .requiredOption(
      '--model <model>',
      'a pipeline saved by mlsweep automl: a JSON file, or models:/NAME/VERSION, models:/NAME@ALIAS',
    )
    .requiredOption(
      '--data <data>',
      'rows to score, with the training columns (any order; extra columns ignored): a CSV file (streamed), a folder or glob of CSVs, an MLTable folder, azureml:NAME:VERSION, azureml:NAME@latest or azureml://datastores/NAME/paths/PATH',
    )
    .option(
      '--out <csv>',
      'where to write predictions, replaced only once every row is scored (default: stdout)',
    )
    .option(
      '--store <dir>',
      'store of models:/ and azureml: references (default: $MLSWEEP_STORE or ./mlruns)',
    )
    .option('--proba', 'also write one probability column per class')
    .option('--delimiter <char>', 'CSV delimiter (default: sniffed)')
    .option(
      '--explain',
      'also write, per row, the expected value and the input columns that contributed most to the prediction (explain_<i>_column, _value, _contribution): exact TreeSHAP for tree models, Shapley sampling otherwise',
    )
    .option(
      '--explain-top <k>',
      'contributions written per row with --explain (default 3)',
      integerOption({ min: 1 }),
    )
    .option(
      '--explain-background <csv>',
      'reference rows (e.g. the training data) for --explain on models that are not trees (default: a sample of the first rows scored)',
    )
    .option('--json', 'print a JSON summary on stdout (needs --out)')
    .action(async (o: PredictCliOptions) => {
      if (o.json && !o.out) {
        throw new ValidationError(
          '--json needs --out: stdout carries the JSON summary, not the predictions',
          { path: '--out' },
        );
      }
      checkExplainFlags(o);
      const modelFile = modelFileFor(o.model, o.store);
      const data = resolveData(o);
      if (o.out !== undefined)
        checkOutputFile(o.out, '--out', {
          '--data': data.path,
          '--model': modelFile,
          '--explain-background': o.explainBackground,
        });
      const t0 = performance.now();
      const pipeline = AutoMLPipeline.load(modelFile);
      const explain = o.explain ? await explainColumnsFor(pipeline, o) : undefined;
      // A first signal stops between batches (the temporary output is removed, --out is
      // untouched); a second exits at once, which leaves --out untouched as well.
      const controller = new AbortController();
      const stop = onStopSignals({
        graceful: () => controller.abort(),
        immediate: (signal) => process.exit(SIGNAL_EXIT_CODE[signal]),
      });
      let rows: number;
      try {
        ({ rows } =
          data.kind === 'uri_file'
            ? await predictCsv(pipeline, data.path, o.out ?? process.stdout, {
                proba: o.proba === true,
                signal: controller.signal,
                onNotice: log,
                ...(o.delimiter ? { delimiter: o.delimiter } : {}),
                ...(explain ? { extraColumns: explain.columns } : {}),
              })
            : await predictTabular(pipeline, data, o, explain?.columns));
      } catch (error) {
        const signal = stop.received();
        if (signal === undefined) throw error;
        log(
          `interrupted (${signal}): ${o.out === undefined ? 'stdout is incomplete' : `${o.out} was not written`}`,
        );
        process.exitCode = SIGNAL_EXIT_CODE[signal];
        return;
      } finally {
        stop.dispose();
      }
      const seconds = (performance.now() - t0) / 1000;
      if (!o.out) {
        log(`${rows} rows scored in ${seconds.toFixed(2)} s`);
        return;
      }
      printResult(
        o.json === true,
        { rows, out: o.out, seconds, ...(explain ? { explain: explain.summary } : {}) },
        () => `${rows} rows scored in ${seconds.toFixed(2)} s -> ${o.out}`,
      );
    });
}
