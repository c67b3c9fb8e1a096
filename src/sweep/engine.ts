import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { TrialError, ValidationError } from '../core/errors.ts';
import { GOALS, isGoal } from '../core/goal.ts';
import { DEFAULT_TERMINATION_GRACE_SECONDS } from '../core/limits.ts';
import type {
  FinishedTrial,
  MetricPoint,
  Objective,
  ParamSet,
  PendingTrial,
  StopReason,
  TrialStatus,
} from '../core/trial.ts';
import { createPolicy, type Policy } from '../policies/create.ts';
import type { Sampler, TrialHistory } from '../samplers/types.ts';
import { MemoryStore } from '../store/memory-store.ts';
import type { TrialOutput } from '../store/records.ts';
import type { SweepWriter } from '../store/sweep-store.ts';
import { type ConstraintSpec, resolveConstraints, violation } from './constraints.ts';
import { sameErrorWatch } from './fail-fast.ts';
import { type ResolvedLimits, resolveLimits, resolveRunner } from './options.ts';
import { multiObjectiveResult } from './pareto-result.ts';
import { resolveSampler } from './sampling.ts';
import { summarizeTrials } from './summary.ts';
import {
  configuredTrackingUri,
  type TrackedEvent,
  type TrackingSession,
  trackingEnvironment,
} from './trial-tracking.ts';
import type {
  RunContext,
  Runner,
  SweepEvent,
  SweepOptions,
  SweepResult,
  TrialResult,
  TrialReturn,
} from './types.ts';
import { warmStartTrials } from './warm-start.ts';

/** A running trial's state. */
interface Live {
  readonly id: number;
  readonly params: ParamSet;
  readonly startedAt: string;
  readonly t0: number;
  /** Created on first use: most quick trials never look at their signal. */
  controller: AbortController | undefined;
  readonly metrics: Record<string, MetricPoint[]>;
  /** The primary metric's values, shared with the policy's view of the sweep. */
  readonly history: { id: number; values: number[]; finished: boolean };
  stopped?: { status: TrialStatus; message: string };
  /** A NaN or infinite report of the primary metric: the trial's value, kept from the policy's view. */
  nonFinite?: number;
  output?: TrialOutput;
  timer?: NodeJS.Timeout;
  ended: boolean;
}

/**
 * One sweep: suggests parameter sets, runs trials within the limits, stops poor ones
 * with the early termination policy, and writes everything to the store. `sweep()` is
 * the one-call form; keep a Sweep to cancel it (first Ctrl-C) or kill it (second).
 *
 * @example
 * const run = new Sweep({ sampler, objective: { goal: 'minimize', primaryMetric: 'loss' }, trial });
 * process.once('SIGINT', () => run.cancel());
 * const result = await run.run();
 */
export class Sweep {
  private readonly sampler: Sampler;
  private readonly objective: Objective;
  /** Every objective, the first being `objective`. */
  private readonly objectives: readonly Objective[];
  private readonly constraints: readonly ConstraintSpec[];
  /** Prior observations (warm start), then every ended trial: what the sampler sees. */
  private readonly observed: FinishedTrial[] = [];
  private readonly notices: string[] = [];
  private readonly limits: ResolvedLimits;
  private readonly policy: Policy | undefined;
  private readonly runner: Runner;
  private readonly store: SweepWriter;
  private readonly onEvent: ((event: SweepEvent) => void) | undefined;
  private readonly watch: ReturnType<typeof sameErrorWatch>;
  private readonly kill$ = new AbortController();
  private readonly live = new Map<number, Live>();
  private readonly histories: Array<Live['history']> = [];
  private readonly ended: TrialResult[] = [];
  /** Resumed trials that retries replace: in the result, not in the sampler's or the policy's view. */
  private readonly replaced: readonly TrialResult[];
  private readonly pending: PendingTrial[] = [];
  private readonly view: TrialHistory;
  private readonly writes: Promise<void>[] = [];
  /** The first error of the store or of onEvent: it stops the sweep, and run() throws it. */
  private failure: unknown;
  private stopping: { reason: StopReason; message: string } | undefined;
  private wake: (() => void) | undefined;
  private started = false;
  /** The tracking server command trials log to (options.tracking), while the sweep runs. */
  private tracking: TrackingSession | undefined;
  /** Running trials by the id of the run they log into through the tracking server. */
  private readonly trackedRuns = new Map<string, Live>();

