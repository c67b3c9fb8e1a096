import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { automl } from '../automl/automl.ts';
import { automlFeaturization } from '../automl/featurization.ts';
import type { AutoMLPipeline } from '../automl/pipeline.ts';
import { loadTrainingTable, resolveTask } from '../automl/prepare.ts';
import { evaluatePipeline } from '../automl/score-table.ts';
import { targetCells } from '../automl/target.ts';
import { recordTrialRuns } from '../automl/track-job.ts';
import type { AutoMLOptions, AutoMLResult, LeaderboardEntry } from '../automl/types.ts';
import type { BackendChoice } from '../compute/backend.ts';
import { DataError, ValidationError } from '../core/errors.ts';
import { checkOutputFile, writeFileAtomic } from '../core/files.ts';
import type { Task } from '../core/trial.ts';
import { type Featurization, loadFeaturization } from '../data/featurize/settings.ts';
import { readTabular, readTabularHeader } from '../data/read-tabular.ts';
import { loadSchema } from '../data/schema.ts';
import type { Table } from '../data/table.ts';
import { type ResolvedDataInput, resolveDataInput } from '../registry/data-input.ts';
import { checkModelName } from '../registry/names.ts';
import { automlReportInput } from '../report/automl-input.ts';
import { renderReport } from '../report/render.ts';
import { dataRefStore, recordAutoMLRun } from './data-lineage.ts';
import { backendOption, choiceOption, integerOption, listOption, numberOption } from './options.ts';
import { log, printResult } from './output.ts';
import { onStopSignals, SIGNAL_EXIT_CODE } from './signals.ts';

interface AutoMLCliOptions {
  train: string;
  target: string;
  test?: string;
  task?: string;
  schema?: string;
  primaryMetric?: string;
  timeoutMinutes?: number;
  trialTimeoutMinutes?: number;
  maxTrials?: number;
  maxConcurrentTrials?: number;
  exitScore?: number;
  earlyTermination: boolean;
  ensemble: boolean;
  allowedModels?: string[];
  blockedModels?: string[];
  delimiter?: string;
  seed?: number;
  backend?: BackendChoice;
  out: string;
  report?: string;
  json?: boolean;
  secondObjective?: 'prediction_latency';
  store?: string;
  experiment?: string;
  register?: string;
  featurization?: string;
}

/** `--featurization`: auto, off, or a settings file (read and checked now; its columns later, against the data). */
function readFeaturization(value: string | undefined): Featurization {
  if (value === undefined || value === 'auto' || value === 'off') return value ?? 'auto';
  if (!existsSync(value)) {
    throw new ValidationError(
      `--featurization must be auto, off or a JSON settings file; ${value} does not exist`,
      {
        path: '--featurization',
      },
    );
  }
  return loadFeaturization(value);
}

/** The data the job reads, resolved before any work (files, folders, MLTables, azureml: references). */
interface ResolvedInputs {
  readonly train: ResolvedDataInput;
  readonly test: ResolvedDataInput | undefined;
}

/** Resolves --train and --test (asset hashes checked now: data that changed is said before the search). */
function resolveInputs(o: AutoMLCliOptions): ResolvedInputs {
  const store = dataRefStore([o.train, o.test], o.store);
  try {
    const at = (flag: string, ref: string) => {
      try {
        return resolveDataInput(ref, { ...(store ? { store } : {}) });
      } catch (error) {
        if (error instanceof ValidationError)
          throw new ValidationError(`${flag}: ${error.message}`, { path: flag });
        throw error;
      }
    };
    return { train: at('--train', o.train), test: o.test === undefined ? undefined : at('--test', o.test) };
  } finally {
    store?.close();
  }
}

/** The schema beside a single CSV (`<name>.schema.json`), as before data references. */
function siblingSchema(train: ResolvedDataInput): string | undefined {
  if (train.kind !== 'uri_file') return undefined;
  const sibling = train.path.replace(/\.csv$/i, '.schema.json');
  return sibling !== train.path && existsSync(sibling) ? sibling : undefined;
}

