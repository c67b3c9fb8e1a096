// `mlsweep batch-deployment …`: deployments of batch endpoints in the tracking store, in
// the shapes of `az ml batch-deployment`. A deployment's model and scoring module are
// checked before it is stored.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DataError } from '../core/errors.ts';
import type { BatchDeploymentSpec } from '../registry/batch-endpoint-store.ts';
import { type BatchDeploymentRecord, BatchEndpointStore } from '../registry/batch-endpoint-store.ts';
import { ModelRegistry } from '../registry/model-registry.ts';
import { readBatchDeploymentFile } from '../serve/batch/spec.ts';
import { resolveModel } from '../serve/catalog.ts';
import { confirmed, who } from './endpoint.ts';
import { type StoreOption, table, when, withCliStore, withStoreOptions } from './experiments.ts';
import { log, printResult } from './output.ts';

interface JsonOption extends StoreOption {
  readonly json?: boolean;
}

interface WriteOptions extends JsonOption {
  readonly file: string;
  readonly name?: string;
  readonly endpointName?: string;
  readonly setDefault?: boolean;
}

/**
 * Checks, before a batch deployment is stored, that what it names is usable: the model
 * resolves to a file which (without a scoring module) is a pipeline saved by mlsweep
 * automl; a scoring module exists. DataErrors name the deployment and the file.
 *
 * @example
 * checkBatchDeploymentFiles(readBatchDeploymentFile('rf.yml').spec, registry);
 */
export function checkBatchDeploymentFiles(spec: BatchDeploymentSpec, registry: ModelRegistry): void {
  const { modelFile } = resolveModel(spec.model, registry, spec.name);
  if (spec.codeConfiguration !== undefined) {
    const script = resolve(spec.codeConfiguration.code, spec.codeConfiguration.scoringScript);
    if (!existsSync(script) || !statSync(script).isFile())
      throw new DataError(
        `the scoring module of deployment ${spec.name}, ${script}, does not exist`,
        'E_SCORING_SCRIPT_MISSING',
      );
    return;
  }
  let format: unknown;
  try {
    format = (JSON.parse(readFileSync(modelFile, 'utf8')) as { format?: unknown } | null)?.format;
  } catch (error) {
    throw new DataError(
      `the model of deployment ${spec.name}, ${modelFile}, is not JSON: ${(error as Error).message}`,
      'E_MODEL_INVALID',
    );
  }
  if (format !== 'mlsweep-automl-pipeline') {
    throw new DataError(
      `the model of deployment ${spec.name}, ${modelFile}, is not a pipeline saved by mlsweep automl; other models need a scoring module (code_configuration)`,
      'E_MODEL_INVALID',
    );
  }
}

/**
 * Registers `mlsweep batch-deployment create|update|list|show|delete`.
 *
 * @example
 * registerBatchDeployments(program); // then: mlsweep batch-deployment create -f rf.yml --set-default
 */
