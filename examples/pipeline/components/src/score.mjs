// Batch scoring: runs `mlsweep predict` (the mlsweep that runs the pipeline, named by
// MLSWEEP_COMMAND as a JSON argv, else `mlsweep` on the PATH) on the test rows.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    data: { type: 'string' },
    out: { type: 'string' },
    proba: { type: 'string', default: 'false' },
  },
});
const [command, ...prefix] = process.env.MLSWEEP_COMMAND
  ? JSON.parse(process.env.MLSWEEP_COMMAND)
  : ['mlsweep'];
const args = [
  ...prefix,
  'predict',
  '--model',
  values.model,
  '--data',
  values.data,
  '--out',
  values.out,
  '--json',
];
if (values.proba === 'true') args.push('--proba');
const run = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
if (run.status !== 0) process.exit(run.status ?? 1);
const summary = JSON.parse(run.stdout);
console.log(`##mlsweep ${JSON.stringify({ rows_scored: summary.rows ?? 0 })}`);
