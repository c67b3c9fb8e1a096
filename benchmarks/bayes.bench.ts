// Bayesian sampling vs Optuna's TPE: simple regret (best value found minus the known
// minimum) on six standard test functions, for our default Bayesian sampler (GP on
// these small continuous spaces), our TPE, random and Sobol sampling, and Optuna's
// TPESampler(multivariate=True) run through /usr/bin/python3. Then the GP's
// per-suggestion overhead with 100 and 500 completed trials in 8 dimensions.
//
// Configuration by environment (the defaults are the full run, about 15 minutes on a
// busy 2-core machine):
//   BAYES_SEEDS=10  BAYES_BUDGETS=50,100  BAYES_FUNCTIONS=branin,levy4 (default: all six)
//   BAYES_OVERHEAD=0 skips the overhead part; BAYES_OPTUNA=0 skips Optuna; BAYES_FUNCTIONS=none
//   measures the overhead only.
//   BAYES_QUICK=1: 3 seeds, budget 30, a quick check that everything runs.
// A run with a subset writes benchmarks/results/bayes-partial.json, not bayes.json.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FinishedTrial } from '../src/core/trial.ts';
import { BayesianSampler } from '../src/samplers/bayes/bayesian.ts';
import { TPESampler } from '../src/samplers/bayes/tpe.ts';
import { RandomSampler } from '../src/samplers/random.ts';
import type { Sampler } from '../src/samplers/types.ts';
import { searchSpace, uniform } from '../src/space/index.ts';
import { TEST_FUNCTIONS, type TestFunction } from './bayes/functions.ts';
import { markdown, ms, recordResults } from './lib/record.ts';

const env = process.env;
const quick = env.BAYES_QUICK === '1';
const nSeeds = Number(env.BAYES_SEEDS ?? (quick ? 3 : 10));
const budgets = (env.BAYES_BUDGETS ?? (quick ? '30' : '50,100')).split(',').map(Number);
const maxBudget = Math.max(...budgets);
const functions = env.BAYES_FUNCTIONS
  ? TEST_FUNCTIONS.filter((f) => env.BAYES_FUNCTIONS!.split(',').includes(f.name))
  : TEST_FUNCTIONS;
const python = '/usr/bin/python3';
const withOptuna = env.BAYES_OPTUNA !== '0' && existsSync(python);
const full = !quick && nSeeds >= 10 && functions.length === TEST_FUNCTIONS.length && budgets.includes(50);

function spaceOf(fn: TestFunction) {
  return searchSpace(Object.fromEntries(fn.bounds.map(([lo, hi], i) => [`x${i}`, uniform(lo, hi)])));
}

/** Runs one sampler for `maxBudget` trials; returns the objective values in trial order and seconds taken. */
function runOurs(fn: TestFunction, sampler: Sampler): { values: number[]; seconds: number } {
  const trials: FinishedTrial[] = [];
  const start = performance.now();
  for (let i = 0; i < maxBudget; i++) {
    const s = sampler.suggest({ objective: { goal: 'minimize', primaryMetric: 'f' }, trials, pending: [] });
    if (s.exhausted) break;
    const value = fn.f(fn.bounds.map((_, j) => s.params[`x${j}`] as number));
    trials.push({ id: i, params: s.params, status: 'completed', value, intermediate: [] });
  }
  return { values: trials.map((t) => t.value as number), seconds: (performance.now() - start) / 1000 };
}

