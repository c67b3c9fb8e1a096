// Logging through the MLflow REST API (issue 19) while a sweep runs on the same store.
// `mlsweep server --store S` runs in a child process; `mlsweep sweep` runs in another on
// S, its Node command trials logging through the tracking server the sweep starts for
// them (examples/mlflow/train-node.mjs, 10 trials of 60 epochs, two at a time). While it runs, this process logs
// 10,000 metric points into one run of S's server: once batched (runs/log-batch, 1,000
// points a request, MLflow's limit) and once one by one (runs/log-metric, one request
// after the other, as the MLflow client's log_metric does). Three processes write the
// one SQLite file at once. Checked: no request failed, every point is stored (read back
// from the store), the sweep completes every trial. Recorded: points/s of each way.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '../src/tracking/sqlite-store.ts';
import { markdown, recordResults } from './lib/record.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const POINTS = 10_000;
const BATCH = 1_000;
const dir = mkdtempSync(join(tmpdir(), 'mlsweep-bench-mlflow-'));
const store = join(dir, 'mlruns');
const children: ChildProcess[] = [];

function cli(args: string[]): {
  child: ChildProcess;
  out: { stdout: string; stderr: string };
  closed: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], {
    cwd: root,
    env: { ...process.env, MLFLOW_TRACKING_URI: '' },
  });
  children.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, out, closed };
}

async function waitFor(
  out: { stderr: string },
  pattern: RegExp,
  closed: Promise<number | null>,
): Promise<RegExpExecArray> {
  let exited = false;
  void closed.then(() => (exited = true));
  for (;;) {
    const found = pattern.exec(out.stderr);
    if (found) return found;
    if (exited) throw new Error(`exited before ${pattern}: ${out.stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

try {
  const server = cli(['server', '--store', store, '--port', '0']);
  const url = (await waitFor(server.out, /listening on (http:\/\/\S+)/, server.closed))[1]!;
  const api = `${url}/api/2.0/mlflow`;
  const { experiment_id } = (await post(`${api}/experiments/create`, { name: 'logging-bench' })) as {
    experiment_id: string;
  };
  const newRun = async (name: string) =>
    (
      (await post(`${api}/runs/create`, { experiment_id, run_name: name, start_time: Date.now() })) as {
        run: { info: { run_id: string } };
      }
    ).run.info.run_id;

  const sweepFile = join(dir, 'sweep.json');
  writeFileSync(
    sweepFile,
    JSON.stringify({
      type: 'sweep',
      trial: {
        command: `${JSON.stringify(process.execPath)} ${JSON.stringify(join(root, 'examples/mlflow/train-node.mjs'))} --lr \${{search_space.lr}} --epochs 60 --delay-ms 50`,
      },
      search_space: { lr: { type: 'uniform', min_value: 0, max_value: 1 } },
      sampling_algorithm: { type: 'random', seed: 1 },
      objective: { goal: 'minimize', primary_metric: 'loss' },
      limits: { max_total_trials: 10, max_concurrent_trials: 2 },
    }),
  );
  const sweep = cli(['sweep', sweepFile, '--store', store, '--json']);
  await waitFor(sweep.out, /recorded in/, sweep.closed);

  const batchedRun = await newRun('batched');
  const t0 = performance.now();
  for (let start = 0; start < POINTS; start += BATCH) {
    const timestamp = Date.now();
    await post(`${api}/runs/log-batch`, {
      run_id: batchedRun,
      metrics: Array.from({ length: BATCH }, (_, i) => ({
        key: 'bench',
        value: Math.sin(start + i),
        timestamp,
        step: start + i,
      })),
    });
  }
  const batchedMs = performance.now() - t0;

  const singleRun = await newRun('one-by-one');
  const t1 = performance.now();
  for (let step = 0; step < POINTS; step++) {
    await post(`${api}/runs/log-metric`, {
      run_id: singleRun,
      key: 'bench',
      value: Math.sin(step),
      timestamp: Date.now(),
      step,
    });
  }
  const singleMs = performance.now() - t1;
  const sweepStillRunning = sweep.child.exitCode === null;

  const sweepCode = await sweep.closed;
  if (sweepCode !== 0) throw new Error(`the sweep failed (${sweepCode}): ${sweep.out.stderr}`);
  const result = JSON.parse(sweep.out.stdout) as { counts: { completed: number; total: number } };
  server.child.kill('SIGTERM');
  await server.closed;

  const db = new SqliteStore({ dir: store, create: false });
  const storedBatched = db.metricHistory(batchedRun, 'bench').length;
  const storedSingle = db.metricHistory(singleRun, 'bench').length;
  db.close();
  if (storedBatched !== POINTS || storedSingle !== POINTS)
    throw new Error(
      `points stored: batched ${storedBatched}, one by one ${storedSingle}, expected ${POINTS} each`,
    );

  const rows = [
    {
      way: `runs/log-batch, ${BATCH} points a request`,
      requests: POINTS / BATCH,
      points: POINTS,
      stored: storedBatched,
      seconds: batchedMs / 1000,
      pointsPerSecond: Math.round(POINTS / (batchedMs / 1000)),
    },
    {
      way: 'runs/log-metric, one point a request, sequential',
      requests: POINTS,
      points: POINTS,
      stored: storedSingle,
      seconds: singleMs / 1000,
      pointsPerSecond: Math.round(POINTS / (singleMs / 1000)),
    },
  ];
  recordResults(
    'mlflow-logging',
    {
      rows,
      errors: 0,
      sweep: { ...result.counts, runningThroughout: sweepStillRunning },
      loadAverage: loadavg()[0],
    },
    markdown(
      ['way', 'requests', 'points stored', 'seconds', 'points/s'],
      rows.map((r) => [
        r.way,
        r.requests,
        `${r.stored}/${r.points}`,
        r.seconds.toFixed(2),
        r.pointsPerSecond,
      ]),
    ) +
      `\n\nwhile a sweep of ${result.counts.total} Node trials logging through their own tracking server ran on the same store (${result.counts.completed} completed; still running when logging ended: ${sweepStillRunning}); load average ${loadavg()[0]!.toFixed(2)}`,
  );
} finally {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
