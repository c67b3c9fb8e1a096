/**
 * Sweep files (the Azure ML v2 sweep job YAML/JSON dialect) to a validated SweepSpec.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, ValidationError } from '../core/errors.ts';
import { DEFAULT_MAX_TOTAL_TRIALS, defaultCommandConcurrency } from '../core/limits.ts';
import type { Objective } from '../core/trial.ts';
import { readConfigText } from '../data/yaml-file.ts';
import { type KeySegment, parseSource, type SourceDocument, splitKeyPath } from '../data/yaml-source.ts';
import { GridSampler } from '../samplers/grid.ts';
import type { TradeOffRule } from '../samplers/multi-objective/selection.ts';
import { didYouMean } from '../space/nearest.ts';
import { searchSpace } from '../space/parse.ts';
import type { SearchSpace } from '../space/types.ts';
import { type ConstraintSpec, ConstraintSyntaxError, parseConstraint } from '../sweep/constraints.ts';
import { check, configError, show, valueAt } from './issues.ts';
import {
  AZURE_ONLY_KEYS,
  earlyTerminationSchemas,
  multiObjectiveSweepSchema,
  pathInputSchema,
  type SweepDocument,
  samplingSchemas,
  sweepSchema,
} from './schema.ts';
import type {
  EarlyTerminationSpec,
  InputValue,
  LimitsSpec,
  PathInput,
  SamplingSpec,
  SweepSpec,
  TrialSpec,
} from './types.ts';

// Written once in core/limits.ts; re-exported here, where the public API has always had it.
export { DEFAULT_MAX_TOTAL_TRIALS };

/**
 * Reads a sweep file (YAML or JSON) into a validated SweepSpec. Errors are
 * ConfigErrors that name the file, the line and the key path; Azure-only keys are
 * accepted and listed in `spec.notices`.
 *
 * @example
 * const spec = loadSweepFile('examples/random-sobol.yml');
 * spec.sampling; // { type: 'random', seed: 42, rule: 'sobol' }
 */
export function loadSweepFile(path: string): SweepSpec {
  const text = readConfigText(path, 'the sweep file');
  return parseSweep(text, { file: path, baseDir: dirname(resolve(path)) });
}

/**
 * Parses sweep file text. `baseDir` resolves `trial.code` and local input paths
 * (default: the current directory); `file` is only used in messages.
 *
 * @example
 * const spec = parseSweep(yamlText, { file: 'inline.yml' });
 */
export function parseSweep(text: string, options: { file?: string; baseDir?: string } = {}): SweepSpec {
  return specFromDocument(parseSource(text, options.file), options.baseDir ?? process.cwd(), options.file);
}

function specFromDocument(doc: SourceDocument, baseDir: string, file: string | undefined): SweepSpec {
  if (doc.value === null || typeof doc.value !== 'object' || Array.isArray(doc.value)) {
    throw configError(
      doc,
      [],
      `a sweep file is a mapping of keys (type, trial, search_space, ...), got ${show(doc.value)}`,
    );
  }
  const value: object = doc.value;
  const raw: SweepDocument = withColumn(doc, () =>
    check('objectives' in value ? multiObjectiveSweepSchema : sweepSchema, value, [], doc),
  );
  const notices: string[] = [];
  for (const [scope, keys] of Object.entries(AZURE_ONLY_KEYS)) {
    const holder = scope === '' ? raw : valueAt(raw, [scope]);
    for (const key of keys) {
      if (valueAt(holder, [key]) !== undefined) {
        notices.push(
          `${scope ? `${scope}.` : ''}${key} is used by Azure ML only and is ignored by a local sweep`,
        );
      }
    }
  }
  const space = parseSpace(raw.search_space, doc);
  const sampling = parseSampling(raw.sampling_algorithm, doc);
  if (sampling.type === 'grid') checkGrid(space, doc);
  const inputs = parseInputs(valueAt(doc.value, ['inputs']), doc, baseDir, notices);
  const trial = parseTrial(raw.trial, baseDir, notices);
  checkPlaceholders(trial.command, space, inputs, valueAt(doc.value, ['outputs']) !== undefined, doc);
  const objectives = parseObjectives(raw, doc);
  const objective = objectives[0]!;
  const constraints = parseConstraints(raw.constraints, doc);
  const maxTotalTrials = raw.limits?.max_total_trials ?? DEFAULT_MAX_TOTAL_TRIALS;
  const limits: LimitsSpec = {
    maxTotalTrials,
    // One trial per core unless the file says otherwise: command trials are processes,
    // and Azure's default (max_total_trials at once) would start hundreds of them.
    maxConcurrentTrials: raw.limits?.max_concurrent_trials ?? defaultCommandConcurrency(),
    timeout: raw.limits?.timeout,
    trialTimeout: raw.limits?.trial_timeout,
  };
  return {
    file: file === undefined ? undefined : resolve(file),
    name: raw.name,
    displayName: raw.display_name,
    experimentName: raw.experiment_name,
    description: raw.description,
    tags: Object.fromEntries(Object.entries(raw.tags ?? {}).map(([k, v]) => [k, String(v)])),
    trial,
    inputs,
    searchSpace: space,
    sampling,
    objective,
    ...(raw.objectives !== undefined ? { objectives } : {}),
    ...(constraints.length > 0 ? { constraints } : {}),
    ...(raw.warm_start !== undefined && raw.warm_start.length > 0 ? { warmStart: raw.warm_start } : {}),
    ...withColumn(doc, () => frontOptions(raw, objectives.length, doc)),
    limits,
    earlyTermination: parseEarlyTermination(raw.early_termination, doc),
    notices,
  };
}

