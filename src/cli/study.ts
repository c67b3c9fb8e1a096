// `mlsweep study ...`: the ask/tell front door for the shell, so any language can drive a
// search (as `optuna ask` / `optuna tell` do). The store is the only state: each command
// loads the study by name, does one thing, and exits.
import type { Command } from 'commander';
import { loadSweepFile } from '../config/load.ts';
import { loadSearchSpaceFile } from '../config/search-space-file.ts';
import { ValidationError } from '../core/errors.ts';
import { checkOutputFolder } from '../core/files.ts';
import { GOALS, type Goal, isGoal } from '../core/goal.ts';
import type { Objective, ParamSet } from '../core/trial.ts';
import type { PolicySpec } from '../policies/types.ts';
import type { SearchSpace } from '../space/types.ts';
import { isStoreUrl, openSweepLocation } from '../store/open-location.ts';
import type { SweepLocation } from '../store/sweep-store.ts';
import type { SamplingInput } from '../study/definition.ts';
import type { StudyTrial } from '../study/history.ts';
import { Study, type TellResult } from '../study/study.ts';
import { formatValue, textTable } from '../sweep/format.ts';
import { choiceOption, integerOption, listOption } from './options.ts';
import { log, printResult } from './output.ts';

/** The samplers `--sampler` names, as sampling specs. */
const SAMPLERS: Readonly<Record<string, SamplingInput>> = {
  random: { type: 'random', rule: 'random' },
  sobol: { type: 'random', rule: 'sobol' },
  grid: 'grid',
  bayesian: { type: 'bayesian', method: 'auto' },
  gp: { type: 'bayesian', method: 'gp' },
  tpe: { type: 'bayesian', method: 'tpe' },
  nsga2: 'nsga2',
  motpe: 'motpe',
};

interface CommonOptions {
  store?: string;
  json?: boolean;
}

interface CreateOptions extends CommonOptions {
  name: string;
  searchSpace?: string;
  file?: string;
  sampler?: string;
  seed?: number;
  direction?: Goal;
  directions?: string[];
  metric?: string;
  metrics?: string[];
  constraints?: string[];
  loadIfExists?: boolean;
  warmStart?: string[];
}

/**
 * Registers `mlsweep study create|ask|tell|enqueue|report|should-prune|best|trials`.
 * Every command takes `--store` (default: $MLSWEEP_STORE or ./mlruns) and `--json` (one
 * JSON document on stdout); mistakes (an unknown study or trial, a trial told twice, a
 * wrong count of values) are one line on stderr and exit code 2.
 *
 * @example
 * registerStudy(program); // then: mlsweep study ask tune --json
 */
