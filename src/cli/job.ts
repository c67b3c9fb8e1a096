// `mlsweep job create|list|show|stream|cancel|publish`: Azure ML pipeline jobs run here
// as a DAG of steps, each a child run of the job's run in the store.
import { type Command, InvalidArgumentError } from 'commander';
import type { Literal } from '../pipeline/component.ts';
import { followJob, type JobDetail, listJobs, requestCancel, showJob } from '../pipeline/jobs.ts';
import { readPipelineFile } from '../pipeline/pipeline-spec.ts';
import { listPublished, publishPipeline } from '../pipeline/published.ts';
import { type PipelineResult, runPipeline } from '../pipeline/runner.ts';
import { pipelineExecutors } from '../serve/batch/pipeline-step.ts';
import { openCliStore, type StoreOption, table, when, withStoreOptions } from './experiments.ts';
import { integerOption } from './options.ts';
import { log, printResult } from './output.ts';
import { onStopSignals, SIGNAL_EXIT_CODE } from './signals.ts';
import { FAILURE_EXIT_CODE } from './usage.ts';

/**
 * A parser for repeated `--set inputs.NAME=VALUE`: numbers and true/false are typed, the
 * rest kept as text (the pipeline's input type decides in the end).
 *
 * @example
 * command.option('--set <inputs.x=v>', 'override an input', setOption, {});
 */
