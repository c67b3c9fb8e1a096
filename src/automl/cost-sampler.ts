import seedrandom from 'seedrandom';
import { goalSign } from '../core/goal.ts';
import type { FinishedTrial, ParamSet } from '../core/trial.ts';
import type { Sampler, Suggestion, TrialHistory } from '../samplers/types.ts';
import type { SearchSpace, SpaceParameter } from '../space/types.ts';
import type { Candidate } from './candidates.ts';
import { MODEL_PATH } from './search-space.ts';
import { toUnit } from './unit.ts';

/** Options of the cost-aware sampler. */
export interface CostAwareOptions {
  readonly seed?: number;
  /** Seconds a finished trial took (fit + predict over all folds); default 1. */
  readonly costOf?: (trialId: number) => number | undefined;
  /** Seconds left for trials; a family whose cheapest known trial does not fit is not proposed. */
  readonly timeLeft?: () => number;
  /**
   * Whether a failed trial was pruned (stopped after its first fold as hopeless): a failed
   * move of its family, not an error (three errors take a family out of the search).
   */
  readonly pruned?: (trialId: number) => boolean;
}

interface Proposal {
  readonly learner: number;
  readonly point: number[];
  readonly kind: 'init' | 'plus' | 'minus' | 'restart';
}

interface Learner {
  readonly index: number;
  readonly candidate: Candidate;
  /** Unit-cube dimensions of this family's parameters. */
  readonly dims: number[];
  readonly init: number[];
  /** Centre of the local search and its score (higher is better). */
  center: number[] | undefined;
  centerScore: number;
  bestScore: number;
  step: number;
  dir: number[] | undefined;
  /** The `plus` move along `dir` failed: try `minus` next. */
  tryOpposite: boolean;
  failures: number;
  /** Every move lands on a configuration already tried: the family's space is spent. */
  spent: boolean;
  trials: number;
  costSum: number;
  errors: number;
  minCost: number;
  /** Score of the first completed trial, and the time spent when the best and the one before were found. */
  firstScore: number;
  timeAtBest: number;
  timeAtPrevBest: number;
}

const MAX_ERRORS = 3;
/** Moves tried before a duplicate configuration is proposed anyway. */
const MAX_RETRIES = 8;

/**
 * A cost-aware sampler over AutoML's conditional space, after FLAML's CFO: every model
 * family first tries its cheap starting configuration (families in order of cost), then
 * the sampler picks a family by its estimated cost for improvement (slow families and
 * families far from the best score are picked less often), and moves that family's
 * configuration by randomized direct search (FLOW2): a step along a random direction,
 * the opposite step when that did not improve, a smaller step after repeated failures,
 * and a restart from a random point when the step is exhausted. Costly settings
 * (more trees, more rounds) are reached only when cheaper ones keep improving.
 *
 * @example
 * const sampler = new CostAwareSampler(space, candidates, { seed: 1 });
 * sampler.suggest({ objective, trials: [], pending: [] }); // the cheapest family's start
 */
export class CostAwareSampler implements Sampler {
  readonly name = 'cost_aware';
  readonly space: SearchSpace;
  private readonly learners: Learner[];
  private readonly choiceDim: number;
  private readonly proposals: Proposal[] = [];
  private readonly seen = new Set<number>();
  /** Parameter sets already proposed (as JSON). */
  private readonly tried = new Set<string>();
  private readonly rng: seedrandom.PRNG;
  private readonly options: CostAwareOptions;
  private initOrder: number[];

