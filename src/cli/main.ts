#!/usr/bin/env node
// The `mlsweep` command: a thin layer over the library. Each subcommand lives in its
// own file and registers itself on the program here.
import { Command } from 'commander';
import { MlsweepError } from '../errors.ts';
import { registerAutoML } from './automl.ts';
import { registerDoctor } from './doctor.ts';
import { registerExperiments } from './experiments.ts';
import { registerModels } from './models.ts';
import { registerPredict } from './predict.ts';
import { registerReport } from './report.ts';
import { registerRuns } from './runs.ts';
import { registerSample } from './sample.ts';
import { registerSweep } from './sweep.ts';
import { packageVersion } from './version.ts';

const program = new Command('mlsweep')
  .description('Hyperparameter sweeps and AutoML for tabular data')
  .version(packageVersion())
  .showHelpAfterError();

registerAutoML(program);
registerDoctor(program);
registerExperiments(program);
registerModels(program);
registerPredict(program);
registerReport(program);
registerRuns(program);
registerSample(program);
registerSweep(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof MlsweepError) {
    process.stderr.write(`mlsweep: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
