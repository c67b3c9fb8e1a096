import { runCommandStep } from './command-step.ts';
import type { StepSpec } from './pipeline-spec.ts';
import type { StepContext, StepExecutor, StepOutcome } from './step-context.ts';

/**
 * The executors of every step type mlsweep runs: command, sweep and AutoML. The sweep and
 * AutoML engines are loaded when a step of theirs first runs, not before: a pipeline whose
 * steps are all reused from the cache (or are commands) never loads them, which keeps a
 * cached rerun of `mlsweep job create` well under a second.
 *
 * @example
 * await runPipeline(spec, { store, executors: defaultExecutors() });
 */
export function defaultExecutors(): Partial<Record<StepSpec['type'], StepExecutor>> {
  return {
    command: runCommandStep,
    sweep: async (ctx: StepContext): Promise<StepOutcome> =>
      (await import('./sweep-step.ts')).runSweepStep(ctx),
    automl: async (ctx: StepContext): Promise<StepOutcome> =>
      (await import('./automl-step.ts')).runAutoMLStep(ctx),
  };
}