/**
 * Runs a check, adding the column to a ConfigError about a value under the extensions'
 * keys (`objectives`, `constraints`, `warm_start`) where the value is a scalar, so such
 * errors name file, line and column.
 */
function withColumn<T>(doc: SourceDocument, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const key = error instanceof ConfigError ? error.keyPath : undefined;
    if (!(error instanceof ConfigError) || key === undefined || error.column !== undefined) throw error;
    if (!/^(objectives|constraints|warm_start|trade_off|hypervolume_reference)\b/.test(key)) throw error;
    const at = doc.position(splitKeyPath(key));
    if (at === undefined || at.line !== error.line) throw error;
    const prefix = `${[error.file, `line ${error.line}`].filter((p) => p !== undefined).join(':')}: ${key}: `;
    if (!error.message.startsWith(prefix)) throw error;
    throw new ConfigError(error.message.slice(prefix.length), {
      ...(error.file !== undefined ? { file: error.file } : {}),
      line: at.line,
      column: at.column,
      keyPath: key,
      cause: error.cause,
    });
  }
}

const TRADE_OFF_HELP = 'knee, ideal, or { rule: weighted, weights: [...] }';

/** `trade_off`: `knee`, `ideal` or `{ rule: weighted, weights }` with one weight (>= 0, not all 0) per objective. */
function parseTradeOff(value: unknown, m: number, doc: SourceDocument): TradeOffRule | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    const rule = value.toLowerCase();
    if (rule === 'knee' || rule === 'ideal') return { rule };
    const hint = didYouMean(rule, ['knee', 'ideal', 'weighted']);
    throw configError(
      doc,
      ['trade_off'],
      `unknown rule ${show(value)};${hint || ` expected ${TRADE_OFF_HELP}`}`,
    );
  }
  const v = check(weightedSchema, value, ['trade_off'], doc);
  if (v.weights.length !== m) {
    throw configError(
      doc,
      ['trade_off', 'weights'],
      `needs one weight per objective (${m}), got ${v.weights.length}`,
    );
  }
  if (v.weights.every((w) => w === 0))
    throw configError(doc, ['trade_off', 'weights'], 'the weights must not all be 0');
  return { rule: 'weighted', weights: v.weights };
}

const weightedSchema = z.strictObject({
  rule: z.literal('weighted'),
  weights: z.array(z.number().min(0)).min(1),
});

/** `trade_off` and `hypervolume_reference` (extensions): for several objectives, one number per objective. */
function frontOptions(
  raw: Pick<SweepDocument, 'trade_off' | 'hypervolume_reference'>,
  m: number,
  doc: SourceDocument,
): Pick<SweepSpec, 'tradeOff' | 'hypervolumeReference'> {
  for (const key of ['trade_off', 'hypervolume_reference'] as const) {
    if (raw[key] !== undefined && m < 2) {
      throw configError(doc, [key], 'applies to several objectives: give objectives, not objective');
    }
  }
  const t = parseTradeOff(raw.trade_off, m, doc);
  const r = raw.hypervolume_reference;
  if (r !== undefined && r.length !== m) {
    throw configError(
      doc,
      ['hypervolume_reference'],
      `needs one coordinate per objective (${m}), got ${r.length}`,
    );
  }
  return {
    ...(t !== undefined ? { tradeOff: t } : {}),
    ...(r !== undefined ? { hypervolumeReference: r } : {}),
  };
}

