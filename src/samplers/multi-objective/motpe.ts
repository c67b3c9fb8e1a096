/**
 * MOTPE: the tree-structured Parzen estimator with several objectives (Ozaki, Tanigaki,
 * Watanabe & Onishi 2020/2022; Optuna's TPESampler when a study has several directions).
 *
 * The densities are, by default, independent per parameter as in Optuna (parzen.ts:
 * one Parzen estimator per coordinate, each drawn top-down through conditional
 * branches, 24 candidates from the good density, the one with the largest
 * log l(x) − log g(x) kept); with `multivariate: true` they are the joint densities of
 * bayes/tpe.ts. Both start from the same scrambled Sobol design and count running trials
 * as bad (a constant liar). The split into "good" and "bad" trials is multi-objective: the γ(n) good
 * trials (the same γ as single-objective TPE) are taken front by front from the
 * constrained non-dominated sort (so feasible trials come first, Deb's rules); when the
 * last front taken does not fit whole, the subset that keeps the largest hypervolume is
 * chosen greedily (hypervolume subset selection, as Optuna does), with the reference
 * point 1.1 × the worst loss of every objective (0.9 × where that loss is negative);
 * with 4 or more objectives and a last front of more than 32 trials, by crowding
 * distance instead (the exact hypervolume of many subsets would cost too much).
 * Trials without a finite value for every objective, failed ones included, are bad.
 *
 * With independent densities, the good components are weighted by their hypervolume
 * contribution, as Optuna does (`contributionWeights`); the multivariate densities of
 * bayes/tpe.ts weigh them equally.
 */
import type { FinishedTrial, Objective, ParamSet } from '../../core/trial.ts';
import type { SearchSpace } from '../../space/types.ts';
import { InitialDesign, suggestionRng } from '../bayes/design.ts';
import { type Coordinate, coordinates, unitOf } from '../bayes/encode.ts';
import type { Observation } from '../bayes/observations.ts';
import { goodCount, TPESampler, tpeStartupSize } from '../bayes/tpe.ts';
import { freshSeed, nextPosition } from '../position.ts';
import type { Sampler, Suggestion, TrialHistory } from '../types.ts';
import { hypervolume } from './hypervolume.ts';
import { crowdingDistance, fronts, lossesOf, nonDominatedSort } from './pareto.ts';
import { categoricalParzen, numericParzen, type Parzen1D } from './parzen.ts';

/** Options of the MOTPE sampler. */
export interface MOTPESamplerOptions {
  /** The root of every random choice; a fresh one (kept in `sampler.seed`) when absent. */
  readonly seed?: number | undefined;
  /** Initial Sobol trials; default `tpeStartupSize(space.dimensions)` (10 to 20). */
  readonly initialTrials?: number;
  /** Candidates drawn from the good density per suggestion (default 24). */
  readonly candidates?: number;
  /**
   * One joint density over all parameters (bayes/tpe.ts) instead of one independent
   * density per parameter (parzen.ts, Optuna's default) [false].
   */
  readonly multivariate?: boolean;
}

/**
 * The indices of the `count` best trials for a multi-objective split: whole fronts, the
 * last one cut by greedy hypervolume subset selection (module comment).
 *
 * @example
 * goodIndices([[0, 3], [1, 1], [3, 0], [2, 2]], [0, 0, 0, 0], 2); // two of the first front
 */
export function goodIndices(
  losses: readonly number[][],
  violations: readonly number[],
  count: number,
): number[] {
  if (count <= 0 || losses.length === 0) return [];
  const ranks = nonDominatedSort(losses, { violations, limit: count });
  const out: number[] = [];
  for (const front of fronts(ranks)) {
    if (out.length + front.length <= count) {
      out.push(...front);
      if (out.length === count) break;
      continue;
    }
    const k = count - out.length;
    const m = losses[front[0]!]!.length;
    out.push(
      ...(m <= 3 || front.length <= HSSP_MAX_FRONT
        ? hssp(losses, front, k, referencePoint(losses))
        : byCrowding(losses, front, k)),
    );
    break;
  }
  return out;
}

/**
 * With 4 or more objectives the exact hypervolume (WFG) of every candidate subset gets
 * costly; past this many points the last front is cut by crowding distance instead.
 */
const HSSP_MAX_FRONT = 32;

