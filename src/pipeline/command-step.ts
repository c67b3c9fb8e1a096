import { renderCommand } from './command-template.ts';
import { runCommand } from './run-command.ts';
import type { StepContext, StepOutcome } from './step-context.ts';

/**
 * Runs a command step: the component's command with its inputs and outputs substituted
 * (values in environment variables, never in the command text), through `/bin/sh -c`,
 * wrapped by its environment, in its `code` folder; metrics lines are logged to its run.
 *
 * @example
 * const outcome = await runCommandStep(ctx); // { ok: true, message: 'command exited with code 0' }
 */
export async function runCommandStep(ctx: StepContext): Promise<StepOutcome> {
  const component = ctx.step.component!;
  const rendered = renderCommand(component.command, ctx.inputs, ctx.outputs);
  ctx.log(`[${ctx.step.name}] ${rendered.display}`);
  const base = ['/bin/sh', '-c', rendered.command];
  const env = {
    ...component.environmentVariables,
    ...ctx.step.environmentVariables,
    ...(ctx.environment?.env ?? {}),
    ...rendered.env,
    MLFLOW_RUN_ID: ctx.runId,
    MLSWEEP_PIPELINE_STEP: ctx.step.name,
  };
  // A container environment receives only the variables it is told about.
  const argv = ctx.environment ? ctx.environment.wrap(base, Object.keys(env)) : base;
  const outcome = await runCommand({
    argv,
    cwd: component.code ?? component.baseDir,
    env,
    logDir: ctx.logDir,
    signal: ctx.signal,
    graceMs: ctx.graceMs,
    ...(ctx.step.timeoutSeconds !== undefined ? { timeoutSeconds: ctx.step.timeoutSeconds } : {}),
    onMetrics: (metrics, step) => {
      try {
        ctx.store.logMetrics(
          ctx.runId,
          Object.entries(metrics).map(([key, value]) => ({
            key,
            value,
            step: step ?? 0,
            timestamp: Date.now(),
          })),
        );
      } catch {
        // A metric the store refuses does not fail the step: the line stays in its log.
      }
    },
  });
  return { ok: outcome.ok, message: outcome.message, stopped: outcome.stopped };
}
