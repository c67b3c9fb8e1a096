import { ValidationError } from '../errors.ts';
import {
  DecisionTreeClassifier,
  DecisionTreeRegressor,
  ElasticNet,
  ExtraTreesClassifier,
  ExtraTreesRegressor,
  GradientBoostingClassifier,
  GradientBoostingRegressor,
  KNeighborsClassifier,
  KNeighborsRegressor,
  LogisticRegression,
  RandomForestClassifier,
  RandomForestRegressor,
  Ridge,
} from '../models/index.ts';
import type { ComputeParams, Estimator } from '../models/types.ts';
import { choice, loguniform, qloguniform, uniform } from '../space/constructors.ts';
import { didYouMean } from '../space/nearest.ts';
import type { Distribution, ParamValue } from '../space/types.ts';

/** The two AutoML tasks. */
export type Task = 'classification' | 'regression';

/** What a candidate's factory gets besides its hyperparameters. */
export interface BuildContext extends ComputeParams {
  readonly task: Task;
  readonly seed: number;
}

/**
 * One model family AutoML may try: how to build it from a parameter set, its default
 * search space (with a low-cost starting point, as FLAML does), and a cost hint. Adding
 * an estimator to AutoML is adding one entry to `CANDIDATES`.
 */
export interface Candidate {
  /** Azure AutoML's name for the family (used by allowedModels / blockedModels). */
  readonly name: string;
  readonly tasks: readonly Task[];
  /** Whether the model needs standardized features (linear models, kNN). */
  readonly needsScaling: boolean;
  /** The search space over its hyperparameters (their names are the estimator's). */
  space(task: Task): Readonly<Record<string, Distribution>>;
  /** The cheap, sensible configuration tried first. */
  readonly initial: Readonly<Record<string, ParamValue>>;
  /** Relative fit cost of a configuration, per row and feature; orders the first trials. */
  costHint(params: Readonly<Record<string, ParamValue>>): number;
  /**
   * Whether it supports early stopping on an inner validation split (boosting): then
   * `nEstimators` is the ceiling and the trial keeps the best round.
   */
  readonly earlyStopping: boolean;
  create(params: Readonly<Record<string, ParamValue>>, ctx: BuildContext): Estimator;
}

const ln = Math.log;

function forestSpace(task: Task): Record<string, Distribution> {
  return {
    nEstimators: qloguniform(ln(8), ln(512), 1),
    maxFeatures: uniform(0.05, 1),
    minSamplesLeaf: qloguniform(0, ln(20), 1),
    ...(task === 'classification' ? { criterion: choice(['gini', 'entropy']) } : {}),
  };
}

function num(p: Readonly<Record<string, ParamValue>>, key: string, fallback: number): number {
  const v = p[key];
  return typeof v === 'number' ? v : fallback;
}

function compute(ctx: BuildContext): { seed: number; backend?: BuildContext['backend'] } {
  return { seed: ctx.seed, ...(ctx.backend !== undefined ? { backend: ctx.backend } : {}) };
}

function forestParams(p: Readonly<Record<string, ParamValue>>, ctx: BuildContext): Record<string, unknown> {
  const maxFeatures = num(p, 'maxFeatures', 1);
  return {
    nEstimators: Math.max(1, Math.round(num(p, 'nEstimators', 100))),
    maxFeatures: maxFeatures >= 1 ? null : maxFeatures,
    minSamplesLeaf: Math.max(1, Math.round(num(p, 'minSamplesLeaf', 1))),
    ...(ctx.task === 'classification' && typeof p.criterion === 'string' ? { criterion: p.criterion } : {}),
    ...compute(ctx),
  };
}

/**
 * Every model family AutoML knows. Another estimator joins AutoML by adding its entry
 * here (factory, default space with a cheap start, cost hint).
 */