export function setOption(value: string, previous: Record<string, Literal> = {}): Record<string, Literal> {
  const m = /^inputs\.([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
  if (!m) throw new InvalidArgumentError('expected inputs.NAME=VALUE');
  const raw = m[2]!;
  const typed: Literal =
    raw === 'true'
      ? true
      : raw === 'false'
        ? false
        : raw.trim() !== '' && Number.isFinite(Number(raw))
          ? Number(raw)
          : raw;
  return { ...previous, [m[1]!]: typed };
}

/**
 * The argv that runs this mlsweep again (node, its flags such as `--import tsx`, the script).
 *
 * @example
 * mlsweepCommand(); // ['/usr/bin/node', '/usr/lib/node_modules/mlsweep/dist/cli/main.js']
 */
export function mlsweepCommand(): string[] {
  return [process.execPath, ...process.execArgv, process.argv[1]!];
}

function humanResult(result: PipelineResult): string {
  return [
    `pipeline run ${result.runId}: ${result.status}`,
    table(
      ['step', 'status', 'run', 'note'],
      result.steps.map((s) => [
        s.name,
        s.status,
        s.runId ?? '-',
        s.reusedFrom ? `reused from ${s.reusedFrom}` : (s.message ?? `${(s.durationMs / 1000).toFixed(1)} s`),
      ]),
    ),
    ...Object.entries(result.outputs).map(([k, v]) => `outputs.${k} = ${v}`),
  ].join('\n');
}

function humanDetail(job: JobDetail): string {
  return [
    `${job.runId} ${job.name}: ${job.status} (started ${when(job.startTime)}, ended ${when(job.endTime)})`,
    ...(job.file ? [`  file ${job.file}`] : []),
    table(
      ['step', 'type', 'status', 'run', 'note'],
      job.steps.map((s) => [
        s.name,
        s.type,
        s.status,
        s.runId,
        s.reusedFrom ? `reused from ${s.reusedFrom}` : (s.message ?? ''),
      ]),
    ),
    ...Object.entries(job.outputs).map(([k, v]) => `outputs.${k} = ${v}`),
  ].join('\n');
}

/**
 * Registers `mlsweep job create|list|show|stream|cancel|publish|published`.
 *
 * @example
 * registerJobs(program); // mlsweep job create -f pipeline.yml
 */
export function registerJobs(program: Command): void {
  const job = program.command('job').description('pipeline jobs: steps of components run as a DAG');

  withStoreOptions(job.command('create').description('run a pipeline job (type: pipeline) and wait for it'))
    .option('-f, --file <yml>', 'pipeline job YAML (with --resume: default the file it was run from)')
    .option('--set <inputs.NAME=VALUE>', 'override a pipeline input (repeatable)', setOption, {})
    .option('--resume <run-id>', 'continue a pipeline run: rerun only the steps that did not succeed')
    .option('--max-parallel <n>', 'most steps at once (default: the cores)', integerOption({ min: 1 }))
    .action(
      async (
        o: StoreOption & {
          json?: boolean;
          file?: string;
          set: Record<string, Literal>;
          resume?: string;
          maxParallel?: number;
        },
      ) => {
        const store = openCliStore(o, true);
        try {
          let file = o.file;
          let overrides = o.set;
          if (o.resume !== undefined) {
            const before = store.run(o.resume);
            file ??= before.tags['mlsweep.pipeline.file'];
            if (Object.keys(overrides).length === 0) {
              overrides = JSON.parse(before.tags['mlsweep.pipeline.overrides'] ?? '{}') as Record<
                string,
                Literal
              >;
            }
          }
          if (file === undefined) throw new InvalidArgumentError('job create needs -f <pipeline.yml>');
          const spec = readPipelineFile(file, { store, overrides });
          // Steps that call mlsweep (a batch scoring step) run this same mlsweep.
          process.env['MLSWEEP_COMMAND'] ??= JSON.stringify(mlsweepCommand());
          for (const note of spec.notes) log(`note: ${note}`);
          const controller = new AbortController();
          const stop = onStopSignals({
            graceful: () => controller.abort(),
            immediate: () => controller.abort(),
          });
          let result: PipelineResult;
          try {
            result = await runPipeline(spec, {
              store,
              overrides,
              log,
              signal: controller.signal,
              executors: pipelineExecutors(),
              ...(o.resume !== undefined ? { resume: o.resume } : {}),
              ...(o.maxParallel !== undefined ? { maxParallel: o.maxParallel } : {}),
            });
          } finally {
            stop.dispose();
          }
          printResult(o.json === true, result, () => humanResult(result));
          const signal = stop.received();
          if (signal !== undefined) process.exitCode = SIGNAL_EXIT_CODE[signal];
          else if (result.status !== 'completed') process.exitCode = FAILURE_EXIT_CODE;
        } finally {
          store.close();
        }
      },
    );

  withStoreOptions(job.command('list').description('pipeline jobs, newest first')).action(
    (o: StoreOption & { json?: boolean }) => {
      const store = openCliStore(o, false);
      try {
        const jobs = listJobs(store);
        printResult(o.json === true, jobs, () =>
          table(
            ['run', 'name', 'status', 'started'],
            jobs.map((j) => [j.runId, j.name, j.status, when(j.startTime)]),
          ),
        );
      } finally {
        store.close();
      }
    },
  );

  withStoreOptions(job.command('show').description('a pipeline job and its steps'))
    .argument('<run-id>', 'the pipeline run (or a unique prefix)')
    .action((runId: string, o: StoreOption & { json?: boolean }) => {
      const store = openCliStore(o, false);
      try {
        const detail = showJob(store, runId);
        printResult(o.json === true, detail, () => humanDetail(detail));
      } finally {
        store.close();
      }
    });

  withStoreOptions(job.command('stream').description("follow a job's step logs until it ends"))
    .argument('<run-id>', 'the pipeline run')
    .action(async (runId: string, o: StoreOption & { json?: boolean }) => {
      const store = openCliStore(o, false);
      const controller = new AbortController();
      const stop = onStopSignals({ graceful: () => controller.abort(), immediate: () => controller.abort() });
      try {
        // With --json the logs go to stderr and the final detail is the one document on stdout.
        const write = (text: string) => (o.json ? process.stderr : process.stdout).write(text);
        const detail = await followJob(store, runId, { write, signal: controller.signal });
        if (o.json) printResult(true, detail, () => '');
        else log(`${detail.runId}: ${detail.status}`);
        if (detail.status === 'failed') process.exitCode = FAILURE_EXIT_CODE;
      } finally {
        stop.dispose();
        store.close();
      }
    });

  withStoreOptions(job.command('cancel').description('stop a running pipeline job and its steps'))
    .argument('<run-id>', 'the pipeline run')
    .action((runId: string, o: StoreOption & { json?: boolean }) => {
      const store = openCliStore(o, false);
      try {
        const running = requestCancel(store, runId);
        const result = { runId, canceled: running };
        printResult(o.json === true, result, () =>
          running ? `cancel requested for ${runId}` : `${runId} is not running: nothing to cancel`,
        );
      } finally {
        store.close();
      }
    });

  withStoreOptions(
    job.command('publish').description('publish a pipeline under a name (POST /pipelines/{name}/runs)'),
  )
    .requiredOption('-f, --file <yml>', 'pipeline job YAML')
    .requiredOption('--name <name>', 'the name it is published under')
    .action((o: StoreOption & { json?: boolean; file: string; name: string }) => {
      const store = openCliStore(o, true);
      try {
        const published = publishPipeline(store, o.name, o.file);
        printResult(o.json === true, published, () =>
          [
            `published pipeline ${published.name} from ${published.file}`,
            `  POST /pipelines/${published.name}/runs with Authorization: Bearer <key>`,
            `  primaryKey   ${published.primaryKey}`,
            `  secondaryKey ${published.secondaryKey}`,
          ].join('\n'),
        );
      } finally {
        store.close();
      }
    });

  withStoreOptions(job.command('published').description('the published pipelines')).action(
    (o: StoreOption & { json?: boolean }) => {
      const store = openCliStore(o, false);
      try {
        const list = listPublished(store).map(({ text: _t, primaryKey: _p, secondaryKey: _s, ...p }) => p);
        printResult(o.json === true, list, () =>
          table(
            ['name', 'file', 'updated'],
            list.map((p) => [p.name, p.file, when(p.updatedAt)]),
          ),
        );
      } finally {
        store.close();
      }
    },
  );
}
