#!/usr/bin/python3
"""One reference run for benchmarks/training.bench.ts: fits a scikit-learn or xgboost
model on the data files the benchmark wrote, and prints one JSON line with the fit and
predict times (s), the fit's CPU time (s), the peak resident memory of this process (MB)
and the test score (accuracy or R^2). Single-threaded: OMP_NUM_THREADS=1 is set by the caller.

    training_reference.py LIBRARY MODEL DATA_PREFIX TASK
"""
import json
import resource
import sys
import time

import numpy as np


def load(prefix):
    meta = json.load(open(prefix + '.json'))
    def matrix(part):
        n = meta['n' + part]
        return np.fromfile(prefix + '.X' + part + '.f64', dtype='<f8').reshape(meta['nCols'], n).T.copy()
    return (matrix('Train'), np.fromfile(prefix + '.yTrain.f64', dtype='<f8'),
            matrix('Test'), np.fromfile(prefix + '.yTest.f64', dtype='<f8'), meta)


def make(library, model, task, gb):
    classification = task == 'classification'
    if library == 'sklearn':
        from sklearn import ensemble, tree
        if model == 'tree-abs':
            return tree.DecisionTreeRegressor(criterion='absolute_error', random_state=0)
        if model == 'forest-abs':
            return ensemble.RandomForestRegressor(n_estimators=100, criterion='absolute_error', n_jobs=1,
                                                  random_state=0)
        if model == 'tree':
            return (tree.DecisionTreeClassifier if classification else tree.DecisionTreeRegressor)(random_state=0)
        if model == 'forest':
            cls = ensemble.RandomForestClassifier if classification else ensemble.RandomForestRegressor
            return cls(n_estimators=100, n_jobs=1, random_state=0)
        cls = ensemble.HistGradientBoostingClassifier if classification else ensemble.HistGradientBoostingRegressor
        return cls(max_iter=gb['nEstimators'], learning_rate=gb['learningRate'], max_depth=gb['maxDepth'],
                   max_leaf_nodes=gb['numLeaves'], min_samples_leaf=gb['minChildSamples'],
                   l2_regularization=gb['regLambda'], max_bins=255, early_stopping=False, random_state=0)
    import xgboost
    cls = xgboost.XGBClassifier if classification else xgboost.XGBRegressor
    return cls(tree_method='hist', n_estimators=gb['nEstimators'], learning_rate=gb['learningRate'],
               max_depth=gb['maxDepth'], min_child_weight=gb['minChildWeight'], reg_lambda=gb['regLambda'],
               max_bin=256, n_jobs=1, random_state=0)


def main():
    library, model, prefix, task = sys.argv[1:5]
    Xtr, ytr, Xte, yte, meta = load(prefix)
    m = make(library, model, task, meta['gb'])
    c0 = time.process_time()
    t0 = time.perf_counter()
    m.fit(Xtr, ytr)
    t1 = time.perf_counter()
    cpu = time.process_time() - c0
    p = m.predict(Xte)
    t2 = time.perf_counter()
    if task == 'classification':
        score = float(np.mean(p == yte))
    else:
        score = float(1 - np.sum((yte - p) ** 2) / np.sum((yte - yte.mean()) ** 2))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({'fitS': t1 - t0, 'fitCpuS': cpu, 'predictS': t2 - t1, 'peakMB': peak, 'score': score}))


if __name__ == '__main__':
    main()