export const CANDIDATES: readonly Candidate[] = [
  {
    name: 'LogisticRegression',
    tasks: ['classification'],
    needsScaling: true,
    earlyStopping: false,
    space: () => ({ C: loguniform(ln(1e-3), ln(1e3)) }),
    initial: { C: 1 },
    costHint: () => 0.5,
    create: (p, ctx) => new LogisticRegression({ C: num(p, 'C', 1), maxIter: 500, ...compute(ctx) }),
  },
  {
    name: 'Ridge',
    tasks: ['regression'],
    needsScaling: true,
    earlyStopping: false,
    space: () => ({ alpha: loguniform(ln(1e-3), ln(1e3)) }),
    initial: { alpha: 1 },
    costHint: () => 0.2,
    create: (p, ctx) => new Ridge({ alpha: num(p, 'alpha', 1), ...compute(ctx) }),
  },
  {
    name: 'ElasticNet',
    tasks: ['regression'],
    needsScaling: true,
    earlyStopping: false,
    space: () => ({ alpha: loguniform(ln(1e-4), ln(10)), l1Ratio: uniform(0, 1) }),
    initial: { alpha: 0.01, l1Ratio: 0.5 },
    costHint: () => 0.5,
    create: (p, ctx) =>
      new ElasticNet({ alpha: num(p, 'alpha', 0.01), l1Ratio: num(p, 'l1Ratio', 0.5), ...compute(ctx) }),
  },
  {
    name: 'KNN',
    tasks: ['classification', 'regression'],
    needsScaling: true,
    earlyStopping: false,
    space: () => ({ nNeighbors: qloguniform(0, ln(64), 1), weights: choice(['uniform', 'distance']) }),
    initial: { nNeighbors: 5, weights: 'uniform' },
    costHint: () => 2,
    create(p, ctx) {
      const params = {
        nNeighbors: Math.max(1, Math.round(num(p, 'nNeighbors', 5))),
        weights: p.weights === 'distance' ? ('distance' as const) : ('uniform' as const),
        ...compute(ctx),
      };
      return ctx.task === 'classification'
        ? new KNeighborsClassifier(params)
        : new KNeighborsRegressor(params);
    },
  },
  {
    name: 'DecisionTree',
    tasks: ['classification', 'regression'],
    needsScaling: false,
    earlyStopping: false,
    space: () => ({
      maxDepth: qloguniform(ln(2), ln(32), 1),
      minSamplesLeaf: qloguniform(0, ln(40), 1),
    }),
    initial: { maxDepth: 8, minSamplesLeaf: 4 },
    costHint: () => 1,
    create(p, ctx) {
      const params = {
        maxDepth: Math.max(1, Math.round(num(p, 'maxDepth', 8))),
        minSamplesLeaf: Math.max(1, Math.round(num(p, 'minSamplesLeaf', 1))),
        ...compute(ctx),
      };
      return ctx.task === 'classification'
        ? new DecisionTreeClassifier(params)
        : new DecisionTreeRegressor(params);
    },
  },
  {
    name: 'GradientBoosting',
    tasks: ['classification', 'regression'],
    needsScaling: false,
    earlyStopping: true,
    space: () => ({
      nEstimators: qloguniform(ln(16), ln(1024), 1),
      learningRate: loguniform(ln(0.01), ln(0.5)),
      numLeaves: qloguniform(ln(4), ln(128), 1),
      minChildSamples: qloguniform(ln(2), ln(64), 1),
      subsample: uniform(0.5, 1),
      colsampleBytree: uniform(0.3, 1),
      regLambda: loguniform(ln(1e-3), ln(10)),
    }),
    initial: {
      nEstimators: 200,
      learningRate: 0.1,
      numLeaves: 15,
      minChildSamples: 10,
      subsample: 1,
      colsampleBytree: 1,
      regLambda: 0.01,
    },
    costHint: (p) => num(p, 'nEstimators', 100) * 0.3,
    create(p, ctx) {
      const params = {
        nEstimators: Math.max(1, Math.round(num(p, 'nEstimators', 100))),
        learningRate: num(p, 'learningRate', 0.1),
        numLeaves: Math.max(2, Math.round(num(p, 'numLeaves', 31))),
        minChildSamples: Math.max(1, Math.round(num(p, 'minChildSamples', 20))),
        subsample: Math.min(1, num(p, 'subsample', 1)),
        colsampleBytree: Math.min(1, num(p, 'colsampleBytree', 1)),
        regLambda: num(p, 'regLambda', 0),
        ...(typeof p.earlyStoppingRounds === 'number' ? { earlyStoppingRounds: p.earlyStoppingRounds } : {}),
        ...compute(ctx),
      };
      return ctx.task === 'classification'
        ? new GradientBoostingClassifier(params)
        : new GradientBoostingRegressor(params);
    },
  },
  {
    name: 'ExtremeRandomTrees',
    tasks: ['classification', 'regression'],
    needsScaling: false,
    earlyStopping: false,
    space: forestSpace,
    initial: { nEstimators: 64, maxFeatures: 0.5, minSamplesLeaf: 1, criterion: 'gini' },
    costHint: (p) => num(p, 'nEstimators', 100) * 0.5,
    create(p, ctx) {
      const params = forestParams(p, ctx);
      return ctx.task === 'classification'
        ? new ExtraTreesClassifier(params)
        : new ExtraTreesRegressor(params);
    },
  },
  {
    name: 'RandomForest',
    tasks: ['classification', 'regression'],
    needsScaling: false,
    earlyStopping: false,
    space: forestSpace,
    initial: { nEstimators: 64, maxFeatures: 0.4, minSamplesLeaf: 1, criterion: 'gini' },
    costHint: (p) => num(p, 'nEstimators', 100),
    create(p, ctx) {
      const params = forestParams(p, ctx);
      return ctx.task === 'classification'
        ? new RandomForestClassifier(params)
        : new RandomForestRegressor(params);
    },
  },
];

/**
 * The candidates for a task after `allowed` (when given, only those) and `blocked`;
 * an unknown name is a ValidationError with the nearest known one.
 *
 * @example
 * selectCandidates('regression', undefined, ['DecisionTree']).map((c) => c.name);
 */
export function selectCandidates(
  task: Task,
  allowed: readonly string[] | undefined,
  blocked: readonly string[] | undefined,
  registry: readonly Candidate[] = CANDIDATES,
): Candidate[] {
  const known = registry.map((c) => c.name);
  const check = (names: readonly string[] | undefined, path: string) =>
    names?.forEach((n, i) => {
      if (!known.includes(n)) {
        throw new ValidationError(
          `unknown model '${n}' (known: ${known.join(', ')});${didYouMean(n, known)}`,
          { path: `${path}[${i}]` },
        );
      }
    });
  check(allowed, 'allowedModels');
  check(blocked, 'blockedModels');
  const chosen = registry.filter(
    (c) => c.tasks.includes(task) && (!allowed || allowed.includes(c.name)) && !blocked?.includes(c.name),
  );
  if (chosen.length === 0) {
    throw new ValidationError(
      `no model is left to try for ${task} after allowedModels/blockedModels (known: ${known.join(', ')})`,
      { path: 'allowedModels' },
    );
  }
  return chosen;
}
