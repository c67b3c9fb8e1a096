// Engine overhead per trial: 10,000 trivial function trials (the objective is x^2) with
// the random sampler over a 3-parameter space, one trial at a time, against Optuna's
// in-memory study with RandomSampler on the same space, measured in the same run
// through /usr/bin/python3 (python3-optuna). The figure per trial includes the
// sampler's suggestion, as Optuna's does; the sampler alone is shown too.
import { spawnSync } from 'node:child_process';
import { RandomSampler } from '../src/samplers/index.ts';
import { searchSpace } from '../src/space/index.ts';
import { sweep } from '../src/sweep/index.ts';
import { markdown, ms, recordResults } from './lib/record.ts';

const TRIALS = 10_000;
const RUNS = 5;
const OPTUNA_RUNS = 3;
const space = searchSpace({ x: 'uniform(-10, 10)', lr: 'loguniform(-9, -2)', kind: 'choice("a", "b", "c")' });
const objective = { goal: 'minimize', primaryMetric: 'y' } as const;

async function mlsweepRun(): Promise<number> {
  const t0 = performance.now();
  const result = await sweep({
    sampler: new RandomSampler(space, { seed: 1 }),
    objective,
    limits: { maxTotalTrials: TRIALS, maxConcurrentTrials: 1 },
    trial: (p) => Number(p['x']) ** 2,
  });
  const elapsed = performance.now() - t0;
  if (result.counts.completed !== TRIALS) throw new Error(`only ${result.counts.completed} trials completed`);
  return elapsed / TRIALS;
}

function samplerOnly(): number {
  const sampler = new RandomSampler(space, { seed: 1 });
  const trials: Array<{ id: number; params: Record<string, never>; status: 'completed'; intermediate: [] }> =
    [];
  const history = { objective, trials, pending: [] };
  const t0 = performance.now();
  for (let id = 0; id < TRIALS; id++) {
    const s = sampler.suggest(history);
    if (s.exhausted) throw new Error('exhausted');
    trials.push({ id, params: s.params as Record<string, never>, status: 'completed', intermediate: [] });
  }
  return (performance.now() - t0) / TRIALS;
}

const OPTUNA = `
import json, sys, time
import optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
def objective(trial):
    x = trial.suggest_float("x", -10, 10)
    trial.suggest_float("lr", 1.2341e-4, 0.1353, log=True)
    trial.suggest_categorical("kind", ["a", "b", "c"])
    return x * x
out = []
for run in range(int(sys.argv[2])):
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.RandomSampler(seed=1))
    t0 = time.perf_counter()
    study.optimize(objective, n_trials=int(sys.argv[1]))
    out.append((time.perf_counter() - t0) * 1000 / len(study.trials))
print(json.dumps({"version": optuna.__version__, "perTrialMs": out}))
`;

type OptunaRuns = { version: string; perTrialMs: number[] } | { unavailable: string };

/** One Optuna study of TRIALS trials in a fresh Python process (its start-up is not timed). */
function optunaRun(): OptunaRuns {
  const run = spawnSync('/usr/bin/python3', ['-c', OPTUNA, String(TRIALS), '1'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    return {
      unavailable: (run.error?.message ?? run.stderr.trim().split('\n').pop() ?? 'failed').slice(0, 200),
    };
  }
  return JSON.parse(run.stdout);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

await mlsweepRun(); // warm-up: JIT and module loading
// The two alternate, so that a change in the load of the (shared) machine weighs on both.
const ours: number[] = [];
let optuna: OptunaRuns = { version: '', perTrialMs: [] };
for (let i = 0; i < RUNS; i++) {
  ours.push(await mlsweepRun());
  if (i < OPTUNA_RUNS && 'perTrialMs' in optuna) {
    const one = optunaRun();
    optuna =
      'perTrialMs' in one
        ? { version: one.version, perTrialMs: [...optuna.perTrialMs, ...one.perTrialMs] }
        : one;
  }
}
const sampler = samplerOnly();

const rows: Array<Array<string | number>> = [
  [`mlsweep sweep(), ${RUNS} runs`, ms(mean(ours)), ms(Math.min(...ours)), '< 0.2 ms', ''],
  ['  of which RandomSampler.suggest', ms(sampler), '', '', ''],
];
const results: Record<string, unknown> = {
  trials: TRIALS,
  mlsweep: { perTrialMs: ours, meanMs: mean(ours), minMs: Math.min(...ours), samplerMs: sampler },
};
if ('perTrialMs' in optuna) {
  const ratio = mean(optuna.perTrialMs) / mean(ours);
  rows.push([
    `Optuna ${optuna.version} in-memory study, RandomSampler, ${OPTUNA_RUNS} runs`,
    ms(mean(optuna.perTrialMs)),
    ms(Math.min(...optuna.perTrialMs)),
    '',
    `${ratio.toFixed(1)}x lower overhead (target >= 10x)`,
  ]);
  results['optuna'] = { ...optuna, meanMs: mean(optuna.perTrialMs), minMs: Math.min(...optuna.perTrialMs) };
  results['ratio'] = ratio;
} else {
  rows.push(['Optuna', 'not measured', '', '', optuna.unavailable]);
  results['optuna'] = optuna;
}
recordResults(
  'engine',
  results,
  markdown(
    [
      `overhead per trial, ${TRIALS} trivial trials, 1 at a time`,
      'mean',
      'min',
      'target',
      'mlsweep vs Optuna',
    ],
    rows,
  ),
);
