// Distributed sweeps: zero-cost trials claimed and completed per second by 1, 2, 4 and 8
// worker processes sharing one sweep in a private PostgreSQL cluster (initdb + pg_ctl on
// 127.0.0.1, fsync off as in the tests: the figures measure the coordination, not the
// disk), and the same workload with Optuna's RDB storage on the same cluster through
// /usr/bin/python3 (optuna and psycopg2; left out with the reason when absent).
//
// mlsweep: each worker is a process running the worker loop (src/sweep/worker, as
// `mlsweep worker` does) with `--concurrency` BENCH_CONCURRENCY (default 4) on a module
// trial that computes its metric from its parameters at once
// (test/sweep/worker/trials/zero-cost.mjs), so what is measured is the coordination: a
// batch of claims (chosen one by one under the sweep's lock and leased in the same
// write), the trial's round trip to its thread, and a batch of settles (the ended trials
// with their metric points, one transaction). Two modes, interleaved: `threads` (the
// default: one trial thread per slot) and `in-process` (`--in-process`: the trial function
// called in the worker's own thread). Beside each rate, the CPU per trial of the worker
// processes (threads included) and of the PostgreSQL server, which do not depend on what
// else the machine runs, and the load average.
// Optuna: each process runs study.optimize(n_trials=T/N) with RandomSampler on
// RDBStorage (postgresql+psycopg2), a zero-cost objective; ask and tell per trial.
//
// What is measured: every worker process starts, imports, connects, opens the sweep and
// starts its trial threads (`Worker.prepare`, as `mlsweep worker` does before its first
// claim), then waits for a start signal. Two rates of the BENCH_TRIALS (default 20,000)
// trials: `trialsPerSecond` = trials / (first trial's start to last trial's end, as the
// store recorded them): the whole window, ramp-up and tail included; `steadyTrialsPerSecond`
// = the pace over the middle 80% of the trials' end times (the 10th to the 90th
// percentile): trials claimed and completed per second once every worker is at work. The
// wall time from the start signal to the last process's exit is given too, and
// `cpuBoundTrialsPerSecond` = cores / (Node + PostgreSQL CPU per trial): the rate the CPU
// per trial allows when nothing else runs (the rates depend on the machine's other work). With
// BENCH_REPEATS > 1 every (workers, mode) run is repeated, interleaved, and the median
// of each figure is kept. A last run times each store operation of one worker running
// one trial at a time (perOperation).
// Goal (issue 24): at least 2,000 trials/s with 8 workers on this 2-core machine.
//
//   node --import tsx benchmarks/distributed-sweep.ts
//   BENCH_WORKERS=8 BENCH_MODES=in-process BENCH_OPTUNA_TRIALS=0 ...   (a part of it)
//   BENCH_TRACKING=1 ...   (trials also written as tracking runs, as the CLI does on PostgreSQL)
//   BENCH_CPU_PROF=/tmp/prof ...   (a V8 CPU profile of each worker process's main thread, from the start signal)
import { fork, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSweepLocation } from '../src/store/open-location.ts';
import { createWorkerSweep } from '../src/sweep/worker/create.ts';
import { workerDefinition } from '../src/sweep/worker/definition.ts';
import { sharedLocation } from '../src/sweep/worker/location.ts';
import { Worker } from '../src/sweep/worker/worker.ts';
import { pgSkip, startPostgres } from '../test/helpers/postgres.ts';
import { markdown, recordResults } from './lib/record.ts';

const list = (name: string, fallback: string): string[] =>
  (process.env[name] ?? fallback).split(',').filter((x) => x !== '');
const WORKERS = list('BENCH_WORKERS', '1,2,4,8').map(Number);
const MODES = list('BENCH_MODES', 'threads,in-process') as Mode[];
const TRIALS = Number(process.env['BENCH_TRIALS'] ?? 20_000);
const OPTUNA_TRIALS = Number(process.env['BENCH_OPTUNA_TRIALS'] ?? 300);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 4);
const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 1);
const CPU_PROF = process.env['BENCH_CPU_PROF'];
const TRACKING = process.env['BENCH_TRACKING'] === '1';

/** How trials run: a thread per slot (the default), or in the worker's own thread (`--in-process`). */
type Mode = 'threads' | 'in-process';
const trialModule = fileURLToPath(new URL('../test/sweep/worker/trials/zero-cost.mjs', import.meta.url));