/** The `k` members of `front` with the largest crowding distance (ties: first). */
function byCrowding(losses: readonly number[][], front: readonly number[], k: number): number[] {
  const distance = crowdingDistance(losses, front);
  return front
    .map((i, j) => ({ i, d: distance[j]!, j }))
    .sort((a, b) => b.d - a.d || a.j - b.j)
    .slice(0, k)
    .map((x) => x.i);
}

/** 1.1 × the worst loss per objective (0.9 × when negative; a tiny positive number for 0). */
function referencePoint(losses: readonly number[][]): number[] {
  const m = losses[0]!.length;
  const ref: number[] = [];
  for (let j = 0; j < m; j++) {
    let worst = Number.NEGATIVE_INFINITY;
    for (const l of losses) worst = Math.max(worst, l[j]!);
    const r = Math.max(1.1 * worst, 0.9 * worst);
    ref.push(r === 0 ? 1e-12 : r);
  }
  return ref;
}

/** Greedy hypervolume subset selection: `k` members of `front`, each step the largest gain (ties: first). */
function hssp(
  losses: readonly number[][],
  front: readonly number[],
  k: number,
  reference: number[],
): number[] {
  const chosen: number[] = [];
  const left = [...front];
  let current = 0;
  while (chosen.length < k && left.length > 0) {
    let best = 0;
    let bestGain = Number.NEGATIVE_INFINITY;
    const base = chosen.map((i) => losses[i]!);
    for (let c = 0; c < left.length; c++) {
      const gain = hypervolume([...base, losses[left[c]!]!], reference) - current;
      if (gain > bestGain) {
        bestGain = gain;
        best = c;
      }
    }
    current += bestGain;
    chosen.push(left[best]!);
    left.splice(best, 1);
  }
  return chosen;
}

/** A parameter set with its component weight (NaN: the default weight by recency). */
interface Weighted {
  readonly params: ParamSet;
  readonly weight: number;
}

/**
 * The weights of the good trials' components, as Optuna's MOTPE: each trial's
 * hypervolume contribution within the good set (reference point as in the split),
 * divided by the largest, floored at 1e-12 so that no good trial is ignored.
 *
 * @example
 * contributionWeights([[0, 1], [0.5, 0.5], [1, 0]]); // the middle point weighs most
 */
export function contributionWeights(losses: readonly number[][]): number[] {
  if (losses.length <= 1) return losses.map(() => 1);
  const reference = referencePoint(losses);
  const total = hypervolume(losses, reference);
  const gains = losses.map(
    (_, i) =>
      total -
      hypervolume(
        losses.filter((__, j) => j !== i),
        reference,
      ),
  );
  const top = Math.max(...gains);
  return gains.map((g) => (top > 0 ? Math.min(1, Math.max(1e-12, g / top)) : 1));
}

/** TPE whose ranking of observations is the multi-objective split. */
class MultiObjectiveTPE extends TPESampler {
  private history: TrialHistory | undefined;

  override suggest(history: TrialHistory): Suggestion {
    this.history = history;
    try {
      return super.suggest(history);
    } finally {
      this.history = undefined;
    }
  }

  /** The observations (one per history trial, in order) with the good ones first. */
  protected override usable(observed: Observation[]): Observation[] {
    const history = this.history;
    if (history === undefined) return observed;
    const objectives: readonly Objective[] = history.objectives ?? [history.objective];
    const trials = history.trials;
    const index = new Map<FinishedTrial, number>(trials.map((t, i) => [t, i]));
    const scored = lossesOf(trials, objectives);
    if (scored.trials.length === 0) return [];
    const good = goodIndices(scored.losses, scored.violations, goodCount(observed.length)).map(
      (k) => index.get(scored.trials[k]!)!,
    );
    // Good first, then the other trials with values, then those without (failed last).
    const isGood = new Set(good);
    const scoredIndex = new Set(scored.trials.map((t) => index.get(t)!));
    const rest = observed.map((_, i) => i).filter((i) => !isGood.has(i));
    return [
      ...good.map((i) => observed[i]!),
      ...rest.filter((i) => scoredIndex.has(i)).map((i) => observed[i]!),
      ...rest.filter((i) => !scoredIndex.has(i)).map((i) => observed[i]!),
    ];
  }
}

