// Tracking store: (1) logging 100,000 metric points through a run handle (batches of
// 1,000) and reading them back, with unbatched writes for contrast; (2) the per-trial
// overhead of a sweep writing through the SQLite store instead of the in-memory one
// (1,000 trivial trials, each reporting 10 points, one at a time); (3) the same overhead
// for Optuna's RDB storage on SQLite vs its in-memory storage, measured in the same run
// through /usr/bin/python3 (python3-optuna). Overhead = (time with the store - time in
// memory) / trials. Target: at least 10x less overhead per trial than Optuna on SQLite.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RandomSampler } from '../src/samplers/index.ts';
import { searchSpace } from '../src/space/index.ts';
import { MemoryStore } from '../src/store/memory-store.ts';
import { SqliteSweepStore } from '../src/store/sqlite-sweep-store.ts';
import type { SweepWriter } from '../src/store/sweep-store.ts';
import { sweep } from '../src/sweep/index.ts';
import { SqliteStore } from '../src/tracking/sqlite-store.ts';
import { Tracker } from '../src/tracking/tracker.ts';
import { markdown, ms, recordResults } from './lib/record.ts';

const POINTS = 100_000;
const UNBATCHED = 10_000;
const TRIALS = 1000;
const REPORTS = 10;
const RUNS = 3;
const OPTUNA_TRIALS = 100;
const space = searchSpace({ x: 'uniform(-10, 10)', lr: 'loguniform(-9, -2)', kind: 'choice("a", "b", "c")' });
const objective = { goal: 'minimize', primaryMetric: 'score' } as const;
const work = mkdtempSync(join(tmpdir(), 'mlsweep-bench-tracking-'));

function logPoints(count: number, batchSize: number): { logMs: number; readMs: number } {
  const tracker = new Tracker({ dir: join(work, `points-${batchSize}`), batchSize, flushIntervalMs: 60_000 });
  const run = tracker.startRun({ experiment: 'bench' });
  const t0 = performance.now();
  for (let step = 0; step < count; step++) run.logMetric('loss', 1 / (step + 1), step);
  run.end();
  const logMs = performance.now() - t0;
  const t1 = performance.now();
  const points = tracker.getMetricHistory(run.id, 'loss');
  const readMs = performance.now() - t1;
  if (points.length !== count) throw new Error(`read back ${points.length} of ${count} points`);
  tracker.close();
  return { logMs, readMs };
}

async function sweepMs(makeStore: () => { store: SweepWriter; close(): void }): Promise<number> {
  const { store, close } = makeStore();
  const t0 = performance.now();
  const result = await sweep({
    sampler: new RandomSampler(space, { seed: 1 }),
    objective,
    limits: { maxTotalTrials: TRIALS, maxConcurrentTrials: 1 },
    store,
    trial: (p, ctx) => {
      const x = Number(p['x']);
      for (let i = 0; i < REPORTS; i++) ctx.report('score', x * x + i);
    },
  });
  const elapsed = performance.now() - t0;
  close();
  if (result.counts.completed !== TRIALS) throw new Error(`only ${result.counts.completed} trials completed`);
  return elapsed;
}

const best = (values: number[]) => Math.min(...values);

const OPTUNA = `
import json, os, sys, tempfile, time
import optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
n, reports = int(sys.argv[1]), int(sys.argv[2])
def objective(trial):
    x = trial.suggest_float('x', -10, 10)
    trial.suggest_float('lr', 1.2e-4, 0.135, log=True)
    trial.suggest_categorical('kind', ['a', 'b', 'c'])
    for i in range(reports):
        trial.report(x * x + i, i)
    return x * x + reports - 1
def timed(storage):
    study = optuna.create_study(storage=storage, sampler=optuna.samplers.RandomSampler(seed=1))
    t0 = time.perf_counter()
    study.optimize(objective, n_trials=n)
    return (time.perf_counter() - t0) * 1000
memory = min(timed(None) for _ in range(2))
sqlite = timed('sqlite:///' + os.path.join(tempfile.mkdtemp(), 'optuna.db'))
print(json.dumps({'version': optuna.__version__, 'memoryMs': memory, 'sqliteMs': sqlite}))
`;

