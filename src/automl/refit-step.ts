import { Featurizer } from '../data/featurizer.ts';
import { applyStandardScaling } from '../data/scale.ts';
import type { Estimator } from '../models/types.ts';
import type { Budget } from './budget.ts';
import type { Combined } from './combine-step.ts';
import { balancedWeights, featurizerTarget } from './folds.ts';
import { AutoMLPipeline, type PipelineMember } from './pipeline.ts';
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
 * AutoML's last step: refits the featurizer and the chosen model(s) on every row (and the
 * stacker on the out-of-fold predictions), recording in the pipeline how the search
 * ended.
 *
 * @example
 * const pipeline = await refitStep(combined, budget);
 */
export async function refitStep(combined: Combined, budget: Budget): Promise<AutoMLPipeline> {
  const { combination, search } = combined;
  const { features, featurizerOptions, target, build, imbalanced, options, metric } = search.prepared;
  const chosen = combination.members;
  const featurizer = new Featurizer({ ...featurizerOptions, seed: build.seed });
  const X = featurizer.fitTransform(features, featurizerTarget(target));
  const needsScaling = chosen.some((c) => c.record.candidate.needsScaling);
  const scaling = needsScaling ? featurizer.fitScaling(X) : undefined;
  const Xs = scaling ? applyStandardScaling(X, scaling) : undefined;
  const y = target.task === 'classification' ? target.codes : target.values;
  const weight =
    imbalanced && target.task === 'classification'
      ? balancedWeights(target.codes, target.classes.length)
      : undefined;
  const members: PipelineMember[] = [];
  for (const { record, weight: w } of chosen) {
    const estimator: Estimator = record.candidate.create(refitParams(record), build);
    await estimator.fitAsync(
      record.candidate.needsScaling ? Xs! : X,
      y,
      weight ? { sampleWeight: weight } : {},
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
    ...(combination.temperature !== undefined ? { temperature: combination.temperature } : {}),
    primaryMetric: metric,
    validationScore: combination.score,
    provenance: { stopReason: search.stopReason, partial: budget.interrupted },
  });
}