/** A worker process: connects, opens the sweep and starts its threads, says ready, runs on the signal, reports. */
async function child(url: string, sweepId: string, mode: Mode, name: string): Promise<void> {
  const location = sharedLocation(openSweepLocation(url));
  const worker = new Worker(location, {
    sweepId,
    concurrency: CONCURRENCY,
    maxIdleMs: 50,
    inProcess: mode === 'in-process',
  });
  await worker.prepare(); // connected, migrated, threads started and the module imported
  process.send!({ type: 'ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const profile = CPU_PROF === undefined ? undefined : await profiler();
  const cpu0 = process.cpuUsage();
  const summary = await worker.run();
  const cpu = process.cpuUsage(cpu0);
  await profile?.(join(CPU_PROF!, `${name}.cpuprofile`));
  await location.close();
  // CPU of the whole process (its trial threads and the driver included) from the start signal on.
  process.send!({ type: 'done', summary, cpuMs: (cpu.user + cpu.system) / 1000 }, () => process.exit(0));
}

/** Starts V8's profiler on this process's main thread; the function returned writes the profile. */
async function profiler(): Promise<(file: string) => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (file) => {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

interface Measured {
  readonly workers: number;
  readonly mode: Mode;
  readonly trials: number;
  readonly completed: number;
  /** Trials per second over the store's window: first trial's start to last trial's end. */
  readonly trialsPerSecond: number;
  /**
   * Trials per second over the middle 80% of the end times (the 10th to the 90th
   * percentile): the pace once every worker is at work, before the tail.
   */
  readonly steadyTrialsPerSecond: number;
  readonly windowMs: number;
  /** From the start signal to the last process's exit. */
  readonly wallMs: number;
  /**
   * CPU per trial, whatever the machine's load: the worker processes' (from the start
   * signal on, threads included) and the PostgreSQL server processes' (from /proc).
   */
  readonly cpuMsPerTrial: { readonly node: number; readonly postgres: number | undefined };
  /** The 1-minute load average when the run ended (other work on the machine). */
  readonly loadAverage: number;
}

async function mlsweepRun(
  cluster: Awaited<ReturnType<typeof startPostgres>>,
  n: number,
  mode: Mode,
): Promise<Measured> {
  const url = await cluster.createDatabase();
  const location = sharedLocation(openSweepLocation(url));
  const store = await createWorkerSweep(location, {
    definition: workerDefinition({
      searchSpace: { x: { type: 'uniform', min_value: 0, max_value: 4 } },
      sampling: { type: 'random', seed: 1 },
      objective: { goal: 'minimize', primaryMetric: 'loss' },
      limits: { maxTotalTrials: TRIALS },
      trial: { module: trialModule },
    }),
    // BENCH_TRACKING=1: a tracking run per trial, as `mlsweep sweep --workers-only` on PostgreSQL records
    ...(TRACKING ? { trackingUrl: url } : {}),
  });
  const self = fileURLToPath(import.meta.url);
  const children = Array.from({ length: n }, (_, i) =>
    fork(self, ['--child', url, store.sweepId, mode, `${mode}-${n}-${i}`], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  await Promise.all(children.map((c) => new Promise<void>((resolve) => c.once('message', () => resolve()))));
  let childCpuMs = 0;
  for (const c of children)
    c.on('message', (m: { type: string; cpuMs?: number }) => {
      if (m.type === 'done') childCpuMs += m.cpuMs ?? 0;
    });
  const pg0 = postgresCpuMs(cluster.dir);
  const t0 = performance.now();
  const done = Promise.all(
    children.map((c) => new Promise<void>((resolve) => c.once('exit', () => resolve()))),
  );
  for (const c of children) c.send({ start: true });
  await done;
  const wallMs = performance.now() - t0;
  await new Promise((resolve) => setTimeout(resolve, 300)); // the closed connections' backends reaped
  const pg1 = postgresCpuMs(cluster.dir);
  const trials = await store.trials();
  await location.close();
  const completed = trials.filter((t) => t.status === 'completed');
  const first = Math.min(...trials.map((t) => Date.parse(t.startedAt)));
  const last = Math.max(...trials.map((t) => Date.parse(t.endedAt ?? t.startedAt)));
  if (
    completed.length !== TRIALS ||
    new Set(completed.map((t) => JSON.stringify(t.params))).size !== TRIALS
  ) {
    throw new Error(`${n} workers: ${completed.length} of ${TRIALS} completed (or a parameter set twice)`);
  }
  const windowMs = last - first;
  const ends = trials.map((t) => Date.parse(t.endedAt ?? t.startedAt)).sort((a, b) => a - b);
  const p10 = Math.floor(ends.length / 10);
  const p90 = Math.floor((ends.length * 9) / 10);
  const steadyMs = Math.max(1, ends[p90]! - ends[p10]!);
  return {
    workers: n,
    mode,
    trials: trials.length,
    completed: completed.length,
    trialsPerSecond: Math.round(TRIALS / (windowMs / 1000)),
    steadyTrialsPerSecond: Math.round((p90 - p10) / (steadyMs / 1000)),
    windowMs,
    wallMs: Math.round(wallMs),
    cpuMsPerTrial: {
      node: Number((childCpuMs / TRIALS).toFixed(3)),
      postgres:
        pg0 === undefined || pg1 === undefined ? undefined : Number(((pg1 - pg0) / TRIALS).toFixed(3)),
    },
    loadAverage: Number(loadavg()[0]!.toFixed(2)),
  };
}

/** The median of each figure of repeated runs of one (workers, mode). */
function median(runs: readonly Measured[]): Measured & { readonly runs: number } {
  const mid = <T>(values: T[], key: (v: T) => number): number => {
    const sorted = values.map(key).sort((a, b) => a - b);
    const m = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
  };
  const pg = runs.every((r) => r.cpuMsPerTrial.postgres !== undefined)
    ? Number(mid([...runs], (r) => r.cpuMsPerTrial.postgres!).toFixed(3))
    : undefined;
  return {
    ...runs[0]!,
    trialsPerSecond: mid([...runs], (r) => r.trialsPerSecond),
    steadyTrialsPerSecond: mid([...runs], (r) => r.steadyTrialsPerSecond),
    windowMs: mid([...runs], (r) => r.windowMs),
    wallMs: mid([...runs], (r) => r.wallMs),
    cpuMsPerTrial: { node: Number(mid([...runs], (r) => r.cpuMsPerTrial.node).toFixed(3)), postgres: pg },
    loadAverage: mid([...runs], (r) => r.loadAverage),
    runs: runs.length,
  };
}

const OPTUNA = `
import json, multiprocessing, sys, time
def work(url, name, n, barrier):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.load_study(study_name=name, storage=url, sampler=optuna.samplers.RandomSampler())
    barrier.wait()
    study.optimize(lambda t: (t.suggest_float('x', 0, 4) - 2) ** 2, n_trials=n)
if __name__ == '__main__':
    url, workers, trials = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    name = 'bench-%d' % workers
    optuna.create_study(study_name=name, storage=url)
    barrier = multiprocessing.Barrier(workers + 1)
    procs = [multiprocessing.Process(target=work, args=(url, name, trials // workers, barrier)) for _ in range(workers)]
    for p in procs: p.start()
    barrier.wait()
    t0 = time.perf_counter()
    for p in procs: p.join()
    wall = (time.perf_counter() - t0) * 1000
    study = optuna.load_study(study_name=name, storage=url)
    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    start = min(t.datetime_start for t in study.trials)
    end = max(t.datetime_complete for t in done)
    print(json.dumps({'version': optuna.__version__, 'completed': len(done), 'trials': len(study.trials),
                      'windowMs': (end - start).total_seconds() * 1000, 'wallMs': wall}))
`;

/** An Optuna run: its rate, and the PostgreSQL server's CPU per trial (Python's is not measured). */
type OptunaMeasured = Omit<Measured, 'cpuMsPerTrial' | 'loadAverage' | 'steadyTrialsPerSecond' | 'mode'> & {
  readonly version: string;
  readonly postgresCpuMsPerTrial: number | undefined;
};

async function optunaRun(
  cluster: Awaited<ReturnType<typeof startPostgres>>,
  n: number,
): Promise<OptunaMeasured | { unavailable: string }> {
  const url = (await cluster.createDatabase()).replace('postgresql://', 'postgresql+psycopg2://');
  const pg0 = postgresCpuMs(cluster.dir);
  const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn('/usr/bin/python3', ['-c', OPTUNA, url, String(n), String(OPTUNA_TRIALS)]);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', (e) => resolve({ code: -1, stdout, stderr: e.message }));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  if (out.code !== 0)
    return { unavailable: out.stderr.trim().split('\n').slice(-1)[0] ?? `exit ${out.code}` };
  const r = JSON.parse(out.stdout) as {
    version: string;
    completed: number;
    trials: number;
    windowMs: number;
    wallMs: number;
  };
  await new Promise((resolve) => setTimeout(resolve, 300)); // the closed connections' backends reaped
  const pg1 = postgresCpuMs(cluster.dir);
  return {
    ...r,
    workers: n,
    trialsPerSecond: r.completed / (r.windowMs / 1000),
    postgresCpuMsPerTrial:
      pg0 === undefined || pg1 === undefined ? undefined : Number(((pg1 - pg0) / r.completed).toFixed(3)),
  };
}

/** Where one worker's time per trial goes: the mean latency of each store operation, one worker, one trial at a time. */
async function breakdown(cluster: Awaited<ReturnType<typeof startPostgres>>): Promise<{
  trials: number;
  trialsPerSecond: number;
  meanMs: Record<string, number>;
  cpuMsPerTrial: { node: number; postgres: number | undefined };
}> {
  const url = await cluster.createDatabase();
  const location = sharedLocation(openSweepLocation(url));
  const trials = Math.min(TRIALS, 1000);
  const store = await createWorkerSweep(location, {
    definition: workerDefinition({
      searchSpace: { x: { type: 'uniform', min_value: 0, max_value: 4 } },
      sampling: { type: 'random', seed: 2 },
      objective: { goal: 'minimize', primaryMetric: 'loss' },
      limits: { maxTotalTrials: trials },
      trial: { module: trialModule },
    }),
  });
  const spent: Record<string, { ms: number; n: number }> = {};
  const timed = <T extends object>(target: T, names: readonly string[]): T => {
    for (const name of names) {
      const f = (target as Record<string, (...a: unknown[]) => unknown>)[name]!.bind(target);
      (target as Record<string, unknown>)[name] = async (...args: unknown[]) => {
        const t0 = performance.now();
        try {
          return await f(...args);
        } finally {
          const entry = (spent[name] ??= { ms: 0, n: 0 });
          entry.ms += performance.now() - t0;
          entry.n++;
        }
      };
    }
    return target;
  };
  const open = location.open.bind(location);
  location.open = async (id: string) =>
    timed(await open(id), [
      'claimTrials',
      'settleTrials',
      'claimTrial',
      'leaseTrial',
      'addMetric',
      'settleTrial',
    ]);
  await location.sweeps(); // connected before the clock starts
  const pg0 = postgresCpuMs(cluster.dir);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Worker(location, { sweepId: store.sweepId, concurrency: 1, maxIdleMs: 50 }).run();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const pg1 = postgresCpuMs(cluster.dir);
  await location.close();
  return {
    trials,
    trialsPerSecond: trials / (ms / 1000),
    // This process (its threads included: the trial's thread, the driver) and the cluster's server processes.
    cpuMsPerTrial: {
      node: Number(((cpu.user + cpu.system) / 1000 / trials).toFixed(3)),
      postgres:
        pg0 === undefined || pg1 === undefined ? undefined : Number(((pg1 - pg0) / trials).toFixed(3)),
    },
    meanMs: Object.fromEntries(Object.entries(spent).map(([k, v]) => [k, Number((v.ms / v.n).toFixed(3))])),
  };
}

/**
 * CPU time (ms) used so far by the cluster's server processes (the postmaster and its
 * children, from /proc), or undefined where /proc cannot tell.
 */
function postgresCpuMs(dir: string): number | undefined {
  try {
    const postmaster = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    let ticks = 0;
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // ended meanwhile
      }
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pid) !== postmaster && Number(fields[1]) !== postmaster) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
      // Backends that exited (a worker process's connections, when it ends) are counted in
      // the postmaster's children's times (cutime, cstime), once it has reaped them.
      if (Number(pid) === postmaster) ticks += Number(fields[13]) + Number(fields[14]);
    }
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  if (pgSkip !== false) {
    console.error(`distributed-sweep: ${pgSkip}`);
    process.exit(1);
  }
  const cluster = await startPostgres();
  // Other work on the machine slows every figure: its load is recorded with them.
  const loadBefore = loadavg();
  try {
    const all: Measured[] = [];
    for (let r = 0; r < REPEATS; r++) {
      for (const n of WORKERS) {
        for (const mode of MODES) {
          const o = await mlsweepRun(cluster, n, mode);
          all.push(o);
          console.error(
            `mlsweep ${n} workers x --concurrency ${CONCURRENCY} (${mode}): ${o.trialsPerSecond} trials/s whole window, ${o.steadyTrialsPerSecond}/s steady; CPU per trial ${o.cpuMsPerTrial.node} ms Node + ${o.cpuMsPerTrial.postgres ?? '?'} ms PostgreSQL; load ${o.loadAverage}`,
          );
        }
      }
    }
    const ours = WORKERS.flatMap((n) =>
      MODES.map((mode) => median(all.filter((o) => o.workers === n && o.mode === mode))),
    );
    const perOperation = await breakdown(cluster);
    console.error(`one worker, one trial at a time: ${JSON.stringify(perOperation)}`);
    const theirs: Array<Awaited<ReturnType<typeof optunaRun>>> = [];
    for (const n of OPTUNA_TRIALS > 0 ? WORKERS : []) {
      theirs.push(await optunaRun(cluster, n));
      const last = theirs.at(-1)!;
      console.error(
        `optuna ${n} processes: ${'unavailable' in last ? last.unavailable : `${last.trialsPerSecond.toFixed(0)} trials/s`}`,
      );
    }
    const optunaVersion = theirs.find((t): t is OptunaMeasured => !('unavailable' in t))?.version;
    // What the CPU per trial allows on this machine's cores when nothing else runs: an upper
    // bound on the rate, independent of other work (the rates above are what the machine gave).
    const capacity = (o: Measured) =>
      o.cpuMsPerTrial.postgres === undefined
        ? undefined
        : Math.round((cpus().length * 1000) / (o.cpuMsPerTrial.node + o.cpuMsPerTrial.postgres));
    const rows = ours.map((o) => {
      const t = theirs[WORKERS.indexOf(o.workers)];
      return [
        `${o.workers} × ${CONCURRENCY}`,
        o.mode,
        `${o.trialsPerSecond} trials/s (${TRIALS} in ${(o.windowMs / 1000).toFixed(2)} s; wall ${(o.wallMs / 1000).toFixed(2)} s)`,
        `${o.steadyTrialsPerSecond} trials/s`,
        `${o.cpuMsPerTrial.node} + ${o.cpuMsPerTrial.postgres ?? '?'} ms (${capacity(o) ?? '?'} trials/s)`,
        String(o.loadAverage),
        t === undefined
          ? '-'
          : 'unavailable' in t
            ? `unavailable: ${t.unavailable}`
            : `${t.trialsPerSecond.toFixed(0)} trials/s (${OPTUNA_TRIALS} in ${(t.windowMs / 1000).toFixed(2)} s)`,
      ];
    });
    const eight = ours.filter((o) => o.workers === 8);
    const best = eight.length === 0 ? undefined : Math.max(...eight.map((o) => o.steadyTrialsPerSecond));
    recordResults(
      'distributed-sweep',
      {
        trials: TRIALS,
        optunaTrials: OPTUNA_TRIALS,
        concurrencyPerWorker: CONCURRENCY,
        repeats: REPEATS,
        tracking: TRACKING,
        measured:
          'trialsPerSecond: trials / (first start to last end, as the store recorded them), whole window; ' +
          'steadyTrialsPerSecond: trials ended between the 10th and 90th percentile of end times / that span; ' +
          'cpuBoundTrialsPerSecond: cores / (Node + PostgreSQL CPU ms per trial), the rate the CPU per trial allows with nothing else running; ' +
          'every worker process connected, opened the sweep and started its trial threads before the start signal',
        mlsweep: ours.map((o) => ({ ...o, cpuBoundTrialsPerSecond: capacity(o) })),
        runs: REPEATS > 1 ? all : undefined,
        optuna: theirs,
        optunaVersion,
        perOperation,
        loadAverage: { before: loadBefore, after: loadavg() },
        goal: {
          trialsPerSecondWith8Workers: 2000,
          steady: Object.fromEntries(eight.map((o) => [o.mode, o.steadyTrialsPerSecond])),
          wholeWindow: Object.fromEntries(eight.map((o) => [o.mode, o.trialsPerSecond])),
          cpuBound: Object.fromEntries(eight.map((o) => [o.mode, capacity(o)])),
          met: best !== undefined && best >= 2000,
        },
      },
      markdown(
        [
          'workers × concurrency',
          'trials run',
          'mlsweep on PostgreSQL, whole window',
          'steady (middle 80%)',
          `CPU per trial, Node + PostgreSQL (what it allows on ${cpus().length} cores)`,
          'load average',
          `Optuna ${optunaVersion ?? ''} RDB on PostgreSQL`,
        ],
        rows,
      ),
    );
  } finally {
    await cluster.destroy();
  }
}

if (process.argv[2] === '--child')
  await child(process.argv[3]!, process.argv[4]!, process.argv[5] as Mode, process.argv[6]!);
else await main();
