/**
 * A batch job: a batch deployment's model (or scoring module) run over every row of an
 * input (a file, a folder, a glob, a datastore URI or a data asset), tracked as a run.
 * The input is cut into mini-batches (plan.ts), scored on worker threads (worker.ts) up
 * to `instance_count × max_concurrency_per_instance` at once (capped at the cores), each
 * mini-batch retried `max_retries` times and stopped after `timeout` seconds. Bad rows
 * and failed mini-batches count against `error_threshold`. Each finished mini-batch is
 * journaled with its part of the output (journal.ts), so a killed job resumed with its
 * id scores only what was left; the output file is assembled from the parts in input
 * order and appears atomically when the job ends.
 */
import { once } from 'node:events';
import { createReadStream, mkdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { Piscina } from 'piscina';
import { DataError, MlsweepError, ValidationError } from '../../core/errors.ts';
import { checkOutputFile, checkOutputFolder, openAtomicWriteStream } from '../../core/files.ts';
import { environmentTags } from '../../environment/resolve.ts';
import { type BatchDeploymentSpec, BatchEndpointStore } from '../../registry/batch-endpoint-store.ts';
import { dataInputRecord, type ResolvedDataInput, resolveDataInput } from '../../registry/data-input.ts';
import { datastorePath, parseDataReference } from '../../registry/data-paths.ts';
import { WORKSPACE_BLOB_STORE } from '../../registry/datastores.ts';
import { ModelRegistry } from '../../registry/model-registry.ts';
import { STOP_MESSAGE_TAG, STOP_REASON_TAG, SWEEP_TYPE_TAG } from '../../store/tags.ts';
import type { SqliteStore } from '../../tracking/sqlite-store.ts';
import { resolveModel } from '../catalog.ts';
import {
  deploymentEnvironment,
  type ThreadEnvironment,
  threadEnvironment,
  threadVariables,
} from '../deployment-environment.ts';
import { JobJournal, type JobManifest, type JournalEntry } from './journal.ts';
import { type BadRows, type MiniBatch, type MiniBatchResult, planMiniBatches } from './plan.ts';
import { DEFAULT_MAX_PIECE_BYTES } from './spec.ts';
import type { BatchDescription, BatchTask, BatchWorkerConfig } from './worker.ts';

/** The value of the `mlsweep.type` tag of a batch job's run. */
export const BATCH_JOB_TYPE = 'batch_job';
/** Tags of a batch job's run. */
export const BATCH_ENDPOINT_TAG = 'mlsweep.batch.endpoint';
export const BATCH_DEPLOYMENT_TAG = 'mlsweep.batch.deployment';
/** The job's folder (journal, parts, summary). */
export const BATCH_JOB_DIR_TAG = 'mlsweep.batch.job_dir';
/** The output file (append_row) once the job completed. */
export const BATCH_OUTPUT_TAG = 'mlsweep.batch.output';
/** The job's errors in one line (the first few), so `mlsweep runs show` lists them. */
export const BATCH_ERRORS_TAG = 'mlsweep.batch.errors';
/** Where job folders live in a store. */
export const BATCH_JOBS_FOLDER = 'batch-jobs';
/** Most errors a summary lists (every one is counted). */
const MAX_LISTED = 100;

/** How far a job has come, after each mini-batch. */
export interface BatchProgress {
  readonly miniBatchesDone: number;
  readonly miniBatches: number;
  /** Rows scored so far, resumed mini-batches included. */
  readonly rows: number;
  /** Rows per second scored by this invocation. */
  readonly rowsPerSecond: number;
  readonly errors: number;
}

/** How to run a batch job. */
export interface BatchJobOptions {
  readonly store: SqliteStore;
  readonly endpoint: string;
  /** Default: the endpoint's default deployment (with resume: the job's). */
  readonly deployment?: string;
  /** A file, a folder, a glob, `azureml://datastores/…/paths/…`, `azureml:N:V` or `azureml:N@latest` (not with resume). */
  readonly input?: string;
  /** A folder, or `azureml://datastores/<name>/paths/<path>`; default the store's workspaceblobstore, `azureml/<job-id>/score`. */
  readonly outputPath?: string;
  /** The id of a job to continue (a unique prefix is enough). */
  readonly resume?: string;
  /** At most this many scoring threads (default: the cores). */
  readonly maxWorkers?: number;
  /** Relative input paths start here (default: the current folder). */
  readonly cwd?: string;
  readonly onProgress?: (progress: BatchProgress) => void;
  /** Log lines (retries, notices; per-mini-batch lines at logging_level debug). */
  readonly log?: (line: string) => void;
  /** Aborting it stops the job between mini-batches: those running finish and are journaled. */
  readonly signal?: AbortSignal;
  /** Called once the job's run exists (its id is the job id). */
  readonly onStart?: (jobId: string) => void;
}

/** One error of a job, as its summary lists it. */
export type BatchJobError =
  | ({ readonly kind: 'bad_rows' } & BadRows)
  | {
      readonly kind: 'failed_mini_batch';
      readonly index: number;
      readonly files: readonly string[];
      readonly attempts: number;
      readonly error: string;
    };

/** How a job ended, as `invoke --json` and `show-job` print it and the run keeps it. */
export interface BatchJobSummary {
  readonly jobId: string;
  readonly endpoint: string;
  readonly deployment: string;
  /** Azure's job states. */
  readonly status: 'Completed' | 'Failed' | 'Canceled';
  /** Why it failed or stopped, in one line. */
  readonly reason?: string;
  readonly input: string;
  /** The output file (append_row), once written. */
  readonly output?: string;
  readonly outputFolder: string;
  readonly outputAction: 'append_row' | 'summary_only';
  readonly miniBatches: number;
  readonly miniBatchesSucceeded: number;
  readonly failedMiniBatches: number;
  /** Mini-batches taken from the journal of an earlier invocation (resume). */
  readonly miniBatchesResumed: number;
  readonly rows: number;
  readonly badRows: number;
  /** Bad rows plus failed mini-batches: what error_threshold limits. */
  readonly errorCount: number;
  readonly errorThreshold: number;
  /** Listed errors (the first 100); `errorCount` counts them all. */
  readonly errors: readonly BatchJobError[];
  readonly workers: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

const WORKER_FILE = new URL(`./worker${extname(new URL(import.meta.url).pathname)}`, import.meta.url).href;

/**
 * The folder of a batch job in a store.
 *
 * @example
 * batchJobDir(store, run.id); // '<store>/batch-jobs/3f2a…'
 */
export function batchJobDir(store: SqliteStore, jobId: string): string {
  return join(store.dir, BATCH_JOBS_FOLDER, jobId);
}

/**
 * Runs (or resumes) a batch job and returns its summary. A job that ends Failed (too many
 * errors) or Canceled (the signal) resolves too: its summary says why, and its run's
 * status is FAILED or KILLED. Mistakes found before any work (an unknown endpoint, an
 * input that is not there, an output folder that cannot be written) throw.
 *
 * @example
 * const summary = await runBatchJob({ store, endpoint: 'scores', input: 'data/' });
 * summary.output; // '<store>/artifacts/azureml/<id>/score/predictions.csv' (workspaceblobstore)
 */
export async function runBatchJob(options: BatchJobOptions): Promise<BatchJobSummary> {
  const { store } = options;
  const log = options.log ?? (() => {});
  const endpoints = new BatchEndpointStore({ store });
  let jobId: string;
  let spec: BatchDeploymentSpec;
  let journal: JobJournal;
  let unlock: () => void;
  if (options.resume !== undefined) {
    ({ jobId, spec, journal, unlock } = openForResume(options, endpoints));
  } else {
    if (options.input === undefined)
      throw new ValidationError('a batch job needs --input (a file, folder, glob or azureml: reference)', {
        path: '--input',
      });
    spec = endpoints.resolveDeployment(options.endpoint, options.deployment).spec;
    const inputRecord = resolveDataInput(options.input, {
      store,
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    });
    if (inputRecord.files.length === 0)
      throw new DataError(`the input ${options.input} holds no files`, 'E_DATA_EMPTY');
    // the model is found before the run exists: a missing one costs nothing
    resolveModel(spec.model, new ModelRegistry({ store }), spec.name);
    ({ jobId, journal } = startJob(options, spec, inputRecord));
    unlock = journal.lock();
  }
  options.onStart?.(jobId);
  try {
    const summary = await executeJob(options, jobId, spec, journal, log);
    finishRun(store, journal, summary);
    return summary;
  } catch (error) {
    // a job that could not run (its model or scoring module failed to load, a disk full)
    // is recorded as failed, with why; its journal stays for a resume once that is fixed
    store.setTags(jobId, {
      [STOP_REASON_TAG]: 'error',
      [STOP_MESSAGE_TAG]: error instanceof Error ? error.message : String(error),
    });
    store.setRunStatus(jobId, 'FAILED');
    throw error;
  } finally {
    unlock();
  }
}

/** Scores what the journal lacks, then assembles the output: the job once its run and folder exist. */
async function executeJob(
  options: BatchJobOptions,
  jobId: string,
  spec: BatchDeploymentSpec,
  journal: JobJournal,
  log: (line: string) => void,
): Promise<BatchJobSummary> {
  const manifest = journal.manifest;
  const model = resolveModel(spec.model, new ModelRegistry({ store: options.store }), spec.name);
  const scoringScript =
    spec.codeConfiguration === undefined
      ? undefined
      : resolve(spec.codeConfiguration.code, spec.codeConfiguration.scoringScript);
  const cores = availableParallelism();
  const wanted = spec.instanceCount * spec.maxConcurrencyPerInstance;
  const entries = journal.entries();
  const pending = manifest.miniBatches.filter((m) => !entries.has(m.index));
  const workers = Math.max(1, Math.min(wanted, cores, options.maxWorkers ?? cores, pending.length || 1));
  const started = performance.now();
  const tally = new Tally(manifest.miniBatches, entries, manifest.errorThreshold);
  const resumed = entries.size;
  let rowsNow = 0;
  let stop: { kind: 'threshold' | 'interrupted'; reason: string } | undefined;
  const overThreshold = () => {
    if (stop === undefined && tally.over()) stop = { kind: 'threshold', reason: tally.thresholdReason() };
  };
  overThreshold();

  // the deployment's environment: built once into the store's cache, recorded on the job's run
  const served = deploymentEnvironment(spec, options.store);
  let environment: ThreadEnvironment | undefined;
  if (served !== undefined) {
    environment = await threadEnvironment(served, spec.name);
    if (environment.image !== undefined)
      throw new ValidationError(
        `batch deployment ${spec.name}: environment ${environment.name}:${environment.version} is an image (${environment.image.image}): batch scoring modules run on this process's threads, and a container image cannot host them; use a Node or conda environment`,
        { path: 'environment', code: 'E_ENV_IMAGE_BATCH' },
      );
    options.store.setTags(jobId, environmentTags(environment));
    log(`environment ${environment.name}:${environment.version} (${environment.hash.slice(0, 12)})`);
  }
  const workerData: BatchWorkerConfig = {
    modelFile: model.modelFile,
    modelDir: model.modelDir,
    ...(scoringScript !== undefined ? { scoringScript } : {}),
    writeRows: manifest.outputAction === 'append_row',
    ...(environment?.modulesDir !== undefined && spec.codeConfiguration !== undefined
      ? { modules: { environmentDir: environment.modulesDir, codeDir: spec.codeConfiguration.code } }
      : {}),
  };
  if (pending.length > 0 && stop === undefined) {
    const pool = new Piscina({
      filename: WORKER_FILE,
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 1,
      workerData,
      env: threadVariables(process.env, environment, model.modelDir),
    });
    const inFlight = new Set<AbortController>();
    try {
      try {
        // every thread loads the model (and runs init()) before any work: a broken one fails now
        (await Promise.all(
          Array.from({ length: workers }, () => pool.run({ op: 'describe' } satisfies BatchTask)),
        )) as BatchDescription[];
      } catch (error) {
        throw new MlsweepError(
          `the deployment ${spec.name} could not be loaded: ${(error as Error).message}`,
          'E_BATCH_LOAD',
        );
      }
      const onAbort = () => {
        stop ??= {
          kind: 'interrupted',
          reason: 'interrupted: the running mini-batches finished and were journaled',
        };
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.signal?.aborted) onAbort();
      const queue = [...pending];
      const attempts = new Map<number, number>();
      const scoreOne = async (batch: MiniBatch): Promise<void> => {
        const attempt = (attempts.get(batch.index) ?? 0) + 1;
        attempts.set(batch.index, attempt);
        const controller = new AbortController();
        inFlight.add(controller);
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, spec.retrySettings.timeoutSeconds * 1000);
        try {
          const result = (await pool.run(
            {
              op: 'score',
              index: batch.index,
              pieces: batch.pieces,
              partFile: journal.partFile(batch.index),
              root: manifest.root,
              ...(manifest.delimiter !== undefined ? { delimiter: manifest.delimiter } : {}),
            } satisfies BatchTask,
            { signal: controller.signal },
          )) as MiniBatchResult;
          const entry: JournalEntry = { status: 'done', attempts: attempt, ...result };
          journal.record(entry);
          tally.add(entry);
          rowsNow += result.rows;
          if (spec.loggingLevel === 'debug')
            log(
              `mini-batch ${batch.index}: ${result.rows} rows, ${result.badRows} bad, ${result.seconds.toFixed(2)} s`,
            );
        } catch (error) {
          if (stop?.kind === 'threshold' && !timedOut) return; // cut short by the threshold: not journaled
          const message = timedOut
            ? `exceeded the timeout of ${spec.retrySettings.timeoutSeconds} s`
            : error instanceof Error
              ? error.message
              : String(error);
          if (attempt <= spec.retrySettings.maxRetries) {
            if (spec.loggingLevel !== 'warning')
              log(
                `mini-batch ${batch.index} failed (attempt ${attempt} of ${spec.retrySettings.maxRetries + 1}): ${message}; retrying`,
              );
            queue.unshift(batch);
            return;
          }
          const entry: JournalEntry = {
            status: 'failed',
            index: batch.index,
            attempts: attempt,
            error: message,
            files: batch.pieces.map((p) => p.file),
          };
          journal.record(entry);
          tally.add(entry);
          log(
            `mini-batch ${batch.index} failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${message}`,
          );
        } finally {
          clearTimeout(timer);
          inFlight.delete(controller);
        }
        overThreshold();
        if (stop?.kind === 'threshold') for (const c of inFlight) c.abort();
        options.onProgress?.({
          miniBatchesDone: tally.finished,
          miniBatches: manifest.miniBatches.length,
          rows: tally.rows,
          rowsPerSecond: rowsNow / Math.max(1e-9, (performance.now() - started) / 1000),
          errors: tally.errorCount,
        });
      };
      // `workers` lanes, each taking the next mini-batch when its last one ends
      const lane = async () => {
        while (stop === undefined && queue.length > 0) await scoreOne(queue.shift()!);
      };
      await Promise.all(Array.from({ length: workers }, lane));
      options.signal?.removeEventListener('abort', onAbort);
    } finally {
      for (const c of inFlight) c.abort();
      await pool.destroy();
    }
  }

  const seconds = (performance.now() - started) / 1000;
  const outputFile = join(manifest.outputFolder, manifest.outputFileName);
  let status: BatchJobSummary['status'] = 'Completed';
  let reason: string | undefined;
  overThreshold();
  if (stop !== undefined) {
    status = stop.kind === 'threshold' ? 'Failed' : 'Canceled';
    reason = stop.reason;
  } else if (manifest.outputAction === 'append_row') {
    await assemble(journal, manifest, tally.header(), outputFile);
    journal.removeParts();
  }
  const summary: BatchJobSummary = {
    jobId,
    endpoint: manifest.endpoint,
    deployment: manifest.deployment,
    status,
    ...(reason !== undefined ? { reason } : {}),
    input: manifest.input,
    ...(status === 'Completed' && manifest.outputAction === 'append_row' ? { output: outputFile } : {}),
    outputFolder: manifest.outputFolder,
    outputAction: manifest.outputAction,
    miniBatches: manifest.miniBatches.length,
    miniBatchesSucceeded: tally.succeeded,
    failedMiniBatches: tally.failed,
    miniBatchesResumed: resumed,
    rows: tally.rows,
    badRows: tally.badRows,
    errorCount: tally.errorCount,
    errorThreshold: manifest.errorThreshold,
    errors: tally.listed,
    workers,
    seconds,
    rowsPerSecond: rowsNow / Math.max(1e-9, seconds),
  };
  return summary;
}

/** Creates the run and the job folder of a new job. */
function startJob(
  options: BatchJobOptions,
  spec: BatchDeploymentSpec,
  input: ResolvedDataInput,
): { jobId: string; journal: JobJournal } {
  const { store } = options;
  const files = input.files.map((path) => {
    const s = statSync(path);
    return { path, size: s.size, mtimeMs: s.mtimeMs };
  });
  const miniBatches = planMiniBatches(input.files, {
    miniBatchSize: spec.miniBatchSize,
    ...(spec.miniBatchBytes !== undefined ? { miniBatchBytes: spec.miniBatchBytes } : {}),
    maxPieceBytes: spec.miniBatchBytes ?? DEFAULT_MAX_PIECE_BYTES,
    split: spec.codeConfiguration === undefined,
  });
  // The output location is checked before the run exists: a mistake there costs nothing.
  const explicitOutput =
    options.outputPath === undefined ? undefined : outputFolderOf(store, options.outputPath, options.cwd);
  if (explicitOutput !== undefined) {
    // as Azure, the output path is created (the folders on the way too)
    try {
      mkdirSync(explicitOutput, { recursive: true });
    } catch (error) {
      throw new ValidationError(
        `--output-path ${options.outputPath}: cannot create ${explicitOutput}: ${(error as Error).message}`,
        {
          path: '--output-path',
        },
      );
    }
    checkOutputFolder(explicitOutput, '--output-path');
    checkOutputFile(join(explicitOutput, spec.outputFileName), '--output-path', {
      ...Object.fromEntries(input.files.map((f, i) => [`--input (file ${i + 1})`, f])),
    });
  }
  const run = store.createRun({
    experiment: spec.endpointName,
    name: `${spec.endpointName}-${spec.name}`,
    tags: {
      [SWEEP_TYPE_TAG]: BATCH_JOB_TYPE,
      [BATCH_ENDPOINT_TAG]: spec.endpointName,
      [BATCH_DEPLOYMENT_TAG]: spec.name,
    },
  });
  const jobId = run.id;
  const outputFolder = explicitOutput ?? datastorePath(store, WORKSPACE_BLOB_STORE, `azureml/${jobId}/score`);
  mkdirSync(outputFolder, { recursive: true });
  const dir = batchJobDir(store, jobId);
  const manifest: JobManifest = {
    jobId,
    endpoint: spec.endpointName,
    deployment: spec.name,
    deploymentSpec: JSON.stringify(spec),
    input: options.input!,
    root: input.kind === 'uri_file' ? resolve(input.path, '..') : input.path,
    ...(input.table?.delimiter !== undefined ? { delimiter: input.table.delimiter } : {}),
    files,
    miniBatches,
    outputFolder,
    outputFileName: spec.outputFileName,
    outputAction: spec.outputAction,
    errorThreshold: spec.errorThreshold,
    createdAt: Date.now(),
  };
  const journal = JobJournal.create(dir, manifest);
  store.write(() => {
    store.logParams(jobId, {
      endpoint: spec.endpointName,
      deployment: spec.name,
      input: options.input!,
      model: spec.model,
      mini_batch_size: spec.miniBatchBytes !== undefined ? `${spec.miniBatchBytes}B` : spec.miniBatchSize,
      mini_batches: miniBatches.length,
      output_action: spec.outputAction,
      output_folder: outputFolder,
      error_threshold: spec.errorThreshold,
      max_retries: spec.retrySettings.maxRetries,
      timeout: spec.retrySettings.timeoutSeconds,
      instance_count: spec.instanceCount,
      max_concurrency_per_instance: spec.maxConcurrencyPerInstance,
    });
    store.setTags(jobId, { [BATCH_JOB_DIR_TAG]: dir });
    store.logInputs(jobId, [dataInputRecord(input, 'batch_scoring')]);
  });
  return { jobId, journal };
}

/** The run, deployment and journal of a job to resume; refuses a finished job or a changed input. */
function openForResume(
  options: BatchJobOptions,
  endpoints: BatchEndpointStore,
): { jobId: string; spec: BatchDeploymentSpec; journal: JobJournal; unlock: () => void } {
  const { store } = options;
  const run = store.run(options.resume!);
  if (run.tags[SWEEP_TYPE_TAG] !== BATCH_JOB_TYPE) {
    throw new ValidationError(`--resume ${options.resume}: run ${run.id} is not a batch job`, {
      path: '--resume',
    });
  }
  const endpoint = run.tags[BATCH_ENDPOINT_TAG]!;
  if (endpoint !== options.endpoint) {
    throw new ValidationError(
      `--resume ${options.resume}: job ${run.id} belongs to batch endpoint '${endpoint}', not '${options.endpoint}'`,
      { path: '--resume' },
    );
  }
  if (run.status === 'FINISHED') {
    throw new ValidationError(
      `--resume ${options.resume}: job ${run.id} completed already; nothing to resume`,
      {
        path: '--resume',
      },
    );
  }
  if (options.input !== undefined && options.input !== run.params['input']) {
    throw new ValidationError(
      `--resume ${options.resume}: job ${run.id} reads ${run.params['input']}; leave --input out (or give the same)`,
      { path: '--input' },
    );
  }
  const deployment = run.tags[BATCH_DEPLOYMENT_TAG]!;
  if (options.deployment !== undefined && options.deployment !== deployment) {
    throw new ValidationError(
      `--resume ${options.resume}: job ${run.id} runs deployment '${deployment}', not '${options.deployment}'`,
      { path: '--deployment-name' },
    );
  }
  const spec = endpoints.getDeployment(endpoint, deployment).spec;
  const journal = JobJournal.open(run.tags[BATCH_JOB_DIR_TAG] ?? batchJobDir(store, run.id), run.id);
  if (journal.manifest.deploymentSpec !== JSON.stringify(spec)) {
    throw new ValidationError(
      `--resume ${options.resume}: deployment '${deployment}' changed since job ${run.id} started (its finished mini-batches were scored by the old one); start a new job`,
      { path: '--resume' },
    );
  }
  const changed = journal.changedInputs();
  if (changed.length > 0) {
    throw new DataError(
      `--resume ${options.resume}: the input changed since job ${run.id} started (${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ', …' : ''}); start a new job`,
      'E_DATA_CHANGED',
    );
  }
  // taken before the run is touched: a job still running elsewhere is left as it is
  const unlock = journal.lock();
  store.write(() => {
    store.setRunStatus(run.id, 'RUNNING');
    store.deleteTag(run.id, STOP_REASON_TAG);
    store.deleteTag(run.id, STOP_MESSAGE_TAG);
  });
  return { jobId: run.id, spec, journal, unlock };
}

/** The output folder an `--output-path` names: a local folder, or a datastore URI. */
function outputFolderOf(store: SqliteStore, path: string, cwd: string | undefined): string {
  if (path.startsWith('azureml:')) {
    const ref = parseDataReference(path);
    if (ref.form !== 'datastore') {
      throw new ValidationError(
        `--output-path ${path}: an output is a folder or azureml://datastores/<name>/paths/<path>, not a data asset`,
        { path: '--output-path' },
      );
    }
    return datastorePath(store, ref.datastore, ref.path);
  }
  return resolve(cwd ?? process.cwd(), path);
}

/** Writes the output file from the parts, in input order, atomically. */
async function assemble(
  journal: JobJournal,
  manifest: JobManifest,
  header: readonly string[] | undefined,
  outputFile: string,
): Promise<void> {
  const out = openAtomicWriteStream(outputFile);
  try {
    if (header !== undefined) {
      await new Promise<void>((done, fail) =>
        out.stream.write(`${header.map(csvHeaderCell).join(',')}\n`, (error) =>
          error ? fail(error) : done(),
        ),
      );
    }
    const entries = journal.entries();
    for (const batch of manifest.miniBatches) {
      const entry = entries.get(batch.index);
      if (entry === undefined || entry.status !== 'done' || entry.rows === 0) continue;
      for await (const chunk of createReadStream(journal.partFile(batch.index))) {
        if (!out.stream.write(chunk)) await once(out.stream, 'drain');
      }
    }
    await out.commit();
  } catch (error) {
    out.abort();
    throw error;
  }
}

function csvHeaderCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Records the summary on the run: status, metrics, tags and the summary as an artifact. */
function finishRun(store: SqliteStore, journal: JobJournal, summary: BatchJobSummary): void {
  const file = journal.writeSummary(summary);
  const now = Date.now();
  const metric = (key: string, value: number) => ({ key, value, step: 0, timestamp: now });
  store.write(() => {
    store.logMetrics(summary.jobId, [
      metric('rows', summary.rows),
      metric('rows_per_second', summary.rowsPerSecond),
      metric('bad_rows', summary.badRows),
      metric('failed_mini_batches', summary.failedMiniBatches),
      metric('mini_batches', summary.miniBatches),
      metric('errors', summary.errorCount),
      metric('seconds', summary.seconds),
    ]);
    const tags: Record<string, string> = {};
    if (summary.output !== undefined) tags[BATCH_OUTPUT_TAG] = summary.output;
    if (summary.errorCount > 0) tags[BATCH_ERRORS_TAG] = errorsLine(summary);
    if (summary.status !== 'Completed') {
      tags[STOP_REASON_TAG] = summary.status === 'Failed' ? 'error_threshold' : 'interrupted';
      tags[STOP_MESSAGE_TAG] = summary.reason ?? '';
    }
    store.setTags(summary.jobId, tags);
    store.setRunStatus(
      summary.jobId,
      summary.status === 'Completed' ? 'FINISHED' : summary.status === 'Failed' ? 'FAILED' : 'KILLED',
    );
  });
  store.logArtifact(summary.jobId, file, '');
}

/**
 * A job's errors in one line of at most 1,000 characters: the count, then each listed
 * error (`file:line: reason`, or the mini-batch and why it failed) until the room is used.
 *
 * @example
 * errorsLine(summary); // "2 errors: f03.csv:11: column 'x2' is numeric, but …; mini-batch 4 (…) failed: boom"
 */
export function errorsLine(summary: BatchJobSummary): string {
  const parts = summary.errors.map((e) =>
    e.kind === 'bad_rows'
      ? `${e.file}:${e.line}: ${e.reason}`
      : `mini-batch ${e.index} failed after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}: ${e.error}`,
  );
  let line = `${summary.errorCount} error${summary.errorCount === 1 ? '' : 's'}:`;
  for (const [i, part] of parts.entries()) {
    const next = `${line}${i === 0 ? ' ' : '; '}${part}`;
    if (next.length > 1000) return `${line}; …`;
    line = next;
  }
  return line;
}

/** What the journal says so far: counts, and the errors to list. */
class Tally {
  rows = 0;
  badRows = 0;
  failed = 0;
  succeeded = 0;
  /**
   * The errors to list with their mini-batch's index: mini-batches end in any order when
   * several run at once, and the summary lists the first errors in input order.
   */
  private readonly errors: Array<{ readonly batch: number; readonly error: BatchJobError }> = [];
  private readonly headers = new Map<number, readonly string[]>();

  constructor(
    private readonly batches: readonly MiniBatch[],
    entries: ReadonlyMap<number, JournalEntry>,
    private readonly threshold: number,
  ) {
    for (const batch of batches) {
      const entry = entries.get(batch.index);
      if (entry !== undefined) this.add(entry);
    }
  }

  get finished(): number {
    return this.succeeded + this.failed;
  }

  get errorCount(): number {
    return this.badRows + this.failed;
  }

  /** The first MAX_LISTED errors in input order (by mini-batch, then as each reported them). */
  get listed(): BatchJobError[] {
    this.trim();
    return this.errors.map((e) => e.error);
  }

  add(entry: JournalEntry): void {
    if (entry.status === 'failed') {
      this.failed++;
      this.errors.push({
        batch: entry.index,
        error: {
          kind: 'failed_mini_batch',
          index: entry.index,
          files: entry.files,
          attempts: entry.attempts,
          error: entry.error,
        },
      });
    } else {
      this.succeeded++;
      this.rows += entry.rows;
      this.badRows += entry.badRows;
      if (entry.header !== undefined) this.headers.set(entry.index, entry.header);
      for (const example of entry.examples)
        this.errors.push({ batch: entry.index, error: { kind: 'bad_rows', ...example } });
    }
    // memory stays bounded however many mini-batches report errors
    if (this.errors.length > 2 * MAX_LISTED) this.trim();
  }

  /** Keeps the first MAX_LISTED errors in input order (the sort is stable: a batch's own order stays). */
  private trim(): void {
    this.errors.sort((a, b) => a.batch - b.batch);
    this.errors.length = Math.min(this.errors.length, MAX_LISTED);
  }

  over(): boolean {
    return this.threshold >= 0 && this.errorCount > this.threshold;
  }

  thresholdReason(): string {
    const parts = [
      this.badRows > 0 ? `${this.badRows} bad row${this.badRows === 1 ? '' : 's'}` : undefined,
      this.failed > 0 ? `${this.failed} failed mini-batch${this.failed === 1 ? '' : 'es'}` : undefined,
    ].filter((p) => p !== undefined);
    const first = this.listed[0];
    const example =
      first === undefined
        ? ''
        : first.kind === 'bad_rows'
          ? `; first: ${first.file}:${first.line}: ${first.reason}`
          : `; first: mini-batch ${first.index}: ${first.error}`;
    return `${this.errorCount} errors (${parts.join(', ')}) exceed error_threshold ${this.threshold}${example}`;
  }

  /** The output's header: the first mini-batch's (in input order) that gave one. */
  header(): readonly string[] | undefined {
    for (const batch of this.batches) {
      const header = this.headers.get(batch.index);
      if (header !== undefined) return header;
    }
    return undefined;
  }
}
