import { runAutoMLStep } from './automl-step.ts';
import { runCommandStep } from './command-step.ts';
import type { StepSpec } from './pipeline-spec.ts';
import type { StepExecutor } from './step-context.ts';
import { runSweepStep } from './sweep-step.ts';

/**
 * The executors of every step type mlsweep runs: command, sweep and AutoML.
 *
 * @example
 * await runPipeline(spec, { store, executors: defaultExecutors() });
 */
export function defaultExecutors(): Partial<Record<StepSpec['type'], StepExecutor>> {
  return { command: runCommandStep, sweep: runSweepStep, automl: runAutoMLStep };
}