export function registerStudy(program: Command): void {
  const study = program
    .command('study')
    .description('ask/tell studies: drive a search from any program or language, one command at a time');

  common(study.command('create'))
    .description('create a study: its search space, sampler, objectives and constraints')
    .requiredOption('--name <NAME>', "the study's name, by which the other commands find it")
    .option(
      '--search-space <FILE>',
      'the search space (YAML or JSON: the mapping a sweep file has under search_space)',
    )
    .option(
      '-f, --file <SWEEP_FILE>',
      'take search space, sampling, objectives, constraints and early termination from a sweep file',
    )
    .option(
      '--sampler <NAME>',
      `the sampler (${Object.keys(SAMPLERS).join(', ')}; default random)`,
      choiceOption(Object.keys(SAMPLERS)),
    )
    .option('--seed <S>', "the sampler's seed (default: a fresh one, recorded)", integerOption())
    .option(
      '--direction <GOAL>',
      `one objective: ${GOALS.join(' or ')} (default minimize)`,
      choiceOption(GOALS),
    )
    .option(
      '--directions <GOALS>',
      'several objectives: their goals, comma-separated (maximize,minimize)',
      listOption,
    )
    .option('--metric <NAME>', "the objective's name (default value)")
    .option(
      '--metrics <NAMES>',
      "the objectives' names, comma-separated (default value_0,value_1,...)",
      listOption,
    )
    .option(
      '--constraints <NAMES>',
      'names of the constraints whose values tell takes, comma-separated',
      listOption,
    )
    .option('--load-if-exists', 'use the study of that name when it exists instead of refusing')
    .option(
      '--warm-start <IDS>',
      'start from the completed trials of these sweeps or studies in the same store (comma-separated ids)',
      listOption,
    )
    .action(async (options: CreateOptions) => {
      const definition = createDefinition(options);
      if (options.store !== undefined && !isStoreUrl(options.store))
        checkOutputFolder(options.store, '--store');
      await withLocation(options, true, async (location) => {
        const s = await Study.create({
          store: location,
          name: options.name,
          ...definition,
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
          ...(options.loadIfExists === true ? { loadIfExists: true } : {}),
          ...(options.warmStart !== undefined || definition.warmStart !== undefined
            ? { warmStart: [...new Set([...(definition.warmStart ?? []), ...(options.warmStart ?? [])])] }
            : {}),
        });
        for (const notice of s.notices) log(`notice: ${notice}`);
        const out = {
          study: s.name,
          id: s.id,
          store: location.where,
          sampler: s.definition.sampler,
          objectives: s.objectives,
          constraints: s.definition.constraints,
        };
        printResult(
          options.json === true,
          out,
          () =>
            `study ${s.name} (id ${s.id}) in ${location.where}: ${describeObjectives(s.objectives)}, ${s.definition.sampler} sampler`,
        );
      });
    });

  common(study.command('ask'))
    .description('a new trial: its id and parameters (the queue first, else the sampler)')
    .argument('<study>', "the study's name or id")
    .action(async (name: string, options: CommonOptions) =>
      withStudy(name, options, async (s) => {
        const asked = await s.ask();
        printResult(
          options.json === true,
          asked,
          () => `trial ${asked.trialId}\n${paramLines(asked.params)}`,
        );
      }),
    );

  common(study.command('tell'))
    .description(
      "a trial's result: its value (or values, comma-separated, one per objective), or --state failed|pruned",
    )
    .argument('<study>', "the study's name or id")
    .argument('<trial-id>', 'the id ask returned')
    .argument('[values]', 'VALUE or VALUE,VALUE,... (nan marks the trial failed)')
    .option(
      '--state <STATE>',
      'a trial that ended without a value: failed or pruned',
      choiceOption(['failed', 'pruned'] as const),
    )
    .option('--constraints <VALUES>', 'constraint values, comma-separated (<= 0 satisfied, > 0 violated)')
    // A negative value (-0.5) would otherwise read as an unknown option.
    .allowUnknownOption()
    .action(
      async (
        name: string,
        id: string,
        values: string | undefined,
        options: CommonOptions & { state?: 'failed' | 'pruned'; constraints?: string },
      ) => {
        const trialId = trialIdOf(id);
        if ((values === undefined) === (options.state === undefined)) {
          throw new ValidationError('tell takes VALUE[,VALUE...] or --state failed|pruned (exactly one)', {
            path: 'values',
          });
        }
        const result: TellResult =
          options.state !== undefined ? { state: options.state } : numbersOf(values!, 'VALUE');
        const constraints =
          options.constraints !== undefined ? numbersOf(options.constraints, '--constraints') : undefined;
        await withStudy(name, options, async (s) => {
          const told = await s.tell(trialId, result, constraints !== undefined ? { constraints } : {});
          if (told.state === 'failed' && told.error !== undefined && options.state === undefined) {
            log(`notice: trial ${trialId} is recorded as failed: ${told.error}`);
          }
          printResult(
            options.json === true,
            told,
            () =>
              `trial ${told.trialId} ${told.state}${told.values ? `: ${told.values.map(formatValue).join(', ')}` : told.value !== undefined ? `: ${formatValue(told.value)}` : ''}`,
          );
        });
      },
    );

  common(study.command('enqueue'))
    .description('queue a parameter set for the next ask (a partial one is completed by the sampler)')
    .argument('<study>', "the study's name or id")
    .requiredOption('--params <JSON>', 'the parameters as a JSON object, e.g. \'{"lr": 0.01}\'')
    .action(async (name: string, options: CommonOptions & { params: string }) => {
      const params = paramsOf(options.params);
      await withStudy(name, options, async (s) => {
        await s.enqueue(params);
        printResult(options.json === true, { queued: params }, () => `queued ${JSON.stringify(params)}`);
      });
    });

  common(study.command('report'))
    .description('an intermediate value of the first objective at a step, for should-prune')
    .argument('<study>', "the study's name or id")
    .argument('<trial-id>', 'the id ask returned')
    .argument('<step>', 'the step (an integer >= 0)')
    .argument('<value>', 'the value')
    .allowUnknownOption()
    .action(async (name: string, id: string, step: string, value: string, options: CommonOptions) => {
      const trialId = trialIdOf(id);
      const at = Number(step);
      const v = numbersOf(value, 'VALUE')[0]!;
      await withStudy(name, options, async (s) => {
        await s.report(trialId, at, v);
        printResult(
          options.json === true,
          { trialId, step: at, value: v },
          () => `trial ${trialId} step ${at}: ${formatValue(v)}`,
        );
      });
    });

  common(study.command('should-prune'))
    .description(
      "whether the study's early termination policy would stop the trial now (exit code 0 either way)",
    )
    .argument('<study>', "the study's name or id")
    .argument('<trial-id>', 'the id ask returned')
    .action(async (name: string, id: string, options: CommonOptions) => {
      const trialId = trialIdOf(id);
      await withStudy(name, options, async (s) => {
        const prune = await s.shouldPrune(trialId);
        printResult(options.json === true, { trialId, prune }, () => (prune ? 'prune' : 'continue'));
      });
    });

  common(study.command('best'))
    .description('the best trial (one objective) or the Pareto front (several)')
    .argument('<study>', "the study's name or id")
    .action(async (name: string, options: CommonOptions) =>
      withStudy(name, options, async (s) => {
        if (s.objectives.length === 1) {
          const best = (await s.bestTrial()) ?? null;
          printResult(options.json === true, best, () =>
            best === null
              ? 'no trial has completed'
              : `best trial ${best.id}: ${formatValue(best.value!)}\n${paramLines(best.params)}`,
          );
          return;
        }
        const front = await s.bestTrials();
        printResult(options.json === true, front, () =>
          front.length === 0
            ? 'Pareto front: empty (no feasible completed trial)'
            : `Pareto front: ${front.length} trials\n${trialTable(front, s.objectives)}`,
        );
      }),
    );

  common(study.command('trials'))
    .description('every trial of the study, running ones included')
    .argument('<study>', "the study's name or id")
    .action(async (name: string, options: CommonOptions) =>
      withStudy(name, options, async (s) => {
        const trials = await s.trials();
        printResult(options.json === true, trials, () =>
          trials.length === 0 ? 'no trials yet' : trialTable(trials, s.objectives),
        );
      }),
    );
}