/** `objective`, or `objectives` (an extension): exactly one, no metric twice. */
function parseObjectives(
  raw: Pick<SweepDocument, 'objective' | 'objectives'>,
  doc: SourceDocument,
): Objective[] {
  if (raw.objective !== undefined && raw.objectives !== undefined) {
    throw configError(
      doc,
      ['objectives'],
      'give objective or objectives (several objectives, an mlsweep extension), not both',
    );
  }
  if (raw.objective === undefined && raw.objectives === undefined) {
    throw configError(
      doc,
      [],
      "missing required key 'objective' (or 'objectives', several objectives, an mlsweep extension)",
    );
  }
  const list = raw.objectives ?? [raw.objective!];
  const seen = new Set<string>();
  return list.map((o, i) => {
    if (seen.has(o.primary_metric)) {
      const path: KeySegment[] = ['objectives', i, 'primary_metric'];
      const at = doc.position(path);
      throw new ConfigError(`'${o.primary_metric}' is already an objective`, {
        ...(doc.file !== undefined ? { file: doc.file } : {}),
        ...(at !== undefined ? { line: at.line, column: at.column } : {}),
        keyPath: `objectives[${i}].primary_metric`,
      });
    }
    seen.add(o.primary_metric);
    return { goal: o.goal, primaryMetric: o.primary_metric };
  });
}

/**
 * `constraints` (an extension): each `"metric <= bound"` or `"metric >= bound"`; a bad one
 * is a ConfigError naming the file, the line and the column where the problem starts.
 */
function parseConstraints(value: unknown[] | undefined, doc: SourceDocument): ConstraintSpec[] {
  return (value ?? []).map((item, i) => {
    try {
      return parseConstraint(item, `constraints[${i}]`);
    } catch (error) {
      if (!(error instanceof ConstraintSyntaxError)) throw error;
      const at = doc.position(['constraints', i]);
      throw new ConfigError(error.message, {
        ...(doc.file !== undefined ? { file: doc.file } : {}),
        ...(at !== undefined
          ? { line: at.line, column: at.column + error.offset }
          : { line: doc.line(['constraints', i]) ?? doc.line(['constraints']) }),
        keyPath: `constraints[${i}]`,
      });
    }
  });
}

function fromValidation(doc: SourceDocument, error: unknown, fallback: KeySegment[]): never {
  if (!(error instanceof ValidationError)) throw error;
  const path = error.path ? splitKeyPath(error.path) : fallback;
  const message =
    error.path && error.message.startsWith(`${error.path}: `)
      ? error.message.slice(error.path.length + 2)
      : error.message;
  throw configError(doc, path, message);
}

function parseSpace(definition: unknown, doc: SourceDocument): SearchSpace {
  try {
    return searchSpace(definition, 'search_space');
  } catch (error) {
    return fromValidation(doc, error, ['search_space']);
  }
}

function checkGrid(space: SearchSpace, doc: SourceDocument): void {
  try {
    new GridSampler(space);
  } catch (error) {
    if (error instanceof ValidationError && error.path) {
      const param = space.parameters.find((p) => p.path === error.path);
      const message = error.message.slice(error.path.length + 2);
      throw configError(doc, ['search_space', ...keyPathOf(space, param?.path ?? error.path)], message);
    }
    fromValidation(doc, error, ['sampling_algorithm']);
  }
}

/** The document key path of a parameter path: branch parameters sit under `values[i]`. */
function keyPathOf(space: SearchSpace, paramPath: string): KeySegment[] {
  const param = space.parameters.find((p) => p.path === paramPath);
  if (param?.condition === undefined) return [paramPath];
  const name = paramPath.slice(param.condition.path.length + 1);
  return [...keyPathOf(space, param.condition.path), 'values', param.condition.option, name];
}

