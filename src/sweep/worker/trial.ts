/**
 * One claimed trial, run by a worker with the sweep's runner (the engine's command or
 * module runner: environment, timeouts, output capture, metric lines) and written to the
 * store as it goes: each metric point as it is reported, early termination judged on the
 * stored points of every trial of the sweep (the same decision whichever worker makes it),
 * and its end written through the worker's settle batches (with the points of what the
 * trial returned), or the trial handed back with `releaseTrial` when the worker stops first.
 */
import { TrialError } from '../../core/errors.ts';
import type { MetricPoint, ParamSet, TrialStatus } from '../../core/trial.ts';
import type { SettleOutcome, TrialEnd, TrialOutput, TrialSettlement } from '../../store/records.ts';
import { reportedHistories } from '../../study/history.ts';
import { violation } from '../constraints.ts';
import { trackingEnvironment } from '../trial-tracking.ts';
import type { RunContext, TrialReturn } from '../types.ts';
import type { WorkerSweep } from './sweep-slot.ts';

/** How a worker's trial ended. */
export interface TrialOutcome {
  readonly sweepId: string;
  readonly trialId: number;
  readonly params: ParamSet;
  /** `handed_back`: released to the sweep's queue as the worker stopped. */
  readonly status: TrialStatus | 'handed_back';
  readonly value?: number;
  readonly error?: string;
  /** False when the store had already ended the trial (reaped while this worker was silent): the result was not kept. */
  readonly kept: boolean;
}

/** What a running trial needs of its worker. */
export interface TrialHost {
  readonly workerId: string;
  /** Aborted on a hard kill (a second signal): processes get SIGKILL at once. */
  readonly killSignal: AbortSignal;
  /** Runs a store write until it succeeds (the worker retries through a store's outage). */
  persist<T>(what: string, op: () => T | Promise<T>): Promise<T>;
  /** Writes the trial's end with its last points (batched with other trials' ends by the worker). */
  settle(settlement: TrialSettlement): Promise<SettleOutcome>;
  /** True when the trial was leased to the worker as it was claimed (no `leaseTrial` to write). */
  readonly leased?: boolean;
}

/**
 * A trial a worker runs: started by `runTrial`, stopped by `stop` (early termination,
 * timeouts, the sweep's end) or handed back by `handBack` (the worker stops).
 */
export class WorkerTrial {
  private readonly controller = new AbortController();
  private readonly metrics: Record<string, MetricPoint[]> = {};
  /** Finite values of the primary metric, in report order. */
  private readonly values: number[] = [];
  /** Points of what the trial returned: written with its end, in one batch. */
  private readonly last: { name: string; point: MetricPoint }[] = [];
  private nonFinite: number | undefined;
  private stopped: { status: TrialStatus; message: string } | undefined;
  private handingBack = false;
  private output: TrialOutput | undefined;
  /** The trial's store writes, in order; a policy judgement waits for the point it judges. */
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  /** Settles once the trial is settled or handed back in the store. */
  readonly done: Promise<TrialOutcome>;

  constructor(
    readonly sweep: WorkerSweep,
    readonly trialId: number,
    readonly params: ParamSet,
    private readonly host: TrialHost,
  ) {
    const trialTimeout = sweep.definition.limits.trialTimeout;
    if (trialTimeout !== undefined) {
      this.timer = setTimeout(
        () => this.stop('timed_out', `trial_timeout of ${trialTimeout} s reached`),
        trialTimeout * 1000,
      );
    }
    this.done = this.run();
  }

  /** Stops the trial (its process group gets SIGTERM, then SIGKILL after the grace) with this status. */
  stop(status: TrialStatus, message: string): void {
    if (this.stopped !== undefined) return;
    this.stopped = { status, message };
    this.controller.abort(new TrialError(message, 'E_TRIAL_STOPPED'));
  }

  /** Stops the trial and hands it back to the sweep (`releaseTrial`) instead of settling it. */
  handBack(message: string): void {
    this.handingBack = true;
    this.stop('cancelled', message);
  }

  private get primary(): string {
    return this.sweep.definition.objectives[0]!.primaryMetric;
  }