function runOptuna(fn: TestFunction, seeds: number[]): { values: number[]; seconds: number }[] {
  const script = fileURLToPath(new URL('./bayes/optuna_tpe.py', import.meta.url));
  const r = spawnSync(python, [script, fn.name, String(maxBudget), ...seeds.map(String)], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`optuna run failed for ${fn.name}: ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as { optuna: string; runs: { values: number[]; seconds: number }[] };
  optunaVersion = doc.optuna;
  return doc.runs;
}

let optunaVersion: string | undefined;

function quantile(sorted: number[], p: number): number {
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function summary(regrets: number[]) {
  const s = [...regrets].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), q25: quantile(s, 0.25), q75: quantile(s, 0.75) };
}

const methods: { name: string; make?: (space: ReturnType<typeof spaceOf>, seed: number) => Sampler }[] = [
  { name: 'bayesian (default)', make: (space, seed) => new BayesianSampler(space, { seed }) },
  { name: 'tpe (ours)', make: (space, seed) => new TPESampler(space, { seed }) },
  { name: 'random', make: (space, seed) => new RandomSampler(space, { seed, rule: 'random' }) },
  { name: 'sobol', make: (space, seed) => new RandomSampler(space, { seed, rule: 'sobol' }) },
  ...(withOptuna ? [{ name: 'optuna tpe' }] : []),
];

const seeds = Array.from({ length: nSeeds }, (_, i) => i);
const regretRows: {
  function: string;
  method: string;
  budget: number;
  median: number;
  q25: number;
  q75: number;
  regrets: number[];
  meanSeconds: number;
}[] = [];
for (const fn of functions) {
  const space = spaceOf(fn);
  for (const m of methods) {
    const runs = m.make ? seeds.map((seed) => runOurs(fn, m.make!(space, seed))) : runOptuna(fn, seeds);
    for (const budget of budgets) {
      const regrets = runs.map((r) => Math.max(0, Math.min(...r.values.slice(0, budget)) - fn.minimum));
      const meanSeconds = runs.reduce((a, r) => a + r.seconds, 0) / runs.length;
      regretRows.push({
        function: fn.name,
        method: m.name,
        budget,
        ...summary(regrets),
        regrets,
        meanSeconds,
      });
    }
    process.stderr.write(`${fn.name} ${m.name} done\n`);
  }
}

const fmt = (v: number) => (v === 0 ? '0' : v.toPrecision(3));
const names = methods.map((m) => m.name);
const tables: string[] = [];
const wins: Record<number, { optuna: number; random: number }> = {};
for (const budget of functions.length > 0 ? budgets : []) {
  const rows = functions.map((fn) => {
    const cell = (method: string) =>
      regretRows.find((r) => r.function === fn.name && r.method === method && r.budget === budget)!;
    const ours = cell('bayesian (default)');
    const w = (wins[budget] ??= { optuna: 0, random: 0 });
    if (withOptuna && ours.median < cell('optuna tpe').median) w.optuna++;
    if (ours.median < cell('random').median) w.random++;
    return [
      fn.name,
      ...names.map((n) => `${fmt(cell(n).median)} [${fmt(cell(n).q25)}, ${fmt(cell(n).q75)}]`),
    ];
  });
  tables.push(
    `Simple regret after ${budget} trials, median [IQR] over ${nSeeds} seeds:\n\n` +
      markdown(['function', ...names], rows) +
      `\n\nDefault Bayesian sampler below Optuna TPE's median on ${wins[budget]!.optuna}/${functions.length}` +
      `${withOptuna ? '' : ' (Optuna not run)'}, below random's on ${wins[budget]!.random}/${functions.length}.`,
  );
}

// Overhead: one suggestion with n completed trials in 8 dimensions (a smooth function).
const overhead: { trials: number; method: string; meanMs: number; maxMs: number; cpuMs: number }[] = [];
if (env.BAYES_OVERHEAD !== '0') {
  const dims = 8;
  const space = searchSpace(
    Object.fromEntries(Array.from({ length: dims }, (_, i) => [`x${i}`, uniform(0, 1)])),
  );
  const f = (p: Record<string, unknown>) =>
    Array.from({ length: dims }, (_, i) => Math.sin(5 * (p[`x${i}`] as number) + i)).reduce(
      (a, b) => a + b,
      0,
    );
  for (const n of [100, 500]) {
    const filler = new RandomSampler(space, { seed: 1 });
    const trials: FinishedTrial[] = Array.from({ length: n }, (_, i) => {
      const params = filler.at(i);
      return { id: i, params, status: 'completed' as const, value: f(params), intermediate: [] };
    });
    const history = (k: number) => ({
      objective: { goal: 'minimize' as const, primaryMetric: 'f' },
      trials: trials.slice(0, k),
      pending: [],
    });
    for (const method of ['gp', 'tpe'] as const) {
      for (const warm of [false, true]) {
        const times: number[] = [];
        const cpu: number[] = [];
        for (let rep = 0; rep < 6; rep++) {
          const sampler = new BayesianSampler(space, { seed: rep, method });
          // In a running sweep the sampler has just made the previous suggestion.
          if (warm) sampler.suggest(history(n - 1));
          const t0 = performance.now();
          const c0 = process.cpuUsage();
          sampler.suggest(history(n));
          const c1 = process.cpuUsage(c0);
          if (rep === 0) continue; // the first warms up the JIT
          times.push(performance.now() - t0);
          cpu.push((c1.user + c1.system) / 1000);
        }
        overhead.push({
          trials: n,
          method: `${method}, ${warm ? 'in a sweep' : 'fresh sampler'}`,
          meanMs: times.reduce((a, b) => a + b, 0) / times.length,
          maxMs: Math.max(...times),
          cpuMs: cpu.reduce((a, b) => a + b, 0) / cpu.length,
        });
      }
    }
  }
  tables.push(
    'Time of one suggestion, 8 dimensions (wall-clock mean and max of 5, and the mean CPU time of this process, less sensitive to other load on the machine). "in a sweep": the sampler made the previous suggestion (its hyperparameters warm-start the fit); "fresh sampler": the first call of a new one:\n\n' +
      markdown(
        ['completed trials', 'method', 'mean', 'max', 'mean CPU time', 'target'],
        overhead.map((o) => [
          o.trials,
          o.method,
          ms(o.meanMs),
          ms(o.maxMs),
          ms(o.cpuMs),
          o.trials === 100 ? '< 50 ms' : '< 500 ms',
        ]),
      ),
  );
}

recordResults(
  full ? 'bayes' : 'bayes-partial',
  {
    config: {
      seeds: nSeeds,
      budgets,
      functions: functions.map((f) => f.name),
      optuna: optunaVersion ?? null,
    },
    regret: regretRows,
    winsOfDefault: wins,
    overhead,
  },
  tables.join('\n\n'),
);