function common(command: Command): Command {
  return command
    .option('--store <DIR>', 'the store the study is kept in (default: $MLSWEEP_STORE or ./mlruns)')
    .option('--json', 'print the result as one JSON document');
}

async function withLocation<T>(
  options: CommonOptions,
  create: boolean,
  fn: (location: SweepLocation) => Promise<T>,
): Promise<T> {
  const location = openSweepLocation(options.store, { create });
  try {
    return await fn(location);
  } finally {
    await location.close();
  }
}

async function withStudy(
  name: string,
  options: CommonOptions,
  fn: (study: Study) => Promise<void>,
): Promise<void> {
  await withLocation(options, false, async (location) => fn(await Study.load({ store: location, name })));
}

/** What `study create` records, from a sweep file or from the options. */
function createDefinition(options: CreateOptions): {
  searchSpace: SearchSpace;
  sampling?: SamplingInput;
  objectives: Objective[];
  constraints?: string[];
  policy?: PolicySpec;
  warmStart?: string[];
} {
  const given = [options.searchSpace !== undefined, options.file !== undefined];
  if (given[0] === given[1]) {
    throw new ValidationError('study create takes --search-space FILE or -f SWEEP_FILE (exactly one)', {
      path: '--search-space',
    });
  }
  const sampling = options.sampler !== undefined ? SAMPLERS[options.sampler] : undefined;
  if (options.file !== undefined) {
    for (const flag of ['direction', 'directions', 'metric', 'metrics'] as const) {
      if (options[flag] !== undefined) {
        throw new ValidationError(`--${flag} cannot go with -f: the sweep file says its objectives`, {
          path: `--${flag}`,
        });
      }
    }
    const spec = loadSweepFile(options.file);
    for (const notice of spec.notices) log(`notice: ${notice}`);
    return {
      searchSpace: spec.searchSpace,
      sampling: sampling ?? (spec.sampling as SamplingInput),
      objectives: [...(spec.objectives ?? [spec.objective])],
      ...(options.constraints !== undefined || spec.constraints !== undefined
        ? { constraints: options.constraints ?? spec.constraints!.map((c) => c.text) }
        : {}),
      ...(spec.earlyTermination !== undefined ? { policy: spec.earlyTermination as PolicySpec } : {}),
      ...(spec.warmStart !== undefined ? { warmStart: [...spec.warmStart] } : {}),
    };
  }
  if (options.direction !== undefined && options.directions !== undefined) {
    throw new ValidationError('give --direction or --directions, not both', { path: '--directions' });
  }
  const goals = options.directions ?? [options.direction ?? 'minimize'];
  for (const g of goals) {
    if (!isGoal(g))
      throw new ValidationError(`--directions: expected ${GOALS.join(' or ')}, got '${g}'`, {
        path: '--directions',
      });
  }
  const names =
    options.metrics ??
    (options.metric !== undefined
      ? [options.metric]
      : goals.length === 1
        ? ['value']
        : goals.map((_, i) => `value_${i}`));
  if (names.length !== goals.length) {
    throw new ValidationError(
      `${goals.length} direction(s) but ${names.length} metric name(s): give one name per objective`,
      {
        path: '--metrics',
      },
    );
  }
  return {
    searchSpace: loadSearchSpaceFile(options.searchSpace!),
    ...(sampling !== undefined ? { sampling } : {}),
    objectives: goals.map((goal, i) => ({ goal: goal as Goal, primaryMetric: names[i]! })),
    ...(options.constraints !== undefined ? { constraints: options.constraints } : {}),
  };
}

