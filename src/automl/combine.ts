import { better, type Goal } from '../core/goal.ts';
import type { Task } from '../core/trial.ts';
import type { BuildContext } from './candidates.ts';
import { baggedEnsemble, blend, type EnsembleSelection, greedyEnsemble } from './ensemble.ts';
import { type EncodedTarget, isRocAuc, scorePredictions, scoresProbabilities } from './scoring.ts';
import { stackingScore } from './stacking.ts';
import { fitTemperature, temperProbabilities } from './temperature.ts';
import type { TrialRecord } from './trial-record.ts';
import type { LeaderboardEntry } from './types.ts';

/** Seconds stacking's own cross-validation may take, at the most expected. */
const STACKING_SECONDS = 3;

/** Models ensemble selection draws on, unless the options say otherwise. */
export const POOL_SIZE = 10;

/**
 * Bagged ensemble selection under a metric that scores probabilities or their order: the
 * best model of each of the best `learners` learners, in bags of half of them each
 * (Caruana et al.'s 20 bags of half the models). 5 learners have 10 subsets of 3, so
 * every subset is one bag (`bagsOf`): `bags` caps the count where there would be more.
 */
export const BAGGING = { learners: 5, bags: 20 } as const;

/**
 * Whether ensemble selection is bagged under `metric`: the metrics that score class
 * probabilities (log loss, Brier) or their order (ROC AUC). Over the same searches
 * (each trial's out-of-fold and test predictions kept, five test folds), bagging against
 * one greedy run over the pool: house_votes84 AUC 0.9903 -> 0.9944, ionosphere 0.9854 ->
 * 0.9872, pima 0.8393 -> 0.8417, sonar 0.9602 -> 0.9606, breast_cancer 0.9955 -> 0.9956;
 * wine log loss 0.099 -> 0.057. Not RMSE: boston_housing 3.059 -> 3.132.
 *
 * @example
 * bagsSelection('AUC_weighted'); // true
 * bagsSelection('normalized_root_mean_squared_error'); // false
 */
export function bagsSelection(metric: string): boolean {
  return scoresProbabilities(metric) || isRocAuc(metric);
}

/** How the final pipeline combines its models. */
export interface Combination {
  readonly kind: 'single' | 'ensemble' | 'stack';
  readonly members: ReadonlyArray<{ readonly record: TrialRecord; readonly weight: number }>;
  readonly score: number;
  /** The leaderboard entry of an ensemble or a stack (absent for a single model). */
  readonly entry?: LeaderboardEntry;
  /** An ensemble's class-probability temperature (see fitTemperature); absent: 1. */
  readonly temperature?: number;
}

/** Options of {@link chooseCombination}. */
export interface CombineOptions {
  readonly metric: string;
  readonly goal: Goal;
  readonly iterations: number;
  readonly poolSize: number;
  readonly build: BuildContext;
  /** Expected seconds to refit a trial's configuration on all rows. */
  readonly refitSeconds: (record: TrialRecord) => number;
  /** Seconds left for refitting (the budget's end minus a safety margin). */
  readonly secondsLeft: () => number;
}

/**
 * The models ensemble selection chooses from: the best of each family first (diverse
 * models blend better than near-copies of one), then the best others, `size` in all.
 *
 * @example
 * ensemblePool(rankedTrials, 10);
 */
export function ensemblePool(ranked: readonly TrialRecord[], size: number): TrialRecord[] {
  const available = ranked.filter((r) => r.oof !== undefined);
  const pool = bestPerFamily(available);
  for (const r of available) if (pool.length < size && !pool.includes(r)) pool.push(r);
  return pool;
}

/**
 * The first record of each key, in the records' order (best first: the best of each).
 *
 * @example
 * firstOfEach(ranked, (r) => r.candidate.name);
 */
