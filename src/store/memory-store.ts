import type { MetricPoint, Objective, ParamSet, StopReason } from '../core/trial.ts';
import type {
  ClaimBatchOptions,
  ClaimChoice,
  ClaimedTrial,
  ClaimState,
  NewSweep,
  SettleOutcome,
  StoredTrial,
  SweepRecord,
  TrialEnd,
  TrialSettlement,
} from './records.ts';
import { INTERRUPTED_ERROR, planResume, type ResumePlan } from './resume-plan.ts';
import type { SweepStore } from './sweep-store.ts';
import type { TrialBatches } from './worker-store.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

let created = 0;

/**
 * The in-memory store: everything kept in plain objects, readable while and after the
 * sweep runs, gone with the process. The engine's default.
 *
 * @example
 * const store = new MemoryStore();
 * await sweep({ ...options, store });
 * store.trials(); // every trial, with its metric points
 */
export class MemoryStore implements SweepStore, TrialBatches {
  /** `memory-N`: unique within the process. */
  readonly sweepId = `memory-${++created}`;
  private readonly byId = new Map<
    number,
    Mutable<StoredTrial> & { metrics: Record<string, MetricPoint[]> }
  >();
  private readonly startedAt = new Date().toISOString();
  private readonly name: string | undefined;
  private readonly objective: Objective | undefined;
  private readonly objectives: readonly Objective[] | undefined;
  private readonly queue: ParamSet[] = [];
  private readonly tags: Record<string, string>;
  private ended: { reason: StopReason; message: string; endedAt: string } | undefined;
  private retries: ResumePlan['retry'] = [];

  constructor(sweep: NewSweep = {}) {
    this.name = sweep.name;
    this.objective = sweep.objective ?? sweep.objectives?.[0];
    this.objectives = sweep.objectives;
    this.tags = { ...sweep.tags };
  }

  startTrial(id: number, params: ParamSet, startedAt: string): void {
    // The engine starts the retries first, with the very parameter objects resume() returned.
    const retryOf = this.retries[0]?.params === params ? this.retries[0].of : undefined;
    if (retryOf !== undefined) this.retries = this.retries.slice(1);
    this.byId.set(id, {
      id,
      params,
      startedAt,
      status: 'running',
      metrics: {},
      ...(retryOf !== undefined ? { retryOf } : {}),
    });
  }

  addMetric(id: number, name: string, point: MetricPoint): void {
    const metrics = this.get(id).metrics;
    (metrics[name] ??= []).push(point);
  }

  endTrial(id: number, end: TrialEnd): void {
    Object.assign(this.get(id), end);
  }

  /** See `TrialClaims.claimTrial`: in one process, one synchronous step is atomic. */
  claimTrial(choose: (state: ClaimState) => ClaimChoice, startedAt: string): ClaimedTrial {
    const choice = choose({ trials: this.trials(), queued: this.queue[0] });
    if (choice.takeQueued === true) this.queue.shift();
    const id = this.byId.size === 0 ? 0 : Math.max(...this.byId.keys()) + 1;
    this.startTrial(id, choice.params, startedAt);
    return { id, params: choice.params };
  }

  /** See `TrialBatches.claimTrials`: one synchronous step; `workerId` is not kept (no leases here). */
  claimTrials(
    choose: (state: ClaimState) => ClaimChoice,
    startedAt: string,
    options: ClaimBatchOptions,
  ): ClaimedTrial[] {
    const claimed: ClaimedTrial[] = [];
    const max = Math.max(1, Math.floor(options.max));
    while (claimed.length < max) {
      let choice: ClaimChoice;
      try {
        // The batch's trials are recorded as they are chosen: the next choice sees them running.
        choice = choose({ trials: this.trials(), queued: this.queue[0] });
      } catch (error) {
        if (claimed.length > 0) break;
        throw error;
      }
      if (choice.takeQueued === true) this.queue.shift();
      const id = this.byId.size === 0 ? 0 : Math.max(...this.byId.keys()) + 1;
      this.startTrial(id, choice.params, startedAt);
      claimed.push({ id, params: choice.params });
    }
    return claimed;
  }

  /** See `TrialBatches.settleTrials`. */
  settleTrials(ends: readonly TrialSettlement[]): SettleOutcome[] {
    return ends.map(({ id, end, points }) => {
      const trial = this.byId.get(id);
      if (trial === undefined) return 'unknown';
      if (trial.status !== 'running') return trial.status;
      for (const { name, point } of points ?? []) this.addMetric(id, name, point);
      this.endTrial(id, end);
      return 'ended';
    });
  }

  enqueueTrial(params: ParamSet): void {
    this.queue.push(params);
  }

  settleTrial(id: number, end: TrialEnd): SettleOutcome {
    const trial = this.byId.get(id);
    if (trial === undefined) return 'unknown';
    if (trial.status !== 'running') return trial.status;
    this.endTrial(id, end);
    return 'ended';
  }

  endSweep(reason: StopReason, message: string): void {
    this.ended = { reason, message, endedAt: new Date().toISOString() };
  }

  /** Every trial, by id. */
  trials(): StoredTrial[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  /** One trial, or undefined. */
  trial(id: number): StoredTrial | undefined {
    return this.byId.get(id);
  }

  /** How the sweep ended, once it has. */
  status(): { reason: StopReason; message: string } | undefined {
    return this.ended && { reason: this.ended.reason, message: this.ended.message };
  }

  sweep(): SweepRecord {
    return {
      sweepId: this.sweepId,
      ...(this.name !== undefined ? { name: this.name } : {}),
      ...(this.objective !== undefined ? { objective: this.objective } : {}),
      ...(this.objectives !== undefined ? { objectives: this.objectives } : {}),
      tags: { ...this.tags },
      startedAt: this.startedAt,
      ...(this.ended
        ? { endedAt: this.ended.endedAt, stopReason: this.ended.reason, stopMessage: this.ended.message }
        : {}),
    };
  }

  setTags(tags: Readonly<Record<string, string>>): void {
    Object.assign(this.tags, tags);
  }

  resume(): ResumePlan {
    const endedAt = new Date().toISOString();
    for (const trial of this.byId.values()) {
      if (trial.status === 'running')
        Object.assign(trial, { status: 'failed', endedAt, error: INTERRUPTED_ERROR });
    }
    this.ended = undefined;
    const plan = planResume(this.trials());
    this.retries = plan.retry;
    return plan;
  }

  private get(id: number) {
    const trial = this.byId.get(id);
    if (!trial) throw new Error(`MemoryStore: trial ${id} was never started`);
    return trial;
  }
}