/**
 * MOTPE (module comment for the method), `sampling_algorithm: motpe`.
 *
 * @example
 * const sampler = new MOTPESampler(space, { seed: 3 });
 * sampler.suggest({ objective, objectives, trials, pending });
 */
export class MOTPESampler implements Sampler {
  readonly name = 'motpe';
  readonly space: SearchSpace;
  readonly seed: number;
  readonly initialTrials: number;
  readonly candidates: number;
  readonly multivariate: boolean;
  private readonly inner: MultiObjectiveTPE;
  private readonly coords: Coordinate[];
  private readonly design: InitialDesign;

  constructor(space: SearchSpace, options: MOTPESamplerOptions = {}) {
    this.space = space;
    this.seed = options.seed ?? freshSeed();
    this.initialTrials = options.initialTrials ?? tpeStartupSize(space.dimensions);
    this.candidates = options.candidates ?? 24;
    this.multivariate = options.multivariate ?? false;
    this.coords = coordinates(space);
    this.design = new InitialDesign(space, this.seed);
    this.inner = new MultiObjectiveTPE(space, {
      seed: this.seed,
      initialTrials: this.initialTrials,
      candidates: this.candidates,
    });
  }

  suggest(history: TrialHistory): Suggestion {
    if (this.multivariate) return this.inner.suggest(history);
    const position = nextPosition(history);
    const objectives: readonly Objective[] = history.objectives ?? [history.objective];
    const scored = lossesOf(history.trials, objectives);
    if (position < this.initialTrials || this.coords.length === 0 || scored.trials.length < 2) {
      return { params: this.design.at(position) };
    }
    const picked = goodIndices(scored.losses, scored.violations, goodCount(history.trials.length));
    const contribution = new Map(
      contributionWeights(picked.map((k) => scored.losses[k]!)).map((w, j) => [
        scored.trials[picked[j]!]!,
        w,
      ]),
    );
    // Good: in trial order, weighted by hypervolume contribution. Bad: every other ended
    // trial (failed ones too) and the running ones (a constant liar), default weights.
    const good = history.trials
      .filter((t) => contribution.has(t))
      .map((t) => ({ params: t.params, weight: contribution.get(t)! }));
    const bad = [
      ...history.trials.filter((t) => !contribution.has(t)).map((t) => t.params),
      ...history.pending.map((p) => p.params),
    ].map((params) => ({ params, weight: Number.NaN }));
    return { params: this.independent(good, bad, suggestionRng(this.seed, 'motpe', position)) };
  }

  /** Each active coordinate from its own good/bad estimators, top-down through the branches. */
  private independent(good: readonly Weighted[], bad: readonly Weighted[], rng: () => number): ParamSet {
    const u = new Float64Array(this.space.dimensions).fill(0.5);
    const chosen = new Map<string, number>();
    for (const c of this.coords) {
      if (c.condition !== undefined && chosen.get(c.condition.path) !== c.condition.option) continue;
      const l = this.estimator(c, good);
      const g = this.estimator(c, bad);
      let best = l.sample(rng);
      let bestScore = l.logDensity(best) - g.logDensity(best);
      for (let k = 1; k < this.candidates; k++) {
        const x = l.sample(rng);
        const score = l.logDensity(x) - g.logDensity(x);
        if (score > bestScore) {
          best = x;
          bestScore = score;
        }
      }
      if (c.categories > 0) {
        chosen.set(c.path, best);
        u[c.dimension] = (best + 0.5) / c.categories;
      } else {
        u[c.dimension] = best;
      }
    }
    return this.space.fromUnit(u);
  }

  /**
   * The estimator of one coordinate from the sets in which it is active, with their
   * weights (NaN weights: Optuna's default weights by recency).
   */
  private estimator(c: Coordinate, sets: readonly Weighted[]): Parzen1D {
    const observed: number[] = [];
    const weights: number[] = [];
    for (const { params, weight } of sets) {
      const v = params[c.path];
      if (v === undefined) continue;
      const x = unitOf(c.distribution, v);
      observed.push(c.categories > 0 ? Math.min(c.categories - 1, Math.floor(x * c.categories)) : x);
      weights.push(weight);
    }
    const given = weights.every((w) => !Number.isNaN(w)) ? weights : undefined;
    return c.categories > 0
      ? categoricalParzen(observed, c.categories, given)
      : numericParzen(observed, given);
  }
}