function firstOfEach(records: readonly TrialRecord[], key: (r: TrialRecord) => unknown): TrialRecord[] {
  const seen = new Set<unknown>();
  return records.filter((r) => {
    const k = key(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * The best model of each family (candidate name), best first.
 *
 * @example
 * bestPerFamily(pool).map((r) => r.candidate.name);
 */
function bestPerFamily(records: readonly TrialRecord[]): TrialRecord[] {
  return firstOfEach(records, (r) => r.candidate.name);
}

/**
 * The best model of each learner, best first. Families that share their estimator count
 * once (GradientBoosting, LightGBM and XGBoost are one boosting learner searched over
 * other ranges): their best models err on the same rows, and bags of half the learners
 * should hold different ones.
 *
 * @example
 * bestPerLearner(pool, 'classification').map((r) => r.candidate.name);
 */
export function bestPerLearner(pool: readonly TrialRecord[], task: Task): TrialRecord[] {
  return firstOfEach(pool, (r) => r.candidate.prototypes[task] ?? r.candidate.name);
}

function combinedEntry(
  model: string,
  members: Combination['members'],
  score: number,
  metrics: Record<string, number>,
  temperature = 1,
): LeaderboardEntry {
  const weights = Object.fromEntries(members.map((m) => [`trial_${m.record.id}`, m.weight]));
  return {
    rank: 1,
    model,
    params: temperature === 1 ? weights : { ...weights, temperature },
    score,
    metrics,
    fitSeconds: members.reduce((a, m) => a + m.record.evaluation.fitSeconds, 0),
    predictSeconds: members.reduce((a, m) => a + m.record.evaluation.predictSeconds, 0),
  };
}

/**
 * Picks the best of: the best single model, greedy ensemble selection over the pool,
 * and stacking (a logistic / ridge meta-learner over the family-best models' out-of-fold
 * predictions, itself cross-validated; not under a metric that scores probabilities). A
 * combination is kept only when it validates strictly better than the best single
 * model, except where ensemble selection is bagged (`bagsSelection`: log loss, Brier,
 * ROC AUC): there it runs over the best learners' best models (`BAGGING`) and its blend
 * is kept whenever it has two models or more. Only models whose refits fit in the time
 * left take part.
 * The notices say what was tried.
 *
 * @example
 * const c = await chooseCombination(ranked, target, options, notices);
 */
export async function chooseCombination(
  ranked: readonly TrialRecord[],
  target: EncodedTarget,
  o: CombineOptions,
  notices: string[],
): Promise<Combination> {
  const best = ranked[0]!;
  let chosen: Combination = { kind: 'single', members: [{ record: best, weight: 1 }], score: best.score };
  // only models whose refits together fit in the time left are candidates
  let spend = 0;
  const pool = ensemblePool(ranked, o.poolSize).filter((r, i) => {
    spend += o.refitSeconds(r);
    return i === 0 || spend <= o.secondsLeft();
  });
  if (pool.length < 2) return chosen;
  const rows = best.evaluation.rows;
  const fmt = (v: number) => v.toFixed(4);

  // Under log loss (or Brier) the best single model's validation score is the least to be
  // trusted: it was picked on the very rows it is scored on, and one new row it is sure
  // and wrong about costs more than all the others together (wine: logistic regression
  // at C=1000 validated at log loss 0.016 and scored 0.177 on its test fold, 6.35 of it
  // on one row of 36). Bagged selection over the best learners spreads the weight unless
  // one model wins every bag it is in, and is kept even where its validation score is
  // above that single model's. Under AUC one greedy run chases ties of a few rows among
  // near-equal models (house_votes84: validation 0.9966, test 0.9865 on one fold).
  const learners = bestPerLearner(pool, target.task);
  const bagged = bagsSelection(o.metric) && learners.length >= 2;
  const drawn = bagged ? learners.slice(0, BAGGING.learners) : pool;
  const inputs = drawn.map((r) => ({ oof: r.oof! }));
  const drawnRefit = drawn.reduce((a, r) => a + o.refitSeconds(r), 0);
  const selection: EnsembleSelection = bagged
    ? baggedEnsemble(inputs, target, rows, o.metric, o.goal, o.iterations, {
        bags: BAGGING.bags,
        modelsPerBag: Math.ceil(drawn.length / 2),
        seed: o.build.seed,
        // on a large table the bags may take seconds: they stop where the members' refits need the rest
        another: () => o.secondsLeft() > drawnRefit,
      })
    : greedyEnsemble(inputs, target, rows, o.metric, o.goal, o.iterations);
  const members = selection.members.map((m) => ({ record: drawn[m.index]!, weight: m.weight }));
  if (bagged && members.length > 1 && !better(o.goal, selection.score, chosen.score)) {
    notices.push(
      `Bagged ensemble selection validated at ${fmt(selection.score)} vs the best single model's ${fmt(best.score)}: kept, as the single model's score was chosen on the rows it is scored on.`,
    );
  }
  if (members.length > 1 && (bagged || better(o.goal, selection.score, chosen.score))) {
    let oof = blend(
      members.map((m) => m.record.oof!),
      members.map((m) => m.weight),
    );
    let score = selection.score;
    let temperature = 1;
    // a blend of probabilities is softer than its members: under a metric that scores
    // them, one temperature fitted on the out-of-fold rows sharpens it back
    if (target.task === 'classification' && scoresProbabilities(o.metric)) {
      const fitted = fitTemperature(oof, target, rows, o.metric, o.goal);
      if (fitted.temperature !== 1) {
        notices.push(
          `The ensemble's probabilities are scaled by temperature ${fitted.temperature.toFixed(3)}: validation ${fmt(score)} -> ${fmt(fitted.score)}.`,
        );
        oof = temperProbabilities(oof, target.classes.length, fitted.temperature);
        ({ temperature, score } = fitted);
      }
    }
    const name = `Ensemble(${members.map((m) => `${m.record.candidate.name}#${m.record.id}:${m.weight.toFixed(2)}`).join(', ')}${temperature === 1 ? '' : `; T=${temperature.toFixed(3)}`})`;
    chosen = {
      kind: 'ensemble',
      members,
      score,
      entry: combinedEntry(name, members, score, scorePredictions(target, oof, rows), temperature),
      ...(temperature === 1 ? {} : { temperature }),
    };
  } else if (members.length > 1) {
    notices.push(`Ensemble selection validated at ${fmt(selection.score)} vs ${fmt(best.score)}: not kept.`);
  }

  const families = bestPerFamily(pool);
  const familyRefit = families.reduce((a, r) => a + o.refitSeconds(r), 0);
  // stacking fits its meta-learner once per meta-fold: try it only with time to spare.
  // Not for a metric that scores probabilities: the meta-learner learns the scale of the
  // fold models' out-of-fold probabilities, and the members refitted on all rows are
  // surer of themselves, so the coefficients that sharpened the first overshoot on new
  // rows (glass: stack CV log loss 0.60, test 0.59, ensemble selection 0.65 and 0.53;
  // wine: 0.023 and 0.060 against the best single model's 0.028 and 0.025)
  if (
    families.length >= 2 &&
    !scoresProbabilities(o.metric) &&
    o.secondsLeft() - familyRefit > STACKING_SECONDS
  ) {
    const { score, oof } = await stackingScore(
      families.map((r) => r.oof!),
      target,
      rows,
      o.metric,
      o.build,
    );
    if (better(o.goal, score, chosen.score)) {
      const stackMembers = families.map((record) => ({ record, weight: 1 / families.length }));
      const name = `Stack(${families.map((r) => `${r.candidate.name}#${r.id}`).join(', ')})`;
      chosen = {
        kind: 'stack',
        members: stackMembers,
        score,
        entry: combinedEntry(name, stackMembers, score, scorePredictions(target, oof, rows)),
      };
    } else {
      notices.push(`Stacking validated at ${fmt(score)} vs ${fmt(chosen.score)}: not kept.`);
    }
  }
  return chosen;
}