  constructor(space: SearchSpace, candidates: readonly Candidate[], options: CostAwareOptions = {}) {
    this.space = space;
    this.options = options;
    this.rng = seedrandom(`cost-aware-${options.seed ?? 0}`);
    const modelParam = space.parameters.find((p) => p.path === MODEL_PATH);
    if (!modelParam || modelParam.distribution === undefined) {
      throw new Error(`the AutoML space has no '${MODEL_PATH}' choice`);
    }
    this.choiceDim = modelParam.dimension;
    this.learners = candidates.map((candidate, index) => {
      const params = space.parameters.filter(
        (p): p is SpaceParameter & { distribution: NonNullable<SpaceParameter['distribution']> } =>
          p.condition?.path === MODEL_PATH && p.condition.option === index && p.distribution !== undefined,
      );
      const dims = params.map((p) => p.dimension);
      const init = params.map((p) => {
        const name = p.path.slice(MODEL_PATH.length + 1);
        const v = candidate.initial[name];
        return v === undefined ? 0.5 : toUnit(p.distribution, v);
      });
      return {
        index,
        candidate,
        dims,
        init,
        center: undefined,
        centerScore: Number.NEGATIVE_INFINITY,
        bestScore: Number.NEGATIVE_INFINITY,
        step: initialStep(dims.length),
        dir: undefined,
        tryOpposite: false,
        failures: 0,
        spent: false,
        trials: 0,
        costSum: 0,
        errors: 0,
        minCost: Number.POSITIVE_INFINITY,
        firstScore: Number.NaN,
        timeAtBest: 0,
        timeAtPrevBest: 0,
      };
    });
    this.initOrder = this.learners
      .map((l) => l.index)
      .sort((a, b) => {
        const ca = candidates[a]!.costHint(candidates[a]!.initial);
        const cb = candidates[b]!.costHint(candidates[b]!.initial);
        return ca - cb;
      });
  }

  suggest(history: TrialHistory): Suggestion {
    const sign = goalSign(history.objective.goal);
    for (const t of history.trials) if (!this.seen.has(t.id)) this.absorb(t, sign);
    const next = this.initOrder.shift();
    if (next !== undefined)
      return this.propose({ learner: next, point: [...this.learners[next]!.init], kind: 'init' });
    for (;;) {
      const learner = this.pickLearner();
      if (!learner) return { exhausted: true };
      // a configuration already tried teaches nothing (the same folds and seed give the
      // same score): move again, then jump to random points; when those land on tried
      // ones too, the family's space is spent (k-NN's 128 settings after a few hundred
      // trials) and the trial goes to another family instead of a repeat
      let move = this.localMove(learner);
      for (let attempt = 0; attempt < MAX_RETRIES && this.tried.has(this.key(move)); attempt++) {
        move =
          attempt < MAX_RETRIES / 2
            ? this.localMove(learner)
            : { learner: learner.index, point: learner.dims.map(() => this.rng()), kind: 'restart' };
      }
      if (!this.tried.has(this.key(move))) return this.propose(move);
      learner.spent = true;
    }
  }

  private key(p: Proposal): string {
    return JSON.stringify(this.paramsOf(p));
  }

  private paramsOf(p: Proposal): ParamSet {
    const unit = new Array<number>(this.space.dimensions).fill(0.5);
    unit[this.choiceDim] = (p.learner + 0.5) / this.learners.length;
    const l = this.learners[p.learner]!;
    l.dims.forEach((d, i) => {
      unit[d] = p.point[i]!;
    });
    return this.space.fromUnit(unit) as ParamSet;
  }

  private propose(p: Proposal): Suggestion {
    this.proposals.push(p);
    const params = this.paramsOf(p);
    this.tried.add(JSON.stringify(params));
    return { params };
  }

  private absorb(t: FinishedTrial, sign: number): void {
    this.seen.add(t.id);
    const p = this.proposals[t.id];
    if (!p) return;
    const l = this.learners[p.learner]!;
    const cost = this.options.costOf?.(t.id) ?? 1;
    l.trials++;
    l.costSum += cost;
    if (t.status !== 'completed' || t.value === undefined || !Number.isFinite(t.value)) {
      if (t.status === 'failed' && !this.options.pruned?.(t.id)) l.errors++;
      // a timed-out or failed move counts as a failure of its direction, and shrinks the step
      this.failed(l, p);
      return;
    }
    l.minCost = Math.min(l.minCost, cost);
    const score = sign * t.value;
    if (Number.isNaN(l.firstScore)) l.firstScore = score;
    if (score > l.bestScore) {
      l.bestScore = score;
      l.timeAtPrevBest = l.timeAtBest;
      l.timeAtBest = l.costSum;
    }
    if (l.center === undefined || score > l.centerScore) {
      l.center = p.point;
      l.centerScore = score;
      l.failures = 0;
      l.tryOpposite = false;
      l.dir = undefined;
    } else {
      this.failed(l, p);
    }
  }

