import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { CLI } from '../helpers/cli.ts';
import { tempDir } from '../tracking/helpers/temp.ts';
import { noVenv } from './helpers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sweep(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [...CLI, 'sweep', ...args], {
    cwd: root,
    encoding: 'utf8',
    env,
  });
}

function environmentTags(storeDir: string): Record<string, string> {
  const store = new SqliteStore({ dir: storeDir });
  try {
    const rows = store
      .sql("SELECT key, value FROM tags WHERE key LIKE 'mlsweep.environment%'")
      .all() as Array<{
      key: string;
      value: string;
    }>;
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  } finally {
    store.close();
  }
}

describe('a sweep with trial.environment', () => {
  it('runs its command trials in a conda environment (a venv from the cache) and records it on the sweep', {
    skip: noVenv,
  }, () => {
    const dir = tempDir('env-sweep');
    writeFileSync(
      join(dir, 'sweep.yml'),
      [
        'type: sweep',
        'trial:',
        `  command: 'echo "##mlsweep {\\"score\\": $(( BASE + \${{search_space.x}} ))}"; command -v python >&2'`,
        '  environment:',
        '    name: pyenv',
        '    conda_file: {dependencies: [python=3.11]}',
        '    environment_variables: {BASE: 7}',
        'search_space:',
        '  x: {type: choice, values: [1, 2]}',
        'sampling_algorithm: grid',
        'objective: {goal: maximize, primary_metric: score}',
      ].join('\n'),
    );
    const store = join(dir, 'store');
    const run = sweep([join(dir, 'sweep.yml'), '--store', store, '--json', '--output-dir', join(dir, 'out')]);
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { trials: Array<{ value: number; output: { stderr: string } }> };
    assert.deepEqual(result.trials.map((t) => t.value).sort(), [8, 9]);
    const tags = environmentTags(store);
    assert.equal(tags['mlsweep.environment'], 'pyenv:1');
    assert.match(tags['mlsweep.environment.hash']!, /^[0-9a-f]{64}$/);
    const python = join(store, 'environments', tags['mlsweep.environment.hash']!, 'venv', 'bin', 'python');
    for (const t of result.trials) assert.equal(t.output.stderr.trim(), python);
    assert.match(run.stderr, /environment pyenv:1 built into/);

    // the second sweep reuses the build
    const again = sweep([
      join(dir, 'sweep.yml'),
      '--store',
      store,
      '--json',
      '--output-dir',
      join(dir, 'out2'),
    ]);
    assert.equal(again.status, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /built into/);
  });

  it('runs trials inside an image through the container runtime, the shell and variables passed to it', () => {
    const dir = tempDir('env-sweep-image');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    // a stand-in docker: logs its argv, then runs what follows the image name (here, on the host)
    writeFileSync(
      join(bin, 'docker'),
      `#!/bin/sh\nprintf '%s\\n' "$*" >> "${join(dir, 'docker.log')}"\nwhile [ "$1" != "example/trainer:1" ]; do shift; done\nshift\nexec "$@"\n`,
    );
    chmodSync(join(bin, 'docker'), 0o755);
    writeFileSync(
      join(dir, 'env.yml'),
      'name: trainer\nimage: example/trainer:1\nenvironment_variables: {MODE: fast}\n',
    );
    writeFileSync(
      join(dir, 'sweep.yml'),
      [
        'type: sweep',
        'trial:',
        `  command: 'echo "##mlsweep {\\"score\\": \${{search_space.x}}}"'`,
        '  environment: env.yml',
        'search_space:',
        '  x: {type: choice, values: [3]}',
        'sampling_algorithm: grid',
        'objective: {goal: maximize, primary_metric: score}',
      ].join('\n'),
    );
    const store = join(dir, 'store');
    const run = sweep([join(dir, 'sweep.yml'), '--store', store, '--json'], {
      ...process.env,
      PATH: `${bin}${delimiter}${process.env.PATH}`,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { trials: Array<{ value: number }> }).trials[0]!.value, 3);
    const argv = readFileSync(join(dir, 'docker.log'), 'utf8').trim();
    assert.match(argv, new RegExp(`^run --rm -v ${dir}:${dir} -w ${dir} -e MODE=fast `));
    // the substituted value travels as a variable passed by name, never in the argv
    for (const name of ['MLSWEEP_ARG_1', 'MLSWEEP_TRIAL_ID', 'MLSWEEP_METRICS_FILE'])
      assert.ok(argv.includes(` -e ${name} `), argv);
    assert.match(argv, / example\/trainer:1 \/bin\/sh -c echo /);
    assert.doesNotMatch(argv, /MLSWEEP_ARG_1=/);
    assert.equal(environmentTags(store)['mlsweep.environment'], 'trainer:1');
  });
});
