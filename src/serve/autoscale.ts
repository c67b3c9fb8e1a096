/**
 * Azure's `scale_settings` of type `target_utilization` for a deployment's scoring
 * workers: a pure decision (`nextInstanceCount`) and a small loop that measures, decides
 * and resizes on a timer (`Autoscaler`).
 *
 * The rule is Kubernetes' HorizontalPodAutoscaler's: desired = ceil(current × utilization
 * / target), clamped to [min_instances, max_instances], with no change while
 * utilization / target is within 10% of 1 (its tolerance). Scaling out happens at once;
 * scaling in only after `scaleInReadings` consecutive readings all ask for fewer
 * instances, and then to the largest of their recommendations (HPA's scale-down
 * stabilization window, counted in readings): a burst followed by a pause does not tear
 * workers down only to start them again a second later.
 */
import { ValidationError } from '../core/errors.ts';
import type { ScaleSettings } from '../registry/endpoint-types.ts';

/** The `target_utilization` variant of Azure's scale settings. */
export type TargetUtilizationSettings = Extract<ScaleSettings, { type: 'target_utilization' }>;

/** HPA's default tolerance: no change while utilization is within 10% of the target. */
export const DEFAULT_TOLERANCE = 0.1;

/**
 * Seconds of consistently low readings before scaling in, by default. HPA waits 300 s
 * because a pod costs a scheduling and an image pull to bring back; a worker thread here
 * starts in well under a second, so one minute is enough to ride out a lull.
 */
export const DEFAULT_SCALE_IN_SECONDS = 60;

/** One measurement: instances now and their busy fraction over the last interval. */
export interface UtilizationReading {
  /** Instances serving during the interval. */
  readonly current: number;
  /** Busy time / (elapsed time × current), 0..1 (values above 1 are taken as 1). */
  readonly utilization: number;
}

/** What the decision remembers between readings: the run of readings that asked for fewer instances. */
export interface ScaleState {
  /** Consecutive readings whose recommendation was below the current count. */
  readonly lowReadings: number;
  /** The largest recommendation among them (where scale-in will go). */
  readonly lowMax: number;
}

/** The state before any reading. */
export const INITIAL_SCALE_STATE: ScaleState = { lowReadings: 0, lowMax: 0 };

/** A decision: how many instances to run, why, and the state for the next reading. */
export interface ScaleDecision {
  readonly instances: number;
  /** `out`/`in`: a change; `hold`: within tolerance or waiting out the stabilization; `clamp`: brought into [min, max]. */
  readonly action: 'out' | 'in' | 'hold' | 'clamp';
  /** HPA's recommendation for this reading alone, clamped. */
  readonly desired: number;
  readonly state: ScaleState;
}

/** Knobs of the decision beyond Azure's settings. */
export interface ScaleOptions {
  /** Default 0.1. */
  readonly tolerance?: number;
  /** Consecutive low readings before scaling in (default: 60 s worth of polling intervals, at least 1). */
  readonly scaleInReadings?: number;
}

/**
 * Checks target-utilization settings, naming the key that is wrong.
 *
 * @example
 * checkScaleSettings({ type: 'target_utilization', minInstances: 1, maxInstances: 4, targetUtilizationPercentage: 70, pollingInterval: 1 });
 */
export function checkScaleSettings(settings: TargetUtilizationSettings): TargetUtilizationSettings {
  const { minInstances, maxInstances, targetUtilizationPercentage, pollingInterval } = settings;
  const fail = (key: string, message: string) => {
    throw new ValidationError(`scale_settings.${key}: ${message}`, { path: `scale_settings.${key}` });
  };
  if (!Number.isSafeInteger(minInstances) || minInstances < 1)
    fail('min_instances', `must be an integer ≥ 1, got ${minInstances}`);
  if (!Number.isSafeInteger(maxInstances) || maxInstances < minInstances) {
    fail('max_instances', `must be an integer ≥ min_instances (${minInstances}), got ${maxInstances}`);
  }
  if (!(targetUtilizationPercentage > 0 && targetUtilizationPercentage <= 100)) {
    fail('target_utilization_percentage', `must be in (0, 100], got ${targetUtilizationPercentage}`);
  }
  if (!(pollingInterval > 0 && Number.isFinite(pollingInterval))) {
    fail('polling_interval', `must be a positive number of seconds, got ${pollingInterval}`);
  }
  return settings;
}