  private failed(l: Learner, p: Proposal): void {
    if (l.center === undefined) {
      l.center = p.point;
      return;
    }
    l.failures++;
    l.tryOpposite = p.kind === 'plus';
    if (l.failures >= 2 * Math.max(1, l.dims.length)) {
      l.failures = 0;
      l.step *= 0.5;
    }
  }

  /**
   * A family drawn with probability proportional to 1 / ECI, FLAML's estimated cost for
   * improvement: for the family holding the best score, the time its last improvement
   * took (or has been awaited); for the others, also the time their observed speed of
   * improvement needs to close their gap to the best score.
   */
  private pickLearner(): Learner | undefined {
    const globalBest = Math.max(...this.learners.map((l) => l.bestScore));
    const timeLeft = this.options.timeLeft?.() ?? Number.POSITIVE_INFINITY;
    const weights = this.learners.map((l) => {
      if (l.errors >= MAX_ERRORS || l.trials === 0 || l.spent) return 0;
      if (Number.isFinite(l.minCost) && l.minCost > timeLeft) return 0;
      const avg = Math.max(l.costSum / l.trials, 1e-3);
      const eci1 = Math.max(l.costSum - l.timeAtBest, l.timeAtBest - l.timeAtPrevBest, avg);
      if (!Number.isFinite(l.bestScore)) return 1 / (eci1 * 10);
      if (l.bestScore >= globalBest) return 1 / eci1;
      const gap = globalBest - l.bestScore;
      const speed = (l.bestScore - l.firstScore) / Math.max(l.costSum, 1e-3);
      const relGap = gap / Math.max(Math.abs(globalBest), 1e-9);
      const eci2 = speed > 0 ? gap / speed : l.costSum * (2 + 50 * relGap);
      return 1 / Math.max(eci1, eci2);
    });
    const total = weights.reduce((a, b) => a + b, 0);
    if (total <= 0) return undefined;
    let u = this.rng() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i]!;
      if (u <= 0 && weights[i]! > 0) return this.learners[i];
    }
    return this.learners[weights.findLastIndex((w) => w > 0)];
  }

  private localMove(l: Learner): Proposal {
    const center = l.center ?? l.init;
    if (l.dims.length === 0) return { learner: l.index, point: [], kind: 'restart' };
    if (l.step < minStep(l.dims.length)) {
      // the neighbourhood is exhausted: restart from a random point, keeping what was learned
      l.step = initialStep(l.dims.length);
      l.center = undefined;
      l.centerScore = Number.NEGATIVE_INFINITY;
      l.dir = undefined;
      l.tryOpposite = false;
      return { learner: l.index, point: l.dims.map(() => this.rng()), kind: 'restart' };
    }
    if (l.tryOpposite && l.dir) {
      l.tryOpposite = false;
      return { learner: l.index, point: move(center, l.dir, -l.step), kind: 'minus' };
    }
    l.dir = this.direction(l.dims.length);
    return { learner: l.index, point: move(center, l.dir, l.step), kind: 'plus' };
  }

  /** A uniformly random unit vector (normalized Gaussian draws, Box-Muller). */
  private direction(d: number): number[] {
    const v = Array.from({ length: d }, () => {
      const u1 = Math.max(this.rng(), 1e-12);
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * this.rng());
    });
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  }
}

function initialStep(d: number): number {
  return 0.1 * Math.sqrt(Math.max(1, d));
}

function minStep(d: number): number {
  return 0.005 * Math.sqrt(Math.max(1, d));
}

function move(center: readonly number[], dir: readonly number[], step: number): number[] {
  return center.map((c, i) => Math.min(1, Math.max(0, c + step * dir[i]!)));
}
