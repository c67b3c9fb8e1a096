import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { automl } from '../automl/automl.ts';
import type { AutoMLLimits } from '../automl/types.ts';
import { ValidationError } from '../core/errors.ts';
import type { StepContext, StepOutcome } from './step-context.ts';

/** The file an AutoML step's `best_model` output holds (as `mlsweep automl --out` writes it). */
export const AUTOML_MODEL_FILE = 'model.json';

/**
 * Runs an AutoML step: `automl()` on `training_data` (a CSV file, or a folder holding one
 * CSV) for `target_column_name`, within `limits`; the fitted pipeline is saved as
 * `best_model/model.json`, and the best model's metrics are logged on the step's run.
 *
 * @example
 * const outcome = await runAutoMLStep(ctx); // { ok: true, message: 'best LightGBM: accuracy = 0.97' }
 */
export async function runAutoMLStep(ctx: StepContext): Promise<StepOutcome> {
  const spec = ctx.step.automl!;
  const trainPath = csvOf(String(ctx.inputs['training_data']));
  const raw = spec.limits;
  const n = (key: string) => (typeof raw[key] === 'number' ? (raw[key] as number) : undefined);
  const limits: AutoMLLimits = {
    maxTrials: n('max_trials') ?? 8,
    ...(n('timeout_minutes') !== undefined ? { timeoutMinutes: n('timeout_minutes')! } : {}),
    ...(n('trial_timeout_minutes') !== undefined ? { trialTimeoutMinutes: n('trial_timeout_minutes')! } : {}),
    ...(n('max_concurrent_trials') !== undefined ? { maxConcurrentTrials: n('max_concurrent_trials')! } : {}),
    ...(n('exit_score') !== undefined ? { exitScore: n('exit_score')! } : {}),
  };
  const result = await automl({
    task: spec.task,
    trainPath,
    target: spec.targetColumnName,
    ...(spec.primaryMetric ? { primaryMetric: spec.primaryMetric } : {}),
    limits,
    ...(spec.allowedTrainingAlgorithms ? { allowedModels: spec.allowedTrainingAlgorithms } : {}),
    seed: spec.seed ?? 0,
    signal: ctx.signal,
  });
  const out = ctx.outputs['best_model'];
  if (out !== undefined) result.pipeline.save(join(out, AUTOML_MODEL_FILE));
  const metrics = Object.entries(result.best.metrics).filter(
    ([, v]) => typeof v === 'number' && Number.isFinite(v),
  );
  if (metrics.length > 0) {
    ctx.store.logMetrics(
      ctx.runId,
      metrics.map(([key, value]) => ({ key, value: value as number, step: 0, timestamp: Date.now() })),
    );
  }
  const message = `best ${result.best.model}: ${result.primaryMetric} = ${result.best.score}`;
  ctx.log(`[${ctx.step.name}] ${message}`);
  return { ok: true, message };
}

/** The CSV of a training input: the file itself, or the one CSV of a folder. */
function csvOf(path: string): string {
  if (!existsSync(path))
    throw new ValidationError(`training_data ${path} does not exist`, { path: 'training_data' });
  if (!statSync(path).isDirectory()) return path;
  const csvs = readdirSync(path).filter((f) => f.endsWith('.csv'));
  if (csvs.length !== 1) {
    throw new ValidationError(
      `training_data ${path} is a folder with ${csvs.length} CSV files: an AutoML step reads one`,
      { path: 'training_data' },
    );
  }
  return join(path, csvs[0]!);
}
