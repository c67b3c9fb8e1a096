"""Optuna's NSGAIISampler (or its multi-objective TPESampler) on the benchmark's problems.

Run by benchmarks/multi-objective/mo.bench.ts through /usr/bin/python3 (Debian's
python3-optuna 3.1), with every sampler option at Optuna's default:
    /usr/bin/python3 benchmarks/multi-objective/optuna_mo.py SAMPLER PROBLEM BUDGET SEED [SEED ...]
SAMPLER is nsga2 (NSGAIISampler) or tpe (TPESampler, which is MOTPE with several objectives).
Prints one JSON document: {"optuna": version, "runs": [{"seed", "values", "seconds"}]},
where values are the objective vectors of the completed trials in trial order and
seconds the wall time of study.optimize (sampling, storage and the cheap evaluations).
The problems repeat problems.ts (same formulas, variables in [0, 1], all minimised);
the hypervolume is computed on the TypeScript side with the same code for both.
"""
import json
import math
import sys
import time

import optuna


def zdt_g(x):
    return 1 + 9 * sum(x[1:]) / (len(x) - 1)


def zdt1(x):
    f1, g = x[0], zdt_g(x)
    return [f1, g * (1 - math.sqrt(f1 / g))]


def zdt2(x):
    f1, g = x[0], zdt_g(x)
    return [f1, g * (1 - (f1 / g) ** 2)]


def zdt3(x):
    f1, g = x[0], zdt_g(x)
    return [f1, g * (1 - math.sqrt(f1 / g) - (f1 / g) * math.sin(10 * math.pi * f1))]


def dtlz2(x):
    g = sum((v - 0.5) ** 2 for v in x[2:])
    a, b = x[0] * math.pi / 2, x[1] * math.pi / 2
    return [(1 + g) * math.cos(a) * math.cos(b), (1 + g) * math.cos(a) * math.sin(b), (1 + g) * math.sin(a)]


PROBLEMS = {"ZDT1": (zdt1, 30, 2), "ZDT2": (zdt2, 30, 2), "ZDT3": (zdt3, 30, 2), "DTLZ2": (dtlz2, 12, 3)}


def run(sampler_name, name, budget, seed):
    fn, n_vars, n_obj = PROBLEMS[name]

    def objective(trial):
        x = [trial.suggest_float(f"x{i:02d}", 0.0, 1.0) for i in range(n_vars)]
        return fn(x)

    if sampler_name == "nsga2":
        sampler = optuna.samplers.NSGAIISampler(seed=seed)
    else:
        sampler = optuna.samplers.TPESampler(seed=seed)
    study = optuna.create_study(directions=["minimize"] * n_obj, sampler=sampler)
    start = time.perf_counter()
    study.optimize(objective, n_trials=budget)
    seconds = time.perf_counter() - start
    values = [t.values for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    return {"seed": seed, "values": values, "seconds": seconds}


def main():
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler_name, name, budget = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if sampler_name not in ("nsga2", "tpe") or name not in PROBLEMS:
        sys.exit(f"usage: optuna_mo.py nsga2|tpe {'|'.join(PROBLEMS)} BUDGET SEED [SEED ...]")
    runs = [run(sampler_name, name, budget, int(seed)) for seed in sys.argv[4:]]
    json.dump({"optuna": optuna.__version__, "runs": runs}, sys.stdout)


if __name__ == "__main__":
    main()
