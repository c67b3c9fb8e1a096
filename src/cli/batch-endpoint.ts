// `mlsweep batch-endpoint …`: batch endpoints in the tracking store, in the shapes of
// `az ml batch-endpoint`, and their jobs: `invoke` scores a file, folder, glob or data
// asset on worker threads and tracks the job as a run; `show-job` and `list-jobs` read it.
import type { Command } from 'commander';
import { ValidationError } from '../core/errors.ts';
import type { BatchEndpointRecord, BatchEndpointStore } from '../registry/batch-endpoint-store.ts';
import {
  BATCH_ENDPOINT_TAG,
  BATCH_JOB_DIR_TAG,
  BATCH_JOB_TYPE,
  type BatchJobSummary,
  batchJobDir,
  runBatchJob,
} from '../serve/batch/job.ts';
import { JobJournal } from '../serve/batch/journal.ts';
import { progressLine } from '../serve/batch/progress.ts';
import { readBatchEndpointFile } from '../serve/batch/spec.ts';
import { SWEEP_TYPE_TAG } from '../store/tags.ts';
import { withBatch } from './batch-deployment.ts';
import { type JsonOption, recordJson, registerListShowDelete, who } from './endpoint.ts';
import { openCliStore, table, when, withStoreOptions } from './experiments.ts';
import { integerOption } from './options.ts';
import { log, printResult } from './output.ts';
import { onStopSignals, SIGNAL_EXIT_CODE } from './signals.ts';
import { FAILURE_EXIT_CODE } from './usage.ts';

interface InvokeOptions extends JsonOption {
  readonly input?: string;
  readonly outputPath?: string;
  readonly deploymentName?: string;
  readonly resume?: string;
  readonly workers?: number;
}

/**
 * Registers `mlsweep batch-endpoint create|update|list|show|delete|invoke|show-job|list-jobs`.
 *
 * @example
 * registerBatchEndpoints(program); // then: mlsweep batch-endpoint invoke scores --input data/
 */
