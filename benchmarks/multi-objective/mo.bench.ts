// Multi-objective benchmark: mlsweep's NSGA-II (and MOTPE) against Optuna 3.1's
// NSGAIISampler (and its multi-objective TPESampler) on ZDT1, ZDT2, ZDT3 (30 variables)
// and DTLZ2 (3 objectives, 12 variables), the hypervolume of each run's Pareto front with
// reference points (1.1, 1.1) and (1.1, 1.1, 1.1), computed here with the same exact code
// for both sides. Optuna runs first, through /usr/bin/python3 (optuna_mo.py), then
// mlsweep, one after the other (never in parallel). Time per trial is the wall time of
// the whole loop (suggest, evaluate, record) divided by the trials, on both sides.
//
//   node --import tsx benchmarks/multi-objective/mo.bench.ts
// Environment: MO_SEEDS (10), MO_BUDGET (1000), MO_MOTPE_BUDGET (100; 0 skips MOTPE),
// MO_TPE_SEEDS (5: Optuna's TPESampler takes 0.1-0.3 s per trial here, so the MOTPE
// comparison runs fewer seeds, the first MO_TPE_SEEDS of the same seeds on both sides),
// MO_OPTUNA=0 skips Optuna, MO_PROBLEMS=ZDT1,DTLZ2 narrows the problems.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { env } from 'node:process';
import { fileURLToPath } from 'node:url';
import type { FinishedTrial, Objective } from '../../src/core/trial.ts';
import { hypervolume } from '../../src/samplers/multi-objective/hypervolume.ts';
import { MOTPESampler } from '../../src/samplers/multi-objective/motpe.ts';
import { NSGA2Sampler } from '../../src/samplers/multi-objective/nsga2.ts';
import { paretoFront } from '../../src/samplers/multi-objective/pareto.ts';
import type { Sampler } from '../../src/samplers/types.ts';
import { searchSpace } from '../../src/space/parse.ts';
import type { SearchSpace } from '../../src/space/types.ts';
import { markdown, recordResults } from '../lib/record.ts';
import { PROBLEMS, type Problem } from './problems.ts';

const python = '/usr/bin/python3';
const script = fileURLToPath(new URL('./optuna_mo.py', import.meta.url));
const seeds = Array.from({ length: Number(env.MO_SEEDS ?? 10) }, (_, i) => i);
const budget = Number(env.MO_BUDGET ?? 1000);
const motpeBudget = Number(env.MO_MOTPE_BUDGET ?? 100);
const tpeSeeds = seeds.slice(0, Number(env.MO_TPE_SEEDS ?? 5));
const withOptuna = env.MO_OPTUNA !== '0' && existsSync(python);
const only = env.MO_PROBLEMS?.split(',');
const problems = PROBLEMS.filter((p) => only === undefined || only.includes(p.name));

