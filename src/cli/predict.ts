import type { Command } from 'commander';
import { AutoMLPipeline } from '../automl/pipeline.ts';
import { predictCsv } from '../automl/score-table.ts';
import { ValidationError } from '../errors.ts';
import { log, printResult } from './output.ts';

interface PredictCliOptions {
  model: string;
  data: string;
  out?: string;
  proba?: boolean;
  delimiter?: string;
  json?: boolean;
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('score a CSV file with a saved AutoML pipeline, streaming (files larger than memory work)')
    .requiredOption('--model <json>', 'a pipeline saved by mlsweep automl')
    .requiredOption(
      '--data <csv>',
      'rows to score, with the training columns (any order; extra columns ignored)',
    )
    .option('--out <csv>', 'where to write predictions (default: stdout)')
    .option('--proba', 'also write one probability column per class')
    .option('--delimiter <char>', 'CSV delimiter (default: sniffed)')
    .option('--json', 'print a JSON summary on stdout (needs --out)')
    .action(async (o: PredictCliOptions) => {
      if (o.json && !o.out) {
        throw new ValidationError(
          '--json needs --out: stdout carries the JSON summary, not the predictions',
          {
            path: '--out',
          },
        );
      }
      const t0 = performance.now();
      const pipeline = AutoMLPipeline.load(o.model);
      const { rows } = await predictCsv(pipeline, o.data, o.out ?? process.stdout, {
        proba: o.proba === true,
        ...(o.delimiter ? { delimiter: o.delimiter } : {}),
      });
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
