#!/usr/bin/env node
// The `mlsweep` command: a thin layer over the library. Each subcommand lives in its
// own file and registers itself on the program here; usage.ts gives them one way of
// reporting mistakes (one line, exit code 2) and failures.
import { Command } from 'commander';
import { registerAutoML } from './automl.ts';
import { registerBatchDeployments } from './batch-deployment.ts';
import { registerBatchEndpoints } from './batch-endpoint.ts';
import { registerComponents } from './component.ts';
import { registerData } from './data.ts';
import { registerDatastores } from './datastore.ts';
import { registerDoctor } from './doctor.ts';
import { registerDeployments, registerEndpoints } from './endpoint.ts';
import { registerEnvironments } from './environment.ts';
import { registerExperiments } from './experiments.ts';
import { registerJobs } from './job.ts';
import { registerModels } from './models.ts';
import { registerPredict } from './predict.ts';
import { registerReport } from './report.ts';
import { registerRuns } from './runs.ts';
import { registerSample } from './sample.ts';
import { registerSchedules } from './schedule.ts';
import { registerScheduler } from './scheduler.ts';
import { registerServe } from './serve.ts';
import { registerServer } from './server.ts';
import { registerStudy } from './study.ts';
import { registerSweep } from './sweep.ts';
import { applyUsageConventions, reportCliError } from './usage.ts';
import { packageVersion } from './version.ts';
import { registerWorker } from './worker.ts';
import { registerWorkers } from './workers.ts';

const program = new Command('mlsweep')
  .description('Hyperparameter sweeps and AutoML for tabular data')
  .version(packageVersion())
  .addHelpText(
    'after',
    '\nExit codes: 0 done; 1 the job failed; 2 a usage error or input mlsweep cannot use;\n130, 143, 129 stopped by SIGINT, SIGTERM, SIGHUP.',
  );

registerAutoML(program);
registerBatchEndpoints(program);
registerBatchDeployments(program);
registerComponents(program);
registerData(program);
registerDatastores(program);
registerDoctor(program);
registerEndpoints(program);
registerEnvironments(program);
registerDeployments(program);
registerExperiments(program);
registerJobs(program);
registerModels(program);
registerPredict(program);
registerReport(program);
registerRuns(program);
registerSample(program);
registerSchedules(program);
registerScheduler(program);
registerStudy(program);
registerServe(program);
registerServer(program);
registerSweep(program);
registerWorker(program);
registerWorkers(program);
applyUsageConventions(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // exit at once: a failed command may leave timers or handles that would keep it alive
  process.exit(reportCliError(error));
}