  private async run(): Promise<TrialOutcome> {
    const ctx: RunContext = {
      trialId: this.trialId,
      params: this.params,
      signal: this.controller.signal,
      killSignal: this.host.killSignal,
      report: (name, value, step) => this.report(name, value, step, true),
      keepOutput: (output) => (this.output = output),
    };
    let returned: TrialReturn;
    let error: unknown;
    let trackedRun: string | undefined;
    try {
      if (this.host.leased !== true) {
        await this.host.persist(`lease trial ${this.trialId}`, () =>
          this.sweep.store.leaseTrial(this.trialId, this.host.workerId),
        );
      }
      // Stopped while the lease was written: a runner listens for the abort only once it runs.
      if (this.controller.signal.aborted) throw this.controller.signal.reason;
      const session = this.sweep.tracking;
      if (session !== undefined) {
        // As a local sweep: the trial logs into its run with MLflow, and what it logs is reported.
        const run = await session.runFor(this.trialId, this.params);
        trackedRun = run.runId;
        // a point the server wrote where the sweep store reads it is not written again
        const stored = session.sharesStore;
        this.sweep.trackedRuns.set(run.runId, {
          logged: (name, value, step) => this.report(name, value, step, true, stored),
        });
        ctx.environment = trackingEnvironment(session.uri, run);
        if (this.controller.signal.aborted) throw this.controller.signal.reason;
      }
      returned = await this.sweep.runner.run(ctx);
    } catch (e) {
      error = e ?? new Error('the trial failed');
    } finally {
      clearTimeout(this.timer);
      if (trackedRun !== undefined) this.sweep.trackedRuns.delete(trackedRun);
    }
    if (this.handingBack) {
      await this.chain;
      const released = await this.host.persist(`hand back trial ${this.trialId}`, () =>
        this.sweep.store.releaseTrial(this.trialId, this.host.workerId),
      );
      return { ...this.identity(), status: 'handed_back', kept: released };
    }
    const end = this.end(returned, error);
    await this.chain;
    const outcome = await this.host.settle({
      id: this.trialId,
      end,
      ...(this.last.length > 0 ? { points: this.last } : {}),
    });
    return {
      ...this.identity(),
      status: end.status,
      ...(end.value !== undefined ? { value: end.value } : {}),
      ...(end.error !== undefined ? { error: end.error } : {}),
      kept: outcome === 'ended',
    };
  }

  private identity() {
    return { sweepId: this.sweep.sweepId, trialId: this.trialId, params: this.params };
  }

  /**
   * A metric point: written to the store in order, and the primary metric's judged by the
   * policy (`live`: reported as the trial runs); or kept to be written with the trial's
   * end (what the trial returned: nothing is left to judge). `stored`: the tracking server
   * wrote it where the sweep store reads it, so it is only judged.
   */
  private report(name: string, value: number, step: number | undefined, live: boolean, stored = false): void {
    if (this.stopped !== undefined) return;
    if (typeof name !== 'string' || name === '' || typeof value !== 'number') {
      throw new TrialError(`report: a metric is a name and a number, got ${JSON.stringify([name, value])}`);
    }
    const points = (this.metrics[name] ??= []);
    const last = points[points.length - 1];
    const point = { step: step ?? (last ? last.step + 1 : 0), value };
    points.push(point);
    if (!live) this.last.push({ name, point });
    else if (!stored) {
      this.write(`metric ${name} of trial ${this.trialId}`, () =>
        this.sweep.store.addMetric(this.trialId, name, point),
      );
    }
    if (name !== this.primary) return;
    if (!Number.isFinite(value)) {
      // As the engine: a diverged run does not come back, and its value is no value to judge by.
      this.nonFinite = value;
      this.stop('failed', `the primary metric '${name}' is ${value}`);
      return;
    }
    this.values.push(value);
    if (live && this.sweep.policy !== undefined) this.chain = this.chain.then(() => this.judge());
  }

