// A worker sweep on PostgreSQL records tracking runs as a local sweep does: one run for the
// sweep, one child run per trial with its params, metrics, status and tags, readable
// through the tracking store (`mlsweep runs list`, the studio). A private cluster; each
// test its own database.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stringify as stringifyYaml } from 'yaml';
import { openSweepLocation } from '../../../src/store/open-location.ts';
import { trialRunId } from '../../../src/store/postgres/trial-runs.ts';
import { createWorkerSweep } from '../../../src/sweep/worker/create.ts';
import { workerDefinition } from '../../../src/sweep/worker/definition.ts';
import { sharedLocation } from '../../../src/sweep/worker/location.ts';
import { Worker } from '../../../src/sweep/worker/worker.ts';
import { SqliteStore } from '../../../src/tracking/sqlite-store.ts';
import { CLI } from '../../helpers/cli.ts';
import { type PgCluster, pgSkip, startPostgres } from '../../helpers/postgres.ts';

const trialModule = fileURLToPath(new URL('./trials/zero-cost.mjs', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Runs `mlsweep ARGS` as its own process (see test/helpers/cli.ts), with `env` added; its stdout. */
async function mlsweep(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [...CLI, ...args], {
    cwd: root,
    env: { ...process.env, MLSWEEP_DEBUG: '', MLFLOW_TRACKING_URI: '', ...env },
  });
  return stdout;
}

/** `mlsweep sweep FILE --store URL --workers-only --output-dir OUT`: the recorded sweep's id. */
async function recordForWorkers(file: string, url: string, out: string): Promise<{ sweepId: string }> {
  return JSON.parse(
    await mlsweep(['sweep', file, '--store', url, '--workers-only', '--json', '--output-dir', out]),
  ) as { sweepId: string };
}

/**
 * Writes DIR/sweep.yml: a grid over `lrs` of examples/mlflow/train-node.mjs (3 epochs,
 * logging loss and accuracy with MLflow, a `framework` tag, an `epochs` param and a
 * model.json artifact), 2 trials at once; returns its path.
 */
function writeMlflowSweep(dir: string, experiment: string, lrs: readonly number[]): string {
  const file = join(dir, 'sweep.yml');
  const script = join(root, 'examples/mlflow/train-node.mjs');
  writeFileSync(
    file,
    stringifyYaml({
      type: 'sweep',
      experiment_name: experiment,
      trial: {
        command: `${JSON.stringify(process.execPath)} ${JSON.stringify(script)} --lr \${{search_space.lr}} --epochs 3 --delay-ms 0`,
      },
      search_space: { lr: { type: 'choice', values: lrs } },
      sampling_algorithm: 'grid',
      objective: { goal: 'minimize', primary_metric: 'loss' },
      limits: { max_total_trials: lrs.length, max_concurrent_trials: 2 },
    }),
  );
  return file;
}

/** Checks a train-node.mjs trial's run: finished, its tag and param, each point once, its artifact. */
function assertLoggedRun(tracking: SqliteStore, child: ReturnType<SqliteStore['childRuns']>[number]): void {
  const lr = Number(child.params['lr']);
  assert.equal(child.status, 'FINISHED');
  assert.equal(child.tags['mlsweep.trial_status'], 'completed');
  assert.equal(child.tags['framework'], 'node', 'a tag the trial set');
  assert.equal(child.params['epochs'], '3', 'a param only the trial logged');
  // every point the trial logged, once: the sweep store adds no second copy
  const history = tracking.metricHistory(child.id, 'loss');
  assert.deepEqual(
    history.map((m) => m.step),
    [0, 1, 2],
  );
  for (const m of history) assert.ok(Math.abs(m.value - ((lr - 0.1) ** 2 + 1 / (m.step + 2))) < 1e-9);
  assert.deepEqual(
    tracking.metricHistory(child.id, 'accuracy').map((m) => m.step),
    [0, 1, 2],
  );
  assert.deepEqual(tracking.listArtifacts(child.id), ['model.json']);
}

describe('worker sweeps on PostgreSQL record tracking runs', { skip: pgSkip }, () => {
  let cluster: PgCluster | undefined;
  before(async () => {
    cluster = await startPostgres();
  });
  after(async () => {
    await cluster?.destroy();
  });

  /**
   * Runs a worker sweep of `n` trials of `exportName` (default: the module's default) to
   * its end, with tracking runs unless `tracked` is false; its id and its trials' statuses.
   */
  async function runSweep(
    url: string,
    n: number,
    exportName: string | undefined,
    concurrency: number,
    tracked = true,
  ): Promise<{ sweepId: string; statuses: string[] }> {
    const location = sharedLocation(openSweepLocation(url));
    try {
      const store = await createWorkerSweep(location, {
        definition: workerDefinition({
          searchSpace: { x: { type: 'uniform', min_value: 0, max_value: 4 } },
          sampling: { type: 'random', seed: 7 },
          objective: { goal: 'minimize', primaryMetric: 'loss' },
          limits: { maxTotalTrials: n },
          trial: { module: trialModule, ...(exportName !== undefined ? { export: exportName } : {}) },
        }),
        experiment: 'worker-runs',
        ...(tracked ? { trackingUrl: url } : {}),
      });
      await new Worker(location, {
        sweepId: store.sweepId,
        concurrency,
        maxIdleMs: 20,
        inProcess: true,
      }).run();
      return { sweepId: store.sweepId, statuses: (await store.trials()).map((t) => t.status) };
    } finally {
      await location.close();
    }
  }

  it('one parent run and a child run per trial, with params, every metric point, status and tags', async () => {
    const url = await cluster!.createDatabase();
    const { sweepId } = await runSweep(url, 12, 'curve', 4);
    const tracking = new SqliteStore({ dir: url });
    try {
      const runs = tracking.searchRuns({ experiments: ['worker-runs'] });
      const parents = runs.filter((r) => r.parentRunId === undefined);
      assert.equal(parents.length, 1);
      const parent = parents[0]!;
      assert.equal(parent.tags['mlsweep.kind'], 'sweep');
      assert.equal(parent.tags['mlsweep.sweep_id'], sweepId);
      assert.equal(parent.tags['mlsweep.primary_metric'], 'loss');
      assert.equal(parent.status, 'FINISHED');
      const children = tracking.childRuns(parent.id);
      assert.equal(children.length, 12);
      assert.equal(runs.length, 13);
      const numbers = children.map((c) => Number(c.tags['mlsweep.trial'])).sort((a, b) => a - b);
      assert.deepEqual(
        numbers,
        Array.from({ length: 12 }, (_, i) => i),
      );
      for (const child of children) {
        assert.equal(child.status, 'FINISHED');
        assert.equal(child.tags['mlsweep.kind'], 'trial');
        assert.equal(child.tags['mlsweep.sweep_id'], sweepId);
        assert.equal(child.tags['mlsweep.trial_status'], 'completed');
        assert.equal(child.name, `trial-${child.tags['mlsweep.trial']}`);
        const x = Number(child.params['x']);
        assert.ok(x >= 0 && x <= 4, `param x = ${child.params['x']}`);
        assert.ok(child.endTime !== undefined && child.endTime >= child.startTime);
        // `curve` reports loss = x + 1/(step+1) at steps 0..4: all five points, the last as latest.
        const history = tracking.metricHistory(child.id, 'loss');
        assert.deepEqual(
          history.map((m) => m.step),
          [0, 1, 2, 3, 4],
        );
        for (const m of history) assert.ok(Math.abs(m.value - (x + 1 / (m.step + 1))) < 1e-9);
        assert.ok(Math.abs(child.metrics['loss']! - (x + 0.2)) < 1e-9);
      }
    } finally {
      tracking.close();
    }
  });

  it('failed trials get FAILED runs with their error; a sweep created without trackingUrl writes none', async () => {
    const url = await cluster!.createDatabase();
    await runSweep(url, 3, 'broken', 1);
    const tracking = new SqliteStore({ dir: url });
    try {
      const children = tracking.searchRuns({ experiments: ['worker-runs'] }).filter((r) => r.parentRunId);
      assert.equal(children.length, 3);
      for (const child of children) {
        assert.equal(child.status, 'FAILED');
        assert.match(child.tags['mlsweep.error'] ?? '', /cannot open \/data\/missing-/);
      }
    } finally {
      tracking.close();
    }
    const bare = await cluster!.createDatabase();
    const { statuses } = await runSweep(bare, 2, undefined, 1, false);
    assert.deepEqual(statuses, ['completed', 'completed']);
  });

  it('mlsweep sweep FILE --workers-only then mlsweep worker: runs list shows the sweep run and its trial runs', async () => {
    const url = await cluster!.createDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'mlsweep-worker-runs-'));
    try {
      const file = join(dir, 'sweep.yml');
      writeFileSync(
        file,
        stringifyYaml({
          type: 'sweep',
          experiment_name: 'cli-worker-runs',
          trial: {
            command: `node -e "console.log('##mlsweep ' + JSON.stringify({ loss: Number(process.argv[1]) }))" \${{search_space.x}}`,
          },
          search_space: { x: { type: 'uniform', min_value: 0, max_value: 4 } },
          sampling_algorithm: { type: 'random', seed: 3 },
          objective: { goal: 'minimize', primary_metric: 'loss' },
          limits: { max_total_trials: 3, max_concurrent_trials: 3 },
        }),
      );
      const made = await recordForWorkers(file, url, join(dir, 'out'));
      await mlsweep(['worker', '--store', url, '--sweep', made.sweepId]);
      const listed = JSON.parse(
        await mlsweep(['runs', 'list', '--store', url, '--experiment', 'cli-worker-runs', '--json']),
      ) as unknown;
      const runs = (Array.isArray(listed) ? listed : (listed as { runs: unknown[] }).runs) as Array<{
        id?: string;
        runId?: string;
        parentRunId?: string;
        tags?: Record<string, string>;
      }>;
      assert.equal(runs.length, 4, JSON.stringify(listed).slice(0, 500));
      assert.equal(runs.filter((r) => r.parentRunId === undefined).length, 1);
      assert.equal(runs.filter((r) => r.parentRunId !== undefined).length, 3);
      // --no-track: the same sweep again, its trials run and no run is written
      const untracked = JSON.parse(
        await mlsweep(['sweep', file, '--store', url, '--workers-only', '--no-track', '--json']),
      ) as { sweepId: string };
      await mlsweep(['worker', '--store', url, '--sweep', untracked.sweepId]);
      const after = JSON.parse(
        await mlsweep(['runs', 'list', '--store', url, '--experiment', 'cli-worker-runs', '--json']),
      ) as unknown;
      assert.equal((Array.isArray(after) ? after : (after as { runs: unknown[] }).runs).length, 4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('command trials that log with MLflow on a worker log into their own trial runs in the store: params, each point once, artifacts', async () => {
    const url = await cluster!.createDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'mlsweep-worker-mlflow-'));
    try {
      const file = writeMlflowSweep(dir, 'worker-mlflow', [0.1, 0.5, 1.5]);
      const artifacts = join(dir, 'artifacts');
      const made = await recordForWorkers(file, url, join(dir, 'out'));
      const summary = JSON.parse(
        await mlsweep(['worker', '--store', url, '--sweep', made.sweepId, '--concurrency', '2', '--json'], {
          MLSWEEP_ARTIFACTS: artifacts,
        }),
      ) as { counts: Record<string, number> };
      assert.equal(summary.counts['completed'], 3, JSON.stringify(summary));
      const tracking = new SqliteStore({ dir: url, artifactsDir: artifacts });
      try {
        const parents = tracking.searchRuns({ experiments: ['worker-mlflow'] }).filter((r) => !r.parentRunId);
        assert.equal(parents.length, 1);
        const children = tracking.childRuns(parents[0]!.id);
        assert.equal(children.length, 3, 'one run per trial: the run the trial logged into is its trial run');
        const byLr = new Map(children.map((c) => [Number(c.params['lr']), c]));
        assert.deepEqual([...byLr.keys()].sort(), [0.1, 0.5, 1.5]);
        for (const child of byLr.values()) {
          assert.equal(child.id, trialRunId(made.sweepId, Number(child.tags['mlsweep.trial'])));
          assertLoggedRun(tracking, child);
        }
      } finally {
        tracking.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('worker sweeps in a store folder', () => {
  it('command trials that log with MLflow on a worker log into their own trial runs in the folder: params, tags, each point once, artifacts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlsweep-worker-folder-'));
    try {
      const store = join(dir, 'store');
      const file = writeMlflowSweep(dir, 'folder-mlflow', [0.1, 0.5]);
      const made = await recordForWorkers(file, store, join(dir, 'out'));
      const summary = JSON.parse(
        await mlsweep(['worker', '--store', store, '--sweep', made.sweepId, '--concurrency', '2', '--json']),
      ) as { counts: Record<string, number> };
      assert.equal(summary.counts['completed'], 2, JSON.stringify(summary));
      const tracking = new SqliteStore({ dir: store });
      try {
        const children = tracking.childRuns(made.sweepId);
        assert.equal(children.length, 2, 'one run per trial: the run the trial logged into is its trial run');
        for (const child of children) assertLoggedRun(tracking, child);
      } finally {
        tracking.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
