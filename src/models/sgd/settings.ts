import type { ParamReader } from '../params.ts';
import { type SgdClassifierLoss, type SgdRegressorLoss, sgdLoss } from './losses.ts';
import type { SgdLearningRate, SgdPenalty, SgdSettings } from './plain-sgd.ts';

/** Hyperparameters SGDClassifier and SGDRegressor share (scikit-learn's names in camelCase). */
export interface SgdCommonParams {
  /** `l2` (default), `l1`, `elasticnet` or `none`. */
  penalty?: SgdPenalty;
  /** Regularization strength; also sets the `optimal` schedule's step (default 1e-4). */
  alpha?: number;
  /** Elastic-net mixing: 1 is L1, 0 is L2 (default 0.15). */
  l1Ratio?: number;
  fitIntercept?: boolean;
  /** Most epochs (default 1000). */
  maxIter?: number;
  /** Stop when the summed epoch loss fails to drop by tol·n for nIterNoChange epochs (default 1e-3); null: never. */
  tol?: number | null;
  /** Shuffle the rows every epoch, in an order drawn from `seed` (default true). */
  shuffle?: boolean;
  /** Huber's threshold and the epsilon-insensitive losses' margin (default 0.1). */
  epsilon?: number;
  /** `optimal`, `constant`, `invscaling` or `adaptive`. */
  learningRate?: SgdLearningRate;
  /** Initial step of `constant`, `invscaling` and `adaptive`. */
  eta0?: number;
  /** Exponent of `invscaling`: eta = eta0 / t^powerT. */
  powerT?: number;
  /** Epochs without improvement before stopping (default 5). */
  nIterNoChange?: number;
  /** Average the weights (ASGD): true from the first update, a number from that update on (default false). */
  average?: boolean | number;
  seed?: number;
}

/** Schedule defaults: scikit-learn's differ between the classifier and the regressor. */
export interface SgdDefaults {
  loss: string;
  losses: readonly string[];
  learningRate: SgdLearningRate;
  eta0: number;
  powerT: number;
}

/**
 * Reads the SGD hyperparameters (the loss among `d.losses`), checked, defaults filled in.
 *
 * @example
 * readSgdParams(reader, { loss: 'hinge', losses: ['hinge'], learningRate: 'optimal', eta0: 0, powerT: 0.5 });
 */
export function readSgdParams(r: ParamReader, d: SgdDefaults): Record<string, unknown> {
  const loss = r.oneOf('loss', d.loss, d.losses);
  const penalty = r.oneOf<SgdPenalty>('penalty', 'l2', ['l2', 'l1', 'elasticnet', 'none']);
  const alpha = r.number('alpha', 1e-4, 0);
  const learningRate = r.oneOf<SgdLearningRate>('learningRate', d.learningRate, [
    'optimal',
    'constant',
    'invscaling',
    'adaptive',
  ]);
  if (learningRate === 'optimal' && alpha === 0) r.fail('alpha', "> 0 with learningRate 'optimal'", alpha);
  const eta0 = r.number('eta0', d.eta0, 0);
  if (learningRate !== 'optimal' && eta0 <= 0)
    r.fail('eta0', `> 0 with learningRate '${learningRate}'`, eta0);
  const tolRaw = r.raw('tol');
  if (tolRaw !== undefined && tolRaw !== null && !(typeof tolRaw === 'number' && tolRaw >= 0)) {
    r.fail('tol', 'a number >= 0 or null', tolRaw);
  }
  const average = r.raw('average') ?? false;
  if (typeof average !== 'boolean' && !(Number.isInteger(average) && (average as number) >= 0)) {
    r.fail('average', 'true, false or an integer >= 0', average);
  }
  return {
    loss,
    penalty,
    alpha,
    l1Ratio: r.number('l1Ratio', 0.15, 0, 1),
    fitIntercept: r.bool('fitIntercept', true),
    maxIter: r.int('maxIter', 1000, 1),
    tol: tolRaw === undefined ? 1e-3 : tolRaw,
    shuffle: r.bool('shuffle', true),
    epsilon: r.number('epsilon', 0.1, 0),
    learningRate,
    eta0,
    powerT: r.number('powerT', d.powerT, Number.NEGATIVE_INFINITY),
    nIterNoChange: r.int('nIterNoChange', 5, 1),
    average,
  };
}

/**
 * The settings of plainSgd from checked hyperparameters, with the seed of one binary problem.
 *
 * @example
 * plainSgd(data, sgdSettings(model.params, 0));
 */
export function sgdSettings(params: Readonly<Record<string, unknown>>, seed: number): SgdSettings {
  const average = params.average as boolean | number;
  return {
    loss: sgdLoss(params.loss as SgdClassifierLoss | SgdRegressorLoss, params.epsilon as number),
    penalty: params.penalty as SgdPenalty,
    alpha: params.alpha as number,
    l1Ratio: params.l1Ratio as number,
    fitIntercept: params.fitIntercept as boolean,
    maxIter: params.maxIter as number,
    tol: params.tol as number | null,
    nIterNoChange: params.nIterNoChange as number,
    learningRate: params.learningRate as SgdLearningRate,
    eta0: params.eta0 as number,
    powerT: params.powerT as number,
    average: average === true ? 1 : average === false ? 0 : average,
    shuffle: params.shuffle as boolean,
    seed: seed >>> 0,
  };
}
