/**
 * Command trials that log with MLflow: the engine (layer 5) cannot import the tracking
 * server (studio/, layer 6), so whoever runs a sweep passes a `TrialTracking` that starts
 * one, and the engine gives each command trial `MLFLOW_TRACKING_URI`,
 * `MLFLOW_EXPERIMENT_ID` and `MLFLOW_RUN_ID` for its own run and feeds what the trial
 * logs through the REST API to the sweep, like printed metric lines.
 */

/** One metric point a trial logged through the tracking API. */
export interface TrackedMetric {
  readonly key: string;
  readonly value: number;
  readonly step: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
}

/** What the tracking server just stored for a run (the shape of studio/mlflow's LoggedEvent). */
export interface TrackedEvent {
  readonly runId: string;
  readonly metrics?: readonly TrackedMetric[];
  readonly params?: Readonly<Record<string, string>>;
  readonly tags?: Readonly<Record<string, string>>;
}

/** The run a trial logs into, as its MLflow environment names it. */
export interface TrackedRun {
  readonly runId: string;
  readonly experimentId: string;
}

/** A tracking server running for the duration of one sweep. */
export interface TrackingSession {
  /** What trials get as MLFLOW_TRACKING_URI, e.g. `http://127.0.0.1:41234`. */
  readonly uri: string;
  /**
   * True when the server writes into the sweep's own store: the engine then does not
   * write the metric points a trial logged there a second time.
   */
  readonly sharesStore: boolean;
  /**
   * The run of a trial, once the engine has started it in its store (`startTrial` has
   * returned): the trial's own run when the sweep is recorded there, else a new one.
   */
  runFor(trialId: number, params: Readonly<Record<string, unknown>>): Promise<TrackedRun> | TrackedRun;
  /** Registers the listener of everything logged (one listener: the engine). */
  onLogged(listener: (event: TrackedEvent) => void): void;
  /** Stops the server; called once, when the sweep's trials have all ended. */
  stop(): Promise<void>;
}

/** The worker sweep a tracking server is started for, and the tracking run it has in its store. */
export interface TrackingTarget {
  readonly sweepId: string;
  /** The sweep's run (`mlsweep.sweep_run_id`); undefined for a sweep created without tracking. */
  readonly runId: string | undefined;
}

/** Starts a tracking server for a sweep (see `SweepOptions.tracking`). */
export interface TrialTracking {
  /** `sweep`: given by a worker, for the sweep whose trials it runs (a local sweep gives none). */
  start(sweep?: TrackingTarget): Promise<TrackingSession>;
}

/**
 * Why a sweep's command trials get no tracking server of the sweep's: the user already
 * named one in MLFLOW_TRACKING_URI (the trial's environment variables, or this process's
 * environment, which trials inherit). Undefined when the sweep should start its own.
 *
 * @example
 * configuredTrackingUri({ MLFLOW_TRACKING_URI: 'http://mlflow:5000' }, {}); // 'http://mlflow:5000'
 */
export function configuredTrackingUri(
  trialEnvironment: Readonly<Record<string, string>> | undefined,
  processEnvironment: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const uri = trialEnvironment?.MLFLOW_TRACKING_URI ?? processEnvironment.MLFLOW_TRACKING_URI;
  return uri === undefined || uri === '' ? undefined : uri;
}

/**
 * The environment variables of a command trial logging into `run` on `uri`.
 *
 * @example
 * trackingEnvironment('http://127.0.0.1:5000', { runId: 'ab12', experimentId: '1' });
 * // { MLFLOW_TRACKING_URI: 'http://127.0.0.1:5000', MLFLOW_EXPERIMENT_ID: '1', MLFLOW_RUN_ID: 'ab12' }
 */
export function trackingEnvironment(uri: string, run: TrackedRun): Record<string, string> {
  return { MLFLOW_TRACKING_URI: uri, MLFLOW_EXPERIMENT_ID: run.experimentId, MLFLOW_RUN_ID: run.runId };
}