function trialIdOf(text: string): number {
  const id = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id)) {
    throw new ValidationError(`TRIAL_ID must be the integer id ask returned, got '${text}'`, {
      path: 'trial-id',
    });
  }
  return id;
}

/** Comma-separated numbers; `nan`, `inf` and `-inf` as Python writes them are numbers too. */
function numbersOf(text: string, what: string): number[] {
  if (text.startsWith('--')) throw new ValidationError(`unknown option '${text}'`, { path: what });
  return text.split(',').map((item) => {
    const s = item.trim();
    const special: Record<string, number> = {
      nan: Number.NaN,
      inf: Infinity,
      '+inf': Infinity,
      '-inf': -Infinity,
      infinity: Infinity,
      '-infinity': -Infinity,
    };
    const n = Object.hasOwn(special, s.toLowerCase())
      ? special[s.toLowerCase()]!
      : s === ''
        ? Number.NaN
        : Number(s);
    if (Number.isNaN(n) && s.toLowerCase() !== 'nan') {
      throw new ValidationError(`${what} must be numbers separated by commas, got '${text}'`, { path: what });
    }
    return n;
  });
}

function paramsOf(json: string): ParamSet {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ValidationError(`--params is not JSON: ${(error as Error).message}`, { path: '--params' });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError(`--params must be a JSON object of parameter values, got ${json}`, {
      path: '--params',
    });
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') {
      throw new ValidationError(
        `--params: '${k}' must be a number, string or boolean, got ${JSON.stringify(v)}`,
        { path: '--params' },
      );
    }
  }
  return value as ParamSet;
}

function describeObjectives(objectives: readonly Objective[]): string {
  return objectives.map((o) => `${o.goal} ${o.primaryMetric}`).join(', ');
}

function paramLines(params: ParamSet): string {
  return Object.entries(params)
    .map(([k, v]) => `  ${k} = ${typeof v === 'number' ? formatValue(v) : String(v)}`)
    .join('\n');
}

function trialTable(trials: readonly StudyTrial[], objectives: readonly Objective[]): string {
  const keys = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const header = ['trial', 'state', ...objectives.map((o) => o.primaryMetric), ...keys];
  const rows = trials.map((t) => [
    String(t.id),
    t.state,
    ...objectives.map((_, j) => {
      const v = t.values?.[j] ?? (j === 0 ? t.value : undefined);
      return v === undefined ? '-' : formatValue(v);
    }),
    ...keys.map((k) => {
      const v = t.params[k];
      return v === undefined ? '-' : typeof v === 'number' ? formatValue(v) : String(v);
    }),
  ]);
  return textTable(header, rows);
}
