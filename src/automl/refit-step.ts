import type { ColumnMatrix } from '../compute/matrix.ts';
import { Featurizer } from '../data/featurizer.ts';
import { applyStandardScaling, fitStandardScaling } from '../data/scale.ts';
import type { Split } from '../data/splits.ts';
import type { Estimator } from '../models/types.ts';
import type { Budget } from './budget.ts';
import type { Combined } from './combine-step.ts';
import { balancedWeights, featurizerTarget, foldSubset } from './folds.ts';
import { AutoMLPipeline, type PipelineMember } from './pipeline.ts';
import type { PreparedRun } from './prepare-step.ts';
import { fitStacker } from './stacking.ts';
import type { TrialRecord } from './trial-record.ts';

/** The configuration a record's model is refitted with: boosting gets 1.1 x its mean best round. */
function refitParams(record: TrialRecord): TrialRecord['params'] {
  const rounds = record.evaluation.bestRounds;
  if (rounds.length === 0) return record.params;
  return {
    ...record.params,
    nEstimators: Math.max(1, Math.round((1.1 * rounds.reduce((a, b) => a + b, 0)) / rounds.length)),
  };
}

/**
 * The configuration of a record's model on validation split `f`: boosting gets the best
 * round that split's early stopping found (its mean when a split has none), as its trial did.
 */
function foldParams(record: TrialRecord, f: number): TrialRecord['params'] {
  const rounds = record.evaluation.bestRounds;
  if (rounds.length === 0) return record.params;
  const mean = rounds.reduce((a, b) => a + b, 0) / rounds.length;
  return { ...record.params, nEstimators: Math.max(1, Math.round(rounds[f] ?? mean)) };
}

/**
 * Whether the final pipeline averages the models of the validation splits (one per split,
 * each fitted on that split's training rows) instead of one model refitted on all rows,
 * as Auto-sklearn's cross-validation and AutoGluon's bagging do: with two or more splits,
 * for a single model or an ensemble. Not for a stack (its meta-learner reads one column
 * block per member), a holdout (one split: its model saw fewer rows than a refit), or an
 * interrupted search (the user asked to stop: one fit, not one per split).
 *
 * @example
 * bagsFoldModels(prepared, 'ensemble', false); // true under 5-fold cross-validation
 */
export function bagsFoldModels(
  prepared: Pick<PreparedRun, 'splits'>,
  kind: Combined['combination']['kind'],
  interrupted: boolean,
): boolean {
  return prepared.splits.length >= 2 && kind !== 'stack' && !interrupted;
}

/** One model of `record` per validation split, fitted on the split's training rows, each with `weight / splits`. */
async function foldMembers(
  record: TrialRecord,
  weight: number,
  splits: readonly Split[],
  X: ColumnMatrix,
  y: Int32Array | Float64Array,
  balance: number | undefined,
  build: PreparedRun['build'],
): Promise<PipelineMember[]> {
  const members: PipelineMember[] = [];
  for (const [f, split] of splits.entries()) {
    const part = foldSubset(X, y, undefined, split.train);
    const estimator: Estimator = record.candidate.create(foldParams(record, f), build);
    await estimator.fitAsync(
      part.X,
      part.y,
      balance !== undefined ? { sampleWeight: balancedWeights(part.y as Int32Array, balance) } : {},
    );
    members.push({
      name: record.candidate.name,
      weight: weight / splits.length,
      scaled: record.candidate.needsScaling,
      estimator,
    });
  }
  return members;
}

/**
 * AutoML's last step: fits the featurizer on every row, then the chosen model(s): under
 * cross-validation one model per validation split, averaged (see bagsFoldModels), else
 * one refitted on every row (and the stacker on the out-of-fold predictions); the
 * pipeline records how the search ended.
 *
 * @example
 * const pipeline = await refitStep(combined, budget);
 */
export async function refitStep(combined: Combined, budget: Budget): Promise<AutoMLPipeline> {
  const { combination, search } = combined;
  const prepared = search.prepared;
  const { features, featurizerOptions, target, build, imbalanced, options, metric, splits } = prepared;
  const chosen = combination.members;
  const featurizer = new Featurizer({ ...featurizerOptions, seed: build.seed });
  const X = featurizer.fitTransform(features, featurizerTarget(target));
  const needsScaling = chosen.some((c) => c.record.candidate.needsScaling);
  const scaling = needsScaling ? fitStandardScaling(X) : undefined;
  const Xs = scaling ? applyStandardScaling(X, scaling) : undefined;
  const y = target.task === 'classification' ? target.codes : target.values;
  const balance = imbalanced && target.task === 'classification' ? target.classes.length : undefined;
  const bagged = bagsFoldModels(prepared, combination.kind, budget.interrupted);
  const members: PipelineMember[] = [];
  for (const { record, weight: w } of chosen) {
    const data = record.candidate.needsScaling ? Xs! : X;
    if (bagged) {
      members.push(...(await foldMembers(record, w, splits, data, y, balance, build)));
      continue;
    }
    const estimator: Estimator = record.candidate.create(refitParams(record), build);
    await estimator.fitAsync(
      data,
      y,
      balance !== undefined ? { sampleWeight: balancedWeights(y as Int32Array, balance) } : {},
    );
    members.push({
      name: record.candidate.name,
      weight: w,
      scaled: record.candidate.needsScaling,
      estimator,
    });
  }
  const stacker =
    combination.kind === 'stack'
      ? await fitStacker(
          chosen.map((c) => c.record.oof!),
          target,
          chosen[0]!.record.evaluation.rows,
          build,
        )
      : undefined;
  return new AutoMLPipeline({
    ...(stacker ? { stacker } : {}),
    task: target.task,
    target: options.target,
    ...(target.task === 'classification' ? { classes: target.classes } : {}),
    featurizer,
    ...(scaling ? { scaling } : {}),
    members,
    primaryMetric: metric,
    validationScore: combination.score,
    provenance: { stopReason: search.stopReason, partial: budget.interrupted },
  });
}
