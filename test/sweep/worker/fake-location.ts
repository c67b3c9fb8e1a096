// An in-memory shared location for the worker loop's unit tests: several Worker objects
// in one process share it as processes share a database. Each method is one synchronous
// step (atomic in one process), wrapped in a promise so callers await as they would over
// a network. The real stores (SQLite folder, PostgreSQL) run the same worker in the
// process tests (cli-worker.test.ts); this fake only keeps the unit tests fast and exact.
import { StoreConnectionError } from '../../../src/core/errors.ts';
import type { MetricPoint, ParamSet, StopReason } from '../../../src/core/trial.ts';
import type {
  ClaimChoice,
  ClaimedTrial,
  ClaimState,
  NewSweep,
  SettleOutcome,
  StoredTrial,
  SweepRecord,
  TrialEnd,
} from '../../../src/store/records.ts';
import type { ResumePlan } from '../../../src/store/resume-plan.ts';
import type { SweepStore } from '../../../src/store/sweep-store.ts';
import { WORKERS_TAG } from '../../../src/store/tags.ts';
import type { ReapedTrial, TrialLeases, WorkerBeat, WorkerRecord } from '../../../src/store/worker-store.ts';
import type { SharedLocation } from '../../../src/sweep/worker/location.ts';

type Trial = { -readonly [K in keyof StoredTrial]: StoredTrial[K] } & {
  metrics: Record<string, MetricPoint[]>;
};

class FakeSweep implements SweepStore, TrialLeases {
  readonly trialsById = new Map<number, Trial>();
  readonly queue: { params: ParamSet; retryOf?: number }[] = [];
  readonly leases = new Map<number, string>();
  record: SweepRecord;
  /** Set to make the next calls throw (a store outage). */
  down = false;

  constructor(
    readonly sweepId: string,
    sweep: NewSweep,
    private readonly location: FakeLocation,
  ) {
    this.record = {
      sweepId,
      ...(sweep.objective ? { objective: sweep.objective } : {}),
      tags: { ...sweep.tags },
      startedAt: new Date(location.clock()).toISOString(),
    };
  }

  private check(): void {
    if (this.down || this.location.down) throw new StoreConnectionError('fake', 0, 'connection refused');
  }