function clamp(n: number, settings: TargetUtilizationSettings): number {
  return Math.min(settings.maxInstances, Math.max(settings.minInstances, n));
}

/**
 * The instance count after one utilization reading (HPA's proportional rule with a
 * tolerance band and scale-in stabilization). Pure: the state it returns goes into the
 * next call.
 *
 * @example
 * const s = { type: 'target_utilization', minInstances: 1, maxInstances: 8, targetUtilizationPercentage: 50, pollingInterval: 1 } as const;
 * nextInstanceCount(s, { current: 2, utilization: 0.9 }).instances; // 4 (ceil(2 × 0.9 / 0.5))
 */
export function nextInstanceCount(
  settings: TargetUtilizationSettings,
  reading: UtilizationReading,
  state: ScaleState = INITIAL_SCALE_STATE,
  options: ScaleOptions = {},
): ScaleDecision {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const scaleInReadings = Math.max(
    1,
    options.scaleInReadings ?? Math.ceil(DEFAULT_SCALE_IN_SECONDS / settings.pollingInterval),
  );
  const current = Math.max(0, Math.floor(reading.current));
  const utilization = Number.isFinite(reading.utilization)
    ? Math.min(1, Math.max(0, reading.utilization))
    : 0;
  // outside [min, max] (a start, or settings just changed): come back in at once
  if (current < settings.minInstances || current > settings.maxInstances) {
    const instances = clamp(current, settings);
    return { instances, action: 'clamp', desired: instances, state: INITIAL_SCALE_STATE };
  }
  const target = settings.targetUtilizationPercentage / 100;
  const ratio = utilization / target;
  const desired = clamp(Math.ceil(current * ratio), settings);
  // the epsilon keeps 0.55 / 0.5 (1.1000000000000001 in floating point) inside a 10% band
  if (Math.abs(ratio - 1) <= tolerance + 1e-9 || desired === current) {
    return { instances: current, action: 'hold', desired, state: INITIAL_SCALE_STATE };
  }
  if (desired > current) return { instances: desired, action: 'out', desired, state: INITIAL_SCALE_STATE };
  const low: ScaleState = { lowReadings: state.lowReadings + 1, lowMax: Math.max(state.lowMax, desired) };
  if (low.lowReadings < scaleInReadings) return { instances: current, action: 'hold', desired, state: low };
  return { instances: low.lowMax, action: 'in', desired, state: INITIAL_SCALE_STATE };
}

/** Busy time of all instances and the wall time it was measured over, since the previous call. */
export interface UtilizationSample {
  readonly busyMs: number;
  readonly elapsedMs: number;
}

/**
 * A `measure` for the Autoscaler from a cumulative counter (total busy ms of all
 * instances since they started, which only grows): each call answers the busy time and
 * the wall time since the previous call.
 *
 * @example
 * const measure = intervalMeasure(() => pool.totalBusyMs());
 * new Autoscaler(settings, { initial: 1, measure, resize: (n) => pool.resize(n) });
 */
export function intervalMeasure(
  totalBusyMs: () => number,
  now: () => number = () => performance.now(),
): () => UtilizationSample {
  let lastBusy = totalBusyMs();
  let lastTime = now();
  return () => {
    const busy = totalBusyMs();
    const time = now();
    // a counter that went back (a pool replaced by a new one) starts a new interval at 0
    const sample = { busyMs: Math.max(0, busy - lastBusy), elapsedMs: Math.max(0, time - lastTime) };
    lastBusy = busy;
    lastTime = time;
    return sample;
  };
}