export function registerBatchEndpoints(program: Command): void {
  const endpoint = program
    .command('batch-endpoint')
    .description('batch endpoints (Azure ML v2 batchEndpoint) and their scoring jobs');

  withStoreOptions(endpoint.command('create').description('create a batch endpoint from its YAML'))
    .requiredOption('-f, --file <yaml>', 'batch endpoint YAML (name, description, tags)')
    .option('--name <name>', "the endpoint's name (default: the file's)")
    .action((options: JsonOption & { file: string; name?: string }) => {
      const file = readBatchEndpointFile(options.file);
      for (const line of file.notices) log(`mlsweep: note: ${line}`);
      const spec = { ...file.spec, name: options.name ?? file.spec.name };
      withBatch(
        options,
        (store) => {
          const record = store.createOrUpdateEndpoint(spec, { mode: 'create', changedBy: who() });
          printResult(options.json === true, endpointJson(store, record), () =>
            [
              `created batch endpoint ${spec.name}`,
              `  add a deployment: mlsweep batch-deployment create -f deployment.yml --endpoint-name ${spec.name} --set-default`,
            ].join('\n'),
          );
        },
        true,
      );
    });

  withStoreOptions(
    endpoint.command('update').description("change a batch endpoint's YAML or default deployment"),
  )
    .argument('[name]', "endpoint name (default: the file's)")
    .option('-f, --file <yaml>', 'batch endpoint YAML (defaults.deployment_name sets the default)')
    .option('--default-deployment <name>', 'the deployment invoke uses when none is named')
    .action(
      (name: string | undefined, options: JsonOption & { file?: string; defaultDeployment?: string }) => {
        if (options.file === undefined && options.defaultDeployment === undefined) {
          throw new ValidationError('batch-endpoint update needs -f FILE or --default-deployment NAME', {
            path: '--file',
          });
        }
        const file = options.file === undefined ? undefined : readBatchEndpointFile(options.file);
        for (const line of file?.notices ?? []) log(`mlsweep: note: ${line}`);
        const target = name ?? file?.spec.name;
        if (target === undefined)
          throw new ValidationError('batch-endpoint update needs the endpoint name (or -f FILE)', {
            path: 'name',
          });
        withBatch(options, (store) => {
          const changedBy = who();
          const record = store.store.write(() => {
            if (file)
              store.createOrUpdateEndpoint({ ...file.spec, name: target }, { mode: 'update', changedBy });
            return options.defaultDeployment !== undefined
              ? store.setDefaultDeployment(target, options.defaultDeployment, { changedBy })
              : store.getEndpoint(target);
          });
          printResult(options.json === true, endpointJson(store, record), () => showEndpoint(store, record));
        });
      },
    );

  registerListShowDelete(endpoint, {
    noun: 'batch endpoint',
    open: (options, fn) => withBatch(options, fn),
    list: (store) => store.listEndpoints(),
    get: (store, name) => store.getEndpoint(name),
    json: endpointJson,
    show: showEndpoint,
    deployments: (store, name) => store.listDeployments(name).map((d) => d.spec.name),
    remove: (store, name) => store.deleteEndpoint(name),
    columns: ['name', 'default deployment', 'deployments', 'updated'],
    row: (store, r) => [
      r.spec.name,
      r.spec.defaultDeployment ?? '-',
      String(store.listDeployments(r.spec.name).length),
      when(r.updatedAt),
    ],
    describe: {
      list: 'batch endpoints with their default deployment',
      show: 'a batch endpoint and its deployments',
      delete: 'delete a batch endpoint and its deployments',
    },
  });

  withStoreOptions(
    endpoint
      .command('invoke')
      .description('score a file, folder, glob or data asset as a batch job (tracked as a run; resumable)'),
  )
    .argument('<name>', 'batch endpoint name')
    .option(
      '--input <ref>',
      'a CSV file, a folder, a glob, azureml://datastores/NAME/paths/PATH, azureml:NAME:VERSION or azureml:NAME@latest',
    )
    .option(
      '--output-path <folder>',
      'the folder of the output (or azureml://datastores/NAME/paths/PATH); default: the store, azureml/JOB_ID/score',
    )
    .option('--deployment-name <name>', 'the deployment (default: the endpoint default)')
    .option(
      '--resume <job-id>',
      'continue a job that was killed or interrupted: finished mini-batches are kept',
    )
    .option(
      '--workers <n>',
      'at most this many scoring threads (default: the cores)',
      integerOption({ min: 1 }),
    )
    .action((name: string, options: InvokeOptions) => invoke(name, options));

  withStoreOptions(endpoint.command('show-job').description('a batch job: status, counts, errors and output'))
    .argument('<job-id>', 'the job id (a unique prefix is enough)')
    .action((jobId: string, options: JsonOption) => {
      const store = openCliStore(options, false);
      try {
        const run = store.run(jobId);
        if (run.tags[SWEEP_TYPE_TAG] !== BATCH_JOB_TYPE)
          throw new ValidationError(`run ${run.id} is not a batch job`, { path: 'job-id' });
        const summary = JobJournal.readSummary(run.tags[BATCH_JOB_DIR_TAG] ?? batchJobDir(store, run.id)) as
          | BatchJobSummary
          | undefined;
        const value = summary ?? {
          jobId: run.id,
          endpoint: run.tags[BATCH_ENDPOINT_TAG],
          status: run.status === 'RUNNING' ? 'Running (or killed: resume it with --resume)' : run.status,
          params: run.params,
        };
        printResult(options.json === true, { ...value, runStatus: run.status }, () =>
          summary
            ? describeSummary(summary)
            : `job ${run.id}: ${run.status}, no summary yet (running, or killed: resume it with --resume ${run.id})`,
        );
      } finally {
        store.close();
      }
    });

  withStoreOptions(endpoint.command('list-jobs').description('the jobs of a batch endpoint, newest first'))
    .argument('<name>', 'batch endpoint name')
    .action((name: string, options: JsonOption) => {
      const store = openCliStore(options, false);
      try {
        const runs = store
          .searchRuns({ filter: `tags."${BATCH_ENDPOINT_TAG}" = '${name.replace(/'/g, "''")}'` })
          .filter((r) => r.tags[SWEEP_TYPE_TAG] === BATCH_JOB_TYPE)
          .sort((a, b) => b.startTime - a.startTime);
        printResult(
          options.json === true,
          runs.map((r) => ({
            jobId: r.id,
            status: r.status,
            startTime: r.startTime,
            endTime: r.endTime ?? null,
            metrics: r.metrics,
            params: r.params,
          })),
          () =>
            table(
              ['job', 'status', 'rows', 'errors', 'started'],
              runs.map((r) => [
                r.id,
                r.status,
                String(r.metrics['rows'] ?? '-'),
                String(r.metrics['errors'] ?? '-'),
                when(r.startTime),
              ]),
            ),
        );
      } finally {
        store.close();
      }
    });
}