  private step<T>(op: () => T): Promise<T> {
    try {
      this.check();
      return Promise.resolve(op());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  startTrial(id: number, params: ParamSet, startedAt: string) {
    return this.step(() => {
      this.trialsById.set(id, { id, params, startedAt, status: 'running', metrics: {} });
    });
  }
  addMetric(id: number, name: string, point: MetricPoint) {
    return this.step(() => {
      (this.trialsById.get(id)!.metrics[name] ??= []).push(point);
    });
  }
  endTrial(id: number, end: TrialEnd) {
    return this.step(() => {
      Object.assign(this.trialsById.get(id)!, end);
    });
  }
  endSweep(reason: StopReason, message: string) {
    return this.step(() => {
      this.record = {
        ...this.record,
        endedAt: new Date().toISOString(),
        stopReason: reason,
        stopMessage: message,
      };
      this.location.endings.push(reason);
    });
  }
  sweep() {
    return this.step(() => this.record);
  }
  trials() {
    return this.step(() => this.snapshot());
  }
  trial(id: number) {
    return this.step(() => this.trialsById.get(id));
  }
  private snapshot(): StoredTrial[] {
    return [...this.trialsById.values()]
      .sort((a, b) => a.id - b.id)
      .map((t) => ({ ...t, metrics: { ...t.metrics } }));
  }
  claimTrial(choose: (state: ClaimState) => ClaimChoice, startedAt: string): Promise<ClaimedTrial> {
    return this.step(() => {
      const head = this.queue[0];
      const choice = choose({ trials: this.snapshot(), queued: head?.params });
      if (choice.takeQueued === true) this.queue.shift();
      const id = this.trialsById.size === 0 ? 0 : Math.max(...this.trialsById.keys()) + 1;
      this.trialsById.set(id, {
        id,
        params: choice.params,
        startedAt,
        status: 'running',
        metrics: {},
        ...(choice.takeQueued === true && head?.retryOf !== undefined ? { retryOf: head.retryOf } : {}),
      });
      this.location.claims++;
      return { id, params: choice.params };
    });
  }
  enqueueTrial(params: ParamSet) {
    return this.step(() => {
      this.queue.push({ params });
    });
  }
  settleTrial(id: number, end: TrialEnd): Promise<SettleOutcome> {
    return this.step(() => {
      const t = this.trialsById.get(id);
      if (t === undefined) return 'unknown';
      if (t.status !== 'running') return t.status;
      Object.assign(t, end);
      this.leases.delete(id);
      return 'ended';
    });
  }
  setTags(tags: Readonly<Record<string, string>>) {
    return this.step(() => {
      this.record = { ...this.record, tags: { ...this.record.tags, ...tags } };
    });
  }
  resume(): Promise<ResumePlan> {
    return Promise.reject(new Error('not in the fake'));
  }
  leaseTrial(trialId: number, workerId: string) {
    return this.step(() => {
      this.leases.set(trialId, workerId);
    });
  }
  releaseTrial(trialId: number, workerId: string) {
    return this.step(() => {
      const t = this.trialsById.get(trialId);
      if (t === undefined || t.status !== 'running' || this.leases.get(trialId) !== workerId) return false;
      Object.assign(t, {
        status: 'cancelled',
        endedAt: new Date().toISOString(),
        error: `handed back by ${workerId}`,
      });
      this.leases.delete(trialId);
      this.queue.unshift({ params: t.params, retryOf: t.retryOf ?? trialId });
      return true;
    });
  }
  reapTrials(silentSince: string) {
    return this.step(() => {
      const reaped: ReapedTrial[] = [];
      for (const [trialId, workerId] of this.leases) {
        const worker = this.location.register.get(workerId);
        if (worker !== undefined && worker.lastBeatAt >= silentSince) continue;
        const t = this.trialsById.get(trialId)!;
        this.leases.delete(trialId);
        if (t.status !== 'running') continue;
        Object.assign(t, {
          status: 'failed',
          endedAt: new Date().toISOString(),
          error: `worker ${workerId} went silent`,
        });
        const requeued = t.retryOf === undefined;
        if (requeued) this.queue.push({ params: t.params, retryOf: trialId });
        reaped.push({ trialId, workerId, requeued, params: t.params });
      }
      return reaped;
    });
  }
}

/** The fake location: sweeps, the register of workers, a settable clock and outage switch. */
export class FakeLocation implements SharedLocation {
  readonly where = 'fake';
  readonly sweepsById = new Map<string, FakeSweep>();
  readonly register = new Map<string, WorkerRecord>();
  readonly endings: StopReason[] = [];
  claims = 0;
  down = false;
  private n = 0;

  constructor(readonly clock: () => number = Date.now) {}

  private step<T>(op: () => T): Promise<T> {
    if (this.down) return Promise.reject(new StoreConnectionError('fake', 0, 'connection refused'));
    return Promise.resolve(op());
  }
  create(sweep: NewSweep) {
    return this.step(() => {
      const store = new FakeSweep(`sweep${++this.n}`, sweep, this);
      this.sweepsById.set(store.sweepId, store);
      return store;
    });
  }
  open(sweepId: string) {
    return this.step(() => {
      const store = this.sweepsById.get(sweepId);
      if (store === undefined) throw new Error(`no sweep ${sweepId}`);
      return store;
    });
  }
  sweeps() {
    return this.step(() => [...this.sweepsById.values()].map((s) => s.record));
  }
  close() {}
  beat(beat: WorkerBeat) {
    return this.step(() => {
      this.register.set(beat.workerId, {
        workerId: beat.workerId,
        host: beat.host,
        pid: beat.pid,
        startedAt: beat.startedAt,
        lastBeatAt: beat.at,
        state: beat.state,
        concurrency: beat.concurrency,
        running: beat.running,
      });
    });
  }
  workers() {
    return this.step(() => [...this.register.values()]);
  }
  leave(workerId: string) {
    return this.step(() => {
      const w = this.register.get(workerId);
      if (w !== undefined) this.register.set(workerId, { ...w, state: 'stopped' });
    });
  }
  openSweeps() {
    return this.step(() =>
      [...this.sweepsById.values()]
        .map((s) => s.record)
        .filter((r) => r.tags[WORKERS_TAG] === 'open' && r.stopReason === undefined),
    );
  }
  /** The fake sweep behind an id, for assertions. */
  sweepOf(id: string): FakeSweep {
    return this.sweepsById.get(id)!;
  }
}
