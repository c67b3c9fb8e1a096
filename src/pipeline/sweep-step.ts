import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TrialError, ValidationError } from '../core/errors.ts';
import type { PolicySpec } from '../policies/types.ts';
import { searchSpace } from '../space/parse.ts';
import { sweep } from '../sweep/engine.ts';
import type { SweepOptions } from '../sweep/types.ts';
import { renderCommand } from './command-template.ts';
import { runCommand } from './run-command.ts';
import type { StepContext, StepOutcome } from './step-context.ts';
import { isMapping } from './yaml-doc.ts';

/**
 * Runs a sweep step: the sweep engine searches the trial component's inputs named in
 * `search_space`; each trial runs the component's command (metrics from its
 * `##mlsweep {...}` lines) with its own output folders; the best trial's outputs become
 * the step's outputs, and its parameters and value are logged on the step's run.
 *
 * @example
 * const outcome = await runSweepStep(ctx); // { ok: true, message: 'best trial 3: accuracy = 0.95' }
 */
export async function runSweepStep(ctx: StepContext): Promise<StepOutcome> {
  const step = ctx.step;
  const component = step.component!;
  const spec = step.sweep!;
  const trialsDir = join(ctx.logDir, '..', 'trials');
  const result = await sweep({
    searchSpace: searchSpace(spec.searchSpace, 'search_space'),
    sampling: sampling(spec.samplingAlgorithm),
    objective: spec.objective,
    limits: limits(spec.limits, step.timeoutSeconds),
    ...(spec.earlyTermination !== undefined ? { earlyTermination: policy(spec.earlyTermination) } : {}),
    signal: ctx.signal,
    trial: async (params, trial) => {
      const dir = join(trialsDir, `trial-${trial.trialId}`);
      const outputs: Record<string, string> = {};
      for (const [name, port] of Object.entries(component.outputs)) {
        outputs[name] = join(dir, 'outputs', name);
        mkdirSync(port.type === 'uri_file' ? join(dir, 'outputs') : outputs[name]!, { recursive: true });
      }
      const inputs = { ...ctx.inputs, ...(params as Record<string, string | number | boolean>) };
      const rendered = renderCommand(component.command, inputs, outputs);
      const base = ['/bin/sh', '-c', rendered.command];
      const env = {
        ...component.environmentVariables,
        ...step.environmentVariables,
        ...(ctx.environment?.env ?? {}),
        ...rendered.env,
        MLSWEEP_PIPELINE_STEP: step.name,
        MLSWEEP_TRIAL_ID: String(trial.trialId),
      };
      const outcome = await runCommand({
        argv: ctx.environment ? ctx.environment.wrap(base, Object.keys(env)) : base,
        cwd: component.code ?? component.baseDir,
        env,
        logDir: dir,
        signal: trial.signal,
        graceMs: ctx.graceMs,
        onMetrics: (metrics, at) => {
          for (const [name, value] of Object.entries(metrics)) trial.report(name, value, at);
        },
      });
      if (!outcome.ok) throw new TrialError(outcome.message);
    },
  });
  const best = result.best;
  if (!best)
    return { ok: false, message: `no trial completed: ${result.message}`, stopped: ctx.signal.aborted };
  for (const [name, path] of Object.entries(ctx.outputs)) {
    const from = join(trialsDir, `trial-${best.id}`, 'outputs', name);
    rmSync(path, { recursive: true, force: true });
    cpSync(from, path, { recursive: true });
  }
  ctx.store.logParams(
    ctx.runId,
    Object.fromEntries(Object.entries(best.params).map(([k, v]) => [`best.${k}`, String(v)])),
  );
  if (best.value !== undefined && Number.isFinite(best.value)) {
    ctx.store.logMetrics(ctx.runId, [
      { key: spec.objective.primaryMetric, value: best.value, step: 0, timestamp: Date.now() },
    ]);
  }
  ctx.store.setTags(ctx.runId, { 'mlsweep.pipeline.best_trial': String(best.id) });
  const message = `best trial ${best.id} of ${result.trials.length}: ${spec.objective.primaryMetric} = ${best.value}`;
  ctx.log(`[${step.name}] ${message}`);
  return { ok: true, message };
}

function sampling(value: unknown): NonNullable<SweepOptions['sampling']> {
  const raw = isMapping(value) ? value : { type: value };
  const type = raw['type'];
  const seed = typeof raw['seed'] === 'number' ? raw['seed'] : undefined;
  if (type === 'grid') return { type: 'grid' };
  if (type === 'random' || type === 'sobol') {
    return {
      type: 'random',
      ...(seed !== undefined ? { seed } : {}),
      ...(type === 'sobol' ? { rule: 'sobol' } : {}),
    };
  }
  if (type === 'bayesian') return { type: 'bayesian', ...(seed !== undefined ? { seed } : {}) };
  throw new ValidationError(
    `sampling_algorithm must be random, grid or bayesian, got ${JSON.stringify(type)}`,
    {
      path: 'sampling_algorithm',
    },
  );
}

function limits(
  raw: Readonly<Record<string, unknown>>,
  stepTimeout: number | undefined,
): SweepOptions['limits'] {
  const n = (key: string) => (typeof raw[key] === 'number' ? (raw[key] as number) : undefined);
  const total = n('max_total_trials');
  const concurrent = n('max_concurrent_trials');
  const timeout = n('timeout') ?? stepTimeout;
  const trialTimeout = n('trial_timeout');
  return {
    maxTotalTrials: total ?? 10,
    ...(concurrent !== undefined ? { maxConcurrentTrials: concurrent } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
    ...(trialTimeout !== undefined ? { trialTimeout } : {}),
  };
}

function policy(raw: unknown): PolicySpec {
  if (!isMapping(raw))
    throw new ValidationError('early_termination must be a mapping with a type', {
      path: 'early_termination',
    });
  const timing = {
    evaluationInterval: Math.max(1, Number(raw['evaluation_interval'] ?? 1)),
    delayEvaluation: Number(raw['delay_evaluation'] ?? 0),
  };
  if (raw['type'] === 'bandit') {
    return {
      type: 'bandit',
      ...timing,
      ...(typeof raw['slack_factor'] === 'number' ? { slackFactor: raw['slack_factor'] } : {}),
      ...(typeof raw['slack_amount'] === 'number' ? { slackAmount: raw['slack_amount'] } : {}),
    };
  }
  if (raw['type'] === 'median_stopping') return { type: 'median_stopping', ...timing };
  throw new ValidationError(
    `early_termination type ${JSON.stringify(raw['type'])}: a pipeline sweep step takes bandit or median_stopping`,
    { path: 'early_termination' },
  );
}
