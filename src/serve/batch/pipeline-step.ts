/**
 * The `batch_endpoint` pipeline step (an mlsweep extension: Azure ML pipelines have no step
 * that invokes a batch endpoint; they score in batch with a command or `parallel` step):
 * the step invokes a registered batch endpoint (its default deployment, or the one named)
 * on its `input_data`, as `mlsweep batch-endpoint invoke` does (runBatchJob: mini-batches,
 * retries, error threshold, a job run of its own), and its `score` output is the job's
 * output folder. It lives here, beside the batch jobs, because pipelines (layer 5) cannot
 * import the server's code (layer 6): `job create` and the published-pipeline routes add it
 * to the pipeline's executors (pipelineExecutors).
 *
 * Reuse: the step's cache key holds what its executor reports here (the deployment's spec,
 * its model's content hash, its code folder's) besides the input's content hash, so a new
 * default deployment, a new model version or an edited scoring module reruns it.
 */
import { existsSync } from 'node:fs';
import { contentHash } from '../../pipeline/content-hash.ts';
import { BATCH_STEP_INPUT, BATCH_STEP_OUTPUT, type StepSpec } from '../../pipeline/pipeline-spec.ts';
import type { StepContext, StepExecutor, StepOutcome } from '../../pipeline/step-context.ts';
import { defaultExecutors } from '../../pipeline/step-executors.ts';
import { BatchEndpointStore } from '../../registry/batch-endpoint-store.ts';
import { ModelRegistry } from '../../registry/model-registry.ts';
import type { SqliteStore } from '../../tracking/sqlite-store.ts';

/** The tag of a batch step's run naming the batch job it ran. */
export const BATCH_STEP_JOB_TAG = 'mlsweep.pipeline.batch_job';

/**
 * Runs a batch_endpoint step: a batch job of the endpoint on the step's input, written to
 * the step's `score` folder. A job that ends Failed (past its error threshold) fails the
 * step; a canceled pipeline cancels the job between mini-batches.
 *
 * @example
 * await runPipeline(spec, { store, executors: pipelineExecutors() });
 */
async function runBatchEndpointStep(ctx: StepContext): Promise<StepOutcome> {
  const batch = ctx.step.batch!;
  const input = String(ctx.inputs[BATCH_STEP_INPUT]);
  // loaded when a batch step runs: a pipeline whose batch step is reused never loads the batch engine
  const { runBatchJob } = await import('./job.ts');
  const summary = await runBatchJob({
    store: ctx.store,
    endpoint: batch.endpoint,
    ...(batch.deployment !== undefined ? { deployment: batch.deployment } : {}),
    input,
    outputPath: ctx.outputs[BATCH_STEP_OUTPUT]!,
    signal: ctx.signal,
    log: (line) => ctx.log(`[${ctx.step.name}] ${line}`),
    onStart: (jobId) => ctx.store.setTags(ctx.runId, { [BATCH_STEP_JOB_TAG]: jobId }),
  });
  const message =
    `batch job ${summary.jobId} (${summary.endpoint}/${summary.deployment}): ${summary.status}, ` +
    `${summary.rows} rows in ${summary.miniBatches} mini-batches, ${summary.errorCount} errors` +
    (summary.reason !== undefined ? `: ${summary.reason}` : '');
  ctx.store.logMetrics(ctx.runId, [
    { key: 'rows', value: summary.rows, step: 0, timestamp: Date.now() },
    { key: 'errors', value: summary.errorCount, step: 0, timestamp: Date.now() },
  ]);
  ctx.log(`[${ctx.step.name}] ${message}`);
  return {
    ok: summary.status === 'Completed',
    message,
    ...(summary.status === 'Canceled' ? { stopped: true } : {}),
  };
}

/** What the step's result depends on besides its input: the deployment as it is now. */
function deploymentKey(step: StepSpec, store: SqliteStore): unknown {
  const batch = step.batch!;
  const { spec } = new BatchEndpointStore({ store }).resolveDeployment(batch.endpoint, batch.deployment);
  // a models:/ reference by the registered version's file (a moved alias changes it), a path by its bytes
  const model = spec.model.startsWith('models:/')
    ? new ModelRegistry({ store }).modelFile(spec.model).file
    : spec.model;
  const code = spec.codeConfiguration?.code;
  return {
    spec,
    model: contentHash(model),
    code: code !== undefined && existsSync(code) ? contentHash(code) : null,
  };
}

/** The batch_endpoint executor, with its cache key. */
export const batchEndpointStep: StepExecutor = Object.assign(runBatchEndpointStep, {
  cacheKey: deploymentKey,
});

/**
 * Every step type `mlsweep job create` runs: command, sweep, AutoML and batch_endpoint.
 *
 * @example
 * await runPipeline(readPipelineFile('pipeline.yml', { store }), { store, executors: pipelineExecutors() });
 */
export function pipelineExecutors(): Partial<Record<StepSpec['type'], StepExecutor>> {
  return { ...defaultExecutors(), batch_endpoint: batchEndpointStep };
}
