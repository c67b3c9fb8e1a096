#!/usr/bin/python3
"""scikit-learn's side of benchmarks/azure-estimators.bench.ts: reads one JSON request per
line on stdin (estimator, parameters, data folder, repeats), fits that many times on the
same rows mlsweep fits, and answers one JSON line: each fit's seconds and the test score.
Run by the benchmark with OMP/OpenBLAS limited to one thread."""
import json
import sys
import time

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LassoLars, LogisticRegression, Ridge, SGDClassifier, SGDRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import SplineTransformer
from sklearn.svm import SVC, LinearSVC


def spline_logistic_regression(n_knots=5, **params):
    return make_pipeline(SplineTransformer(n_knots=n_knots), LogisticRegression(**params))


def spline_ridge(n_knots=5, **params):
    return make_pipeline(SplineTransformer(n_knots=n_knots), Ridge(**params))


MAKERS = {"SGDClassifier": SGDClassifier, "SGDRegressor": SGDRegressor, "LinearSVC": LinearSVC, "SVC": SVC,
          "LassoLars": LassoLars, "SplineLogisticRegression": spline_logistic_regression,
          "SplineRidge": spline_ridge}

for line in sys.stdin:
    req = json.loads(line)
    d = req["dir"]
    p = req["p"]
    Xtr = np.fromfile(f"{d}/Xtr", dtype=np.float64).reshape(-1, p)
    Xte = np.fromfile(f"{d}/Xte", dtype=np.float64).reshape(-1, p)
    with open(f"{d}/y.json") as f:
        ys = json.load(f)
    est = MAKERS[req["estimator"]](**req["params"])
    times = []
    model = None
    for _ in range(req["repeats"]):
        t0 = time.perf_counter()
        model = clone(est).fit(Xtr, ys["train"])
        times.append(time.perf_counter() - t0)
    pred = model.predict(Xte)
    if req["task"] == "classification":
        score = float(np.mean(np.asarray(pred) == np.asarray(ys["test"])))
    else:
        score = float(np.sqrt(np.mean((np.asarray(pred) - np.asarray(ys["test"])) ** 2)))
    print(json.dumps({"times": times, "score": score}), flush=True)