function optuna(): { version: string; memoryMs: number; sqliteMs: number } | { unavailable: string } {
  const run = spawnSync('/usr/bin/python3', ['-c', OPTUNA, String(OPTUNA_TRIALS), String(REPORTS)], {
    encoding: 'utf8',
  });
  if (run.status !== 0)
    return { unavailable: (run.stderr || run.error?.message || 'failed').trim().split('\n').pop()! };
  return JSON.parse(run.stdout);
}

const batched = logPoints(POINTS, 1000);
const unbatched = logPoints(UNBATCHED, 1);

const memoryRuns: number[] = [];
const sqliteRuns: number[] = [];
for (let r = 0; r < RUNS; r++) {
  memoryRuns.push(await sweepMs(() => ({ store: new MemoryStore(), close() {} })));
  sqliteRuns.push(
    await sweepMs(() => {
      const db = new SqliteStore({ dir: join(work, `sweep-${r}`) });
      return { store: SqliteSweepStore.create(db, { experiment: 'bench' }), close: () => db.close() };
    }),
  );
}
const memoryPerTrial = best(memoryRuns) / TRIALS;
const sqlitePerTrial = best(sqliteRuns) / TRIALS;
const ourOverhead = sqlitePerTrial - memoryPerTrial;
const py = optuna();
rmSync(work, { recursive: true, force: true });

const rows: Array<Array<string | number>> = [
  [
    `log ${POINTS.toLocaleString('en')} points, batches of 1,000`,
    ms(batched.logMs),
    `${Math.round(POINTS / (batched.logMs / 1000)).toLocaleString('en')} points/s`,
  ],
  [
    `read them back (one metric history)`,
    ms(batched.readMs),
    `${Math.round(POINTS / (batched.readMs / 1000)).toLocaleString('en')} points/s`,
  ],
  [
    `log ${UNBATCHED.toLocaleString('en')} points, one transaction each`,
    ms(unbatched.logMs),
    `${Math.round(UNBATCHED / (unbatched.logMs / 1000)).toLocaleString('en')} points/s`,
  ],
  [`sweep trial (${REPORTS} reports), in-memory store`, ms(memoryPerTrial), 'per trial'],
  [
    `sweep trial (${REPORTS} reports), SQLite store`,
    ms(sqlitePerTrial),
    `overhead ${ms(ourOverhead)} per trial`,
  ],
];
let ratio: number | undefined;
if ('memoryMs' in py) {
  const optunaMemory = py.memoryMs / OPTUNA_TRIALS;
  const optunaSqlite = py.sqliteMs / OPTUNA_TRIALS;
  const optunaOverhead = optunaSqlite - optunaMemory;
  ratio = optunaOverhead / ourOverhead;
  rows.push(
    [`Optuna ${py.version} trial (${REPORTS} reports), in-memory storage`, ms(optunaMemory), 'per trial'],
    [
      `Optuna ${py.version} trial (${REPORTS} reports), RDB storage on SQLite`,
      ms(optunaSqlite),
      `overhead ${ms(optunaOverhead)} per trial`,
    ],
    ['SQLite overhead per trial, Optuna / mlsweep', `${ratio.toFixed(0)}x`, 'target >= 10x'],
  );
} else rows.push(['Optuna', 'not run', py.unavailable]);

recordResults(
  'tracking',
  {
    points: POINTS,
    batchedLogMs: batched.logMs,
    readBackMs: batched.readMs,
    unbatchedPoints: UNBATCHED,
    unbatchedLogMs: unbatched.logMs,
    trials: TRIALS,
    reportsPerTrial: REPORTS,
    sweepMemoryMsPerTrial: memoryPerTrial,
    sweepSqliteMsPerTrial: sqlitePerTrial,
    sqliteOverheadMsPerTrial: ourOverhead,
    optuna: py,
    optunaTrials: OPTUNA_TRIALS,
    optunaOverheadRatio: ratio,
  },
  markdown(['tracking', 'time', 'rate / note'], rows),
);