/**
 * Checks, before any work, every file the job will write: --out and --report can be
 * written, are not one of the inputs, and are not the same file as each other.
 */
function checkOutputs(o: AutoMLCliOptions, schema: string | undefined, data: ResolvedInputs): void {
  const inputs = { '--train': data.train.path, '--test': data.test?.path, '--schema': schema };
  checkOutputFile(o.out, '--out', inputs);
  if (o.report === undefined) return;
  checkOutputFile(o.report, '--report', { ...inputs, '--out': o.out });
  if (resolve(o.report) === resolve(o.out)) {
    throw new ValidationError(`--report ${o.report} is the same file as --out: choose another name`, {
      path: '--report',
    });
  }
}

/** A DataError about the data of an option names the option: `--train data.csv has a header but no rows`. */
async function namedData<T>(
  flag: string,
  ref: string,
  data: ResolvedDataInput,
  work: Promise<T>,
): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof DataError && !error.message.startsWith(flag)) {
      // a single local file keeps the user's spelling of it: `--train data.csv has a header but no rows`
      if (data.kind === 'uri_file' && !/^azureml:/i.test(ref) && error.message.startsWith(data.path)) {
        throw new DataError(`${flag} ${ref}${error.message.slice(data.path.length)}`, error.code);
      }
      const about = [ref, data.path, ...data.files].some((p) => error.message.startsWith(p));
      if (about)
        throw new DataError(`${flag} ${ref === data.path ? '' : `${ref}: `}${error.message}`, error.code);
    }
    throw error;
  }
}

/** A test label the training target never has cannot be scored: said before the search, not after. */
function checkTestClasses(o: AutoMLCliOptions, train: Table, test: Table): void {
  const classes = new Set(targetCells(train.get(o.target)).cells);
  const labels = targetCells(test.get(o.target)).cells;
  const row = labels.findIndex((l) => l !== null && !classes.has(l));
  if (row < 0) return;
  const known = [...classes].filter((c) => c !== null).sort();
  throw new DataError(
    `--test ${o.test}: row ${row + 1} has the class '${labels[row]}', which the training target '${o.target}' never has (classes: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', ...' : ''})`,
    'E_DATA_TARGET',
  );
}

/** Every input of the job, read and checked before the search starts. */
interface AutoMLInputs {
  readonly train: Table;
  readonly task: Task;
  /** Whether the task was given (--task or the schema) rather than inferred from the target. */
  readonly taskGiven: boolean;
  readonly test: Table | undefined;
}

/**
 * Reads and checks every input before any work: the schema, the training file (not
 * empty, has rows and the target), the task (given, from the schema, or inferred from
 * the target with a notice), and the test file (its header has every training column
 * and the target; read whole with the training kinds). Notices go to stderr at once.
 */
async function readInputs(
  o: AutoMLCliOptions,
  schema: string | undefined,
  data: ResolvedInputs,
): Promise<AutoMLInputs> {
  const csv = o.delimiter ? { delimiter: o.delimiter } : {};
  const schemaTask = schema ? loadSchema(schema).task : undefined;
  const given = (o.task as Task | undefined) ?? schemaTask;
  const train = await namedData(
    '--train',
    o.train,
    data.train,
    readTrainingData(data.train, o.target, csv, schema, given),
  );
  const { task, notices } = resolveTask(train, o.target, given);
  for (const n of [...train.notices, ...notices]) log(n);
  if (o.test === undefined) return { train, task, taskGiven: given !== undefined, test: undefined };
  const testData = data.test!;
  const { names, hasRows } = await namedData('--test', o.test, testData, readTabularHeader(testData, csv));
  const lacking = train.names.filter((n) => !names.includes(n));
  if (lacking.length > 0) {
    throw new DataError(
      `--test ${o.test} lacks the training columns ${lacking.map((n) => `'${n}'`).join(', ')} (it has: ${names.join(', ')})`,
      'E_DATA_MISSING_COLUMN',
    );
  }
  if (!hasRows) throw new DataError(`--test ${o.test} has a header but no rows`, 'E_DATA_EMPTY');
  // the training kinds are the pipeline's input kinds; the target as the task reads it
  const types = Object.fromEntries(train.columns.map((c) => [c.name, c.kind]));
  types[o.target] = task === 'regression' ? 'numeric' : 'categorical';
  const test = await namedData('--test', o.test, testData, readTabular(testData, { ...csv, types }));
  if (task === 'classification') checkTestClasses(o, train, test);
  for (const n of test.notices) log(n);
  return { train, task, taskGiven: given !== undefined, test };
}

