import { nextTurn } from '../../compute/event-loop.ts';
import type { DenseTarget } from '../../compute/kernels/dense/index.ts';
import { observeFit } from '../fit-listeners.ts';
import { regressionTarget } from '../input.ts';
import type { Design } from '../linear/design.ts';
import { coefficientImportances } from '../linear/importances.ts';
import { LinearRegressorBase, type LinearSolution } from '../linear/linear-regressor.ts';
import { rowMajor } from '../linear/ovr-classifier.ts';
import { trainingData } from '../linear/prepared.ts';
import type { ComputeParams, FeatureInput, FitOptions, LabelInput, SerializedEstimator } from '../types.ts';
import type { SgdRegressorLoss } from './losses.ts';
import { plainSgd } from './plain-sgd.ts';
import { readSgdParams, type SgdCommonParams, sgdSettings } from './settings.ts';

/** Hyperparameters of SGDRegressor. */
export interface SGDRegressorParams extends SgdCommonParams, ComputeParams {
  /** `squared_error` (default), `huber`, `epsilon_insensitive` or `squared_epsilon_insensitive`. */
  loss?: SgdRegressorLoss;
}

const LOSSES: readonly SgdRegressorLoss[] = [
  'squared_error',
  'huber',
  'epsilon_insensitive',
  'squared_epsilon_insensitive',
];

/**
 * A linear regressor fitted by stochastic gradient descent, as scikit-learn's
 * SGDRegressor: losses squared_error (default), huber, epsilon_insensitive and
 * squared_epsilon_insensitive; penalties l2, l1, elasticnet; learning rates invscaling
 * (default, eta0 0.01, powerT 0.25), constant, optimal, adaptive; optional averaging.
 * It works on the raw features (no centering), as scikit-learn's: standardize them.
 *
 * @example
 * const m = new SGDRegressor({ seed: 1 }).fit([[0], [1], [2], [3]], [0, 2, 4, 6]);
 * m.predict([[1.5]]); // Float64Array [~3]
 */
export class SGDRegressor extends LinearRegressorBase {
  protected readonly solverKernel = 'linearProducts' as const;

  constructor(params: SGDRegressorParams = {}) {
    super('SGDRegressor', params, (r) =>
      readSgdParams(r, {
        loss: 'squared_error',
        losses: LOSSES,
        learningRate: 'invscaling',
        eta0: 0.01,
        powerT: 0.25,
      }),
    );
  }

  /** SGD works on the raw rows, not on the centered design of the least-squares models. */
  protected solve(_t: DenseTarget, _d: Design): LinearSolution {
    throw new Error('SGDRegressor fits by plainSgd, not through a design');
  }

  override fit(X: FeatureInput, y: LabelInput, options: FitOptions = {}): this {
    return observeFit(this, X, y, options, () => {
      const target = regressionTarget(y);
      const data = trainingData(X, target.length, options.sampleWeight);
      const { nRows: n, nCols: p } = data.X;
      const r = plainSgd(
        { rows: rowMajor(data.X), n, p, y: target, weight: data.weight },
        sgdSettings(this.params, this.params.seed as number),
      );
      this.state = {
        nFeatures: p,
        fill: data.fill,
        coef: r.coef,
        intercept: r.intercept,
        importances: coefficientImportances(r.coef, 1, data.std),
        nIter: r.nIter,
        dualGap: 0,
      };
      return this;
    });
  }

  override async fitAsync(X: FeatureInput, y: LabelInput, options: FitOptions = {}): Promise<this> {
    await nextTurn();
    return this.fit(X, y, options);
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): SGDRegressor {
    return new SGDRegressor(json.params as SGDRegressorParams).load(json);
  }
}