/** `batch-endpoint invoke`: runs the job with a progress line on a terminal and signals handled. */
async function invoke(name: string, options: InvokeOptions): Promise<void> {
  if (options.input === undefined && options.resume === undefined) {
    throw new ValidationError('batch-endpoint invoke needs --input (or --resume JOB_ID)', {
      path: '--input',
    });
  }
  const store = openCliStore(options, false);
  const controller = new AbortController();
  const stop = onStopSignals({
    graceful: (signal) => {
      log(
        `${signal}: stopping after the running mini-batches (a second signal ends at once; the journal stays consistent)`,
      );
      controller.abort();
    },
    immediate: (signal) => process.exit(SIGNAL_EXIT_CODE[signal]),
  });
  const tty = options.json !== true && process.stderr.isTTY === true;
  let drawn = false;
  let summary: BatchJobSummary;
  try {
    summary = await runBatchJob({
      store,
      endpoint: name,
      ...(options.input !== undefined ? { input: options.input } : {}),
      ...(options.outputPath !== undefined ? { outputPath: options.outputPath } : {}),
      ...(options.deploymentName !== undefined ? { deployment: options.deploymentName } : {}),
      ...(options.resume !== undefined ? { resume: options.resume } : {}),
      ...(options.workers !== undefined ? { maxWorkers: options.workers } : {}),
      signal: controller.signal,
      onStart: (jobId) => {
        if (options.json !== true)
          log(`batch job ${jobId}${options.resume !== undefined ? ' (resumed)' : ''}`);
      },
      log: (line) => {
        // the line replaces the bar, which the next progress redraws below it
        if (drawn) process.stderr.write('\r\x1b[K');
        drawn = false;
        log(line);
      },
      ...(tty
        ? {
            onProgress: (p) => {
              process.stderr.write(`\r${progressLine(p)}\x1b[K`);
              drawn = true;
            },
          }
        : {}),
    });
  } finally {
    if (drawn) process.stderr.write('\n');
    stop.dispose();
    store.close();
  }
  printResult(options.json === true, summary, () => describeSummary(summary));
  const signal = stop.received();
  if (summary.status === 'Canceled' && signal !== undefined) process.exitCode = SIGNAL_EXIT_CODE[signal];
  else if (summary.status === 'Failed') process.exitCode = FAILURE_EXIT_CODE;
}

/**
 * A job's summary for a person: status, counts, the output, and the errors listed.
 *
 * @example
 * describeSummary(summary); // 'job 3f2a… Completed: 20,000 rows ...'
 */
export function describeSummary(s: BatchJobSummary): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const lines = [
    `job ${s.jobId} ${s.status}${s.reason ? `: ${s.reason}` : ''}`,
    `  ${s.endpoint}/${s.deployment} read ${s.input}`,
    `  ${n(s.rows)} rows in ${s.miniBatches} mini-batches (${s.miniBatchesResumed} resumed), ${n(Math.round(s.rowsPerSecond))} rows/s on ${s.workers} worker${s.workers === 1 ? '' : 's'}, ${s.seconds.toFixed(2)} s`,
    `  errors ${s.errorCount} (${s.badRows} bad rows, ${s.failedMiniBatches} failed mini-batches), threshold ${s.errorThreshold === -1 ? 'none' : s.errorThreshold}`,
    ...s.errors
      .slice(0, 20)
      .map((e) =>
        e.kind === 'bad_rows'
          ? `    ${e.file}:${e.line}: ${e.reason}`
          : `    mini-batch ${e.index} (${e.files.length} file${e.files.length === 1 ? '' : 's'}) failed after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}: ${e.error}`,
      ),
    ...(s.errors.length > 20 ? [`    … ${s.errors.length - 20} more listed in --json`] : []),
    s.output !== undefined
      ? `  output ${s.output}`
      : s.status === 'Canceled'
        ? `  resume it: mlsweep batch-endpoint invoke ${s.endpoint} --resume ${s.jobId}`
        : `  no output written (${s.outputAction === 'summary_only' ? 'summary_only' : 'the job did not complete'})`,
  ];
  return lines.join('\n');
}

function endpointJson(store: BatchEndpointStore, record: BatchEndpointRecord): Record<string, unknown> {
  return recordJson(record, {
    defaultDeployment: record.spec.defaultDeployment ?? null,
    deployments: store.listDeployments(record.spec.name).map((d) => d.spec.name),
  });
}

function showEndpoint(store: BatchEndpointStore, record: BatchEndpointRecord): string {
  const { spec } = record;
  const deployments = store.listDeployments(spec.name);
  return [
    `batch endpoint ${spec.name}${spec.description ? ` - ${spec.description}` : ''}`,
    `  default deployment ${spec.defaultDeployment ?? '- (none yet)'}`,
    ...Object.entries(spec.tags).map(([k, v]) => `  tag ${k} = ${v}`),
    `  updated ${when(record.updatedAt)}${record.changedBy ? ` by ${record.changedBy}` : ''}`,
    table(
      ['deployment', 'default', 'model'],
      deployments.map((d) => [
        d.spec.name,
        d.spec.name === spec.defaultDeployment ? 'yes' : '',
        d.spec.model,
      ]),
    ),
  ].join('\n');
}
