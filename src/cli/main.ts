#!/usr/bin/env node
// The `mlsweep` command: a thin layer over the library. Each subcommand lives in its
// own file and registers itself on the program here; usage.ts gives them one way of
// reporting mistakes (one line, exit code 2) and failures.
import { Command } from 'commander';
import { applyUsageConventions, reportCliError } from './usage.ts';
import { packageVersion } from './version.ts';

/** Adds a command (or two) to the program. */
type Register = (program: Command) => void;

/**
 * Every command by name, in the order `--help` lists them, each loaded when needed: a
 * command named on the line loads only its own module (`mlsweep job create` does not
 * load the sweep engine, the server or the reports), which takes most of the start-up
 * time off every command; help and unknown names load them all.
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ['automl', async () => (await import('./automl.ts')).registerAutoML],
  ['batch-endpoint', async () => (await import('./batch-endpoint.ts')).registerBatchEndpoints],
  ['batch-deployment', async () => (await import('./batch-deployment.ts')).registerBatchDeployments],
  ['component', async () => (await import('./component.ts')).registerComponents],
  ['data', async () => (await import('./data.ts')).registerData],
  ['datastore', async () => (await import('./datastore.ts')).registerDatastores],
  ['doctor', async () => (await import('./doctor.ts')).registerDoctor],
  ['endpoint', async () => (await import('./endpoint.ts')).registerEndpoints],
  ['environment', async () => (await import('./environment.ts')).registerEnvironments],
  ['deployment', async () => (await import('./endpoint.ts')).registerDeployments],
  ['experiments', async () => (await import('./experiments.ts')).registerExperiments],
  ['job', async () => (await import('./job.ts')).registerJobs],
  ['models', async () => (await import('./models.ts')).registerModels],
  ['predict', async () => (await import('./predict.ts')).registerPredict],
  ['report', async () => (await import('./report.ts')).registerReport],
  ['runs', async () => (await import('./runs.ts')).registerRuns],
  ['sample', async () => (await import('./sample.ts')).registerSample],
  ['schedule', async () => (await import('./schedule.ts')).registerSchedules],
  ['scheduler', async () => (await import('./scheduler.ts')).registerScheduler],
  ['studio', async () => (await import('./studio.ts')).registerStudioCommand],
  ['study', async () => (await import('./study.ts')).registerStudy],
  ['serve', async () => (await import('./serve.ts')).registerServe],
  ['server', async () => (await import('./server.ts')).registerServer],
  ['sweep', async () => (await import('./sweep.ts')).registerSweep],
  ['worker', async () => (await import('./worker.ts')).registerWorker],
  ['workers', async () => (await import('./workers.ts')).registerWorkers],
];

const program = new Command('mlsweep')
  .description('Hyperparameter sweeps and AutoML for tabular data')
  .version(packageVersion())
  .addHelpText(
    'after',
    '\nExit codes: 0 done; 1 the job failed; 2 a usage error or input mlsweep cannot use;\n130, 143, 129 stopped by SIGINT, SIGTERM, SIGHUP.',
  );

const named = COMMANDS.find(([name]) => name === process.argv[2]);
for (const [, load] of named ? [named] : COMMANDS) (await load())(program);
applyUsageConventions(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // exit at once: a failed command may leave timers or handles that would keep it alive
  process.exit(reportCliError(error));
}