/**
 * The training table: a single CSV through loadTrainingTable (as always); several files
 * or an MLTable read with readTabular, after the same checks (the target is a column,
 * there are rows) made on the header first.
 */
async function readTrainingData(
  data: ResolvedDataInput,
  target: string,
  csv: { delimiter?: string },
  schema: string | undefined,
  task: Task | undefined,
): Promise<Table> {
  const common = { target, csv, ...(schema ? { schema } : {}), ...(task ? { task } : {}) };
  if (data.kind === 'uri_file') return loadTrainingTable({ ...common, trainPath: data.path });
  const { names, hasRows } = await readTabularHeader(data, csv);
  if (!names.includes(target)) {
    throw new DataError(
      `${data.path} has no column named '${target}' (the target); its columns: ${names.join(', ')}`,
      'E_DATA_MISSING_COLUMN',
    );
  }
  if (!hasRows) throw new DataError(`${data.path} has a header but no rows`, 'E_DATA_EMPTY');
  const table = await readTabular(data, {
    ...csv,
    ...(schema ? { schema } : {}),
    types: { [target]: task === 'regression' ? 'numeric' : 'categorical' },
  });
  return loadTrainingTable({ ...common, data: table });
}

function fmt(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? '-' : Math.abs(v) >= 1000 ? v.toFixed(1) : v.toPrecision(5);
}