  /** The policy's decision over the stored reports of every trial of the sweep, this one's included. */
  private async judge(): Promise<void> {
    if (this.stopped !== undefined) return;
    const policy = this.sweep.policy!;
    let stored: Awaited<ReturnType<WorkerSweep['store']['trials']>>;
    try {
      stored = await this.sweep.store.trials();
    } catch {
      return; // judged again at the next report: a missed judgement loses nothing
    }
    const decision = policy({
      goal: this.sweep.definition.objectives[0]!.goal,
      trialId: this.trialId,
      histories: reportedHistories(stored, this.primary),
    });
    if (decision.terminate) this.stop('early_terminated', decision.reason ?? 'stopped by the policy');
  }

  private write(what: string, op: () => unknown): void {
    this.chain = this.chain.then(async () => {
      await this.host.persist(what, op);
    });
  }

  /** The trial's end as the engine writes it: its status, value, objective and constraint values. */
  private end(returned: TrialReturn, error: unknown): TrialEnd {
    const endedAt = new Date().toISOString();
    let status: TrialStatus;
    let message: string | undefined;
    if (this.stopped !== undefined) ({ status, message } = this.stopped);
    else if (error !== undefined) {
      status = 'failed';
      message = error instanceof Error ? error.message : String(error);
    } else {
      message = this.keepReturned(returned) ?? this.checkObjectives();
      status = message === undefined ? 'completed' : 'failed';
    }
    const value = this.nonFinite ?? this.values[this.values.length - 1];
    const last = (name: string) => this.metrics[name]![this.metrics[name]!.length - 1]!.value;
    const { objectives } = this.sweep.definition;
    return {
      status,
      endedAt,
      ...(value !== undefined ? { value } : {}),
      ...(status === 'completed' && objectives.length > 1
        ? { values: objectives.map((o) => last(o.primaryMetric)) }
        : {}),
      ...(status === 'completed' && this.sweep.constraints.length > 0
        ? { constraints: this.sweep.constraints.map((c) => violation(c, last(c.metric))) }
        : {}),
      ...(message !== undefined ? { error: message } : {}),
      ...(this.output !== undefined ? { output: this.output } : {}),
    };
  }

  /** Records what the trial returned; the failure message when it is unusable. */
  private keepReturned(returned: TrialReturn): string | undefined {
    if (typeof returned === 'number') this.report(this.primary, returned, undefined, false);
    else if (returned !== undefined && returned !== null) {
      if (typeof returned !== 'object')
        return `the trial returned ${typeof returned}, expected a number or an object of metrics`;
      for (const [name, value] of Object.entries(returned)) {
        if (typeof value !== 'number')
          return `the trial returned a non-numeric metric '${name}': ${JSON.stringify(value)}`;
        this.report(name, value, undefined, false);
      }
    }
    if (this.stopped !== undefined) return this.stopped.message; // a non-finite primary metric
    if (this.values.length > 0) return undefined;
    const names = Object.keys(this.metrics);
    const invalid = this.output?.invalidLines ?? [];
    return (
      `the trial never reported the primary metric '${this.primary}' (${names.length > 0 ? `it reported ${names.join(', ')}` : 'it reported no metric'})` +
      (invalid.length > 0
        ? `; ${invalid.length} metrics line(s) could not be read, the first: ${invalid[0]}`
        : '')
    );
  }

  /** A failure message when an objective beyond the first, or a constraint's metric, is missing. */
  private checkObjectives(): string | undefined {
    const last = (name: string) => this.metrics[name]?.[this.metrics[name]!.length - 1]?.value;
    for (const o of this.sweep.definition.objectives.slice(1)) {
      const value = last(o.primaryMetric);
      if (value === undefined) return `the trial never reported the objective '${o.primaryMetric}'`;
      if (!Number.isFinite(value)) return `the objective '${o.primaryMetric}' is ${value}`;
    }
    for (const c of this.sweep.constraints) {
      const value = last(c.metric);
      if (value === undefined)
        return `the trial never reported '${c.metric}', the metric of the constraint '${c.text}'`;
      if (Number.isNaN(value)) return `the metric '${c.metric}' of the constraint '${c.text}' is NaN`;
    }
    return undefined;
  }
}
