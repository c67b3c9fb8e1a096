import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerExperiments } from '../../../src/cli/experiments.ts';
import { registerModels } from '../../../src/cli/models.ts';
import { registerRuns } from '../../../src/cli/runs.ts';
import { CLI } from '../../helpers/cli.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Runs `mlsweep ARGS` as a process (see test/helpers/cli.ts): for exit codes and stderr.
 *
 * @example
 * const { status, stderr } = mlsweep(['runs', 'show', 'nope', '--store', dir]);
 */
export function mlsweep(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [...CLI, ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * Runs the experiments, runs and models commands in this process (no start-up cost) and
 * returns what they printed on stdout; their errors are thrown.
 *
 * @example
 * const list = JSON.parse(await inProcess(['experiments', 'list', '--store', dir, '--json']));
 */
export async function inProcess(args: string[]): Promise<string> {
  const program = new Command('mlsweep').exitOverride();
  registerExperiments(program);
  registerRuns(program);
  registerModels(program);
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  return out;
}