function typeOf<T extends string>(
  value: Record<string, unknown>,
  types: readonly T[],
  path: KeySegment[],
  doc: SourceDocument,
  what: string,
  typePath: KeySegment[] = [...path, 'type'],
): T {
  const type = typeof value.type === 'string' ? value.type.toLowerCase() : value.type;
  if (type === undefined) throw configError(doc, path, `missing required key 'type' (${types.join(', ')})`);
  if (typeof type !== 'string' || !types.includes(type as T)) {
    const hint = typeof type === 'string' ? didYouMean(type, types) : '';
    throw configError(
      doc,
      typePath,
      `unknown ${what} ${show(value.type)};${hint || ` expected one of ${types.join(', ')}`}`,
    );
  }
  return type as T;
}

function parseSampling(value: unknown, doc: SourceDocument): SamplingSpec {
  const path: KeySegment[] = ['sampling_algorithm'];
  const types = Object.keys(samplingSchemas) as Array<keyof typeof samplingSchemas>;
  if (value === undefined)
    throw configError(doc, path, `missing required key 'sampling_algorithm' (${types.join(', ')})`);
  const object = typeof value === 'string' ? { type: value } : value;
  if (object === null || typeof object !== 'object' || Array.isArray(object)) {
    throw configError(doc, path, `expected ${types.join(', ')} or a mapping with a type, got ${show(value)}`);
  }
  const record = object as Record<string, unknown>;
  const typePath = typeof value === 'string' ? path : [...path, 'type'];
  const type = typeOf(record, types, path, doc, 'sampling algorithm', typePath);
  const v = check(samplingSchemas[type], { ...record, type }, path, doc);
  if (v.type === 'grid') return { type: 'grid' };
  if (v.type === 'random') return { type: 'random', seed: v.seed, rule: v.rule ?? 'random' };
  if (v.type === 'nsga2') {
    return defined({
      type: 'nsga2',
      seed: v.seed,
      populationSize: v.population_size,
      crossover: v.crossover,
      crossoverProb: v.crossover_prob,
      swappingProb: v.swapping_prob,
      mutationProb: v.mutation_prob,
      etaC: v.eta_c,
      etaM: v.eta_m,
      initial: v.initial,
    });
  }
  if (v.type === 'motpe') {
    return defined({
      type: 'motpe',
      seed: v.seed,
      initialTrials: v.initial_trials,
      candidates: v.candidates,
      multivariate: v.multivariate,
    });
  }
  return { type: 'bayesian', seed: v.seed, method: v.method ?? 'auto' };
}

/** The spec without its absent options (the samplers' defaults apply), `seed` kept. */
function defined<T extends SamplingSpec>(spec: T): T {
  return Object.fromEntries(
    Object.entries(spec).filter(([k, value]) => value !== undefined || k === 'seed'),
  ) as T;
}

function parseEarlyTermination(value: unknown, doc: SourceDocument): EarlyTerminationSpec | undefined {
  if (value === undefined || value === null) return undefined;
  const path: KeySegment[] = ['early_termination'];
  const types = Object.keys(earlyTerminationSchemas) as Array<keyof typeof earlyTerminationSchemas>;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw configError(doc, path, `expected a mapping with a type (${types.join(', ')}), got ${show(value)}`);
  }
  const record = value as Record<string, unknown>;
  const type = typeOf(record, types, path, doc, 'early termination type');
  const v = check(earlyTerminationSchemas[type], { ...record, type }, path, doc);
  const timing = {
    // Azure's SDK writes evaluation_interval 0 for "every report".
    evaluationInterval: Math.max(1, v.evaluation_interval ?? 1),
    delayEvaluation: v.delay_evaluation ?? 0,
  };
  switch (v.type) {
    case 'bandit':
      if ((v.slack_factor === undefined) === (v.slack_amount === undefined)) {
        const got = v.slack_factor === undefined ? 'neither' : 'both';
        throw configError(doc, path, `bandit needs exactly one of slack_factor and slack_amount, got ${got}`);
      }
      return { type: 'bandit', ...timing, slackFactor: v.slack_factor, slackAmount: v.slack_amount };
    case 'median_stopping':
      return { type: 'median_stopping', ...timing };
    case 'truncation_selection':
      return {
        type: 'truncation_selection',
        ...timing,
        truncationPercentage: v.truncation_percentage,
        excludeFinishedJobs: v.exclude_finished_jobs ?? false,
      };
    default: {
      const maxT = v.max_t ?? 100;
      const gracePeriod = v.grace_period ?? 1;
      if (gracePeriod > maxT) {
        throw configError(doc, [...path, 'grace_period'], `must be <= max_t (${maxT}), got ${gracePeriod}`);
      }
      return { type: 'asha', ...timing, gracePeriod, reductionFactor: v.reduction_factor ?? 4, maxT };
    }
  }
}

