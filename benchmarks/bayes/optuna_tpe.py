"""Optuna's TPESampler(multivariate=True) on the Bayesian benchmark's functions.

Run by benchmarks/bayes.bench.ts through /usr/bin/python3 (Debian's python3-optuna):
    /usr/bin/python3 benchmarks/bayes/optuna_tpe.py FUNCTION BUDGET SEED [SEED ...]
Prints one JSON document: {"optuna": version, "runs": [{"seed", "values", "seconds"}]},
where values are the objective values in trial order. The functions repeat
functions.ts (same formulas, domains) so both sides optimise the same thing.
"""
import json
import math
import sys
import time

import optuna

ALPHA = [1.0, 1.2, 3.0, 3.2]
H3_A = [[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]]
H3_P = [[v * 1e-4 for v in r] for r in [[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]]]
H6_A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
]
H6_P = [
    [v * 1e-4 for v in r]
    for r in [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
]


def hartmann(A, P, x):
    return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (x[j] - P[i][j]) ** 2 for j in range(len(x)))) for i in range(4))


def branin(x):
    x1, x2 = x
    return (x2 - 5.1 / (4 * math.pi**2) * x1**2 + 5 / math.pi * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def ackley(x):
    d = len(x)
    s1 = sum(v * v for v in x)
    s2 = sum(math.cos(2 * math.pi * v) for v in x)
    return -20 * math.exp(-0.2 * math.sqrt(s1 / d)) - math.exp(s2 / d) + 20 + math.e


def levy(x):
    w = [1 + (v - 1) / 4 for v in x]
    s = math.sin(math.pi * w[0]) ** 2
    for i in range(len(w) - 1):
        s += (w[i] - 1) ** 2 * (1 + 10 * math.sin(math.pi * w[i] + 1) ** 2)
    s += (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)
    return s


FUNCTIONS = {
    "branin": ([(-5, 10), (0, 15)], branin),
    "hartmann3": ([(0, 1)] * 3, lambda x: hartmann(H3_A, H3_P, x)),
    "hartmann6": ([(0, 1)] * 6, lambda x: hartmann(H6_A, H6_P, x)),
    "rosenbrock4": ([(-5, 10)] * 4, rosenbrock),
    "ackley5": ([(-32.768, 32.768)] * 5, ackley),
    "levy4": ([(-10, 10)] * 4, levy),
}


def main():
    name, budget, seeds = sys.argv[1], int(sys.argv[2]), [int(s) for s in sys.argv[3:]]
    bounds, f = FUNCTIONS[name]
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    runs = []
    for seed in seeds:
        sampler = optuna.samplers.TPESampler(multivariate=True, seed=seed)
        study = optuna.create_study(sampler=sampler, direction="minimize")
        start = time.perf_counter()

        def objective(trial):
            return f([trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(bounds)])

        study.optimize(objective, n_trials=budget)
        runs.append({"seed": seed, "values": [t.value for t in study.trials], "seconds": time.perf_counter() - start})
    json.dump({"optuna": optuna.__version__, "runs": runs}, sys.stdout)


if __name__ == "__main__":
    main()