  constructor(private readonly options: SweepOptions) {
    this.objectives = resolveObjectives(options);
    this.objective = this.objectives[0]!;
    this.constraints = resolveConstraints(options.constraints);
    this.sampler = resolveSampler(options);
    this.limits = resolveLimits(options.limits, options.trial);
    this.policy = options.earlyTermination ? createPolicy(options.earlyTermination) : undefined;
    this.runner = resolveRunner(
      options.trial,
      (options.terminationGrace ?? DEFAULT_TERMINATION_GRACE_SECONDS) * 1000,
    );
    this.store = options.store ?? new MemoryStore();
    this.onEvent = options.onEvent;
    this.watch = sameErrorWatch(options.failFast ?? 3);
    this.view = {
      objective: this.objective,
      ...(this.objectives.length > 1 ? { objectives: this.objectives } : {}),
      trials: this.observed,
      pending: this.pending,
    };
    if (Array.isArray(options.warmStart)) this.observe(options.warmStart);
    for (const trial of options.resume?.trials ?? []) {
      insertById(this.ended, trial);
      insertById(this.observed, trial);
      this.histories.push({
        id: trial.id,
        values: trial.intermediate.map((p) => p.value).filter(Number.isFinite),
        finished: true,
      });
    }
    this.replaced = options.resume?.replaced ?? [];
    setMaxListeners(0, this.kill$.signal);
  }

