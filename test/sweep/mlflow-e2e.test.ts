// End to end, through the CLI: `mlsweep sweep` starts the MLflow-compatible tracking
// server for its command trials; trial scripts in Node and in /usr/bin/python3 (standard
// library only) log through the REST calls the MLflow client makes, in its order; the sweep
// ranks by what they log, early termination acts on their logged steps, and `mlsweep runs`
// shows their params, metrics and artifacts. Then Azure's iris sweep, in its own shape.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI } from '../helpers/cli.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mlsweep-mlflow-e2e-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const python = '/usr/bin/python3';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const child = spawn(process.execPath, [...CLI, ...args], {
    cwd: root,
    env: { ...process.env, MLFLOW_TRACKING_URI: '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

interface RunJson {
  id: string;
  name: string;
  parentRunId?: string;
  params: Record<string, string>;
  metrics: Record<string, number>;
  tags: Record<string, string>;
}

const scripts = {
  node: `${JSON.stringify(process.execPath)} ${JSON.stringify(join(root, 'examples/mlflow/train-node.mjs'))}`,
  python: `${python} ${JSON.stringify(join(root, 'examples/mlflow/train-python.py'))}`,
} as const;

describe('command trials that log through the MLflow REST API, end to end', () => {
  for (const lang of ['node', 'python'] as const) {
    it(`${lang}: ranked by the logged metric, stopped early on logged steps, listed with params, metrics and artifacts`, {
      skip: lang === 'python' && !existsSync(python) ? `${python} is not installed` : false,
    }, async () => {
      const store = join(dir, `store-${lang}`);
      const file = join(dir, `${lang}.json`);
      writeFileSync(
        file,
        JSON.stringify({
          type: 'sweep',
          trial: { command: `${scripts[lang]} --lr \${{search_space.lr}} --epochs 6 --delay-ms 120` },
          search_space: { lr: { type: 'choice', values: [0.1, 2.5, 0.3] } },
          sampling_algorithm: 'grid',
          objective: { goal: 'minimize', primary_metric: 'loss' },
          limits: { max_concurrent_trials: 1 },
          early_termination: {
            type: 'bandit',
            slack_amount: 0.5,
            delay_evaluation: 2,
            evaluation_interval: 1,
          },
        }),
      );
      const ran = await cli(['sweep', file, '--store', store, '--experiment', `e2e-${lang}`, '--json']);
      assert.equal(ran.code, 0, ran.stderr);
      const result = JSON.parse(ran.stdout) as {
        best: { params: { lr: number }; value: number };
        trials: Array<{ status: string; intermediate: Array<{ step: number }>; error?: string }>;
      };
      assert.deepEqual(
        result.trials.map((t) => t.status),
        ['completed', 'early_terminated', 'completed'],
        JSON.stringify(result.trials.map((t) => t.error)),
      );
      assert.equal(result.best.params.lr, 0.1);
      assert.equal(result.best.value, 1 / 7); // the loss logged at step 5
      assert.deepEqual(
        result.trials[0]!.intermediate.map((p) => p.step),
        [0, 1, 2, 3, 4, 5],
      );
      const stopped = result.trials[1]!.intermediate.length;
      assert.ok(stopped >= 2 && stopped < 6, `the stopped trial logged ${stopped} steps`);

      const listed = await cli(['runs', 'list', '--store', store, '--experiment', `e2e-${lang}`, '--json']);
      assert.equal(listed.code, 0, listed.stderr);
      const trials = (JSON.parse(listed.stdout) as RunJson[])
        .filter((r) => r.parentRunId !== undefined)
        .sort((a, b) => a.name.localeCompare(b.name));
      assert.deepEqual(
        trials.map((r) => r.name),
        ['trial-0', 'trial-1', 'trial-2'],
      );
      const best = trials[0]!;
      assert.deepEqual(best.params, { lr: '0.1', epochs: '6' });
      assert.equal(best.metrics['loss'], 1 / 7);
      assert.equal(best.metrics['accuracy'], 1 - 1 / 14);
      assert.equal(best.tags['framework'], lang);
      // Each point once: logged by the script, not written again by the sweep.
      const shown = await cli(['runs', 'show', best.id, '--store', store, '--json']);
      assert.equal(shown.code, 0, shown.stderr);
      const detail = JSON.parse(shown.stdout) as {
        metricHistory: Record<string, Array<{ step: number }>>;
        artifacts: string[];
        status: string;
      };
      assert.deepEqual(
        detail.metricHistory['loss']!.map((p) => p.step),
        [0, 1, 2, 3, 4, 5],
      );
      assert.deepEqual(detail.artifacts, ['model.json']);
      assert.equal(detail.status, 'FINISHED');
    });
  }

  it('--no-track: the trials log into a temporary store, removed at the end', async () => {
    const leftovers = () => readdirSync(tmpdir()).filter((f) => f.startsWith('mlsweep-tracking-')).length;
    const before = leftovers();
    const file = join(dir, 'untracked.json');
    writeFileSync(
      file,
      JSON.stringify({
        type: 'sweep',
        trial: { command: `${scripts.node} --lr \${{search_space.lr}} --epochs 3 --delay-ms 1` },
        search_space: { lr: { type: 'choice', values: [0.1, 0.2] } },
        sampling_algorithm: 'grid',
        objective: { goal: 'minimize', primary_metric: 'loss' },
      }),
    );
    const ran = await cli(['sweep', file, '--no-track', '--json']);
    assert.equal(ran.code, 0, ran.stderr);
    const result = JSON.parse(ran.stdout) as { best: { params: { lr: number }; value: number } };
    assert.deepEqual(result.best.params, { lr: 0.1 });
    assert.equal(result.best.value, 1 / 4);
    assert.equal(leftovers(), before);
  });

  it("Azure's iris sweep (job-sweep.yml in its own shape) runs against a standard-library script that logs with the MLflow protocol", {
    skip: existsSync(python) ? false : `${python} is not installed`,
  }, async () => {
    // The YAML says `python main.py`, as on Azure: `python` is this machine's python3.
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    if (!existsSync(join(bin, 'python'))) symlinkSync(python, join(bin, 'python'));
    const store = join(dir, 'store-iris');
    const ran = await cli(
      [
        'sweep',
        join(root, 'examples/mlflow/iris/job-sweep.yml'),
        '--store',
        store,
        '--json',
        '--max-total-trials',
        '4',
        '--max-concurrent-trials',
        '2',
        '--seed',
        '3',
      ],
      { PATH: `${bin}:${process.env.PATH}` },
    );
    assert.equal(ran.code, 0, ran.stderr);
    const result = JSON.parse(ran.stdout) as {
      objective: { primaryMetric: string };
      best: { value: number };
      trials: Array<{ status: string; value: number; intermediate: unknown[]; error?: string }>;
    };
    assert.equal(result.objective.primaryMetric, 'training_f1_score');
    for (const trial of result.trials) {
      assert.equal(trial.status, 'completed', trial.error);
      assert.equal(trial.intermediate.length, 10);
      assert.ok(trial.value > 0 && trial.value <= 1);
    }
    // minimize, as Azure's file says
    assert.equal(result.best.value, Math.min(...result.trials.map((t) => t.value)));
    const listed = await cli([
      'runs',
      'list',
      '--store',
      store,
      '--experiment',
      'sklearn-iris-sweep-example',
      '--json',
    ]);
    const runs = (JSON.parse(listed.stdout) as RunJson[]).filter((r) => r.parentRunId !== undefined);
    assert.equal(runs.length, 4);
    for (const run of runs) {
      assert.deepEqual(Object.keys(run.params).sort(), ['C', 'coef0', 'kernel']);
      assert.equal(typeof run.metrics['training_f1_score'], 'number');
      assert.equal(run.tags['estimator_name'], 'SoftmaxOnKernelFeatures');
    }
  });
});
