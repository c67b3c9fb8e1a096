import type { Command } from 'commander';
import { AutoMLPipeline } from '../automl/pipeline.ts';
import { predictCsv } from '../automl/score-table.ts';
import { ValidationError } from '../core/errors.ts';
import { checkOutputFile } from '../core/files.ts';
import { modelFileFor } from './model-ref.ts';
import { log, printResult } from './output.ts';
import { onStopSignals, SIGNAL_EXIT_CODE } from './signals.ts';

interface PredictCliOptions {
  model: string;
  data: string;
  out?: string;
  store?: string;
  proba?: boolean;
  delimiter?: string;
  json?: boolean;
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
      '--data <csv>',
      'rows to score, with the training columns (any order; extra columns ignored)',
    )
    .option(
      '--out <csv>',
      'where to write predictions, replaced only once every row is scored (default: stdout)',
    )
    .option('--store <dir>', 'tracking store of models:/ references (default: $MLSWEEP_STORE or ./mlruns)')
    .option('--proba', 'also write one probability column per class')
    .option('--delimiter <char>', 'CSV delimiter (default: sniffed)')
    .option('--json', 'print a JSON summary on stdout (needs --out)')
    .action(async (o: PredictCliOptions) => {
      if (o.json && !o.out) {
        throw new ValidationError(
          '--json needs --out: stdout carries the JSON summary, not the predictions',
          { path: '--out' },
        );
      }
      const modelFile = modelFileFor(o.model, o.store);
      if (o.out !== undefined) checkOutputFile(o.out, '--out', { '--data': o.data, '--model': modelFile });
      const t0 = performance.now();
      const pipeline = AutoMLPipeline.load(modelFile);
      // A first signal stops between batches (the temporary output is removed, --out is
      // untouched); a second exits at once, which leaves --out untouched as well.
      const controller = new AbortController();
      const stop = onStopSignals({
        graceful: () => controller.abort(),
        immediate: (signal) => process.exit(SIGNAL_EXIT_CODE[signal]),
      });
      let rows: number;
      try {
        ({ rows } = await predictCsv(pipeline, o.data, o.out ?? process.stdout, {
          proba: o.proba === true,
          signal: controller.signal,
          onNotice: log,
          ...(o.delimiter ? { delimiter: o.delimiter } : {}),
        }));
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
        { rows, out: o.out, seconds },
        () => `${rows} rows scored in ${seconds.toFixed(2)} s -> ${o.out}`,
      );
    });
}