/** A repeating timer; the default wraps setInterval (unref'ed), tests pass a fake one they tick. */
export interface AutoscaleTimer {
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

/** The default timer: setInterval, not keeping the process alive. */
export const realTimer: AutoscaleTimer = {
  every(ms, tick) {
    const handle = setInterval(tick, ms);
    handle.unref();
    return () => clearInterval(handle);
  },
};

/** What an Autoscaler drives. */
export interface AutoscalerOptions extends ScaleOptions {
  /** Instances running when the autoscaler starts. */
  readonly initial: number;
  /** Busy and elapsed ms since the previous call (the first call: since the pool started). */
  readonly measure: () => UtilizationSample;
  /** Brings the pool to `instances`; may be async. Not called while a previous resize is pending. */
  readonly resize: (instances: number) => void | Promise<void>;
  /** Default: realTimer. */
  readonly timer?: AutoscaleTimer;
  /** Told about each decision (for logs and /metrics). */
  readonly onDecision?: (
    decision: ScaleDecision & { readonly utilization: number; readonly from: number },
  ) => void;
  /** Told about a failed resize (default: one line on stderr). */
  readonly onError?: (error: unknown) => void;
}

/**
 * Samples a deployment's utilization every `polling_interval` seconds and resizes its
 * pool by `nextInstanceCount`.
 *
 * @example
 * const scaler = new Autoscaler(settings, { initial: 1, measure: () => pool.utilization(), resize: (n) => pool.resize(n) });
 * scaler.start();
 * // ... later
 * scaler.stop();
 */
export class Autoscaler {
  private readonly settings: TargetUtilizationSettings;
  private readonly options: AutoscalerOptions;
  private current: number;
  private state: ScaleState = INITIAL_SCALE_STATE;
  private cancel: (() => void) | undefined;
  private resizing = false;

  constructor(settings: TargetUtilizationSettings, options: AutoscalerOptions) {
    this.settings = checkScaleSettings(settings);
    this.options = options;
    this.current = options.initial;
  }

  /** Instances the autoscaler believes are running. */
  get instances(): number {
    return this.current;
  }

  /** Starts polling (idempotent). */
  start(): void {
    if (this.cancel !== undefined) return;
    const timer = this.options.timer ?? realTimer;
    this.cancel = timer.every(this.settings.pollingInterval * 1000, () => {
      void this.tick();
    });
  }

  /** Stops polling; a resize in progress finishes. */
  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  /**
   * One reading and decision (what the timer calls): measures, decides, and resizes when
   * the count changes. A reading taken while a resize is pending is skipped (the pool is
   * between sizes, its utilization means little).
   */
  async tick(): Promise<ScaleDecision | undefined> {
    if (this.resizing) return undefined;
    let sample: UtilizationSample;
    try {
      sample = this.options.measure();
    } catch (error) {
      this.report(error);
      return undefined;
    }
    const capacity = sample.elapsedMs * Math.max(1, this.current);
    const utilization = capacity > 0 ? sample.busyMs / capacity : 0;
    const decision = nextInstanceCount(
      this.settings,
      { current: this.current, utilization },
      this.state,
      this.options,
    );
    this.state = decision.state;
    const from = this.current;
    this.options.onDecision?.({ ...decision, utilization, from });
    if (decision.instances !== from) {
      this.resizing = true;
      try {
        await this.options.resize(decision.instances);
        this.current = decision.instances;
      } catch (error) {
        this.report(error);
      } finally {
        this.resizing = false;
      }
    }
    return decision;
  }

  private report(error: unknown): void {
    if (this.options.onError !== undefined) this.options.onError(error);
    else
      process.stderr.write(
        `mlsweep: autoscaler: ${error instanceof Error ? error.message : String(error)}\n`,
      );
  }
}
