/**
 * How a worker batches its store work: claims as many trials as it has free slots in one
 * hold of the sweep's lock, leased in the same write (`TrialBatches.claimTrials`), and
 * settles the trials that ended since its last flush in one transaction with their last
 * metric points (`TrialBatches.settleTrials`). A store without batches is used one trial
 * at a time (`claimTrial` + `leaseTrial`, `addMetric` + `settleTrial`), with the same
 * outcome.
 */
import type {
  ClaimChoice,
  ClaimedTrial,
  ClaimState,
  SettleOutcome,
  TrialSettlement,
} from '../../store/records.ts';
import type { TrialBatches } from '../../store/worker-store.ts';
import type { LeasedStore } from './location.ts';

/** The longest a settled trial waits for others to join its batch, in ms. */
export const SETTLE_FLUSH_MS = 5;

/** A store's batches, when it offers them. */
function batchesOf(store: LeasedStore): TrialBatches | undefined {
  const s = store as LeasedStore & Partial<TrialBatches>;
  return typeof s.claimTrials === 'function' && typeof s.settleTrials === 'function'
    ? (s as LeasedStore & TrialBatches)
    : undefined;
}

/**
 * Claims up to `max` trials, leased to `workerId`: in one lock hold where the store
 * batches, else one claim and one lease per trial. Throws what the chooser throws when
 * not one trial could be claimed.
 *
 * @example
 * const trials = await claimBatch(store, chooseTrial(context), new Date().toISOString(), 4, workerId);
 */
export async function claimBatch(
  store: LeasedStore,
  choose: (state: ClaimState) => ClaimChoice,
  startedAt: string,
  max: number,
  workerId: string,
): Promise<readonly ClaimedTrial[]> {
  const batches = batchesOf(store);
  if (batches !== undefined) return batches.claimTrials(choose, startedAt, { max, workerId });
  const claimed: ClaimedTrial[] = [];
  while (claimed.length < max) {
    let trial: ClaimedTrial;
    try {
      trial = await store.claimTrial(choose, startedAt);
    } catch (error) {
      if (claimed.length > 0) break;
      throw error;
    }
    claimed.push(trial);
    await store.leaseTrial(trial.id, workerId);
  }
  return claimed;
}

/** A settle waiting in a `SettleQueue`. */
interface Waiting {
  readonly settlement: TrialSettlement;
  readonly resolve: (outcome: SettleOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One sweep's settles, written in batches: a batch goes when every trial the worker runs
 * in the sweep is waiting to settle, or `SETTLE_FLUSH_MS` after its first settle; one
 * batch at a time (those that end meanwhile make the next). Each settle's promise gives
 * its trial's outcome once its batch is committed.
 *
 * @example
 * const queue = new SettleQueue(store, () => runningHere, (what, op) => persist(what, op));
 * const outcome = await queue.settle({ id: 3, end, points });
 */
export class SettleQueue {
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: LeasedStore,
    /** How many trials of the sweep this worker runs now (those waiting to settle included). */
    private readonly running: () => number,
    /** Runs a store write until it succeeds (the worker's retry through an outage). */
    private readonly persist: <T>(what: string, op: () => T | Promise<T>) => Promise<T>,
  ) {}

  /** Queues a trial's end; resolves with its outcome once written. */
  settle(settlement: TrialSettlement): Promise<SettleOutcome> {
    return new Promise<SettleOutcome>((resolve, reject) => {
      this.waiting.push({ settlement, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushing !== undefined || this.waiting.length === 0) return;
    if (this.waiting.length >= this.running()) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.flushing = this.flush();
    } else {
      // Not unref'd: a stopping worker waits for its settles, and so does the process.
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        if (this.flushing === undefined) this.flushing = this.flush();
      }, SETTLE_FLUSH_MS);
    }
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    try {
      const settlements = batch.map((w) => w.settlement);
      const outcomes = await this.persist(`settle trial(s) ${settlements.map((s) => s.id).join(', ')}`, () =>
        settleBatch(this.store, settlements),
      );
      for (const [i, w] of batch.entries()) w.resolve(outcomes[i]!);
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      this.flushing = undefined;
      this.schedule();
    }
  }
}

/**
 * Settles trials with their last points: in one transaction where the store batches,
 * else one trial at a time (its points, then its end).
 *
 * @example
 * const outcomes = await settleBatch(store, [{ id: 3, end }]);
 */
export async function settleBatch(
  store: LeasedStore,
  settlements: readonly TrialSettlement[],
): Promise<readonly SettleOutcome[]> {
  const batches = batchesOf(store);
  if (batches !== undefined) return batches.settleTrials(settlements);
  const outcomes: SettleOutcome[] = [];
  for (const { id, end, points } of settlements) {
    for (const { name, point } of points ?? []) await store.addMetric(id, name, point);
    outcomes.push(await store.settleTrial(id, end));
  }
  return outcomes;
}