function leaderboardText(rows: readonly LeaderboardEntry[], metric: string): string {
  const lines = [`rank  ${metric.padEnd(12)}  fit s   model`];
  for (const e of rows.slice(0, 15)) {
    const params = Object.entries(e.params)
      .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(3) : v}`)
      .join(' ');
    lines.push(
      `${String(e.rank).padStart(4)}  ${fmt(e.score).padEnd(12)}  ${e.fitSeconds.toFixed(2).padStart(6)}  ${e.model} ${e.trialId === undefined ? '' : params}`,
    );
  }
  if (rows.length > 15) lines.push(`  ... ${rows.length - 15} more`);
  return lines.join('\n');
}

function humanReport(r: AutoMLResult, test: Record<string, number> | undefined, out: string): string {
  const lines = [
    `AutoML ${r.task}: ${r.trials.length} trials in ${r.durationSeconds.toFixed(1)} s (${r.stopReason}); ${r.validation}`,
    '',
    leaderboardText(r.leaderboard, r.primaryMetric),
    '',
    `best: ${r.best.model}, validation ${r.primaryMetric} ${fmt(r.best.score)}`,
  ];
  if (r.paretoFront) {
    lines.push('', `Pareto front (${r.primaryMetric} against prediction latency):`);
    for (const e of r.paretoFront)
      lines.push(
        `  ${fmt(e.score).padEnd(12)}  ${e.latencyMsPerRow.toPrecision(3).padStart(9)} ms/row  ${e.model}`,
      );
  }
  if (test) {
    lines.push('', 'test metrics:');
    for (const [k, v] of Object.entries(test)) lines.push(`  ${k.padEnd(40)} ${fmt(v)}`);
  }
  lines.push('', 'top features:');
  for (const f of r.featureImportances.slice(0, 10))
    lines.push(`  ${f.feature.padEnd(40)} ${f.importance.toFixed(4)}`);
  for (const n of r.notices) lines.push(`note: ${n}`);
  lines.push(`model saved to ${out}`);
  return lines.join('\n');
}

export function registerAutoML(program: Command): void {
  program
    .command('automl')
    .description('find and fit the best model for a CSV file and a target column within a time budget')
    .requiredOption(
      '--train <data>',
      'training data: a CSV file, a folder or glob of CSVs, an MLTable folder, azureml:NAME:VERSION, azureml:NAME@latest or azureml://datastores/NAME/paths/PATH',
    )
    .requiredOption('--target <column>', 'the column to predict')
    .option(
      '--test <data>',
      'a labelled test set (the forms --train takes): every metric of the task is reported on it',
    )
    .option(
      '--store <dir>',
      'store of azureml: references; given, the job is recorded there as a run with the data it read (default store: $MLSWEEP_STORE or ./mlruns)',
    )
    .option('--experiment <name>', 'experiment of the recorded run (default automl)')
    .option(
      '--register <model>',
      'register the fitted pipeline under this name, with the run and its data as lineage',
    )
    .option(
      '--task <task>',
      'classification or regression (default: from the schema or the target column)',
      choiceOption(['classification', 'regression']),
    )
    .option('--schema <json>', 'column kinds (.schema.json form); default: <train>.schema.json when present')
    .option(
      '--primary-metric <name>',
      'metric to optimize (Azure names; default accuracy / normalized_root_mean_squared_error)',
    )
    .option(
      '--timeout-minutes <n>',
      'time budget of the whole job, final fit included (default 360)',
      numberOption({ above: 0 }),
    )
    .option('--trial-timeout-minutes <n>', 'time limit of one trial', numberOption({ above: 0 }))
    .option('--max-trials <n>', 'most trials (default 1000)', integerOption({ min: 1 }))
    .option('--max-concurrent-trials <n>', 'trials at a time (default 1)', integerOption({ min: 1 }))
    .option('--exit-score <x>', 'stop once a trial reaches this score', numberOption())
    .option('--no-early-termination', 'do not stop when the score has not improved in 20 trials')
    .option('--no-ensemble', 'do not try ensemble selection or stacking')
    .option('--allowed-models <list>', 'comma-separated model names to try (only these)', listOption)
    .option('--blocked-models <list>', 'comma-separated model names not to try', listOption)
    .option(
      '--second-objective <name>',
      'also rank pipelines by prediction_latency (ms per row): prints the Pareto front of score and latency',
      choiceOption(['prediction_latency'] as const),
    )
    .option(
      '--featurization <mode>',
      "auto (default), off, or a JSON file of Azure's featurization settings (blocked_transformers, column_name_and_types, transformer_params)",
    )
    .option('--delimiter <char>', 'CSV delimiter (default: sniffed)')
    .option('--seed <n>', 'seed of every random choice (default 0)', integerOption())
    .option('--backend <name>', 'compute backend: auto, js, native, gpu', backendOption)
    .option('--out <path>', 'where to save the fitted pipeline', 'model.json')
    .option(
      '--json',
      'print one JSON document (leaderboard, every trial, test metrics) on stdout; `mlsweep report` reads it',
    )
    .option(
      '--report <file>',
      'write a self-contained HTML report (model pictures on --test rows when given)',
    )
    .addHelpText(
      'after',
      '\nEvery output is checked before the search starts and written atomically. Ctrl-C (or SIGTERM,\nSIGHUP) stops the search and still writes the best pipeline so far, the leaderboard and the\nreport, marked partial (exit 130, 143, 129); a second signal aborts at once.',
    )
    .action(async (o: AutoMLCliOptions) => {
      if (o.register !== undefined) checkModelName(o.register);
      const data = resolveInputs(o);
      const schema = o.schema ?? siblingSchema(data.train);
      checkOutputs(o, schema, data);
      const featurization = readFeaturization(o.featurization);
      const inputs = await readInputs(o, schema, data);
      // checked against the training columns now, so a setting naming an unknown column
      // is said (with its file) before the search
      automlFeaturization(featurization, inputs.train.drop([o.target]), o.featurization);
      const task = inputs.task;
      const {
        seed,
        exitScore,
        timeoutMinutes,
        trialTimeoutMinutes,
        maxTrials,
        maxConcurrentTrials,
        allowedModels,
        blockedModels,
      } = o;
      // The first signal stops the search and keeps the best pipeline so far (written below,
      // marked partial); a second one exits at once. Every write is atomic, so an exit at
      // any moment leaves each output whole or as it was.
      const controller = new AbortController();
      const stop = onStopSignals({
        graceful: (signal) => {
          log(
            `stopping (${signal}): ending the search, then writing the best pipeline so far, the leaderboard and the report (${signal} again to abort without them)`,
          );
          controller.abort();
        },
        immediate: (signal) => {
          log(`aborted (${signal}): nothing more is written`);
          process.exit(SIGNAL_EXIT_CODE[signal]);
        },
      });
      // with --store or --register the job is a run of the store, with one child run per
      // trial, recorded once the model is saved
      const record =
        o.store !== undefined || o.register !== undefined
          ? (job: RecordedJob) => {
              const recorded = recordAutoMLRun({
                ...(o.store !== undefined ? { storeDir: o.store } : {}),
                experiment: o.experiment ?? 'automl',
                result: job.result,
                testMetrics: job.testMetrics,
                modelFile: job.modelFile,
                companions: [job.resultFile],
                dataSchema: pipelineSchema(job.result.pipeline),
                onRun: (store, runId) =>
                  recordTrialRuns(store, runId, job.result, {
                    experiment: o.experiment ?? 'automl',
                    modelFile: job.modelFile,
                  }),
                inputs: [
                  { input: data.train, context: 'training' },
                  ...(data.test ? [{ input: data.test, context: 'testing' }] : []),
                ],
                ...(o.register !== undefined ? { register: o.register } : {}),
              });
              log(
                `recorded run ${recorded.runId} with ${job.result.trials.length} child runs${recorded.model ? `; registered ${recorded.model.name} version ${recorded.model.version}` : ''}`,
              );
              return recorded;
            }
          : undefined;
      try {
        await searchAndWrite(o, inputs.test, stop.received, record, {
          // an inferred task is inferred again by automl(), which then says so in its notices
          ...(inputs.taskGiven ? { task } : {}),
          data: inputs.train,
          target: o.target,
          ...(o.primaryMetric ? { primaryMetric: o.primaryMetric } : {}),
          limits: {
            ...(timeoutMinutes !== undefined ? { timeoutMinutes } : {}),
            ...(trialTimeoutMinutes !== undefined ? { trialTimeoutMinutes } : {}),
            ...(maxTrials !== undefined ? { maxTrials } : {}),
            ...(maxConcurrentTrials !== undefined ? { maxConcurrentTrials } : {}),
            ...(exitScore !== undefined ? { exitScore } : {}),
            enableEarlyTermination: o.earlyTermination,
          },
          ...(allowedModels ? { allowedModels } : {}),
          ...(blockedModels ? { blockedModels } : {}),
          ensemble: o.ensemble,
          featurization,
          ...(o.secondObjective ? { secondObjective: o.secondObjective } : {}),
          ...(seed !== undefined ? { seed } : {}),
          ...(o.backend ? { backend: o.backend } : {}),
          signal: controller.signal,
          onProgress: (p) => {
            const s = p.trial.score === undefined ? p.trial.status : fmt(p.trial.score);
            log(
              `[${p.elapsedSeconds.toFixed(1)} s] trial ${p.trial.id} ${p.trial.model}: ${s} | best ${fmt(p.bestScore)} (${p.bestModel ?? '-'}) | ${p.secondsLeft.toFixed(0)} s left`,
            );
          },
        });
      } finally {
        stop.dispose();
      }
      const signal = stop.received();
      if (signal !== undefined) process.exitCode = SIGNAL_EXIT_CODE[signal];
    });
}

/**
 * Runs the search and writes what it found: the model (first: it is what the time was
 * spent on), the test metrics, the report and the result document, each marked partial
 * when a signal stopped the search.
 */
async function searchAndWrite(
  o: AutoMLCliOptions,
  testTable: Table | undefined,
  interruptedBy: () => string | undefined,
  record: ((job: RecordedJob) => object) | undefined,
  options: AutoMLOptions,
): Promise<void> {
  let result: AutoMLResult;
  try {
    result = await automl(options);
  } catch (error) {
    const signal = interruptedBy();
    if (signal === undefined) throw error;
    log(`interrupted (${signal}) before any trial was scored: nothing to save`);
    return;
  }
  result.pipeline.save(o.out);
  if (result.partial)
    log(`partial result (${result.stopReason}): the best pipeline so far saved to ${o.out}`);
  // the test table was read and checked before the search (readInputs)
  const testMetrics = testTable ? evaluatePipeline(result.pipeline, testTable) : undefined;
  if (o.report !== undefined) {
    // without --test, the report's permutation importance holds out a fold of the training rows
    const training = testTable === undefined && options.data ? { training: options.data } : {};
    writeFileAtomic(o.report, renderReport(automlReportInput(result, testTable, undefined, training)));
    log(`report written to ${o.report}`);
  }
  const document = {
    task: result.task,
    primaryMetric: result.primaryMetric,
    goal: result.goal,
    validation: result.validation,
    stopReason: result.stopReason,
    partial: result.partial,
    durationSeconds: result.durationSeconds,
    trials: result.trials.length,
    best: result.best,
    leaderboard: result.leaderboard,
    ...(testMetrics ? { testMetrics } : {}),
    ...(result.paretoFront ? { paretoFront: result.paretoFront } : {}),
    featureImportances: result.featureImportances.slice(0, 30),
    notices: result.notices,
    model: o.out,
    // every trial, so that `mlsweep report` can draw the search from this document
    trialResults: result.trials,
  };
  const recorded = record ? recordJob(o.out, result, testMetrics, document, record) : undefined;
  printResult(o.json === true, { ...document, ...(recorded ? { recorded } : {}) }, () =>
    humanReport(result, testMetrics, o.out),
  );
}

/** The job as recorded in the store: the result, and its model and result document as files. */
interface RecordedJob {
  readonly result: AutoMLResult;
  readonly testMetrics: Record<string, number> | undefined;
  /** The pipeline, as `model.json` (the name a registered folder's model has). */
  readonly modelFile: string;
  /** The `--json` document, as `result.json` (what `mlsweep report models:/...` reads). */
  readonly resultFile: string;
}

/**
 * Records the job through `record` with the model and the result document staged as
 * `model.json` and `result.json` in a temporary folder (removed afterwards), so the
 * registered folder serves `predict --model models:/...` and `report models:/...` alike.
 */
function recordJob(
  out: string,
  result: AutoMLResult,
  testMetrics: Record<string, number> | undefined,
  document: object,
  record: (job: RecordedJob) => object,
): object {
  const staging = mkdtempSync(join(tmpdir(), 'mlsweep-automl-'));
  try {
    const modelFile = join(staging, 'model.json');
    const resultFile = join(staging, 'result.json');
    copyFileSync(out, modelFile);
    writeFileSync(resultFile, JSON.stringify(document));
    return record({ result, testMetrics, modelFile, resultFile });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * The data schema a registered pipeline records: its input columns with their kinds, the
 * target, the task and the classes.
 *
 * @example
 * pipelineSchema(result.pipeline); // { inputs: [{ name: 'age', kind: 'numeric' }, ...], target: 'y', ... }
 */
function pipelineSchema(pipeline: AutoMLPipeline): object {
  return {
    inputs: pipeline.featurizer.inputs,
    target: pipeline.target,
    task: pipeline.task,
    ...(pipeline.task === 'classification' ? { classes: pipeline.classes } : {}),
  };
}
