/**
 * What the claim chooser knows of a sweep's trials, kept up to date from one claim to the
 * next instead of rebuilt: the running trials, the trials that count against
 * max_total_trials, and the sampler's history (ended trials by id, running ones). A
 * claim hands the chooser every trial of the sweep; the tally looks only at what can have
 * changed since the last claim: the trials after the last one it saw (new trials get
 * higher numbers) and the ones it saw running (an ended trial does not change again). A
 * list that does not continue the one it saw (shorter, renumbered, a trial gone) is
 * read again whole. So a claim costs what changed, not the size of the sweep.
 *
 * It also keeps the first trials to end (by their recorded end, then number; trials
 * handed back or cancelled left out, their retries stand for them), for the engine's
 * fail-fast rule: the first `failFast` of them all failed with the same error.
 */
import type { FinishedTrial, Objective, PendingTrial } from '../../core/trial.ts';
import type { TrialHistory } from '../../samplers/types.ts';
import type { StoredTrial } from '../../store/records.ts';
import { sameErrorWatch } from '../fail-fast.ts';

/**
 * A sweep's trials as the claim chooser counts them (see the module's comment).
 *
 * @example
 * const tally = new ClaimTally(objectives);
 * tally.update(state.trials);
 * sampler.suggest(tally.history());
 */
export class ClaimTally {
  /** How many trials of the list were looked at, and the id of the last of them. */
  private seen = 0;
  private lastId = -1;
  /** The running trials as last seen, by id, in id order. */
  private readonly live = new Map<number, StoredTrial>();
  /** Ended trials as the sampler sees them, in id order. */
  private readonly finished: FinishedTrial[] = [];
  private countedTrials = 0;
  private readonly primary: string;
  /** The first trials to end (at most `failFast`), by end time then number. */
  private readonly earliest: StoredTrial[] = [];
  private readonly failFast: number;

  /** `failFast`: how many first trials failing alike end the sweep (false: never; default 3, as the engine). */
  constructor(
    private readonly objectives: readonly Objective[],
    failFast: number | false = 3,
  ) {
    this.primary = objectives[0]!.primaryMetric;
    this.failFast = failFast === false ? 0 : failFast;
  }

  /**
   * Why the sweep should stop, when the first `failFast` trials to end all failed with
   * the same error (numbers aside), as the engine's rule; undefined otherwise.
   */
  sameError(): string | undefined {
    if (this.failFast < 1 || this.earliest.length < this.failFast) return undefined;
    const watch = sameErrorWatch(this.failFast);
    let message: string | undefined;
    for (const t of this.earliest) message = watch.ended(t.status, t.error);
    return message;
  }

  /** Trials running now. */
  get running(): number {
    return this.live.size;
  }

  /** Trials that count against max_total_trials: all but retries (`retryOf`), which replace a counted one. */
  get counted(): number {
    return this.countedTrials;
  }

  /** Brings the tally to `trials` (every trial of the sweep, by id, as a claim hands them over). */
  update(trials: readonly StoredTrial[]): void {
    if (!this.continues(trials) || !this.refreshLive(trials)) this.reset();
    for (let i = this.seen; i < trials.length; i++) this.add(trials[i]!);
    this.seen = trials.length;
    this.lastId = trials[trials.length - 1]?.id ?? -1;
  }

  /**
   * The sampler's history: ended trials (with their values, constraint values and
   * reports of the primary metric) and running ones. Its `trials` list is kept and
   * updated by the tally: read it during the call it is given to, do not keep it.
   */
  history(): TrialHistory {
    const pending: PendingTrial[] = [];
    for (const t of this.live.values()) pending.push({ id: t.id, params: t.params });
    return {
      objective: this.objectives[0]!,
      ...(this.objectives.length > 1 ? { objectives: this.objectives } : {}),
      trials: this.finished,
      pending,
    };
  }

  /** Whether `trials` extends the list last seen (as long, and the same trial where it ended). */
  private continues(trials: readonly StoredTrial[]): boolean {
    return trials.length >= this.seen && (this.seen === 0 || trials[this.seen - 1]!.id === this.lastId);
  }

  /** Takes in the running trials' changes; false when one is missing (the list is not what it was). */
  private refreshLive(trials: readonly StoredTrial[]): boolean {
    for (const [id, before] of this.live) {
      const now = find(trials, id, this.seen);
      if (now === undefined) return false;
      if (now === before) continue;
      if (before.retryOf === undefined) this.countedTrials--;
      if (now.status === 'running') {
        // Still running (its object changed, e.g. a point was added): it keeps its place.
        if (now.retryOf === undefined) this.countedTrials++;
        this.live.set(id, now);
        continue;
      }
      this.live.delete(id);
      this.add(now);
    }
    return true;
  }

  private add(t: StoredTrial): void {
    if (t.retryOf === undefined) this.countedTrials++;
    if (t.status === 'running') {
      this.live.set(t.id, t);
      return;
    }
    const finished: FinishedTrial = {
      id: t.id,
      params: t.params,
      status: t.status,
      ...(t.value !== undefined ? { value: t.value } : {}),
      intermediate: t.metrics[this.primary] ?? [],
      ...(t.values !== undefined ? { values: t.values } : {}),
      ...(t.constraints !== undefined ? { constraints: t.constraints } : {}),
    };
    // In id order, as the engine keeps them; trials mostly end in the order they started.
    let i = this.finished.length;
    while (i > 0 && this.finished[i - 1]!.id > t.id) i--;
    this.finished.splice(i, 0, finished);
    if (this.failFast > 0 && t.status !== 'cancelled') this.keepEarliest(t);
  }

  private keepEarliest(t: StoredTrial): void {
    const end = t.endedAt ?? '';
    const before = (u: StoredTrial) => {
      const e = u.endedAt ?? '';
      return e < end || (e === end && u.id < t.id);
    };
    let i = this.earliest.length;
    while (i > 0 && !before(this.earliest[i - 1]!)) i--;
    if (i >= this.failFast) return;
    this.earliest.splice(i, 0, t);
    if (this.earliest.length > this.failFast) this.earliest.length = this.failFast;
  }

  private reset(): void {
    this.seen = 0;
    this.lastId = -1;
    this.live.clear();
    this.finished.length = 0;
    this.earliest.length = 0;
    this.countedTrials = 0;
  }
}

/** The trial with this id among the first `limit` of a list sorted by id (binary search). */
function find(trials: readonly StoredTrial[], id: number, limit: number): StoredTrial | undefined {
  let lo = 0;
  let hi = Math.min(limit, trials.length);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (trials[mid]!.id < id) lo = mid + 1;
    else hi = mid;
  }
  return trials[lo]?.id === id ? trials[lo] : undefined;
}