function isRemote(path: string): boolean {
  return /^(azureml:|https?:|wasbs?:|abfss?:|adl:)/i.test(path);
}

function parseInputs(
  value: unknown,
  doc: SourceDocument,
  baseDir: string,
  notices: string[],
): Record<string, InputValue> {
  const out: Record<string, InputValue> = {};
  for (const [name, input] of Object.entries((value as Record<string, unknown> | undefined) ?? {})) {
    const path: KeySegment[] = ['inputs', name];
    if (typeof input === 'string' || typeof input === 'number' || typeof input === 'boolean') {
      out[name] = input;
      continue;
    }
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      throw configError(doc, path, `expected a value or a mapping {type, path, mode}, got ${show(input)}`);
    }
    const v = check(pathInputSchema, input, path, doc);
    const remote = isRemote(v.path);
    if (remote)
      notices.push(`inputs.${name}.path ${v.path} is an Azure or remote asset; the trial gets it unchanged`);
    const resolved: PathInput = {
      type: v.type,
      path: remote || isAbsolute(v.path) ? v.path : resolve(baseDir, v.path),
      mode: v.mode,
    };
    out[name] = resolved;
  }
  return out;
}

function parseTrial(
  raw: {
    command: string;
    code?: string | undefined;
    environment_variables?: Record<string, unknown> | undefined;
    environment?: string | Record<string, unknown> | undefined;
  },
  baseDir: string,
  notices: string[],
): TrialSpec {
  let code: string | undefined;
  if (raw.code !== undefined) {
    const local = isRemote(raw.code) ? undefined : resolve(baseDir, raw.code);
    if (local !== undefined && existsSync(local) && statSync(local).isDirectory()) code = local;
    else notices.push(`trial.code ${raw.code} is not a local folder; trials run in the sweep file's folder`);
  }
  const environmentVariables = Object.fromEntries(
    Object.entries(raw.environment_variables ?? {}).map(([k, v]) => [k, String(v)]),
  );
  return {
    command: raw.command,
    code,
    environmentVariables,
    ...(raw.environment !== undefined ? { environment: { ref: raw.environment, baseDir } } : {}),
  };
}

const PLACEHOLDER = /\$\{\{\s*([^}]*?)\s*\}\}/g;

function checkPlaceholders(
  command: string,
  space: SearchSpace,
  inputs: Record<string, InputValue>,
  hasOutputs: boolean,
  doc: SourceDocument,
): void {
  const params = [...new Set(space.parameters.map((p) => p.path))];
  for (const match of command.matchAll(PLACEHOLDER)) {
    const expr = match[1] as string;
    const dot = expr.indexOf('.');
    const scope = dot < 0 ? expr : expr.slice(0, dot);
    const name = dot < 0 ? '' : expr.slice(dot + 1);
    const path: KeySegment[] = ['trial', 'command'];
    if (scope === 'search_space') {
      if (!params.includes(name)) {
        const hint = didYouMean(name, params) || ` parameters: ${params.join(', ')}`;
        throw configError(doc, path, `\${{${expr}}} names no search_space parameter;${hint}`);
      }
    } else if (scope === 'inputs') {
      if (!Object.hasOwn(inputs, name)) {
        const names = Object.keys(inputs);
        const hint =
          didYouMean(name, names) ||
          (names.length ? ` inputs: ${names.join(', ')}` : ' the file has no inputs');
        throw configError(doc, path, `\${{${expr}}} names no input;${hint}`);
      }
    } else if (!(scope === 'outputs' && hasOutputs)) {
      throw configError(
        doc,
        path,
        `\${{${expr}}} is not a placeholder a local sweep fills; use \${{search_space.NAME}} or \${{inputs.NAME}}`,
      );
    }
  }
}
