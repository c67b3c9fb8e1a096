/**
 * The Azure ML v2 sweep job contract as zod schemas (keys as Azure spells them), plus
 * our extensions: `rule` and `seed` on every sampling form, `method` for Bayesian
 * sampling, the `asha` early termination policy, and three keys Azure does not have:
 * `objectives` (several objectives, instead of `objective`), `constraints`
 * (`["model_size_mb <= 50", ...]` on reported metrics), `warm_start` (earlier sweeps'
 * ids whose completed trials the samplers start from), `trade_off` (the rule that picks
 * the best trade-off of the Pareto front) and `hypervolume_reference`. `sampling_algorithm` and
 * `early_termination` are dispatched on their `type` by the loader, so a bad type gets
 * its own message; each variant is a strict object, so a misspelt key is reported.
 */
import { z } from 'zod';
import { GOALS } from '../core/goal.ts';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const lower = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(values));
const count = z.number().int().min(1);
const seconds = z.number().positive();
const interval = z.number().int().min(0);

/** Top-level, trial-level and input-level keys that only mean something on Azure. */
export const AZURE_ONLY_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': [
    '$schema',
    'compute',
    'outputs',
    'identity',
    'resources',
    'queue_settings',
    'services',
    'properties',
    'notification_setting',
  ],
  trial: ['resources', 'distribution'],
};

const azureOnly = (keys: readonly string[]) =>
  Object.fromEntries(keys.map((k) => [k, z.unknown().optional()]));

export const pathInputSchema = z.strictObject({
  type: z.string().min(1),
  path: z.string().min(1),
  mode: z.string().optional(),
});

export const trialSchema = z.strictObject({
  command: z.string().min(1),
  code: z.string().min(1).optional(),
  environment_variables: z.record(z.string(), scalar).optional(),
  /** An environment reference (`azureml:name:version`, `azureml:name@latest`, an env.yml path) or an inline environment. */
  environment: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
  ...azureOnly(AZURE_ONLY_KEYS.trial ?? []),
});

export const objectiveSchema = z.strictObject({
  goal: lower(GOALS),
  primary_metric: z.string().min(1),
});

export const limitsSchema = z.strictObject({
  max_total_trials: count.optional(),
  max_concurrent_trials: count.optional(),
  timeout: seconds.optional(),
  trial_timeout: seconds.optional(),
});

/** The variants of `sampling_algorithm` in object form, by type. */
export const samplingSchemas = {
  grid: z.strictObject({ type: z.literal('grid') }),
  random: z.strictObject({
    type: z.literal('random'),
    seed: z.number().int().optional(),
    rule: lower(['random', 'sobol']).optional(),
  }),
  bayesian: z.strictObject({
    type: z.literal('bayesian'),
    seed: z.number().int().optional(),
    method: lower(['auto', 'gp', 'tpe']).optional(),
  }),
  nsga2: z.strictObject({
    type: z.literal('nsga2'),
    seed: z.number().int().optional(),
    population_size: z.number().int().min(2).optional(),
    crossover: lower(['uniform', 'sbx']).optional(),
    crossover_prob: z.number().min(0).max(1).optional(),
    swapping_prob: z.number().min(0).max(1).optional(),
    mutation_prob: z.number().min(0).max(1).optional(),
    eta_c: z.number().min(0).optional(),
    eta_m: z.number().min(0).optional(),
    initial: lower(['sobol', 'random']).optional(),
  }),
  motpe: z.strictObject({
    type: z.literal('motpe'),
    seed: z.number().int().optional(),
    initial_trials: count.optional(),
    candidates: count.optional(),
    multivariate: z.boolean().optional(),
  }),
} as const;

const timing = { evaluation_interval: interval.optional(), delay_evaluation: interval.optional() };

/** The variants of `early_termination`, by type. */
export const earlyTerminationSchemas = {
  bandit: z.strictObject({
    type: z.literal('bandit'),
    ...timing,
    slack_factor: z.number().positive().optional(),
    slack_amount: z.number().positive().optional(),
  }),
  median_stopping: z.strictObject({ type: z.literal('median_stopping'), ...timing }),
  truncation_selection: z.strictObject({
    type: z.literal('truncation_selection'),
    ...timing,
    truncation_percentage: z.number().int().min(1).max(99),
    exclude_finished_jobs: z.boolean().optional(),
  }),
  asha: z.strictObject({
    type: z.literal('asha'),
    ...timing,
    grace_period: count.optional(),
    reduction_factor: z.number().gt(1).optional(),
    max_t: count.optional(),
  }),
} as const;

export const sweepSchema = z.strictObject({
  type: z.literal('sweep'),
  name: z.string().optional(),
  display_name: z.string().optional(),
  experiment_name: z.string().optional(),
  description: z.string().optional(),
  tags: z.record(z.string(), scalar).optional(),
  trial: trialSchema,
  inputs: z.record(z.string(), z.unknown()).optional(),
  search_space: z.record(z.string(), z.unknown()),
  sampling_algorithm: z.unknown(),
  objective: objectiveSchema,
  /** Extension beyond Azure: several objectives (exactly one of objective and objectives). */
  objectives: z.array(objectiveSchema).min(1).optional(),
  /** Extension beyond Azure: constraints on reported metrics, parsed by the loader. */
  constraints: z.array(z.unknown()).optional(),
  /** Extension beyond Azure: ids of earlier sweeps to warm start from. */
  warm_start: z.array(z.string().min(1)).optional(),
  /** Extension beyond Azure: the rule that picks the best trade-off of the Pareto front. */
  trade_off: z.unknown().optional(),
  /** Extension beyond Azure: the hypervolume's reference point, one coordinate per objective. */
  hypervolume_reference: z.array(z.number()).min(1).optional(),
  limits: limitsSchema.optional(),
  early_termination: z.unknown().optional(),
  ...azureOnly(AZURE_ONLY_KEYS[''] ?? []),
});

/** A file with `objectives` (the extension) may leave out Azure's required `objective`. */
export const multiObjectiveSweepSchema = sweepSchema.extend({ objective: objectiveSchema.optional() });

export type SweepDocument = z.infer<typeof multiObjectiveSweepSchema>;
