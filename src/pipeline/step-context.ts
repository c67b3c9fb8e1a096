import type { SqliteStore } from '../tracking/sqlite-store.ts';
import type { StepEnvironment } from './environments.ts';
import type { StepSpec } from './pipeline-spec.ts';

/** What a step executor gets: the step, its resolved inputs and output paths, its run. */
export interface StepContext {
  readonly step: StepSpec;
  readonly store: SqliteStore;
  /** The step's child run. */
  readonly runId: string;
  /** Input values: literals, and absolute paths for file and folder inputs. */
  readonly inputs: Readonly<Record<string, string | number | boolean>>;
  /** Output name -> the absolute path the step writes it to. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly environment?: StepEnvironment;
  /** The folder its logs go to (inside the run's artifacts, so `job stream` can follow them). */
  readonly logDir: string;
  readonly signal: AbortSignal;
  readonly graceMs: number;
  /** Progress lines for the person running the pipeline. */
  readonly log: (line: string) => void;
}

/** How a step ended. */
export interface StepOutcome {
  readonly ok: boolean;
  readonly message: string;
  readonly stopped?: boolean;
}

/**
 * Runs one kind of step (command, sweep, automl, batch_endpoint). An executor whose step
 * depends on more than the step's own text and inputs (a batch step: the deployment the
 * endpoint has now, its model's bytes) says so by `cacheKey`, which the runner adds to the
 * step's cache key before deciding to reuse it.
 */
export type StepExecutor = ((ctx: StepContext) => Promise<StepOutcome>) & {
  readonly cacheKey?: (step: StepSpec, store: SqliteStore) => unknown;
};