/** One sampler's runs on one problem: hypervolume per seed and time per trial. */
interface Runs {
  readonly hypervolumes: number[];
  readonly medianHypervolume: number;
  readonly msPerTrial: number;
  readonly trials: number;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

function summary(hypervolumes: number[], seconds: number[], trials: number): Runs {
  const total = seconds.reduce((a, b) => a + b, 0);
  return {
    hypervolumes,
    medianHypervolume: median(hypervolumes),
    msPerTrial: (1000 * total) / (trials * seconds.length),
    trials,
  };
}

function spaceOf(p: Problem): { space: SearchSpace; names: string[] } {
  const names = Array.from({ length: p.variables }, (_, i) => `x${String(i).padStart(2, '0')}`);
  return { space: searchSpace(Object.fromEntries(names.map((n) => [n, 'uniform(0, 1)']))), names };
}

function objectivesOf(p: Problem): Objective[] {
  return Array.from({ length: p.objectives }, (_, j) => ({ goal: 'minimize', primaryMetric: `f${j + 1}` }));
}

function frontVolume(values: number[][], p: Problem): number {
  return hypervolume(values, p.reference);
}

function runMlsweep(
  p: Problem,
  make: (space: SearchSpace, seed: number) => Sampler,
  trials: number,
  seedList: readonly number[] = seeds,
): Runs {
  const { space, names } = spaceOf(p);
  const objectives = objectivesOf(p);
  const hvs: number[] = [];
  const seconds: number[] = [];
  for (const seed of seedList) {
    const sampler = make(space, seed);
    const history: FinishedTrial[] = [];
    const start = performance.now();
    for (let id = 0; id < trials; id++) {
      const s = sampler.suggest({ objective: objectives[0]!, objectives, trials: history, pending: [] });
      if (s.exhausted) break;
      const values = p.evaluate(names.map((n) => s.params[n] as number));
      history.push({ id, params: s.params, status: 'completed', value: values[0], values, intermediate: [] });
    }
    seconds.push((performance.now() - start) / 1000);
    hvs.push(
      frontVolume(
        paretoFront(history, objectives).map((t) => [...t.values!]),
        p,
      ),
    );
  }
  return summary(hvs, seconds, trials);
}

function runOptuna(
  sampler: 'nsga2' | 'tpe',
  p: Problem,
  trials: number,
  seedList: readonly number[] = seeds,
): Runs & { optuna: string } {
  const r = spawnSync(python, [script, sampler, p.name, String(trials), ...seedList.map(String)], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`optuna_mo.py ${sampler} ${p.name} failed: ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as { optuna: string; runs: { values: number[][]; seconds: number }[] };
  return {
    optuna: doc.optuna,
    ...summary(
      doc.runs.map((run) => frontVolume(run.values, p)),
      doc.runs.map((run) => run.seconds),
      trials,
    ),
  };
}

const fmt = (x: number) => x.toFixed(4);
const results: Record<string, Record<string, Runs>> = {};
let optunaVersion: string | undefined;
for (const p of problems) {
  const row: Record<string, Runs> = {};
  if (withOptuna) {
    const o = runOptuna('nsga2', p, budget);
    optunaVersion = o.optuna;
    row.optunaNsga2 = o;
  }
  row.nsga2 = runMlsweep(p, (space, seed) => new NSGA2Sampler(space, { seed }), budget);
  row.nsga2Sbx = runMlsweep(p, (space, seed) => new NSGA2Sampler(space, { seed, crossover: 'sbx' }), budget);
  if (motpeBudget > 0) {
    if (withOptuna) row.optunaTpe = runOptuna('tpe', p, motpeBudget, tpeSeeds);
    row.motpe = runMlsweep(p, (space, seed) => new MOTPESampler(space, { seed }), motpeBudget, tpeSeeds);
  }
  results[p.name] = row;
  process.stdout.write(
    `${p.name}: ${Object.entries(row)
      .map(([k, r]) => `${k} ${fmt(r.medianHypervolume)} (${r.msPerTrial.toFixed(3)} ms/trial)`)
      .join(', ')}\n`,
  );
}

const dash = '–';
const nsgaTable = markdown(
  [
    'problem',
    `Optuna ${optunaVersion ?? ''} NSGAIISampler median HV`,
    'mlsweep nsga2 median HV',
    'mlsweep nsga2 (sbx) median HV',
    'Optuna ms/trial',
    'mlsweep nsga2 ms/trial',
    'speed-up',
  ],
  problems.map((p) => {
    const r = results[p.name]!;
    const o = r.optunaNsga2;
    return [
      p.name,
      o ? fmt(o.medianHypervolume) : dash,
      fmt(r.nsga2!.medianHypervolume),
      fmt(r.nsga2Sbx!.medianHypervolume),
      o ? o.msPerTrial.toFixed(3) : dash,
      r.nsga2!.msPerTrial.toFixed(3),
      o ? `${(o.msPerTrial / r.nsga2!.msPerTrial).toFixed(1)}x` : dash,
    ];
  }),
);
const tpeTable =
  motpeBudget > 0
    ? markdown(
        [
          'problem',
          'Optuna TPESampler (MOTPE) median HV',
          'mlsweep motpe median HV',
          'Optuna ms/trial',
          'mlsweep motpe ms/trial',
        ],
        problems.map((p) => {
          const r = results[p.name]!;
          const o = r.optunaTpe;
          return [
            p.name,
            o ? fmt(o.medianHypervolume) : dash,
            fmt(r.motpe!.medianHypervolume),
            o ? o.msPerTrial.toFixed(3) : dash,
            r.motpe!.msPerTrial.toFixed(3),
          ];
        }),
      )
    : '';
const header = `${seeds.length} seeds; NSGA-II: ${budget} trials (population 50, every other option at its default on both sides)`;
const tpeHeader = `MOTPE: ${motpeBudget} trials, ${tpeSeeds.length} seeds (model-based samplers cost more per trial)`;
recordResults(
  'multi-objective',
  {
    seeds: seeds.length,
    budget,
    motpeBudget,
    motpeSeeds: tpeSeeds.length,
    optuna: optunaVersion ?? null,
    problems: results,
  },
  `${header}\n\n${nsgaTable}${tpeTable ? `\n\n${tpeHeader}\n\n${tpeTable}` : ''}`,
);