  /** Runs the sweep to its end (a limit, the sampler's exhaustion, a stop) and returns every trial. */
  async run(): Promise<SweepResult> {
    if (this.started)
      throw new ValidationError('a Sweep runs once; create another to run again', { path: 'sweep' });
    this.started = true;
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const { timeout } = this.limits;
    const sweepTimer =
      timeout === undefined
        ? undefined
        : setTimeout(
            () => this.stop('timeout', `the sweep's timeout of ${timeout} s was reached`),
            timeout * 1000,
          );
    const onAbort = () => this.cancel();
    this.options.signal?.addEventListener('abort', onAbort, { once: true });
    if (this.options.signal?.aborted) this.cancel();
    const warm = this.options.warmStart;
    if (warm !== undefined && !Array.isArray(warm)) {
      const read = await warmStartTrials(
        warm as Exclude<typeof warm, readonly FinishedTrial[]>,
        this.sampler.space,
        this.objectives,
        this.constraints,
      );
      for (const notice of read.notices) this.notice(notice);
      this.observe(read.trials);
    }
    let exhausted = false;
    let suggested = this.options.resume?.counted ?? 0;
    let nextId = this.options.resume?.nextId ?? 0;
    const retry = [...(this.options.resume?.retry ?? [])];
    // Last before the loop: the finally below stops it, whatever happens next. Awaited
    // only when there is one to start: without, the first trials start within run()'s call.
    try {
      const starting = this.startTracking();
      if (starting !== undefined) await starting;
    } catch (error) {
      clearTimeout(sweepTimer);
      this.options.signal?.removeEventListener('abort', onAbort);
      await this.runner.close?.();
      throw error;
    }
    try {
      for (;;) {
        while (
          !this.stopping &&
          !exhausted &&
          this.live.size < this.limits.maxConcurrentTrials &&
          suggested < this.limits.maxTotalTrials
        ) {
          const again = retry.shift();
          const suggestion = again ? { params: again } : this.sampler.suggest(this.view);
          if (suggestion.exhausted) exhausted = true;
          else {
            suggested++;
            this.start(nextId++, suggestion.params);
          }
        }
        if (this.live.size === 0) break;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } catch (error) {
      this.stop('cancelled', `the sweep failed: ${(error as Error).message}`);
      await this.drain();
      throw error;
    } finally {
      clearTimeout(sweepTimer);
      this.options.signal?.removeEventListener('abort', onAbort);
      await this.runner.close?.();
      await this.tracking?.stop();
    }
    const end =
      this.stopping ??
      (exhausted
        ? {
            reason: 'exhausted' as const,
            message: `the sampler has no more parameter sets after ${suggested} trials`,
          }
        : { reason: 'max_total_trials' as const, message: `max_total_trials (${suggested}) reached` });
    this.write(() => this.store.endSweep(end.reason, end.message));
    await Promise.all(this.writes);
    if (this.failure !== undefined) throw this.failure;
    return this.result(end, startedAt, t0);
  }

  /**
   * Starts options.tracking for a sweep of command trials, unless the user configured a
   * tracking server of their own (then trials log there, and the sweep reads printed lines).
   */
  private startTracking(): Promise<void> | undefined {
    const { tracking, trial } = this.options;
    if (tracking === undefined || typeof trial !== 'object' || !('command' in trial)) return undefined;
    const configured = configuredTrackingUri(trial.environmentVariables);
    if (configured !== undefined) {
      this.notice(
        `MLFLOW_TRACKING_URI is set (${configured.replace(/\/\/[^@/]*@/, '//')}): trials log there, and the sweep reads only their printed metric lines`,
      );
      return undefined;
    }
    return tracking.start().then((session) => {
      this.tracking = session;
      session.onLogged((event) => this.logged(event));
    });
  }

  /** Metrics a trial logged through the tracking server: reported as if printed. */
  private logged(event: TrackedEvent): void {
    const live = this.trackedRuns.get(event.runId);
    if (live === undefined || event.metrics === undefined) return;
    const stored = this.tracking?.sharesStore === true;
    for (const m of event.metrics) {
      try {
        this.report(live, m.key, m.value, m.step, true, stored);
      } catch (error) {
        // The server has stored the point; a value the sweep cannot use is the trial's problem.
        this.notice(`trial ${live.id}: logged metric '${m.key}' not used: ${(error as Error).message}`);
      }
    }
  }

  /** Runs a trial, with its tracking run's environment when the sweep has a tracking server. */
  private async runTracked(live: Live, ctx: RunContext): Promise<TrialReturn> {
    const session = this.tracking!;
    // The store must hold the trial's run before its process asks for it.
    await Promise.all(this.writes);
    const run = await session.runFor(live.id, live.params);
    if (live.stopped) throw new TrialError(live.stopped.message, 'E_TRIAL_STOPPED');
    this.trackedRuns.set(run.runId, live);
    ctx.environment = trackingEnvironment(session.uri, run);
    return this.runner.run(ctx);
  }

  /** Adds prior observations (warm start) to the sampler's view; grid sampling has no use for them. */
  private observe(trials: readonly FinishedTrial[]): void {
    if (trials.length === 0) return;
    if (this.sampler.name === 'grid') {
      this.notice(
        `warm start: grid sampling does not learn from earlier trials; the ${trials.length} given are not used`,
      );
      return;
    }
    for (const trial of trials) {
      if (!(trial.id < 0)) {
        throw new ValidationError(
          `warmStart: prior observations are numbered below 0 (warmStartTrials does so), got trial id ${trial.id}`,
          { path: 'warmStart' },
        );
      }
      insertById(this.observed, trial);
    }
  }

  private notice(message: string): void {
    this.notices.push(message);
    try {
      this.options.onNotice?.(message);
    } catch (error) {
      this.fail('onNotice', error);
    }
  }

  /** Stops gracefully, like a first Ctrl-C: running trials are cancelled, results kept. */
  cancel(message = 'the sweep was cancelled'): void {
    this.stop('cancelled', message);
  }

  /**
   * Stops gracefully like `cancel()`, but ends the sweep as `interrupted`: stopped from
   * outside (a signal), to be resumed; its cancelled trials are retried on resume.
   *
   * @example
   * process.once('SIGTERM', () => run.interrupt('interrupted by SIGTERM'));
   */
  interrupt(message = 'the sweep was interrupted'): void {
    this.stop('interrupted', message);
  }

  /** Stops at once, like a second Ctrl-C: processes get SIGKILL, workers are terminated. */
  kill(): void {
    this.cancel('the sweep was killed');
    this.kill$.abort(new TrialError('killed', 'E_TRIAL_STOPPED'));
  }

  private start(id: number, params: ParamSet): void {
    const live: Live = {
      id,
      params,
      startedAt: new Date().toISOString(),
      t0: performance.now(),
      controller: undefined,
      metrics: {},
      history: { id, values: [], finished: false },
      ended: false,
    };
    this.live.set(id, live);
    this.histories.push(live.history);
    this.pending.push({ id, params });
    this.write(() => this.store.startTrial(id, params, live.startedAt));
    this.emit({ type: 'trial_started', trialId: id, params });
    const { trialTimeout } = this.limits;
    if (trialTimeout !== undefined) {
      live.timer = setTimeout(
        () => this.stopTrial(live, 'timed_out', `trial_timeout of ${trialTimeout} s reached`),
        trialTimeout * 1000,
      );
    }
    const ctx: RunContext = {
      trialId: id,
      params,
      get signal() {
        return (live.controller ??= new AbortController()).signal;
      },
      killSignal: this.kill$.signal,
      report: (name, value, step) => this.report(live, name, value, step, true),
      keepOutput: (output) => (live.output = output),
    };
    let run: Promise<TrialReturn>;
    try {
      run = this.tracking ? this.runTracked(live, ctx) : this.runner.run(ctx);
    } catch (error) {
      run = Promise.reject(error);
    }
    run.then(
      (value) => this.finish(live, value, undefined),
      (error: unknown) => this.finish(live, undefined, error ?? new Error('the trial failed')),
    );
  }

  /** `stored`: the point is already in the store (logged through the tracking server). */
  private report(
    live: Live,
    name: string,
    value: number,
    step: number | undefined,
    judge: boolean,
    stored = false,
  ): void {
    if (live.ended || live.stopped) return;
    if (typeof name !== 'string' || name === '') {
      throw new ValidationError(
        `report: a metric name must be a non-empty string, got ${JSON.stringify(name)}`,
        {
          path: 'report.name',
        },
      );
    }
    if (typeof value !== 'number') {
      throw new ValidationError(
        `report: the value of '${name}' must be a number, got ${JSON.stringify(value)}`,
        {
          path: `report.${name}`,
        },
      );
    }
    const points = (live.metrics[name] ??= []);
    const last = points[points.length - 1];
    const point = { step: step ?? (last ? last.step + 1 : 0), value };
    points.push(point);
    if (!stored) this.write(() => this.store.addMetric(live.id, name, point));
    if (name !== this.objective.primaryMetric) return;
    if (!Number.isFinite(value)) {
      // NaN or an infinity is no value to rank or to judge by, and a run that diverged
      // does not come back: the trial fails now, its value out of the policy's view.
      live.nonFinite = value;
      this.stopTrial(live, 'failed', `the primary metric '${name}' is ${value}`);
      return;
    }
    live.history.values.push(value);
    if (!judge || !this.policy) return;
    const decision = this.policy({ goal: this.objective.goal, trialId: live.id, histories: this.histories });
    if (decision.terminate)
      this.stopTrial(live, 'early_terminated', decision.reason ?? 'stopped by the policy');
  }

  private stopTrial(live: Live, status: TrialStatus, message: string): void {
    if (live.ended || live.stopped) return;
    live.stopped = { status, message };
    (live.controller ??= new AbortController()).abort(new TrialError(message, 'E_TRIAL_STOPPED'));
  }

  private stop(reason: StopReason, message: string): void {
    if (this.stopping) return;
    this.stopping = { reason, message };
    this.emit({ type: 'stopping', reason, message });
    for (const live of this.live.values()) this.stopTrial(live, 'cancelled', `cancelled: ${message}`);
    this.wake?.();
  }

  private finish(live: Live, returned: TrialReturn, error: unknown): void {
    if (live.ended) return;
    clearTimeout(live.timer);
    let status: TrialStatus;
    let message: string | undefined;
    if (live.stopped) {
      ({ status, message } = live.stopped);
    } else if (error !== undefined) {
      status = 'failed';
      message = error instanceof Error ? error.message : String(error);
    } else {
      message = this.keepReturned(live, returned) ?? this.keepObjectives(live);
      status = message === undefined ? 'completed' : 'failed';
    }
    const measured = status === 'completed' ? this.measure(live) : {};
    live.ended = true;
    live.history.finished = true;
    const values = live.history.values;
    const endedAt = new Date().toISOString();
    const trial: TrialResult = {
      id: live.id,
      params: live.params,
      status,
      ...(live.nonFinite !== undefined
        ? { value: live.nonFinite }
        : values.length > 0
          ? { value: values[values.length - 1]! }
          : {}),
      intermediate: live.metrics[this.objective.primaryMetric] ?? [],
      ...measured,
      metrics: live.metrics,
      startedAt: live.startedAt,
      endedAt,
      durationMs: performance.now() - live.t0,
      ...(message !== undefined ? { error: message } : {}),
      ...(live.output ? { output: live.output } : {}),
    };
    this.live.delete(live.id);
    for (const [runId, tracked] of this.trackedRuns) if (tracked === live) this.trackedRuns.delete(runId);
    const at = this.pending.findIndex((p) => p.id === live.id);
    if (at !== -1) this.pending.splice(at, 1);
    insertById(this.ended, trial);
    insertById(this.observed, trial);
    this.write(() =>
      this.store.endTrial(live.id, {
        status,
        endedAt,
        ...(trial.value !== undefined ? { value: trial.value } : {}),
        ...measured,
        ...(message !== undefined ? { error: message } : {}),
        ...(live.output ? { output: live.output } : {}),
      }),
    );
    this.emit({ type: 'trial_ended', trial });
    const same = this.watch.ended(status, message);
    if (same) this.stop('same_error', same);
    this.wake?.();
  }

  /** Records a completed trial's returned metrics; the failure message when it is unusable. */
  private keepReturned(live: Live, returned: TrialReturn): string | undefined {
    const primary = this.objective.primaryMetric;
    if (typeof returned === 'number') this.report(live, primary, returned, undefined, false);
    else if (returned !== undefined && returned !== null) {
      if (typeof returned !== 'object')
        return `the trial returned ${typeof returned}, expected a number or an object of metrics`;
      for (const [name, value] of Object.entries(returned)) {
        if (typeof value !== 'number')
          return `the trial returned a non-numeric metric '${name}': ${JSON.stringify(value)}`;
        this.report(live, name, value, undefined, false);
      }
    }
    if (live.stopped) return live.stopped.message; // a non-finite primary metric
    if (live.history.values.length > 0) return undefined;
    const names = Object.keys(live.metrics);
    const invalid = live.output?.invalidLines ?? [];
    return (
      `the trial never reported the primary metric '${primary}' (${names.length > 0 ? `it reported ${names.join(', ')}` : 'it reported no metric'})` +
      (invalid.length > 0
        ? `; ${invalid.length} metrics line(s) could not be read, the first: ${invalid[0]}`
        : '')
    );
  }

  /**
   * A completed trial's failure message when it lacks an objective beyond the first (its
   * metric never reported, or not a finite number) or a constraint's metric.
   */
  private keepObjectives(live: Live): string | undefined {
    const last = (name: string) => live.metrics[name]?.[live.metrics[name]!.length - 1]?.value;
    for (const o of this.objectives.slice(1)) {
      const value = last(o.primaryMetric);
      if (value === undefined) return `the trial never reported the objective '${o.primaryMetric}'`;
      if (!Number.isFinite(value)) return `the objective '${o.primaryMetric}' is ${value}`;
    }
    for (const c of this.constraints) {
      const value = last(c.metric);
      if (value === undefined)
        return `the trial never reported '${c.metric}', the metric of the constraint '${c.text}'`;
      if (Number.isNaN(value)) return `the metric '${c.metric}' of the constraint '${c.text}' is NaN`;
    }
    return undefined;
  }

  /** A completed trial's values (multi-objective) and constraint values (constrained). */
  private measure(live: Live): { values?: number[]; constraints?: number[] } {
    const last = (name: string) => live.metrics[name]![live.metrics[name]!.length - 1]!.value;
    return {
      ...(this.objectives.length > 1 ? { values: this.objectives.map((o) => last(o.primaryMetric)) } : {}),
      ...(this.constraints.length > 0
        ? { constraints: this.constraints.map((c) => violation(c, last(c.metric))) }
        : {}),
    };
  }

  private async drain(): Promise<void> {
    while (this.live.size > 0) await new Promise<void>((resolve) => (this.wake = resolve));
  }

  private write(op: () => void | Promise<void>): void {
    try {
      const result = op();
      if (result instanceof Promise)
        this.writes.push(result.catch((error: unknown) => this.fail('store', error)));
    } catch (error) {
      this.fail('store', error);
    }
  }

  private emit(event: SweepEvent): void {
    if (!this.onEvent) return;
    try {
      this.onEvent(event);
    } catch (error) {
      this.fail('onEvent', error);
    }
  }

  private fail(where: string, error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.stop('cancelled', `the ${where} failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  private result(end: { reason: StopReason; message: string }, startedAt: string, t0: number): SweepResult {
    const trials = this.replaced.length === 0 ? this.ended : byId([...this.ended, ...this.replaced]);
    return {
      objective: this.objective,
      ...multiObjectiveResult(
        trials,
        this.objectives,
        this.constraints,
        this.options.hypervolumeReference,
        this.options.tradeOff,
      ),
      ...(this.notices.length > 0 ? { notices: [...this.notices] } : {}),
      sampler: this.sampler.name,
      stopReason: end.reason,
      message: end.message,
      trials,
      ...summarizeTrials(trials, this.objective.goal),
      startedAt,
      endedAt: new Date().toISOString(),
      durationMs: performance.now() - t0,
    };
  }
}

/**
 * Runs a sweep and returns every trial with its parameters, status, metrics by step and
 * value (the last reported value of the primary metric), the best completed trial, and
 * counts by status.
 *
 * @example
 * const result = await sweep({
 *   sampler: new RandomSampler(space, { seed: 1 }),
 *   objective: { goal: 'minimize', primaryMetric: 'loss' },
 *   limits: { maxTotalTrials: 50, maxConcurrentTrials: 4 },
 *   trial: async ({ x }) => ({ loss: (Number(x) - 2) ** 2 }),
 * });
 * result.best?.params;
 */
export function sweep(options: SweepOptions): Promise<SweepResult> {
  return new Sweep(options).run();
}

/**
 * The objectives of `sweep()`'s options: `objective`, or `objectives` (exactly one), each
 * with a goal and a metric name, no metric twice.
 */
function resolveObjectives(options: SweepOptions): Objective[] {
  if (options.objective !== undefined && options.objectives !== undefined) {
    throw new ValidationError('give objective or objectives, not both', { path: 'objectives' });
  }
  const many = options.objectives !== undefined;
  if (many && (!Array.isArray(options.objectives) || options.objectives.length === 0)) {
    throw new ValidationError('objectives must be a non-empty list of { goal, primaryMetric }', {
      path: 'objectives',
    });
  }
  const list: readonly (Objective | undefined)[] = options.objectives ?? [options.objective];
  const seen = new Set<string>();
  return list.map((o, i) => {
    const at = many ? `objectives[${i}]` : 'objective';
    const { goal, primaryMetric } = o ?? {};
    if (!isGoal(goal)) {
      throw new ValidationError(`${at}.goal must be ${GOALS.join(' or ')}, got ${String(goal)}`, {
        path: `${at}.goal`,
      });
    }
    if (typeof primaryMetric !== 'string' || primaryMetric === '') {
      throw new ValidationError(`${at}.primary_metric must be a metric name, got ${String(primaryMetric)}`, {
        path: `${at}.primary_metric`,
      });
    }
    if (seen.has(primaryMetric)) {
      throw new ValidationError(`${at}: '${primaryMetric}' is already an objective`, {
        path: `${at}.primary_metric`,
      });
    }
    seen.add(primaryMetric);
    return { goal, primaryMetric };
  });
}

function byId<T extends FinishedTrial>(trials: T[]): T[] {
  return trials.sort((a, b) => a.id - b.id);
}

function insertById(trials: FinishedTrial[], trial: FinishedTrial): void {
  let i = trials.length;
  while (i > 0 && trials[i - 1]!.id > trial.id) i--;
  trials.splice(i, 0, trial);
}
