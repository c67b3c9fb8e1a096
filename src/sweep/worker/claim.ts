/**
 * The decision a worker makes inside a claim's lock (`SweepStore.claimTrial`): whether the
 * sweep may start one more trial and with which parameters. It reads only what the store
 * hands it (every trial as it stands, the head of the queue) and the sweep's definition,
 * so whichever worker decides, the decision is the same, and two workers never decide at
 * once: exactly max_total_trials trials run, max_concurrent_trials holds across workers.
 */
import type { StopReason } from '../../core/trial.ts';
import type { Sampler } from '../../samplers/types.ts';
import type { SearchSpace } from '../../space/types.ts';
import type { ClaimChoice, ClaimState, StoredTrial } from '../../store/records.ts';
import { completeParams } from '../../study/complete.ts';
import { ClaimTally } from './claim-tally.ts';
import type { WorkerDefinition } from './definition.ts';

/**
 * Thrown by the chooser to claim nothing (the store rolls the claim back): `wait` when a
 * trial may become claimable later (the sweep is at max_concurrent_trials, or trials still
 * run that a reaping could hand back), `end` when the sweep is over and nothing runs.
 */
export class NoClaim extends Error {
  constructor(
    readonly outcome: 'wait' | 'end',
    /** Why: `busy` (max_concurrent_trials), or the sweep's stop reason. */
    readonly reason: 'busy' | StopReason,
    message: string,
  ) {
    super(message);
    this.name = 'NoClaim';
  }
}

/** What the chooser needs besides the store's state. */
export interface ClaimContext {
  readonly definition: WorkerDefinition;
  readonly space: SearchSpace;
  readonly sampler: Sampler;
  /** True once the sweep's timeout has passed (from its recorded start). */
  readonly timedOut: boolean;
  /**
   * The sweep's trials as counted at the previous claim, kept from one claim to the next
   * (the worker keeps one per sweep) so a claim costs what changed; absent: a fresh one.
   */
  readonly tally?: ClaimTally;
}

/**
 * Trials that count against max_total_trials: every trial but the retries of reaped or
 * handed-back ones (`retryOf`), which replace a trial already counted.
 *
 * @example
 * countedTrials(await store.trials()); // 500 when the sweep is done, retries left out
 */
export function countedTrials(trials: readonly StoredTrial[]): number {
  let n = 0;
  for (const t of trials) if (t.retryOf === undefined) n++;
  return n;
}

/**
 * The chooser of `claimTrial` for a worker: the queued set first (a retry, which does not
 * count), else the sampler's suggestion while the sweep is under its limits; a NoClaim
 * otherwise.
 *
 * @example
 * const claimed = await store.claimTrial(chooseTrial({ definition, space, sampler, timedOut: false }), new Date().toISOString());
 */
export function chooseTrial(context: ClaimContext): (state: ClaimState) => ClaimChoice {
  const tally = context.tally ?? new ClaimTally(context.definition.objectives, context.definition.failFast);
  return ({ trials, queued }) => {
    const { limits } = context.definition;
    tally.update(trials);
    const { running, counted } = tally;
    const settle = (reason: StopReason, message: string): never => {
      throw running === 0
        ? new NoClaim('end', reason, message)
        : new NoClaim('wait', reason, `${message}; ${running} trial(s) still running`);
    };
    if (context.timedOut) settle('timeout', `the sweep's timeout of ${limits.timeout} s was reached`);
    // The engine's fail-fast rule, judged on the stored trials: the same for every worker.
    const same = tally.sameError();
    if (same !== undefined) settle('same_error', same);
    if (running >= limits.maxConcurrentTrials) {
      throw new NoClaim(
        'wait',
        'busy',
        `max_concurrent_trials (${limits.maxConcurrentTrials}) trials are running`,
      );
    }
    if (queued !== undefined) {
      if (context.space.contains(queued)) return { params: queued, takeQueued: true };
      const suggestion = context.sampler.suggest(tally.history());
      if (suggestion.exhausted) return { params: queued, takeQueued: true };
      const seed = `${'seed' in context.definition.sampling ? context.definition.sampling.seed : 0}/enqueued/${trials.length}`;
      return { params: completeParams(context.space, queued, suggestion.params, seed), takeQueued: true };
    }
    if (counted >= limits.maxTotalTrials) {
      settle('max_total_trials', `max_total_trials (${limits.maxTotalTrials}) reached`);
    }
    const suggestion = context.sampler.suggest(tally.history());
    if (suggestion.exhausted) {
      return settle('exhausted', `the sampler has no more parameter sets after ${counted} trials`);
    }
    return { params: suggestion.params };
  };
}