export function registerBatchDeployments(program: Command): void {
  const deployment = program
    .command('batch-deployment')
    .description('deployments of batch endpoints (Azure ML v2 modelBatchDeployment)');

  const write = (command: Command, mode: 'create' | 'update') =>
    withStoreOptions(command)
      .requiredOption(
        '-f, --file <yaml>',
        'batch deployment YAML (name, endpoint_name, model, mini_batch_size, ...)',
      )
      .option('--name <name>', "the deployment's name (default: the file's)")
      .option('--endpoint-name <name>', "the batch endpoint (default: the file's endpoint_name)")
      .option('--set-default', "make it the endpoint's default deployment (the first one is, anyway)")
      .action((options: WriteOptions) => {
        const file = readBatchDeploymentFile(options.file);
        for (const line of file.notices) log(`mlsweep: note: ${line}`);
        const spec = {
          ...file.spec,
          name: options.name ?? file.spec.name,
          endpointName: options.endpointName ?? file.spec.endpointName,
        };
        withBatch(options, (store) => {
          store.getEndpoint(spec.endpointName);
          checkBatchDeploymentFiles(spec, new ModelRegistry({ store: store.store }));
          const record = store.createOrUpdateDeployment(spec, {
            mode,
            changedBy: who(),
            ...(options.setDefault ? { setDefault: true } : {}),
          });
          const isDefault = store.getEndpoint(spec.endpointName).spec.defaultDeployment === spec.name;
          printResult(options.json === true, { ...deploymentJson(record), isDefault }, () =>
            [
              `${mode === 'create' ? 'created' : 'updated'} batch deployment ${spec.name} of ${spec.endpointName}${isDefault ? ' (the default)' : ''}`,
              `  score data: mlsweep batch-endpoint invoke ${spec.endpointName} --input data/${isDefault ? '' : ` --deployment-name ${spec.name}`}`,
            ].join('\n'),
          );
        });
      });

  write(deployment.command('create').description('add a deployment to a batch endpoint'), 'create');
  write(deployment.command('update').description('replace a batch deployment from its YAML'), 'update');

  withStoreOptions(deployment.command('list').description('the deployments of a batch endpoint'))
    .requiredOption('--endpoint-name <name>', 'the batch endpoint')
    .action((options: JsonOption & { endpointName: string }) =>
      withBatch(options, (store) => {
        const chosen = store.getEndpoint(options.endpointName).spec.defaultDeployment;
        const list = store.listDeployments(options.endpointName);
        printResult(
          options.json === true,
          list.map((d) => ({ ...deploymentJson(d), isDefault: d.spec.name === chosen })),
          () =>
            table(
              ['name', 'default', 'model', 'workers', 'mini-batch', 'output', 'updated'],
              list.map((d) => [
                d.spec.name,
                d.spec.name === chosen ? 'yes' : '',
                d.spec.model,
                `${d.spec.instanceCount}x${d.spec.maxConcurrencyPerInstance}`,
                miniBatch(d.spec),
                d.spec.outputAction,
                when(d.updatedAt),
              ]),
            ),
        );
      }),
    );

  withStoreOptions(deployment.command('show').description('a batch deployment'))
    .argument('<name>', 'deployment name')
    .requiredOption('--endpoint-name <name>', 'the batch endpoint')
    .action((name: string, options: JsonOption & { endpointName: string }) =>
      withBatch(options, (store) => {
        const record = store.getDeployment(options.endpointName, name);
        printResult(options.json === true, deploymentJson(record), () => showDeployment(record));
      }),
    );

  withStoreOptions(
    deployment
      .command('delete')
      .description('delete a batch deployment (not the default while others exist)'),
  )
    .argument('<name>', 'deployment name')
    .requiredOption('--endpoint-name <name>', 'the batch endpoint')
    .option('--yes', 'do not ask for confirmation')
    .action(async (name: string, options: JsonOption & { endpointName: string; yes?: boolean }) => {
      withBatch(options, (store) => store.getDeployment(options.endpointName, name));
      const what = `batch deployment ${name} of ${options.endpointName}`;
      if (!(await confirmed(options.yes === true, what))) return;
      withBatch(options, (store) => {
        store.deleteDeployment(options.endpointName, name, { changedBy: who() });
        printResult(
          options.json === true,
          { deleted: name, endpointName: options.endpointName },
          () => `deleted ${what}`,
        );
      });
    });
}

/**
 * Runs `fn` with the batch endpoints of the store a command names (never created here).
 *
 * @example
 * withBatch(options, (store) => store.listEndpoints());
 */
export function withBatch<T>(options: StoreOption, fn: (store: BatchEndpointStore) => T, create = false): T {
  return withCliStore(options, create, (store) => fn(new BatchEndpointStore({ store })));
}

function miniBatch(spec: BatchDeploymentSpec): string {
  return spec.miniBatchBytes !== undefined ? `${spec.miniBatchBytes} bytes` : `${spec.miniBatchSize} files`;
}

function deploymentJson(record: BatchDeploymentRecord): Record<string, unknown> {
  return {
    ...record.spec,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    changedBy: record.changedBy ?? null,
  };
}

function showDeployment(record: BatchDeploymentRecord): string {
  const { spec } = record;
  return [
    `batch deployment ${spec.name} of ${spec.endpointName}${spec.description ? ` - ${spec.description}` : ''}`,
    `  model ${spec.model}`,
    ...(spec.codeConfiguration
      ? [`  scoring module ${spec.codeConfiguration.scoringScript} in ${spec.codeConfiguration.code}`]
      : []),
    `  workers ${spec.instanceCount} instance(s) x ${spec.maxConcurrencyPerInstance} (capped at the cores)`,
    `  mini-batch ${miniBatch(spec)}`,
    `  output ${spec.outputAction}${spec.outputAction === 'append_row' ? ` to ${spec.outputFileName}` : ''}`,
    `  retries ${spec.retrySettings.maxRetries}, timeout ${spec.retrySettings.timeoutSeconds} s per mini-batch`,
    `  error threshold ${spec.errorThreshold === -1 ? 'none (-1: every error ignored)' : spec.errorThreshold}`,
    `  logging ${spec.loggingLevel}`,
    `  updated ${when(record.updatedAt)}${record.changedBy ? ` by ${record.changedBy}` : ''}`,
  ].join('\n');
}
